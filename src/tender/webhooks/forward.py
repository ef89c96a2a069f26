"""``tender listen``: follow an account's events over HTTP and forward each, signed, to a local
URL (what ``stripe listen --forward-to`` does for Stripe).

It talks to a Tender server with an API key, like any integration: ``GET /webhooks/stream``
gives the events after a cursor. Each poll re-reads a few events before the cursor and skips the
ids it has already forwarded, so an event whose transaction committed just after a later one is
not missed.
"""

import asyncio
import secrets
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from tender.webhooks import sender

VERSION = "2024-02-05"
OVERLAP = 50
PAGE = 100


class ForwardError(Exception):
    """The Tender server refused the stream (bad key, unreachable, …)."""


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class Forwarder:
    def __init__(
        self,
        *,
        api_url: str,
        api_key: str,
        forward_to: str,
        secret: str | None = None,
        events: set[str] | None = None,
        out: Callable[[str], None] = print,
        api_transport: httpx.AsyncBaseTransport | None = None,
        target_transport: httpx.AsyncBaseTransport | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.forward_to = forward_to
        self.secret = secret or new_secret()
        self.events = events
        self.out = out
        self.timeout_seconds = timeout_seconds
        self.cursor: int | None = None
        self.floor = 0  # events at or before the start are history, never forwarded
        self._seen: set[str] = set()
        self._order: deque[str] = deque()
        self.api = httpx.AsyncClient(
            base_url=api_url.rstrip("/"),
            headers={"Authorization": f"Basic {api_key}", "version": VERSION},
            transport=api_transport,
            timeout=30,
            trust_env=False,
        )
        self.target = httpx.AsyncClient(transport=target_transport, trust_env=False)

    async def aclose(self) -> None:
        await self.api.aclose()
        await self.target.aclose()

    async def _stream(self, after: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": PAGE}
        if after is not None:
            params["after"] = after
        try:
            response = await self.api.get("/webhooks/stream", params=params)
        except httpx.HTTPError as exc:
            raise ForwardError(f"cannot reach {self.api.base_url}: {exc}") from None
        if response.status_code != 200:
            try:
                detail = response.json().get("detail") or response.text
            except ValueError:
                detail = response.text
            raise ForwardError(f"{response.status_code} from {self.api.base_url}: {detail}")
        page: dict[str, Any] = response.json()
        return page

    async def start(self) -> None:
        """Begin at the account's newest event: only events from now on are forwarded."""
        self.cursor = self.floor = (await self._stream(None))["cursor"]

    def _remember(self, event_id: str) -> None:
        self._seen.add(event_id)
        self._order.append(event_id)
        while len(self._order) > 10 * (OVERLAP + PAGE):
            self._seen.discard(self._order.popleft())

    async def poll_once(self) -> int:
        """Forward every new event; returns how many were forwarded."""
        if self.cursor is None:
            await self.start()
        assert self.cursor is not None
        forwarded = 0
        after = max(self.cursor - OVERLAP, self.floor)
        while True:
            page = await self._stream(after)
            for item in page["data"]:
                event = item["event"]
                if item["seq"] <= self.floor or event["id"] in self._seen:
                    continue
                self._remember(event["id"])
                if self.events and event.get("event") not in self.events:
                    continue
                await self.forward(event)
                forwarded += 1
            self.cursor = max(self.cursor, page["cursor"])
            if len(page["data"]) < PAGE:
                return forwarded
            after = page["cursor"]

    async def forward(self, event: dict[str, Any]) -> sender.Outcome:
        outcome = await sender.post(
            self.target,
            self.forward_to,
            sender.render_body(event),
            secret=self.secret,
            timeout_seconds=self.timeout_seconds,
        )
        self.out(describe(event, outcome))
        return outcome

    async def run(self, interval: float = 1.0) -> None:
        await self.start()
        while True:
            await self.poll_once()
            await asyncio.sleep(interval)


def describe(event: dict[str, Any], outcome: sender.Outcome) -> str:
    """One line per event: when, what, which intent, and what the receiver answered."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    data = event.get("data") or {}
    what = f"{event.get('event')} {event.get('id')} {data.get('paymentIntentId', '')}".strip()
    if outcome.status_code is not None:
        answer = f"[{outcome.status_code}]"
        if outcome.error and not outcome.ok:
            answer += f" {outcome.error}"
    else:
        answer = f"[error] {outcome.error}"
    return f"{when}  --> {what}  <-- {answer} ({outcome.duration_ms} ms)"
