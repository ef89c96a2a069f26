"""The interactive API reference opens in a real browser, from bundled assets only, and shows
an operation's parameters (the required version header, the idempotency key) and the key
scheme."""

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

    create = page.locator("#operations-Payment_intents-create_payment_intent_payment_intents_post")
    version = create.locator('tr[data-param-name="version"]')
    await version.wait_for()
    assert "required" in (await version.locator(".parameter__name").get_attribute("class") or "")
    assert "header" in await version.locator(".parameter__in").inner_text()
    assert "2024-02-05" in await version.inner_text()
    idem = create.locator('tr[data-param-name="idempotencyKey"]')
    assert "required" not in (await idem.locator(".parameter__name").get_attribute("class") or "")
    # The request body schema and the problem answers are shown too.
    body = await create.inner_text()
    for text in ("application/json", "400", "409", "422", "application/problem+json"):
        assert text in body, text
    # The key scheme: the Authorize button opens the Authorization header dialog.
    await page.click("button.authorize")
    dialog = page.locator(".dialog-ux")
    await dialog.wait_for()
    assert "Authorization" in await dialog.inner_text()
