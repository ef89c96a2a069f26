"""Fixtures of the dashboard's browser tests: a live server with a merchant account, its owner
signed in through the real sign-in form, and the axe-core check (vendored from the npm registry:
``tests/web/dashboard/vendor/axe.min.js``, axe-core 4.14.1, MPL-2.0)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tender.service import accounts, users
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import Api, LiveServer
from tests.dashboard_help import PASSWORD

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


@dataclass
class Merchant:
    url: str  # the live server
    api: Api
    email: str
    password: str = PASSWORD


async def add_user(server: LiveServer, email: str, role: str, account_id: str) -> None:
    ctx = Context(db=Database(server.settings.database_url), settings=server.settings)
    try:
        await users.create_user(ctx, email, PASSWORD, account_id=account_id, role=role)
    finally:
        await ctx.db.dispose()


async def add_account(server: LiveServer, name: str, environment: str = "sandbox") -> Any:
    ctx = Context(db=Database(server.settings.database_url), settings=server.settings)
    try:
        return await accounts.create_key(ctx, account_name=name, environment=environment)
    finally:
        await ctx.db.dispose()


@pytest.fixture
async def merchant(live_server: LiveServer, live_api: Api) -> Merchant:
    email = "owner@live-merchant.example"
    await add_user(live_server, email, "owner", live_api.account_id)
    return Merchant(live_server.url, live_api, email)


async def sign_in(page: Any, url: str, email: str, password: str = PASSWORD) -> None:
    await page.goto(f"{url}/dashboard")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Overview").wait_for()


@pytest.fixture
async def owner_page(page: Any, merchant: Merchant) -> AsyncIterator[Any]:
    await sign_in(page, merchant.url, merchant.email)
    yield page


async def assert_accessible(page: Any) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE)
    violations = await page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html).slice(0, 3)}))"""
    )
    assert violations == [], violations


async def assert_fits(page: Any) -> None:
    """Nothing on the page is wider than the viewport (no sideways scrolling of the page)."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = await page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page is {width}px wide in a {viewport}px viewport"
