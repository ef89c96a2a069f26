"""The rows an intent's ledger is derived from — its attempts, captures, refunds and reversals —
read in one statement (a ``UNION ALL`` over the four tables, each row tagged with its kind), for
one intent or a page of them.

Attempts count only when answered or still pending: a challenge in progress decided nothing.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Row, String, Text, bindparam, cast, literal, null, or_, select
from sqlalchemy.sql import ColumnElement, Select

from tender.domain.records import Attempt, Capture, Refund, Reversal
from tender.domain.status import AttemptState, MovementStatus
from tender.storage.db import Conn
from tender.storage.tables import captures, payment_attempts, refunds, reversals

A = payment_attempts
EXTRA = {  # columns movements have and attempts do not, with their types
    "tips_amount": BigInteger,
    "status": String,
    "reason": String,
    "refund_reason": String,
    "notes": Text,
    "previous_transaction_id": String,
}


def _attempts() -> Select[Any]:
    columns = [literal("attempt").label("kind"), *A.c]
    columns += [cast(null(), kind).label(name) for name, kind in EXTRA.items()]
    answered = or_(A.c.completed_at.is_not(None), A.c.state == AttemptState.PENDING.value)
    return select(*columns).where(A.c.intent_id.in_(bindparam("ids", expanding=True)), answered)


def _movements(kind: str, table: Any) -> Select[Any]:
    columns: list[ColumnElement[Any]] = [literal(kind).label("kind")]
    for column in A.c:
        own = table.c.get(column.name)
        columns.append((own if own is not None else null()).label(column.name))
    for name in EXTRA:
        own = table.c.get(name)
        columns.append((own if own is not None else null()).label(name))
    return select(*columns).where(table.c.intent_id.in_(bindparam("ids", expanding=True)))


LEDGER = _attempts().union_all(
    _movements("capture", captures),
    _movements("refund", refunds),
    _movements("reversal", reversals),
)


def _fields(row: Row[Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: row._mapping[name] for name in names}


_NAMES = {
    "capture": [c.name for c in captures.c],
    "refund": [c.name for c in refunds.c],
    "reversal": [c.name for c in reversals.c],
}
Rows = tuple[list[Attempt], list[Capture], list[Refund], list[Reversal]]


async def ledger_rows(conn: Conn, intent_ids: Sequence[str]) -> dict[str, Rows]:
    """Each intent's (attempts, captures, refunds, reversals)."""
    found: dict[str, Rows] = defaultdict(lambda: ([], [], [], []))
    for row in await conn.execute(LEDGER, {"ids": list(intent_ids)}):
        kind = row.kind
        rows = found[row.intent_id]
        if kind == "attempt":
            values = _fields(row, [c.name for c in A.c])
            values["state"] = AttemptState(values["state"])
            rows[0].append(Attempt(**values))
            continue
        values = _fields(row, _NAMES[kind])
        values["status"] = MovementStatus(values["status"])
        if kind == "capture":
            rows[1].append(Capture(**values))
        elif kind == "refund":
            rows[2].append(Refund(**values))
        else:
            rows[3].append(Reversal(**values))
    return found
