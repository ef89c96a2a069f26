"""Idempotency-key rows. A key is claimed (``in_flight``, with a lease) in a short transaction of
its own, then completed with the stored response inside the transaction of the effect itself, so
the effect and the record of it commit together or not at all."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from tender.storage.tables import idempotency_keys
from tender.storage.upsert import insert_ignore

T = idempotency_keys


class ClaimResult(StrEnum):
    CLAIMED = "claimed"
    REPLAY = "replay"
    IN_FLIGHT = "in_flight"
    MISMATCH = "mismatch"


@dataclass(frozen=True, slots=True)
class Claim:
    result: ClaimResult
    status: int | None = None
    body: str | None = None
    locked_until: datetime | None = None  # IN_FLIGHT: when the holder's lease ends


async def claim(
    conn: AsyncConnection,
    account_id: str,
    key: str,
    request_hash: str,
    *,
    now: datetime,
    lease: timedelta,
    ttl: timedelta,
    owner: str | None = None,
) -> Claim:
    """Claim ``key`` for this request, or say why not. The caller's transaction commits it."""
    values = dict(
        request_hash=request_hash,
        state="in_flight",
        response_status=None,
        response_body=None,
        locked_until=now + lease,
        created_at=now,
        owner=owner,
    )
    where = (T.c.account_id == account_id, T.c.key == key)
    for _ in range(3):
        inserted = await insert_ignore(
            conn, T, dict(account_id=account_id, key=key, **values), ["account_id", "key"]
        )
        if inserted:
            return Claim(ClaimResult.CLAIMED)
        row = (await conn.execute(select(T).where(*where).with_for_update())).first()
        if row is not None:
            break
        # The holder failed and released the key between our insert and our read: try again.
    else:  # released and re-claimed by others each time: it is busy, let the caller retry
        return Claim(ClaimResult.IN_FLIGHT)
    if now - row.created_at > ttl:  # an expired key is as good as new
        await conn.execute(update(T).where(*where).values(**values))
        return Claim(ClaimResult.CLAIMED)
    if row.request_hash != request_hash:
        return Claim(ClaimResult.MISMATCH)
    if row.state == "done":
        return Claim(ClaimResult.REPLAY, row.response_status, row.response_body)
    if row.locked_until and row.locked_until > now:
        return Claim(ClaimResult.IN_FLIGHT, locked_until=row.locked_until)
    # The request that held the lease died before committing anything: take it over.
    await conn.execute(update(T).where(*where).values(locked_until=now + lease, owner=owner))
    return Claim(ClaimResult.CLAIMED)


async def complete(
    conn: AsyncConnection, account_id: str, key: str, status: int, body: str
) -> None:
    await conn.execute(
        update(T)
        .where(T.c.account_id == account_id, T.c.key == key)
        .values(state="done", response_status=status, response_body=body, locked_until=None)
    )


async def release(conn: AsyncConnection, account_id: str, key: str) -> None:
    """Forget a claim whose request failed, so a retry runs it again."""
    await conn.execute(
        delete(T).where(T.c.account_id == account_id, T.c.key == key, T.c.state == "in_flight")
    )


async def purge(conn: AsyncConnection, older_than: datetime) -> int:
    result = await conn.execute(delete(T).where(T.c.created_at < older_than))
    return result.rowcount or 0


async def in_flight_owners(conn: AsyncConnection, host_prefix: str) -> list[str]:
    """Owners (``host/pid/nonce``) on one host that hold in-flight claims."""
    query = (
        select(T.c.owner)
        .where(T.c.state == "in_flight", T.c.owner.like(host_prefix + "%"))
        .distinct()
    )
    return [row[0] for row in await conn.execute(query)]


async def release_owners(conn: AsyncConnection, owners: list[str]) -> int:
    """Forget the in-flight claims of processes known to be dead (nothing of theirs committed:
    an effect and its completed key commit together)."""
    result = await conn.execute(delete(T).where(T.c.state == "in_flight", T.c.owner.in_(owners)))
    return result.rowcount or 0
