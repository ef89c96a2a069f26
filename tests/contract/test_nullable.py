"""Explicit ``null`` is accepted wherever Dojo's document of the version says a request property
is nullable: SDK-style clients send every property, null when unset. For each operation Tender
serves and each version, every nullable property (down to the members of nested objects and of
the first array item) is sent null, one at a time, in an otherwise smallest valid body."""

import copy
import itertools
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Api
from tests.contract import conformance, scenarios

Step = tuple[str | int, str | None]  # a property (or index 0) and the schema it holds
GBP = scenarios.gbp(1)
# Members a nested object needs before one of its others can be null.
MINIMAL: dict[str, dict[str, Any]] = {
    "Money": GBP,
    "Address": {"countryCode": "GB"},
    "ItemLine": {"amountTotal": GBP},
    "TaxLine": {"amountTotal": GBP},
    "ActionLink": {"url": "https://shop.example/receipt", "label": "Receipt"},
    "Modifier": {"id": "m", "name": "Milk", "amountPerModifier": GBP, "quantity": 1},
}


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The component a schema stands for (through $ref and one-branch oneOf/allOf), with the
    properties of every allOf branch merged."""
    name = None
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = doc["components"]["schemas"][name]
        elif len(schema.get("oneOf", [])) == 1:
            schema = schema["oneOf"][0]
        elif "allOf" in schema:
            merged: dict[str, Any] = {"properties": {}}
            for branch in schema["allOf"]:
                merged["properties"].update(_resolve(doc, branch)[1].get("properties", {}))
            return name, merged
        else:
            return name, schema


def _nullable(
    doc: dict[str, Any], schema: dict[str, Any], path: list[Step]
) -> Iterator[list[Step]]:
    _, resolved = _resolve(doc, schema)
    for prop, sub in resolved.get("properties", {}).items():
        name, inner = _resolve(doc, sub)
        if sub.get("nullable") is True or inner.get("nullable") is True:
            yield [*path, (prop, name)]
        if len(path) >= 2:
            continue
        if inner.get("properties") or "allOf" in inner:
            yield from _nullable(doc, sub, [*path, (prop, name)])
        elif inner.get("type") == "array" and isinstance(inner.get("items"), dict):
            item_name, item = _resolve(doc, inner["items"])
            if item.get("properties"):
                steps: list[Step] = [*path, (prop, None), (0, item_name)]
                yield from _nullable(doc, inner["items"], steps)


def cases() -> Iterator[tuple[str, str, str, list[list[Step]]]]:
    for version in ("2022-04-07", "2024-02-05", "2025-09-10"):
        doc = conformance.raw_document(version)
        for method, template in scenarios.BODIES:
            op = doc["paths"][template][method]
            media = op["requestBody"]["content"]["application/json"]
            paths = list(_nullable(doc, media["schema"], []))
            if paths:
                yield version, method, template, paths


def with_null(base: dict[str, Any], path: list[Step]) -> dict[str, Any]:
    """``base`` with the member at ``path`` null, its parents made with what they require."""
    body = copy.deepcopy(base)
    node: Any = body
    for (key, holds), (next_key, _) in itertools.pairwise(path):
        made: Any = [] if isinstance(next_key, int) else copy.deepcopy(MINIMAL.get(holds or "", {}))
        if isinstance(key, int):
            node.append(made)
        elif node.get(key) is None:
            node[key] = made
        node = node[key]
    last = path[-1][0]
    if isinstance(last, int):
        node.append(None)
    else:
        node[last] = None
    return body


CASES = list(cases())


@pytest.mark.parametrize(
    ("version", "method", "template", "paths"), CASES, ids=[f"{c[0]} {c[1]} {c[2]}" for c in CASES]
)
async def test_null_is_accepted_where_dojo_says_nullable(
    api: Api, version: str, method: str, template: str, paths: list[list[Step]]
) -> None:
    url, headers = await scenarios.target(api, method, template)
    base = scenarios.BODIES[(method, template)]
    refused = []
    for path in paths:
        body = with_null(base, path)
        if "idempotencyKey" in headers:
            headers["idempotencyKey"] = secrets.token_hex(8)
        response = await api.request(
            method.upper(), url, json=body, headers={"version": version, **headers}
        )
        if not 200 <= response.status_code < 300 or "Tender-Ignored-Fields" in response.headers:
            refused.append(f"{body}: {response.status_code} {response.text[:300]}")
    assert not refused, "\n".join(refused)


def test_the_cases_reach_nested_members() -> None:
    found = {
        (version, template): {".".join(str(k) for k, _ in path) for path in paths}
        for version, _, template, paths in CASES
    }
    create = found[("2024-02-05", "/payment-intents")]
    assert {"cardHolderNotPresent", "customer.secret", "config.title", "actionLink.action",
            "itemLines.0.amountTotal", "shippingDetails.address.address1"} <= create  # fmt: skip
    assert {"cursor", "cursor.before"} <= found[("2024-02-05", "/payment-intents/search")]
    assert "transactionSource" in found[("2022-04-07", "/payment-intents")]
