"""A merchant's page written for Dojo.js, unchanged but for the script's host: Dojo's sample CSS
for ``iframe.threeDs``, Dojo's sample ``config.styles`` (base-level label, validation text and
icon; a grid for the form with each field's container placed on it), its own page grid, and an
errors callback that replaces the page's message. Checked at 1100×900, 1440×900 and 375×667."""

import json
from typing import Any

import pytest

from tests.web.support import answer_challenge, fill_card, result_of, screenshot, status_of

# Dojo's React sample, src/styles/DefaultStyles.js (the shape Dojo documents for config.styles).
DOJO_STYLES: dict[str, Any] = {
    "base": {
        "default": {
            "color": "black", "backgroundColor": "#fff", "fontFamily": "Roboto, sans-serif",
            "boxSizing": "border-box", "fontSize": "16px", "height": "48px",
            "padding": "12px 16px", "borderRadius": "4px", "borderColor": "black",
            "lineHeight": "1.5", "margin": "0", "borderWidth": "1px",
        },
        "focus": {"borderColor": "black", "borderWidth": "2px", "outline": "0"},
        "error": {"borderColor": "#b0151f", "borderWidth": "2px"},
        "valid": {},
        "label": {"display": "block", "fontSize": "16px", "lineHeight": "24px",
                  "marginBottom": "4px", "color": "rgba(0, 0, 0, 0.87)"},
        "validationText": {"fontSize": "14px", "lineHeight": "20px", "marginTop": "4px"},
        "validationIcon": {"width": "16px", "height": "18px", "marginRight": "8px"},
    },
    "form": {"display": "grid", "grid-template-rows": "108px 108px 108px",
             "grid-template-columns": "1fr 24px 1fr"},
    "cardName": {"container": {"grid-row": "1", "grid-column": "1/4"}},
    "cardNumber": {"container": {"grid-row": "2", "grid-column": "1/4"}},
    "expiryDate": {"container": {"grid-row": "3", "grid-column": "1"}},
    "cv2": {"container": {"grid-row": "3", "grid-column": "3"}},
}  # fmt: skip

MERCHANT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Dojo Cafe</title>
<style>
  body {{ margin: 0; font-family: sans-serif; }}
  header {{ position: sticky; top: 0; z-index: 10; background: #1d2330; color: #fff;
            padding: 12px 24px; }}
  .checkout {{ display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 440px); gap: 24px;
               padding: 24px; }}
  @media (max-width: 640px) {{
    .checkout {{ grid-template-columns: minmax(0, 1fr); padding: 12px; }}
  }}
  #demo-payment iframe {{ width: 100%; }}
  #errors {{ color: #b00020; min-height: 1.5em; }}
  /* Dojo's samples: */
  iframe.threeDs {{
    width: 370px;
    height: 366px;
    margin: 100px 0 0 -175px;
    position: fixed;
    top: 0;
    left: 50%;
    box-shadow: 0 0 15px rgba(0, 0, 0, 0.6);
    background-color: #FFF;
  }}
  @media (max-width: 400px) {{
    iframe.threeDs {{ width: calc(100vw - 16px); left: 8px; margin: 80px 0 0 0; }}
  }}
</style></head>
<body>
<header>Dojo Cafe</header>
<main class="checkout">
  <section><h1>Your order</h1><p>Two flat whites, £10.00</p></section>
  <section>
    <div id="demo-payment"></div>
    <div id="errors">Your last card was declined: try another one.</div>
    <button id="testPay" type="button">Pay £10.00</button>
    <pre id="result"></pre>
  </section>
</main>
<script src="{tender}/payments/v1/client.js"></script>
<script>
  window.errorCalls = 0;
  window.loaded = false;
  function displayErrorsCallback(errors) {{
    window.errorCalls += 1;
    document.getElementById("errors").textContent = errors.map(function (e) {{
      return e.message; }}).join(" ");
  }}
  var card = new Dojo.Payment({{
    paymentDetails: {{ paymentToken: "{token}" }},
    containerId: "demo-payment",
    styles: {styles},
    onIframeLoaded: function () {{ window.loaded = true; }}
  }}, displayErrorsCallback);
  document.getElementById("testPay").onclick = function () {{
    card.executePayment().then(function (data) {{
      document.getElementById("result").textContent = JSON.stringify(data);
    }});
  }};
</script>
</body></html>"""

SIZES = [(1100, 900), (1440, 900), (375, 667)]


async def open_merchant_page(
    browser: Any, merchant: Any, tender: str, token: str, size: tuple[int, int]
) -> Any:
    width, height = size
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    page.set_default_timeout(15_000)
    html = MERCHANT_PAGE.format(tender=tender, token=token, styles=json.dumps(DOJO_STYLES))
    await page.goto(merchant.serve("/checkout", html))
    await page.wait_for_function("window.loaded")
    return page


async def boxes(frame: Any) -> dict[str, dict[str, float]]:
    found = {}
    for name in ("cardNumber", "cardName", "expiryDate", "cv2"):
        found[name] = await frame.locator(f'.field[data-field="{name}"]').bounding_box()
    return found


async def test_dojo_styles_place_the_fields_on_the_merchants_grid(
    live_server: Any, live_api: Any, merchant: Any, browser: Any
) -> None:
    intent = await live_api.create()
    page = await open_merchant_page(
        browser, merchant, live_server.url, intent["clientSessionSecret"], (1100, 900)
    )
    try:
        frame = page.frame_locator("#demo-payment iframe")
        at = await boxes(frame)
        # Rows of 108 px: name, then number, then expiry and CVV side by side, a 24 px gutter.
        assert at["cardNumber"]["y"] - at["cardName"]["y"] == 108
        assert at["expiryDate"]["y"] == at["cv2"]["y"] == at["cardNumber"]["y"] + 108
        assert at["cv2"]["x"] - (at["expiryDate"]["x"] + at["expiryDate"]["width"]) == 24
        assert at["expiryDate"]["width"] == at["cv2"]["width"]
        assert at["cardName"]["width"] == at["cardNumber"]["width"] > 2 * at["cv2"]["width"]
        number = frame.get_by_label("Card number")
        assert (await number.bounding_box())["height"] == 48
        label = await number.evaluate(
            "el => getComputedStyle(el.closest('.field').querySelector('label')).color"
        )
        assert label == "rgba(0, 0, 0, 0.87)"
        # The base-level validation styles apply once a field shows an error.
        await number.fill("4242")
        await frame.get_by_label("Name on card").focus()
        text = frame.locator('.field[data-field="cardNumber"] .validation')
        await text.wait_for()
        assert await text.evaluate("el => getComputedStyle(el).fontSize") == "14px"
        icon = await frame.locator(
            '.field[data-field="cardNumber"] .validation-icon'
        ).bounding_box()
        assert icon and icon["width"] == 16
        await screenshot(page, "dojo-page-card-form.png")
        assert await status_of(live_api, intent["id"]) == "Created"
    finally:
        await page.context.close()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_challenge_shows_whole_and_clickable(
    live_server: Any, live_api: Any, merchant: Any, browser: Any, size: tuple[int, int]
) -> None:
    width, height = size
    intent = await live_api.create()
    page = await open_merchant_page(
        browser, merchant, live_server.url, intent["clientSessionSecret"], size
    )
    try:
        await fill_card(
            page.frame_locator("#demo-payment iframe"), "4456 5300 0000 1096", cvv="020"
        )
        await page.click("#testPay")
        frame = page.locator("iframe.threeDs")
        challenge = page.frame_locator("iframe.threeDs")
        await challenge.locator("#otp").wait_for()
        # Rendered as Dojo.js renders it: a child of <body>, styled by the page's own CSS.
        placed = await frame.evaluate(
            "el => [el.parentElement === document.body, getComputedStyle(el).position,"
            " getComputedStyle(el).width, getComputedStyle(el).height]"
        )
        expected_width = "370px" if width > 400 else f"{width - 16}px"
        assert placed == [True, "fixed", expected_width, "366px"]
        assert await page.locator(".tender-3ds-backdrop").count() == 0  # the page styles it
        box = await frame.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
        # Whole: nothing of the challenge is scrolled out of its frame.
        inside = await challenge.locator("html").evaluate(
            "el => [el.scrollHeight <= innerHeight, el.scrollWidth <= innerWidth]"
        )
        assert inside == [True, True]
        for name in ("Approve", "Reject", "Cancel"):
            button = await challenge.get_by_role("button", name=name).bounding_box()
            assert (
                button
                and box["y"] <= button["y"]
                and button["y"] + button["height"] <= box["y"] + box["height"]
            )
            centre = (button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
            on_top = await page.evaluate(
                "([x, y]) => document.elementFromPoint(x, y) === "
                "document.querySelector('iframe.threeDs')",
                list(centre),
            )
            assert on_top, f"{name} is covered at {size}"  # the sticky header stays below it
        await screenshot(page, f"dojo-page-3ds-{width}x{height}.png")
        await answer_challenge(page, approve=True)
        assert (await result_of(page))["statusCode"] == 0
        await frame.wait_for(state="detached")
        assert await status_of(live_api, intent["id"]) == "Captured"
    finally:
        await page.context.close()


async def test_the_errors_callback_is_not_called_with_an_empty_list_on_load(
    live_server: Any, live_api: Any, merchant: Any, browser: Any
) -> None:
    """Dojo's samples re-render the form after a decline, under their own message; an empty
    errors list on load would wipe that message."""
    intent = await live_api.create()
    page = await open_merchant_page(
        browser, merchant, live_server.url, intent["clientSessionSecret"], (1100, 900)
    )
    try:
        assert await page.evaluate("window.errorCalls") == 0
        assert (
            await page.locator("#errors").text_content()
            == "Your last card was declined: try another one."
        )
        frame = page.frame_locator("#demo-payment iframe")
        await frame.get_by_label("Card number").fill("4242")
        await frame.get_by_label("Name on card").focus()
        await page.wait_for_function("window.errorCalls === 1")
        assert "valid card number" in await page.locator("#errors").text_content()
        await fill_card(frame, "4242 4242 4242 4242")
        await frame.get_by_label("Card number").focus()  # every field touched and valid
        await page.wait_for_function("document.getElementById('errors').textContent === ''")
    finally:
        await page.context.close()
