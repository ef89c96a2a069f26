"""Secrets Tender makes for itself, and the start-up check that refuses an unsafe setup.

Nothing secret has a default written in the repository: on the first start Tender generates the
card-fingerprint key and the demo shop's key and keeps them in the database, where every API
process of the installation finds the same values. An operator may set
``TENDER_FINGERPRINT_KEY`` instead; a production installation (one with a live ``sk_prod_`` key)
refuses to start when that key is a published default or too short to be secret.
"""

import asyncio
import hmac
import secrets

from tender.config import Settings
from tender.processor.cards import Card
from tender.service.context import Context
from tender.storage import accounts as accounts_repo
from tender.storage import installation as repo

FINGERPRINT_KEY = "fingerprint_key"
DEMO_KEY = "demo_key"
MIN_KEY_LENGTH = 16
# Defaults that were published (an older Tender shipped the first one) or are typical stand-ins.
KNOWN_DEFAULTS = frozenset(
    {"tender-sandbox-fingerprint-key", "changeme", "change-me", "secret", "test", "default"}
)


class UnsafeConfiguration(Exception):
    """Tender must not serve with this configuration; the message says what to change."""


async def stored_secret(ctx: Context, name: str, make: str) -> str:
    """The installation's secret ``name``; ``make`` is kept if none exists yet (first start)."""
    async with ctx.db.transaction(write=False) as conn:
        value = await repo.get(conn, name)
    if value is not None:
        return value
    async with ctx.db.transaction() as conn:
        await repo.put_if_absent(conn, name, make, ctx.clock())
        value = await repo.get(conn, name)
    assert value is not None
    return value


def weak_fingerprint_key(key: str) -> str | None:
    """Why ``key`` cannot protect production card fingerprints, or None."""
    if key.strip().lower() in KNOWN_DEFAULTS:
        return "TENDER_FINGERPRINT_KEY is a published default"
    if len(key) < MIN_KEY_LENGTH:
        return f"TENDER_FINGERPRINT_KEY is shorter than {MIN_KEY_LENGTH} characters"
    return None


async def prepare(ctx: Context) -> Settings:
    """Settings with the fingerprint key filled in (the operator's, or the generated one);
    raises ``UnsafeConfiguration`` when production keys exist and the operator's key is weak."""
    settings = ctx.settings
    if not settings.fingerprint_key:
        key = await stored_secret(ctx, FINGERPRINT_KEY, secrets.token_urlsafe(32))
        return settings.model_copy(update={"fingerprint_key": key})
    problem = weak_fingerprint_key(settings.fingerprint_key)
    if problem:
        async with ctx.db.transaction(write=False) as conn:
            production = await accounts_repo.any_live_key(conn, "prod")
        if production:
            raise UnsafeConfiguration(
                f"Refusing to serve: production keys exist and {problem}. Unset it (Tender then "
                "generates and keeps a random key) or set a long random value."
            )
    return settings


async def fingerprint_of(ctx: Context, card: Card) -> str:
    """The card's fingerprint, computed in a thread: the slow hash must not stall the loop.
    Never with an empty key: if start-up could not load it, it is read now or the payment
    fails. Call it before any transaction: it takes ~30 ms of CPU.

    A process remembers the fingerprints of the cards it saw in the last few minutes
    (``Context.fingerprints``, keyed by an HMAC under a key that lives and dies with the
    process, never stored), so a customer paying again does not cost another 30 ms."""
    remembered = hmac.new(ctx.fingerprint_pepper, card.number.encode(), "sha256").hexdigest()
    known: str | None = ctx.fingerprints.get(remembered)
    if known is not None:
        return known
    if not ctx.settings.fingerprint_key:
        async with ctx.db.transaction(write=False) as conn:
            key = await repo.get(conn, FINGERPRINT_KEY)
        if not key:
            raise RuntimeError("the card fingerprint key is not loaded yet")
        ctx.settings = ctx.settings.model_copy(update={"fingerprint_key": key})
    fingerprint = await asyncio.to_thread(card.fingerprint, ctx.settings.fingerprint_key)
    ctx.fingerprints.put(remembered, fingerprint)
    return fingerprint
