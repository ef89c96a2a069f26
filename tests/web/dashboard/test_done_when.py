"""Issue 13's "done when", in Chromium: sign in, find a payment by reference, read its timeline,
refund part of it (the refund shows through the API), see it on the overview chart; a wrong
password is refused; another account's user cannot see or open it; signed out, nothing shows."""

import json

import pytest

from tests.payhelp import pay
from tests.web.dashboard.conftest import add_account, add_user, assert_accessible, sign_in
from tests.web.support import screenshot

pytestmark = pytest.mark.browser


async def test_find_read_refund_and_see_it_on_the_overview(page, merchant):
    api = merchant.api
    intent = await api.create(
        amount={"value": 4200, "currencyCode": "GBP"}, reference="Order 245",
        customer={"emailAddress": "ada@example.com"}, metadata={"basket": "b-17"},
    )  # fmt: skip
    assert (await pay(api.client, intent["clientSessionSecret"]))["statusCode"] == 0
    await api.create(reference="Order 246")

    await sign_in(page, merchant.url, merchant.email)
    await page.get_by_role("link", name="Payments").first.click()
    await page.get_by_label("Search").fill("Order 245")
    await page.get_by_role("button", name="Apply").click()
    rows = page.locator("#payments tbody tr")
    await rows.first.wait_for()
    assert await rows.count() == 1
    await screenshot(page, "dashboard-payments.png")
    await page.get_by_role("link", name="Order 245").click()

    timeline = page.locator("#timeline")
    await timeline.wait_for()
    text = await timeline.inner_text()
    for step in ("Payment intent created", "£42.00 card payment started", "Payment authorized",
                 "£42.00 captured", "Event payment_intent.status_updated"):  # fmt: skip
        assert step in text, step

    await page.get_by_label("Amount to refund (GBP)").fill("12.50")
    await page.get_by_label("Reason").fill("one cup arrived broken")
    await page.get_by_role("button", name="Refund…").click()
    summary = page.locator("#confirm-summary")
    assert "Refund £12.50 of Order 245 (reason: one cup arrived broken)" in (
        await summary.inner_text()
    )
    await page.get_by_role("button", name="Confirm refund").click()
    await page.get_by_text("The refund was made.").wait_for()
    assert await page.locator("#refunded").inner_text() == "£12.50"
    assert "£12.50 refunded" in await timeline.inner_text()
    await screenshot(page, "dashboard-payment.png")

    body = (await api.get(intent["id"])).json()
    assert (body["status"], body["refundedAmount"]) == ("Refunded", 1250)

    await page.get_by_role("link", name="Overview").first.click()
    assert await page.locator("#figure-refunds").inner_text() == "£12.50"
    assert await page.locator("#figure-volume").inner_text() == "£42.00"
    chart = await page.evaluate(
        """() => {
            const chart = Chart.getChart("refunds-chart");
            return chart.data.datasets[0].data;
        }"""
    )
    assert chart[-1] == 1250 and sum(chart) == 1250
    volume = json.loads(await page.locator("#overview-data").text_content())["volume"]
    assert volume[-1] == 4200
    await screenshot(page, "dashboard-overview.png")
    await assert_accessible(page)


async def test_a_wrong_password_is_refused(page, merchant):
    await page.goto(f"{merchant.url}/dashboard")
    await page.get_by_label("Email").fill(merchant.email)
    await page.get_by_label("Password").fill("not my password")
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("alert").wait_for()
    assert "not right" in await page.get_by_role("alert").inner_text()
    assert await page.get_by_role("heading", name="Overview").count() == 0
    await screenshot(page, "dashboard-sign-in.png")
    await assert_accessible(page)


async def test_another_accounts_user_cannot_see_or_open_it(page, merchant, live_server):
    intent = await merchant.api.create(reference="Order 777")
    other, _ = await add_account(live_server, "Rival Roasters")
    await add_user(live_server, "owner@rival.example", "owner", other.id)
    await sign_in(page, merchant.url, "owner@rival.example")
    await page.goto(f"{merchant.url}/dashboard/payments?q=Order+777")
    await page.get_by_text("No payment matches these filters.").wait_for()
    response = await page.goto(f"{merchant.url}/dashboard/payments/{intent['id']}")
    assert response.status == 404
    assert "Order 777" not in await page.content()
    await page.get_by_role("heading", name="Not found").wait_for()


async def test_signed_out_nothing_shows(page, merchant):
    intent = await merchant.api.create(reference="Order 888")
    await sign_in(page, merchant.url, merchant.email)
    await page.goto(f"{merchant.url}/dashboard/payments/{intent['id']}")
    await page.get_by_role("heading", name="Order 888").wait_for()
    await page.get_by_role("button", name="Sign out").last.click()
    await page.get_by_role("button", name="Sign in").wait_for()
    for path in (f"/dashboard/payments/{intent['id']}", "/dashboard/payments",
                 "/dashboard/developers", "/dashboard/payments/export.csv"):  # fmt: skip
        await page.goto(f"{merchant.url}{path}")
        await page.get_by_role("button", name="Sign in").wait_for()
        assert "Order 888" not in await page.content()
    await page.go_back()
    assert "Order 888" not in await page.content()
