"""The dashboard's payment list and its CSV export: the filters a person types (dates as
``YYYY-MM-DD`` in UTC, amounts in major units such as ``12.50``) turned into exact criteria,
pages of rows with their card and amounts, and the whole filtered list as CSV in batches."""

import csv
import io
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from tender.domain.ledger import Ledger
from tender.domain.money import CURRENCY_EXPONENTS
from tender.domain.records import Intent
from tender.domain.status import Status
from tender.errors import InvalidRequest
from tender.service import ledger
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.search import decode_cursor, encode_cursor
from tender.storage import payment_list as repo
from tender.storage.db import Conn
from tender.storage.payment_list import AmountRange, Criteria

PAGE_SIZE = 25
EXPORT_BATCH = 500
STATUSES = [s.value for s in Status]


@dataclass(frozen=True, slots=True)
class Filters:
    """The list's filters as typed in the form (all optional)."""

    q: str = ""
    status: Sequence[str] = ()
    start: str = ""
    end: str = ""
    min_amount: str = ""
    max_amount: str = ""

    def active(self) -> bool:
        return any((self.q, self.status, self.start, self.end, self.min_amount, self.max_amount))


@dataclass(frozen=True, slots=True)
class Payment:
    """One line of the list (and of the CSV)."""

    id: str
    created_at: datetime
    status: str
    capture_mode: str
    currency: str
    amount: int
    captured: int
    refunded: int
    reference: str
    email: str | None
    card_brand: str | None
    card_last4: str | None


@dataclass
class PaymentPage:
    payments: list[Payment] = field(default_factory=list)
    newer: str | None = None  # cursor for the previous (newer) page
    older: str | None = None  # cursor for the next (older) page


def _day(text: str, field_name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest.field(field_name, "Enter a date as YYYY-MM-DD.") from None


def _major(text: str, field_name: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidRequest.field(field_name, "Enter an amount such as 12.50.") from None
    if not value.is_finite() or value < 0 or value > Decimal(10) ** 12:
        raise InvalidRequest.field(field_name, "Enter an amount such as 12.50.")
    return value


def _minor(value: Decimal | None, currency: str, rounding: str) -> int | None:
    if value is None:
        return None
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    return int((value * 10**exponent).to_integral_value(rounding=rounding))


def criteria(account: Account, filters: Filters) -> Criteria:
    """Exact criteria for the account: amounts are compared in each currency's minor units."""
    unknown = [s for s in filters.status if s not in STATUSES]
    if unknown:
        raise InvalidRequest.field("Status", f"Unknown status {unknown[0]!r}.")
    start, end = _day(filters.start, "From"), _day(filters.end, "To")
    if start and end and start > end:
        raise InvalidRequest.field("From", "The first date must not be after the last.")
    low, high = _major(filters.min_amount, "MinAmount"), _major(filters.max_amount, "MaxAmount")
    if low is not None and high is not None and low > high:
        raise InvalidRequest.field("MinAmount", "The minimum must not be above the maximum.")
    amounts: tuple[AmountRange, ...] = ()
    if low is not None or high is not None:
        amounts = tuple(
            AmountRange(c, _minor(low, c, ROUND_CEILING), _minor(high, c, ROUND_FLOOR))
            for c in account.currencies
        )
    return Criteria(
        text=filters.q.strip()[:200] or None,
        statuses=tuple(filters.status),
        start=datetime.combine(start, time(), UTC) if start else None,
        end=datetime.combine(end + timedelta(days=1), time(), UTC) if end else None,
        amounts=amounts,
    )


def _payment(intent: Intent, book: Ledger | None) -> Payment:
    attempt = book.decisive_attempt if book else None
    customer = intent.details.get("customer") or {}
    return Payment(
        id=intent.id,
        created_at=intent.created_at,
        status=intent.status.value,
        capture_mode=intent.capture_mode.value,
        currency=intent.currency,
        amount=intent.total_amount,
        captured=book.captured if book else 0,
        refunded=book.refunded if book else 0,
        reference=intent.reference,
        email=customer.get("emailAddress"),
        card_brand=attempt.card_brand if attempt else None,
        card_last4=attempt.card_last4 if attempt else None,
    )


async def _payments(conn: Conn, intents: list[Intent]) -> list[Payment]:
    books = await ledger.load_ledgers(conn, [intent.id for intent in intents])
    return [_payment(intent, books.get(intent.id)) for intent in intents]


payment_rows = _payments  # lines of the list for other pages (a customer's payments)


async def list_page(
    ctx: Context,
    account: Account,
    filters: Filters,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = PAGE_SIZE,
) -> PaymentPage:
    found = criteria(account, filters)
    older_than = decode_cursor(after, "After") if after else None
    newer_than = decode_cursor(before, "Before") if before else None
    async with ctx.db.transaction(write=False) as conn:
        intents = await repo.page(
            conn, account.id, found, limit=limit, after=older_than, before=newer_than
        )
        more = len(intents) > limit
        intents = intents[:limit]
        if newer_than:
            intents.reverse()
        payments = await _payments(conn, intents)
    if not intents:
        return PaymentPage()
    return PaymentPage(
        payments=payments,
        newer=encode_cursor(intents[0]) if (more if newer_than else older_than) else None,
        older=encode_cursor(intents[-1]) if (True if newer_than else more) else None,
    )


CSV_COLUMNS = [
    "id", "created_at", "status", "capture_mode", "currency", "amount", "captured", "refunded",
    "reference", "email", "card_brand", "card_last4",
]  # fmt: skip


def major_units(value: int, currency: str) -> str:
    """``1050, GBP`` -> ``10.50``: exact, for spreadsheets."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), 10**exponent)
    return f"{sign}{whole}" + (f".{part:0{exponent}d}" if exponent else "")


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue()


def _defused(text: str | None) -> str:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def export_csv(ctx: Context, account: Account, filters: Filters) -> AsyncIterator[str]:
    """The whole filtered list, newest first, one short read transaction per batch."""
    found = criteria(account, filters)
    yield _csv_line(CSV_COLUMNS)
    after: tuple[datetime, str] | None = None
    while True:
        async with ctx.db.transaction(write=False) as conn:
            intents = await repo.page(conn, account.id, found, limit=EXPORT_BATCH, after=after)
            intents = intents[:EXPORT_BATCH]
            payments = await _payments(conn, intents)
        for p in payments:
            yield _csv_line(
                [
                    p.id,
                    p.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    p.status,
                    p.capture_mode,
                    p.currency,
                    major_units(p.amount, p.currency),
                    major_units(p.captured, p.currency),
                    major_units(p.refunded, p.currency),
                    _defused(p.reference),
                    _defused(p.email),
                    p.card_brand or "",
                    p.card_last4 or "",
                ]
            )
        if len(intents) < EXPORT_BATCH:
            return
        after = (intents[-1].created_at, intents[-1].id)
