"""Idempotency-key rows. A key is claimed (``in_flight``, with a lease) and completed with the
stored response inside the transaction of the effect itself, so the effect and the record of it
commit together or not at all. An operation that waits for the processor between two
transactions leaves its key ``in_flight`` with ``pending_ref`` naming the pending attempt or
movement: such a key is never taken over when its lease runs out, only completed once the
operation's outcome is recorded (by the request itself, or by the recovery job)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import bindparam, delete, select, update

from tender.storage.db import Conn
from tender.storage.tables import idempotency_keys
from tender.storage.upsert import insert_ignore

T = idempotency_keys
_KEY = (T.c.account_id == bindparam("_account_id"), T.c.key == bindparam("_key"))
LOCK = select(T).where(*_KEY).with_for_update()
UPDATE = update(T).where(*_KEY)
COMPLETE_PENDING = update(T).where(T.c.pending_ref == bindparam("_ref"))


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
    conn: Conn,
    account_id: str,
    key: str,
    request_hash: str,
    *,
    now: datetime,
    lease: timedelta,
    ttl: timedelta,
    pending_ref: str | None = None,
) -> Claim:
    """Claim ``key`` for this request, or say why not. The caller's transaction commits it.
    ``pending_ref`` names the attempt or movement the request is about to write pending."""
    values = dict(
        request_hash=request_hash,
        state="in_flight",
        response_status=None,
        response_body=None,
        locked_until=None if pending_ref else now + lease,
        pending_ref=pending_ref,
        created_at=now,
    )
    key_params = {"_account_id": account_id, "_key": key}
    for _ in range(3):
        inserted = await insert_ignore(
            conn, T, dict(account_id=account_id, key=key, **values), ["account_id", "key"]
        )
        if inserted:
            return Claim(ClaimResult.CLAIMED)
        row = (await conn.execute(LOCK, key_params)).first()
        if row is not None:
            break
        # The holder failed and released the key between our insert and our read: try again.
    else:  # released and re-claimed by others each time: it is busy, let the caller retry
        return Claim(ClaimResult.IN_FLIGHT)
    if now - row.created_at > ttl:  # an expired key is as good as new
        await conn.execute(UPDATE, {**key_params, **values})
        return Claim(ClaimResult.CLAIMED)
    if row.request_hash != request_hash:
        return Claim(ClaimResult.MISMATCH)
    if row.state == "done":
        return Claim(ClaimResult.REPLAY, row.response_status, row.response_body)
    if row.pending_ref is not None or (row.locked_until and row.locked_until > now):
        return Claim(ClaimResult.IN_FLIGHT, locked_until=row.locked_until)
    # The request that held the lease died before committing anything: take it over.
    takeover = {"locked_until": None if pending_ref else now + lease, "pending_ref": pending_ref}
    await conn.execute(UPDATE, {**key_params, **takeover})
    return Claim(ClaimResult.CLAIMED)


_DONE = {"state": "done", "locked_until": None, "pending_ref": None}


async def complete(conn: Conn, account_id: str, key: str, status: int, body: str) -> None:
    values = {"response_status": status, "response_body": body, **_DONE}
    await conn.execute(UPDATE, {"_account_id": account_id, "_key": key, **values})


async def complete_pending(conn: Conn, pending_ref: str, status: int, body: str) -> None:
    """Complete whichever key waits for ``pending_ref`` (recovery does not know the key)."""
    values = {"response_status": status, "response_body": body, **_DONE}
    await conn.execute(COMPLETE_PENDING, {"_ref": pending_ref, **values})


async def purge(conn: Conn, older_than: datetime) -> int:
    query = delete(T).where(T.c.created_at < older_than, T.c.pending_ref.is_(None))
    result = await conn.execute(query)
    return result.rowcount or 0
