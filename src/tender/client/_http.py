"""Sending one logical call: headers, the idempotency key, retries with backoff, error mapping.

A logical call is retried on a connection error (no answer), on ``409`` "still being processed"
(the same idempotency key is in flight), on ``429`` and on ``5xx``. Every attempt of a mutating
call carries the same idempotency key — the caller's, or one generated for the call — so the
server performs the effect at most once however many attempts it took.
"""

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tender.client.errors import (
    APIConnectionError,
    APIError,
    error_for,
    is_in_flight,
    names_a_movement,
)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_VERSION = "2024-02-05"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
MAX_RETRY_DELAY = 8.0
USER_AGENT = "tender-python/0.1.0"
_MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
_RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True, slots=True)
class Call:
    """One logical API call, before any attempt is made."""

    method: str
    path: str
    json: Any = None
    form: Mapping[str, str] | None = None  # an HTML form post (the sandbox's 3-D Secure page)
    params: Mapping[str, Any] | None = None
    idempotency_key: str | None = None
    authenticated: bool = True
    mutating: bool | None = None  # None: decided by the method (search is a read-only POST)
    retries: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)
    text: bool = False  # the answer is a page, not JSON

    @property
    def is_mutating(self) -> bool:
        return self.method in _MUTATING if self.mutating is None else self.mutating


def retry_delay(attempt: int, initial: float, response: httpx.Response | None = None) -> float:
    """Exponential backoff with jitter (``initial * 2**attempt``, ±25%, at most 8 s); a
    ``Retry-After`` of a few seconds from the server wins."""
    if response is not None:
        after = response.headers.get("retry-after", "")
        if after.replace(".", "", 1).isdigit():
            return min(float(after), MAX_RETRY_DELAY)
    return min(initial * 2.0**attempt * random.uniform(0.75, 1.25), MAX_RETRY_DELAY)


def _retryable(response: httpx.Response) -> bool:
    if names_a_movement(response):  # the acquirer's answer (or its absence) is on record
        return False
    return response.status_code in _RETRY_STATUSES or is_in_flight(response)


def _connection_error(exc: httpx.TransportError, call: Call, base: httpx.URL) -> APIConnectionError:
    where = f"{call.method} {base}{call.path}"
    return APIConnectionError(
        f"Could not reach the Tender API ({where}): {type(exc).__name__}: {exc}"
    )


class _Base:
    def __init__(
        self,
        api_key: str | None,
        *,
        version: str,
        max_retries: int,
        retry_delay: float,
    ) -> None:
        self.api_key = api_key
        self.version = version
        self.max_retries = max_retries
        self.retry_delay = retry_delay

    def request_kwargs(self, call: Call, key: str | None) -> dict[str, Any]:
        headers = {"version": self.version, **call.headers}
        if call.authenticated:
            if not self.api_key:
                raise APIError("An API key is required: Tender(api_key='sk_sandbox_…').")
            headers["Authorization"] = f"Basic {self.api_key}"
        if key is not None:
            headers["idempotencyKey"] = key
        kwargs: dict[str, Any] = {"headers": headers}
        if call.json is not None:
            kwargs["json"] = call.json
        if call.form is not None:
            kwargs["data"] = call.form
        if call.params:
            kwargs["params"] = {k: v for k, v in call.params.items() if v is not None}
        return kwargs

    def key_for(self, call: Call) -> str | None:
        """The caller's key, never replaced; a fresh one per mutating logical call otherwise."""
        if call.idempotency_key is not None:
            return call.idempotency_key
        return str(uuid.uuid4()) if call.is_mutating else None

    def attempts(self, call: Call) -> int:
        return 1 + (self.max_retries if call.retries else 0)


def _result(response: httpx.Response, call: Call) -> Any:
    if call.text:
        return response.text
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


class SyncHTTP(_Base):
    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str,
        version: str,
        timeout: float,
        max_retries: int,
        retry_delay: float,
        transport: httpx.BaseTransport | None,
        sleep: Callable[[float], None] | None,
    ) -> None:
        super().__init__(api_key, version=version, max_retries=max_retries, retry_delay=retry_delay)
        self.sleep = sleep or time.sleep
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    def send(self, call: Call) -> Any:
        """Send ``call``, retrying what is safe to retry; the JSON answer, or an APIError."""
        kwargs = self.request_kwargs(call, self.key_for(call))
        attempts = self.attempts(call)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.client.request(call.method, call.path, **kwargs)
            except httpx.TransportError as exc:
                if last:
                    raise _connection_error(exc, call, self.client.base_url) from exc
                self.sleep(retry_delay(attempt, self.retry_delay))
                continue
            if response.is_success:
                return _result(response, call)
            if last or not _retryable(response):
                raise error_for(response)
            self.sleep(retry_delay(attempt, self.retry_delay, response))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.client.close()


class AsyncHTTP(_Base):
    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str,
        version: str,
        timeout: float,
        max_retries: int,
        retry_delay: float,
        transport: httpx.AsyncBaseTransport | None,
        sleep: Callable[[float], Awaitable[None]] | None,
    ) -> None:
        super().__init__(api_key, version=version, max_retries=max_retries, retry_delay=retry_delay)
        self.sleep = sleep or asyncio.sleep
        self.client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    async def send(self, call: Call) -> Any:
        """Send ``call``, retrying what is safe to retry; the JSON answer, or an APIError."""
        kwargs = self.request_kwargs(call, self.key_for(call))
        attempts = self.attempts(call)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = await self.client.request(call.method, call.path, **kwargs)
            except httpx.TransportError as exc:
                if last:
                    raise _connection_error(exc, call, self.client.base_url) from exc
                await self.sleep(retry_delay(attempt, self.retry_delay))
                continue
            if response.is_success:
                return _result(response, call)
            if last or not _retryable(response):
                raise error_for(response)
            await self.sleep(retry_delay(attempt, self.retry_delay, response))
        raise AssertionError("unreachable")  # pragma: no cover

    async def close(self) -> None:
        await self.client.aclose()
