"""Every dashboard page in Chromium, wide and at 375 px: axe-core finds no serious violation,
nothing is wider than the screen, and the keyboard reaches everything with a visible focus."""

import pytest

from tests.payhelp import pay
from tests.web.dashboard.conftest import assert_accessible, assert_fits
from tests.web.support import screenshot

pytestmark = pytest.mark.browser


async def _pages(merchant) -> list[str]:
    api = merchant.api
    manual = await api.create(
        reference="Order 501", captureMode="Manual", customer={"emailAddress": "ada@example.com"},
        billingAddress={"address1": "1 Bean Street", "city": "London", "postcode": "N1 9GU",
                        "countryCode": "GB"}, metadata={"basket": "b-17"},
    )  # fmt: skip
    await pay(api.client, manual["clientSessionSecret"], "4000 0000 0000 3220")
    declined = await api.create(reference="Order 502")
    await pay(api.client, declined["clientSessionSecret"], "4000 0000 0000 9995")
    hook = await api.request(
        "POST", "/webhooks",
        json={"events": ["payment_intent.created"], "url": "http://127.0.0.1:9/hook"},
    )  # fmt: skip
    return [
        "/dashboard",
        "/dashboard/payments",
        "/dashboard/payments?status=Authorized&min=1",
        f"/dashboard/payments/{manual['id']}",
        "/dashboard/payment-links",
        "/dashboard/developers",
        f"/dashboard/developers/webhooks/{hook.json()['id']}",
        "/dashboard/developers/events",
        "/dashboard/team",
        "/dashboard/no-such-page",
    ]


async def test_every_page_is_accessible_and_fits_375px(owner_page, merchant):
    paths = await _pages(merchant)
    for width in (1280, 375):
        await owner_page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            await owner_page.goto(merchant.url + path)
            await owner_page.locator("main").wait_for()
            await assert_accessible(owner_page)
            await assert_fits(owner_page)
    await owner_page.goto(merchant.url + paths[3])
    await screenshot(owner_page, "dashboard-375px.png")


async def test_the_sign_in_and_confirm_pages_are_accessible(page, owner_page, merchant):
    intent = await merchant.api.create(reference="Order 503")
    await owner_page.goto(f"{merchant.url}/dashboard/payments/{intent['id']}")
    await owner_page.get_by_role("button", name="Cancel payment…").click()
    await owner_page.get_by_role("button", name="Confirm cancel").wait_for()
    await assert_accessible(owner_page)
    await owner_page.set_viewport_size({"width": 375, "height": 800})
    await assert_fits(owner_page)


async def test_the_keyboard_reaches_the_menu_and_shows_focus(owner_page, merchant):
    await owner_page.set_viewport_size({"width": 375, "height": 800})
    await owner_page.goto(f"{merchant.url}/dashboard")
    await owner_page.keyboard.press("Tab")
    skip = owner_page.get_by_role("link", name="Skip to content")
    assert await skip.evaluate("e => e === document.activeElement")
    outline = await skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    # Tab on to the menu, open it with the keyboard, follow "Payments".
    for _ in range(10):
        await owner_page.keyboard.press("Tab")
        if await owner_page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    focused = owner_page.locator(".menu summary")
    assert await focused.evaluate("e => e === document.activeElement")
    assert await focused.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    await owner_page.keyboard.press("Enter")
    menu = owner_page.locator(".menu ul")
    await menu.get_by_role("link", name="Payments").wait_for()
    await owner_page.keyboard.press("Tab")
    await owner_page.keyboard.press("Tab")
    assert await owner_page.evaluate("document.activeElement.textContent") == "Payments"
    await owner_page.keyboard.press("Enter")
    await owner_page.get_by_role("heading", name="Payments").wait_for()
    # Every control of the filter form is reached by Tab, each with a visible outline.
    await owner_page.get_by_label("Search").click()
    seen = set()
    while "Apply" not in seen and len(seen) < 6:
        name = await owner_page.evaluate(
            "document.activeElement.id || document.activeElement.textContent.trim().slice(0, 40)"
        )
        style = await owner_page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert style != "none", name
        seen.add(name)
        await owner_page.keyboard.press("Tab")
    assert seen == {"q", "Status, dates and amounts", "Apply"}
