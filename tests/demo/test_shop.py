"""The seed's demo shop at /demo, end to end in Chromium: Step 1 on its server, Step 2 in its
script, Step 3 its script tag; and the variant that sends the customer to the hosted checkout.
The intents belong to the demo shop's own account, so its key reads their status back."""

from types import SimpleNamespace

import pytest

from tender.demo.key import demo_key
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import Api
from tests.web.support import answer_challenge, fill_card, screenshot, status_of

pytestmark = pytest.mark.browser


@pytest.fixture
async def shop_api(live_server, live_api) -> Api:
    """The demo's own key: generated on the server's first start, kept in its database."""
    ctx = Context(db=Database(live_server.settings.database_url), settings=live_server.settings)
    try:
        key = await demo_key(ctx, SimpleNamespace())
    finally:
        await ctx.db.dispose()
    return Api(live_api.client, key, "")


async def latest_intent(shop_api: Api) -> dict:
    response = await shop_api.request("POST", "/payment-intents/search", json={})
    assert response.status_code == 200, response.text
    return response.json()["data"][0]


async def test_demo_shop_pays_with_the_card_component(live_server, shop_api, page):
    await page.goto(f"{live_server.url}/demo")
    await page.locator("#pay:enabled").wait_for()
    assert await page.locator("script[src='/payments/v1/client.js']").count() == 1
    frame = page.frame_locator("#card-container iframe")
    await fill_card(frame, "4456 5300 0000 1096", cvv="020")
    await screenshot(page, "demo-shop.png")

    await fill_card(frame, "4000 0000 0000 0002")
    await page.click("#pay")
    await page.get_by_text("Payment failed").wait_for()
    first = await latest_intent(shop_api)
    assert first["status"] == "Created"

    await page.locator("#pay:enabled").wait_for()
    await fill_card(frame, "4456 5300 0000 1096", cvv="020")
    await page.click("#pay")
    await answer_challenge(page, approve=True)
    await page.get_by_text("paid: payment Captured").wait_for()
    await screenshot(page, "demo-paid.png")
    assert await status_of(shop_api, first["id"]) == "Captured"


async def test_demo_shop_hosted_checkout_variant(live_server, shop_api, page):
    await page.goto(f"{live_server.url}/demo")
    await page.get_by_role("button", name="Pay on Tender's hosted checkout page instead").click()
    await page.wait_for_url(f"{live_server.url}/checkout/pi_sandbox_*")
    intent_id = page.url.rsplit("/", 1)[1]
    await page.locator("#pay-button:enabled").wait_for()
    assert await page.locator("h1").text_content() == "Your coffee order"
    await page.get_by_label("E-mail address").fill("ada@example.com")
    await fill_card(page.frame_locator("#card iframe"), "4242 4242 4242 4242")
    await screenshot(page, "demo-hosted-checkout.png")
    await page.click("#pay-button")
    await page.wait_for_url(f"{live_server.url}/demo/thanks?id={intent_id}")
    await page.get_by_role("heading", name="Thank you!").wait_for()
    assert await page.locator("#order-status").text_content() == "Captured"
    await screenshot(page, "demo-thanks.png")
    assert await status_of(shop_api, intent_id) == "Captured"


async def test_demo_hosted_checkout_back_returns_to_the_shop(live_server, shop_api, page):
    await page.goto(f"{live_server.url}/demo")
    await page.get_by_role("button", name="Pay on Tender's hosted checkout page instead").click()
    await page.wait_for_url(f"{live_server.url}/checkout/pi_sandbox_*")
    intent_id = page.url.rsplit("/", 1)[1]
    await page.get_by_role("link", name="Back").click()
    await page.wait_for_url(f"{live_server.url}/demo")
    assert await status_of(shop_api, intent_id) == "Created"
