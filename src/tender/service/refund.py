"""Refund: the one place a refund row is written and settled, and read back.

The phases are ``service.phases``': the refund is written ``Pending`` (reserving its amount),
the processor is asked outside any lock, and its answer is recorded under the lock again. A
declined or failed refund stays on record as such, leaves the intent's status and amounts as they
were, and answers a problem naming the refund. Under any concurrency the refunds never exceed the
captures.

Refund idempotency keys are unique per refund *on that intent*, as Dojo documents them: the same
key on another intent is another refund.
"""

from typing import Annotated, Any

from pydantic import Field

from tender.domain.money import MAX_AMOUNT
from tender.domain.records import Intent, Movement, Refund
from tender.domain.rules import IntentState, decide
from tender.domain.status import MovementKind, MovementStatus, Operation
from tender.errors import InvalidRequest, NotFound
from tender.processor import protocol
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply
from tender.service.inputs import WireModel
from tender.service.intents import check_id
from tender.service.phases import movement_reply, run_movement
from tender.service.views import timestamp
from tender.storage import movements as repo
from tender.storage.db import Conn

Amount = Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT)]


class RefundRequest(WireModel):
    amount: Amount = Field(description="Minor units to refund")
    previous_transaction_id: Annotated[str, Field(strict=True, max_length=100)] | None = None
    refund_reason: Annotated[str, Field(strict=True, max_length=1024)] | None = None
    notes: Annotated[str, Field(strict=True, max_length=4096)] | None = None


def reply(refund: Movement, intent: Intent) -> Reply:
    """What the API answers for a refund, whenever it is asked (replays and recovery too)."""
    assert isinstance(refund, Refund)
    success = {
        "paymentIntentId": refund.intent_id,
        "refundId": refund.id,
        "refundReason": refund.refund_reason,
        "notes": refund.notes,
        "amount": refund.amount,
        "message": refund.message,
    }
    return movement_reply("refund", refund, intent, success)


def operation_of(refund: Movement) -> Operation:
    return Operation.REFUND


async def send(ctx: Context, data: dict[str, Any], refund: Movement) -> protocol.Movement:
    """Phase 4: ask the processor (outside any transaction)."""
    return await ctx.processor.refund(data, refund.amount, reference=refund.id)


async def refund(
    ctx: Context,
    account: Account,
    intent_id: str,
    body: RefundRequest,
    idem: IdempotencyKey | None,
) -> Reply:
    """``POST /payment-intents/{id}/refunds``; the idempotency key is required."""
    if idem is None:
        raise InvalidRequest.field(
            "IdempotencyKey",
            "The idempotency key header is required on refunds: a unique key per new refund.",
        )
    check_id(intent_id)

    async def start(conn: Conn, intent: Intent, state: IntentState, refund_id: str) -> Movement:
        now = ctx.clock()
        decide(Operation.REFUND, state, now, body.amount)
        return await repo.insert_movement(
            conn,
            MovementKind.REFUND,
            dict(
                id=refund_id,
                intent_id=intent.id,
                amount=body.amount,
                status=MovementStatus.PENDING.value,
                message="Waiting for the acquirer",
                refund_reason=body.refund_reason,
                notes=body.notes,
                previous_transaction_id=body.previous_transaction_id,
                created_at=now,
            ),
        )

    return await run_movement(
        ctx,
        account,
        idem.within(intent_id),
        intent_id,
        kind=MovementKind.REFUND,
        begin=start,
        send=lambda data, pending: send(ctx, data, pending),
        operation_of=operation_of,
        reply=reply,
    )


async def get_refund(ctx: Context, account: Account, refund_id: str) -> dict[str, Any]:
    """``GET /payment-intents/refunds/{refundId}``."""
    async with ctx.db.transaction(write=False) as conn:
        found = await repo.get_refund(conn, account.id, refund_id)
    if found is None:
        raise NotFound(f"No refund with id {refund_id}.")
    return {
        "refundId": found.id,
        "paymentIntentId": found.intent_id,
        "amount": found.amount,
        "status": found.status.value,
        "message": found.message,
        "refundReason": found.refund_reason,
        "notes": found.notes,
        "previousTransactionId": found.previous_transaction_id,
        "createdAt": timestamp(found.created_at),
    }
