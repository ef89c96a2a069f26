"""The dashboard's customer pages: the account's customers (newest first, a page at a time) and
one customer with their payments and saved cards (expired and deleted ones marked)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tender.domain.customers import Customer, PaymentMethod
from tender.errors import NotFound
from tender.service import customers
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.customer_inputs import SearchCustomers
from tender.service.payment_list import Payment, payment_rows
from tender.storage import customers as repo

PAGE_SIZE = 25
PAYMENTS_SHOWN = 50


@dataclass
class CustomerPage:
    customers: list[dict[str, Any]] = field(default_factory=list)
    newer: str | None = None
    older: str | None = None


@dataclass(frozen=True, slots=True)
class SavedCard:
    id: str
    brand: str
    last4: str
    expiry: str  # MM/YY
    created_at: datetime
    state: str  # usable | expired | deleted


@dataclass(frozen=True, slots=True)
class CustomerView:
    customer: dict[str, Any]
    payments: list[Payment]
    cards: list[SavedCard]


async def list_page(
    ctx: Context, account: Account, *, after: str | None = None, before: str | None = None
) -> CustomerPage:
    found = await customers.search(
        ctx, account, SearchCustomers(limit=PAGE_SIZE, after=after, before=before)
    )
    return CustomerPage(found["data"], found["before"], found["after"])


def _card(method: PaymentMethod, now: datetime) -> SavedCard:
    state = "usable"
    if method.deleted_at is not None:
        state = "deleted"
    elif method.expired_at is not None or method.expires_before(now):
        state = "expired"
    return SavedCard(
        method.id, method.card_brand, method.card_last4, method.card_expiry, method.created_at,
        state,
    )  # fmt: skip


async def customer(ctx: Context, account: Account, customer_id: str) -> CustomerView:
    async with ctx.db.transaction(write=False) as conn:
        found: list[Customer] = await repo.get_customers(conn, account.id, [customer_id])
        if not found:
            raise NotFound(f"No customer with id {customer_id}.")
        intents = await repo.intents_of(conn, account.id, customer_id, PAYMENTS_SHOWN)
        payments = await payment_rows(conn, intents)
        methods = await repo.all_methods_of(conn, customer_id)
    now = ctx.clock()
    return CustomerView(
        customers.customer_view(found[0]), payments, [_card(m, now) for m in methods]
    )
