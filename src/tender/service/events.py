"""Outbox events (spec §5.3 payloads), written in the transaction of the change they report."""

from datetime import datetime
from typing import Any

from tender.ids import new_id
from tender.service.views import timestamp
from tender.storage import outbox
from tender.storage.db import Conn

CREATED = "payment_intent.created"
STATUS_UPDATED = "payment_intent.status_updated"
SEND_RECEIPT = "payment_intent.send-receipt"
CATALOGUE = {"payment_intent": [CREATED, STATUS_UPDATED, SEND_RECEIPT]}


async def emit(
    conn: Conn,
    *,
    event: str,
    account_id: str,
    intent_id: str,
    status: str,
    capture_mode: str,
    sandbox: bool,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> str:
    """Record ``event`` for an intent in the outbox; returns the event id."""
    event_id = new_id("evt", sandbox=sandbox)
    payload = {
        "id": event_id,
        "event": event,
        "accountId": account_id,
        "createdAt": timestamp(now),
        "data": {
            "paymentIntentId": intent_id,
            "paymentStatus": status,
            "captureMode": capture_mode,
            **(data or {}),
        },
    }
    await outbox.record_event(
        conn,
        id=event_id,
        account_id=account_id,
        intent_id=intent_id,
        event=event,
        payload=payload,
        now=now,
    )
    return event_id
