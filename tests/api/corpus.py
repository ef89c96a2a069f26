"""A generated corpus of malformed requests, one malformation each on top of a valid request,
so the only reason to refuse it is the malformation itself."""

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

GOOD_CREATE: dict[str, Any] = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "R"}
CREATE_FIELDS = [
    "amount",
    "reference",
    "captureMode",
    "description",
    "tipsAmount",
    "customer",
    "billingAddress",
    "shippingDetails",
    "cardHolderNotPresent",
    "config",
    "requestSecurity",
    "itemLines",
    "taxLines",
    "paymentMethods",
    "actionLink",
    "expireAt",
    "autoExpireIn",
    "autoExpireAction",
    "metadata",
    "setupIntentId",
    "orderDetails",
    "cashbackAmount",
    "serviceChargeAmount",
    "generateRemoteToken",
    "paymentSource",
]


def deep(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


# Values that are wrong for every field of the request bodies.
BAD_VALUES: list[Any] = [
    "true",
    1.5,
    -1,
    10**30,
    -(10**30),
    [[[]]],
    deep(200),
    "x\u0000y",
    "x" * 5000,
    {"value": "1000", "currencyCode": 1},
    ["\u202e" * 3],
]

RAW_BODIES: list[bytes] = [
    b"{",
    b"}",
    b"{'amount': 1}",
    b'{"amount": }',
    b"[1, 2",
    b"null",
    b"[]",
    b"123",
    b'"text"',
    b"true",
    b"\xff\xfe\xfd",
    b"\x00",
    b'{"a": NaN}',
    b'{"a": Infinity}',
    b"1e400",
    b"[" * 50_000 + b"]" * 50_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b"9" * 5000,
    b'{"reference": "\\ud800"}',
    b'{"amount": {"value": 1000, "currencyCode": "GBP"}',
]

FREE_TEXT = {"reference", "description", "paymentSource", "setupIntentId"}
NULLABLE = {"cursor"}  # null is the default cursor (Dojo's document: nullable)
MEMBERS_ONLY = 9  # BAD_VALUES[9], an object of Money's members with wrong types
ALL_OPTIONAL = {"shippingDetails", "config", "requestSecurity", "orderDetails", "cursor"}


@dataclass
class Case:
    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()  # headers to remove from the valid set


@dataclass
class Endpoint:
    method: str
    path: str  # {id} is the target intent
    body: dict[str, Any] | None  # a valid body, or None for body-less endpoints
    authed: bool = True


def endpoints(intent_id: str) -> list[Endpoint]:
    base = f"/payment-intents/{intent_id}"
    return [
        Endpoint("POST", "/payment-intents", GOOD_CREATE),
        Endpoint("POST", "/payment-intents/search", {"cursor": {"limit": 5}}),
        Endpoint("GET", base, None),
        Endpoint("DELETE", base, None),
        Endpoint("POST", f"{base}/amount", {"amount": {"value": 2000, "currencyCode": "GBP"}}),
        Endpoint(
            "POST", f"{base}/tips-amount", {"tipsAmount": {"value": 50, "currencyCode": "GBP"}}
        ),
        Endpoint("POST", f"{base}/refresh-client-session-secret", None),
        Endpoint("GET", f"/payment-intents/public/{intent_id}", None, authed=False),
        Endpoint(
            "POST",
            f"/payment-intents/public/{intent_id}/refresh-client-session-secret",
            None,
            authed=False,
        ),
    ]


BAD_IDS = [
    "pi_%00",
    "%00",
    "pi_" + "A" * 5000,
    "%F0%9F%98%80",
    "%ED%A0%80",
    "pi_sandbox_%27%3B--",
    "..%2F..%2Fetc",
    "pi_sandbox_AAAAAAAAAAAAAAAAAAAAAA",
]


def cases(intent_id: str, revoked_key: str, prod_style_key: str) -> Iterator[Case]:
    for ep in endpoints(intent_id):
        tag = f"{ep.method} {ep.path.replace(intent_id, '{id}')}"
        body = json.dumps(ep.body).encode() if ep.body is not None else None
        # Headers.
        yield Case(f"{tag} no version", ep.method, ep.path, body, drop=("version",))
        for version in ["", "latest", "2024-13-45", "2024-02-05T00:00", "ÿÿ", "9" * 300]:
            yield Case(
                f"{tag} version {version[:12]!r}", ep.method, ep.path, body, {"version": version}
            )
        if ep.authed:
            yield Case(f"{tag} no auth", ep.method, ep.path, body, drop=("authorization",))
            for auth in [
                "",
                "Basic",
                "Basic ",
                "Bearer",
                "Digest sk_sandbox_x",
                "Basic sk_sandbox_",
                "Basic sk_sandbox_" + "a" * 5000,
                "Basic ÿþ",
                "Basic " + revoked_key,
                "Basic " + prod_style_key,
                "Basic " + base64.b64encode(b"\xff\xfe:").decode(),
                "Basic " + base64.b64encode(b"sk_sandbox_wrongwrongwrongwrong:").decode(),
                "Basic %%%%",
                "sk_sandbox_noscheme",
            ]:
                yield Case(
                    f"{tag} auth {auth[:20]!r}", ep.method, ep.path, body, {"authorization": auth}
                )
        # Ids in the path.
        if intent_id in ep.path:
            for bad in BAD_IDS:
                yield Case(f"{tag} id {bad[:16]}", ep.method, ep.path.replace(intent_id, bad), body)
        # Content types and sizes, on every endpoint that takes a body or could be sent one.
        if ep.method != "GET":
            payload = body or b"{}"
            for ctype in [
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/xml",
                "json",
                "*/*",
            ]:
                yield Case(
                    f"{tag} content-type {ctype}",
                    ep.method,
                    ep.path,
                    payload,
                    {"content-type": ctype},
                )
            yield Case(f"{tag} oversized", ep.method, ep.path, b'{"a":"' + b"x" * 1_100_000 + b'"}')
        if ep.method != "GET" and ep.authed and not ep.path.endswith("/search"):  # mutating
            for key in [" ", "x" * 300, "tab\there", "caf\xe9"]:
                yield Case(
                    f"{tag} idempotencyKey {key[:8]!r}",
                    ep.method,
                    ep.path,
                    body,
                    {"idempotencyKey": key},
                )
        if ep.body is None:
            continue
        # Broken JSON and wrong JSON shapes.
        for i, raw in enumerate(RAW_BODIES):
            yield Case(f"{tag} raw body #{i}", ep.method, ep.path, raw)
        yield Case(f"{tag} empty body", ep.method, ep.path, b"")
        # Every field of the body, replaced by each bad value; plus unknown fields.
        names = CREATE_FIELDS if ep.path == "/payment-intents" else list(ep.body)
        for name in names:
            for j, value in enumerate(BAD_VALUES):
                if value == "true" and name in FREE_TEXT:
                    continue  # any short string is a valid reference or description
                if j == MEMBERS_ONLY and name in ALL_OPTIONAL:
                    continue  # only unknown members, ignored: an empty object, which is valid
                mutated = {**ep.body, name: value}
                yield Case(
                    f"{tag} {name}=bad#{j}", ep.method, ep.path, json.dumps(mutated).encode()
                )
            if name in ep.body and isinstance(ep.body[name], dict):
                for member in ep.body[name]:
                    for j, value in enumerate([None, "1", 1.5, 10**20, "gbp", "", "\u0000"]):
                        inner = {**ep.body[name], member: value}
                        yield Case(
                            f"{tag} {name}.{member}=bad#{j}",
                            ep.method,
                            ep.path,
                            json.dumps({**ep.body, name: inner}).encode(),
                        )
        # Unknown properties are ignored and PascalCase names bind (as Dojo binds them), but a
        # property twice, in either spelling, is refused.
        first, value = next(iter(ep.body.items()))
        text = json.dumps(ep.body)
        yield Case(
            f"{tag} duplicate property",
            ep.method,
            ep.path,
            (text[:-1] + f", {json.dumps(first)}: {json.dumps(value)}}}").encode(),
        )
        yield Case(
            f"{tag} camelCase and PascalCase",
            ep.method,
            ep.path,
            json.dumps({**ep.body, first[:1].upper() + first[1:]: value}).encode(),
        )
        for key in list(ep.body):
            if key in NULLABLE:
                continue
            yield Case(
                f"{tag} null {key}", ep.method, ep.path, json.dumps({**ep.body, key: None}).encode()
            )
            if ep.path != "/payment-intents/search":
                rest = {k: v for k, v in ep.body.items() if k != key}
                yield Case(f"{tag} missing {key}", ep.method, ep.path, json.dumps(rest).encode())
