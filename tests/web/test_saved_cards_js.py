"""Saved cards in the browser: Dojo.js's card form offers "Save this card" when the intent names
a customer and offers SavedCard, and ``Dojo.RecurringPayment`` (as Dojo's prebuilt checkout
sample uses it) lists the saved cards, takes the CVV and pays with ``executePayment()``; the
hosted checkout does both. Every test checks the intent's status through the API."""

import json
from typing import Any

import pytest

from tests.web.support import (
    answer_challenge,
    fill_card,
    open_card_page,
    result_of,
    serve_merchant,
    status_of,
)

pytestmark = pytest.mark.browser
SAVED = ["Card", "SavedCard"]

# Dojo's prebuilt checkout sample, paying with a saved card; only the script URL is Tender's.
RECURRING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>iframe.threeDs {{ width: 400px; height: 500px; }}</style></head>
<body>
<h1>Pay with a saved card</h1>
<div id="saved-payment"></div>
<button id="pay" type="button">Pay</button>
<pre id="result"></pre>
<script src="{tender}/payments/v1/client.js"></script>
<script>
  window.seen = [];
  var saved = new Dojo.RecurringPayment({{
    containerId: "saved-payment",
    paymentDetails: {{ paymentToken: "{token}" }},
    onIframeLoaded: function () {{ seen.push("loaded"); }},
    callbacks: {{ onSavedCardsLoaded: function (n) {{ seen.push("cards:" + n); }} }}
  }}, function (errors) {{ window.lastErrors = errors; }});
  document.getElementById("pay").addEventListener("click", function () {{
    saved.executePayment({info}).then(function (result) {{
      document.getElementById("result").textContent = JSON.stringify(result);
    }}, function (error) {{
      document.getElementById("result").textContent = "rejected: " + error.message;
    }});
  }});
</script>
</body></html>"""


async def customer_of(api: Any) -> str:
    made = await api.request("POST", "/customers", json={"name": "Ada"})
    assert made.status_code == 200, made.text
    customer_id: str = made.json()["id"]
    return customer_id


async def saved_cards(api: Any, customer_id: str) -> list[dict[str, Any]]:
    made = await api.request("POST", f"/customers/{customer_id}/create-secret")
    secret = made.json()["secret"]
    listed = await api.client.get(
        f"/customers/public/{customer_id}/payment-methods",
        headers={"Authorization": f"Basic {secret}", "version": "2024-02-05"},
    )
    found: list[dict[str, Any]] = listed.json()["savedPaymentMethods"]
    return found


async def save_in_browser(page: Any, merchant: Any, server: Any, api: Any, number: str) -> str:
    customer_id = await customer_of(api)
    intent = await api.create(customer={"id": customer_id}, paymentMethods=SAVED)
    frame = await open_card_page(page, merchant, server.url, intent["clientSessionSecret"])
    await fill_card(frame, number)
    save = frame.get_by_label("Save this card for next time")
    await save.check()
    await page.click("#pay")
    result = await result_of(page)
    assert result["statusCode"] == 0, result
    assert await status_of(api, intent["id"]) == "Captured"
    return customer_id


async def open_recurring(
    page: Any, merchant: Any, server: Any, token: str, info: Any = None
) -> Any:
    html = RECURRING_PAGE.format(tender=server.url, token=token, info=json.dumps(info or {}))
    await serve_merchant(page, merchant, html, "/saved")
    await page.wait_for_function(
        "window.seen.some(function (s) { return s.indexOf('cards:') === 0; })"
    )
    return page.frame_locator("#saved-payment iframe")


async def test_dojo_js_saves_a_card_and_recurring_payment_pays_with_it(
    live_server, live_api, merchant, page
) -> None:
    customer_id = await save_in_browser(
        page, merchant, live_server, live_api, "5200 0000 0000 0056"
    )
    [card] = await saved_cards(live_api, customer_id)
    assert card["cardDetails"]["pan"].endswith("0056")

    intent = await live_api.create(
        customer={"id": customer_id}, paymentMethods=SAVED, captureMode="Manual"
    )
    frame = await open_recurring(page, merchant, live_server, intent["clientSessionSecret"])
    assert await page.evaluate("window.seen.indexOf('cards:1') >= 0")
    choice = frame.get_by_role("radio", name="Mastercard •••• 0056 (expires 12/34)")
    assert await choice.is_checked()
    await page.click("#pay")  # no CVV yet: refused in the browser, nothing sent
    await page.wait_for_function("document.getElementById('result').textContent !== ''")
    text = await page.locator("#result").text_content()
    assert text.startswith("rejected") and "security code" in text
    assert await status_of(live_api, intent["id"]) == "Created"
    await page.evaluate("document.getElementById('result').textContent = ''")
    await frame.get_by_label("Security code (CVV)").fill("123")
    await page.click("#pay")
    assert (await result_of(page))["statusCode"] == 0
    assert await status_of(live_api, intent["id"]) == "Authorized"


async def test_no_save_offer_without_a_customer(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create(paymentMethods=SAVED)
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await frame.get_by_label("Card number").wait_for()
    await page.wait_for_timeout(300)  # the offer is asked for as the form loads
    assert await frame.get_by_label("Save this card for next time").is_hidden()


async def test_a_saved_challenge_card_challenges_again(
    live_server, live_api, merchant, page
) -> None:
    customer_id = await customer_of(live_api)
    first = await live_api.create(customer={"id": customer_id}, paymentMethods=SAVED)
    frame = await open_card_page(page, merchant, live_server.url, first["clientSessionSecret"])
    await fill_card(frame, "4456 5300 0000 1096")
    await frame.get_by_label("Save this card for next time").check()
    await page.click("#pay")
    await page.frame_locator("iframe.threeDs").locator("#otp").wait_for()
    await answer_challenge(page, approve=True)
    assert (await result_of(page))["statusCode"] == 0
    assert len(await saved_cards(live_api, customer_id)) == 1

    again = await live_api.create(customer={"id": customer_id}, paymentMethods=SAVED)
    frame = await open_recurring(page, merchant, live_server, again["clientSessionSecret"])
    await frame.get_by_label("Security code (CVV)").fill("020")
    await page.click("#pay")
    await page.frame_locator("iframe.threeDs").locator("#otp").wait_for()
    await answer_challenge(page, approve=True)
    assert (await result_of(page))["statusCode"] == 0
    assert await status_of(live_api, again["id"]) == "Captured"


async def test_hosted_checkout_saves_and_offers_saved_cards(live_server, live_api, page) -> None:
    customer_id = await customer_of(live_api)
    first = await live_api.create(customer={"id": customer_id}, paymentMethods=SAVED)
    await page.goto(first["paymentLink"])
    await page.locator("#pay-button:enabled").wait_for()
    assert await page.locator("#saved-section").is_hidden()  # no saved card yet
    card = page.frame_locator("#card iframe")
    await fill_card(card, "4242 4242 4242 4242")
    await card.get_by_label("Save this card for next time").check()
    await page.click("#pay-button")
    await page.get_by_text("Payment successful").wait_for()
    assert await status_of(live_api, first["id"]) == "Captured"

    second = await live_api.create(customer={"id": customer_id}, paymentMethods=SAVED)
    await page.goto(second["paymentLink"])
    await page.locator("#saved-section").wait_for()
    saved = page.frame_locator("#saved iframe")
    assert await saved.get_by_role("radio", name="Visa •••• 4242 (expires 12/34)").is_checked()
    await saved.get_by_label("Security code (CVV)").fill("123")
    await page.click("#pay-saved")
    await page.get_by_text("Payment successful").wait_for()
    assert await status_of(live_api, second["id"]) == "Captured"
