"""Paying through the gateway: card and wallet attempts, phase by phase, and how each ends.

The client session secret is the bearer token. An attempt is written ``pending`` under the
intent's row lock (it holds the token: a second submission answers 20) and committed; the
processor is asked outside any lock; its answer is recorded under the lock again
(``record_authorization``). An Auto capture mode payment then captures through the one capture
operation (``service.capture``); should that capture fail, the authorization is released through
the one reversal operation and the attempt fails (``settle_sale``).

Answers use Connect-E status codes (0 success, 3 3-D Secure, 4 referred, 5 declined, 20
duplicate, 30 failed, 400 invalid, 401 token used or expired, 404 unknown token). The card number
and CVV live only in the ``Card`` value of the request; attempts keep brand, masked number,
expiry and fingerprint.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from tender.domain.records import Attempt, Capture, Intent, Reversal
from tender.domain.rules import AUTHORIZATION_WINDOW, IntentState, decide
from tender.domain.status import (
    AttemptState,
    CaptureMode,
    MovementKind,
    MovementStatus,
    Operation,
    Status,
)
from tender.errors import StateConflict
from tender.ids import new_id
from tender.processor.cards import Card, CardInvalid
from tender.processor.protocol import Authorization, Movement, Outcome
from tender.processor.threeds import new_code
from tender.service import capture, card_store, limits, reverse
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.service.gateway_inputs import CardPayment, WalletPayment, problems_of
from tender.service.installation import fingerprint_of
from tender.service.intents import set_status
from tender.service.phases import call_processor, settle
from tender.storage import attempts as repo
from tender.storage import intents as intents_repo
from tender.storage.db import Conn

WALLET_EXPIRY_YEARS = 3
STATE_OF = {
    Outcome.APPROVED: AttemptState.SUCCEEDED,
    Outcome.DECLINED: AttemptState.DECLINED,
    Outcome.REFERRED: AttemptState.REFERRED,
    Outcome.ERROR: AttemptState.FAILED,
    Outcome.CHALLENGE: AttemptState.CHALLENGED,
}
EVENT_OF = {Outcome.DECLINED: "Declined", Outcome.REFERRED: "Declined", Outcome.ERROR: "Error"}
PENDING_MESSAGE = (
    "The acquirer has not answered yet; the outcome will be recorded on the payment intent "
    "shortly. Check it before paying again."
)
VOID = Authorization(Outcome.ERROR, "No answer from the acquirer; nothing was charged.")


@dataclass
class GatewayAnswer(Exception):
    """An answer that ends the call before any attempt is made (401, 404, 20, 400…)."""

    status_code: int
    message: str
    intent_id: str | None = None

    def body(self) -> dict[str, Any]:
        return answer(self.status_code, self.message, self.intent_id)


def answer(code: int, message: str, intent_id: str | None, **extra: Any) -> dict[str, Any]:
    body = {"statusCode": code, "message": message, "paymentIntentId": intent_id, **extra}
    return {k: v for k, v in body.items() if v is not None}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def step_up_url(ctx: Context, attempt_id: str) -> str:
    return f"{ctx.settings.base_url}/3ds/{attempt_id}"


def attempt_answer(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    """What the gateway says about an attempt (the same whenever it is asked again)."""
    if attempt.state is AttemptState.PENDING:
        return answer(30, PENDING_MESSAGE, attempt.intent_id)
    extra: dict[str, Any] = {"authCode": attempt.auth_code, "transactionId": attempt.transaction_id}
    if attempt.state is AttemptState.CHALLENGED:
        extra.update(stepUpUrl=step_up_url(ctx, attempt.id), md=attempt.id)
    return answer(attempt.status_code, attempt.message, attempt.intent_id, **extra)


def card_fields(attempt: Attempt) -> dict[str, Any]:
    """The masked card as a ``paymentEvents`` entry shows it."""
    return {
        "card_number": attempt.card_masked,
        "expiry_date": attempt.card_expiry,
        "card_type": attempt.card_brand,
        "cardholder_name": attempt.cardholder_name,
        "payment_method_id": attempt.payment_method_id,
    }


async def resolve_token(
    ctx: Context, conn: Conn, token: str
) -> tuple[Intent, list[Attempt], Attempt | None]:
    """The Created intent ``token`` may pay (row-locked), its open attempts, and the challenge
    in progress with this token, if any."""
    now = ctx.clock()
    intent = await intents_repo.get_intent_by_secret(conn, token, for_update=True)
    if intent is None:
        earlier = await repo.attempts_by_token(conn, hash_token(token)) if token else []
        if any(a.state is AttemptState.SUCCEEDED for a in earlier):
            raise GatewayAnswer(
                20, "Duplicate transaction: this payment has already been made.",
                earlier[0].intent_id,
            )  # fmt: skip
        if earlier:
            raise GatewayAnswer(
                401, "The access token has already been used; refresh the client session "
                "secret to try again.", earlier[0].intent_id,
            )  # fmt: skip
        raise GatewayAnswer(404, "No payment matches this access token.")
    if intent.status is not Status.CREATED:
        raise GatewayAnswer(
            401, f"The payment intent is {intent.status}; it cannot be paid.", intent.id
        )
    if intent.client_secret_expires_at is None or intent.client_secret_expires_at <= now:
        raise GatewayAnswer(
            401, "The access token has expired; refresh the client session secret.", intent.id
        )
    open_ = await repo.open_attempts(conn, intent.id)
    mine = [a for a in open_ if a.token_hash == hash_token(token)]
    if any(a.state is AttemptState.PENDING for a in mine):
        raise GatewayAnswer(
            20, "Duplicate transaction: this payment is already being processed.", intent.id
        )
    challenged = [a for a in mine if a.state is AttemptState.CHALLENGED]
    return intent, open_, (challenged[0] if challenged else None)


async def record_authorization(
    ctx: Context, conn: Conn, intent: Intent, attempt: Attempt, auth: Authorization
) -> tuple[Intent, Attempt, Capture | None]:
    """Phase 5 of an attempt, under the intent's lock: record the processor's answer on the
    attempt (written pending as ``attempt``; one no longer pending is left as it is) and move
    the intent. An approved Auto capture mode attempt begins its capture, which the caller then
    sends (``complete_sale``)."""
    attempt_id = attempt.id
    now = ctx.clock()
    account = await account_by_id(ctx, conn, intent.account_id)
    values: dict[str, Any] = {
        "state": STATE_OF[auth.outcome].value,
        "status_code": auth.outcome.status_code,
        "message": auth.message[:200],
        "auth_code": auth.auth_code,
        "transaction_id": auth.transaction_id,
        "processor_data": {**attempt.processor_data, **auth.processor_data},
        "otp_code": None,
        "completed_at": now,
    }
    if auth.three_ds:
        values["three_ds"] = auth.three_ds
    event_fields = {
        **card_fields(attempt),
        "transaction_id": auth.transaction_id,
        "auth_code": auth.auth_code,
        "message": auth.message[:200],
    }
    if auth.outcome is Outcome.CHALLENGE:  # the token stays held until the cardholder decides
        values.update(otp_code=new_code(), message="3-D Secure authentication required")
        values.pop("completed_at")
        if (settled := await repo.settle_attempt(conn, attempt_id, values)) is None:
            return intent, await _current(conn, attempt_id), None
        attempt = settled
        event_fields["message"] = "3-D Secure challenge sent to the cardholder"
        intent = await set_status(
            conn, account, intent, Status.CREATED, now,
            event_type="AuthChallenged", event_fields=event_fields,
        )  # fmt: skip
        return intent, attempt, None
    if auth.outcome is not Outcome.APPROVED:
        decide(Operation.DECLINE, IntentState.of(intent), now)
        if (settled := await repo.settle_attempt(conn, attempt_id, values)) is None:
            return intent, await _current(conn, attempt_id), None
        attempt = settled
        intent = await set_status(
            conn, account, intent, Status.CREATED, now,
            event_type=EVENT_OF[auth.outcome], event_fields=event_fields, client_secret=None,
        )  # fmt: skip
        return intent, attempt, None
    if intent.capture_mode is CaptureMode.MANUAL:
        new = decide(Operation.AUTHORIZE, IntentState.of(intent), now)
        horizon = intent.auto_expire_in_seconds
        values["release_at"] = now + (
            timedelta(seconds=horizon) if horizon else AUTHORIZATION_WINDOW
        )
        if (settled := await repo.settle_attempt(conn, attempt_id, values)) is None:
            return intent, await _current(conn, attempt_id), None
        attempt = settled
        await card_store.keep(ctx, conn, intent, attempt, auth)
        intent = await set_status(
            conn, account, intent, new, now, event_fields=event_fields, client_secret=None
        )
        return intent, attempt, None
    # Auto: authorized; now the capture, through the one capture operation.
    if (settled := await repo.settle_attempt(conn, attempt_id, values)) is None:
        return intent, await _current(conn, attempt_id), None
    attempt = settled
    await card_store.keep(ctx, conn, intent, attempt, auth)
    intent = await intents_repo.update_intent(
        conn, intent, dict(client_secret=None, updated_at=now)
    )
    pending = await capture.begin(
        ctx, conn, account, intent, IntentState.of(intent), amount=attempt.amount,
        reason="payment",
    )  # fmt: skip
    return intent, attempt, pending


async def settle_sale(
    ctx: Context,
    conn: Conn,
    intent: Intent,
    attempt_id: str,
    capture_id: str,
    answer: Movement | None,
) -> tuple[Intent, Attempt, Capture, Reversal | None]:
    """Phase 5 of an Auto payment's capture, under the intent's lock. A capture that did not
    succeed fails the attempt (the customer was not charged) and begins the release of its
    authorization, which the caller then sends."""
    account = await account_by_id(ctx, conn, intent.account_id)
    attempt = await repo.get_attempt(conn, attempt_id)
    assert attempt is not None
    fields = {
        **card_fields(attempt),
        "transaction_id": attempt.transaction_id,
        "auth_code": attempt.auth_code,
        "message": attempt.message,
    }
    intent, settled = await settle(
        ctx, conn, account, intent, MovementKind.CAPTURE, capture_id, answer,
        operation=Operation.AUTHORIZE_AND_CAPTURE, event_fields=fields, announce_failure=False,
    )  # fmt: skip
    assert isinstance(settled, Capture)
    sale = settled
    if sale.status in (MovementStatus.SUCCESSFUL, MovementStatus.PENDING):
        return intent, attempt, sale, None
    if attempt.state is not AttemptState.SUCCEEDED:  # already failed and released
        return intent, attempt, sale, None
    now = ctx.clock()
    declined = sale.status is MovementStatus.DECLINED
    attempt = await repo.update_attempt(
        conn,
        attempt_id,
        dict(
            state=(AttemptState.DECLINED if declined else AttemptState.FAILED).value,
            status_code=5 if declined else 30,
            message=f"The capture failed: {sale.message}"[:200],
            auth_code=None,
        ),
    )
    await intents_repo.add_payment_event(
        conn, intent.id, "Declined" if declined else "Error", now,
        **{**fields, "message": attempt.message, "auth_code": None},
    )  # fmt: skip
    release = await reverse.begin(
        ctx, conn, account, intent, IntentState.of(intent), reason="capture_failed",
        amount=attempt.amount,
    )  # fmt: skip
    return intent, attempt, sale, release


async def complete_sale(ctx: Context, intent_id: str, attempt: Attempt, sale: Capture) -> Attempt:
    """Send an Auto payment's capture (and, if it fails, the release), each outside any lock."""
    answer = await call_processor(
        ctx, sale.id, lambda: capture.send(ctx, attempt.processor_data, sale)
    )
    async with ctx.db.transaction() as conn:
        intent = await _lock(conn, intent_id)
        _, attempt, _, release = await settle_sale(ctx, conn, intent, attempt.id, sale.id, answer)
    if release is not None:
        await send_release(ctx, intent_id, release, attempt.processor_data)
    return attempt


async def send_release(
    ctx: Context, intent_id: str, release: Reversal, processor_data: dict[str, Any]
) -> None:
    answer = await call_processor(
        ctx, release.id, lambda: reverse.send(ctx, processor_data, release)
    )
    async with ctx.db.transaction() as conn:
        intent = await _lock(conn, intent_id)
        account = await account_by_id(ctx, conn, intent.account_id)
        await settle(
            ctx, conn, account, intent, MovementKind.REVERSAL, release.id, answer,
            operation=Operation.RELEASE_FAILED_SALE,
        )  # fmt: skip


async def _current(conn: Conn, attempt_id: str) -> Attempt:
    attempt = await repo.get_attempt(conn, attempt_id)
    assert attempt is not None
    return attempt


async def _lock(conn: Conn, intent_id: str) -> Intent:
    intent = await intents_repo.get_intent_any_account(conn, intent_id, for_update=True)
    assert intent is not None
    return intent


async def authorize_and_finish(
    ctx: Context, intent_id: str, attempt: Attempt, call: Callable[[], Any]
) -> Attempt:
    """Phases 4 and 5 of an attempt already written pending: ask, record, and for Auto
    capture mode capture (``complete_sale``)."""
    auth = await call_processor(ctx, attempt.id, call)
    if auth is None:
        return attempt  # still pending: the recovery job settles it
    async with ctx.db.transaction() as conn:
        intent = await _lock(conn, intent_id)
        intent, attempt, sale = await record_authorization(ctx, conn, intent, attempt, auth)
    if sale is not None:
        attempt = await complete_sale(ctx, intent_id, attempt, sale)
    return attempt


def _merged_details(intent: Intent, body: CardPayment | WalletPayment) -> dict[str, Any]:
    details = dict(intent.details)
    meta = getattr(body, "meta_data", None)
    if meta:
        details["metadata"] = {**(details.get("metadata") or {}), **meta}
    if body.billing_address is not None:
        details["billingAddress"] = body.billing_address
    if body.shipping_details is not None:
        details["shippingDetails"] = body.shipping_details
    if body.user_email_address:
        customer = dict(details.get("customer") or {})
        customer.setdefault("emailAddress", body.user_email_address)
        details["customer"] = customer
    return details


async def _attempt(
    ctx: Context,
    token: str,
    body: CardPayment | WalletPayment,
    card_of: Callable[[datetime], Card],
    wallet: str | None,
    client: str | None,
) -> dict[str, Any]:
    """An attempt behind the card-testing defence (``service.limits``): refused when its intent,
    account or client address has had too many declines, counted when it is declined."""
    async with ctx.db.transaction(write=False) as conn:
        payable = await intents_repo.get_intent_by_secret(conn, token) if token else None
    guarded = payable is not None and limits.enabled(ctx)
    target = limits.Target(payable.id, payable.account_id) if payable else None
    if guarded and target is not None:
        await limits.refuse_card_testing(ctx, target, client)
    result = await _pay(ctx, token, body, card_of, wallet, slow_checks=payable is not None)
    if guarded and target is not None and result.get("statusCode") in limits.DECLINED:
        await limits.card_declined(ctx, target, client)
    return result


async def _pay(
    ctx: Context,
    token: str,
    body: CardPayment | WalletPayment,
    card_of: Callable[[datetime], Card],
    wallet: str | None,
    *,
    slow_checks: bool,
) -> dict[str, Any]:
    now = ctx.clock()
    try:  # phase 1: all of the input, before any lock (the fingerprint is slow)
        card: Card | None = card_of(now)
        invalid: CardInvalid | None = None
    except CardInvalid as exc:
        card, invalid = None, exc
    # An unknown or spent token gets its answer without the ~30 ms fingerprint.
    fingerprint = await fingerprint_of(ctx, card) if card is not None and slow_checks else None
    try:
        async with ctx.db.transaction() as conn:
            intent, open_, challenged = await resolve_token(ctx, conn, token)
            if challenged is not None:  # the token is held by the challenge in progress
                return attempt_answer(ctx, challenged)
            if card is None or fingerprint is None:
                assert invalid is not None, "a payable intent was found only now"
                return answer(400, invalid.message, intent.id)
            pending = any(a.state is AttemptState.PENDING for a in open_)
            state = replace(IntentState.of(intent), pending_attempt=pending)
            try:
                decide(Operation.PAY, state, now)
            except StateConflict:  # another token's attempt is at the processor
                raise GatewayAnswer(
                    20, "Duplicate transaction: a payment is already being processed.", intent.id
                ) from None
            account = await account_by_id(ctx, conn, intent.account_id)
            attempt = await repo.insert_attempt(
                conn,
                dict(
                    id=new_id("att", sandbox=account.sandbox), intent_id=intent.id,
                    token_hash=hash_token(token), method=wallet or "Card",
                    state=AttemptState.PENDING.value, status_code=30,
                    message="Waiting for the acquirer", amount=intent.total_amount,
                    card_brand=card.brand, card_masked=card.masked, card_last4=card.last4,
                    card_expiry=card.expiry, cardholder_name=card.holder,
                    fingerprint=fingerprint,
                    processor_data={}, created_at=now,
                    save_card=wallet is None and card_store.may_save(
                        intent, getattr(body, "save_payment_method", None)
                    ),
                ),
            )  # fmt: skip
            details = _merged_details(intent, body)
            if details != intent.details:
                intent = await intents_repo.update_intent(
                    conn, intent, dict(details=details, updated_at=now)
                )
    except GatewayAnswer as exc:
        return exc.body()
    sale = intent.capture_mode is CaptureMode.AUTO

    def call() -> Any:
        assert card is not None
        return ctx.processor.authorize(
            card, attempt.amount, intent.currency, reference=attempt.id, wallet=wallet, sale=sale,
            store=attempt.save_card,
        )  # fmt: skip

    return attempt_answer(ctx, await authorize_and_finish(ctx, intent.id, attempt, call))


async def pay_card(ctx: Context, token: str, raw: Any, client: str | None = None) -> dict[str, Any]:
    """``POST /api/payments/{token}``."""
    try:
        body = CardPayment.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        return answer(400, problems_of(exc), None)

    def card_of(now: datetime) -> Card:
        return Card.parse(body.card_number, body.expiry_date, body.cv2, now, body.card_name)

    return await _attempt(ctx, token, body, card_of, None, client)


async def pay_wallet(
    ctx: Context, token: str, wallet: str, raw: Any, client: str | None = None
) -> dict[str, Any]:
    """``POST /api/payments/{token}/google-pay`` and ``/apple-pay``: a simulated wallet whose
    device already authenticated the cardholder (no 3-D Secure)."""
    try:
        body = WalletPayment.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        return answer(400, problems_of(exc), None)

    def card_of(now: datetime) -> Card:
        expiry = f"{now.month:02d}/{(now.year + WALLET_EXPIRY_YEARS) % 100:02d}"
        return Card.parse(body.card_number, expiry, None, now, require_cvv=False)

    return await _attempt(ctx, token, body, card_of, wallet, client)
