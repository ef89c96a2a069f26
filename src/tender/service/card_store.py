"""Keeping a card the customer agreed to save (``savePaymentMethod``), from the approval that
stored it with the processor. ``service.pay`` calls these; paying with a saved card is
``service.saved_cards``.

A card payment with ``savePaymentMethod: true``, on an intent created for a customer with
``SavedCard`` among its ``paymentMethods``, asks the processor to store the card
(``authorize(..., store=True)``). When the authorization is approved (at once or after the 3-D
Secure challenge) ``keep`` records the processor's token and note, brand, masked number, expiry
and fingerprint as a payment method ``pm_…`` of that customer, in the transaction that records
the approval. The same card saved again replaces its token instead of adding a second entry.
"""

from typing import Any

from tender.domain.customers import PaymentMethod
from tender.domain.records import Attempt, Intent
from tender.ids import new_id
from tender.processor.protocol import Authorization
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.storage import customers as repo
from tender.storage.db import Conn

SAVED_CARD = "SavedCard"


def may_save(intent: Intent, consent: bool | None) -> bool:
    """Whether a card payment on ``intent`` may store the card: the customer agreed, the intent
    names a customer, and its ``paymentMethods`` offer saved cards."""
    methods = intent.details.get("paymentMethods") or []
    return bool(consent) and intent.customer_id is not None and SAVED_CARD in methods


def is_saved_card_payment(raw: Any) -> bool:
    """A gateway body naming a saved card (``paymentMethodId``, any letter case)."""
    return isinstance(raw, dict) and any(str(k).lower() == "paymentmethodid" for k in raw)


async def keep(
    ctx: Context, conn: Conn, intent: Intent, attempt: Attempt, auth: Authorization
) -> PaymentMethod | None:
    """Record the card of an approved authorization of an attempt the customer agreed to save
    (``save_card``), under the intent's lock, in the transaction that records the approval. An
    intent without a live customer keeps nothing; the same card saved again gets the new token."""
    if not attempt.save_card or auth.token is None or intent.customer_id is None:
        return None
    found = await repo.get_customers(conn, intent.account_id, [intent.customer_id])
    if not found or attempt.card_masked is None:
        return None
    now = ctx.clock()
    card = dict(
        card_brand=attempt.card_brand or "UNKNOWN", card_masked=attempt.card_masked,
        card_last4=attempt.card_last4 or attempt.card_masked[-4:],
        card_expiry=attempt.card_expiry or "", processor_token=auth.token,
        processor_data={**attempt.processor_data, **auth.processor_data}, attempt_id=attempt.id,
    )  # fmt: skip
    if attempt.fingerprint is not None:
        same = await repo.method_by_fingerprint(conn, intent.customer_id, attempt.fingerprint)
        if same is not None:
            if same.processor_token == auth.token:
                return same
            return await repo.update_method(conn, same.id, dict(card, expired_at=None))
    account = await account_by_id(ctx, conn, intent.account_id)
    return await repo.insert_method(
        conn,
        dict(
            card, id=new_id("pm", sandbox=account.sandbox), account_id=intent.account_id,
            customer_id=intent.customer_id, fingerprint=attempt.fingerprint, created_at=now,
            expired_at=None, deleted_at=None,
        ),
    )  # fmt: skip
