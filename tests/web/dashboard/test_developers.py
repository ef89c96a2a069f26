"""The developers' pages in Chromium: API keys (secret shown once, last used, roll, revoke),
webhook subscriptions (create, rotate, pause), the delivery log with redelivery, and the live
event stream; plus payment links with their QR code and the team page."""

import pytest

from tender.service import dispatcher
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import VERSION
from tests.payhelp import pay
from tests.web.dashboard.conftest import sign_in
from tests.web.support import screenshot

pytestmark = pytest.mark.browser


async def _status_with(merchant, key: str) -> int:
    response = await merchant.api.client.get(
        "/payment-intents/pi_sandbox_none",
        headers={"Authorization": f"Basic {key}", "version": VERSION},
    )
    return response.status_code


async def _dispatch(live_server) -> None:
    ctx = Context(db=Database(live_server.settings.database_url), settings=live_server.settings)
    try:
        await dispatcher.dispatch_once(ctx)
    finally:
        await ctx.db.dispose()


async def test_keys_create_roll_revoke(owner_page, merchant):
    page = owner_page
    await page.goto(f"{merchant.url}/dashboard/developers")
    await page.get_by_role("button", name="Create secret key").click()
    secret = await page.get_by_label("New secret key").input_value()
    assert secret.startswith("sk_sandbox_")
    await page.get_by_role("button", name="Copy").first.click()
    await page.get_by_role("button", name="Copied").wait_for()
    await screenshot(page, "dashboard-developers.png")
    assert await _status_with(merchant, secret) == 404  # authenticated; no such intent
    await page.goto(f"{merchant.url}/dashboard/developers")
    assert secret not in await page.content()
    row = page.locator("#keys tr", has_text=secret[-4:])
    assert await row.locator(".last-used").inner_text() != "Never"

    await row.get_by_role("button", name="Roll").click()
    await page.get_by_role("button", name="Confirm roll").click()
    rolled = await page.get_by_label("New secret key").input_value()
    assert await _status_with(merchant, secret) == 401
    assert await _status_with(merchant, rolled) == 404
    await page.goto(f"{merchant.url}/dashboard/developers")
    await (
        page.locator("#keys tr", has_text=rolled[-4:]).get_by_role("button", name="Revoke").click()
    )
    await page.get_by_role("button", name="Confirm revoke").click()
    await page.get_by_text("The key was revoked").wait_for()
    assert await _status_with(merchant, rolled) == 401


async def test_webhooks_rotate_pause_log_and_redeliver(owner_page, merchant, receiver, live_server):
    page = owner_page
    await page.goto(f"{merchant.url}/dashboard/developers")
    await page.get_by_text("Add a subscription").click()
    await page.get_by_label("Endpoint URL").fill(receiver.url)
    await page.get_by_label("payment_intent.send-receipt").uncheck()
    await page.get_by_role("button", name="Add subscription").click()
    await page.get_by_role("heading", name="Signing secrets").wait_for()

    await page.get_by_role("button", name="Generate new secret").click()
    await page.get_by_text("A new secret was added").wait_for()
    await page.get_by_role("button", name="Activate").click()
    await page.get_by_text("signed with the new secret").wait_for()
    await page.get_by_role("button", name="Delete").click()
    await page.get_by_text("The secret was deleted.").wait_for()
    assert await page.locator("#secrets li").count() == 1

    await page.get_by_role("button", name="Pause deliveries").click()
    await page.locator("#paused").wait_for()
    intent = await merchant.api.create(reference="Order 701")
    await _dispatch(live_server)
    assert receiver.requests == []
    await page.get_by_role("button", name="Resume deliveries").click()
    await page.locator("#active").wait_for()
    await _dispatch(live_server)
    assert [r.event["data"]["paymentIntentId"] for r in receiver.requests] == [intent["id"]]

    await page.reload()
    await page.locator("#deliveries").get_by_role("link", name="payment_intent.created").click()
    request = await page.locator("#request").inner_text()
    assert intent["id"] in request and "POST " + receiver.url in request
    assert "HTTP 200" in await page.locator("#attempts").inner_text()
    await screenshot(page, "dashboard-delivery.png")
    await page.get_by_role("button", name="Redeliver").click()
    await page.get_by_text("The delivery was scheduled again.").wait_for()
    await _dispatch(live_server)
    assert len(receiver.requests) == 2
    await page.reload()
    assert "Attempt 2" in await page.locator("#attempts").inner_text()


async def test_the_event_stream_shows_events_as_they_happen(owner_page, merchant):
    page = owner_page
    await page.goto(f"{merchant.url}/dashboard/developers/events")
    await page.get_by_text("Live: following new events.").wait_for()
    intent = await merchant.api.create(reference="Order 702")
    await pay(merchant.api.client, intent["clientSessionSecret"])
    updated = page.locator("#events li", has_text="payment_intent.status_updated")
    await updated.wait_for()
    text = await updated.first.inner_text()
    assert intent["id"] in text and "Captured" in text
    assert await page.locator("#events li", has_text="payment_intent.created").count() == 1
    await screenshot(page, "dashboard-events.png")


async def test_a_payment_link_with_its_qr_code(owner_page, merchant):
    page = owner_page
    await page.goto(f"{merchant.url}/dashboard/payment-links")
    await page.get_by_label("Amount").fill("8.40")
    await page.get_by_label("Reference").fill("Table 4")
    await page.get_by_label("Description").fill("Two flat whites")
    await page.get_by_role("button", name="Create payment link").click()
    link = await page.get_by_role("textbox", name="Payment link").input_value()
    assert link.startswith(f"{merchant.url}/checkout/pi_sandbox_")
    qr = page.get_by_role("img", name=f"QR code of {link}")
    assert await qr.is_visible()
    await screenshot(page, "dashboard-payment-link.png")
    intent = (await merchant.api.get(link.rsplit("/", 1)[1])).json()
    assert intent["amount"] == {"value": 840, "currencyCode": "GBP"}
    await page.goto(link)
    assert await page.locator("#amount").text_content() == "£8.40"


async def test_the_team_page_adds_and_disables_users(owner_page, merchant, browser):
    page = owner_page
    await page.goto(f"{merchant.url}/dashboard/team")
    await page.get_by_label("Email").fill("dev@live-merchant.example")
    await page.get_by_label("Role").select_option("developer")
    await page.get_by_label("First password").fill("a long password 2")
    await page.get_by_role("button", name="Add user").click()
    await page.get_by_text("The user was added").wait_for()
    await screenshot(page, "dashboard-team.png")

    context = await browser.new_context()
    other = await context.new_page()
    try:
        await sign_in(other, merchant.url, "dev@live-merchant.example", "a long password 2")
        assert "Team" not in await other.locator(".main-nav").inner_text()
        await page.get_by_role("button", name="Disable dev@live-merchant.example").click()
        await page.get_by_role("button", name="Confirm disable").click()
        await page.get_by_text("The user was disabled").wait_for()
        await other.reload()
        await other.get_by_role("button", name="Sign in").wait_for()
    finally:
        await context.close()
