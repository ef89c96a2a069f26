"""The rate limits on Tender's public surface, and the card-testing defence.

Each rule is a setting in the ``limits`` notation (README, "Security"); a refusal is a
``TooManyRequests`` (429 problem with ``Retry-After``). What is counted:

* failed authentications per client address: past the limit, that address cannot authenticate
  at all (even with a valid key) until the window ends, so guessing keys learns nothing;
* key-less client-secret refreshes, per intent and per client address;
* declined card attempts (Connect-E 4 or 5), per intent, per account and per client address.
  An intent reaching its limit is *locked*: it refuses card attempts until its merchant refreshes
  its client session secret with their key (or ``card_lock_hours`` pass). An account or an
  address reaching its limit refuses card attempts until its window ends;
* demo-shop orders per client address.

Declines are counted in the limiter's own store, not derived from ``payment_attempts`` rows: the
per-address count has no rows to derive from, the same code then runs on Redis, a check costs one
key lookup instead of a scan, windows end by themselves, and a merchant's refresh can lift a lock
without touching the payment history. The price: a decline and its count are not one
transaction, so a crash between the two forgets one decline.
"""

from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem

from tender.errors import TooManyRequests
from tender.service.context import Context
from tender.service.ratelimit import Rules
from tender.storage import intents as intents_repo

DECLINED = frozenset({4, 5})  # Connect-E: referred, declined


def rules(ctx: Context) -> Rules:
    return ctx.limiter.rules


def enabled(ctx: Context) -> bool:
    return ctx.settings.rate_limits


# --- authentication ---------------------------------------------------------------------------


async def check_authentication(ctx: Context, client: str | None) -> None:
    """Refuse every authentication from an address that failed too often."""
    if not enabled(ctx) or not client:
        return
    rule = rules(ctx).auth_failures_per_ip
    if not await ctx.limiter.allowed(rule, "auth-failures", client):
        raise TooManyRequests(
            "Too many failed authentications from your address; wait before trying again.",
            retry_after=await ctx.limiter.retry_after(rule, "auth-failures", client),
        )


async def authentication_failed(ctx: Context, client: str | None) -> None:
    if enabled(ctx) and client:
        await ctx.limiter.hit(rules(ctx).auth_failures_per_ip, "auth-failures", client)


# --- key-less refreshes and the demo shop -----------------------------------------------------


async def _count_or_refuse(
    ctx: Context, rule: RateLimitItem, ids: tuple[str, ...], why: str
) -> None:
    if not await ctx.limiter.hit(rule, *ids):
        raise TooManyRequests(why, retry_after=await ctx.limiter.retry_after(rule, *ids))


async def public_refresh(ctx: Context, intent_id: str, client: str | None) -> None:
    """Count a key-less refresh of ``intent_id`` from ``client``; refuse past either limit."""
    if not enabled(ctx):
        return
    r = rules(ctx)
    await _count_or_refuse(
        ctx, r.public_refresh_per_intent, ("public-refresh", intent_id),
        "This payment intent's secret was refreshed too often; try again later.",
    )  # fmt: skip
    if client:
        await _count_or_refuse(
            ctx, r.public_refresh_per_ip, ("public-refresh-ip", client),
            "Too many client session secret refreshes from your address; try again later.",
        )  # fmt: skip


async def demo_order(ctx: Context, client: str | None) -> None:
    if enabled(ctx) and client:
        await _count_or_refuse(
            ctx, rules(ctx).demo_orders_per_ip, ("demo-orders", client),
            "The demo shop takes a limited number of orders per visitor; try again later.",
        )  # fmt: skip


# --- card testing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    intent_id: str
    account_id: str


async def _target_of_token(ctx: Context, token: str) -> Target | None:
    if not token:
        return None
    async with ctx.db.transaction(write=False) as conn:
        row = await intents_repo.get_intent_by_secret(conn, token)
    return Target(row.id, row.account_id) if row is not None else None


async def _target_of_intent(ctx: Context, intent_id: str) -> Target | None:
    async with ctx.db.transaction(write=False) as conn:
        row = await intents_repo.get_intent_any_account(conn, intent_id)
    return Target(row.id, row.account_id) if row is not None else None


async def refuse_card_testing(ctx: Context, target: Target, client: str | None) -> None:
    """Raise ``TooManyRequests`` if a card attempt on ``target`` from ``client`` is refused
    (the counters read at once)."""
    r, limiter = rules(ctx), ctx.limiter
    checks: list[tuple[RateLimitItem, tuple[str, ...], str]] = [
        (r.card_lock, ("card-lock", target.intent_id), "intent"),
        (r.declines_per_account, ("declines-account", target.account_id), "merchant"),
    ]
    if client:
        checks.append((r.declines_per_ip, ("declines-ip", client), "address"))
    refused = await limiter.first_refused([(rule, ids) for rule, ids, _ in checks])
    if refused < 0:
        return
    rule, ids, whose = checks[refused]
    if whose == "intent":
        raise TooManyRequests(
            "This payment intent has had too many declined attempts: it takes no more cards "
            "until the merchant refreshes its client session secret.",
            retry_after=await limiter.retry_after(rule, *ids),
        )
    raise TooManyRequests(
        f"Too many declined card attempts for this {whose}; try again later.",
        retry_after=await limiter.retry_after(rule, *ids),
    )


async def card_declined(ctx: Context, target: Target, client: str | None) -> None:
    """Count a declined attempt; the intent's limit reached locks it."""
    r, limiter = rules(ctx), ctx.limiter
    await limiter.hit(r.declines_per_account, "declines-account", target.account_id)
    if client:
        await limiter.hit(r.declines_per_ip, "declines-ip", client)
    await limiter.hit(r.declines_per_intent, "declines-intent", target.intent_id)
    if not await limiter.allowed(r.declines_per_intent, "declines-intent", target.intent_id):
        await limiter.hit(r.card_lock, "card-lock", target.intent_id)


async def challenge_decided(ctx: Context, answer: dict[str, Any], client: str | None) -> None:
    """A 3-D Secure challenge answered by the issuer: count it if it ended declined."""
    intent_id = answer.get("paymentIntentId")
    if enabled(ctx) and answer.get("statusCode") in DECLINED and intent_id:
        target = await _target_of_intent(ctx, intent_id)
        if target is not None:
            await card_declined(ctx, target, client)


async def unlock_intent(ctx: Context, intent_id: str) -> None:
    """The merchant refreshed the intent's secret with their key: card attempts may resume."""
    if enabled(ctx):
        r = rules(ctx)
        await ctx.limiter.clear(r.card_lock, "card-lock", intent_id)
        await ctx.limiter.clear(r.declines_per_intent, "declines-intent", intent_id)
