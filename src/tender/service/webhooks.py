"""Webhook subscriptions and their secrets (spec §5.1): one write transaction per change.

A subscription is created with one active secret. Rotation without a gap: ``add_secret`` makes a
second (inactive) one, the merchant teaches their receiver to accept both, ``activate_secret``
switches signing to it from that moment, and ``delete_secret`` retires the old one.
"""

import secrets as random_secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tender.errors import Conflict, InvalidRequest, NotFound
from tender.ids import new_id
from tender.service import events
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.service.views import timestamp
from tender.service.webhook_inputs import CreateWebhook, UpdateWebhook
from tender.storage import deliveries as delivery_repo
from tender.storage import webhooks as repo
from tender.storage.db import Conn
from tender.storage.records import WebhookSecret, WebhookSubscription
from tender.webhooks.targets import AddressPolicy, check_registration

ALL_EVENTS = frozenset(name for names in events.CATALOGUE.values() for name in names)


def catalogue() -> list[dict[str, Any]]:
    return [{"model": model, "events": list(names)} for model, names in events.CATALOGUE.items()]


def new_secret_value() -> str:
    """22 base64url characters, like Dojo's ``PDYkJQq6sESYHp_zJuTTBQ``."""
    return random_secrets.token_urlsafe(16)


def _check_events(names: Sequence[str]) -> list[str]:
    for i, name in enumerate(names):
        if name not in ALL_EVENTS:
            known = ", ".join(sorted(ALL_EVENTS))
            raise InvalidRequest.field(
                f"Events[{i}]", f"Unknown event {name!r}; GET /webhooks/events lists {known}."
            )
    return list(dict.fromkeys(names))


async def _check_url(ctx: Context, account: Account, url: str) -> str:
    """The address policy at registration (every send checks each connection again)."""
    url = url.strip()
    policy = AddressPolicy.of(
        sandbox=account.sandbox, allow_private=ctx.settings.allow_private_webhooks
    )
    problem = await check_registration(url, sandbox=account.sandbox, policy=policy)
    if problem:
        raise InvalidRequest.field("Url", problem)
    return url


def present_secret(secret: WebhookSecret) -> dict[str, Any]:
    return {
        "id": secret.id,
        "value": secret.value,
        "createdAt": timestamp(secret.created_at),
        "lastUsedAt": timestamp(secret.last_used_at),
        "isActive": secret.is_active,
    }


def present(sub: WebhookSubscription, secrets: Sequence[WebhookSecret]) -> dict[str, Any]:
    return {
        "id": sub.id,
        "accountId": sub.account_id,
        "events": list(sub.events),
        "url": sub.url,
        "description": sub.description,
        "secrets": [present_secret(s) for s in secrets if s.subscription_id == sub.id],
        "createdAt": timestamp(sub.created_at),
        "updatedAt": timestamp(sub.updated_at),
    }


async def _present_one(conn: Conn, account: Account, subscription_id: str) -> dict[str, Any]:
    sub = await repo.get_subscription(conn, account.id, subscription_id)
    assert sub is not None
    return present(sub, await repo.secrets_of(conn, [sub.id]))


async def _load(
    conn: Conn, account: Account, subscription_id: str, *, for_update: bool = True
) -> WebhookSubscription:
    sub = await repo.get_subscription(conn, account.id, subscription_id, for_update=for_update)
    if sub is None:
        raise NotFound(f"No webhook subscription with id {subscription_id}.")
    return sub


async def create(
    ctx: Context, account: Account, body: CreateWebhook, idem: IdempotencyKey | None
) -> Reply:
    names = _check_events(body.events)
    url = await _check_url(ctx, account, body.url)
    subscription_id = new_id("ws", sandbox=account.sandbox)
    secret_id = new_id("sc", sandbox=account.sandbox)

    async def effect(conn: Conn) -> Reply:
        now = ctx.clock()
        await repo.insert_subscription(
            conn,
            id=subscription_id,
            account_id=account.id,
            url=url,
            description=body.description,
            events=names,
            now=now,
        )
        await repo.insert_secret(
            conn,
            id=secret_id,
            subscription_id=subscription_id,
            value=new_secret_value(),
            active=True,
            now=now,
        )
        return Reply(200, await _present_one(conn, account, subscription_id))

    return await run(ctx, account.id, idem, effect)


async def list_all(ctx: Context, account: Account) -> list[dict[str, Any]]:
    async with ctx.db.transaction(write=False) as conn:
        subs = await repo.list_subscriptions(conn, account.id)
        secrets = await repo.secrets_of(conn, [sub.id for sub in subs]) if subs else []
        return [present(sub, secrets) for sub in subs]


async def get(ctx: Context, account: Account, subscription_id: str) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        await _load(conn, account, subscription_id, for_update=False)
        return await _present_one(conn, account, subscription_id)


async def update(
    ctx: Context,
    account: Account,
    subscription_id: str,
    body: UpdateWebhook,
    idem: IdempotencyKey | None,
) -> Reply:
    values: dict[str, Any] = {}
    if body.events is not None:
        values["events"] = _check_events(body.events)
    if body.url is not None:
        values["url"] = await _check_url(ctx, account, body.url)
    if "description" in body.model_fields_set:
        values["description"] = body.description

    async def effect(conn: Conn) -> Reply:
        await _load(conn, account, subscription_id)
        if values:
            await repo.update_subscription(
                conn, subscription_id, dict(values, updated_at=ctx.clock())
            )
        return Reply(200, await _present_one(conn, account, subscription_id))

    return await run(ctx, account.id, idem, effect)


async def delete(
    ctx: Context, account: Account, subscription_id: str, idem: IdempotencyKey | None
) -> Reply:
    async def effect(conn: Conn) -> Reply:
        await _load(conn, account, subscription_id)
        now = ctx.clock()
        await repo.update_subscription(conn, subscription_id, dict(deleted_at=now, updated_at=now))
        await delivery_repo.cancel_pending(conn, subscription_id, now)
        return Reply(204, None)

    return await run(ctx, account.id, idem, effect)


# --- secrets ----------------------------------------------------------------------------------


async def _secrets_body(conn: Conn, subscription_id: str) -> dict[str, Any]:
    secrets = await repo.secrets_of(conn, [subscription_id])
    return {"id": subscription_id, "secrets": [present_secret(s) for s in secrets]}


async def list_secrets(ctx: Context, account: Account, subscription_id: str) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        await _load(conn, account, subscription_id, for_update=False)
        return await _secrets_body(conn, subscription_id)


async def add_secret(
    ctx: Context, account: Account, subscription_id: str, idem: IdempotencyKey | None
) -> Reply:
    """A new, inactive secret: deliveries keep using the active one until it is activated."""
    secret_id = new_id("sc", sandbox=account.sandbox)

    async def effect(conn: Conn) -> Reply:
        await _load(conn, account, subscription_id)
        if len(await repo.secrets_of(conn, [subscription_id])) >= 5:
            raise Conflict("A subscription has at most 5 secrets; delete an inactive one first.")
        await repo.insert_secret(
            conn,
            id=secret_id,
            subscription_id=subscription_id,
            value=new_secret_value(),
            active=False,
            now=ctx.clock(),
        )
        return Reply(200, await _secrets_body(conn, subscription_id))

    return await run(ctx, account.id, idem, effect)


async def _load_secret(conn: Conn, subscription_id: str, secret_id: str) -> WebhookSecret:
    for secret in await repo.secrets_of(conn, [subscription_id]):
        if secret.id == secret_id:
            return secret
    raise NotFound(f"No secret with id {secret_id} on webhook subscription {subscription_id}.")


async def activate_secret(
    ctx: Context,
    account: Account,
    subscription_id: str,
    secret_id: str,
    idem: IdempotencyKey | None,
) -> Reply:
    """Sign every delivery from now on with ``secret_id`` (the others become inactive)."""

    async def effect(conn: Conn) -> Reply:
        await _load(conn, account, subscription_id)
        await _load_secret(conn, subscription_id, secret_id)
        await repo.activate_secret(conn, subscription_id, secret_id)
        return Reply(204, None)

    return await run(ctx, account.id, idem, effect)


async def delete_secret(
    ctx: Context,
    account: Account,
    subscription_id: str,
    secret_id: str,
    idem: IdempotencyKey | None,
) -> Reply:
    async def effect(conn: Conn) -> Reply:
        await _load(conn, account, subscription_id)
        secret = await _load_secret(conn, subscription_id, secret_id)
        if secret.is_active:
            raise Conflict(
                "The active secret signs deliveries and cannot be deleted; "
                "activate another secret first."
            )
        await repo.delete_secret(conn, secret_id)
        return Reply(204, None)

    return await run(ctx, account.id, idem, effect)


# --- pausing (the dashboard) ------------------------------------------------------------------


async def set_paused(
    ctx: Context,
    account: Account,
    subscription_id: str,
    paused: bool,
    idem: IdempotencyKey | None,
) -> Reply:
    """Pause (deliveries wait, in order, as pending) or resume (they go out at once)."""

    async def effect(conn: Conn) -> Reply:
        sub = await _load(conn, account, subscription_id)
        now = ctx.clock()
        if paused != (sub.paused_at is not None):
            await repo.update_subscription(
                conn, subscription_id, dict(paused_at=now if paused else None, updated_at=now)
            )
        return Reply(200, {"id": subscription_id, "paused": paused})

    return await run(ctx, account.id, idem, effect)


async def paused_since(ctx: Context, account: Account) -> dict[str, datetime]:
    """When each paused live subscription of the account was paused."""
    async with ctx.db.transaction(write=False) as conn:
        subs = await repo.list_subscriptions(conn, account.id)
    return {sub.id: sub.paused_at for sub in subs if sub.paused_at is not None}
