"""Expiry: unpaid intents past ``expireAt`` are canceled; Manual authorizations past their
horizon (``autoExpireIn``, 7 days by default) are released (Reversed) or captured, as
``autoExpireAction`` says.

``expire_due`` is one sweep; the ``expiry`` background job calls it in a loop and tests call it
directly after moving the clock. Several workers may sweep one PostgreSQL at once: each intent is
handled in its own transaction that takes its row lock with SKIP LOCKED and re-checks the status
and the due time under the lock, so an expiry is never applied twice.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.domain.rules import decide
from tender.domain.status import AutoExpireAction, Operation, Status
from tender.ids import new_id
from tender.service.context import Context
from tender.service.intents import set_status
from tender.service.ledger import state_with_ledger
from tender.service.money import release
from tender.service.payments import account_of
from tender.storage import intents as intents_repo
from tender.storage import payments as repo

log = logging.getLogger("tender.expiry")
BATCH = 200
INTERVAL_SECONDS = 5.0


async def expire_due(ctx: Context) -> int:
    """Apply every expiry that is due now; returns how many intents changed."""
    now = ctx.clock()
    async with ctx.db.transaction(write=False) as conn:
        unpaid = await repo.due_unpaid(conn, now, BATCH)
        authorized = await repo.due_authorizations(conn, now, BATCH)
    done = 0
    for intent_id in unpaid:
        done += await _one(ctx, intent_id, now, _cancel_unpaid)
    for intent_id in authorized:
        done += await _one(ctx, intent_id, now, _settle_authorization)
    return done


Action = Callable[[Context, AsyncConnection, Row, datetime], Awaitable[bool]]


async def _one(ctx: Context, intent_id: str, now: datetime, action: Action) -> int:
    async with ctx.db.transaction() as conn:
        row = await repo.lock_intent_or_skip(conn, intent_id)
        if row is None:  # another worker has it
            return 0
        return int(await action(ctx, conn, row, now))


async def _cancel_unpaid(ctx: Context, conn: AsyncConnection, row: Row, now: datetime) -> bool:
    if row.status != Status.CREATED or row.expire_at > now:  # changed since we looked
        return False
    state = await state_with_ledger(conn, row)
    new = decide(Operation.EXPIRE, state, now)
    await set_status(
        conn, await account_of(conn, row), row, new, now,
        event_fields={"message": "Expired: not paid before expireAt"}, client_secret=None,
    )  # fmt: skip
    return True


async def _settle_authorization(
    ctx: Context, conn: AsyncConnection, row: Row, now: datetime
) -> bool:
    if row.status != Status.AUTHORIZED:
        return False
    won = await repo.successful_attempts(conn, [row.id])
    if not won or won[0].release_at is None or won[0].release_at > now:
        return False
    account = await account_of(conn, row)
    action = AutoExpireAction(row.auto_expire_action or AutoExpireAction.RELEASE)
    if action is AutoExpireAction.CAPTURE:
        state = await state_with_ledger(conn, row)
        new = decide(Operation.AUTO_CAPTURE, state, now)
        result = await ctx.processor.capture(dict(won[0].processor_data), state.authorized_amount)
        await repo.insert_capture(
            conn, id=new_id("cp", sandbox=account.sandbox), intent_id=row.id,
            amount=state.authorized_amount, tips_amount=0,
            status="Successful" if result.approved else "Declined", message=result.message,
            transaction_id=result.transaction_id, created_at=now,
        )  # fmt: skip
        fields = {"transaction_id": result.transaction_id, "message": result.message}
        if result.approved:
            await set_status(conn, account, row, new, now, event_fields=fields)
            return True
        # A declined automatic capture cannot be retried forever: release the funds instead.
        await intents_repo.add_payment_event(conn, row.id, "Declined", now, **fields)
    await release(ctx, conn, account, row, reason="expired")
    return True


async def expiry_job(ctx: Context) -> None:
    """The scheduler loop run by ``tender serve`` and ``tender worker``."""
    while True:
        try:
            changed = await expire_due(ctx)
            if changed:
                log.info("expired %d payment intents", changed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("expiry sweep failed; retrying in %.0fs", INTERVAL_SECONDS)
        await asyncio.sleep(INTERVAL_SECONDS)
