"""Loads what the wire form of intents needs (events, ledger, trading name) in batch, and
renders it."""

from collections import defaultdict
from typing import Any

from tender.domain.records import Intent, PaymentEvent
from tender.service import ledger
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.service.views import render_intent
from tender.storage import intents as repo
from tender.storage.db import Conn


async def present_many(ctx: Context, conn: Conn, intents: list[Intent]) -> list[dict[str, Any]]:
    if not intents:
        return []
    ids = [intent.id for intent in intents]
    events: dict[str, list[PaymentEvent]] = defaultdict(list)
    for event in await repo.list_payment_events(conn, ids):
        events[event.intent_id].append(event)
    ledgers = await ledger.load_ledgers(conn, ids)
    names = {
        account_id: (await account_by_id(ctx, conn, account_id)).name
        for account_id in {intent.account_id for intent in intents}
    }
    return [
        render_intent(
            intent,
            events=events[intent.id],
            base_url=ctx.settings.base_url,
            trading_name=names.get(intent.account_id, ""),
            ledger=ledgers.get(intent.id),
        )
        for intent in intents
    ]


async def present(ctx: Context, conn: Conn, intent: Intent) -> dict[str, Any]:
    return (await present_many(ctx, conn, [intent]))[0]


def present_new(ctx: Context, intent: Intent, trading_name: str) -> dict[str, Any]:
    """An intent just created: no events, no attempts, no movements, nothing to read."""
    return render_intent(
        intent, events=[], base_url=ctx.settings.base_url, trading_name=trading_name
    )
