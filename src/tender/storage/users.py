"""Dashboard users, their sessions and the sign-in failure counters.

Session rows are keyed by the sha256 of the cookie's token; the token itself is never stored.
Reads return ``storage.records`` values.
"""

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from tender.storage.db import Conn
from tender.storage.records import DashboardSession, DashboardUser, SignInFailures, record_of
from tender.storage.tables import accounts, dashboard_sessions, dashboard_users, sign_in_failures
from tender.storage.upsert import insert_ignore

U = dashboard_users
S = dashboard_sessions
F = sign_in_failures


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def insert_user(
    conn: Conn,
    *,
    id: str,
    account_id: str,
    email: str,
    password_hash: str,
    role: str,
    now: datetime,
) -> None:
    await conn.execute(
        insert(U).values(
            id=id,
            account_id=account_id,
            email=email,
            password_hash=password_hash,
            role=role,
            created_at=now,
        )
    )


async def user_by_email(conn: Conn, email: str) -> DashboardUser | None:
    row = (await conn.execute(select(U).where(U.c.email == email))).first()
    return record_of(DashboardUser, row) if row is not None else None


async def list_users(conn: Conn, account_id: str | None = None) -> list[tuple[DashboardUser, str]]:
    """Users with their account's name, oldest first (of one account when given)."""
    query = select(U, accounts.c.name.label("account_name")).join(
        accounts, accounts.c.id == U.c.account_id
    )
    if account_id is not None:
        query = query.where(U.c.account_id == account_id)
    found = []
    for row in await conn.execute(query.order_by(U.c.created_at, U.c.id)):
        values = dict(row._mapping)
        account_name: str = values.pop("account_name")
        found.append((DashboardUser(**values), account_name))
    return found


async def update_user(conn: Conn, user_id: str, values: dict[str, Any]) -> None:
    await conn.execute(update(U).where(U.c.id == user_id).values(**values))


# --- sessions ---------------------------------------------------------------------------------


async def insert_session(
    conn: Conn,
    token: str,
    *,
    user_id: str,
    account_id: str,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    await conn.execute(
        insert(S).values(
            id=hash_token(token),
            user_id=user_id,
            account_id=account_id,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
        )
    )


async def session_with_user(conn: Conn, token: str, now: datetime) -> DashboardSession | None:
    """The live session for ``token`` with its user's e-mail, role and state, or None."""
    query = (
        select(
            S,
            U.c.email,
            U.c.role,
            U.c.disabled_at,
            U.c.account_id.label("home_account_id"),
        )
        .join(U, U.c.id == S.c.user_id)
        .where(S.c.id == hash_token(token), S.c.expires_at > now)
    )
    row = (await conn.execute(query)).first()
    return record_of(DashboardSession, row) if row is not None else None


async def update_session(conn: Conn, token: str, values: dict[str, Any]) -> None:
    await conn.execute(update(S).where(S.c.id == hash_token(token)).values(**values))


async def delete_session(conn: Conn, token: str) -> None:
    await conn.execute(delete(S).where(S.c.id == hash_token(token)))


async def delete_sessions_of(conn: Conn, user_id: str) -> None:
    await conn.execute(delete(S).where(S.c.user_id == user_id))


async def delete_expired_sessions(conn: Conn, now: datetime) -> None:
    await conn.execute(delete(S).where(S.c.expires_at <= now))


# --- sign-in failures -------------------------------------------------------------------------


async def failures_of(conn: Conn, email: str, *, for_update: bool = False) -> SignInFailures | None:
    query = select(F).where(F.c.email == email)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return record_of(SignInFailures, row) if row is not None else None


async def record_failure(
    conn: Conn, email: str, now: datetime, *, threshold: int, locked_until: datetime
) -> SignInFailures:
    """Count one more failure; lock the address once ``threshold`` is reached."""
    values = {"email": email, "failures": 0, "updated_at": now}
    await insert_ignore(conn, F, values, ["email"])
    row = await failures_of(conn, email, for_update=True)
    assert row is not None
    failures = row.failures + 1
    lock = locked_until if failures >= threshold else None
    await conn.execute(
        update(F)
        .where(F.c.email == email)
        .values(failures=0 if lock else failures, locked_until=lock, updated_at=now)
    )
    return (await failures_of(conn, email)) or row


async def clear_failures(conn: Conn, email: str) -> None:
    await conn.execute(delete(F).where(F.c.email == email))
