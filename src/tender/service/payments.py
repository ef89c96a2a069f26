"""Payment attempts through the gateway: card and wallet payments, and how each one ends.

The client session secret is the bearer token. Each call runs in one transaction holding the
intent's row lock, so two submissions with one token can never both pay. Answers use Connect-E
status codes (0 success, 3 3-D Secure, 4 referred, 5 declined, 20 duplicate, 30 failed,
400 invalid, 401 token used or expired, 404 unknown token). The card number and CVV live only in
the ``Card`` value of the request; attempts keep brand, masked number, expiry and fingerprint.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.domain.rules import AUTHORIZATION_WINDOW, decide
from tender.domain.status import CaptureMode, Operation, Status
from tender.ids import new_id
from tender.processor.cards import Card, CardInvalid
from tender.processor.protocol import Authorization, Outcome
from tender.processor.threeds import new_code
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.gateway_inputs import CardPayment, WalletPayment, problems_of
from tender.service.installation import fingerprint_of
from tender.service.intents import set_status as _set_status
from tender.service.intents import state_of
from tender.service.views import total_amount
from tender.storage import accounts as accounts_repo
from tender.storage import intents as intents_repo
from tender.storage import payments as repo

WALLET_EXPIRY_YEARS = 3
_STATE_OF = {
    Outcome.APPROVED: "succeeded",
    Outcome.DECLINED: "declined",
    Outcome.REFERRED: "referred",
    Outcome.ERROR: "failed",
    Outcome.CHALLENGE: "challenged",
}
_EVENT_OF = {Outcome.DECLINED: "Declined", Outcome.REFERRED: "Declined", Outcome.ERROR: "Error"}


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


def attempt_answer(ctx: Context, attempt: Row) -> dict[str, Any]:
    """What the gateway says about an attempt (the same whenever it is asked again)."""
    extra: dict[str, Any] = {"authCode": attempt.auth_code, "transactionId": attempt.transaction_id}
    if attempt.state == repo.CHALLENGED:
        extra.update(stepUpUrl=step_up_url(ctx, attempt.id), md=attempt.id)
    return answer(attempt.status_code, attempt.message, attempt.intent_id, **extra)


async def account_of(conn: AsyncConnection, row: Row) -> Account:
    account = await accounts_repo.get_account(conn, row.account_id)
    assert account is not None
    return Account.from_row(account)


async def resolve_token(ctx: Context, conn: AsyncConnection, token: str) -> tuple[Row, Row | None]:
    """The Created intent ``token`` may pay (row-locked) and its pending challenge, if any."""
    now = ctx.clock()
    row = await intents_repo.get_intent_by_secret(conn, token, for_update=True) if token else None
    if row is None:
        earlier = await repo.attempts_by_token(conn, hash_token(token)) if token else []
        if any(a.state == repo.SUCCEEDED for a in earlier):
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
    if row.status != Status.CREATED:
        raise GatewayAnswer(401, f"The payment intent is {row.status}; it cannot be paid.", row.id)
    if row.client_secret_expires_at is None or row.client_secret_expires_at <= now:
        raise GatewayAnswer(
            401, "The access token has expired; refresh the client session secret.", row.id
        )
    pending = [
        a for a in await repo.attempts_by_token(conn, hash_token(token))
        if a.state == repo.CHALLENGED
    ]  # fmt: skip
    return row, (pending[0] if pending else None)


async def finish(
    ctx: Context,
    conn: AsyncConnection,
    row: Row,
    attempt_id: str,
    auth: Authorization,
    *,
    intent_values: dict[str, Any] | None = None,
) -> Row:
    """Record how an attempt ended and move the intent; returns the updated attempt row."""
    now = ctx.clock()
    account = await account_of(conn, row)
    mode = CaptureMode(row.capture_mode)
    attempt = await repo.get_attempt(conn, attempt_id)
    assert attempt is not None
    values: dict[str, Any] = {
        "state": _STATE_OF[auth.outcome],
        "status_code": auth.outcome.status_code,
        "message": auth.message,
        "auth_code": auth.auth_code,
        "transaction_id": auth.transaction_id,
        "processor_data": {**attempt.processor_data, **auth.processor_data},
        "otp_code": None,
        "completed_at": now,
    }
    if auth.three_ds:
        values["three_ds"] = auth.three_ds
    event_fields = {
        "transaction_id": auth.transaction_id,
        "auth_code": auth.auth_code,
        "card_number": attempt.card_masked,
        "expiry_date": attempt.card_expiry,
        "card_type": attempt.card_brand,
        "cardholder_name": attempt.cardholder_name,
        "message": auth.message,
    }
    changes: dict[str, Any] = {"client_secret": None, **(intent_values or {})}
    if auth.outcome is Outcome.APPROVED:
        manual = mode is CaptureMode.MANUAL
        op = Operation.AUTHORIZE if manual else Operation.AUTHORIZE_AND_CAPTURE
        new = decide(op, state_of(row), now)
        if manual:
            horizon = row.auto_expire_in_seconds
            span = timedelta(seconds=horizon) if horizon else AUTHORIZATION_WINDOW
            values["release_at"] = now + span
        await repo.update_attempt(conn, attempt_id, values)
        if not manual:  # Auto: the authorization is captured in the same step
            await repo.insert_capture(
                conn, id=new_id("cp", sandbox=account.sandbox), intent_id=row.id,
                amount=attempt.amount, tips_amount=0, status="Successful",
                message="Captured with the authorization", transaction_id=auth.transaction_id,
                created_at=now,
            )  # fmt: skip
        await _set_status(conn, account, row, new, now, event_fields=event_fields, **changes)
    else:
        decide(Operation.DECLINE, state_of(row), now)
        await repo.update_attempt(conn, attempt_id, values)
        await _set_status(
            conn, account, row, Status.CREATED, now,
            event_type=_EVENT_OF[auth.outcome], event_fields=event_fields, **changes,
        )  # fmt: skip
    updated = await repo.get_attempt(conn, attempt_id)
    assert updated is not None
    return updated


def _merged_details(row: Row, body: CardPayment | WalletPayment) -> dict[str, Any]:
    details = dict(row.details)
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
    ctx: Context, token: str, body: CardPayment | WalletPayment, card_of: Any, wallet: str | None
) -> dict[str, Any]:
    try:
        async with ctx.db.transaction() as conn:
            row, pending = await resolve_token(ctx, conn, token)
            if pending is not None:  # the token is held by the challenge in progress
                return attempt_answer(ctx, pending)
            now = ctx.clock()
            try:
                card: Card = card_of(now)
            except CardInvalid as exc:
                return answer(400, exc.message, row.id)
            decide(Operation.PAY, state_of(row), now)
            account = await account_of(conn, row)
            amount = total_amount(row)
            auth = await ctx.processor.authorize(card, amount, row.currency, wallet=wallet)
            attempt_id = new_id("att", sandbox=account.sandbox)
            await repo.insert_attempt(
                conn,
                dict(
                    id=attempt_id, intent_id=row.id, token_hash=hash_token(token),
                    method=wallet or "Card", state="started", status_code=3,
                    message=auth.message, amount=amount, card_brand=card.brand,
                    card_masked=card.masked, card_last4=card.last4, card_expiry=card.expiry,
                    cardholder_name=card.holder,
                    fingerprint=await fingerprint_of(ctx, card),
                    processor_data=auth.processor_data, created_at=now,
                ),
            )  # fmt: skip
            details = _merged_details(row, body)
            if auth.outcome is Outcome.CHALLENGE:
                return await _challenge(ctx, conn, row, attempt_id, auth, details)
            attempt = await finish(ctx, conn, row, attempt_id, auth, intent_values={
                "details": details})  # fmt: skip
            return attempt_answer(ctx, attempt)
    except GatewayAnswer as exc:
        return exc.body()


async def _challenge(
    ctx: Context, conn: AsyncConnection, row: Row, attempt_id: str, auth: Authorization,
    details: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """Hold the token for the issuer's challenge; the intent stays Created."""
    now = ctx.clock()
    await repo.update_attempt(
        conn, attempt_id,
        dict(state=repo.CHALLENGED, status_code=3, three_ds="challenge", otp_code=new_code(),
             transaction_id=auth.transaction_id, message="3-D Secure authentication required"),
    )  # fmt: skip
    attempt = await repo.get_attempt(conn, attempt_id)
    assert attempt is not None
    await _set_status(
        conn, await account_of(conn, row), row, Status.CREATED, now,
        event_type="AuthChallenged", details=details,
        event_fields={"transaction_id": auth.transaction_id, "card_number": attempt.card_masked,
                      "expiry_date": attempt.card_expiry, "card_type": attempt.card_brand,
                      "cardholder_name": attempt.cardholder_name,
                      "message": "3-D Secure challenge sent to the cardholder"},
    )  # fmt: skip
    return attempt_answer(ctx, attempt)


async def pay_card(ctx: Context, token: str, raw: Any) -> dict[str, Any]:
    """``POST /api/payments/{token}``."""
    try:
        body = CardPayment.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        return answer(400, problems_of(exc), None)

    def card_of(now: datetime) -> Card:
        return Card.parse(body.card_number, body.expiry_date, body.cv2, now, body.card_name)

    return await _attempt(ctx, token, body, card_of, None)


async def pay_wallet(ctx: Context, token: str, wallet: str, raw: Any) -> dict[str, Any]:
    """``POST /api/payments/{token}/google-pay`` and ``/apple-pay``: a simulated wallet whose
    device already authenticated the cardholder (no 3-D Secure)."""
    try:
        body = WalletPayment.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        return answer(400, problems_of(exc), None)

    def card_of(now: datetime) -> Card:
        expiry = f"{now.month:02d}/{(now.year + WALLET_EXPIRY_YEARS) % 100:02d}"
        return Card.parse(body.card_number, expiry, None, now, require_cvv=False)

    return await _attempt(ctx, token, body, card_of, wallet)
