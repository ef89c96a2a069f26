"""Dojo's Customers API: customers (create, read, edit, delete, search), their short-lived
secrets, and the saved cards a customer's browser may list and delete with such a secret.

A customer secret (``cs_sandbox_…``) is kept as its sha256 only. It reaches exactly one
customer: with another customer's id in the path it answers 404, as an unknown id does.
``create-secret`` is not idempotent on purpose: replaying it would need the secret stored in
clear; a second call merely issues a second secret.
"""

import base64
import binascii
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tender.domain.customers import Customer, PaymentMethod
from tender.errors import InvalidRequest, NotFound, Unauthorized
from tender.ids import new_id
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.customer_inputs import CreateCustomer, SearchCustomers, UpdateCustomer
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.inputs import dump
from tender.service.views import CARD_SCHEMES, WALLETS, timestamp
from tender.storage import customers as repo
from tender.storage.db import Conn

SECRET_TTL = timedelta(minutes=15)
MAX_IDS = 50  # ids one GET /customers/{a,b,…} may name
_COLUMNS = {
    "name": "name",
    "emailAddress": "email_address",
    "phoneNumber": "phone_number",
    "vatNumber": "vat_number",
    "billingAddress": "billing_address",
    "shippingAddress": "shipping_address",
}


def customer_view(customer: Customer) -> dict[str, Any]:
    """Dojo's ``CustomerFull``."""
    view = {
        "id": customer.id,
        "name": customer.name,
        "emailAddress": customer.email_address,
        "phoneNumber": customer.phone_number,
        "vatNumber": customer.vat_number,
        "billingAddress": customer.billing_address,
        "shippingAddress": customer.shipping_address,
        "createdAt": timestamp(customer.created_at),
        "updatedAt": timestamp(customer.updated_at),
        "documentVersion": customer.document_version,
    }
    return {k: v for k, v in view.items() if v is not None}


def expiry_date(method: PaymentMethod) -> str:
    """``MM/YY`` as Dojo's example writes a saved card's expiry: its month's last day."""
    month, _, year = method.card_expiry.partition("/")
    first_of_next = datetime(
        2000 + int(year) + int(month) // 12, int(month) % 12 + 1, 1, tzinfo=UTC
    )
    return (first_of_next - timedelta(days=1)).date().isoformat()


def method_view(method: PaymentMethod) -> dict[str, Any]:
    """Dojo's ``CustomerPaymentMethod``."""
    scheme = method.card_brand if method.card_brand in CARD_SCHEMES else None
    card = {"pan": method.card_masked, "expiryDate": expiry_date(method), "scheme": scheme}
    return {"id": method.id, "cardDetails": {k: v for k, v in card.items() if v is not None}}


def _not_found(customer_id: str) -> NotFound:
    return NotFound(f"No customer with id {customer_id}.")


async def _one(conn: Conn, account: Account, customer_id: str, for_update: bool) -> Customer:
    found = await repo.get_customers(conn, account.id, [customer_id], for_update=for_update)
    if not found:
        raise _not_found(customer_id)
    return found[0]


def _values(body: CreateCustomer, only_set: bool) -> dict[str, Any]:
    wire = dump(body)
    names = {type(body).model_fields[f].alias or f for f in body.model_fields_set}
    return {
        column: wire.get(name) for name, column in _COLUMNS.items() if not only_set or name in names
    }


async def create(
    ctx: Context, account: Account, body: CreateCustomer, idem: IdempotencyKey | None
) -> Reply:
    now = ctx.clock()
    values = _values(body, only_set=False)
    customer_id = new_id("cust", sandbox=account.sandbox)

    async def effect(conn: Conn) -> Reply:
        customer = await repo.insert_customer(
            conn,
            dict(
                id=customer_id, account_id=account.id, document_version=0,
                created_at=now, updated_at=now, deleted_at=None, **values,
            ),
        )  # fmt: skip
        return Reply(200, customer_view(customer))

    return await run(ctx, account.id, idem, effect)


async def get(ctx: Context, account: Account, ids_text: str) -> list[dict[str, Any]]:
    """``GET /customers/{ids}``: comma-separated ids, answered as an array in that order;
    404 when none of them is one of the account's customers."""
    ids = list(dict.fromkeys(part.strip() for part in ids_text.split(",") if part.strip()))
    if not ids or len(ids) > MAX_IDS:
        raise InvalidRequest.field("CustomerId", f"Name 1 to {MAX_IDS} customer ids.")
    async with ctx.db.transaction(write=False) as conn:
        found = {c.id: c for c in await repo.get_customers(conn, account.id, ids)}
    if not found:
        raise _not_found(ids_text)
    return [customer_view(found[i]) for i in ids if i in found]


async def update(
    ctx: Context,
    account: Account,
    customer_id: str,
    body: UpdateCustomer,
    idem: IdempotencyKey | None,
) -> Reply:
    values = _values(body, only_set=True)

    async def effect(conn: Conn) -> Reply:
        customer = await _one(conn, account, customer_id, for_update=True)
        if values:
            customer = await repo.update_customer(
                conn,
                customer.id,
                dict(
                    values,
                    document_version=customer.document_version + 1,
                    updated_at=ctx.clock(),
                ),
            )
        return Reply(200, customer_view(customer))

    return await run(ctx, account.id, idem, effect)


async def delete(
    ctx: Context, account: Account, customer_id: str, idem: IdempotencyKey | None
) -> Reply:
    """The customer disappears from the API with its saved cards; its payments stay."""

    async def effect(conn: Conn) -> Reply:
        customer = await _one(conn, account, customer_id, for_update=True)
        now = ctx.clock()
        await repo.delete_methods_of(conn, customer.id, now)
        await repo.update_customer(conn, customer.id, dict(deleted_at=now, updated_at=now))
        return Reply(204, None)

    return await run(ctx, account.id, idem, effect)


def _cursor(customer: Customer) -> str:
    text = json.dumps(f"{customer.created_at.isoformat()} {customer.id}")
    return base64.b64encode(text.encode()).decode()


def _decode(cursor: str, field: str) -> tuple[datetime, str]:
    try:
        text = json.loads(base64.b64decode(cursor, validate=True))
        stamp, _, customer_id = text.partition(" ")
        at = datetime.fromisoformat(stamp)
        if not customer_id or at.tzinfo is None:
            raise ValueError(cursor)
        return at.astimezone(UTC), customer_id
    except (ValueError, TypeError, AttributeError, OverflowError, binascii.Error):
        raise InvalidRequest.field(
            field, "The cursor is not one this API returned; pass a before/after value unchanged."
        ) from None


async def search(ctx: Context, account: Account, body: SearchCustomers) -> dict[str, Any]:
    """Newest first; ``after`` pages towards older customers, ``before`` towards newer."""
    after = _decode(body.after, "After") if body.after else None
    before = _decode(body.before, "Before") if body.before else None
    async with ctx.db.transaction(write=False) as conn:
        found = await repo.search_customers(
            conn, account.id, limit=body.limit, after=after, before=before
        )
    more = len(found) > body.limit
    found = found[: body.limit]
    if before:
        found.reverse()
    if not found:
        return {"data": [], "before": None, "after": None}
    newer = more if before else after is not None
    older = True if before else more
    return {
        "data": [customer_view(c) for c in found],
        "before": _cursor(found[0]) if newer else None,
        "after": _cursor(found[-1]) if older else None,
    }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_secret(ctx: Context, account: Account, customer_id: str) -> dict[str, Any]:
    now = ctx.clock()
    secret = new_id("cs", sandbox=account.sandbox)
    async with ctx.db.transaction() as conn:
        customer = await _one(conn, account, customer_id, for_update=False)
        await repo.purge_secrets(conn, now)
        await repo.insert_secret(conn, hash_secret(secret), customer.id, now, now + SECRET_TTL)
    return {
        "secret": secret,
        "createdAt": timestamp(now),
        "expireAt": timestamp(now + SECRET_TTL),
    }


def _secret_of(header: str | None) -> str:
    """``Basic cs_…`` (Dojo's form) or ``Basic base64(cs_…:)``."""
    scheme, _, credential = (header or "").strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() not in ("basic", "bearer") or not credential:
        raise Unauthorized("Send the customer secret as 'Authorization: Basic cs_…'.")
    if not credential.startswith("cs_"):
        try:
            credential = base64.b64decode(credential, validate=True).decode().partition(":")[0]
        except (binascii.Error, ValueError):
            raise Unauthorized("Send the customer secret as 'Authorization: Basic cs_…'.") from None
    return credential


async def _customer_of(ctx: Context, conn: Conn, header: str | None, customer_id: str) -> Customer:
    """The customer the secret opens: 401 for a missing, unknown or expired secret, 404 when it
    is another customer's (as if the id did not exist)."""
    customer = await repo.customer_of_secret(conn, hash_secret(_secret_of(header)), ctx.clock())
    if customer is None:
        raise Unauthorized("The customer secret is unknown or has expired; create a new one.")
    if customer.id != customer_id:
        raise _not_found(customer_id)
    return customer


async def usable_methods(ctx: Context, conn: Conn, customer_id: str) -> list[PaymentMethod]:
    """The customer's saved cards that can still pay; any found past its expiry is marked."""
    now = ctx.clock()
    usable = []
    for method in await repo.methods_of(conn, customer_id):
        if method.expired_at is None and method.expires_before(now):
            method = await repo.update_method(conn, method.id, dict(expired_at=now))
        if method.expired_at is None:
            usable.append(method)
    return usable


async def public_methods(ctx: Context, header: str | None, customer_id: str) -> dict[str, Any]:
    """``GET /customers/public/{id}/payment-methods`` (Dojo's ``CustomerPaymentMethods``)."""
    async with ctx.db.transaction() as conn:
        customer = await _customer_of(ctx, conn, header, customer_id)
        methods = await usable_methods(ctx, conn, customer.id)
    return {
        "customerId": customer.id,
        "merchantId": customer.account_id,
        "savedPaymentMethods": [method_view(m) for m in methods],
        "supportedPaymentMethods": {"cardSchemes": CARD_SCHEMES, "wallets": WALLETS},
    }


async def public_delete_method(
    ctx: Context, header: str | None, customer_id: str, method_id: str, idem: IdempotencyKey | None
) -> Reply:
    """``DELETE /customers/public/{id}/payment-methods/{pmId}``: the card can no longer pay."""
    async with ctx.db.transaction(write=False) as conn:
        customer = await _customer_of(ctx, conn, header, customer_id)

    async def effect(conn: Conn) -> Reply:
        method = await repo.get_method(conn, method_id)
        if method is None or method.customer_id != customer.id:
            raise NotFound(f"No saved payment method with id {method_id}.")
        await repo.update_method(conn, method.id, dict(deleted_at=ctx.clock()))
        return Reply(204, None)

    scoped = idem.within(customer.id) if idem is not None else None
    return await run(ctx, customer.account_id, scoped, effect)
