"""An account's API keys as the dashboard manages them: list, create, roll, revoke.

A new key's secret is returned once, to the request that made it. The idempotency record keeps
only the key's id, never the secret, so a repeated submission (a double click) makes no second
key and cannot show the secret again.
"""

from dataclasses import dataclass

from tender.errors import NotFound
from tender.ids import new_id
from tender.service.accounts import Account, generate_key
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, run
from tender.storage import accounts as repo
from tender.storage.db import Conn
from tender.storage.records import ApiKey


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just made; ``secret`` is None when the request was a replay."""

    id: str
    secret: str | None
    revoked_id: str | None = None


async def list_keys(ctx: Context, account: Account) -> list[ApiKey]:
    """Newest first."""
    async with ctx.db.transaction(write=False) as conn:
        keys = await repo.list_keys(conn, account.id)
    return keys[::-1]


async def _insert(ctx: Context, conn: Conn, account: Account, secret: str) -> str:
    key_id = new_id("key", sandbox=account.sandbox)
    await repo.insert_key(
        conn,
        id=key_id,
        account_id=account.id,
        key=secret,
        environment=account.environment,
        now=ctx.clock(),
    )
    return key_id


async def create(ctx: Context, account: Account, idem: IdempotencyKey | None) -> NewKey:
    secret = generate_key(account.environment)

    async def effect(conn: Conn) -> Reply:
        return Reply(200, {"id": await _insert(ctx, conn, account, secret)})

    reply = await run(ctx, account.id, idem, effect)
    return NewKey(reply.body["id"], None if reply.replayed else secret)


async def roll(ctx: Context, account: Account, key_id: str, idem: IdempotencyKey | None) -> NewKey:
    """A new key in place of ``key_id``, which is revoked in the same transaction."""
    secret = generate_key(account.environment)

    async def effect(conn: Conn) -> Reply:
        if not await repo.revoke_key(conn, key_id, ctx.clock(), account.id):
            raise NotFound(f"No live key with id {key_id}.")
        return Reply(200, {"id": await _insert(ctx, conn, account, secret), "revoked": key_id})

    reply = await run(ctx, account.id, idem, effect)
    ctx.keys.clear()  # this process stops honouring the old key at once
    return NewKey(reply.body["id"], None if reply.replayed else secret, reply.body["revoked"])


async def revoke(ctx: Context, account: Account, key_id: str, idem: IdempotencyKey | None) -> None:
    async def effect(conn: Conn) -> Reply:
        if not await repo.revoke_key(conn, key_id, ctx.clock(), account.id):
            raise NotFound(f"No live key with id {key_id}.")
        return Reply(204, None)

    await run(ctx, account.id, idem, effect)
    ctx.keys.clear()  # this process stops honouring the key at once
