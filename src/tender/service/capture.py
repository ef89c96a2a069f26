"""Capture: the one place a capture row is written and settled.

Three things ask for a capture, and all of them go through ``begin`` here and
``phases.settle`` with this module's ``operation_of``: the API (``POST
/payment-intents/{id}/captures``, Manual capture mode), an Auto capture mode payment right after
its authorization (``service.pay``), and the expiry job for ``autoExpireAction`` Capture
(``service.expiry``). The capture row is written ``Pending`` (reserving its amount) and
committed, the processor is asked outside any lock, and its answer is recorded under the lock
again. Under any concurrency the captures never exceed the authorization.
"""

from typing import Annotated, Any

from pydantic import Field

from tender.domain.money import MAX_AMOUNT
from tender.domain.records import Capture, Intent, Movement
from tender.domain.rules import IntentState, decide
from tender.domain.status import MovementKind, MovementStatus, Operation
from tender.ids import new_id
from tender.processor import protocol
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply
from tender.service.inputs import WireModel
from tender.service.phases import movement_reply, run_movement
from tender.storage import movements as repo
from tender.storage.db import Conn

Amount = Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT)]
OPERATION = {
    "requested": Operation.CAPTURE,
    "payment": Operation.AUTHORIZE_AND_CAPTURE,
    "expired": Operation.AUTO_CAPTURE,
}


class CaptureRequest(WireModel):
    amount: Amount = Field(description="Minor units to capture")
    tips_amount: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)] | None = Field(
        default=None, description="Tips captured on top of amount (within the authorization)"
    )


def operation_of(capture: Movement) -> Operation:
    assert isinstance(capture, Capture)
    return OPERATION[capture.reason]


async def begin(
    ctx: Context,
    conn: Conn,
    account: Account,
    intent: Intent,
    state: IntentState,
    *,
    amount: int,
    tips: int = 0,
    reason: str = "requested",
    capture_id: str | None = None,
) -> Capture:
    """Phase 3, in the caller's transaction holding the intent's lock: decide, then write the
    capture ``Pending``. Raises StateConflict (409) or InvalidRequest (400) when it may not."""
    now = ctx.clock()
    decide(OPERATION[reason], state, now, amount + tips)
    capture = await repo.insert_movement(
        conn,
        MovementKind.CAPTURE,
        dict(
            id=capture_id or new_id("cp", sandbox=account.sandbox),
            intent_id=intent.id,
            amount=amount,
            tips_amount=tips,
            status=MovementStatus.PENDING.value,
            reason=reason,
            message="Waiting for the acquirer",
            created_at=now,
        ),
    )
    assert isinstance(capture, Capture)
    return capture


async def send(ctx: Context, data: dict[str, Any], capture: Movement) -> protocol.Movement:
    """Phase 4: ask the processor (outside any transaction)."""
    assert isinstance(capture, Capture)
    return await ctx.processor.capture(data, capture.total, reference=capture.id)


def reply(capture: Movement, intent: Intent) -> Reply:
    """What the API answers for a capture, whenever it is asked (replays and recovery too)."""
    return movement_reply(
        "capture", capture, intent, {"message": capture.message, "captureId": capture.id}
    )


async def capture(
    ctx: Context,
    account: Account,
    intent_id: str,
    body: CaptureRequest,
    idem: IdempotencyKey | None,
) -> Reply:
    """``POST /payment-intents/{id}/captures``."""

    async def start(conn: Conn, intent: Intent, state: IntentState, capture_id: str) -> Movement:
        tips = body.tips_amount or 0
        return await begin(
            ctx, conn, account, intent, state, amount=body.amount, tips=tips, capture_id=capture_id
        )

    return await run_movement(
        ctx,
        account,
        idem,
        intent_id,
        kind=MovementKind.CAPTURE,
        begin=start,
        send=lambda data, pending: send(ctx, data, pending),
        operation_of=operation_of,
        reply=reply,
    )
