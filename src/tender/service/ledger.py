"""Amounts derived from movement rows: the intent's ledger (wire view) and its rules state.

Nothing here keeps a counter: authorized = the successful attempt, captured = the Successful
capture rows, refunded = the Successful refund rows. Read inside the transaction that holds the
intent's row lock, these sums are what the next capture or refund is checked against.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.domain.rules import IntentState
from tender.domain.status import CaptureMode, Status
from tender.service.views import Ledger, timestamp
from tender.storage import payments as repo


def payment_details(attempt: Row) -> dict[str, Any]:
    """``paymentDetails`` of the intent: the finished attempt that decided it (spec §2.4)."""
    card = {
        "cardNumber": attempt.card_masked,
        "cardName": attempt.cardholder_name,
        "expiryDate": attempt.card_expiry,
        "cardType": attempt.card_brand,
        "last4PAN": attempt.card_last4,
        # Dojo's enums: a card typed into a form is ManualEntry; a wallet's device verified
        # the cardholder (3-D Secure is not one of the enum's verification methods).
        "entryMode": "ManualEntry" if attempt.method == "Card" else "Unknown",
        "verificationMethod": "None" if attempt.method == "Card" else "Device",
    }
    details = {
        "transactionId": attempt.transaction_id,
        "transactionDateTime": timestamp(attempt.completed_at),
        "message": attempt.message,
        "authCode": attempt.auth_code,
        "statusCode": attempt.status_code,
        "card": {k: v for k, v in card.items() if v is not None},
    }
    return {k: v for k, v in details.items() if v is not None}


def capture_view(row: Row) -> dict[str, Any]:
    return {
        "id": row.id,
        "amount": row.amount,
        "tipsAmount": row.tips_amount,
        "status": row.status,
        "createdAt": timestamp(row.created_at),
    }


async def load_ledgers(conn: AsyncConnection, rows: list[Row]) -> dict[str, Ledger]:
    ids = [row.id for row in rows]
    if not ids:
        return {}
    ledgers = {i: Ledger() for i in ids}
    finished: dict[str, list[Row]] = defaultdict(list)
    for attempt in await repo.latest_finished_attempts(conn, ids):
        if attempt.state != "abandoned":  # a challenge overtaken by a refresh decided nothing
            finished[attempt.intent_id].append(attempt)
    for intent_id, attempts in finished.items():
        won = [a for a in attempts if a.state == repo.SUCCEEDED]
        decisive = won[-1] if won else attempts[-1]
        ledgers[intent_id].authorized = sum(a.amount for a in won)
        ledgers[intent_id].payment_details = payment_details(decisive)
    for capture in await repo.list_captures(conn, ids):
        ledger = ledgers[capture.intent_id]
        ledger.captures.append(capture_view(capture))
        if capture.status == "Successful":
            ledger.captured += capture.amount + capture.tips_amount
    for intent_id, total in (await repo.refund_totals(conn, ids)).items():
        ledgers[intent_id].refunded = total
    return ledgers


async def state_with_ledger(conn: AsyncConnection, row: Row) -> IntentState:
    """The rules' view of a (locked) intent, with amounts and times taken from its rows."""
    won = await repo.successful_attempts(conn, [row.id])
    successful = [c for c in await repo.list_captures(conn, [row.id]) if c.status == "Successful"]
    refunded = (await repo.refund_totals(conn, [row.id])).get(row.id, 0)
    return IntentState(
        status=Status(row.status),
        capture_mode=CaptureMode(row.capture_mode),
        authorized_amount=sum(a.amount for a in won),
        captured_amount=sum(c.amount + c.tips_amount for c in successful),
        refunded_amount=refunded,
        authorized_at=min((a.completed_at for a in won), default=None),
        captured_at=min((c.created_at for c in successful), default=None),
    )
