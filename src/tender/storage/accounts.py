"""Accounts and their API keys (stored as sha256 hashes, never in clear). Reads return
``storage.records`` values."""

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update

from tender.storage.db import Conn
from tender.storage.records import Account, ApiKey, LiveKey, record_of
from tender.storage.tables import accounts, api_keys


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def insert_account(
    conn: Conn,
    *,
    id: str,
    name: str,
    environment: str,
    currencies: Sequence[str],
    now: datetime,
) -> None:
    await conn.execute(
        insert(accounts).values(
            id=id, name=name, environment=environment, currencies=list(currencies), created_at=now
        )
    )


async def get_account(conn: Conn, account_id: str) -> Account | None:
    row = (await conn.execute(select(accounts).where(accounts.c.id == account_id))).first()
    return Account.of(row) if row is not None else None


async def find_account_by_name(conn: Conn, name: str, environment: str) -> Account | None:
    query = select(accounts).where(accounts.c.name == name, accounts.c.environment == environment)
    row = (await conn.execute(query.order_by(accounts.c.created_at))).first()
    return Account.of(row) if row is not None else None


async def any_account(conn: Conn) -> bool:
    return (await conn.execute(select(accounts.c.id).limit(1))).first() is not None


async def insert_key(
    conn: Conn, *, id: str, account_id: str, key: str, environment: str, now: datetime
) -> None:
    await conn.execute(
        insert(api_keys).values(
            id=id,
            account_id=account_id,
            key_hash=hash_key(key),
            hint=f"{key[:11]}…{key[-4:]}",
            environment=environment,
            created_at=now,
        )
    )


async def key_exists(conn: Conn, key: str) -> bool:
    query = select(api_keys.c.id).where(api_keys.c.key_hash == hash_key(key))
    return (await conn.execute(query)).first() is not None


async def accounts_named(conn: Conn, name: str) -> list[Account]:
    """Every account called ``name`` (one per environment, normally), oldest first."""
    query = select(accounts).where(accounts.c.name == name).order_by(accounts.c.created_at)
    return [Account.of(row) for row in await conn.execute(query)]


async def account_for_key(conn: Conn, key: str) -> LiveKey | None:
    """The live (unrevoked) key ``key``, with its account."""
    query = (
        select(
            accounts,
            api_keys.c.id.label("key_id"),
            api_keys.c.last_used_at.label("key_last_used_at"),
        )
        .join(api_keys, api_keys.c.account_id == accounts.c.id)
        .where(api_keys.c.key_hash == hash_key(key), api_keys.c.revoked_at.is_(None))
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    account = Account(row.id, row.name, row.environment, tuple(row.currencies), row.created_at)
    return LiveKey(row.key_id, row.key_last_used_at, account)


_KEY_COLUMNS = (
    api_keys.c.id,
    api_keys.c.account_id,
    accounts.c.name.label("account_name"),
    api_keys.c.hint,
    api_keys.c.environment,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
    api_keys.c.last_used_at,
)


async def list_keys(conn: Conn, account_id: str | None = None) -> list[ApiKey]:
    """Oldest first; hints only (neither the key nor its hash)."""
    query = select(*_KEY_COLUMNS).join(accounts, api_keys.c.account_id == accounts.c.id)
    if account_id is not None:
        query = query.where(api_keys.c.account_id == account_id)
    query = query.order_by(api_keys.c.created_at, api_keys.c.id)
    return [record_of(ApiKey, row) for row in await conn.execute(query)]


async def revoke_key(conn: Conn, key_id: str, now: datetime, account_id: str | None = None) -> bool:
    query = update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
    if account_id is not None:
        query = query.where(api_keys.c.account_id == account_id)
    result = await conn.execute(query.values(revoked_at=now))
    return result.rowcount == 1


async def touch_key(conn: Conn, key_id: str, now: datetime, stale: datetime) -> None:
    """Record that a key was used now, unless that was already recorded after ``stale``."""
    await conn.execute(
        update(api_keys)
        .where(
            api_keys.c.id == key_id,
            (api_keys.c.last_used_at.is_(None)) | (api_keys.c.last_used_at < stale),
        )
        .values(last_used_at=now)
    )


async def any_live_key(conn: Conn, environment: str) -> bool:
    query = select(api_keys.c.id).where(
        api_keys.c.environment == environment, api_keys.c.revoked_at.is_(None)
    )
    return (await conn.execute(query.limit(1))).first() is not None
