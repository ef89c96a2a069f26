"""The hosted checkout at the intent's ``paymentLink``: what it shows, what it collects, card and
wallet payments with 3-D Secure, the redirect back to the merchant (``?id=pi_…``), "Back" to
``cancelUrl``, and the pages for intents that cannot be paid. Statuses are checked via the API."""

from datetime import timedelta

import pytest

from tests.web.support import answer_challenge, fill_card, screenshot, status_of

pytestmark = pytest.mark.browser


def card_frame(page):
    return page.frame_locator("#card iframe")


async def open_checkout(page, intent) -> None:
    await page.goto(intent["paymentLink"])
    await page.locator("#pay-button:enabled").wait_for()


async def test_full_checkout_collects_details_and_redirects(live_server, live_api, merchant, page):
    thanks = merchant.serve("/thanks", "<h1>Thanks from the shop</h1>")
    intent = await live_api.create(
        amount={"value": 2400, "currencyCode": "GBP"},
        reference="Order 77",
        config={
            "title": "Coffee subscription",
            "redirectUrl": thanks + "?from=tender",
            "cancelUrl": merchant.origin + "/basket",
            "customerEmail": {"collectionRequired": True},
            "billingAddress": {"collectionRequired": True},
            "shippingDetails": {"collectionRequired": True},
            "details": {"showTotal": True, "showReference": True},
        },
        itemLines=[
            {
                "id": "b",
                "quantity": 2,
                "name": "Beans",
                "amountTotal": {"value": 2000, "currencyCode": "GBP"},
            }
        ],
        taxLines=[
            {"id": "v", "caption": "VAT", "amountTotal": {"value": 400, "currencyCode": "GBP"}}
        ],
    )
    assert intent["paymentLink"] == f"{live_server.url}/checkout/{intent['id']}"
    await open_checkout(page, intent)
    assert await page.locator("h1").text_content() == "Coffee subscription"
    assert await page.locator("#amount").text_content() == "£24.00"
    summary = await page.locator("table.lines").inner_text()
    assert "2 × Beans" in summary and "£20.00" in summary and "VAT" in summary
    assert "Reference: Order 77" in await page.locator(".reference").text_content()

    # Pay without the required details first: nothing is sent.
    await fill_card(card_frame(page), "4242 4242 4242 4242")
    await page.click("#pay-button")
    await page.get_by_text("Please fill in E-mail address.").wait_for()
    assert await status_of(live_api, intent["id"]) == "Created"

    await page.get_by_label("E-mail address").fill("ada@example.com")
    for prefix in ("billing", "shipping"):
        await page.locator(f"#{prefix}-address1").fill("1 Bean Street")
        await page.locator(f"#{prefix}-city").fill("London")
        await page.locator(f"#{prefix}-postcode").fill("N1 9GU")
    await page.get_by_label("Recipient's name").fill("Ada Lovelace")
    await screenshot(page, "hosted-checkout.png")
    await page.click("#pay-button")
    await page.wait_for_url(f"{thanks}?from=tender&id={intent['id']}")
    body = (await live_api.get(intent["id"])).json()
    assert body["status"] == "Captured"
    assert body["customer"]["emailAddress"] == "ada@example.com"
    assert body["billingAddress"]["postcode"] == "N1 9GU"
    assert body["shippingDetails"]["name"] == "Ada Lovelace"


async def test_three_ds_on_the_hosted_page_then_tenders_result_page(live_server, live_api, page):
    intent = await live_api.create()
    await open_checkout(page, intent)
    await fill_card(card_frame(page), "4456 5300 0000 1096", cvv="020")
    await page.click("#pay-button")
    await answer_challenge(page, approve=True)
    await page.wait_for_url(f"{live_server.url}/checkout/{intent['id']}/result")
    await page.get_by_role("heading", name="Payment successful").wait_for()
    await screenshot(page, "hosted-result.png")
    assert await status_of(live_api, intent["id"]) == "Captured"


async def test_rejected_challenge_then_retry_with_a_fresh_secret(live_server, live_api, page):
    intent = await live_api.create()
    await open_checkout(page, intent)
    await fill_card(card_frame(page), "4456 5300 0000 1096", cvv="020")
    await page.click("#pay-button")
    await answer_challenge(page, approve=False)
    await page.get_by_text("Your card was declined. Please use another card.").wait_for()
    assert await status_of(live_api, intent["id"]) == "Created"
    await page.locator("#pay-button:enabled").wait_for()
    await fill_card(card_frame(page), "4000 0000 0000 3220")
    await page.click("#pay-button")
    await page.wait_for_url(f"{live_server.url}/checkout/{intent['id']}/result")
    assert await status_of(live_api, intent["id"]) == "Captured"


async def test_declined_card_shows_why(live_server, live_api, page):
    intent = await live_api.create()
    await open_checkout(page, intent)
    await fill_card(card_frame(page), "4000 0000 0000 0002")
    await page.click("#pay-button")
    await page.get_by_text("Your card was declined. Please use another card.").wait_for()
    await page.locator("#pay-button:enabled").wait_for()  # a fresh form, with a fresh secret
    wallet = page.frame_locator("#wallet iframe")
    await wallet.get_by_role("button", name="Pay with Google Pay").wait_for()
    await screenshot(page, "hosted-declined.png")
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_back_goes_to_the_cancel_url(live_server, live_api, merchant, page):
    basket = merchant.serve("/basket", "<h1>Your basket</h1>")
    intent = await live_api.create(config={"cancelUrl": basket})
    await open_checkout(page, intent)
    await page.get_by_role("link", name="Back").click()
    await page.wait_for_url(basket)
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_wallet_on_the_hosted_page(live_server, live_api, merchant, page):
    thanks = merchant.serve("/thanks", "<h1>Thanks</h1>")
    intent = await live_api.create(config={"redirectUrl": thanks})
    await open_checkout(page, intent)
    wallet = page.frame_locator("#wallet iframe")
    await wallet.get_by_role("button", name="Pay with Google Pay").click()
    await wallet.get_by_role("button", name="Pay", exact=True).click()
    await page.wait_for_url(f"{thanks}?id={intent['id']}")
    assert await status_of(live_api, intent["id"]) == "Captured"


async def test_card_only_intent_has_no_wallet(live_server, live_api, page):
    intent = await live_api.create(paymentMethods=["Card"])
    await open_checkout(page, intent)
    assert await page.locator("#wallet").count() == 0
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_paid_canceled_expired_and_unknown_intents_get_a_page(
    live_server, live_api, clock, page
):
    paid = await live_api.create()
    await open_checkout(page, paid)
    await fill_card(card_frame(page), "4242 4242 4242 4242")
    await page.click("#pay-button")
    await page.wait_for_url(f"{live_server.url}/checkout/{paid['id']}/result")
    await page.goto(paid["paymentLink"])
    await page.get_by_role("heading", name="Already paid").wait_for()
    assert await page.locator("#card").count() == 0
    assert await status_of(live_api, paid["id"]) == "Captured"

    canceled = await live_api.create()
    assert (
        await live_api.request("DELETE", f"/payment-intents/{canceled['id']}")
    ).status_code == 200
    await page.goto(canceled["paymentLink"])
    await page.get_by_role("heading", name="Payment canceled").wait_for()
    assert await status_of(live_api, canceled["id"]) == "Canceled"

    expiring = await live_api.create()
    clock.advance(timedelta(days=31))
    await page.goto(expiring["paymentLink"])
    await page.get_by_role("heading", name="Payment link expired").wait_for()
    await screenshot(page, "hosted-expired.png")
    assert await page.locator("#card").count() == 0

    response = await page.goto(f"{live_server.url}/checkout/pi_sandbox_nope")
    assert response.status == 404
    await page.get_by_role("heading", name="Payment not found").wait_for()


async def test_hosted_checkout_on_a_375px_phone(live_server, live_api, browser):
    context = await browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = await context.new_page()
    try:
        intent = await live_api.create(config={"title": "Tender Coffee"})
        await open_checkout(page, intent)
        assert await page.evaluate("document.documentElement.scrollWidth") <= 375
        await fill_card(card_frame(page), "4242 4242 4242 4242")
        box = await page.locator("#pay-button").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 44
        await screenshot(page, "hosted-checkout-375px.png")
        await page.click("#pay-button")
        await page.wait_for_url(f"{live_server.url}/checkout/{intent['id']}/result")
        assert await status_of(live_api, intent["id"]) == "Captured"
    finally:
        await context.close()
