"""Idempotent execution of a mutating use case (DESIGN.md: replay, mismatch, in flight).

The key is claimed in the same transaction as the effect and completed in it, so a request that
fails leaves nothing behind and a retry runs it again. Operations that call the processor claim
in their first transaction and complete in their last (``claim``/``complete``).
"""

import hashlib
import json
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tender.errors import IdempotencyInFlight, IdempotencyMismatch, InvalidRequest
from tender.service.context import Context
from tender.storage import idempotency as repo
from tender.storage.db import Conn
from tender.storage.idempotency import ClaimResult

MAX_KEY_LENGTH = 100  # Dojo's maximum for idempotencyKey
RETRY_AFTER_CAP = 5  # seconds suggested to a caller whose key is in flight
_PRINTABLE = re.compile(r"^[\x20-\x7e]+\Z")


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    """A caller's key plus a fingerprint of the request it came with. ``scope`` narrows where
    the key must be unique (refund keys are unique per intent, as Dojo documents them)."""

    key: str
    fingerprint: str
    scope: str | None = None

    @classmethod
    def of(cls, key: str | None, method: str, path: str, body: bytes) -> "IdempotencyKey | None":
        if key is None:
            return None
        if not key.strip() or len(key) > MAX_KEY_LENGTH or not _PRINTABLE.match(key):
            raise InvalidRequest.field(
                "IdempotencyKey",
                f"The idempotency key must be 1-{MAX_KEY_LENGTH} printable ASCII characters.",
            )
        try:  # the same JSON written differently is the same request
            canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
        except (ValueError, RecursionError):  # bodies of body-less routes are not parsed
            canonical = body.decode("utf-8", "replace")
        digest = hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()
        return cls(key, digest)

    def within(self, scope: str) -> "IdempotencyKey":
        return IdempotencyKey(self.key, self.fingerprint, scope)

    @property
    def stored(self) -> str:
        return f"{self.scope}/{self.key}" if self.scope else self.key


@dataclass(frozen=True, slots=True)
class Reply:
    """What a mutating use case answers: an HTTP status and a JSON body (None for 204)."""

    status: int
    body: Any
    replayed: bool = False

    def encoded(self) -> str:
        return json.dumps(self.body) if self.body is not None else ""


Effect = Callable[[Conn], Awaitable[Reply]]


async def claim(
    ctx: Context, conn: Conn, account_id: str, idem: IdempotencyKey, pending_ref: str | None = None
) -> Reply | None:
    """Claim ``idem`` in the caller's transaction: None to go on, or the stored reply to replay.
    Raises IdempotencyMismatch (422) or IdempotencyInFlight (409). With ``pending_ref`` (the
    attempt or movement about to be written pending) the key stays in flight, across
    transactions, until that has an outcome."""
    settings = ctx.settings
    found = await repo.claim(
        conn,
        account_id,
        idem.stored,
        idem.fingerprint,
        now=ctx.clock(),
        lease=timedelta(seconds=settings.idempotency_lease_seconds),
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        pending_ref=pending_ref,
    )
    if found.result is ClaimResult.REPLAY:
        assert found.status is not None
        body = json.loads(found.body) if found.body else None
        return Reply(found.status, body, replayed=True)
    if found.result is ClaimResult.MISMATCH:
        raise IdempotencyMismatch(
            f"The idempotency key {idem.key!r} was used with a different request; "
            "use a new key for a new request."
        )
    if found.result is ClaimResult.IN_FLIGHT:
        # The holder usually finishes within moments (one waiting for the acquirer within its
        # timeout, or the recovery job's next round); never suggest beyond a lease.
        wait = 1
        if found.locked_until is not None:
            left = math.ceil((found.locked_until - ctx.clock()).total_seconds())
            wait = max(1, min(RETRY_AFTER_CAP, left))
        raise IdempotencyInFlight(
            f"A request with idempotency key {idem.key!r} is still being processed; retry later.",
            retry_after=wait,
        )
    return None


async def complete(conn: Conn, account_id: str, idem: IdempotencyKey | None, reply: Reply) -> None:
    if idem is not None:
        await repo.complete(conn, account_id, idem.stored, reply.status, reply.encoded())


async def complete_pending(conn: Conn, pending_ref: str, reply: Reply) -> None:
    await repo.complete_pending(conn, pending_ref, reply.status, reply.encoded())


async def run(ctx: Context, account_id: str, idem: IdempotencyKey | None, effect: Effect) -> Reply:
    """Run ``effect`` in one write transaction, at most once per idempotency key."""
    async with ctx.db.transaction() as conn:
        if idem is not None and (replay := await claim(ctx, conn, account_id, idem)):
            return replay
        reply = await effect(conn)
        await complete(conn, account_id, idem, reply)
        return reply


async def purge_expired(ctx: Context) -> int:
    """Forget keys older than their TTL (the housekeeping job calls this); a key still waiting
    for its operation's outcome is kept until that is recorded."""
    older_than = ctx.clock() - timedelta(hours=ctx.settings.idempotency_ttl_hours)
    async with ctx.db.transaction() as conn:
        return await repo.purge(conn, older_than)
