"""The checker itself (tests/contract/conformance.py): it refuses what Dojo's documents refuse,
allows what the README lists, and reads the documents as Dojo's own examples need."""

import json
from typing import Any

import pytest

from tests.contract import conformance

ITEM = "/payment-intents/{paymentIntentId}"


def dojo_example(version: str, method: str, template: str) -> dict[str, Any]:
    media = conformance.raw_document(version)["paths"][template][method]["responses"]["200"]
    media = media["content"]["application/json"]
    return media.get("example") or next(iter(media["examples"].values()))["value"]


def check(version: str, body: Any, status: int = 200, method: str = "get") -> list[str]:
    found = conformance.check(version, method, ITEM, status, json.dumps(body).encode())
    assert found is not None
    return found


@pytest.mark.parametrize("version", ["2024-02-05", "2025-09-10"])
@pytest.mark.parametrize(
    ("method", "template"),
    [("post", "/payment-intents"), ("get", ITEM), ("delete", ITEM), ("post", f"{ITEM}/amount")],
)
def test_dojos_own_payment_intent_examples_pass(version: str, method: str, template: str) -> None:
    """They carry paymentEvents, paymentSource, config.tradingName and config.branding, which
    the schema omits: the README's table (★ rows) is what makes them pass."""
    body = dojo_example(version, method, template)
    found = conformance.check(version, method, template, 200, json.dumps(body).encode())
    assert found == []


def test_it_refuses_what_the_contract_refuses() -> None:
    good = dojo_example("2024-02-05", "get", ITEM)
    assert check("2024-02-05", good) == []
    card = good["paymentDetails"]["card"]
    ecom = {
        **good,
        "paymentDetails": {**good["paymentDetails"], "card": {**card, "entryMode": "Ecom"}},
    }
    assert any("entryMode" in e and "'Ecom'" in e for e in check("2024-02-05", ecom))
    assert check("2025-09-10", ecom) == []  # 2025-09-10 made the enum an open string
    assert "unexpected" in check("2024-02-05", {**good, "surprise": 1})[0]
    assert check("2024-02-05", {**good, "capturedAmount": 1}) == []  # a README row
    assert check("2024-02-05", {**good, "capturedAmount": "1"})  # ... of its type only
    assert check("2022-04-07", {**good, "captures": []})  # 2024's member, not 2022's
    assert check("2024-02-05", {**good, "refundedAmount": None}) == []  # nullable
    assert check("2024-02-05", {**good, "status": None})  # not nullable


def test_it_knows_which_statuses_each_operation_answers() -> None:
    problem = {"type": "t", "title": "t", "status": 409, "traceId": "00-1", "errors": {}}
    assert check("2024-02-05", problem, 409) == []  # undocumented: Dojo's ProblemDetails
    assert check("2024-02-05", {}, 201)[0].endswith("does not define for it")
    webhook_conflict = conformance.check(
        "2024-02-05", "post", "/webhooks", 409, json.dumps({**problem, "extra": 1}).encode()
    )
    assert webhook_conflict and "unexpected" in webhook_conflict[0]  # ErrorResponse is closed
    activate = "/webhooks/{subscriptionId}/secrets/{secretId}/activate"
    assert conformance.check("2024-02-05", "put", activate, 204, b"") == []
    assert conformance.check("2024-02-05", "put", activate, 204, b"{}")
    assert conformance.check("2024-02-05", "post", "/terminal-sessions", 200, b"") is None


def test_the_readme_table_is_read_whole() -> None:
    table = conformance.additions()
    assert set(table["PaymentIntent"]) == {
        "authorizedAmount", "capturedAmount", "paymentEvents", "paymentSource",
    }  # fmt: skip
    assert set(table) == {
        "PaymentIntent", "PaymentDetails", "PaymentIntentConfigResponse", "SubscriptionSecret",
        "Refund", "PaymentStatusResponse",
    }  # fmt: skip
