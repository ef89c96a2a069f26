"""Accounts and their API keys (stored as sha256 hashes, never in clear)."""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.storage.tables import accounts, api_keys


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def insert_account(
    conn: AsyncConnection,
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


async def get_account(conn: AsyncConnection, account_id: str) -> Row | None:
    return (await conn.execute(select(accounts).where(accounts.c.id == account_id))).first()


async def account_names(conn: AsyncConnection, account_ids: Iterable[str]) -> dict[str, str]:
    """Trading names of several accounts in one query."""
    query = select(accounts.c.id, accounts.c.name).where(accounts.c.id.in_(list(account_ids)))
    return {row.id: row.name for row in await conn.execute(query)}


async def find_account_by_name(conn: AsyncConnection, name: str, environment: str) -> Row | None:
    query = select(accounts).where(accounts.c.name == name, accounts.c.environment == environment)
    return (await conn.execute(query.order_by(accounts.c.created_at))).first()


async def any_account(conn: AsyncConnection) -> bool:
    return (await conn.execute(select(accounts.c.id).limit(1))).first() is not None


async def insert_key(
    conn: AsyncConnection, *, id: str, account_id: str, key: str, environment: str, now: datetime
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


async def key_exists(conn: AsyncConnection, key: str) -> bool:
    query = select(api_keys.c.id).where(api_keys.c.key_hash == hash_key(key))
    return (await conn.execute(query)).first() is not None


async def account_for_key(conn: AsyncConnection, key: str) -> Row | None:
    """The account a live (unrevoked) key belongs to."""
    query = (
        select(accounts)
        .join(api_keys, api_keys.c.account_id == accounts.c.id)
        .where(api_keys.c.key_hash == hash_key(key), api_keys.c.revoked_at.is_(None))
    )
    return (await conn.execute(query)).first()


async def list_keys(conn: AsyncConnection) -> Sequence[Row]:
    query = select(api_keys, accounts.c.name.label("account_name")).join(
        accounts, api_keys.c.account_id == accounts.c.id
    )
    return (await conn.execute(query.order_by(api_keys.c.created_at))).all()


async def revoke_key(conn: AsyncConnection, key_id: str, now: datetime) -> bool:
    result = await conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount == 1


async def any_live_key(conn: AsyncConnection, environment: str) -> bool:
    query = select(api_keys.c.id).where(
        api_keys.c.environment == environment, api_keys.c.revoked_at.is_(None)
    )
    return (await conn.execute(query.limit(1))).first() is not None
