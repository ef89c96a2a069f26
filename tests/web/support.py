"""Helpers for the browser tests: a merchant's page on its own origin, the card frame, 3-D Secure.

The merchant's page is served by the ``merchant`` fixture at http://localhost:PORT, a different
origin from Tender's live server at http://127.0.0.1:PORT, as a real merchant's site would be.
"""

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The README's screenshots are refreshed only on request (make screenshots), so an ordinary test
# run leaves the tree clean; otherwise they go to tests/artifacts/ for inspection.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("TENDER_UPDATE_SCREENSHOTS")
    else ROOT / "tests" / "artifacts" / "screenshots"
)
FUTURE_EXPIRY = "12 / 34"

# A page written against Dojo's documented component API; only the script URL points at Tender.
DOJO_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
<style>iframe.threeDs {{ width: 400px; height: 500px; }}</style></head>
<body>
<h1>Merchant checkout</h1>
<div id="card-payment"></div>
<button id="pay" type="button">Pay</button>
<pre id="result"></pre>
<ul id="errors"></ul>
<script src="{tender}/payments/v1/client.js"></script>
<script>
  window.seen = [];
  var config = Object.assign({{
    containerId: "card-payment",
    paymentDetails: {{ paymentToken: "{token}" }},
    onIframeLoaded: function () {{ seen.push("loaded"); }},
    onIframeLoadFailed: function () {{ seen.push("loadFailed"); }},
    callbacks: {{
      onFormComplete: function () {{ seen.push("complete"); }},
      onFormFieldValid: function (name) {{ seen.push("valid:" + name); }}
    }}
  }}, {extra});
  var card = new Dojo.Payment(config, function (errors) {{
    window.lastErrors = errors;
    document.getElementById("errors").innerHTML = errors.map(function (e) {{
      return "<li data-type='" + e.errorType + "'>" + e.message + "</li>"; }}).join("");
  }}, function () {{ seen.push("submit"); }},
  function (isValid) {{ seen.push("blur:" + isValid); }});
  document.getElementById("pay").addEventListener("click", function () {{
    card.executePayment({info}).then(function (result) {{
      document.getElementById("result").textContent = JSON.stringify(result);
    }}, function (error) {{
      document.getElementById("result").textContent = "rejected: " + error.message;
    }});
  }});
</script>
</body></html>"""


async def serve_merchant(page: Any, merchant: Any, html: str, path: str = "/shop") -> str:
    """Serve ``html`` as the merchant's page on its own origin and open it; returns its URL."""
    url = merchant.serve(path, html)
    await page.goto(url)
    return url


async def open_card_page(
    page: Any,
    merchant: Any,
    tender: str,
    token: str,
    extra: dict[str, Any] | None = None,
    info: dict[str, Any] | None = None,
) -> Any:
    """The Dojo-style merchant page with the card form loaded; returns the card frame."""
    html = DOJO_PAGE.format(
        tender=tender, token=token, extra=json.dumps(extra or {}), info=json.dumps(info or {})
    )
    await serve_merchant(page, merchant, html)
    await page.wait_for_function("window.seen.indexOf('loaded') >= 0")
    return page.frame_locator("#card-payment iframe")


async def fill_card(
    frame: Any,
    number: str,
    *,
    name: str = "Ada Lovelace",
    expiry: str = FUTURE_EXPIRY,
    cvv: str = "123",
) -> None:
    await frame.get_by_label("Card number").fill(number)
    await frame.get_by_label("Name on card").fill(name)
    await frame.get_by_label("Expiry date").fill(expiry)
    await frame.get_by_label("Security code (CVV)").fill(cvv)


async def result_of(page: Any) -> dict[str, Any]:
    """The Transaction Result the merchant's page received from executePayment()."""
    await page.wait_for_function("document.getElementById('result').textContent !== ''")
    text = await page.locator("#result").text_content()
    assert not text.startswith("rejected"), text
    return json.loads(text)


async def answer_challenge(page: Any, approve: bool) -> None:
    """Type the one-time code shown by the sandbox issuer, then approve or reject."""
    challenge = page.frame_locator("iframe.threeDs")
    code = (await challenge.locator("#otp").text_content()).strip()
    await challenge.locator("#code").fill(code)
    await challenge.get_by_role("button", name="Approve" if approve else "Reject").click()


async def status_of(api: Any, intent_id: str) -> str:
    response = await api.get(intent_id, returnCanceled="true")
    assert response.status_code == 200, response.text
    return response.json()["status"]


async def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
