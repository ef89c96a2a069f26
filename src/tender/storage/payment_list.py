"""The dashboard's payment list: one account's intents filtered by a search term, statuses,
a creation-date range and amount ranges, newest first, paged by ``(created_at, id)`` keys.

The search term matches the intent id exactly, the reference or the customer's e-mail address
as a case-insensitive substring, or — four digits — the last four digits of a card used on it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select

from tender.domain.records import Intent
from tender.storage.db import Conn
from tender.storage.intents import intent_of
from tender.storage.tables import payment_attempts, payment_intents

T = payment_intents
A = payment_attempts


@dataclass(frozen=True, slots=True)
class AmountRange:
    """Bounds in minor units of one currency (either may be None)."""

    currency: str
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class Criteria:
    text: str | None = None
    statuses: Sequence[str] = ()
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    amounts: Sequence[AmountRange] = field(default_factory=tuple)


def _email() -> ColumnElement[str]:
    # ``details`` is a custom JSON type, so SQLAlchemy types its items as Any.
    email: ColumnElement[str] = T.c.details["customer"]["emailAddress"].as_string()
    return email


def _matches(text: str) -> ColumnElement[bool]:
    needle = text.lower()
    alternatives = [
        T.c.id == text,
        func.lower(T.c.reference).contains(needle, autoescape=True),
        func.lower(_email()).contains(needle, autoescape=True),
    ]
    if len(text) == 4 and text.isdigit():
        card = select(A.c.id).where(A.c.intent_id == T.c.id, A.c.card_last4 == text)
        alternatives.append(exists(card))
    return or_(*alternatives)


def _amounts(ranges: Sequence[AmountRange]) -> ColumnElement[bool]:
    clauses = []
    for r in ranges:
        parts = [T.c.currency == r.currency]
        if r.low is not None:
            parts.append(T.c.amount >= r.low)
        if r.high is not None:
            parts.append(T.c.amount <= r.high)
        clauses.append(and_(*parts))
    return or_(*clauses) if clauses else false()


def _filtered(account_id: str, criteria: Criteria) -> Select[Any]:
    query = select(T).where(T.c.account_id == account_id)
    if criteria.text:
        query = query.where(_matches(criteria.text))
    if criteria.statuses:
        query = query.where(T.c.status.in_(list(criteria.statuses)))
    if criteria.start:
        query = query.where(T.c.created_at >= criteria.start)
    if criteria.end:
        query = query.where(T.c.created_at < criteria.end)
    if criteria.amounts:
        query = query.where(_amounts(criteria.amounts))
    return query


async def page(
    conn: Conn,
    account_id: str,
    criteria: Criteria,
    *,
    limit: int,
    after: tuple[datetime, str] | None = None,
    before: tuple[datetime, str] | None = None,
) -> list[Intent]:
    """Up to ``limit + 1`` intents newest first (``before``: fetched oldest first towards newer
    ones; the caller trims and reverses, as ``intents.search_intents`` does)."""
    query = _filtered(account_id, criteria)
    if after:
        at, id_ = after
        query = query.where(or_(T.c.created_at < at, and_(T.c.created_at == at, T.c.id < id_)))
    if before:
        at, id_ = before
        query = query.where(or_(T.c.created_at > at, and_(T.c.created_at == at, T.c.id > id_)))
        query = query.order_by(T.c.created_at.asc(), T.c.id.asc())
    else:
        query = query.order_by(T.c.created_at.desc(), T.c.id.desc())
    return [intent_of(row) for row in await conn.execute(query.limit(limit + 1))]
