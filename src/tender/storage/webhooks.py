"""Webhook subscriptions and their signing secrets. Reads return ``storage.records``
values."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from tender.storage.db import Conn
from tender.storage.records import WebhookSecret, WebhookSubscription, record_of
from tender.storage.tables import webhook_secrets, webhook_subscriptions

S = webhook_subscriptions
K = webhook_secrets


async def insert_subscription(
    conn: Conn,
    *,
    id: str,
    account_id: str,
    url: str,
    description: str | None,
    events: Sequence[str],
    now: datetime,
) -> None:
    await conn.execute(
        insert(S).values(
            id=id,
            account_id=account_id,
            url=url,
            description=description,
            events=list(events),
            created_at=now,
            updated_at=now,
        )
    )


async def get_subscription(
    conn: Conn, account_id: str, subscription_id: str, *, for_update: bool = False
) -> WebhookSubscription | None:
    """A live subscription of ``account_id`` (deleted ones and other accounts' are None)."""
    query = select(S).where(
        S.c.id == subscription_id, S.c.account_id == account_id, S.c.deleted_at.is_(None)
    )
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return WebhookSubscription.of(row) if row is not None else None


async def get_subscription_any_state(
    conn: Conn, account_id: str, subscription_id: str
) -> WebhookSubscription | None:
    """Also deleted ones: their delivery log stays readable."""
    query = select(S).where(S.c.id == subscription_id, S.c.account_id == account_id)
    row = (await conn.execute(query)).first()
    return WebhookSubscription.of(row) if row is not None else None


async def list_subscriptions(conn: Conn, account_id: str) -> list[WebhookSubscription]:
    query = (
        select(S)
        .where(S.c.account_id == account_id, S.c.deleted_at.is_(None))
        .order_by(S.c.created_at, S.c.id)
    )
    return [WebhookSubscription.of(row) for row in await conn.execute(query)]


async def live_subscriptions_for(
    conn: Conn, account_ids: Iterable[str]
) -> list[WebhookSubscription]:
    query = select(S).where(S.c.account_id.in_(list(account_ids)), S.c.deleted_at.is_(None))
    return [WebhookSubscription.of(row) for row in await conn.execute(query)]


async def update_subscription(conn: Conn, subscription_id: str, values: dict[str, Any]) -> None:
    await conn.execute(update(S).where(S.c.id == subscription_id).values(**values))


async def insert_secret(
    conn: Conn,
    *,
    id: str,
    subscription_id: str,
    value: str,
    active: bool,
    now: datetime,
) -> None:
    await conn.execute(
        insert(K).values(
            id=id, subscription_id=subscription_id, value=value, is_active=active, created_at=now
        )
    )


async def secrets_of(conn: Conn, subscription_ids: Sequence[str]) -> list[WebhookSecret]:
    """Oldest first."""
    query = (
        select(K)
        .where(K.c.subscription_id.in_(list(subscription_ids)))
        .order_by(K.c.created_at, K.c.id)
    )
    return [record_of(WebhookSecret, row) for row in await conn.execute(query)]


async def activate_secret(conn: Conn, subscription_id: str, secret_id: str) -> None:
    """Make ``secret_id`` the only active secret (the caller holds the subscription's lock)."""
    await conn.execute(
        update(K)
        .where(K.c.subscription_id == subscription_id, K.c.id != secret_id)
        .values(is_active=False)
    )
    await conn.execute(update(K).where(K.c.id == secret_id).values(is_active=True))


async def delete_secret(conn: Conn, secret_id: str) -> None:
    await conn.execute(delete(K).where(K.c.id == secret_id))


async def active_secret(conn: Conn, subscription_id: str) -> WebhookSecret | None:
    query = select(K).where(K.c.subscription_id == subscription_id, K.c.is_active.is_(True))
    row = (await conn.execute(query)).first()
    return record_of(WebhookSecret, row) if row is not None else None


async def mark_secret_used(conn: Conn, secret_id: str, now: datetime) -> None:
    await conn.execute(update(K).where(K.c.id == secret_id).values(last_used_at=now))
