"""Setup-intent use cases: create, read, cancel (or close), refresh the client session secret,
expire; and ``set_setup_status``, the one way any operation moves a setup intent (the row, a
``setupEvents`` entry and the ``setup_intent.status_updated`` outbox event, in one transaction).

The secret of a setup intent is base64 with ``=`` padding (a payment intent's never has any), so
the gateway tells the two apart by the token alone, without a query (``is_setup_secret``).
"""

from datetime import datetime, timedelta
from typing import Any

from tender.domain.setup import SetupIntent, SetupOperation, SetupStatus, setup_allowed_from
from tender.domain.setup import setup_target as target
from tender.errors import InvalidRequest, NotFound, SetupStateConflict
from tender.ids import new_id, new_token
from tender.service import events, limits, setup_views
from tender.service.accounts import Account, account_by_id
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.inputs import dump
from tender.service.intents import MAX_EXPIRY, check_id
from tender.service.setup_inputs import CreateSetupIntent
from tender.service.views import timestamp
from tender.storage import outbox
from tender.storage import setup_intents as repo
from tender.storage.db import Conn

SECRET_BYTES = 95  # not a multiple of 3: the base64 text ends with "=" (payment intents' never)
# A status change as a ``setupEvents`` entry: Dojo's payment event types, with a message.
_EVENT_OF = {
    SetupStatus.AUTHORIZED: ("Authorized", None),
    SetupStatus.CANCELED: ("Canceled", "Canceled by the merchant"),
    SetupStatus.CLOSED: ("Canceled", "Closed by the merchant: the card can no longer be charged"),
    SetupStatus.EXPIRED: ("Canceled", "Expired: not authorized before expireAt"),
    SetupStatus.CARD_EXPIRED: ("Error", "The card has expired: it can no longer be charged"),
    SetupStatus.COMPLETED: ("Captured", "Completed: the card was charged"),
}
_COLUMNS = {"reference", "merchantInitiatedTransactionType", "terms", "intendedAmount", "expireAt"}


def is_setup_secret(token: str) -> bool:
    """A setup intent's secret is SECRET_BYTES (not a multiple of 3) in padded base64, so it ends
    with "="; a payment intent's never does. The gateway routes on that without a query."""
    return token.endswith("=")


def new_secret(ctx: Context, now: datetime) -> dict[str, Any]:
    return {
        "client_secret": new_token(SECRET_BYTES),
        "client_secret_expires_at": now + ctx.settings.client_secret_ttl,
    }


def decide(operation: SetupOperation, setup: SetupIntent) -> SetupStatus:
    """The status ``operation`` leads to, or SetupStateConflict (409) naming the allowed ones."""
    new = target(operation, setup.status)
    if new is None:
        raise SetupStateConflict(operation.value, setup.status.value, setup_allowed_from(operation))
    return new


async def emit(conn: Conn, account: Account, setup: SetupIntent, name: str, now: datetime) -> None:
    """A setup-intent event in the outbox, delivered like payment-intent events."""
    event_id = new_id("evt", sandbox=account.sandbox)
    payload = {
        "id": event_id,
        "event": name,
        "accountId": account.id,
        "createdAt": timestamp(now),
        "data": {"setupIntentId": setup.id, "setupIntentStatus": setup.status.value},
    }
    await outbox.record_event(
        conn, id=event_id, account_id=account.id, intent_id=setup.id, event=name,
        payload=payload, now=now,
    )  # fmt: skip


async def set_setup_status(
    conn: Conn,
    account: Account,
    setup: SetupIntent,
    status: SetupStatus,
    now: datetime,
    *,
    event_type: str | None = None,
    event_fields: dict[str, Any] | None = None,
    **values: Any,
) -> SetupIntent:
    """Move the (locked) setup intent to ``status``, with its ``setupEvents`` entry and, when
    the status changes, its ``setup_intent.status_updated`` event."""
    updated = await repo.update_setup(
        conn, setup, dict(status=status.value, updated_at=now, **values)
    )
    default, message = _EVENT_OF.get(status, ("Unknown", None))
    fields = {"message": message, **(event_fields or {})}
    await repo.add_setup_event(conn, setup.id, event_type or default, now, **fields)
    if status is not setup.status:
        await emit(conn, account, updated, events.SETUP_STATUS_UPDATED, now)
    return updated


async def present(ctx: Context, conn: Conn, setup: SetupIntent) -> dict[str, Any]:
    account = await account_by_id(ctx, conn, setup.account_id)
    attempt = await repo.get_attempt(conn, setup.attempt_id) if setup.attempt_id else None
    return setup_views.render_setup(
        setup,
        events=await repo.list_setup_events(conn, [setup.id]),
        trading_name=account.name,
        attempt=attempt,
    )


def _check(account: Account, body: CreateSetupIntent, now: datetime, ctx: Context) -> datetime:
    if body.intended_amount and body.intended_amount.currency_code not in account.currencies:
        accepted = ", ".join(account.currencies)
        raise InvalidRequest.field(
            "IntendedAmount.CurrencyCode",
            f"The currency {body.intended_amount.currency_code} is not accepted; use one of "
            f"{accepted}.",
        )
    if body.expire_at is not None and not now < body.expire_at <= now + MAX_EXPIRY:
        raise InvalidRequest.field("ExpireAt", "ExpireAt must be in the future and within 90 days.")
    return body.expire_at or now + timedelta(days=ctx.settings.default_expiry_days)


async def create(
    ctx: Context, account: Account, body: CreateSetupIntent, idem: IdempotencyKey | None
) -> Reply:
    """``POST /setup-intents``: a Created setup intent with a client session secret."""
    now = ctx.clock()
    expire_at = _check(account, body, now, ctx)
    details = {k: v for k, v in dump(body).items() if k not in _COLUMNS}
    setup_id = new_id("si", sandbox=account.sandbox)
    amount = body.intended_amount

    async def effect(conn: Conn) -> Reply:
        setup = await repo.insert_setup(
            conn,
            dict(
                id=setup_id, account_id=account.id, status=SetupStatus.CREATED.value,
                reference=body.reference, mit_type=body.merchant_initiated_transaction_type.value,
                terms=body.terms, currency=amount.currency_code if amount else None,
                intended_amount=amount.value if amount else None, details=details,
                expire_at=expire_at, processor_data={}, version=1, created_at=now,
                updated_at=now, **new_secret(ctx, now),
            ),
        )  # fmt: skip
        await emit(conn, account, setup, events.SETUP_CREATED, now)
        return Reply(200, setup_views.render_setup(setup, events=[], trading_name=account.name))

    return await run(ctx, account.id, idem, effect)


def _not_found(setup_id: str) -> NotFound:
    return NotFound(f"No setup intent with id {setup_id}.")


async def load_for_update(conn: Conn, account: Account, setup_id: str) -> SetupIntent:
    """The setup intent, row-locked; NotFound for unknown ids and other accounts' alike."""
    check_id(setup_id)
    setup = await repo.get_setup(conn, account.id, setup_id, for_update=True)
    if setup is None:
        raise _not_found(setup_id)
    return setup


async def get(ctx: Context, account: Account, setup_id: str) -> dict[str, Any]:
    check_id(setup_id)
    async with ctx.db.transaction(write=False) as conn:
        setup = await repo.get_setup(conn, account.id, setup_id)
        if setup is None:
            raise _not_found(setup_id)
        return await present(ctx, conn, setup)


async def cancel(
    ctx: Context, account: Account, setup_id: str, idem: IdempotencyKey | None
) -> Reply:
    """``DELETE /setup-intents/{id}``: Created → Canceled, Authorized → Closed (the kept card
    can no longer be charged). A card authorization still in progress blocks it (409)."""

    async def effect(conn: Conn) -> Reply:
        setup = await load_for_update(conn, account, setup_id)
        new = decide(SetupOperation.CANCEL, setup)
        if await repo.open_attempts(conn, setup.id):
            raise SetupStateConflict(
                "cancel", setup.status.value, [], "a card is being authorized on it"
            )
        now = ctx.clock()
        setup = await set_setup_status(conn, account, setup, new, now, client_secret=None)
        return Reply(200, await present(ctx, conn, setup))

    return await run(ctx, account.id, idem, effect)


async def refresh(ctx: Context, conn: Conn, setup: SetupIntent) -> SetupIntent:
    """A new single-use client session secret for a (locked) Created setup intent."""
    decide(SetupOperation.REFRESH_SECRET, setup)
    now = ctx.clock()
    return await repo.update_setup(conn, setup, dict(updated_at=now, **new_secret(ctx, now)))


async def refresh_secret(
    ctx: Context, account: Account, setup_id: str, idem: IdempotencyKey | None
) -> Reply:
    async def effect(conn: Conn) -> Reply:
        setup = await refresh(ctx, conn, await load_for_update(conn, account, setup_id))
        return Reply(200, await present(ctx, conn, setup))

    return await run(ctx, account.id, idem, effect)


async def public_get(ctx: Context, setup_id: str) -> dict[str, Any]:
    check_id(setup_id)
    async with ctx.db.transaction(write=False) as conn:
        setup = await repo.get_setup_any_account(conn, setup_id)
        if setup is None:
            raise _not_found(setup_id)
        return setup_views.public_setup(await present(ctx, conn, setup), with_secret=False)


async def public_refresh(ctx: Context, setup_id: str, client: str | None = None) -> dict[str, Any]:
    """The customer-side refresh (after a failed attempt); rate limited like the payment
    intents' one."""
    check_id(setup_id)
    await limits.public_refresh(ctx, setup_id, client)
    async with ctx.db.transaction() as conn:
        setup = await repo.get_setup_any_account(conn, setup_id, for_update=True)
        if setup is None:
            raise _not_found(setup_id)
        setup = await refresh(ctx, conn, setup)
        return setup_views.public_setup(await present(ctx, conn, setup), with_secret=True)
