"""Money movements after payment: captures, refunds and reversals.

Each runs through ``idempotency.run`` in one transaction that takes the intent's row lock, derives
the authorized, captured and refunded amounts from the movement rows (``ledger``), asks
``domain.rules.decide`` whether the movement may happen, asks the processor, and writes the
movement row with the status change. Under any concurrency, captures never exceed the
authorization and refunds never exceed the captures.
"""

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.domain.money import MAX_AMOUNT
from tender.domain.rules import decide
from tender.domain.status import CaptureMode, Operation, Status
from tender.errors import InvalidRequest, NotFound
from tender.ids import new_id
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.inputs import WireModel
from tender.service.intents import load_for_update, set_status
from tender.service.ledger import state_with_ledger
from tender.service.views import timestamp
from tender.storage import intents as intents_repo
from tender.storage import payments as repo

Amount = Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT)]


class CaptureRequest(WireModel):
    amount: Amount = Field(description="Minor units to capture")
    tips_amount: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)] | None = Field(
        default=None, description="Tips captured on top of amount (within the authorization)"
    )


class RefundRequest(WireModel):
    amount: Amount = Field(description="Minor units to refund")
    previous_transaction_id: Annotated[str, Field(strict=True, max_length=100)] | None = None
    refund_reason: Annotated[str, Field(strict=True, max_length=1024)] | None = None
    notes: Annotated[str, Field(strict=True, max_length=4096)] | None = None


async def _processor_data(conn: AsyncConnection, intent_id: str) -> dict[str, Any]:
    won = await repo.successful_attempts(conn, [intent_id])
    return dict(won[0].processor_data) if won else {}


async def capture(
    ctx: Context,
    account: Account,
    intent_id: str,
    body: CaptureRequest,
    idem: IdempotencyKey | None,
) -> Reply:
    async def effect(conn: AsyncConnection) -> Reply:
        row = await load_for_update(conn, account, intent_id)
        now = ctx.clock()
        tips = body.tips_amount or 0
        new = decide(Operation.CAPTURE, await state_with_ledger(conn, row), now, body.amount + tips)
        data = await _processor_data(conn, row.id)
        result = await ctx.processor.capture(data, body.amount + tips)
        capture_id = new_id("cp", sandbox=account.sandbox)
        status = "Successful" if result.approved else "Declined"
        await repo.insert_capture(
            conn, id=capture_id, intent_id=row.id, amount=body.amount, tips_amount=tips,
            status=status, message=result.message, transaction_id=result.transaction_id,
            created_at=now,
        )  # fmt: skip
        fields = {"transaction_id": result.transaction_id, "message": result.message}
        if not result.approved:  # no money moved: the intent stays as it was
            await intents_repo.add_payment_event(conn, row.id, "Declined", now, **fields)
            return Reply(
                402,
                {
                    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.2",
                    "title": "The capture was declined.",
                    "status": 402,
                    "detail": f"{result.message}; no money moved and the intent is still "
                    f"{row.status}.",
                    "errors": {},
                    "captureId": capture_id,
                    "captureStatus": status,
                },
            )
        await set_status(conn, account, row, new, now, event_fields=fields)
        return Reply(200, {"message": result.message, "captureId": capture_id})

    return await run(ctx, account.id, idem, effect)


async def refund(
    ctx: Context,
    account: Account,
    intent_id: str,
    body: RefundRequest,
    idem: IdempotencyKey | None,
) -> Reply:
    if idem is None:
        raise InvalidRequest.field(
            "IdempotencyKey",
            "The idempotencyKey header is required on refunds: a unique key per new refund.",
        )

    async def effect(conn: AsyncConnection) -> Reply:
        row = await load_for_update(conn, account, intent_id)
        now = ctx.clock()
        new = decide(Operation.REFUND, await state_with_ledger(conn, row), now, body.amount)
        result = await ctx.processor.refund(await _processor_data(conn, row.id), body.amount)
        refund_id = new_id("rfnd", sandbox=account.sandbox)
        await repo.insert_refund(
            conn, id=refund_id, intent_id=row.id, amount=body.amount,
            status="Successful" if result.approved else "Failed",
            refund_reason=body.refund_reason, notes=body.notes,
            previous_transaction_id=body.previous_transaction_id,
            transaction_id=result.transaction_id, created_at=now,
        )  # fmt: skip
        await set_status(
            conn, account, row, new, now,
            event_fields={"transaction_id": result.transaction_id, "message": result.message},
        )  # fmt: skip
        return Reply(
            200,
            {
                "paymentIntentId": row.id,
                "refundId": refund_id,
                "refundReason": body.refund_reason,
                "notes": body.notes,
                "amount": body.amount,
                "message": result.message,
            },
        )

    return await run(ctx, account.id, idem, effect)


async def reverse(
    ctx: Context, account: Account, intent_id: str, idem: IdempotencyKey | None
) -> Reply:
    async def effect(conn: AsyncConnection) -> Reply:
        row = await load_for_update(conn, account, intent_id)
        reversal_id = await release(ctx, conn, account, row, reason="requested")
        return Reply(200, {"message": "Reversal successful", "reversalId": reversal_id})

    return await run(ctx, account.id, idem, effect)


async def release(
    ctx: Context, conn: AsyncConnection, account: Account, row: Row, *, reason: str
) -> str:
    """Reverse the whole authorization (or the same-day Auto capture) of a locked intent."""
    now = ctx.clock()
    state = await state_with_ledger(conn, row)
    op = Operation.REVERSE if reason == "requested" else Operation.AUTO_RELEASE
    new = decide(op, state, now)
    manual = state.capture_mode is CaptureMode.MANUAL and state.status is Status.AUTHORIZED
    amount = state.authorized_amount if manual else state.captured_amount
    result = await ctx.processor.reverse(await _processor_data(conn, row.id), amount)
    reversal_id = new_id("rvs", sandbox=account.sandbox)
    await repo.insert_reversal(
        conn, id=reversal_id, intent_id=row.id, amount=amount, reason=reason,
        transaction_id=result.transaction_id, created_at=now,
    )  # fmt: skip
    await set_status(
        conn, account, row, new, now,
        event_fields={"transaction_id": result.transaction_id, "message": result.message},
    )  # fmt: skip
    return reversal_id


async def get_refund(ctx: Context, account: Account, refund_id: str) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        row = await repo.get_refund(conn, account.id, refund_id)
    if row is None:
        raise NotFound(f"No refund with id {refund_id}.")
    return {
        "refundId": row.id,
        "paymentIntentId": row.intent_id,
        "amount": row.amount,
        "status": row.status,
        "refundReason": row.refund_reason,
        "notes": row.notes,
        "previousTransactionId": row.previous_transaction_id,
        "createdAt": timestamp(row.created_at),
    }
