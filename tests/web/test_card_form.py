"""The card form's inline validation, its messages and callbacks, the merchant's styling and text,
and its use on a 375 px wide phone. Nothing invalid ever reaches the gateway: the intent stays
Created, checked through the API."""

import pytest

from tests.web.support import (
    fill_card,
    open_card_page,
    screenshot,
    status_of,
)

pytestmark = pytest.mark.browser


async def errors_of(page) -> dict[str, str]:
    return {e["errorType"]: e["message"] for e in await page.evaluate("window.lastErrors || []")}


async def pay_and_read(page) -> str:
    await page.evaluate("document.getElementById('result').textContent = ''")
    await page.click("#pay")
    await page.wait_for_function("document.getElementById('result').textContent !== ''")
    return await page.locator("#result").text_content()


async def test_every_required_message_on_an_empty_form(live_server, live_api, merchant, page):
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    outcome = await pay_and_read(page)
    assert outcome.startswith("rejected: The card details are not valid")
    assert set(await errors_of(page)) == {
        "cardNumberRequired",
        "cardNameRequired",
        "expiryDateRequired",
        "cv2Required",
    }
    await frame.get_by_text("Enter your card number").wait_for()
    await frame.get_by_text("Enter the name on your card").wait_for()
    await frame.get_by_text("Enter the card's expiry date").wait_for()
    await frame.get_by_text("Enter the security code").wait_for()
    assert await frame.get_by_label("Card number").get_attribute("aria-invalid") == "true"
    assert await status_of(live_api, intent["id"]) == "Created"


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("Card number", "4242 4242 4242 4241", "cardNumberInvalid", "Enter a valid card number"),
        ("Card number", "4242 4242", "cardNumberInvalid", "Enter a valid card number"),
        ("Name on card", "R2D2", "cardNameInvalid", "Enter the name as it appears on your card"),
        ("Expiry date", "13 / 30", "expiryDateInvalid", "Enter the expiry date as MM / YY"),
        ("Expiry date", "0", "expiryDateInvalid", "Enter the expiry date as MM / YY"),
        (
            "Expiry date",
            "01 / 20",
            "expiryDateMustBeInFuture",
            "The card has expired: check the expiry date",
        ),
        (
            "Security code (CVV)",
            "12",
            "cv2Invalid",
            "Enter the 3-digit security code (4 digits for American Express)",
        ),
    ],
)
async def test_each_invalid_value_has_its_message(
    live_server, live_api, merchant, page, field, value, error, message
):
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4242 4242 4242 4242")
    await frame.get_by_label(field).fill(value)
    await frame.get_by_label(field).blur()
    await frame.get_by_text(message).wait_for()
    assert await errors_of(page) == {error: message}
    assert (await pay_and_read(page)).startswith("rejected:")
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_amex_needs_a_four_digit_cvv_and_shows_its_brand(
    live_server, live_api, merchant, page
):
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "378282246310005", cvv="123")
    await frame.get_by_label("Security code (CVV)").blur()
    assert await frame.locator("#card-icon").get_attribute("data-brand") == "amex"
    assert await frame.get_by_label("Card number").input_value() == "3782 822463 10005"
    assert "cv2Invalid" in await errors_of(page)
    await frame.get_by_label("Security code (CVV)").fill("1234")
    await frame.get_by_label("Security code (CVV)").blur()
    assert await errors_of(page) == {}
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_brand_icon_follows_the_number(live_server, live_api, merchant, page):
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    icon = frame.locator("#card-icon")
    for number, brand in [
        ("4", "visa"),
        ("5200", "mastercard"),
        ("6011", "discover"),
        ("", "unknown"),
    ]:
        await frame.get_by_label("Card number").fill(number)
        assert await icon.get_attribute("data-brand") == brand
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_callbacks_fire_as_the_form_fills(live_server, live_api, merchant, page):
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4242 4242 4242 4242")
    await frame.get_by_label("Security code (CVV)").press("Enter")
    await page.wait_for_function("window.seen.indexOf('submit') >= 0")
    await frame.get_by_label("Card number").focus()
    await frame.get_by_label("Card number").blur()
    seen = await page.evaluate("window.seen")
    assert seen[0] == "loaded"
    for name in ("cardNumber", "cardName", "expiryDate", "cv2"):
        assert f"valid:{name}" in seen
    assert seen.count("complete") == 1
    assert "blur:true" in seen
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_merchant_text_messages_and_styles_apply(live_server, live_api, merchant, page):
    intent = await live_api.create()
    extra = {
        "text": {"cardNumber": {"label": "Numéro de carte", "placeholder": "0000 0000 0000 0000"}},
        "errorMessages": {"cardNumberRequired": "Le numéro est obligatoire"},
        "styles": {
            "base": {"default": {"color": "rgb(10, 20, 30)", "label": {"color": "rgb(200, 0, 0)"}}},
            "cardNumber": {"default": {"backgroundColor": "rgb(255, 255, 200)"}},
        },
    }
    frame = await open_card_page(
        page, merchant, live_server.url, intent["clientSessionSecret"], extra=extra
    )
    number = frame.get_by_label("Numéro de carte")
    assert await number.get_attribute("placeholder") == "0000 0000 0000 0000"
    colours = await number.evaluate(
        "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color,"
        " getComputedStyle(el.closest('.field').querySelector('label')).color]"
    )
    assert colours == ["rgb(255, 255, 200)", "rgb(10, 20, 30)", "rgb(200, 0, 0)"]
    await pay_and_read(page)
    await frame.get_by_text("Le numéro est obligatoire").wait_for()
    assert (await errors_of(page))["cardNumberRequired"] == "Le numéro est obligatoire"
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_iframe_load_failure_is_reported(merchant, page):
    # A Tender that cannot be reached: the merchant's onIframeLoadFailed is told (after 20 s
    # of waiting in production; the page clock is fast-forwarded here).
    await page.clock.install()
    html = (
        "<div id='card'></div><script src='/client.js'></script><script>window.failed = false;"
        "new Dojo.Payment({containerId: 'card', paymentDetails: {paymentToken: 't'},"
        " onIframeLoadFailed: function () { window.failed = true; }});</script>"
    )
    from importlib.resources import files

    script = (files("tender.web") / "static" / "payments" / "client.js").read_text()
    merchant.serve("/client.js", script)
    await page.goto(merchant.serve("/broken", html))
    await page.clock.run_for(21_000)
    assert await page.evaluate("window.failed") is True


async def test_usable_on_a_375px_phone(live_server, live_api, merchant, browser):
    context = await browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = await context.new_page()
    try:
        intent = await live_api.create()
        frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
        await fill_card(frame, "4242 4242 4242 4242")
        for label in ("Card number", "Name on card", "Expiry date", "Security code (CVV)"):
            box = await frame.get_by_label(label).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
            assert box["height"] >= 40  # a comfortable touch target
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        await screenshot(page, "component-375px.png")
        await page.click("#pay")
        await page.wait_for_function("document.getElementById('result').textContent !== ''")
        assert await status_of(live_api, intent["id"]) == "Captured"
    finally:
        await context.close()
