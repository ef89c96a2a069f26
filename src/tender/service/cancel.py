"""Cancel: an unpaid intent ends ``Canceled``, asked by the merchant (``DELETE
/payment-intents/{id}``) or by the expiry job once ``expireAt`` has passed. Nothing was
authorized, so the processor is not involved: one transaction under the intent's lock. An
attempt still waiting for the processor's answer blocks it (409) until it is recorded.
"""

from tender.domain.records import Intent
from tender.domain.rules import decide
from tender.domain.status import Operation
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.intents import load_for_update, set_status
from tender.service.ledger import state_of
from tender.service.presenter import present
from tender.storage.db import Conn


async def end(ctx: Context, conn: Conn, account: Account, intent: Intent, op: Operation) -> Intent:
    """Cancel (``op`` CANCEL) or expire (EXPIRE) a locked intent; the secret dies with it."""
    now = ctx.clock()
    new = decide(op, (await state_of(conn, intent))[0], now)
    fields = {"message": "Expired: not paid before expireAt"} if op is Operation.EXPIRE else {}
    return await set_status(
        conn, account, intent, new, now, event_fields=fields, client_secret=None
    )


async def cancel(
    ctx: Context, account: Account, intent_id: str, idem: IdempotencyKey | None
) -> Reply:
    """``DELETE /payment-intents/{id}``."""

    async def effect(conn: Conn) -> Reply:
        intent = await load_for_update(conn, account, intent_id)
        intent = await end(ctx, conn, account, intent, Operation.CANCEL)
        return Reply(200, await present(ctx, conn, intent))

    return await run(ctx, account.id, idem, effect)
