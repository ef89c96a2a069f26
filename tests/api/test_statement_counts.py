"""The SQL statements each endpoint runs, pinned: a change that adds a query to a request must
change this table and say why. Counted after a warm-up request (keys and accounts are then
remembered for a few seconds), without BEGIN/COMMIT, the same on SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tender.service.context import Context
from tests.conftest import Api
from tests.payhelp import FUTURE

# endpoint -> statements, and what they are
EXPECTED = {
    # idempotency claim, intent insert, outbox event, idempotency completion
    "create": 4,
    # intent, its payment events, its ledger (attempts + movements in one UNION ALL)
    "retrieve": 3,
    "search": 3,
    # a read of the intent by secret first (for the card-testing limits, and so that an unknown
    # token costs no fingerprint); 1st transaction: intent by secret (locked), its open
    # attempts, the pending attempt; 2nd: intent (locked), attempt settled, intent updated,
    # payment event, outbox event
    "pay": 9,
    # 1st: idempotency claim, intent (locked), ledger, pending capture;
    # 2nd: intent (locked), capture settled, intent updated, payment event, outbox event,
    # idempotency completion
    "capture": 10,
    "refund": 10,
    "reversal": 10,
    # idempotency claim, intent (locked), ledger (an attempt at the acquirer blocks a cancel),
    # intent updated, payment event, outbox event, idempotency completion, then the answer's
    # events and ledger
    "cancel": 9,
    # intent (locked) and updated; then the answer's events and ledger
    "refresh": 4,
}


@contextmanager
def statements(ctx: Context) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    engines = [ctx.db.engine.sync_engine]
    if ctx.db._loop_engine is not None:
        engines.append(ctx.db._loop_engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


async def count(ctx: Context, request: Any) -> int:
    with statements(ctx) as seen:
        response = await request
    assert response.status_code < 300, response.text
    return len(seen)


@pytest.fixture
async def warm(api: Api) -> Api:
    await api.create()  # the key and the account are remembered from here on
    return api


async def test_statements_per_endpoint(warm: Api, ctx: Context) -> None:
    api = warm
    body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "count"}
    counted: dict[str, int] = {}

    def post(path: str, json: Any = None, key: str | None = None) -> Any:
        return api.request("POST", path, json=json, headers={"idempotencyKey": key} if key else {})

    counted["create"] = await count(
        ctx, post("/payment-intents", {**body, "captureMode": "Manual"}, "create-1")
    )
    intent = await api.create(captureMode="Manual")
    counted["retrieve"] = await count(ctx, api.get(intent["id"]))
    counted["search"] = await count(ctx, post("/payment-intents/search", {"cursor": {"limit": 1}}))
    card = {"cardNumber": "5200000000000056", "expiryDate": FUTURE, "cV2": "123"}
    secret = intent["clientSessionSecret"]
    counted["pay"] = await count(ctx, api.client.post(f"/api/payments/{secret}", json=card))
    path = f"/payment-intents/{intent['id']}"
    counted["capture"] = await count(ctx, post(f"{path}/captures", {"amount": 1000}, "c"))
    counted["refund"] = await count(ctx, post(f"{path}/refunds", {"amount": 100}, "r"))
    other = await api.create(captureMode="Manual")
    await api.client.post(f"/api/payments/{other['clientSessionSecret']}", json=card)
    counted["reversal"] = await count(
        ctx, post(f"/payment-intents/{other['id']}/reversal", None, "v")
    )
    unpaid = await api.create()
    path = f"/payment-intents/{unpaid['id']}"
    counted["refresh"] = await count(ctx, post(f"{path}/refresh-client-session-secret"))
    headers = {"idempotencyKey": "x"}
    counted["cancel"] = await count(ctx, api.request("DELETE", path, headers=headers))
    assert counted == EXPECTED
