"""The customer authorizes a card on a setup intent through the gateway calls a payment uses
(``POST /api/payments/{token}``, the wallets, 3-D Secure), phase by phase as ``service.pay``
does: the attempt is written ``pending`` under the setup intent's row lock and committed, the
processor verifies the card outside any lock (amount 0, ``store=True``: nothing is charged now),
and its answer is recorded under the lock again. An approval keeps the acquirer's token, its
``processor_data`` and the card's masked form on the setup intent, which becomes Authorized.

Answers are Connect-E shaped like a payment's, naming ``setupIntentId``.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from tender.domain.money import format_amount
from tender.domain.records import Attempt
from tender.domain.setup import SetupIntent, SetupOperation, SetupStatus, card_expires_at
from tender.domain.status import AttemptState
from tender.errors import NotFound
from tender.ids import new_id
from tender.processor.cards import Card, CardInvalid
from tender.processor.protocol import Authorization, Outcome
from tender.processor.threeds import code_matches, new_code
from tender.service import limits
from tender.service.accounts import account_by_id
from tender.service.context import Context
from tender.service.gateway_inputs import CardPayment, WalletPayment, problems_of
from tender.service.installation import fingerprint_of
from tender.service.pay import (
    EVENT_OF,
    STATE_OF,
    WALLET_EXPIRY_YEARS,
    GatewayAnswer,
    attempt_answer,
    card_fields,
    hash_token,
)
from tender.service.phases import call_processor
from tender.service.setup_intents import decide, set_setup_status
from tender.service.threeds import Challenge, WrongCode
from tender.storage import setup_intents as repo
from tender.storage.db import Conn

ATTEMPT_PREFIX = "satt"  # a setup attempt's id; the 3-D Secure pages dispatch on it
DEFAULT_CURRENCY = "GBP"  # a zero-amount verification when no intendedAmount was given


def is_setup_attempt(attempt_id: str | None) -> bool:
    return bool(attempt_id) and str(attempt_id).startswith(ATTEMPT_PREFIX + "_")


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    """A payment's gateway answer, naming the setup intent instead of a payment intent."""
    body = dict(body)
    if "paymentIntentId" in body:
        body["setupIntentId"] = body.pop("paymentIntentId")
    return body


def setup_answer(ctx: Context, attempt: Attempt) -> dict[str, Any]:
    return _answer(attempt_answer(ctx, attempt))


async def _resolve(
    ctx: Context, conn: Conn, token: str
) -> tuple[SetupIntent, list[Attempt], Attempt | None]:
    """The Created setup intent ``token`` may authorize (row-locked), its open attempts, and
    the challenge in progress with this token, if any."""
    now = ctx.clock()
    setup = await repo.get_setup_by_secret(conn, token, for_update=True)
    if setup is None:
        earlier = await repo.attempts_by_token(conn, hash_token(token)) if token else []
        if any(a.state is AttemptState.SUCCEEDED for a in earlier):
            raise GatewayAnswer(
                20, "Duplicate transaction: this card has already been saved.", earlier[0].intent_id
            )
        if earlier:
            raise GatewayAnswer(
                401, "The access token has been used; refresh the client session secret.",
                earlier[0].intent_id,
            )  # fmt: skip
        raise GatewayAnswer(404, "No payment matches this access token.")
    if setup.status is not SetupStatus.CREATED:
        raise GatewayAnswer(401, f"The setup intent is {setup.status}; it cannot be authorized.")
    if setup.client_secret_expires_at is None or setup.client_secret_expires_at <= now:
        raise GatewayAnswer(
            401, "The access token has expired; refresh the client session secret.", setup.id
        )
    open_ = await repo.open_attempts(conn, setup.id)
    if any(a.state is AttemptState.PENDING for a in open_):
        raise GatewayAnswer(
            20, "Duplicate transaction: this card is already being saved.", setup.id
        )
    mine = [a for a in open_ if a.token_hash == hash_token(token)]
    return setup, open_, (mine[0] if mine else None)


async def record(ctx: Context, setup_id: str, attempt: Attempt, auth: Authorization) -> Attempt:
    """Phase 5, under the setup intent's lock: the answer on the (pending) attempt, and the
    setup intent Authorized with the card's token, or left Created (its secret spent)."""
    now = ctx.clock()
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
    fields = {**card_fields(attempt), "transaction_id": auth.transaction_id,
              "auth_code": auth.auth_code, "message": auth.message[:200]}  # fmt: skip
    async with ctx.db.transaction() as conn:
        setup = await repo.get_setup_any_account(conn, setup_id, for_update=True)
        assert setup is not None
        account = await account_by_id(ctx, conn, setup.account_id)
        if auth.outcome is Outcome.CHALLENGE:
            values.update(otp_code=new_code(), message="3-D Secure authentication required")
            values.pop("completed_at")
            fields["message"] = "3-D Secure challenge sent to the cardholder"
        settled = await repo.settle_attempt(conn, attempt.id, values)
        if settled is None:  # settled meanwhile (recovery): left as it is
            current = await repo.get_attempt(conn, attempt.id)
            assert current is not None
            return current
        if auth.outcome is Outcome.CHALLENGE:
            await repo.add_setup_event(conn, setup.id, "AuthChallenged", now, **fields)
        elif auth.outcome is not Outcome.APPROVED or not auth.token:
            event = EVENT_OF.get(auth.outcome, "Error")
            await set_setup_status(
                conn, account, setup, setup.status, now, event_type=event,
                event_fields=fields, client_secret=None,
            )  # fmt: skip
        else:
            await set_setup_status(
                conn, account, setup, decide(SetupOperation.AUTHORIZE, setup), now,
                event_fields=fields, client_secret=None, card_token=auth.token,
                processor_data=values["processor_data"], card_brand=settled.card_brand,
                card_masked=settled.card_masked, card_last4=settled.card_last4,
                card_expiry=settled.card_expiry,
                card_expires_at=card_expires_at(settled.card_expiry),
                cardholder_name=settled.cardholder_name,
                fingerprint=settled.fingerprint, attempt_id=settled.id, authorized_at=now,
            )  # fmt: skip
        return settled


async def ask_and_record(
    ctx: Context, setup_id: str, attempt: Attempt, call: Callable[[], Awaitable[Authorization]]
) -> Attempt:
    """Phases 4 and 5 of an attempt already written pending."""
    auth = await call_processor(ctx, attempt.id, call)
    if auth is None:
        return attempt  # still pending: the recovery job settles it
    return await record(ctx, setup_id, attempt, auth)


async def _begin(
    ctx: Context, token: str, card: Card | None, invalid: CardInvalid | None,
    fingerprint: str | None, wallet: str | None,
) -> tuple[SetupIntent, Attempt] | dict[str, Any]:  # fmt: skip
    """Phases 2–3: the attempt written pending (or the answer that ends the call)."""
    try:
        async with ctx.db.transaction() as conn:
            setup, _, challenged = await _resolve(ctx, conn, token)
            if challenged is not None:
                return setup_answer(ctx, challenged)
            if card is None or fingerprint is None:
                assert invalid is not None
                return _answer({"statusCode": 400, "message": invalid.message,
                                "paymentIntentId": setup.id})  # fmt: skip
            account = await account_by_id(ctx, conn, setup.account_id)
            attempt = await repo.insert_attempt(
                conn,
                dict(
                    id=new_id(ATTEMPT_PREFIX, sandbox=account.sandbox), intent_id=setup.id,
                    token_hash=hash_token(token), method=wallet or "Card",
                    state=AttemptState.PENDING.value, status_code=30,
                    message="Waiting for the acquirer", amount=0, card_brand=card.brand,
                    card_masked=card.masked, card_last4=card.last4, card_expiry=card.expiry,
                    cardholder_name=card.holder, fingerprint=fingerprint, processor_data={},
                    created_at=ctx.clock(),
                ),
            )  # fmt: skip
            return setup, attempt
    except GatewayAnswer as exc:
        return _answer(exc.body())


async def _authorize(
    ctx: Context,
    token: str,
    card_of: Callable[[datetime], Card],
    wallet: str | None,
    client: str | None,
) -> dict[str, Any]:
    try:  # phase 1: all of the input, before any lock
        card: Card | None = card_of(ctx.clock())
        invalid: CardInvalid | None = None
    except CardInvalid as exc:
        card, invalid = None, exc
    async with ctx.db.transaction(write=False) as conn:
        found = await repo.get_setup_by_secret(conn, token) if token else None
    target = limits.Target(found.id, found.account_id) if found else None
    guarded = target is not None and limits.enabled(ctx)
    if guarded and target is not None:
        await limits.refuse_card_testing(ctx, target, client)
    fingerprint = await fingerprint_of(ctx, card) if card is not None and found else None
    begun = await _begin(ctx, token, card, invalid, fingerprint, wallet)
    if isinstance(begun, dict):
        return begun
    setup, attempt = begun

    def call() -> Awaitable[Authorization]:
        assert card is not None
        currency = setup.currency or DEFAULT_CURRENCY
        return ctx.processor.authorize(
            card, 0, currency, reference=attempt.id, wallet=wallet, store=True
        )

    result = setup_answer(ctx, await ask_and_record(ctx, setup.id, attempt, call))
    if guarded and target is not None and result.get("statusCode") in limits.DECLINED:
        await limits.card_declined(ctx, target, client)
    return result


async def pay_card(ctx: Context, token: str, raw: Any, client: str | None = None) -> dict[str, Any]:
    """``POST /api/payments/{token}`` with a setup intent's secret."""
    try:
        body = CardPayment.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        return {"statusCode": 400, "message": problems_of(exc)}

    def card_of(now: datetime) -> Card:
        return Card.parse(body.card_number, body.expiry_date, body.cv2, now, body.card_name)

    return await _authorize(ctx, token, card_of, None, client)


async def pay_wallet(
    ctx: Context, token: str, wallet: str, raw: Any, client: str | None = None
) -> dict[str, Any]:
    """The simulated wallets with a setup intent's secret (no 3-D Secure)."""
    try:
        body = WalletPayment.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        return {"statusCode": 400, "message": problems_of(exc)}

    def card_of(now: datetime) -> Card:
        expiry = f"{now.month:02d}/{(now.year + WALLET_EXPIRY_YEARS) % 100:02d}"
        return Card.parse(body.card_number, expiry, None, now, require_cvv=False)

    return await _authorize(ctx, token, card_of, wallet, client)


# --- 3-D Secure -------------------------------------------------------------------------------


async def challenge(ctx: Context, attempt_id: str, error: str | None = None) -> Challenge:
    """What the sandbox issuer's page shows for a setup attempt: nothing is charged now."""
    async with ctx.db.transaction(write=False) as conn:
        attempt = await repo.get_attempt(conn, attempt_id)
        if attempt is None or attempt.three_ds != "challenge":
            raise NotFound(f"No 3-D Secure challenge with id {attempt_id}.")
        setup = await repo.get_setup_any_account(conn, attempt.intent_id)
        assert setup is not None
        account = await account_by_id(ctx, conn, setup.account_id)
        merchant = (setup.details.get("config") or {}).get("tradingName") or account.name
        pending = attempt.state is AttemptState.CHALLENGED
        amount = format_amount(0, setup.currency or DEFAULT_CURRENCY)
        return Challenge(
            attempt_id=attempt.id,
            merchant=merchant,
            amount=f"{amount} (card saved for later payments)",
            card=f"{attempt.card_brand} •••• {attempt.card_last4}",
            code=attempt.otp_code if pending else None,
            result=None if pending else setup_answer(ctx, attempt),
            error=error,
        )


async def decide_challenge(
    ctx: Context, attempt_id: str, approve: bool, code: str | None
) -> dict[str, Any]:
    """The cardholder approves (with the right code) or rejects; deciding twice answers the
    first decision again."""
    async with ctx.db.transaction() as conn:
        attempt = await repo.get_attempt(conn, attempt_id)
        if attempt is None or attempt.three_ds != "challenge":
            raise NotFound(f"No 3-D Secure challenge with id {attempt_id}.")
        setup = await repo.get_setup_any_account(conn, attempt.intent_id, for_update=True)
        assert setup is not None
        attempt = await repo.get_attempt(conn, attempt_id)  # re-read under the lock
        assert attempt is not None
        if attempt.state is not AttemptState.CHALLENGED:
            return setup_answer(ctx, attempt)
        current = setup.client_secret is not None and (
            hash_token(setup.client_secret) == attempt.token_hash
        )
        if setup.status is not SetupStatus.CREATED or not current:
            attempt = await repo.update_attempt(
                conn, attempt_id,
                dict(state=AttemptState.ABANDONED.value, status_code=401, otp_code=None,
                     message="This challenge has expired: the card check was restarted.",
                     completed_at=ctx.clock()),
            )  # fmt: skip
            return setup_answer(ctx, attempt)
        if approve and not code_matches(attempt.otp_code or "", code):
            raise WrongCode
        attempt = await repo.update_attempt(
            conn, attempt_id, dict(state=AttemptState.PENDING.value, otp_code=None)
        )
    decided, currency = attempt, setup.currency or DEFAULT_CURRENCY

    def call() -> Awaitable[Authorization]:
        return ctx.processor.complete_challenge(
            decided.processor_data, approve, 0, currency, reference=decided.id
        )

    return setup_answer(ctx, await ask_and_record(ctx, setup.id, attempt, call))


async def complete(ctx: Context, token: str, attempt_id: str | None) -> dict[str, Any]:
    """``three-ds-complete`` for a setup attempt (3 while the challenge is still open)."""
    async with ctx.db.transaction(write=False) as conn:
        attempt = await repo.get_attempt(conn, attempt_id) if attempt_id else None
        if attempt is None or attempt.token_hash != hash_token(token):
            return {"statusCode": 404, "message": "No 3-D Secure attempt matches md and token."}
        return setup_answer(ctx, attempt)
