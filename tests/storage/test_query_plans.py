"""The queries the hot requests run use indexes, never a scan of a big table (PostgreSQL).

Twenty thousand intents with their attempts, captures, refunds, events and idempotency keys are
written and analysed; then each repository function a request calls runs once, its statements
are captured as they reach the driver, and PostgreSQL's plan for each must not contain a
sequential scan of any of those tables. This is what keeps a request's cost flat as the tables
grow (the million-intent benchmark in bench/ measures it).
"""

import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, text

from tender.domain.status import MovementKind
from tender.service.context import Context
from tender.storage import accounts, attempts, idempotency, intents, ledger, movements, rate_limits
from tender.storage.db import Conn
from tender.storage.tables import (
    api_keys,
    captures,
    idempotency_keys,
    outbox_events,
    payment_attempts,
    payment_events,
    payment_intents,
    rate_limit_counters,
    refunds,
    reversals,
)
from tests.conftest import backend

pytestmark = pytest.mark.skipif(
    backend() != "postgresql", reason="query plans are PostgreSQL's (SQLite plans differ)"
)

INTENTS = 20_000
BIG = {
    "payment_intents", "payment_attempts", "captures", "refunds", "reversals", "payment_events",
    "outbox_events", "idempotency_keys", "api_keys", "rate_limit_counters",
}  # fmt: skip
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}_{i:08d}_{secrets.token_hex(4)}" for i in range(n)]


async def _seed(conn: Any, account_ids: list[str]) -> dict[str, Any]:
    ids = _ids("pi", INTENTS)
    rows = [
        dict(id=i, account_id=account_ids[n % len(account_ids)], status="Captured",
             capture_mode="Manual", currency="GBP", amount=1000, tips_amount=0,
             service_charge_amount=0, cashback_amount=0, reference="plan", details={},
             client_secret=f"secret-{i}", client_secret_expires_at=NOW, expire_at=NOW,
             version=1, created_at=NOW - timedelta(seconds=n), updated_at=NOW)
        for n, i in enumerate(ids)
    ]  # fmt: skip
    await conn.execute(insert(payment_intents), rows)
    attempt_rows = [
        dict(id=f"att_{i}", intent_id=i, token_hash=f"{n:064d}", method="Card",
             state="succeeded", status_code=0, message="Authorised", amount=1000,
             processor_data={}, created_at=NOW, completed_at=NOW)
        for n, i in enumerate(ids)
    ]  # fmt: skip
    await conn.execute(insert(payment_attempts), attempt_rows)
    await conn.execute(
        insert(captures),
        [dict(id=f"cp_{i}", intent_id=i, amount=1000, tips_amount=0, status="Successful",
              reason="requested", message="ok", created_at=NOW) for i in ids[::2]],
    )  # fmt: skip
    await conn.execute(
        insert(refunds),
        [dict(id=f"rf_{i}", intent_id=i, amount=100, status="Successful", message="ok",
              created_at=NOW) for i in ids[::4]],
    )  # fmt: skip
    await conn.execute(
        insert(reversals),
        [dict(id=f"rv_{i}", intent_id=i, amount=1000, status="Successful", reason="requested",
              message="ok", created_at=NOW) for i in ids[1::4]],
    )  # fmt: skip
    await conn.execute(
        insert(api_keys),
        [dict(id=f"key_{n}", account_id=account_ids[n % len(account_ids)],
              key_hash=secrets.token_hex(32), hint="h", environment="sandbox", created_at=NOW)
         for n in range(INTENTS // 10)],
    )  # fmt: skip
    await conn.execute(
        insert(rate_limit_counters),
        [dict(key=f"limit/{n}", hits=1, expires_at_ms=n) for n in range(INTENTS // 4)],
    )
    await conn.execute(
        insert(payment_events),
        [dict(intent_id=i, event_type="Captured", created_at=NOW) for i in ids for _ in (1, 2)],
    )
    await conn.execute(
        insert(outbox_events),
        [dict(id=f"evt_{i}", account_id=account_ids[0], intent_id=i, event="e", payload={},
              created_at=NOW) for i in ids],
    )  # fmt: skip
    await conn.execute(
        insert(idempotency_keys),
        [dict(account_id=account_ids[n % len(account_ids)], key=f"k{n}", request_hash="h",
              state="done", created_at=NOW) for n in range(INTENTS)],
    )  # fmt: skip
    for table in BIG:
        await conn.execute(text(f"ANALYZE {table}"))
    return {"intent": ids[INTENTS // 2], "secret": f"secret-{ids[INTENTS // 3]}"}


def _scans(plan: Any) -> list[str]:
    found = []
    if isinstance(plan, dict):
        if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BIG:
            found.append(plan["Relation Name"])
        for child in plan.get("Plans", []):
            found += _scans(child)
        if "Plan" in plan:
            found += _scans(plan["Plan"])
    elif isinstance(plan, list):
        for item in plan:
            found += _scans(item)
    return found


async def _plans(conn: Any, call: Callable[[Conn], Awaitable[Any]]) -> dict[str, list[str]]:
    """Each statement ``call`` runs -> the big tables its plan scans sequentially."""
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(conn.sync_connection, "before_cursor_execute", record)
    try:
        await call(conn)
    finally:
        event.remove(conn.sync_connection, "before_cursor_execute", record)
    found = {}
    for statement, parameters in seen:
        result = await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
        found[statement[:90]] = _scans(result.scalar())
    return found


async def test_the_hot_queries_use_indexes(ctx: Context) -> None:
    async with ctx.db.transaction() as conn:
        account_ids = []
        for n in range(4):
            account_id = f"acc_plan_{n}"
            await accounts.insert_account(
                conn, id=account_id, name=f"plan {n}", environment="sandbox", currencies=["GBP"],
                now=NOW,
            )  # fmt: skip
            account_ids.append(account_id)
        known = await _seed(conn, account_ids)
    intent_id, secret = known["intent"], known["secret"]

    async def requests(conn: Conn) -> None:
        found = await intents.get_intent(conn, account_ids[0], intent_id, for_update=True)
        assert found is not None
        await intents.get_intent_by_secret(conn, secret, for_update=True)
        await ledger.ledger_rows(conn, [intent_id])
        await intents.list_payment_events(conn, [intent_id])
        await attempts.open_attempts(conn, intent_id)
        await attempts.attempts_by_token(conn, "0" * 64)
        await movements.get_movement(conn, MovementKind.CAPTURE, f"cp_{intent_id}")
        await intents.search_intents(
            conn, account_ids[1], statuses=None, start=None, end=None, limit=10, after=None,
            before=None,
        )  # fmt: skip
        await intents.search_intents(
            conn, account_ids[1], statuses=["Captured"], start=NOW - timedelta(days=1),
            end=NOW, limit=10, after=(NOW - timedelta(hours=1), "pi_"), before=None,
        )  # fmt: skip
        await accounts.account_for_key(conn, "sk_sandbox_not_a_key")
        await idempotency.claim(
            conn, account_ids[0], "k0", "h", now=NOW, lease=timedelta(seconds=60),
            ttl=timedelta(days=1),
        )  # fmt: skip
        await rate_limits.get_many(conn, ["a", "b"], 0)
        await intents.due_unpaid(conn, NOW, 200)
        await attempts.due_authorizations(conn, NOW, 200)
        await attempts.pending_attempts(conn, NOW, 100)
        await movements.pending_movements(conn, NOW, 100)

    async with ctx.db.transaction() as conn:
        plans = await _plans(conn, requests)
    assert len(plans) >= 15
    scanned = {statement: tables for statement, tables in plans.items() if tables}
    assert scanned == {}
