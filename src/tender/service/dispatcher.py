"""The webhook dispatcher: outbox events → deliveries → signed POSTs, at least once.

``dispatch_once`` does one round, and the background job calls it in a loop:

1. fan-out: each outbox event not yet seen becomes one delivery per live subscription of its
   account that subscribes to its name (a marker row records that the event was fanned out);
2. claim: due deliveries are leased to this round (``FOR UPDATE SKIP LOCKED`` on PostgreSQL),
   skipping any whose earlier event for the same intent is still pending to that subscription;
3. send: outside any transaction, each signed with the subscription's secret active *now*;
4. record: every attempt is logged; a 2xx marks the delivery delivered, a target the address
   policy refuses fails it at once (retrying cannot help), anything else schedules a retry with
   exponential backoff until ``webhook_max_attempts`` is reached.

A dispatcher that stops between claim and record loses nothing: the lease expires and another
round sends the delivery again (receivers de-duplicate on the event ``id``).
"""

import asyncio
import logging
import random
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from tender.ids import new_id
from tender.service.context import Context
from tender.storage import deliveries as repo
from tender.storage import webhooks as subscriptions
from tender.storage.records import ClaimedDelivery
from tender.webhooks import backoff, sender
from tender.webhooks.targets import AddressPolicy, guarded_client

log = logging.getLogger("tender.webhooks")
FAN_OUT_BATCH = 500
# Longer than any transaction that writes an event stays open (see advance_low_water).
SETTLE = timedelta(minutes=5)


@dataclass
class DispatchResult:
    fanned_out: int = 0
    attempted: int = 0
    delivered: int = 0
    gave_up: int = 0

    @property
    def idle(self) -> bool:
        return not (self.fanned_out or self.attempted)


@dataclass(frozen=True, slots=True)
class Claimed:
    delivery: ClaimedDelivery
    secret_id: str | None
    secret: str | None = field(repr=False)


async def fan_out(ctx: Context, limit: int = FAN_OUT_BATCH) -> int:
    """Turn new outbox events into deliveries; returns how many deliveries were created."""
    created = 0
    async with ctx.db.transaction() as conn:
        now = ctx.clock()
        low_water = await repo.fanout_low_water(conn)
        events = await repo.events_to_fan_out(conn, low_water, limit)
        if not events:
            await repo.advance_low_water(conn, low_water, now - SETTLE)
            return 0
        subs = await subscriptions.live_subscriptions_for(conn, {e.account_id for e in events})
        for event in events:
            for sub in subs:
                if sub.account_id != event.account_id or event.event not in sub.events:
                    continue
                created += await repo.insert_delivery(
                    conn,
                    id=_delivery_id("_sandbox_" in sub.id),
                    event=event,
                    subscription_id=sub.id,
                    due=event.created_at,
                    now=now,
                )
        await repo.mark_fanned_out(conn, [event.seq for event in events], now)
        await repo.advance_low_water(conn, low_water, now - SETTLE)
    return created


def _delivery_id(sandbox: bool) -> str:
    return new_id("dlv", sandbox=sandbox)


def lease_length(ctx: Context) -> timedelta:
    s = ctx.settings
    return timedelta(seconds=max(s.webhook_lease_seconds, 2 * s.webhook_timeout_seconds + 5))


async def claim(ctx: Context, limit: int) -> tuple[str, list[Claimed]]:
    """Lease due deliveries; each comes with the secret that is active at this moment."""
    token = secrets.token_hex(16)
    async with ctx.db.transaction() as conn:
        now = ctx.clock()
        ids = await repo.claim_due(
            conn, now=now, limit=limit, lease_until=now + lease_length(ctx), token=token
        )
        if not ids:
            return token, []
        claimed = await repo.claimed(conn, ids)
        # Each subscription's secret once, marked used in one order (by id) by every dispatcher:
        # two dispatchers marking the same two secrets in opposite orders deadlock.
        active = {}
        for subscription_id in sorted({d.subscription_id for d in claimed}):
            active[subscription_id] = await subscriptions.active_secret(conn, subscription_id)
        for used in sorted((s for s in active.values() if s is not None), key=lambda s: s.id):
            await subscriptions.mark_secret_used(conn, used.id, now)
        out = []
        for delivery in claimed:
            secret = active[delivery.subscription_id]
            out.append(
                Claimed(delivery, secret.id if secret else None, secret.value if secret else None)
            )
    return token, out


class Clients:
    """One guarded HTTP client per address policy (production and sandbox differ), or one
    injected client for everything (tests)."""

    def __init__(self, ctx: Context, injected: httpx.AsyncClient | None = None) -> None:
        self.allow_private = ctx.settings.allow_private_webhooks
        self.injected = injected
        self._own: dict[AddressPolicy, httpx.AsyncClient] = {}

    def for_delivery(self, delivery: ClaimedDelivery) -> httpx.AsyncClient:
        if self.injected is not None:
            return self.injected
        policy = AddressPolicy.of(
            sandbox=delivery.environment == "sandbox", allow_private=self.allow_private
        )
        if policy not in self._own:
            self._own[policy] = guarded_client(policy)
        return self._own[policy]

    async def aclose(self) -> None:
        for client in self._own.values():
            await client.aclose()
        self._own.clear()


async def _send(ctx: Context, clients: Clients, item: Claimed) -> sender.Outcome:
    delivery = item.delivery
    if delivery.deleted_at is not None or item.secret is None:
        return sender.Outcome(None, 0, None, "subscription deleted")
    return await sender.post(
        clients.for_delivery(delivery),
        delivery.url,
        sender.render_body(delivery.payload),
        secret=item.secret,
        timeout_seconds=ctx.settings.webhook_timeout_seconds,
    )


async def _record(
    ctx: Context,
    token: str,
    items: list[Claimed],
    outcomes: list[sender.Outcome],
    rng: random.Random | None,
    result: DispatchResult,
) -> None:
    s = ctx.settings
    async with ctx.db.transaction() as conn:
        now = ctx.clock()
        for item, outcome in zip(items, outcomes, strict=True):
            delivery = item.delivery
            number = delivery.attempt_count + 1
            await repo.record_attempt(
                conn,
                id=_attempt_id(delivery.id),
                delivery_id=delivery.id,
                number=number,
                secret_id=item.secret_id,
                url=delivery.url,
                started_at=now - timedelta(milliseconds=outcome.duration_ms),
                duration_ms=outcome.duration_ms,
                status_code=outcome.status_code,
                response_body=outcome.response_body,
                error=outcome.error[:500] if outcome.error else None,
            )
            values: dict[str, Any] = dict(
                attempt_count=number,
                last_status_code=outcome.status_code,
                last_error=outcome.error[:500] if outcome.error else None,
                updated_at=now,
            )
            if delivery.deleted_at is not None:
                values.update(status=repo.CANCELED, next_attempt_at=None)
            elif outcome.ok:
                values.update(status=repo.DELIVERED, delivered_at=now, next_attempt_at=None)
                result.delivered += 1
            else:
                tries = delivery.tries + 1
                values["tries"] = tries
                if outcome.refused or tries >= s.webhook_max_attempts:
                    values.update(status=repo.FAILED, next_attempt_at=None)
                    result.gave_up += 1
                else:
                    wait = backoff.delay(
                        tries,
                        base_seconds=s.webhook_backoff_base_seconds,
                        max_seconds=s.webhook_backoff_max_seconds,
                        rng=rng,
                    )
                    values["next_attempt_at"] = now + wait
            if not await repo.finish(conn, delivery.id, token, values):
                log.warning("lease on delivery %s expired before its result was saved", delivery.id)


def _attempt_id(delivery_id: str) -> str:
    return new_id("att", sandbox="_sandbox_" in delivery_id)


async def dispatch_once(
    ctx: Context,
    *,
    client: "httpx.AsyncClient | Clients | None" = None,
    rng: random.Random | None = None,
    limit: int | None = None,
) -> DispatchResult:
    """One round: fan out, claim, send concurrently, record. Tests call it directly."""
    result = DispatchResult(fanned_out=await fan_out(ctx))
    token, items = await claim(ctx, limit or ctx.settings.webhook_batch_size)
    if not items:
        return result
    clients = client if isinstance(client, Clients) else Clients(ctx, client)
    try:
        outcomes = await asyncio.gather(*(_send(ctx, clients, item) for item in items))
    finally:
        if clients is not client:
            await clients.aclose()
    result.attempted = len(items)
    await _record(ctx, token, items, list(outcomes), rng, result)
    return result


def new_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """Never follows redirects and ignores proxy settings from the environment."""
    return httpx.AsyncClient(transport=transport, trust_env=False, follow_redirects=False)


async def run(ctx: Context, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
    """The background job: dispatch rounds until cancelled; idle rounds wait a poll interval."""
    clients = Clients(ctx, new_client(transport) if transport is not None else None)
    try:
        while True:
            try:
                result = await dispatch_once(ctx, client=clients)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("webhook dispatch round failed; retrying")
                result = None
            if result is None or result.idle:
                await asyncio.sleep(ctx.settings.webhook_poll_seconds)
    finally:
        await clients.aclose()
        if clients.injected is not None:
            await clients.injected.aclose()
