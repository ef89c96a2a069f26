"""Expiry: unpaid intents past ``expireAt`` are canceled (``service.cancel``); Manual
authorizations past their horizon (``autoExpireIn``, 7 days by default) are captured
(``service.capture``) or released (``service.reverse``), as ``autoExpireAction`` says — through
the same operations and phases as the API's.

``expire_due`` is one sweep; the ``expiry`` background job calls it in a loop and tests call it
directly after moving the clock. Several workers may sweep one PostgreSQL at once: each intent is
taken with its row lock (SKIP LOCKED) and its status and due time re-checked under the lock, and a
movement already pending blocks a second one, so an expiry is never applied twice. An intent that
fails is logged and skipped: it never stops the sweep.
"""

import asyncio
import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import Any

from tender.domain.records import Capture, Intent, Movement
from tender.domain.status import AutoExpireAction, MovementKind, MovementStatus, Operation, Status
from tender.errors import StateConflict
from tender.service import capture, reverse
from tender.service.accounts import account_by_id
from tender.service.cancel import end
from tender.service.context import Context
from tender.service.ledger import state_of
from tender.service.phases import call_processor, settle
from tender.service.setup_expiry import expire_setups
from tender.storage import attempts as attempts_repo
from tender.storage import intents as intents_repo
from tender.storage.db import Conn

log = logging.getLogger("tender.expiry")
FAILED = (MovementStatus.DECLINED, MovementStatus.FAILED)
BATCH = 200
INTERVAL_SECONDS = 5.0


async def expire_due(ctx: Context) -> int:
    """Apply every expiry that is due now; returns how many intents it acted on."""
    now = ctx.clock()
    async with ctx.db.transaction(write=False) as conn:
        unpaid = await intents_repo.due_unpaid(conn, now, BATCH)
        authorized = await attempts_repo.due_authorizations(conn, now, BATCH)
    done = 0
    for intent_id in unpaid:
        done += await _safely(intent_id, _cancel_unpaid(ctx, intent_id, now))
    for intent_id in authorized:
        done += await _safely(intent_id, _settle_authorization(ctx, intent_id, now))
    return done + await expire_setups(ctx)


async def _safely(intent_id: str, work: Awaitable[bool]) -> int:
    """One intent's expiry; a failure is logged and the sweep goes on with the next one."""
    try:
        return int(await work)
    except StateConflict:  # another operation is in flight on it: the next sweep sees to it
        return 0
    except Exception:
        log.exception("expiry of %s failed; the sweep goes on", intent_id)
        return 0


async def _cancel_unpaid(ctx: Context, intent_id: str, now: datetime) -> bool:
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.lock_intent_or_skip(conn, intent_id)
        if intent is None or intent.status is not Status.CREATED or intent.expire_at > now:
            return False  # another worker has it, or it changed since we looked
        account = await account_by_id(ctx, conn, intent.account_id)
        await end(ctx, conn, account, intent, Operation.EXPIRE)
        return True


async def _begin_settlement(
    ctx: Context, conn: Conn, intent: Intent, now: datetime
) -> tuple[Movement, dict[str, Any]] | None:
    """Phase 2–3: the due authorization's capture or release, written pending."""
    if intent.status is not Status.AUTHORIZED:
        return None
    state, ledger = await state_of(conn, intent)
    won = ledger.authorization
    if won is None or won.release_at is None or won.release_at > now:
        return None
    account = await account_by_id(ctx, conn, intent.account_id)
    action = AutoExpireAction(intent.auto_expire_action or AutoExpireAction.RELEASE)
    if action is AutoExpireAction.CAPTURE:
        amount = state.authorized_amount
        pending: Movement = await capture.begin(
            ctx, conn, account, intent, state, amount=amount, reason="expired"
        )
    else:
        pending = await reverse.begin(ctx, conn, account, intent, state, reason="expired")
    return pending, won.processor_data


async def _settle_authorization(ctx: Context, intent_id: str, now: datetime) -> bool:
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.lock_intent_or_skip(conn, intent_id)
        begun = await _begin_settlement(ctx, conn, intent, now) if intent else None
    if begun is None:
        return False
    pending, data = begun
    settled = await _send_and_settle(ctx, intent_id, pending, data)
    if isinstance(settled, Capture):
        await release_after_failed_capture(ctx, intent_id, settled, data)
    return True


async def release_after_failed_capture(
    ctx: Context, intent_id: str, settled: Capture, data: dict[str, Any]
) -> None:
    """A declined automatic capture cannot be retried for ever: release the funds instead."""
    if settled.reason != "expired" or settled.status not in FAILED:
        return
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.get_intent_any_account(conn, intent_id, for_update=True)
        assert intent is not None
        state, _ = await state_of(conn, intent)
        account = await account_by_id(ctx, conn, intent.account_id)
        release = await reverse.begin(ctx, conn, account, intent, state, reason="expired")
    await _send_and_settle(ctx, intent_id, release, data)


async def _send_and_settle(
    ctx: Context, intent_id: str, pending: Movement, data: dict[str, Any]
) -> Movement:
    """Phases 4–5 of one expiry movement."""
    is_capture = isinstance(pending, Capture)
    module = capture if is_capture else reverse
    answer = await call_processor(ctx, pending.id, lambda: module.send(ctx, data, pending))
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.get_intent_any_account(conn, intent_id, for_update=True)
        assert intent is not None
        account = await account_by_id(ctx, conn, intent.account_id)
        kind = MovementKind.CAPTURE if is_capture else MovementKind.REVERSAL
        _, settled = await settle(
            ctx, conn, account, intent, kind, pending.id, answer,
            operation=module.operation_of(pending),
        )  # fmt: skip
    return settled


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
