"""Payment-intent use cases before any money moves: create, read, edit, refresh; and
``set_status``, the one way any operation moves an intent.

Each mutating use case runs in one transaction (``idempotency.run``) that takes the intent's row
lock, asks ``domain.rules.decide`` whether the operation may happen, and writes the change, its
``paymentEvents`` entry and its outbox event together.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from tender.domain.records import Intent
from tender.domain.rules import AUTHORIZATION_WINDOW, IntentState, decide
from tender.domain.status import AutoExpireAction, CaptureMode, Operation, Status
from tender.domain.timespan import parse_timespan
from tender.errors import InvalidRequest, MethodNotAllowed, NotFound
from tender.ids import new_id, new_token
from tender.service import events, limits
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.inputs import (
    ChangeAmount,
    ChangeTips,
    CreatePaymentIntent,
    dump,
)
from tender.service.ledger import state_of
from tender.service.presenter import present, present_new
from tender.service.setup_links import check_linked_setup
from tender.service.views import public_view
from tender.storage import intents as repo
from tender.storage.db import Conn

MAX_EXPIRY = timedelta(days=90)
# Every id Tender issues matches this; anything else cannot exist and never reaches the database
# (PostgreSQL rejects a NUL byte in a parameter with an error rather than "no rows").
_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,64}\Z")
# Request fields kept as columns; everything else the merchant sent is echoed from ``details``.
_COLUMNS = {
    "amount",
    "reference",
    "captureMode",
    "tipsAmount",
    "cashbackAmount",
    "serviceChargeAmount",
    "expireAt",
    "autoExpireIn",
    "autoExpireAction",
}


def _check_currencies(account: Account, body: CreatePaymentIntent) -> str:
    currency = body.amount.currency_code
    if currency not in account.currencies:
        accepted = ", ".join(account.currencies)
        raise InvalidRequest.field(
            "Amount.CurrencyCode",
            f"The currency {currency} is not accepted; use one of {accepted}.",
        )
    # object: to mypy, ``money and money.currency_code`` may be the (falsy) model itself
    others: list[tuple[str, object]] = [
        ("TipsAmount", body.tips_amount and body.tips_amount.currency_code),
        ("CashbackAmount", body.cashback_amount and body.cashback_amount.currency_code),
        (
            "ServiceChargeAmount",
            body.service_charge_amount and body.service_charge_amount.currency_code,
        ),
    ]
    others += _line_currencies(body.item_lines, body.tax_lines)
    for field, code in others:
        if code is not None and code != currency:
            raise InvalidRequest.field(
                f"{field}.CurrencyCode", f"The currency must match the amount's ({currency})."
            )
    return currency


def _line_currencies(item_lines: Any, tax_lines: Any) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for name, lines in (("ItemLines", item_lines), ("TaxLines", tax_lines)):
        for i, line in enumerate(lines or []):
            if line.amount_total is not None:
                found.append((f"{name}[{i}].AmountTotal", line.amount_total.currency_code))
            for j, modifier in enumerate(getattr(line, "modifiers", None) or []):
                found.append(
                    (
                        f"{name}[{i}].Modifiers[{j}].AmountPerModifier",
                        modifier.amount_per_modifier.currency_code,
                    )
                )
    return found


def _expiry(body: CreatePaymentIntent, now: datetime, ctx: Context) -> dict[str, Any]:
    expire_at = body.expire_at or now + timedelta(days=ctx.settings.default_expiry_days)
    if body.expire_at is not None and not now < body.expire_at <= now + MAX_EXPIRY:
        raise InvalidRequest.field("ExpireAt", "ExpireAt must be in the future and within 90 days.")
    manual = body.capture_mode is CaptureMode.MANUAL
    if not manual and (body.auto_expire_in or body.auto_expire_action):
        field = "AutoExpireIn" if body.auto_expire_in else "AutoExpireAction"
        raise InvalidRequest.field(field, f"{field} applies to Manual capture mode only.")
    seconds = None
    action = None
    if manual and (body.auto_expire_in or body.auto_expire_action):
        span = parse_timespan(body.auto_expire_in) if body.auto_expire_in else AUTHORIZATION_WINDOW
        seconds = int(span.total_seconds())
        action = (body.auto_expire_action or AutoExpireAction.RELEASE).value
    return {"expire_at": expire_at, "auto_expire_in_seconds": seconds, "auto_expire_action": action}


def _new_secret(ctx: Context, now: datetime) -> dict[str, Any]:
    return {
        "client_secret": new_token(),
        "client_secret_expires_at": now + ctx.settings.client_secret_ttl,
    }


async def create(
    ctx: Context, account: Account, body: CreatePaymentIntent, idem: IdempotencyKey | None
) -> Reply:
    currency = _check_currencies(account, body)
    if body.setup_intent_id is not None:  # a merchant-initiated payment (``service.charge``)
        await check_linked_setup(ctx, account.id, body.setup_intent_id, currency)
    now = ctx.clock()
    expiry = _expiry(body, now, ctx)
    wire = dump(body)
    details = {k: v for k, v in wire.items() if k not in _COLUMNS}
    if details.pop("transactionSource", None) == "MOTO":  # 2022-04-07's name for it
        details["cardHolderNotPresent"] = True
    intent_id = new_id("pi", sandbox=account.sandbox)

    async def effect(conn: Conn) -> Reply:
        intent = await repo.insert_intent(
            conn,
            dict(
                id=intent_id,
                account_id=account.id,
                status=Status.CREATED.value,
                capture_mode=body.capture_mode.value,
                currency=currency,
                amount=body.amount.value,
                tips_amount=body.tips_amount.value if body.tips_amount else 0,
                service_charge_amount=body.service_charge_amount.value
                if body.service_charge_amount
                else 0,
                cashback_amount=body.cashback_amount.value if body.cashback_amount else 0,
                reference=body.reference,
                details=details,
                customer_id=(details.get("customer") or {}).get("id"),
                version=1,
                created_at=now,
                updated_at=now,
                **expiry,
                **_new_secret(ctx, now),
            ),
        )
        await events.emit(
            conn,
            event=events.CREATED,
            account_id=account.id,
            intent_id=intent_id,
            status=Status.CREATED.value,
            capture_mode=body.capture_mode.value,
            sandbox=account.sandbox,
            now=now,
        )
        return Reply(200, present_new(ctx, intent, account.name))

    return await run(ctx, account.id, idem, effect)


def _not_found(intent_id: str) -> NotFound:
    shown = intent_id if _ID_SHAPE.match(intent_id) else repr(intent_id[:80])
    return NotFound(f"No payment intent with id {shown}.")


def check_id(intent_id: str) -> None:
    """NotFound for a path id that cannot be one of ours (bad characters, too long)."""
    if not _ID_SHAPE.match(intent_id):
        raise _not_found(intent_id)


async def load_for_update(conn: Conn, account: Account, intent_id: str) -> Intent:
    """The intent, row-locked; NotFound for unknown ids and other accounts' intents alike."""
    check_id(intent_id)
    intent = await repo.get_intent(conn, account.id, intent_id, for_update=True)
    if intent is None:
        raise NotFound(f"No payment intent with id {intent_id}.")
    return intent


async def get(ctx: Context, account: Account, intent_id: str, return_canceled: bool) -> Any:
    check_id(intent_id)
    async with ctx.db.transaction(write=False) as conn:
        row = await repo.get_intent(conn, account.id, intent_id)
        if row is None or (row.status == Status.CANCELED and not return_canceled):
            raise NotFound(f"No payment intent with id {intent_id}.")
        return await present(ctx, conn, row)


async def set_status(
    conn: Conn,
    account: Account,
    intent: Intent,
    status: Status,
    now: datetime,
    *,
    event_type: str | None = None,
    event_fields: dict[str, Any] | None = None,
    **values: Any,
) -> Intent:
    """Move the (locked) intent to ``status``: the row, a ``paymentEvents`` entry and the
    ``payment_intent.status_updated`` outbox event, all in the caller's transaction."""
    updated = await repo.update_intent(
        conn, intent, dict(status=status.value, updated_at=now, **values)
    )
    await repo.add_payment_event(
        conn, intent.id, event_type or status.value, now, **(event_fields or {})
    )
    if status is intent.status:
        return updated
    names = [events.STATUS_UPDATED, events.UPDATED]
    if intent.status is Status.CREATED and status in (Status.AUTHORIZED, Status.CAPTURED):
        names.append(events.PAYMENT_SUCCESSFUL)
    await _emit(conn, account, updated, names, now)
    return updated


async def _emit(
    conn: Conn, account: Account, intent: Intent, names: list[str], now: datetime
) -> None:
    """The intent's events, in one outbox statement."""
    await events.emit_all(
        conn,
        names,
        account_id=account.id,
        intent_id=intent.id,
        status=intent.status.value,
        capture_mode=intent.capture_mode.value,
        sandbox=account.sandbox,
        now=now,
    )


async def change_amount(
    ctx: Context, account: Account, intent_id: str, body: ChangeAmount, idem: IdempotencyKey | None
) -> Reply:
    async def effect(conn: Conn) -> Reply:
        row = await load_for_update(conn, account, intent_id)
        config = (row.details.get("config") or {}).get("payment") or {}
        if not config.get("customAmountAllowed"):
            raise MethodNotAllowed(
                "This payment intent was not created with config.payment.customAmountAllowed."
            )
        now = ctx.clock()
        decide(Operation.CHANGE_AMOUNT, (await state_of(conn, row))[0], now)
        fields: list[tuple[str, str | None]] = [("Amount", body.amount.currency_code)]
        fields += _line_currencies(body.item_lines, body.tax_lines)
        for field, code in fields:
            if code != row.currency:
                raise InvalidRequest.field(
                    f"{field}.CurrencyCode",
                    f"The currency must be the payment intent's ({row.currency}).",
                )
        details = dict(row.details)
        wire = dump(body)
        for name in ("itemLines", "taxLines"):
            if name in wire:
                details[name] = wire[name]
        row = await repo.update_intent(
            conn,
            row,
            dict(
                amount=body.amount.value, details=details, updated_at=now, **_new_secret(ctx, now)
            ),
        )
        await _emit(conn, account, row, [events.UPDATED], now)
        return Reply(200, await present(ctx, conn, row))

    return await run(ctx, account.id, idem, effect)


async def change_tips(
    ctx: Context, account: Account, intent_id: str, body: ChangeTips, idem: IdempotencyKey | None
) -> Reply:
    async def effect(conn: Conn) -> Reply:
        row = await load_for_update(conn, account, intent_id)
        config = (row.details.get("config") or {}).get("payment") or {}
        if not config.get("tipsAllowed"):
            raise MethodNotAllowed(
                "This payment intent was not created with config.payment.tipsAllowed."
            )
        now = ctx.clock()
        decide(Operation.CHANGE_TIPS, (await state_of(conn, row))[0], now)
        if body.tips_amount.currency_code != row.currency:
            raise InvalidRequest.field(
                "TipsAmount.CurrencyCode",
                f"The currency must be the payment intent's ({row.currency}).",
            )
        row = await repo.update_intent(
            conn,
            row,
            dict(tips_amount=body.tips_amount.value, updated_at=now, **_new_secret(ctx, now)),
        )
        await _emit(conn, account, row, [events.UPDATED], now)
        return Reply(200, await present(ctx, conn, row))

    return await run(ctx, account.id, idem, effect)


async def refresh(ctx: Context, conn: Conn, intent: Intent) -> Intent:
    """A new single-use client session secret for a (locked) payable intent."""
    now = ctx.clock()
    decide(Operation.REFRESH_SECRET, IntentState.of(intent), now)
    return await repo.update_intent(conn, intent, dict(updated_at=now, **_new_secret(ctx, now)))


async def refresh_secret(
    ctx: Context, account: Account, intent_id: str, idem: IdempotencyKey | None
) -> Reply:
    async def effect(conn: Conn) -> Reply:
        row = await refresh(ctx, conn, await load_for_update(conn, account, intent_id))
        return Reply(200, await present(ctx, conn, row))

    reply = await run(ctx, account.id, idem, effect)
    await limits.unlock_intent(ctx, intent_id)  # the merchant's refresh lifts a card-testing lock
    return reply


async def public_get(ctx: Context, intent_id: str) -> Any:
    check_id(intent_id)
    async with ctx.db.transaction(write=False) as conn:
        row = await repo.get_intent_any_account(conn, intent_id)
        if row is None or row.status == Status.CANCELED:
            raise NotFound(f"No payment intent with id {intent_id}.")
        return public_view(await present(ctx, conn, row), with_secret=False)


async def public_refresh(ctx: Context, intent_id: str, client: str | None = None) -> Any:
    """The customer-side refresh (SDKs call it after a failed attempt); no key, no idempotency:
    each call issues a new secret and invalidates the previous one. Rate limited per intent and
    per client address; it never lifts a card-testing lock (only the merchant's refresh does)."""
    check_id(intent_id)
    await limits.public_refresh(ctx, intent_id, client)
    async with ctx.db.transaction() as conn:
        row = await repo.get_intent_any_account(conn, intent_id, for_update=True)
        if row is None or row.status == Status.CANCELED:
            raise NotFound(f"No payment intent with id {intent_id}.")
        row = await refresh(ctx, conn, row)
        return public_view(await present(ctx, conn, row), with_secret=True)
