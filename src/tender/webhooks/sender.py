"""One delivery attempt: POST the signed body, never follow redirects, time-box the whole
exchange, and describe what happened (status, duration, the start of the answer, or the error)."""

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from tender import signing
from tender.webhooks.targets import UnsafeTarget

log = logging.getLogger("tender.webhooks")
MAX_RESPONSE_BYTES = 2048
USER_AGENT = "Tender-Webhooks/1"
# The spec's example orders the members like this; keep it so bodies read like Dojo's.
_ORDER = ("id", "event", "accountId", "createdAt", "data")
_DATA_ORDER = ("paymentIntentId", "paymentStatus", "captureMode")


def _ordered(payload: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {k: payload[k] for k in order if k in payload}
    out.update({k: v for k, v in payload.items() if k not in out})
    return out


def render_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON in the spec's member order."""
    doc = _ordered(payload, _ORDER)
    if isinstance(doc.get("data"), dict):
        doc["data"] = _ordered(doc["data"], _DATA_ORDER)
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


NO_ANSWER = "no HTTP answer from the receiver"


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    response_body: str | None
    error: str | None
    refused: bool = False  # the address policy refused the target: retrying cannot help

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    *,
    secret: str,
    timeout_seconds: float,
    extra_headers: dict[str, str] | None = None,
) -> Outcome:
    """Send one signed delivery with ``client`` (``targets.guarded_client`` checks every
    connection it opens against the address policy).

    Transport failures are reported as one message, whatever their kind (refused, reset, TLS,
    not HTTP), so the log does not map which ports of a host are open."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    headers = {**signing.headers(secret, body), "user-agent": USER_AGENT, **(extra_headers or {})}
    try:
        async with asyncio.timeout(timeout_seconds):
            request = client.build_request(
                "POST", url, content=body, headers=headers, timeout=timeout_seconds
            )
            response = await client.send(request, stream=True, follow_redirects=False)
            try:
                text = await _read_start(response)
            finally:
                await response.aclose()
    except UnsafeTarget as exc:
        return Outcome(None, elapsed(), None, f"refused: {exc}", refused=True)
    except (TimeoutError, httpx.TimeoutException):
        return Outcome(None, elapsed(), None, f"timed out after {timeout_seconds:g}s")
    except httpx.HTTPError:
        return Outcome(None, elapsed(), None, NO_ANSWER)
    except Exception as exc:  # e.g. httpx.InvalidURL: one bad target must not stop the round
        log.warning("webhook POST failed: %s", type(exc).__name__)
        return Outcome(None, elapsed(), None, NO_ANSWER)
    error = None
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "")
        error = f"redirect to {location[:200]} not followed"
    elif not 200 <= response.status_code < 300:
        error = f"HTTP {response.status_code}"
    return Outcome(response.status_code, elapsed(), text, error)


async def _read_start(response: httpx.Response) -> str:
    chunks = bytearray()
    async for chunk in response.aiter_bytes():
        chunks += chunk
        if len(chunks) >= MAX_RESPONSE_BYTES:
            break
    return bytes(chunks[:MAX_RESPONSE_BYTES]).decode("utf-8", "replace")
