# ruff: noqa: E501
"""``/openapi.json`` describes the Dojo-shaped contract, and real answers of every endpoint
validate against the documented response schemas (the models in ``api/schemas.py``)."""

from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from tender.api import schemas
from tender.domain.status import CaptureMode, Status
from tests.conftest import VERSION, Api

PUBLIC = ("/payment-intents/public/", "/setup-intents/public/", "/customers/public/")  # no key
GATEWAY = ("/api/payments/", "/mobile/payments/", "/3ds/")
CREATE_FIELDS = {
    "amount", "reference", "captureMode", "description", "tipsAmount", "customer",
    "billingAddress", "shippingDetails", "cardHolderNotPresent", "config", "requestSecurity",
    "itemLines", "taxLines", "paymentMethods", "actionLink", "expireAt", "autoExpireIn",
    "autoExpireAction", "metadata", "setupIntentId", "orderDetails", "cashbackAmount",
    "serviceChargeAmount", "generateRemoteToken", "paymentSource", "transactionSource",
}  # fmt: skip


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]


def model_for(spec: dict[str, Any], op: dict[str, Any], code: str) -> type[BaseModel]:
    content = op["responses"][code]["content"]
    (media,) = content
    assert media == ("application/json" if code[0] == "2" else "application/problem+json")
    name = content[media]["schema"]["$ref"].rsplit("/", 1)[1]
    assert name in spec["components"]["schemas"]
    model = getattr(schemas, name)
    assert issubclass(model, BaseModel)
    return model


async def test_every_operation_names_its_headers_and_security(spec: dict[str, Any]) -> None:
    ops = operations(spec)
    assert {(m, p) for m, p, _ in ops} >= {
        ("POST", "/payment-intents"),
        ("POST", "/payment-intents/search"),
        ("GET", "/payment-intents/{paymentIntentId}"),
        ("DELETE", "/payment-intents/{paymentIntentId}"),
        ("POST", "/payment-intents/{paymentIntentId}/amount"),
        ("POST", "/payment-intents/{paymentIntentId}/tips-amount"),
        ("POST", "/payment-intents/{paymentIntentId}/refresh-client-session-secret"),
        ("GET", "/payment-intents/public/{paymentIntentId}"),
        ("POST", "/payment-intents/public/{paymentIntentId}/refresh-client-session-secret"),
        ("GET", "/health"),
    }
    scheme = spec["components"]["securitySchemes"]["APIKeyHeader"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    for method, path, op in ops:
        params = {(p["name"], p["in"]): p for p in op.get("parameters", [])}
        if path == "/health":
            assert "security" not in op and not params
            continue
        if path.startswith(GATEWAY):  # the card gateway: the token is the only credential
            assert "security" not in op, path
            continue
        version = params[("version", "header")]
        assert version["required"] is True, path
        if path.startswith(PUBLIC):
            assert "security" not in op, path
        else:
            assert op["security"] == [{"APIKeyHeader": []}], path
        # A customer secret is never stored in clear, so create-secret cannot replay one.
        mutating = (
            method != "GET"
            and not path.endswith(("/search", "/create-secret"))
            and not path.startswith(PUBLIC[:2])  # public refreshes: no idempotency key
        )
        assert (("idempotencyKey", "header") in params) == mutating, path
        # Every error answer is a Problem, as application/problem+json; 400 is always possible
        # (a missing version header), and 422 only means an idempotency key reused.
        assert "400" in op["responses"], (method, path)
        for code in op["responses"]:
            if code[0] in "45":
                assert model_for(spec, op, code) is schemas.Problem
        assert ("422" in op["responses"]) == mutating, (method, path)


async def test_the_documented_request_and_enums_are_dojos(spec: dict[str, Any]) -> None:
    components = spec["components"]["schemas"]
    create = components["CreatePaymentIntent"]
    assert set(create["properties"]) == CREATE_FIELDS
    assert set(create["required"]) == {"amount", "reference"}
    assert components["Status"]["enum"] == [s.value for s in Status]
    assert components["CaptureMode"]["enum"] == [m.value for m in CaptureMode]
    assert set(components["Cursor"]["properties"]) == {"limit", "before", "after"}
    problem = components["Problem"]
    assert {"type", "title", "status", "traceId", "errors"} <= set(problem["required"])
    intent = components["PaymentIntent"]["properties"]
    for name in ("clientSessionSecret", "clientSessionSecretExpirationDate", "requestedAmount",
                 "totalAmount", "refundedAmount", "paymentEvents", "paymentLink", "expireAt"):  # fmt: skip
        assert name in intent


async def test_the_reference_page_and_document_need_no_key(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "/openapi.json" in page.text


def check(spec: dict[str, Any], method: str, path: str, response: httpx.Response) -> None:
    op = spec["paths"][path][method.lower()]
    code = str(response.status_code)
    assert code in op["responses"], (method, path, code, response.text[:200])
    model = model_for(spec, op, code)
    model.model_validate_json(response.text, strict=True)


async def test_real_answers_of_every_endpoint_match_the_documented_schemas(
    spec: dict[str, Any], api: Api, client: httpx.AsyncClient
) -> None:
    full = await api.create(
        captureMode="Manual",
        autoExpireIn="01:00:00",
        tipsAmount={"value": 10, "currencyCode": "GBP"},
        cashbackAmount={"value": 10, "currencyCode": "GBP"},
        serviceChargeAmount={"value": 10, "currencyCode": "GBP"},
        customer={"id": "c", "secret": "cs_sandbox_x"},
        itemLines=[{"name": "Tea", "amountTotal": {"value": 1000, "currencyCode": "GBP"}}],
        metadata={"k": "v"},
        config={"payment": {"customAmountAllowed": True, "tipsAllowed": True}},
    )
    pid = full["id"]
    item = "/payment-intents/{paymentIntentId}"
    calls: list[tuple[str, str, str, Any, dict[str, str]]] = [
        (
            "POST",
            "/payment-intents",
            "/payment-intents",
            {"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r"},
            {},
        ),
        (
            "POST",
            "/payment-intents",
            "/payment-intents",
            {"amount": {"value": 0, "currencyCode": "GBP"}, "reference": "r"},
            {},
        ),
        (
            "POST",
            "/payment-intents",
            "/payment-intents",
            {"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r"},
            {"idempotencyKey": "i"},
        ),
        (
            "POST",
            "/payment-intents",
            "/payment-intents",
            {"amount": {"value": 2, "currencyCode": "GBP"}, "reference": "r"},
            {"idempotencyKey": "i"},
        ),
        (
            "POST",
            "/payment-intents/search",
            "/payment-intents/search",
            {"cursor": {"limit": 1}},
            {},
        ),
        (
            "POST",
            "/payment-intents/search",
            "/payment-intents/search",
            {"cursor": {"limit": 0}},
            {},
        ),
        ("GET", item, f"/payment-intents/{pid}", None, {}),
        ("GET", item, "/payment-intents/pi_sandbox_nope", None, {}),
        (
            "POST",
            item + "/amount",
            f"/payment-intents/{pid}/amount",
            {"amount": {"value": 5, "currencyCode": "GBP"}},
            {},
        ),
        (
            "POST",
            item + "/tips-amount",
            f"/payment-intents/{pid}/tips-amount",
            {"tipsAmount": {"value": 5, "currencyCode": "GBP"}},
            {},
        ),
        (
            "POST",
            item + "/refresh-client-session-secret",
            f"/payment-intents/{pid}/refresh-client-session-secret",
            None,
            {},
        ),
        (
            "GET",
            "/payment-intents/public/{paymentIntentId}",
            f"/payment-intents/public/{pid}",
            None,
            {},
        ),
        (
            "POST",
            "/payment-intents/public/{paymentIntentId}/refresh-client-session-secret",
            f"/payment-intents/public/{pid}/refresh-client-session-secret",
            None,
            {},
        ),
        ("DELETE", item, f"/payment-intents/{pid}", None, {}),
        ("DELETE", item, f"/payment-intents/{pid}", None, {}),
        ("GET", item, f"/payment-intents/{pid}?returnCanceled=true", None, {}),
        (
            "POST",
            item + "/amount",
            f"/payment-intents/{pid}/amount",
            {"amount": {"value": 5, "currencyCode": "GBP"}},
            {},
        ),
        (
            "GET",
            "/payment-intents/public/{paymentIntentId}",
            f"/payment-intents/public/{pid}",
            None,
            {},
        ),
        (
            "POST",
            "/payment-intents/public/{paymentIntentId}/refresh-client-session-secret",
            "/payment-intents/public/pi_x/refresh-client-session-secret",
            None,
            {},
        ),
    ]
    seen: set[tuple[str, str, int]] = set()
    for method, documented, url, body, headers in calls:
        response = await api.request(method, url, json=body, headers=headers)
        check(spec, method, documented, response)
        seen.add((method, documented, response.status_code))
    # Without a key, and without a version header.
    for method, documented, url, headers in (
        ("GET", item, f"/payment-intents/{pid}", {"version": VERSION}),
        ("GET", item, f"/payment-intents/{pid}", {"Authorization": f"Basic {api.key}"}),
        ("GET", "/payment-intents/public/{paymentIntentId}", f"/payment-intents/public/{pid}", {}),
    ):
        response = await client.request(method, url, headers=headers)
        check(spec, method, documented, response)
        seen.add((method, documented, response.status_code))
    check(spec, "GET", "/health", await client.get("/health"))
    assert {code for *_, code in seen} >= {200, 400, 401, 404, 409, 422}
