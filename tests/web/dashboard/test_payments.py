"""The payments pages in Chromium: filters, paging, CSV export, and every action with its
confirmation — a double click on "Confirm" does the thing once. Results are read back through
the API."""

import csv

import pytest

from tests.payhelp import pay
from tests.web.dashboard.conftest import add_user, sign_in
from tests.web.support import screenshot

pytestmark = pytest.mark.browser


async def _paid(api, reference, capture_mode="Auto", amount=1000, card="4242 4242 4242 4242"):
    intent = await api.create(amount={"value": amount, "currencyCode": "GBP"},
                              reference=reference, captureMode=capture_mode)  # fmt: skip
    assert (await pay(api.client, intent["clientSessionSecret"], card))["statusCode"] == 0
    return intent


async def _act(page, button: str, confirm: str) -> None:
    await page.get_by_role("button", name=button).click()
    await page.get_by_role("button", name=confirm).dblclick()


async def test_filters_paging_and_csv(owner_page, merchant):
    api = merchant.api
    for i in range(27):
        await api.create(reference=f"Bulk {i:02d}")
    await _paid(api, "Paid one", amount=2500)
    await owner_page.goto(f"{merchant.url}/dashboard/payments")
    assert await owner_page.locator("#payments tbody tr").count() == 25
    await owner_page.get_by_role("link", name="Older →").click()
    await owner_page.get_by_role("link", name="Bulk 00").wait_for()
    assert await owner_page.locator("#payments tbody tr").count() == 3
    await owner_page.get_by_role("link", name="← Newer").click()
    await owner_page.get_by_role("link", name="Paid one").wait_for()

    await owner_page.get_by_text("Status, dates and amounts").click()
    await owner_page.get_by_label("Captured").check()
    await owner_page.get_by_label("Minimum amount").fill("20")
    await owner_page.get_by_role("button", name="Apply").click()
    await owner_page.get_by_role("link", name="Clear filters").wait_for()
    assert await owner_page.locator("#payments tbody tr").count() == 1
    async with owner_page.expect_download() as info:
        await owner_page.get_by_role("link", name="Export CSV").click()
    download = await info.value
    path = await download.path()
    with open(path, newline="") as handle:  # noqa: ASYNC230 - a small local file
        rows = list(csv.DictReader(handle))
    assert [(r["reference"], r["amount"], r["status"]) for r in rows] == [
        ("Paid one", "25.00", "Captured")
    ]


async def test_partial_capture_with_a_double_click_captures_once(owner_page, merchant):
    intent = await _paid(merchant.api, "Order 601", "Manual", amount=3000)
    await owner_page.goto(f"{merchant.url}/dashboard/payments/{intent['id']}")
    await owner_page.get_by_label("Amount to capture (GBP)").fill("20.00")
    await _act(owner_page, "Capture…", "Confirm capture")
    await owner_page.get_by_text("The payment was captured.").wait_for()
    body = (await merchant.api.get(intent["id"])).json()
    assert (body["status"], body["capturedAmount"]) == ("Captured", 2000)
    assert [c["amount"] for c in body["captures"]] == [2000]
    assert "£20.00 captured" in await owner_page.locator("#timeline").inner_text()


async def test_refund_in_full_with_a_double_click_refunds_once(owner_page, merchant):
    intent = await _paid(merchant.api, "Order 602", amount=1500)
    await owner_page.goto(f"{merchant.url}/dashboard/payments/{intent['id']}")
    assert await owner_page.get_by_label("Amount to refund (GBP)").input_value() == "15.00"
    await _act(owner_page, "Refund…", "Confirm refund")
    await owner_page.get_by_text("The refund was made.").wait_for()
    body = (await merchant.api.get(intent["id"])).json()
    assert (body["status"], body["refundedAmount"]) == ("Refunded", 1500)
    # Nothing is left to refund: the action is gone.
    assert await owner_page.get_by_role("button", name="Refund…").count() == 0


async def test_reverse_cancel_and_send_receipt(owner_page, merchant):
    api = merchant.api
    manual = await _paid(api, "Order 603", "Manual")
    await owner_page.goto(f"{merchant.url}/dashboard/payments/{manual['id']}")
    await owner_page.get_by_label("Send the receipt to").fill("ada@example.com")
    await _act(owner_page, "Send receipt…", "Confirm receipt")
    await owner_page.get_by_text("The receipt was requested").wait_for()
    await _act(owner_page, "Reverse…", "Confirm reverse")
    await owner_page.get_by_text("The payment was reversed.").wait_for()
    assert (await api.get(manual["id"])).json()["status"] == "Reversed"
    timeline = await owner_page.locator("#timeline").inner_text()
    assert "£10.00 reversed" in timeline and "payment_intent.send-receipt" in timeline

    fresh = await api.create(reference="Order 604")
    await owner_page.goto(f"{merchant.url}/dashboard/payments/{fresh['id']}")
    await owner_page.get_by_role("button", name="Cancel payment…").click()
    await owner_page.get_by_role("link", name="Go back").click()
    assert (await api.get(fresh["id"])).json()["status"] == "Created"
    await _act(owner_page, "Cancel payment…", "Confirm cancel")
    await owner_page.get_by_text("The payment intent was canceled.").wait_for()
    assert (await api.get(fresh["id"], returnCanceled="true")).json()["status"] == "Canceled"


async def test_a_declined_capture_is_explained(owner_page, merchant):
    intent = await _paid(merchant.api, "Order 605", "Manual", card="4000 0000 0000 0341")
    await owner_page.goto(f"{merchant.url}/dashboard/payments/{intent['id']}")
    await _act(owner_page, "Capture…", "Confirm capture")
    alert = owner_page.get_by_role("alert")
    await alert.wait_for()
    assert "no money moved" in await alert.inner_text()
    assert (await merchant.api.get(intent["id"])).json()["status"] == "Authorized"


async def test_support_refunds_but_cannot_capture(page, merchant, live_server):
    intent = await _paid(merchant.api, "Order 606", "Manual")
    captured = await _paid(merchant.api, "Order 607")
    await add_user(live_server, "help@live-merchant.example", "support", merchant.api.account_id)
    await sign_in(page, merchant.url, "help@live-merchant.example")
    nav = await page.locator(".main-nav").inner_text()
    assert "Payments" in nav and "Developers" not in nav and "Team" not in nav
    await page.goto(f"{merchant.url}/dashboard/payments/{intent['id']}")
    assert await page.get_by_role("button", name="Capture…").count() == 0
    assert await page.get_by_role("button", name="Reverse…").count() == 0
    await page.goto(f"{merchant.url}/dashboard/payments/{captured['id']}")
    await page.get_by_label("Amount to refund (GBP)").fill("2.00")
    await _act(page, "Refund…", "Confirm refund")
    await page.get_by_text("The refund was made.").wait_for()
    assert (await merchant.api.get(captured["id"])).json()["refundedAmount"] == 200
    response = await page.goto(f"{merchant.url}/dashboard/developers")
    assert response.status == 403
    await screenshot(page, "dashboard-forbidden.png")
