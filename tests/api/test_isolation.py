"""An account never sees or touches another account's intents: 404 (never 403) on every
endpoint, and search lists only its own."""

from typing import Any

import pytest

from tests.conftest import Api, assert_problem

EDITABLE = {"config": {"payment": {"customAmountAllowed": True, "tipsAllowed": True}}}
ATTEMPTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "", None),
    ("GET", "?returnCanceled=true", None),
    ("DELETE", "", None),
    ("POST", "/amount", {"amount": {"value": 5, "currencyCode": "GBP"}}),
    ("POST", "/tips-amount", {"tipsAmount": {"value": 5, "currencyCode": "GBP"}}),
    ("POST", "/refresh-client-session-secret", None),
]


@pytest.mark.parametrize(
    ("method", "suffix", "body"), ATTEMPTS, ids=[a[1] or a[0] for a in ATTEMPTS]
)
async def test_another_accounts_intent_is_not_found(
    api: Api, other_api: Api, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    intent = await api.create(**EDITABLE)
    path = f"/payment-intents/{intent['id']}{suffix}"
    problem = assert_problem(await other_api.request(method, path, json=body), 404)
    assert problem["detail"] == f"No payment intent with id {intent['id']}."
    # The same answer as for an id that does not exist at all: nothing leaks.
    unknown = "pi_sandbox_" + "A" * 22
    missing = assert_problem(
        await other_api.request(method, path.replace(intent["id"], unknown), json=body), 404
    )
    assert missing["title"] == problem["title"]
    # With an idempotency key too, and the owner's intent is untouched.
    keyed = await other_api.request(method, path, json=body, headers={"idempotencyKey": "k1"})
    assert_problem(keyed, 404)
    assert (await api.get(intent["id"])).json() == intent


async def test_canceled_intents_of_another_account_stay_hidden(api: Api, other_api: Api) -> None:
    intent = await api.create()
    await api.request("DELETE", f"/payment-intents/{intent['id']}")
    assert_problem(await other_api.get(intent["id"], returnCanceled="true"), 404)


async def test_search_lists_only_the_callers_intents(api: Api, other_api: Api) -> None:
    mine = {(await api.create(reference=f"mine {i}"))["id"] for i in range(3)}
    theirs = {(await other_api.create(reference=f"theirs {i}"))["id"] for i in range(2)}
    for who, expected in ((api, mine), (other_api, theirs)):
        found = await who.request("POST", "/payment-intents/search", json={})
        assert {i["id"] for i in found.json()["data"]} == expected
    # Paging from a cursor of the other account's listing still shows only one's own.
    page = await other_api.request("POST", "/payment-intents/search", json={"cursor": {"limit": 1}})
    cursor = page.json()["after"]
    continued = await api.request(
        "POST", "/payment-intents/search", json={"cursor": {"after": cursor}}
    )
    assert {i["id"] for i in continued.json()["data"]} <= mine


async def test_idempotency_keys_are_per_account(api: Api, other_api: Api) -> None:
    body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}
    headers = {"idempotencyKey": "same-key"}
    first = await api.request("POST", "/payment-intents", json=body, headers=headers)
    second = await other_api.request("POST", "/payment-intents", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert "Idempotent-Replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    assert (await other_api.get(first.json()["id"])).status_code == 404
