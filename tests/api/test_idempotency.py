"""``idempotencyKey`` on every mutating endpoint (DESIGN.md): replay, conflict, in flight, an
error does not burn the key, lease take-over and expiry."""

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey
from tender.storage import idempotency as idem_repo
from tender.storage import intents as intents_repo
from tender.storage.tables import idempotency_keys, payment_intents
from tests.conftest import Api, assert_problem

SEED = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}
EDITABLE = {"config": {"payment": {"customAmountAllowed": True, "tipsAllowed": True}}}

# (name, method, path suffix or "" for create, body)
MUTATIONS: list[tuple[str, str, str | None, dict[str, Any] | None]] = [
    ("create", "POST", None, SEED),
    ("cancel", "DELETE", "", None),
    ("amount", "POST", "/amount", {"amount": {"value": 2000, "currencyCode": "GBP"}}),
    ("tips", "POST", "/tips-amount", {"tipsAmount": {"value": 100, "currencyCode": "GBP"}}),
    ("refresh", "POST", "/refresh-client-session-secret", None),
]


async def count(ctx: Context, table: Any) -> int:
    async with ctx.db.transaction(write=False) as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def version(ctx: Context, intent_id: str) -> int:
    async with ctx.db.transaction(write=False) as conn:
        row = await intents_repo.get_intent_any_account(conn, intent_id)
    assert row is not None
    return row.version


def target(intent: dict[str, Any], suffix: str | None) -> str:
    return "/payment-intents" if suffix is None else f"/payment-intents/{intent['id']}{suffix}"


@pytest.mark.parametrize(
    ("method", "suffix", "body"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
async def test_same_key_and_body_replays_the_first_answer_once(
    api: Api, ctx: Context, method: str, suffix: str | None, body: dict[str, Any] | None
) -> None:
    intent = await api.create(**EDITABLE)
    path = target(intent, suffix)
    headers = {"idempotencyKey": f"key-{method}-{suffix}"}
    first = await api.request(method, path, json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    intents_after, version_after = (
        await count(ctx, payment_intents),
        await version(ctx, intent["id"]),
    )
    for _ in range(2):
        again = await api.request(method, path, json=body, headers=headers)
        assert again.status_code == 200
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
    assert await count(ctx, payment_intents) == intents_after
    assert await version(ctx, intent["id"]) == version_after
    # Idempotency-Key (the IETF draft's spelling) names the same key.
    other = await api.request(
        method, path, json=body, headers={"Idempotency-Key": headers["idempotencyKey"]}
    )
    assert other.headers.get("Idempotent-Replayed") == "true"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [m[1:] for m in MUTATIONS if m[3]],
    ids=[m[0] for m in MUTATIONS if m[3]],
)
async def test_same_key_with_another_body_is_422_and_changes_nothing(
    api: Api, ctx: Context, method: str, suffix: str | None, body: dict[str, Any]
) -> None:
    intent = await api.create(**EDITABLE)
    path = target(intent, suffix)
    headers = {"idempotencyKey": "reused"}
    assert (await api.request(method, path, json=body, headers=headers)).status_code == 200
    before = await count(ctx, payment_intents), await version(ctx, intent["id"])
    changed = json.loads(json.dumps(body))
    first_key = next(iter(changed))
    changed[first_key]["value"] += 1
    problem = assert_problem(await api.request(method, path, json=changed, headers=headers), 422)
    assert "reused" in problem["detail"]
    assert (await count(ctx, payment_intents), await version(ctx, intent["id"])) == before


async def test_the_same_json_written_differently_is_the_same_request(api: Api) -> None:
    headers = {"idempotencyKey": "k", "content-type": "application/json"}
    first = await api.client.post(
        "/payment-intents", content=json.dumps(SEED), headers={**api.headers(), **headers}
    )
    reordered = json.dumps(
        {"reference": "Order 245", "amount": {"currencyCode": "GBP", "value": 1000}}, indent=2
    )
    second = await api.client.post(
        "/payment-intents", content=reordered, headers={**api.headers(), **headers}
    )
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()


async def test_a_key_used_on_another_endpoint_is_a_mismatch(api: Api) -> None:
    intent = await api.create()
    headers = {"idempotencyKey": "k"}
    await api.request(
        "POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret", headers=headers
    )
    assert_problem(
        await api.request("DELETE", f"/payment-intents/{intent['id']}", headers=headers), 422
    )
    assert (await api.get(intent["id"])).json()["status"] == "Created"


async def test_an_error_does_not_burn_the_key(api: Api, ctx: Context) -> None:
    canceled = await api.create()
    await api.request("DELETE", f"/payment-intents/{canceled['id']}")
    headers = {"idempotencyKey": "retry-me"}
    assert_problem(
        await api.request("DELETE", f"/payment-intents/{canceled['id']}", headers=headers), 409
    )
    assert await count(ctx, idempotency_keys) == 0
    # The same key, now for a request that succeeds, runs (no 422, no replayed 409).
    fresh = await api.create()
    response = await api.request("DELETE", f"/payment-intents/{fresh['id']}", headers=headers)
    assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers
    # A 405 (config forbids the edit) and a 400 in the use case do not burn it either.
    locked = await api.create()
    body = {"amount": {"value": 5, "currencyCode": "GBP"}}
    assert_problem(
        await api.request(
            "POST",
            f"/payment-intents/{locked['id']}/amount",
            json=body,
            headers={"idempotencyKey": "k405"},
        ),
        405,
    )
    bad = {"amount": {"value": 5, "currencyCode": "JPY"}, "reference": "x"}
    assert_problem(
        await api.request("POST", "/payment-intents", json=bad, headers={"idempotencyKey": "k400"}),
        400,
    )
    good = {"amount": {"value": 5, "currencyCode": "GBP"}, "reference": "x"}
    for key in ("k405", "k400"):
        made = await api.request(
            "POST", "/payment-intents", json=good, headers={"idempotencyKey": key}
        )
        assert made.status_code == 200 and "Idempotent-Replayed" not in made.headers


async def test_the_stored_answer_commits_with_the_effect(api: Api, ctx: Context) -> None:
    response = await api.request(
        "POST", "/payment-intents", json=SEED, headers={"idempotencyKey": "k"}
    )
    async with ctx.db.transaction(write=False) as conn:
        row = (await conn.execute(select(idempotency_keys))).one()
    assert (row.state, row.response_status, row.account_id) == ("done", 200, api.account_id)
    assert json.loads(row.response_body) == response.json()
    assert row.locked_until is None


async def claim_in_flight(ctx: Context, account_id: str, key: str, path: str, body: Any) -> None:
    """What a concurrent request holding ``key`` looks like to the storage layer."""
    idem = IdempotencyKey.of(key, "POST", path, json.dumps(body).encode())
    assert idem is not None
    async with ctx.db.transaction() as conn:
        claim = await idem_repo.claim(
            conn, account_id, idem.key, idem.fingerprint, now=ctx.clock(),
            lease=timedelta(seconds=ctx.settings.idempotency_lease_seconds),
            ttl=timedelta(hours=ctx.settings.idempotency_ttl_hours),
        )  # fmt: skip
    assert claim.result is idem_repo.ClaimResult.CLAIMED


async def test_a_request_in_flight_is_409_until_its_lease_runs_out(
    api: Api, ctx: Context, clock: Any
) -> None:
    await claim_in_flight(ctx, api.account_id, "busy", "/payment-intents", SEED)
    headers = {"idempotencyKey": "busy"}
    busy = await api.request("POST", "/payment-intents", json=SEED, headers=headers)
    problem = assert_problem(busy, 409)
    assert "still being processed" in problem["title"]
    assert 1 <= int(busy.headers["retry-after"]) <= 5  # when to look again
    # A different body under the in-flight key is still a mismatch, not a wait.
    other = {**SEED, "reference": "Other"}
    assert_problem(await api.request("POST", "/payment-intents", json=other, headers=headers), 422)
    assert await count(ctx, payment_intents) == 0
    # The holder died without committing: once its lease has run out, a retry takes over.
    clock.advance(timedelta(seconds=ctx.settings.idempotency_lease_seconds + 1))
    response = await api.request("POST", "/payment-intents", json=SEED, headers=headers)
    assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers
    assert (await api.request("POST", "/payment-intents", json=SEED, headers=headers)).headers[
        "Idempotent-Replayed"
    ] == "true"


async def test_keys_are_kept_24_hours_then_forgotten(api: Api, ctx: Context, clock: Any) -> None:
    headers = {"idempotencyKey": "daily"}
    first = await api.request("POST", "/payment-intents", json=SEED, headers=headers)
    clock.advance(timedelta(hours=23, minutes=59))
    assert (
        await api.request("POST", "/payment-intents", json=SEED, headers=headers)
    ).json() == first.json()
    clock.advance(timedelta(minutes=2))
    later = await api.request("POST", "/payment-intents", json=SEED, headers=headers)
    assert later.status_code == 200 and later.json()["id"] != first.json()["id"]
    assert await count(ctx, payment_intents) == 2


async def test_a_replay_answers_what_was_answered_then(api: Api) -> None:
    intent = await api.create(config={"payment": {"tipsAllowed": True}})
    headers = {"idempotencyKey": "tips"}
    path = f"/payment-intents/{intent['id']}/tips-amount"
    body = {"tipsAmount": {"value": 100, "currencyCode": "GBP"}}
    first = await api.request("POST", path, json=body, headers=headers)
    await api.request("DELETE", f"/payment-intents/{intent['id']}")
    replay = await api.request("POST", path, json=body, headers=headers)
    assert replay.json() == first.json() and replay.json()["status"] == "Created"


async def test_a_key_is_at_most_100_characters_as_dojos(api: Api, ctx: Context) -> None:
    body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}
    for key in ("k" * 100, "K" * 101):
        response = await api.request(
            "POST", "/payment-intents", json=body, headers={"idempotencyKey": key}
        )
        if len(key) == 100:
            assert response.status_code == 200, response.text
        else:
            assert "IdempotencyKey" in assert_problem(response, 400)["errors"]
    assert await count(ctx, payment_intents) == 1
