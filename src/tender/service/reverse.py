"""Reversal: the one place a reversal row is written and settled.

Three things release an authorization, all through ``begin`` here and ``phases.settle`` with
this module's ``operation_of``: the API (``POST /payment-intents/{id}/reversal``), the expiry job
when a Manual authorization reaches its horizon (``service.expiry``), and an Auto capture mode
payment whose capture failed after the authorization (``service.pay``). A declined or failed
reversal stays on record as such and leaves the intent as it was.
"""

from typing import Any

from tender.domain.records import Intent, Movement, Reversal
from tender.domain.rules import IntentState, decide
from tender.domain.status import CaptureMode, MovementKind, MovementStatus, Operation, Status
from tender.ids import new_id
from tender.processor import protocol
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply
from tender.service.phases import movement_reply, run_movement
from tender.storage import movements as repo
from tender.storage.db import Conn

OPERATION = {
    "requested": Operation.REVERSE,
    "expired": Operation.AUTO_RELEASE,
    "capture_failed": Operation.RELEASE_FAILED_SALE,
}


def operation_of(reversal: Movement) -> Operation:
    assert isinstance(reversal, Reversal)
    return OPERATION[reversal.reason]


async def begin(
    ctx: Context,
    conn: Conn,
    account: Account,
    intent: Intent,
    state: IntentState,
    *,
    reason: str = "requested",
    amount: int | None = None,
    reversal_id: str | None = None,
) -> Reversal:
    """Phase 3, in the caller's transaction holding the intent's lock: decide, then write the
    reversal ``Pending``. The amount is the whole authorization (Manual) or the same-day Auto
    capture, unless given."""
    now = ctx.clock()
    decide(OPERATION[reason], state, now)
    if amount is None:
        manual = state.capture_mode is CaptureMode.MANUAL and state.status is Status.AUTHORIZED
        amount = state.authorized_amount if manual else state.captured_amount
    reversal = await repo.insert_movement(
        conn,
        MovementKind.REVERSAL,
        dict(
            id=reversal_id or new_id("rvs", sandbox=account.sandbox),
            intent_id=intent.id,
            amount=amount,
            status=MovementStatus.PENDING.value,
            reason=reason,
            message="Waiting for the acquirer",
            created_at=now,
        ),
    )
    assert isinstance(reversal, Reversal)
    return reversal


async def send(ctx: Context, data: dict[str, Any], reversal: Movement) -> protocol.Movement:
    """Phase 4: ask the processor (outside any transaction)."""
    return await ctx.processor.reverse(data, reversal.amount, reference=reversal.id)


def reply(reversal: Movement, intent: Intent) -> Reply:
    return movement_reply(
        "reversal", reversal, intent, {"message": reversal.message, "reversalId": reversal.id}
    )


async def reverse(
    ctx: Context, account: Account, intent_id: str, idem: IdempotencyKey | None
) -> Reply:
    """``POST /payment-intents/{id}/reversal``."""

    async def start(conn: Conn, intent: Intent, state: IntentState, reversal_id: str) -> Movement:
        return await begin(ctx, conn, account, intent, state, reversal_id=reversal_id)

    return await run_movement(
        ctx,
        account,
        idem,
        intent_id,
        kind=MovementKind.REVERSAL,
        begin=start,
        send=lambda data, pending: send(ctx, data, pending),
        operation_of=operation_of,
        reply=reply,
    )
