"""Customers, their secrets (sha256 only) and saved payment methods. Reads return
``domain.customers`` records."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, insert, or_, select, update

from tender.domain.customers import Customer, PaymentMethod
from tender.domain.records import Intent
from tender.storage.db import Conn
from tender.storage.intents import intent_of
from tender.storage.tables import customer_secrets, customers, payment_intents, payment_methods

C = customers
S = customer_secrets
M = payment_methods


def _customer(row: Row[Any]) -> Customer:
    return Customer(**row._mapping)


def _method(row: Row[Any]) -> PaymentMethod:
    return PaymentMethod(**row._mapping)


async def insert_customer(conn: Conn, values: dict[str, Any]) -> Customer:
    return _customer((await conn.execute(insert(C).returning(*C.c), values)).one())


async def get_customers(
    conn: Conn, account_id: str, ids: list[str], *, for_update: bool = False
) -> list[Customer]:
    """The account's customers among ``ids`` that are not deleted (any order)."""
    query = select(C).where(C.c.account_id == account_id, C.c.id.in_(ids), C.c.deleted_at.is_(None))
    if for_update:
        query = query.with_for_update()
    return [_customer(row) for row in await conn.execute(query)]


async def update_customer(conn: Conn, customer_id: str, values: dict[str, Any]) -> Customer:
    query = update(C).where(C.c.id == customer_id).values(**values).returning(*C.c)
    return _customer((await conn.execute(query)).one())


async def search_customers(
    conn: Conn,
    account_id: str,
    *,
    limit: int,
    after: tuple[datetime, str] | None,
    before: tuple[datetime, str] | None,
) -> list[Customer]:
    """Newest first (oldest first with ``before``), up to ``limit + 1`` as intents' search."""
    query = select(C).where(C.c.account_id == account_id, C.c.deleted_at.is_(None))
    if after:
        at, id_ = after
        query = query.where(or_(C.c.created_at < at, and_(C.c.created_at == at, C.c.id < id_)))
    if before:
        at, id_ = before
        query = query.where(or_(C.c.created_at > at, and_(C.c.created_at == at, C.c.id > id_)))
        query = query.order_by(C.c.created_at.asc(), C.c.id.asc())
    else:
        query = query.order_by(C.c.created_at.desc(), C.c.id.desc())
    return [_customer(row) for row in await conn.execute(query.limit(limit + 1))]


async def insert_secret(
    conn: Conn, secret_hash: str, customer_id: str, now: datetime, expires_at: datetime
) -> None:
    await conn.execute(
        insert(S).values(
            secret_hash=secret_hash, customer_id=customer_id, created_at=now, expires_at=expires_at
        )
    )


async def customer_of_secret(conn: Conn, secret_hash: str, now: datetime) -> Customer | None:
    """The (not deleted) customer a secret that has not expired belongs to."""
    query = (
        select(C)
        .join(S, S.c.customer_id == C.c.id)
        .where(S.c.secret_hash == secret_hash, S.c.expires_at > now, C.c.deleted_at.is_(None))
    )
    row = (await conn.execute(query)).first()
    return _customer(row) if row is not None else None


async def purge_secrets(conn: Conn, now: datetime) -> None:
    await conn.execute(S.delete().where(S.c.expires_at <= now))


async def insert_method(conn: Conn, values: dict[str, Any]) -> PaymentMethod:
    return _method((await conn.execute(insert(M).returning(*M.c), values)).one())


async def method_by_fingerprint(
    conn: Conn, customer_id: str, fingerprint: str
) -> PaymentMethod | None:
    query = select(M).where(
        M.c.customer_id == customer_id, M.c.fingerprint == fingerprint, M.c.deleted_at.is_(None)
    )
    row = (await conn.execute(query)).first()
    return _method(row) if row is not None else None


async def update_method(conn: Conn, method_id: str, values: dict[str, Any]) -> PaymentMethod:
    query = update(M).where(M.c.id == method_id).values(**values).returning(*M.c)
    return _method((await conn.execute(query)).one())


async def get_method(conn: Conn, method_id: str) -> PaymentMethod | None:
    """A saved card that is not deleted (any customer: callers check whose it is)."""
    query = select(M).where(M.c.id == method_id, M.c.deleted_at.is_(None))
    row = (await conn.execute(query)).first()
    return _method(row) if row is not None else None


async def methods_of(conn: Conn, customer_id: str) -> list[PaymentMethod]:
    """A customer's saved cards (expired ones included), newest first."""
    query = (
        select(M)
        .where(M.c.customer_id == customer_id, M.c.deleted_at.is_(None))
        .order_by(M.c.created_at.desc(), M.c.id.desc())
    )
    return [_method(row) for row in await conn.execute(query)]


async def delete_methods_of(conn: Conn, customer_id: str, now: datetime) -> None:
    query = (
        update(M)
        .where(M.c.customer_id == customer_id, M.c.deleted_at.is_(None))
        .values(deleted_at=now)
    )
    await conn.execute(query)


async def intents_of(conn: Conn, account_id: str, customer_id: str, limit: int) -> list[Intent]:
    """The newest payment intents created for a customer."""
    P = payment_intents
    query = (
        select(P)
        .where(P.c.customer_id == customer_id, P.c.account_id == account_id)
        .order_by(P.c.created_at.desc(), P.c.id.desc())
        .limit(limit)
    )
    return [intent_of(row) for row in await conn.execute(query)]


async def all_methods_of(conn: Conn, customer_id: str) -> list[PaymentMethod]:
    """Every saved card a customer has had (deleted ones too), newest first: the dashboard's
    history of them."""
    query = select(M).where(M.c.customer_id == customer_id).order_by(M.c.created_at.desc(), M.c.id)
    return [_method(row) for row in await conn.execute(query)]
