"""Shared fixtures. The same suite runs on SQLite and on PostgreSQL, chosen by
``TENDER_TEST_DATABASE`` (``sqlite``, the default, or ``postgresql``); nothing is mocked: each test
talks to a real, migrated database through the real application.

PostgreSQL: ``TENDER_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``)
names a server; the session creates a database of its own there and drops it at the end. When the
server is unreachable the session fails under CI and exits with a loud message elsewhere.
"""

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tender.api.app import create_app
from tender.clock import ShiftedClock
from tender.config import Settings
from tender.processor.protocol import Processor
from tender.service import accounts
from tender.service.context import Context
from tender.storage.db import Database
from tender.storage.migrate import upgrade
from tender.storage.tables import metadata
from tests.contract import conformance

ROOT = Path(__file__).resolve().parents[1]
VERSION = "2024-02-05"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def backend() -> str:
    return os.environ.get("TENDER_TEST_DATABASE", "sqlite")


def pytest_report_header(config: pytest.Config) -> str:
    return f"tender test database: {backend()}"


# Tests that touch no database, and the browser tests (the JS library and the pages are the same
# on either database): they run in the SQLite pass only, so `make test` runs them once.
ONCE = (
    "tests/domain/",
    "tests/processor/",
    "tests/storage/test_records.py",
    "tests/bench/",
    "tests/test_signing.py",
    "tests/test_ci.py",
    "tests/client/test_import.py",
    "tests/client/test_models.py",
    "tests/webhooks/test_backoff_and_targets.py",
    "tests/webhooks/test_merchant_helpers.py",
)


def runs_once(item: pytest.Item) -> bool:
    path = item.path.relative_to(ROOT).as_posix()
    if path.startswith(ONCE):
        if "database_url" in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(f"{item.nodeid} uses a database: take it out of ONCE")
        return True
    return item.get_closest_marker("browser") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if backend() != "postgresql":
        return
    once = [item for item in items if runs_once(item)]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if not runs_once(item)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    conformance.take_failures()  # late answers of an earlier test's server are not this test's
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Fail the test whose requests got an answer that Dojo's documents do not allow
    (every test application wears ``conformance.Recorder``)."""
    result = yield
    failures = conformance.take_failures()
    if failures:
        raise AssertionError(
            "answers that do not conform to Dojo's documents:\n" + "\n".join(failures)
        )
    return result


def make_app(settings: Settings, **options: Any) -> Any:
    """The application, checked by ``conformance.Recorder`` as it answers."""
    application = create_app(settings, **options)
    application.add_middleware(conformance.Recorder)
    return application


async def _admin(url: str, *statements: str) -> None:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend() == "sqlite":
        path = tmp_path_factory.mktemp("db") / "tender.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    server = os.environ.get("TENDER_TEST_POSTGRES_URL", DEFAULT_PG)
    name = f"tender_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        message = f"PostgreSQL at {server} is unreachable: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.exit(message + " (set TENDER_TEST_POSTGRES_URL or start it)", returncode=3)
    url = str(make_url(server).set(database=name).render_as_string(hide_password=False))
    upgrade(url)
    yield url
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The suite's settings: the demo on, rate limits off (tests/security turns them on)."""
    return Settings(
        database_url=database_url,
        public_url="http://testserver",
        run_workers=False,
        sandbox_journal=":memory:",
        demo=True,
        rate_limits=False,
    )


@pytest.fixture
def processor() -> Processor | None:
    """The acquirer the app talks to: None for the sandbox; a test module overrides this
    fixture to put a double (``tests/doubles.py``) in its place."""
    return None


@pytest.fixture
async def app(
    settings: Settings, clock: ShiftedClock, processor: Processor | None
) -> AsyncIterator[Any]:
    application = make_app(settings, clock=clock, run_jobs=False, processor=processor)
    async with application.router.lifespan_context(application):
        yield application
    await _clean(settings.database_url)


async def _clean(url: str) -> None:
    """Empty every table, so each test starts from nothing (cheaper than re-migrating)."""
    db = Database(url)
    try:
        async with db.transaction() as conn:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(table.delete())
    finally:
        await db.dispose()


@pytest.fixture
def ctx(app: Any) -> Context:
    return app.state.ctx


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class Api:
    """An account's view of the API: its key in every request, plus small helpers."""

    def __init__(self, client: httpx.AsyncClient, key: str, account_id: str) -> None:
        self.client = client
        self.key = key
        self.account_id = account_id

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Basic {self.key}", "version": VERSION, **extra}

    async def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return await self.client.request(
            method, path, json=json, headers={**self.headers(), **(headers or {})}, **kwargs
        )

    async def create(self, **fields: Any) -> dict[str, Any]:
        body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}
        body.update(fields)
        response = await self.request("POST", "/payment-intents", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    async def get(self, intent_id: str, **params: Any) -> httpx.Response:
        return await self.request("GET", f"/payment-intents/{intent_id}", params=params)


async def make_api(ctx: Context, client: httpx.AsyncClient, name: str = "merchant") -> Api:
    account, key = await accounts.create_key(ctx, account_name=name, environment="sandbox")
    return Api(client, key, account.id)


@pytest.fixture
async def api(ctx: Context, client: httpx.AsyncClient) -> Api:
    return await make_api(ctx, client, "merchant")


@pytest.fixture
async def other_api(ctx: Context, client: httpx.AsyncClient) -> Api:
    return await make_api(ctx, client, "another merchant")


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 7807 problem with ``status``; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["type"]
    assert body["traceId"].startswith("00-")
    assert isinstance(body["errors"], dict)
    return body


# --- a real server on 127.0.0.1 and a real browser ----------------------------------------


class LiveServer:
    """The application served by uvicorn on a free 127.0.0.1 port, in a thread of its own."""

    def __init__(self, settings: Settings, clock: ShiftedClock) -> None:
        import socket
        import threading

        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = settings.model_copy(update={"public_url": self.url})
        self.app = make_app(self.settings, clock=clock, run_jobs=False)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "LiveServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
async def live_server(settings: Settings, clock: ShiftedClock) -> AsyncIterator[LiveServer]:
    server = await asyncio.to_thread(LiveServer(settings, clock).start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)
        await _clean(settings.database_url)


@pytest.fixture
async def live_api(live_server: LiveServer) -> AsyncIterator[Api]:
    """An account with a key, talking to the live server over real HTTP."""
    ctx = Context(db=Database(live_server.settings.database_url), settings=live_server.settings)
    try:
        account, key = await accounts.create_key(ctx, account_name="live merchant")
    finally:
        await ctx.db.dispose()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        yield Api(http, key, account.id)


@pytest.fixture
async def live(live_server: LiveServer, clock: ShiftedClock) -> AsyncIterator[Any]:
    """A key on the live server, for commands run against it (``tests.processes.Live``)."""
    from tests.processes import Live

    db = Database(live_server.settings.database_url)
    ctx = Context(db=db, settings=live_server.settings, clock=clock)
    _, key = await accounts.create_key(ctx, account_name="cli merchant")
    try:
        yield Live(live_server.url, key, ctx)
    finally:
        await db.dispose()


CHROMIUM = os.environ.get("TENDER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.async_api import async_playwright

    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - once per test, before the browser
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", False)
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            await instance.close()


@pytest.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        await context.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Any]:
    """A real webhook receiver on a free 127.0.0.1 port (``tests/webhooks/receiver.py``)."""
    from tests.webhooks.receiver import Receiver

    r = Receiver().start()
    try:
        yield r
    finally:
        r.stop()
