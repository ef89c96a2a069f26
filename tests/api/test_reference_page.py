"""The interactive API reference opens in a real browser, from bundled assets only."""

import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


async def test_reference_page_renders_the_contract(live_server: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    await page.goto(f"{live_server.url}/docs")
    await page.wait_for_selector("text=Create a payment intent")
    await page.click("text=Create a payment intent")
    await page.wait_for_selector("text=version")
    assert not failed, f"assets failed to load: {failed}"
