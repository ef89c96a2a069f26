"""Outbox events (spec §5.3 payloads), written in the transaction of the change they report."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tender.ids import new_id
from tender.service.views import timestamp
from tender.storage import outbox
from tender.storage.db import Conn

CREATED = "payment_intent.created"
UPDATED = "payment_intent.updated"  # any change: status, amount or tips
STATUS_UPDATED = "payment_intent.status_updated"
SEND_RECEIPT = "payment_intent.send-receipt"
PAYMENT_SUCCESSFUL = "payment.successful"  # an attempt authorized (Manual) or captured (Auto)
SETUP_CREATED = "setup_intent.created"
SETUP_STATUS_UPDATED = "setup_intent.status_updated"
ORDER_CREATED = "order.created"
# Every event Dojo documents (its catalogue example, its samples, its docs), by model. Setup-intent
# events fire once setup intents exist; Tender has no orders, so order.created never fires, but
# Dojo's own subscription examples name it and are accepted.
CATALOGUE = {
    "PaymentIntent": [CREATED, UPDATED, STATUS_UPDATED, SEND_RECEIPT],
    "Payment": [PAYMENT_SUCCESSFUL],
    "SetupIntent": [SETUP_CREATED, SETUP_STATUS_UPDATED],
    "Order": [ORDER_CREATED],
}


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
    (event_id,) = await emit_all(
        conn, [event], account_id=account_id, intent_id=intent_id, status=status,
        capture_mode=capture_mode, sandbox=sandbox, now=now, data=data,
    )  # fmt: skip
    return event_id


async def emit_all(
    conn: Conn,
    names: Sequence[str],
    *,
    account_id: str,
    intent_id: str,
    status: str,
    capture_mode: str,
    sandbox: bool,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> list[str]:
    """Record the events ``names`` (in that order) for an intent in one outbox statement;
    returns their ids."""
    ids: list[str] = []
    rows: list[dict[str, Any]] = []  # outbox columns -> values
    for event in names:
        event_id = new_id("evt", sandbox=sandbox)
        ids.append(event_id)
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
        rows.append(
            {"id": event_id, "account_id": account_id, "intent_id": intent_id,
             "event": event, "payload": payload, "created_at": now}
        )  # fmt: skip
    await outbox.record_events(conn, rows)
    return ids
