"""``new Dojo.WalletPayment(config, displayErrorsCallback, paymentComplete)``: the simulated wallet
button pays through the gateway's wallet endpoint; the intent's status is checked via the API."""

import json

import pytest

from tests.web.support import screenshot, serve_merchant, status_of

pytestmark = pytest.mark.browser

WALLET_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<div id="wallet-payment" style="max-width: 360px"></div><pre id="result"></pre>
<script src="{tender}/payments/v1/client.js"></script>
<script>
  window.seen = [];
  new Dojo.WalletPayment(Object.assign({{
    containerId: "wallet-payment",
    paymentDetails: {{ paymentToken: "{token}" }},
    buttonConfig: {{ colour: "black", type: "buy" }},
    onIframeLoaded: function () {{ seen.push("loaded"); }},
    callbacks: {{
      onPaymentInitiated: function () {{ seen.push("initiated"); }},
      onPaymentCancelled: function () {{ seen.push("cancelled"); }}
    }}
  }}, {extra}), function (errors) {{ window.lastErrors = errors; }}, function (result) {{
    document.getElementById("result").textContent = JSON.stringify(result);
  }});
</script></body></html>"""


async def open_wallet(page, merchant, tender: str, token: str, extra=None):
    html = WALLET_PAGE.format(tender=tender, token=token, extra=json.dumps(extra or {}))
    await serve_merchant(page, merchant, html)
    await page.wait_for_function("window.seen.indexOf('loaded') >= 0")
    return page.frame_locator("#wallet-payment iframe")


async def test_wallet_button_pays(live_server, live_api, merchant, page):
    intent = await live_api.create()
    wallet = await open_wallet(page, merchant, live_server.url, intent["clientSessionSecret"])
    await wallet.get_by_role("button", name="Buy with Google Pay").click()
    await wallet.get_by_label("Card in the wallet").wait_for()
    await screenshot(page, "component-wallet.png")
    await wallet.get_by_role("button", name="Pay", exact=True).click()
    await page.wait_for_function("document.getElementById('result').textContent !== ''")
    result = json.loads(await page.locator("#result").text_content())
    assert result["statusCode"] == 0
    assert "initiated" in await page.evaluate("window.seen")
    body = (await live_api.get(intent["id"])).json()
    assert body["status"] == "Captured"


async def test_wallet_with_a_declined_card(live_server, live_api, merchant, page):
    intent = await live_api.create()
    wallet = await open_wallet(
        page, merchant, live_server.url, intent["clientSessionSecret"], {"wallet": "apple-pay"}
    )
    await wallet.get_by_role("button", name="Buy with Apple Pay").click()
    await wallet.get_by_label("Card in the wallet").select_option("4000000000000002")
    await wallet.get_by_role("button", name="Pay", exact=True).click()
    await page.wait_for_function("document.getElementById('result').textContent !== ''")
    assert json.loads(await page.locator("#result").text_content())["statusCode"] == 5
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_wallet_cancel_and_required_email(live_server, live_api, merchant, page):
    intent = await live_api.create()
    wallet = await open_wallet(
        page, merchant, live_server.url, intent["clientSessionSecret"], {"emailRequired": True}
    )
    button = wallet.get_by_role("button", name="Buy with Google Pay")
    await button.click()
    await wallet.get_by_role("button", name="Cancel").click()
    assert await page.evaluate("window.seen") == ["loaded", "initiated", "cancelled"]
    await button.click()
    await wallet.get_by_role("button", name="Pay", exact=True).click()
    await page.wait_for_function("(window.lastErrors || []).length > 0")
    assert await status_of(live_api, intent["id"]) == "Created"
    await wallet.get_by_label("E-mail").fill("grace@example.com")
    await wallet.get_by_role("button", name="Pay", exact=True).click()
    await page.wait_for_function("document.getElementById('result').textContent !== ''")
    assert json.loads(await page.locator("#result").text_content())["statusCode"] == 0
    assert await status_of(live_api, intent["id"]) == "Captured"


@pytest.mark.parametrize("spelling", ["color", "colour"])
async def test_button_config_color_and_plain_type(live_server, live_api, merchant, page, spelling):
    """Dojo documents buttonConfig.color (and the British colour); type "plain" has no words."""
    intent = await live_api.create()
    extra = {"buttonConfig": {spelling: "white", "type": "plain"}}
    wallet = await open_wallet(
        page, merchant, live_server.url, intent["clientSessionSecret"], extra
    )
    button = wallet.get_by_role("button", name="Google Pay", exact=True)
    look = await button.evaluate("el => [el.textContent, getComputedStyle(el).backgroundColor]")
    assert look == ["Google Pay", "rgb(255, 255, 255)"]
    await button.click()
    await wallet.get_by_role("button", name="Pay", exact=True).click()
    await page.wait_for_function("document.getElementById('result').textContent !== ''")
    assert await status_of(live_api, intent["id"]) == "Captured"
