"""Merchant-initiated charges: ``POST /payment-intents/{id}/charge`` pays a payment intent made
with ``setupIntentId`` with the card kept on that (Authorized) setup intent — no cardholder, no
3-D Secure.

The phases of ``service.phases``: under both row locks (payment intent, then setup intent) the
charge is decided and its attempt written ``pending``, then committed; the processor is asked
(``authorize_token``, ``merchant_initiated=True``) outside any lock; its answer is recorded by
the payment's own ``pay.record_authorization`` (an Auto intent is then captured through the one
capture operation), and a one-off setup intent (``NoShow``) is Completed by a successful charge.
A declined charge leaves the payment intent as it was (the attempt is in ``paymentEvents``); a
second charge of a paid intent, or one while a charge is in flight, answers 409.
"""

from tender.domain.records import Attempt, Intent
from tender.domain.rules import decide as decide_intent
from tender.domain.setup import ONE_OFF, SetupIntent, SetupOperation, SetupStatus, card_expired
from tender.domain.status import AttemptState, CaptureMode, Operation
from tender.errors import InvalidRequest, NotFound, SetupStateConflict, StateConflict
from tender.ids import new_id
from tender.processor.protocol import Authorization
from tender.service import pay
from tender.service.accounts import Account, account_by_id
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, claim, complete, complete_pending
from tender.service.intents import check_id, load_for_update
from tender.service.ledger import state_of
from tender.service.setup_intents import decide, set_setup_status
from tender.storage import attempts as attempts_repo
from tender.storage import intents as intents_repo
from tender.storage import setup_intents as setup_repo
from tender.storage.db import Conn

_STATUS = {
    AttemptState.SUCCEEDED: "Successful",
    AttemptState.DECLINED: "Declined",
    AttemptState.REFERRED: "Declined",
    AttemptState.FAILED: "Failed",
    AttemptState.PENDING: "Created",
}


async def mark_expired_card(ctx: Context, account: Account, intent_id: str) -> None:
    """A setup intent whose card has expired becomes CardExpired (committed on its own), so
    the charge then answers 409 naming that status."""
    async with ctx.db.transaction() as conn:
        intent = await intents_repo.get_intent(conn, account.id, intent_id)
        setup_id = intent.details.get("setupIntentId") if intent else None
        setup = await setup_repo.get_setup(conn, account.id, setup_id, for_update=True) if (
            setup_id
        ) else None  # fmt: skip
        if setup is None or setup.status is not SetupStatus.AUTHORIZED:
            return
        if card_expired(setup.card_expiry, ctx.clock()):
            new = decide(SetupOperation.CARD_EXPIRE, setup)
            await set_setup_status(conn, account, setup, new, ctx.clock())


async def _begin(
    ctx: Context, conn: Conn, account: Account, intent_id: str, attempt_id: str
) -> tuple[Intent, SetupIntent, Attempt]:
    """Phases 2–3: both locks, the decision, the attempt written pending."""
    intent = await load_for_update(conn, account, intent_id)
    setup_id = intent.details.get("setupIntentId")
    if not setup_id:
        raise InvalidRequest.field(
            "PaymentIntentId",
            "Only a payment intent created with a setupIntentId can be charged.",
        )
    state, ledger = await state_of(conn, intent)
    decide_intent(Operation.PAY, state, ctx.clock())  # 409 once paid
    # A charge at the acquirer, one approved whose capture is under way, or a failed sale's
    # release: the intent is still Created, but a second charge would authorize twice.
    busy = state.pending_attempt or state.pending_captures or state.pending_reversal
    if busy or ledger.authorization or await attempts_repo.open_attempts(conn, intent.id):
        raise StateConflict(
            "charge", intent.status.value, [], "a charge of it is already in progress"
        )
    setup = await setup_repo.get_setup(conn, account.id, setup_id, for_update=True)
    if setup is None:
        raise NotFound(f"No setup intent with id {setup_id}.")
    decide(SetupOperation.CHARGE, setup)
    now = ctx.clock()
    if setup.mit_type in ONE_OFF and setup.charge_attempt_id:  # charged once: one at a time
        raise SetupStateConflict(
            "charge", setup.status.value, [], "another charge of it is in progress"
        )
    if setup.mit_type in ONE_OFF:
        setup = await setup_repo.update_setup(conn, setup, dict(charge_attempt_id=attempt_id))
    attempt = await attempts_repo.insert_attempt(
        conn,
        dict(
            id=attempt_id, intent_id=intent.id, token_hash=pay.hash_token(attempt_id),
            method="Card", state=AttemptState.PENDING.value, status_code=30,
            message="Waiting for the acquirer", amount=intent.total_amount,
            card_brand=setup.card_brand, card_masked=setup.card_masked,
            card_last4=setup.card_last4, card_expiry=setup.card_expiry,
            cardholder_name=setup.cardholder_name, fingerprint=setup.fingerprint,
            processor_data={}, created_at=now,
        ),
    )  # fmt: skip
    return intent, setup, attempt


async def _finish(
    ctx: Context, conn: Conn, account: Account, setup_id: str, attempt_id: str
) -> tuple[Reply, bool]:
    """After the answer is recorded: the reply naming how the charge ended, and whether it is
    settled. An approval whose capture (or whose failed capture's release) still waits for the
    acquirer is not settled yet: it answers ``Created``. A settled successful charge completes a
    one-off setup intent."""
    found = await attempts_repo.get_attempt(conn, attempt_id)
    intent = await intents_repo.get_intent(conn, account.id, found.intent_id) if found else None
    assert found is not None and intent is not None
    state, _ = await state_of(conn, intent)
    waiting = state.pending_captures or state.pending_reversal
    status = "Created" if waiting else _STATUS.get(found.state, "Failed")
    setup = await setup_repo.get_setup(conn, account.id, setup_id, for_update=True)
    if status != "Created" and setup is not None and setup.charge_attempt_id == attempt_id:
        setup = await setup_repo.update_setup(conn, setup, dict(charge_attempt_id=None))
    completes = setup is not None and setup.mit_type in ONE_OFF and status == "Successful"
    if setup is not None and completes and setup.status is SetupStatus.AUTHORIZED:
        new = decide(SetupOperation.COMPLETE, setup)
        await set_setup_status(conn, account, setup, new, ctx.clock())
    message = pay.PENDING_MESSAGE if status == "Created" else found.message
    body = {"paymentIntentId": found.intent_id, "status": status, "message": message}
    return Reply(200, body), status != "Created"


async def charge(
    ctx: Context, account: Account, intent_id: str, idem: IdempotencyKey | None
) -> Reply:
    """``POST /payment-intents/{id}/charge``."""
    check_id(intent_id)
    await mark_expired_card(ctx, account, intent_id)
    attempt_id = new_id("att", sandbox=account.sandbox)
    async with ctx.db.transaction() as conn:
        if idem is not None and (replay := await claim(ctx, conn, account.id, idem, attempt_id)):
            return replay
        intent, setup, attempt = await _begin(ctx, conn, account, intent_id, attempt_id)
    sale = intent.capture_mode is CaptureMode.AUTO
    token, data = setup.card_token or "", setup.processor_data

    async def call() -> Authorization:
        return await ctx.processor.authorize_token(
            token, data, attempt.amount, intent.currency, reference=attempt.id,
            merchant_initiated=True, sale=sale,
        )  # fmt: skip

    await pay.authorize_and_finish(ctx, intent.id, attempt, call)
    async with ctx.db.transaction() as conn:
        reply, settled = await _finish(ctx, conn, account, setup.id, attempt_id)
        if settled:
            await complete(conn, account.id, idem, reply)
    return reply


async def after_recovery(ctx: Context, intent: Intent, attempt_id: str) -> None:
    """A charge (or its capture) the recovery job settled: what ``charge`` would have done
    after the answer (a one-off setup intent Completed), and its idempotency key completed
    with that reply once the charge is settled."""
    setup_id = intent.details.get("setupIntentId")
    if not setup_id:
        return
    async with ctx.db.transaction() as conn:
        account = await account_by_id(ctx, conn, intent.account_id)
        reply, settled = await _finish(ctx, conn, account, setup_id, attempt_id)
        if settled:
            await complete_pending(conn, attempt_id, reply)
