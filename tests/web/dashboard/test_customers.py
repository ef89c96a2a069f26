"""The dashboard's customer pages in Chromium: reached from the menu, a customer's payments and
saved cards, accessible (axe-core) and fitting 375 px like every other page."""

import pytest

from tests.customerhelp import customer, save_card
from tests.web.dashboard.conftest import assert_accessible, assert_fits
from tests.web.support import screenshot

pytestmark = pytest.mark.browser


async def test_customers_list_and_a_customers_page(owner_page, merchant):
    api = merchant.api
    ada = await customer(api, phoneNumber="078976534161")
    await customer(api, name="Bob Byte", emailAddress="bob@shop.example")
    await save_card(api, ada["id"], reference="Order 601")
    await save_card(api, ada["id"], "4242 4242 4242 4242", reference="Order 602")

    await owner_page.goto(f"{merchant.url}/dashboard")
    await owner_page.get_by_role("link", name="Customers", exact=True).click()
    await owner_page.get_by_role("heading", name="Customers").wait_for()
    rows = owner_page.locator("#customers tbody tr")
    assert await rows.count() == 2
    assert "Bob Byte" in await rows.nth(0).inner_text()  # newest first
    await owner_page.get_by_role("link", name="Ada Lovelace").click()
    await owner_page.get_by_role("heading", name="Ada Lovelace").wait_for()
    cards = await owner_page.locator("#saved-cards").inner_text()
    assert "MASTERCARD •••• 0056" in cards and "VISA •••• 4242" in cards
    payments = await owner_page.locator("#payments").inner_text()
    assert "Order 601" in payments and "Order 602" in payments and "Captured" in payments
    await screenshot(owner_page, "dashboard-customer.png")
    await owner_page.get_by_role("link", name="Order 601").click()
    await owner_page.get_by_role("heading", name="Order 601").wait_for()

    for width in (1280, 375):
        await owner_page.set_viewport_size({"width": width, "height": 800})
        for path in ("/dashboard/customers", f"/dashboard/customers/{ada['id']}"):
            await owner_page.goto(merchant.url + path)
            await owner_page.locator("main").wait_for()
            await assert_accessible(owner_page)
            await assert_fits(owner_page)


async def test_no_customers_yet(owner_page, merchant):
    await owner_page.goto(f"{merchant.url}/dashboard/customers")
    await owner_page.get_by_text("No customers yet").wait_for()
    await assert_accessible(owner_page)
