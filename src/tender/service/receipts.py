"""``POST /payment-intents/{id}/receipt`` (spec §2.5): ask for a receipt to be e-mailed.

Tender sends no e-mail itself: it emits ``payment_intent.send-receipt`` (with the addresses in
``data.emails``) to the merchant's webhooks, in the same transaction, for them to act on.
"""

from tender.service import events
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.intents import load_for_update
from tender.service.webhook_inputs import SendReceipt
from tender.storage.db import Conn


async def send_receipt(
    ctx: Context,
    account: Account,
    intent_id: str,
    body: SendReceipt,
    idem: IdempotencyKey | None,
) -> Reply:
    emails = list(dict.fromkeys(body.emails))

    async def effect(conn: Conn) -> Reply:
        row = await load_for_update(conn, account, intent_id)
        await events.emit(
            conn,
            event=events.SEND_RECEIPT,
            account_id=account.id,
            intent_id=row.id,
            status=row.status.value,
            capture_mode=row.capture_mode.value,
            sandbox=account.sandbox,
            now=ctx.clock(),
            data={"emails": emails},
        )
        return Reply(204, None)

    return await run(ctx, account.id, idem, effect)
