"""A setup intent completed in Chromium: on the hosted checkout (its terms, "nothing is charged
now", a 3-D Secure card) and through Dojo.js on a merchant's page with the setup intent's client
session secret. Statuses are checked via the API."""

from typing import Any

import pytest

from tests.setuphelp import TERMS, create_setup
from tests.web.support import answer_challenge, fill_card, open_card_page, result_of, screenshot

pytestmark = pytest.mark.browser


async def setup_status(api: Any, setup_id: str) -> dict[str, Any]:
    response = await api.request("GET", f"/setup-intents/{setup_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_hosted_checkout_saves_a_card_with_3ds_and_charges_nothing(
    live_server, live_api, page
) -> None:
    setup = await create_setup(live_api)
    await page.goto(f"{live_server.url}/checkout/{setup['id']}")
    await page.locator("#pay-button:enabled").wait_for()
    assert await page.locator("#terms").text_content() == TERMS
    assert await page.locator("#nothing-charged").text_content() == "Nothing is charged now"
    assert "£10.00" in await page.locator("#intended").text_content()
    assert await page.locator("#pay-button").text_content() == "Save card"
    await fill_card(page.frame_locator("#card iframe"), "4456 5300 0000 1096", cvv="020")
    await screenshot(page, "setup-checkout.png")
    await page.click("#pay-button")
    await answer_challenge(page, approve=True)
    await page.wait_for_url(f"{live_server.url}/checkout/{setup['id']}/result")
    await page.get_by_role("heading", name="Card saved").wait_for()
    assert "Nothing was charged" in await page.locator(".lead").text_content()
    body = await setup_status(live_api, setup["id"])
    assert body["status"] == "Authorized"
    assert body["paymentDetails"]["card"]["cardNumber"].endswith("1096")
    # the link now says so instead of offering the form again
    await page.goto(f"{live_server.url}/checkout/{setup['id']}")
    await page.get_by_role("heading", name="Card saved").wait_for()


async def test_hosted_checkout_retries_after_a_decline(live_server, live_api, page) -> None:
    setup = await create_setup(live_api)
    await page.goto(f"{live_server.url}/checkout/{setup['id']}")
    await page.locator("#pay-button:enabled").wait_for()
    await fill_card(page.frame_locator("#card iframe"), "4000 0000 0000 0002")
    await page.click("#pay-button")
    await page.get_by_text("Your card was declined. Please use another card.").wait_for()
    await page.locator("#pay-button:enabled").wait_for()
    await fill_card(page.frame_locator("#card iframe"), "4242 4242 4242 4242")
    await page.click("#pay-button")
    await page.wait_for_url(f"{live_server.url}/checkout/{setup['id']}/result")
    assert (await setup_status(live_api, setup["id"]))["status"] == "Authorized"


async def test_dojo_js_authorizes_a_setup_intent_with_its_secret(
    live_server, live_api, merchant, page
) -> None:
    setup = await create_setup(live_api)
    frame = await open_card_page(page, merchant, live_server.url, setup["clientSessionSecret"])
    await fill_card(frame, "4456 5300 0000 1096")
    await page.click("#pay")
    await answer_challenge(page, approve=True)
    result = await result_of(page)
    assert result["statusCode"] == 0, result
    body = await setup_status(live_api, setup["id"])
    assert body["status"] == "Authorized"
    intent = await live_api.create(setupIntentId=setup["id"])
    charged = await live_api.request("POST", f"/payment-intents/{intent['id']}/charge")
    assert charged.json()["status"] == "Successful"


async def test_a_closed_or_unknown_setup_link_gets_a_page(live_server, live_api, page) -> None:
    setup = await create_setup(live_api)
    await live_api.request("DELETE", f"/setup-intents/{setup['id']}")
    await page.goto(f"{live_server.url}/checkout/{setup['id']}")
    await page.get_by_role("heading", name="Request canceled").wait_for()
    response = await page.goto(f"{live_server.url}/checkout/si_sandbox_nothing")
    assert response.status == 404


async def test_a_wallet_saves_the_card_and_returns_to_the_merchant(
    live_server, live_api, merchant, page
) -> None:
    thanks = merchant.serve("/saved", "<h1>Card saved at the shop</h1>")
    setup = await create_setup(
        live_api, paymentMethods=["Card", "Wallet"], config={"redirectUrl": thanks}
    )
    await page.goto(f"{live_server.url}/checkout/{setup['id']}")
    wallet = page.frame_locator("#wallet iframe")
    await wallet.get_by_role("button", name="Pay with Google Pay").click()
    await wallet.get_by_role("button", name="Pay", exact=True).click()
    await page.wait_for_url(f"{thanks}?id={setup['id']}")
    assert (await setup_status(live_api, setup["id"]))["status"] == "Authorized"
