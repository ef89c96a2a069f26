"""client.js on a merchant's page (another origin), driven exactly as Dojo's component docs show:
``new Dojo.Payment(config, displayErrorsCallback)`` then ``card.executePayment()``. Every test
checks the intent's status through the API afterwards, not only what the page says."""

import pytest

from tests.web.support import (
    answer_challenge,
    fill_card,
    open_card_page,
    result_of,
    screenshot,
    status_of,
)

pytestmark = pytest.mark.browser


async def test_a_dojo_page_pays_and_the_intent_is_captured(
    live_server, live_api, merchant, page
) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4242 4242 4242 4242")
    await page.wait_for_function("window.seen.indexOf('complete') >= 0")
    await screenshot(page, "component-card-form.png")
    await page.click("#pay")
    result = await result_of(page)
    assert result["statusCode"] == 0
    assert result["authCode"]
    assert await status_of(live_api, intent["id"]) == "Captured"


async def test_manual_capture_intent_is_authorized(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create(captureMode="Manual")
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "5200 0000 0000 0056", cvv="341")
    await page.click("#pay")
    assert (await result_of(page))["statusCode"] == 0
    assert await status_of(live_api, intent["id"]) == "Authorized"


async def test_declined_card_leaves_the_intent_created(
    live_server, live_api, merchant, page
) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4000 0000 0000 0002")
    await page.click("#pay")
    result = await result_of(page)
    assert result["statusCode"] == 5
    assert "authCode" not in result
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_referred_card_answers_status_4(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4000 0000 0000 0101")
    await page.click("#pay")
    assert (await result_of(page))["statusCode"] == 4
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_three_ds_challenge_approved(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4456 5300 0000 1096", cvv="020")
    await page.click("#pay")
    # The page's CSS sizes iframe.threeDs but does not position it: Tender's default centres it
    # over a dimmed page, at the page's size.
    challenge = page.locator("body > iframe.threeDs")
    await challenge.wait_for()
    await page.frame_locator("iframe.threeDs").locator("#otp").wait_for()
    box = await challenge.bounding_box()
    assert box and (box["width"], box["height"]) == (400, 500)
    assert box["x"] == (1280 - 400) / 2 and box["y"] == (900 - 500) / 2
    assert await page.locator(".tender-3ds-backdrop").count() == 1
    await screenshot(page, "component-3ds-challenge.png")
    await answer_challenge(page, approve=True)
    result = await result_of(page)
    assert result["statusCode"] == 0
    await challenge.wait_for(state="detached")
    assert await page.locator(".tender-3ds-backdrop").count() == 0
    events = (await live_api.get(intent["id"])).json()["paymentEvents"]
    assert await status_of(live_api, intent["id"]) == "Captured"
    assert "AuthChallenged" in [e["eventType"] for e in events]


async def test_three_ds_challenge_rejected(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4456 5300 0000 1096", cvv="020")
    await page.click("#pay")
    await answer_challenge(page, approve=False)
    result = await result_of(page)
    assert result["statusCode"] == 5
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_closing_the_challenge_answers_status_3(
    live_server, live_api, merchant, page
) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4456 5300 0000 1096", cvv="020")
    await page.click("#pay")
    await page.frame_locator("iframe.threeDs").get_by_role("button", name="Cancel").click()
    result = await result_of(page)
    assert result["statusCode"] == 3
    assert await page.locator("iframe.threeDs").count() == 0
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_frictionless_three_ds_needs_no_challenge(
    live_server, live_api, merchant, page
) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4000 0000 0000 3220")
    await page.click("#pay")
    assert (await result_of(page))["statusCode"] == 0
    assert await page.locator("iframe.threeDs").count() == 0
    assert await status_of(live_api, intent["id"]) == "Captured"


async def test_used_token_answers_401(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4000 0000 0000 0002")
    await page.click("#pay")
    assert (await result_of(page))["statusCode"] == 5
    await page.evaluate("document.getElementById('result').textContent = ''")
    await fill_card(frame, "4242 4242 4242 4242")
    await page.click("#pay")
    result = await result_of(page)
    assert result["statusCode"] == 401
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_expired_token_answers_401(live_server, live_api, clock, merchant, page) -> None:
    from datetime import timedelta

    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    clock.advance(timedelta(minutes=31))
    await fill_card(frame, "4242 4242 4242 4242")
    await page.click("#pay")
    result = await result_of(page)
    assert result["statusCode"] == 401
    assert "expired" in result["message"]
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_unknown_token_answers_404(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, "not-a-token")
    await fill_card(frame, "4242 4242 4242 4242")
    await page.click("#pay")
    assert (await result_of(page))["statusCode"] == 404
    assert await status_of(live_api, intent["id"]) == "Created"


async def test_additional_info_reaches_the_intent(live_server, live_api, merchant, page) -> None:
    intent = await live_api.create()
    info = {"userEmailAddress": "ada@example.com", "metaData": {"basket": "b-17"}}
    frame = await open_card_page(
        page, merchant, live_server.url, intent["clientSessionSecret"], info=info
    )
    await fill_card(frame, "4242 4242 4242 4242")
    await page.click("#pay")
    assert (await result_of(page))["statusCode"] == 0
    body = (await live_api.get(intent["id"])).json()
    assert body["status"] == "Captured"
    assert body["metadata"]["basket"] == "b-17"


async def test_the_merchant_page_cannot_read_the_card_number(
    live_server, live_api, merchant, page
) -> None:
    intent = await live_api.create()
    frame = await open_card_page(page, merchant, live_server.url, intent["clientSessionSecret"])
    await fill_card(frame, "4242 4242 4242 4242")
    readable = await page.evaluate(
        """() => { try {
              return document.querySelector('#card-payment iframe')
                .contentDocument.getElementById('cardNumber').value;
            } catch (e) { return 'blocked'; } }"""
    )
    assert readable in ("blocked", None)
    assert "4242" not in await page.content()
    assert await status_of(live_api, intent["id"]) == "Created"
