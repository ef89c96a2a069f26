"""Idempotent execution of a mutating use case (DESIGN.md: replay, mismatch, in flight)."""

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from tender.errors import IdempotencyInFlight, IdempotencyMismatch, InvalidRequest
from tender.service.context import Context
from tender.storage import idempotency as repo
from tender.storage.idempotency import ClaimResult

MAX_KEY_LENGTH = 100  # Dojo's maximum for idempotencyKey
_PRINTABLE = re.compile(r"^[\x20-\x7e]+\Z")


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    """A caller's key plus a fingerprint of the request it came with."""

    key: str
    fingerprint: str

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


@dataclass(frozen=True, slots=True)
class Reply:
    """What a mutating use case answers: an HTTP status and a JSON body (None for 204)."""

    status: int
    body: Any
    replayed: bool = False


Effect = Callable[[AsyncConnection], Awaitable[Reply]]


async def run(ctx: Context, account_id: str, idem: IdempotencyKey | None, effect: Effect) -> Reply:
    """Run ``effect`` in one write transaction, at most once per idempotency key."""
    if idem is None:
        async with ctx.db.transaction() as conn:
            return await effect(conn)

    settings = ctx.settings
    async with ctx.db.transaction() as conn:
        claim = await repo.claim(
            conn,
            account_id,
            idem.key,
            idem.fingerprint,
            now=ctx.clock(),
            lease=timedelta(seconds=settings.idempotency_lease_seconds),
            ttl=timedelta(hours=settings.idempotency_ttl_hours),
        )
    if claim.result is ClaimResult.REPLAY:
        assert claim.status is not None
        body = json.loads(claim.body) if claim.body else None
        return Reply(claim.status, body, replayed=True)
    if claim.result is ClaimResult.MISMATCH:
        raise IdempotencyMismatch(
            f"The idempotency key {idem.key!r} was used with a different request; "
            "use a new key for a new request."
        )
    if claim.result is ClaimResult.IN_FLIGHT:
        raise IdempotencyInFlight(
            f"A request with idempotency key {idem.key!r} is still being processed; retry later."
        )

    try:
        async with ctx.db.transaction() as conn:
            reply = await effect(conn)
            await repo.complete(
                conn,
                account_id,
                idem.key,
                reply.status,
                json.dumps(reply.body) if reply.body is not None else "",
            )
        return reply
    except Exception:  # a cancelled request leaves its lease to expire
        async with ctx.db.transaction() as conn:
            await repo.release(conn, account_id, idem.key)
        raise
