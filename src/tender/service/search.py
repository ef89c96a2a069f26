"""``POST /payment-intents/search``: newest first, cursor paging in both directions.

Cursors are base64 of a JSON string, as Dojo's are; ours carry the id after the timestamp so
intents created in the same microsecond still page in a stable order.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from tender.domain.records import Intent
from tender.errors import InvalidRequest
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.inputs import Cursor, SearchPaymentIntents
from tender.service.presenter import present_many
from tender.storage import intents as repo


def encode_cursor(intent: Intent) -> str:
    """Base64 of a JSON string, as Dojo's cursors are; ours carry the id to break ties."""
    text = json.dumps(f"{intent.created_at.isoformat()} {intent.id}")
    return base64.b64encode(text.encode()).decode()


def decode_cursor(cursor: str, field: str) -> tuple[datetime, str]:
    try:
        text = json.loads(base64.b64decode(cursor, validate=True))
        stamp, _, intent_id = text.partition(" ")
        at = datetime.fromisoformat(stamp)
        if not intent_id or at.tzinfo is None:
            raise ValueError(cursor)
        return at.astimezone(UTC), intent_id
    except (ValueError, TypeError, AttributeError, OverflowError, binascii.Error):
        raise InvalidRequest.field(
            field, "The cursor is not one this API returned; pass a before/after value unchanged."
        ) from None


async def search(ctx: Context, account: Account, body: SearchPaymentIntents) -> dict[str, Any]:
    cursor = body.cursor or Cursor()
    after = decode_cursor(cursor.after, "Cursor.After") if cursor.after else None
    before = decode_cursor(cursor.before, "Cursor.Before") if cursor.before else None
    if body.start_date and body.end_date and body.start_date > body.end_date:
        raise InvalidRequest.field("StartDate", "StartDate must not be later than EndDate.")
    async with ctx.db.transaction(write=False) as conn:
        intents = await repo.search_intents(
            conn,
            account.id,
            statuses=[s.value for s in body.statuses or []],
            start=body.start_date,
            end=body.end_date,
            limit=cursor.limit,
            after=after,
            before=before,
        )
        more = len(intents) > cursor.limit
        intents = intents[: cursor.limit]
        if before:
            intents.reverse()  # fetched oldest-first towards newer intents
        data = await present_many(ctx, conn, intents)
    if not intents:
        return {"data": [], "before": None, "after": None}
    # A page has a neighbour in the direction it came from whenever a cursor brought us here.
    newer = more if before else after is not None
    older = True if before else more
    return {
        "data": data,
        "before": encode_cursor(intents[0]) if newer else None,
        "after": encode_cursor(intents[-1]) if older else None,
    }
