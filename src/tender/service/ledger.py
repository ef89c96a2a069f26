"""Loads the rows an intent's ledger is derived from (``domain.ledger.derive``), for one intent or
many, in a fixed number of queries. Read inside the transaction that holds the intent's row lock,
the ledger is what the next capture, refund or reversal is checked against."""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from tender.domain.ledger import Ledger, derive
from tender.domain.records import Attempt, Capture, Intent, Refund, Reversal
from tender.domain.rules import IntentState
from tender.domain.status import MovementKind
from tender.storage import attempts as attempts_repo
from tender.storage import movements as movements_repo


async def load_ledgers(conn: AsyncConnection, intent_ids: Sequence[str]) -> dict[str, Ledger]:
    if not intent_ids:
        return {}
    attempts: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in await attempts_repo.list_attempts(conn, intent_ids):
        attempts[attempt.intent_id].append(attempt)
    rows: dict[MovementKind, dict[str, list[object]]] = {}
    for kind in MovementKind:
        grouped: dict[str, list[object]] = defaultdict(list)
        for movement in await movements_repo.list_movements(conn, kind, intent_ids):
            grouped[movement.intent_id].append(movement)
        rows[kind] = grouped
    return {
        intent_id: derive(
            attempts[intent_id],
            [m for m in rows[MovementKind.CAPTURE][intent_id] if isinstance(m, Capture)],
            [m for m in rows[MovementKind.REFUND][intent_id] if isinstance(m, Refund)],
            [m for m in rows[MovementKind.REVERSAL][intent_id] if isinstance(m, Reversal)],
        )
        for intent_id in intent_ids
    }


async def load_ledger(conn: AsyncConnection, intent: Intent) -> Ledger:
    return (await load_ledgers(conn, [intent.id]))[intent.id]


async def state_of(conn: AsyncConnection, intent: Intent) -> tuple[IntentState, Ledger]:
    """The rules' view of a (locked) intent, with its ledger."""
    ledger = await load_ledger(conn, intent)
    return IntentState.of(intent, ledger), ledger
