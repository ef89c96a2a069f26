"""Loads the rows an intent's ledger is derived from (``domain.ledger.derive``), for one intent or
many, in a fixed number of queries. Read inside the transaction that holds the intent's row lock,
the ledger is what the next capture, refund or reversal is checked against."""

from collections.abc import Sequence

from tender.domain.ledger import Ledger, derive
from tender.domain.records import Intent
from tender.domain.rules import IntentState
from tender.storage import ledger as ledger_repo
from tender.storage.db import Conn


async def load_ledgers(conn: Conn, intent_ids: Sequence[str]) -> dict[str, Ledger]:
    if not intent_ids:
        return {}
    rows = await ledger_repo.ledger_rows(conn, intent_ids)
    return {intent_id: derive(*rows[intent_id]) for intent_id in intent_ids}


async def load_ledger(conn: Conn, intent: Intent) -> Ledger:
    return (await load_ledgers(conn, [intent.id]))[intent.id]


async def state_of(conn: Conn, intent: Intent) -> tuple[IntentState, Ledger]:
    """The rules' view of a (locked) intent, with its ledger."""
    ledger = await load_ledger(conn, intent)
    return IntentState.of(intent, ledger), ledger
