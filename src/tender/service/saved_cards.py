"""Paying an intent with a saved card through the gateway: ``{"paymentMethodId": "pm_…",
"cV2": "…"}`` in place of the card fields (saving one is ``service.card_store``).

``pay_saved`` follows the phases of an attempt (``service.phases``): the saved card must
belong to the intent's customer and must not have expired (an expired one is marked and
refused); the attempt is written pending under the intent's lock and committed; the processor is
asked ``authorize_token(..., merchant_initiated=False, cvv=…)`` outside any lock (a card that
challenges still challenges); its answer is recorded as a card payment's is.
"""

from dataclasses import replace
from typing import Annotated, Any

from pydantic import Field, ValidationError

from tender.domain.customers import PaymentMethod
from tender.domain.records import Attempt, Intent
from tender.domain.rules import IntentState, decide
from tender.domain.status import AttemptState, CaptureMode, Operation
from tender.errors import StateConflict
from tender.ids import new_id
from tender.service import card_store, customers, limits
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.service.gateway_inputs import GatewayModel, Str, problems_of
from tender.service.pay import (
    GatewayAnswer,
    answer,
    attempt_answer,
    authorize_and_finish,
    hash_token,
    resolve_token,
)
from tender.storage import attempts as attempts_repo
from tender.storage import customers as repo
from tender.storage import intents as intents_repo
from tender.storage.db import Conn


class SavedCardPayment(GatewayModel):
    payment_method_id: Annotated[str, Field(strict=True, max_length=100)] = Field(
        alias="paymentMethodId"
    )
    cv2: Str | None = Field(default=None, alias="cV2")


async def _usable(ctx: Context, conn: Conn, intent: Intent, method_id: str) -> PaymentMethod:
    """The saved card, if it belongs to the intent's customer and has not expired."""
    method = await repo.get_method(conn, method_id)
    if (
        method is None
        or intent.customer_id is None
        or method.customer_id != intent.customer_id
        or method.account_id != intent.account_id
    ):
        raise GatewayAnswer(404, "No saved payment method matches this payment.", intent.id)
    now = ctx.clock()
    if method.expired_at is None and method.expires_before(now):
        await repo.update_method(conn, method.id, dict(expired_at=now))  # kept: see _begin
    if method.expired_at is not None or method.expires_before(now):
        raise GatewayAnswer(5, "Declined: the saved card has expired.", intent.id)
    return method


async def _begin(
    ctx: Context, token: str, body: SavedCardPayment
) -> tuple[Intent, Attempt, PaymentMethod] | dict[str, Any]:
    """Phases 1-3: the intent, the saved card, and the attempt written pending (committed)."""
    expired: GatewayAnswer | None = None
    async with ctx.db.transaction() as conn:
        intent, open_, challenged = await resolve_token(ctx, conn, token)
        if challenged is not None:
            return attempt_answer(ctx, challenged)
        try:
            method = await _usable(ctx, conn, intent, body.payment_method_id)
        except GatewayAnswer as exc:
            if exc.status_code != 5:
                raise
            expired = exc  # commit the card's expired mark, then answer
        if expired is None:
            pending = any(a.state is AttemptState.PENDING for a in open_)
            state = replace(IntentState.of(intent), pending_attempt=pending)
            try:
                decide(Operation.PAY, state, ctx.clock())
            except StateConflict:
                raise GatewayAnswer(
                    20, "Duplicate transaction: a payment is already being processed.", intent.id
                ) from None
            account = await account_by_id(ctx, conn, intent.account_id)
            attempt = await attempts_repo.insert_attempt(
                conn,
                dict(
                    id=new_id("att", sandbox=account.sandbox), intent_id=intent.id,
                    token_hash=hash_token(token), method="Card",
                    state=AttemptState.PENDING.value, status_code=30,
                    message="Waiting for the acquirer", amount=intent.total_amount,
                    card_brand=method.card_brand, card_masked=method.card_masked,
                    card_last4=method.card_last4, card_expiry=method.card_expiry,
                    fingerprint=method.fingerprint, processor_data={}, payment_method_id=method.id,
                    created_at=ctx.clock(),
                ),
            )  # fmt: skip
    if expired is not None:
        return expired.body()
    return intent, attempt, method


async def pay_saved(
    ctx: Context, token: str, raw: Any, client: str | None = None
) -> dict[str, Any]:
    """``POST /api/payments/{token}`` (and ``/api/payments/recurring/{token}``) with a saved
    card, behind the card-testing defence like every card payment."""
    try:
        body = SavedCardPayment.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        return answer(400, problems_of(exc), None)
    if body.cv2 is not None and not (body.cv2.isdigit() and 3 <= len(body.cv2) <= 4):
        return answer(400, "Invalid request: check CV2.", None)
    async with ctx.db.transaction(write=False) as conn:
        payable = await intents_repo.get_intent_by_secret(conn, token) if token else None
    target = limits.Target(payable.id, payable.account_id) if payable else None
    if target is not None and limits.enabled(ctx):
        await limits.refuse_card_testing(ctx, target, client)
    try:
        begun = await _begin(ctx, token, body)
    except GatewayAnswer as exc:
        return exc.body()
    if isinstance(begun, dict):
        result = begun
    else:
        intent, attempt, method = begun
        sale = intent.capture_mode is CaptureMode.AUTO

        def call() -> Any:
            return ctx.processor.authorize_token(
                method.processor_token, method.processor_data, attempt.amount, intent.currency,
                reference=attempt.id, merchant_initiated=False, cvv=body.cv2, sale=sale,
            )  # fmt: skip

        result = attempt_answer(ctx, await authorize_and_finish(ctx, intent.id, attempt, call))
    if target is not None and limits.enabled(ctx) and result.get("statusCode") in limits.DECLINED:
        await limits.card_declined(ctx, target, client)
    return result


async def options(ctx: Context, token: str) -> dict[str, Any]:
    """What the browser library offers for the intent ``token`` pays: the "Save this card"
    checkbox (``offerSave``) and the intent's customer's saved cards that can still pay.
    Nothing for an unknown, used or expired token."""
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.get_intent_by_secret(conn, token) if token else None
        expires = intent.client_secret_expires_at if intent else None
        if intent is None or expires is None or expires <= ctx.clock():
            return {"offerSave": False, "savedPaymentMethods": []}
        offered = card_store.SAVED_CARD in (intent.details.get("paymentMethods") or [])
        if not offered or intent.customer_id is None:
            return {"offerSave": False, "savedPaymentMethods": []}
        found = await repo.get_customers(conn, intent.account_id, [intent.customer_id])
        if not found:
            return {"offerSave": False, "savedPaymentMethods": []}
        methods = await customers.usable_methods(ctx, conn, intent.customer_id)
    return {"offerSave": True, "savedPaymentMethods": [customers.method_view(m) for m in methods]}
