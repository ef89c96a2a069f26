"""Dojo's documents as a validator: every API answer the suite provokes is checked against the
schema Dojo documents for its operation, status code and API version (``tests/contract/dojo``).

- ``check`` says what is wrong with one answer of a Dojo operation;
- ``Recorder`` is ASGI middleware that every test application wears (tests/conftest.py): it
  checks each API answer as it leaves the application and keeps what failed, so that the test
  that provoked it fails (answers of Tender's own endpoints are checked against Tender's models);
- ``request_examples`` lists every request example of the three documents.

How the documents are read, so that they say what Dojo means:

- ``nullable: true`` beside ``$ref``/``oneOf``/``allOf`` admits null, as the C# generator that
  wrote them means it (an OpenAPI 3.0 validator ignores it there);
- the documents' known faults are waived (shared/spec/openapi/README.md):
  ``PagedPaymentIntent`` is read as ``PagedResultOfPaymentIntent`` (its second ``allOf`` branch
  forbids every property), ``SetupIntentResponse`` as one object (its two ``allOf`` branches
  each forbid the other's properties), and the properties Dojo's own ``PaymentIntent``
  examples carry but its schema omits are allowed: they are rows of the README's table of
  additions;
- Tender's additional response properties are allowed exactly where that README table lists them;
- ``Subscription.url``: sandbox subscriptions may use ``http://`` to a loopback host (a difference
  the README lists).
"""

import functools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from pydantic import BaseModel, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tender.errors import InvalidRequest
from tender.service import versions

HERE = Path(__file__).resolve().parent
README = HERE.parents[1] / "README.md"
ADDITIONS_HEADING = "### Tender's additions to Dojo's answers"
METHODS = ("get", "post", "put", "patch", "delete")
# The operations Tender implements: Dojo's payment intents (merchant-initiated charges
# included), setup intents, customers and webhooks. Terminals and EPOS are not served.
SERVED = re.compile(r"^/(payment-intents|setup-intents|webhooks|customers)(/|$)")
NOT_SERVED_OPERATIONS: set[tuple[str, str]] = set()
API = re.compile(r"^/(payment-intents|setup-intents|webhooks|health|customers)(/|$)")
_TYPES: dict[str, dict[str, Any]] = {
    "integer": {"type": "integer"},
    "string": {"type": "string"},
    "string or null": {"type": "string", "nullable": True},
    "object": {"type": "object"},
    "array": {"type": "array"},
}


class _Loader(yaml.SafeLoader):
    """YAML as JSON would read it: timestamps stay text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@functools.cache
def raw_document(version: str) -> dict[str, Any]:
    """Dojo's document exactly as published."""
    text = (HERE / "dojo" / f"dojo-{version}.yaml").read_text("utf-8")
    return yaml.load(text, Loader=_Loader)


@functools.cache
def additions() -> dict[str, dict[str, dict[str, Any]]]:
    """The README's table: Dojo schema -> {property: JSON schema} Tender may add to it."""
    section = README.read_text("utf-8").split(ADDITIONS_HEADING, 1)[1]
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for line in section.splitlines()[1:]:
        if not line.startswith("|"):
            if table:
                break
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not cells[0].startswith("`"):
            continue
        schema, prop, kind = cells[0].strip("`"), cells[1].strip("`"), cells[2]
        table.setdefault(schema, {})[prop] = _TYPES[kind]
    return table


def _admit_null(node: Any) -> Any:
    if isinstance(node, list):
        return [_admit_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _admit_null(value) for key, value in node.items()}
    if node.get("nullable") is True and {"$ref", "oneOf", "allOf", "anyOf"} & node.keys():
        inner = {k: v for k, v in node.items() if k != "nullable"}
        return {"anyOf": [inner, {"enum": [None]}]}
    return node


@functools.cache
def document(version: str) -> dict[str, Any]:
    """Dojo's document as the validator reads it (see the module docstring)."""
    doc = _admit_null(raw_document(version))
    schemas = doc["components"]["schemas"]
    schemas["PagedPaymentIntent"] = {"$ref": "#/components/schemas/PagedResultOfPaymentIntent"}
    public, (_, extra) = (
        schemas["SetupIntentPublicResponse"],
        schemas["SetupIntentResponse"]["allOf"],
    )
    schemas["SetupIntentResponse"] = {
        **public,
        "properties": {**public["properties"], **extra["properties"]},
    }
    for name, props in additions().items():
        schemas[name].setdefault("properties", {}).update(props)
    schemas["Subscription"]["properties"]["url"]["pattern"] = "^https?://.+"
    return doc


def _uri(version: str) -> str:
    return f"urn:dojo:{version}"


@functools.cache
def _registry(version: str) -> Registry:
    resource = Resource.from_contents(document(version), default_specification=DRAFT4)
    return Registry().with_resource(_uri(version), resource)


def pointer(*parts: str | int) -> str:
    """A JSON pointer (escaped for use in a URI fragment) into a document."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + quote(p, safe="~") for p in escaped)


@functools.cache
def validator(version: str, at: str) -> OAS30Validator:
    """Validates against the schema at JSON pointer ``at`` of ``version``'s document."""
    return OAS30Validator(
        {"$ref": f"{_uri(version)}#{at}"},
        registry=_registry(version),
        format_checker=oas30_format_checker,
    )


def errors_of(version: str, at: str, value: Any) -> list[str]:
    """What is wrong with ``value`` for the schema at ``at``; an ``anyOf`` (a nullable member)
    is reported by its most relevant branch."""
    found = []
    for error in sorted(validator(version, at).iter_errors(value), key=lambda e: e.json_path):
        while error.context:
            branches = [e for e in error.context if e.schema != {"enum": [None]}]
            error = best_match(branches or error.context)
        found.append(f"{error.json_path}: {error.message[:300]}")
    return found


def served(method: str, template: str) -> bool:
    return bool(SERVED.match(template)) and (method, template) not in NOT_SERVED_OPERATIONS


def operation(version: str, method: str, template: str) -> dict[str, Any] | None:
    item = document(version)["paths"].get(template)
    return item.get(method.lower()) if item and served(method.lower(), template) else None


def _error_response(op: dict[str, Any]) -> str | None:
    for code, spec in sorted(op["responses"].items()):
        if str(code)[0] in "45" and "application/json" in spec.get("content", {}):
            return str(code)
    return None


def check(version: str, method: str, template: str, status: int, body: bytes) -> list[str] | None:
    """What is wrong with an answer of a Dojo operation; None when it is not one."""
    op = operation(version, method, template)
    if op is None:
        return None
    where = f"{method.upper()} {template} answered {status}"
    code = str(status) if str(status) in op["responses"] else None
    if code is None and status >= 400:
        code = _error_response(op)
        if code is None:  # no error documented: Dojo's problem document
            return errors_of(version, "/components/schemas/ProblemDetails", json.loads(body))
    if code is None:
        return [f"{where}, a status Dojo's {version} document does not define for it"]
    content = op["responses"][code].get("content")
    if not content:
        return [f"{where} with a body where Dojo's documents none"] if body.strip() else []
    try:
        value = json.loads(body)
    except ValueError:
        return [f"{where} with a body that is not JSON"]
    at = pointer("paths", template, method.lower(), "responses", code, "content")
    return errors_of(version, at + pointer("application/json", "schema"), value)


def _tender_check(route: Any, status: int, body: bytes) -> list[str]:
    """An answer of one of Tender's own endpoints, against the model it documents."""
    from tender.api.schemas import Problem

    documented = (getattr(route, "responses", None) or {}).get(status, {}).get("model")
    model: Any = documented or (Problem if status >= 400 else route.response_model)
    if model is None:
        return [f"{route.path} answered {status} with a body"] if body.strip() else []
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []  # list[...] answers: checked by the endpoint's own tests
    try:
        model.model_validate_json(body, strict=True)
    except ValidationError as exc:
        return [f"{route.path} answered {status}: {exc}"]
    return []


def version_of(headers: dict[str, str]) -> str:
    try:
        return versions.resolve(headers.get("version", ""))
    except InvalidRequest:
        return versions.V2024


CONVERTOR = re.compile(r"\{(\w+):\w+\}")
_lock = threading.Lock()
FAILURES: list[str] = []


def take_failures() -> list[str]:
    with _lock:
        found = list(FAILURES)
        FAILURES.clear()
    return found


class Recorder:
    """ASGI middleware: checks every API answer as it leaves the application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not API.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        status = 0
        chunks: list[bytes] = []

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, recording_send)
        route = scope.get("route")
        if route is None or status == 0:
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        version, body = version_of(headers), b"".join(chunks)
        template = CONVERTOR.sub(r"{\1}", route.path)  # /{paymentIntentId:id} as Dojo writes it
        problems = check(version, scope["method"], template, status, body)
        if problems is None:
            problems = _tender_check(route, status, body)
        if problems:
            with _lock:
                FAILURES.append(
                    f"{scope['method']} {scope['path']} -> {status} (version {version}):\n  "
                    + "\n  ".join(problems)
                )


@dataclass(frozen=True)
class Example:
    """One request example of Dojo's documents."""

    version: str
    method: str
    template: str
    name: str
    body: Any
    schema: str  # JSON pointer of the request schema

    @property
    def id(self) -> str:
        return f"{self.version} {self.method.upper()} {self.template} {self.name}"


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def request_examples() -> Iterator[Example]:
    """Every request example of the three documents: operation examples and the examples of the
    request schemas they reference."""
    for version in versions.SUPPORTED:
        doc = raw_document(version)
        for template, item in doc["paths"].items():
            for method in METHODS:
                op = item.get(method)
                media = ((op or {}).get("requestBody") or {}).get("content", {})
                media = media.get("application/json")
                if not media:
                    continue
                at = pointer("paths", template, method, "requestBody", "content")
                at += pointer("application/json", "schema")
                found: dict[str, Any] = {}
                if "example" in media:
                    found["example"] = media["example"]
                for name, example in (media.get("examples") or {}).items():
                    if isinstance(example, dict) and "value" in example:
                        found[name] = example["value"]
                name = _ref_name(media.get("schema", {}))
                component = doc["components"]["schemas"].get(name or "", {})
                if "example" in component:
                    found[f"{name} example"] = component["example"]
                for label, body in found.items():
                    yield Example(version, method, template, label, body, at)
