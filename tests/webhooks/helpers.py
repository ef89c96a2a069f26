"""Helpers for delivery tests: a subscription, the account's events, and a driver that advances the
injectable clock past the backoff and runs dispatcher rounds (no sleeps)."""

from datetime import timedelta
from typing import Any

from tender.clock import ShiftedClock
from tender.service import dispatcher, events
from tender.service.context import Context
from tests.conftest import Api

ALL_EVENTS = [name for names in events.CATALOGUE.values() for name in names]


async def subscribe(api: Api, url: str, events: list[str] | None = None) -> dict[str, Any]:
    response = await api.request(
        "POST", "/webhooks", json={"events": events or ALL_EVENTS, "url": url}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def account_events(api: Api) -> list[dict[str, Any]]:
    """Every event of the account, oldest first (from the event stream endpoint)."""
    response = await api.request("GET", "/webhooks/stream", params={"after": 0})
    assert response.status_code == 200, response.text
    return [item["event"] for item in response.json()["data"]]


async def drain(
    ctx: Context, clock: ShiftedClock, *, rounds: int = 40, step: timedelta = timedelta(hours=9)
) -> int:
    """Run dispatcher rounds until one finds nothing to do, advancing the clock past any
    backoff between rounds; returns the number of rounds."""
    for n in range(1, rounds + 1):
        result = await dispatcher.dispatch_once(ctx)
        if result.idle:
            return n
        clock.advance(step)
    raise AssertionError(f"still busy after {rounds} rounds")
