"""Recovery (the janitor): settles attempts and movements left ``Pending`` by a crash between
the phases or by a processor that did not answer in time.

For each one older than the longest a live request waits for the processor
(``Settings.recovery_age``), it asks the processor what happened (``lookup`` by Tender's
reference) outside any lock, then records that answer exactly as the request would have — through
the same ``record_authorization`` and ``settle`` — or voids it (recorded as failed: nothing was
charged, no money moved) when the processor never received it. The idempotency key the caller
may retry with is completed with the answer the request would have given. Several recovering
workers may run at once: the row is re-checked under the intent's lock, so one records it.
"""

import asyncio
import logging
from collections.abc import Awaitable

from tender.domain.records import Capture, Refund, Reversal
from tender.domain.status import AttemptState, MovementKind, MovementStatus
from tender.processor.protocol import Authorization, Movement, Outcome
from tender.service import capture, charge, refund, reverse, setup_pay
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.service.expiry import release_after_failed_capture
from tender.service.idempotency import complete_pending
from tender.service.ledger import state_of
from tender.service.pay import VOID, complete_sale, record_authorization, send_release, settle_sale
from tender.service.phases import settle
from tender.storage import attempts as attempts_repo
from tender.storage import intents as intents_repo
from tender.storage import movements as movements_repo
from tender.storage import setup_intents as setup_repo

log = logging.getLogger("tender.recovery")
BATCH = 100
INTERVAL_SECONDS = 5.0
NOTHING_MOVED = Movement(Outcome.ERROR, "No answer from the acquirer; no money moved.")
MODULES = {
    MovementKind.CAPTURE: capture,
    MovementKind.REFUND: refund,
    MovementKind.REVERSAL: reverse,
}


class Unreachable(Exception):
    """The processor could not be asked; try again on the next round."""


async def _lookup(ctx: Context, reference: str) -> Authorization | Movement | None:
    try:
        async with asyncio.timeout(ctx.settings.processor_timeout_seconds):
            return await ctx.processor.lookup(reference)
    except Exception as exc:
        raise Unreachable(reference) from exc


async def recover(ctx: Context) -> int:
    """Settle every pending attempt and movement old enough to have been abandoned."""
    older_than = ctx.clock() - ctx.settings.recovery_age
    async with ctx.db.transaction(write=False) as conn:
        attempts = await attempts_repo.pending_attempts(conn, older_than, BATCH)
        movements = await movements_repo.pending_movements(conn, older_than, BATCH)
        setup_attempts = await setup_repo.pending_attempts(conn, older_than, BATCH)
    done = 0
    for attempt_id in attempts:
        done += await _safely(attempt_id, recover_attempt(ctx, attempt_id))
    for kind, movement_id in movements:
        done += await _safely(movement_id, recover_movement(ctx, kind, movement_id))
    for attempt_id in setup_attempts:
        done += await _safely(attempt_id, recover_setup_attempt(ctx, attempt_id))
    return done


async def _safely(reference: str, work: Awaitable[bool]) -> int:
    try:
        return int(await work)
    except Unreachable:
        log.warning("the processor could not be asked about %s; next round", reference)
    except Exception:
        log.exception("recovery of %s failed; going on with the others", reference)
    return 0


async def recover_attempt(ctx: Context, attempt_id: str) -> bool:
    async with ctx.db.transaction(write=False) as conn:
        attempt = await attempts_repo.get_attempt(conn, attempt_id)
    if attempt is None or attempt.state is not AttemptState.PENDING:
        return False
    found = await _lookup(ctx, attempt_id)
    completing = attempt.three_ds == "challenge"  # the cardholder had decided a challenge
    if not isinstance(found, Authorization) or (
        completing and found.outcome is Outcome.CHALLENGE  # the decision never arrived
    ):
        found = VOID
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.get_intent_any_account(conn, attempt.intent_id, for_update=True)
        assert intent is not None
        intent, attempt, sale = await record_authorization(ctx, conn, intent, attempt, found)
    if sale is not None:
        attempt = await complete_sale(ctx, intent.id, attempt, sale)
    await charge.after_recovery(ctx, intent, attempt_id)  # a merchant-initiated charge's end
    log.info("recovered attempt %s: %s", attempt_id, attempt.state)
    return True


async def recover_setup_attempt(ctx: Context, attempt_id: str) -> bool:
    """A card authorization on a setup intent, settled as ``setup_pay.record`` would have."""
    async with ctx.db.transaction(write=False) as conn:
        attempt = await setup_repo.get_attempt(conn, attempt_id)
    if attempt is None or attempt.state is not AttemptState.PENDING:
        return False
    found = await _lookup(ctx, attempt_id)
    completing = attempt.three_ds == "challenge"
    if not isinstance(found, Authorization) or (completing and found.outcome is Outcome.CHALLENGE):
        found = VOID
    attempt = await setup_pay.record(ctx, attempt.intent_id, attempt, found)
    log.info("recovered setup attempt %s: %s", attempt_id, attempt.state)
    return True


async def recover_movement(ctx: Context, kind: MovementKind, movement_id: str) -> bool:
    async with ctx.db.transaction(write=False) as conn:
        pending = await movements_repo.get_movement(conn, kind, movement_id)
    if pending is None or pending.status is not MovementStatus.PENDING:
        return False
    found = await _lookup(ctx, movement_id)
    answer = found if isinstance(found, Movement) else NOTHING_MOVED
    module = MODULES[kind]
    release: Reversal | None = None
    settled: Capture | Refund | Reversal
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.get_intent_any_account(conn, pending.intent_id, for_update=True)
        assert intent is not None
        _, ledger = await state_of(conn, intent)
        won = ledger.authorization
        data = dict(won.processor_data) if won else {}
        if isinstance(pending, Capture) and pending.reason == "payment":
            assert won is not None  # an Auto payment's capture follows its authorization
            intent, _, settled, release = await settle_sale(
                ctx, conn, intent, won.id, movement_id, answer
            )
        else:
            account = await account_by_id(ctx, conn, intent.account_id)
            intent, settled = await settle(
                ctx, conn, account, intent, kind, movement_id, answer,
                operation=module.operation_of(pending),
            )  # fmt: skip
        await complete_pending(conn, movement_id, module.reply(settled, intent))
    if release is not None:
        await send_release(ctx, intent.id, release, data)
    if isinstance(settled, Capture):
        await release_after_failed_capture(ctx, intent.id, settled, data)
    if won is not None and isinstance(pending, Capture) and pending.reason == "payment":
        await charge.after_recovery(ctx, intent, won.id)
    log.info("recovered %s %s: %s", kind, movement_id, settled.status)
    return True


async def recovery_job(ctx: Context) -> None:
    """The janitor loop run by ``tender serve`` and ``tender worker``: at start-up (what a
    crashed process left) and every few seconds after."""
    while True:
        try:
            recovered = await recover(ctx)
            if recovered:
                log.info("recovered %d pending operations", recovered)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("recovery round failed; retrying in %.0fs", INTERVAL_SECONDS)
        await asyncio.sleep(INTERVAL_SECONDS)
