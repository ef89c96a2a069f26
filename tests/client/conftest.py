"""The SDK against the real application, three ways: ``AsyncTender`` in-process (ASGI transport),
``AsyncTender`` over HTTP on 127.0.0.1, and the blocking ``Tender`` over HTTP (each call in a
worker thread, presented through the async interface so one test body serves all three)."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tender.client import AsyncTender, Tender
from tender.clock import ShiftedClock
from tender.service import accounts
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import LiveServer

MODES = ["in-process", "http-async", "http-sync"]


class _Deferred:
    """A blocking SDK call, awaitable (one result) or async-iterable (search)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __await__(self) -> Any:
        return asyncio.to_thread(self.fn, *self.args, **self.kwargs).__await__()

    async def __aiter__(self) -> AsyncIterator[Any]:
        items: Iterator[Any] = await asyncio.to_thread(self.fn, *self.args, **self.kwargs)
        done = object()
        while (item := await asyncio.to_thread(next, items, done)) is not done:
            yield item


class Blocking:
    """The blocking ``Tender`` seen through ``AsyncTender``'s interface."""

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if callable(attr):
            return lambda *args, **kwargs: _Deferred(attr, args, kwargs)
        return Blocking(attr)


@dataclass
class Flaky(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a real transport and fails the first ``failures`` requests:

    - ``connect``: raise ConnectError before the request reaches the server;
    - ``lost``: deliver it (the server acts), then lose the answer (ReadError);
    - ``503``: answer 503 without reaching the server.

    ``seen`` records (method, path, idempotency key) of every attempt.
    """

    inner: Any
    failures: int = 2
    mode: str = "connect"
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)

    def _note(self, request: httpx.Request) -> bool:
        self.seen.append((request.method, request.url.path, request.headers.get("idempotencyKey")))
        return len(self.seen) <= self.failures

    def _unavailable(self, request: httpx.Request) -> httpx.Response:
        body = {"type": "about:blank", "title": "Service Unavailable.", "status": 503}
        return httpx.Response(503, json=body, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fail = self._note(request)
        if fail and self.mode == "connect":
            raise httpx.ConnectError("connection refused (flaky)", request=request)
        if fail and self.mode == "503":
            return self._unavailable(request)
        response = self.inner.handle_request(request)
        if fail and self.mode == "lost":
            response.read()
            response.close()
            raise httpx.ReadError("connection reset (flaky)", request=request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fail = self._note(request)
        if fail and self.mode == "connect":
            raise httpx.ConnectError("connection refused (flaky)", request=request)
        if fail and self.mode == "503":
            return self._unavailable(request)
        response = await self.inner.handle_async_request(request)
        if fail and self.mode == "lost":
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("connection reset (flaky)", request=request)
        return response

    @property
    def keys(self) -> list[str | None]:
        return [key for _, _, key in self.seen]


@dataclass
class Server:
    """How a test reaches the application: the key of a fresh account and a client factory."""

    mode: str
    key: str
    account_id: str
    base_url: str
    ctx: Context
    clock: ShiftedClock
    app: Any
    clients: list[Any] = field(default_factory=list)

    def base_transport(self) -> Any:
        if self.mode == "in-process":
            return httpx.ASGITransport(app=self.app)
        if self.mode == "http-async":
            return httpx.AsyncHTTPTransport()
        return httpx.HTTPTransport()

    def client(
        self,
        *,
        wrap: Callable[[Any], Any] | None = None,
        sleep: Callable[[float], Awaitable[None] | None] | None = None,
        **options: Any,
    ) -> Any:
        """An SDK client for this server, with ``options`` passed to the constructor; ``wrap``
        may wrap the real transport (e.g. ``Flaky``); ``sleep`` replaces waiting between
        retries (an async function; the blocking client runs it on the test's loop)."""
        options.setdefault("api_key", self.key)
        options.setdefault("retry_delay", 0)
        transport = self.base_transport()
        if wrap is not None:
            transport = wrap(transport)
        if self.mode == "http-sync":
            if sleep is not None:
                loop = asyncio.get_running_loop()
                options["sleep"] = lambda s: asyncio.run_coroutine_threadsafe(
                    sleep(s), loop
                ).result()  # type: ignore[arg-type]
            client: Any = Tender(base_url=self.base_url, transport=transport, **options)
            self.clients.append(client)
            return Blocking(client)
        if sleep is not None:
            options["sleep"] = sleep
        client = AsyncTender(base_url=self.base_url, transport=transport, **options)
        self.clients.append(client)
        return client

    async def close(self) -> None:
        for client in self.clients:
            if isinstance(client, Tender):
                client.close()
            else:
                await client.close()


@pytest.fixture(params=MODES)
def target(request: pytest.FixtureRequest) -> tuple[str, Any, LiveServer | None]:
    """The mode, and the application (started in-process, or served by uvicorn)."""
    if request.param == "in-process":
        return request.param, request.getfixturevalue("app"), None
    live: LiveServer = request.getfixturevalue("live_server")
    return request.param, live.app, live


@pytest.fixture
async def server(
    target: tuple[str, Any, LiveServer | None], clock: ShiftedClock
) -> AsyncIterator[Server]:
    mode, app, live = target
    own_db = None
    if live is None:
        base_url = "http://testserver"
        ctx = app.state.ctx
    else:
        base_url = live.url
        own_db = Database(live.settings.database_url)
        ctx = Context(db=own_db, settings=live.settings, clock=clock)
    account, key = await accounts.create_key(ctx, account_name="sdk merchant")
    srv = Server(mode, key, account.id, base_url, ctx, clock, app)
    try:
        yield srv
    finally:
        await srv.close()
        if own_db is not None:
            await own_db.dispose()


@pytest.fixture
def tender(server: Server) -> Any:
    """The SDK client of the test's mode, with the account's key."""
    return server.client()


GBP_10 = {"value": 1000, "currencyCode": "GBP"}
