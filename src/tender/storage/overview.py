"""Aggregate queries behind the dashboard's overview: a few GROUP BY queries over index ranges,
never a scan of every row.

* payments per UTC day: finished attempts joined to their intents, through the intents'
  ``(account_id, created_at)`` index. An attempt can only happen while its intent may be paid,
  which is at most 90 days after it was created, so intents created from 90 days before the
  window start hold every attempt of the window;
* refunds per UTC day: the ``created_at`` index of ``refunds``, joined to intents by primary key.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from tender.storage.db import Conn
from tender.storage.tables import payment_attempts, payment_intents, refunds

T = payment_intents
A = payment_attempts
R = refunds
# Longest an intent stays payable (``intents.MAX_EXPIRY``): bounds the intents scanned.
PAYABLE_FOR = timedelta(days=90)
FINISHED = ("succeeded", "declined", "referred", "failed")


@dataclass(frozen=True, slots=True)
class AttemptTally:
    """The attempts finished on one UTC day in one currency with one state and message."""

    day: date
    currency: str
    state: str
    message: str
    count: int
    amount: int  # minor units


@dataclass(frozen=True, slots=True)
class RefundTally:
    """The successful refunds made on one UTC day in one currency."""

    day: date
    currency: str
    count: int
    amount: int  # minor units


def utc_day(column: ColumnElement[datetime], dialect: str) -> ColumnElement[Any]:
    """The UTC day of a timestamp column (cheap to group by); ``as_date`` reads it back."""
    if dialect == "postgresql":
        return func.date_trunc("day", func.timezone("UTC", column))
    return func.substr(column, 1, 10)  # SQLite keeps UTC as 'YYYY-MM-DD HH:MM:SS…' text


def as_date(value: date | str) -> date:
    """A ``utc_day`` value as a date (PostgreSQL: a midnight timestamp; SQLite: text)."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(value)


def _attempts(account_id: str, start: datetime, end: datetime) -> Select[Any]:
    return (
        select()
        .select_from(A)
        .join(T, T.c.id == A.c.intent_id)
        .where(
            T.c.account_id == account_id,
            T.c.created_at >= start - PAYABLE_FOR,
            T.c.created_at < end,
            A.c.completed_at >= start,
            A.c.completed_at < end,
            A.c.state.in_(FINISHED),
        )
    )


async def attempts_per_day(
    conn: Conn, account_id: str, start: datetime, end: datetime
) -> list[AttemptTally]:
    """The attempts finished in [start, end), counted and summed per day, currency, state and
    message: one pass gives the volume, the approval rate and the decline reasons."""
    day = utc_day(A.c.completed_at, conn.dialect.name)
    query = (
        _attempts(account_id, start, end)
        .add_columns(
            day.label("day"),
            T.c.currency,
            A.c.state,
            A.c.message,
            func.count().label("count"),
            func.coalesce(func.sum(A.c.amount), 0).label("amount"),
        )
        .group_by(day, T.c.currency, A.c.state, A.c.message)
    )
    # ``_mapping["count"]``: to a type checker, ``r.count`` is the tuple method of that name.
    return [
        AttemptTally(
            as_date(r.day), r.currency, r.state, r.message, int(r._mapping["count"]), int(r.amount)
        )
        for r in await conn.execute(query)
    ]


async def refunds_per_day(
    conn: Conn, account_id: str, start: datetime, end: datetime
) -> list[RefundTally]:
    """The successful refunds made in [start, end), counted and summed per day and
    currency."""
    day = utc_day(R.c.created_at, conn.dialect.name)
    query = (
        select(
            day.label("day"),
            T.c.currency,
            func.count().label("count"),
            func.coalesce(func.sum(R.c.amount), 0).label("amount"),
        )
        .select_from(R)
        .join(T, T.c.id == R.c.intent_id)
        .where(
            R.c.created_at >= start,
            R.c.created_at < end,
            R.c.status == "Successful",
            T.c.account_id == account_id,
        )
        .group_by(day, T.c.currency)
    )
    return [
        RefundTally(as_date(r.day), r.currency, int(r._mapping["count"]), int(r.amount))
        for r in await conn.execute(query)
    ]
