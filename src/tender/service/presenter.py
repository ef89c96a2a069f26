"""Loads what the wire form of intents needs (events, ledger) in batch, and renders it."""

from collections import defaultdict
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.service import ledger
from tender.service.context import Context
from tender.service.views import render_intent
from tender.storage import accounts as accounts_repo
from tender.storage import intents as repo


async def present_many(
    ctx: Context, conn: AsyncConnection, rows: list[Row]
) -> list[dict[str, Any]]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    events: dict[str, list[Row]] = defaultdict(list)
    for event in await repo.list_payment_events(conn, ids):
        events[event.intent_id].append(event)
    ledgers = await ledger.load_ledgers(conn, rows)
    names = await accounts_repo.account_names(conn, {row.account_id for row in rows})
    return [
        render_intent(
            row,
            events=events[row.id],
            base_url=ctx.settings.base_url,
            trading_name=names.get(row.account_id, ""),
            ledger=ledgers.get(row.id),
        )
        for row in rows
    ]


async def present(ctx: Context, conn: AsyncConnection, row: Row) -> dict[str, Any]:
    return (await present_many(ctx, conn, [row]))[0]
