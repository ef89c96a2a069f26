"""The 3-D Secure challenge page in a real browser: approve (in an iframe, as the browser
library shows it) and reject (in a window, with a return path)."""

from typing import Any

import pytest

from tests.conftest import Api
from tests.payhelp import pay

pytestmark = pytest.mark.browser


async def test_approve_in_an_iframe_posts_the_result_to_the_parent(
    live_api: Api, page: Any
) -> None:
    intent = await live_api.create(amount={"value": 4250, "currencyCode": "GBP"})
    token = intent["clientSessionSecret"]
    first = await pay(live_api.client, token, "4456 5300 0000 1096")
    assert first["statusCode"] == 3
    base = str(live_api.client.base_url).rstrip("/")
    await page.goto(f"{base}/health")  # the parent page, same origin as a merchant page would be
    await page.evaluate(
        """url => {
            window.received = null;
            window.addEventListener('message', e => { window.received = e.data; });
            const frame = document.createElement('iframe');
            frame.src = url; frame.width = 480; frame.height = 640;
            document.body.appendChild(frame);
        }""",
        first["stepUpUrl"],
    )
    frame = page.frame_locator("iframe")
    await frame.locator("#merchant").wait_for()
    assert await frame.locator("#merchant").inner_text() == "live merchant"
    assert await frame.locator("#amount").inner_text() == "£42.50"
    code = await frame.locator("#otp").inner_text()
    await frame.locator("#code").fill("000000" if code != "000000" else "111111")
    await frame.get_by_role("button", name="Approve").click()
    await frame.get_by_role("alert").wait_for()  # a wrong code decides nothing
    await frame.locator("#code").fill(code)
    await frame.get_by_role("button", name="Approve").click()
    message = await (await page.wait_for_function("window.received")).json_value()
    assert message["source"] == "tender-3ds"
    assert message["attemptId"] == first["md"]
    assert message["statusCode"] == 0 and message["authCode"]
    assert await frame.locator("#result").inner_text() == "Payment approved"
    fetched = (await live_api.get(intent["id"])).json()
    assert fetched["status"] == "Captured"
    assert fetched["paymentDetails"]["authCode"] == message["authCode"]


async def test_reject_declines_and_returns_to_the_merchant_path(live_api: Api, page: Any) -> None:
    intent = await live_api.create()
    first = await pay(live_api.client, intent["clientSessionSecret"], "4456 5300 0000 0007")
    await page.goto(first["stepUpUrl"] + "?returnUrl=/health")
    await page.get_by_role("button", name="Reject").click()
    await page.wait_for_url("**/health")
    fetched = (await live_api.get(intent["id"])).json()
    assert fetched["status"] == "Created"
    assert fetched["paymentEvents"][-1]["eventType"] == "Declined"
    done = await live_api.client.post(
        f"/api/payments/{intent['clientSessionSecret']}/three-ds-complete",
        json={"md": first["md"]},
    )
    assert done.json()["statusCode"] == 5


async def test_foreign_return_urls_are_ignored(live_api: Api, page: Any) -> None:
    intent = await live_api.create()
    first = await pay(live_api.client, intent["clientSessionSecret"], "4456530000001096")
    await page.goto(first["stepUpUrl"] + "?returnUrl=//evil.example/steal")
    await page.get_by_role("button", name="Reject").click()
    await page.locator("#result").wait_for()
    assert await page.locator("#result").inner_text() == "Payment declined"
    assert page.url.startswith(str(live_api.client.base_url).rstrip("/") + "/3ds/")


async def test_a_merchant_page_on_another_origin_can_pay(live_api: Api, page: Any) -> None:
    """The gateway answers CORS: a page on localhost posts to 127.0.0.1 (another origin)."""
    intent = await live_api.create()
    base = str(live_api.client.base_url).rstrip("/")
    other_origin = base.replace("127.0.0.1", "localhost")
    await page.goto(f"{other_origin}/health")
    result = await page.evaluate(
        """async ([url, token]) => {
            const response = await fetch(`${url}/api/payments/${token}`, {
                method: 'POST', headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({cardNumber: '4242 4242 4242 4242', cardName: 'Ada',
                                      expiryDate: '12 / 39', cV2: '123'})});
            return response.json();
        }""",
        [base, intent["clientSessionSecret"]],
    )
    assert result["statusCode"] == 0
    assert (await live_api.get(intent["id"])).json()["status"] == "Captured"
