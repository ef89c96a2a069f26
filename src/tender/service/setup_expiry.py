"""Expiry of setup intents, one sweep of the expiry job (``service.expiry``): a Created setup
intent past ``expireAt`` becomes Expired (its secret dies with it), and an Authorized one whose
card is past its expiry month becomes CardExpired (it can no longer be charged). Each is taken
with its row lock and re-checked under it; one with a card authorization in progress waits for
the next sweep."""

import logging
from collections.abc import Awaitable

from tender.domain.setup import SetupOperation, SetupStatus, card_expired
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.service.setup_intents import decide, set_setup_status
from tender.storage import setup_intents as repo

log = logging.getLogger("tender.expiry")
BATCH = 200


async def _expire(ctx: Context, setup_id: str) -> bool:
    async with ctx.db.transaction() as conn:
        setup = await repo.get_setup_any_account(conn, setup_id, for_update=True)
        now = ctx.clock()
        if setup is None or setup.status is not SetupStatus.CREATED or setup.expire_at > now:
            return False
        if await repo.open_attempts(conn, setup.id):
            return False
        account = await account_by_id(ctx, conn, setup.account_id)
        new = decide(SetupOperation.EXPIRE, setup)
        await set_setup_status(conn, account, setup, new, now, client_secret=None)
        return True


async def _card_expire(ctx: Context, setup_id: str) -> bool:
    async with ctx.db.transaction() as conn:
        setup = await repo.get_setup_any_account(conn, setup_id, for_update=True)
        now = ctx.clock()
        if setup is None or setup.status is not SetupStatus.AUTHORIZED:
            return False
        if not card_expired(setup.card_expiry, now):
            return False
        account = await account_by_id(ctx, conn, setup.account_id)
        await set_setup_status(conn, account, setup, decide(SetupOperation.CARD_EXPIRE, setup), now)
        return True


async def expire_setups(ctx: Context) -> int:
    """Apply every setup-intent expiry due now; returns how many it acted on."""
    now = ctx.clock()
    async with ctx.db.transaction(write=False) as conn:
        unauthorized = await repo.due_unauthorized(conn, now, BATCH)
        expired_cards = await repo.due_card_expiry(conn, now, BATCH)
    done = 0
    for setup_id in unauthorized:
        done += await _safely(setup_id, _expire(ctx, setup_id))
    for setup_id in expired_cards:
        done += await _safely(setup_id, _card_expire(ctx, setup_id))
    return done


async def _safely(setup_id: str, work: Awaitable[bool]) -> int:
    try:
        return int(await work)
    except Exception:
        log.exception("expiry of %s failed; the sweep goes on", setup_id)
        return 0
