"""The payment list, CSV export, payment page and its actions over HTTP, on both databases."""

import csv
import io
import re
from datetime import timedelta

import pytest

from tests.api.dashboard.test_roles import confirm, paid
from tests.dashboard_help import make_person, post_form, signed_in
from tests.payhelp import pay


@pytest.fixture
async def owner_client(ctx, client, api):
    await signed_in(client, await make_person(ctx, api, "owner@merchant.example"))
    return client


def references(html: str) -> list[str]:
    return re.findall(
        r'<td class="primary-cell"><a href="/dashboard/payments/[^"]+">([^<]+)</a>', html
    )


async def test_search_by_reference_id_email_and_last_four(owner_client, api):
    a = await api.create(reference="Blue mug", customer={"emailAddress": "Ada@Example.com"})
    await pay(api.client, a["clientSessionSecret"], "5555 5555 5555 4444")
    b = await api.create(reference="Red mug")
    await pay(api.client, b["clientSessionSecret"], "4242 4242 4242 4242")
    await api.create(reference="Teapot 50%_off")
    for q, expected in [
        ("blue", ["Blue mug"]),
        ("mug", ["Red mug", "Blue mug"]),
        (b["id"], ["Red mug"]),
        ("ada@example", ["Blue mug"]),
        ("4444", ["Blue mug"]),
        ("4242", ["Red mug"]),
        ("50%_", ["Teapot 50%_off"]),
        ("%", ["Teapot 50%_off"]),
        ("nothing like it", []),
    ]:
        page = await owner_client.get("/dashboard/payments", params={"q": q})
        assert references(page.text) == expected, q


async def test_filters_by_status_date_and_amount(owner_client, api, clock):
    await paid(api, amount=500)  # Captured, £5
    manual = await paid(api, "Manual", amount=2500)  # Authorized, £25
    await api.create(amount={"value": 1250, "currencyCode": "EUR"}, reference="Euro")
    page = await owner_client.get("/dashboard/payments", params={"status": "Authorized"})
    assert len(references(page.text)) == 1 and manual["id"] in page.text
    both = await owner_client.get(
        "/dashboard/payments", params=[("status", "Authorized"), ("status", "Captured")]
    )
    assert len(references(both.text)) == 2
    ranged = await owner_client.get("/dashboard/payments", params={"min": "10", "max": "25.00"})
    assert references(ranged.text) == ["Euro", "Order 9"]  # €12.50 and £25.00
    assert manual["id"] in ranged.text
    today = clock().date()
    inside = await owner_client.get(
        "/dashboard/payments", params={"from": today.isoformat(), "to": today.isoformat()}
    )
    assert len(references(inside.text)) == 3
    tomorrow = (today + timedelta(days=1)).isoformat()
    outside = await owner_client.get("/dashboard/payments", params={"from": tomorrow})
    assert references(outside.text) == []
    bad = await owner_client.get("/dashboard/payments", params={"min": "ten"})
    assert bad.status_code == 400 and "Enter an amount such as 12.50." in bad.text


async def test_cursor_paging_walks_every_payment_once(owner_client, api):
    made = [(await api.create(reference=f"Order {i:02d}"))["reference"] for i in range(30)]
    seen, url = [], "/dashboard/payments"
    while url:
        page = await owner_client.get(url.replace("&amp;", "&"))
        seen += references(page.text)
        older = re.search(r'rel="next" href="([^"]+)"', page.text)
        url = older.group(1) if older else None
    assert seen == list(reversed(made))
    first = await owner_client.get("/dashboard/payments")
    second_url = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = await owner_client.get(second_url)
    back = re.search(r'rel="prev" href="([^"]+)"', second.text).group(1).replace("&amp;", "&")
    assert references((await owner_client.get(back)).text) == references(first.text)


async def test_csv_export_of_the_filtered_list(owner_client, api):
    a = await paid(api, amount=1050)
    await confirm(owner_client, f"/dashboard/payments/{a['id']}",
                  f"/dashboard/payments/{a['id']}/refund", amount="0.50")  # fmt: skip
    await api.create(reference="=HYPERLINK(1)")
    response = await owner_client.get(
        "/dashboard/payments/export.csv", params={"status": "Refunded"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [
        (r["id"], r["amount"], r["captured"], r["refunded"], r["card_last4"]) for r in rows
    ] == [(a["id"], "10.50", "10.50", "0.50", "4242")]
    everything = list(csv.DictReader(io.StringIO(
        (await owner_client.get("/dashboard/payments/export.csv")).text)))  # fmt: skip
    assert {r["reference"] for r in everything} == {"Order 9", "'=HYPERLINK(1)"}


async def test_a_form_sent_twice_refunds_once(owner_client, api):
    intent = await paid(api, amount=2000)
    page_url = f"/dashboard/payments/{intent['id']}"
    asked = await post_form(owner_client, page_url, f"{page_url}/refund", amount="5.00")
    data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', asked.text))
    first = await owner_client.post(f"{page_url}/refund", data=data)
    again = await owner_client.post(f"{page_url}/refund", data=data)
    assert first.status_code == again.status_code == 303
    body = (await api.get(intent["id"])).json()
    assert body["refundedAmount"] == 500
    # A new form (a new key) is a new refund.
    await confirm(owner_client, page_url, f"{page_url}/refund", amount="5.00")
    assert (await api.get(intent["id"])).json()["refundedAmount"] == 1000


async def test_capture_part_then_refund_too_much_is_explained(owner_client, api):
    intent = await paid(api, "Manual", amount=3000)
    page_url = f"/dashboard/payments/{intent['id']}"
    done = await confirm(owner_client, page_url, f"{page_url}/capture", amount="20.00")
    assert done.headers["location"] == f"{page_url}?done=capture"
    body = (await api.get(intent["id"])).json()
    assert (body["status"], body["capturedAmount"]) == ("Captured", 2000)
    too_much = await confirm(owner_client, page_url, f"{page_url}/refund", amount="25.00")
    assert too_much.status_code == 400  # more than was captured
    assert "refund" in too_much.text.lower() and 'role="alert"' in too_much.text
    assert (await api.get(intent["id"])).json()["refundedAmount"] == 0
    wrong = await post_form(owner_client, page_url, f"{page_url}/refund", amount="1.234")
    assert wrong.status_code == 400 and "GBP amounts have 2 decimal places." in wrong.text


async def test_reverse_cancel_and_receipt(owner_client, api):
    manual = await paid(api, "Manual")
    url = f"/dashboard/payments/{manual['id']}"
    assert (await confirm(owner_client, url, f"{url}/reverse")).status_code == 303
    assert (await api.get(manual["id"])).json()["status"] == "Reversed"
    receipt = await confirm(owner_client, url, f"{url}/receipt", emails="ada@example.com")
    assert receipt.status_code == 303
    page = await owner_client.get(receipt.headers["location"])
    assert "Event payment_intent.send-receipt" in page.text
    assert "The receipt was requested" in page.text
    fresh = await api.create()
    url = f"/dashboard/payments/{fresh['id']}"
    assert (await confirm(owner_client, url, f"{url}/cancel")).status_code == 303
    assert (await api.get(fresh["id"], returnCanceled="true")).json()["status"] == "Canceled"


async def test_payment_page_shows_card_customer_metadata_and_timeline(owner_client, api):
    intent = await api.create(
        reference="Order 245", captureMode="Manual", metadata={"basket": "b-17"},
        customer={"emailAddress": "ada@example.com", "phoneNumber": "+441234567890"},
        billingAddress={"address1": "1 Bean Street", "city": "London", "postcode": "N1 9GU",
                        "countryCode": "GB"},
    )  # fmt: skip
    answer = await pay(api.client, intent["clientSessionSecret"], "4000 0000 0000 3220")
    assert answer["statusCode"] == 0
    page = (await owner_client.get(f"/dashboard/payments/{intent['id']}")).text
    for text in ("************3220", "ada@example.com", "1 Bean Street", "b-17",
                 "3-D Secure: frictionless", "Payment authorized",
                 "Event payment_intent.status_updated"):  # fmt: skip
        assert text in page, text
    assert "4000000000003220" not in page


async def test_payment_links_make_an_intent_with_a_qr_code(owner_client, api):
    made = await post_form(
        owner_client, "/dashboard/payment-links", "/dashboard/payment-links",
        amount="12.50", currency="EUR", reference="Table 4", description="Two coffees",
    )  # fmt: skip
    assert made.status_code == 303
    page = await owner_client.get(made.headers["location"])
    intent_id = re.search(r"/checkout/(pi_sandbox_[\w-]+)", page.text).group(1)
    body = (await api.get(intent_id)).json()
    assert body["amount"] == {"value": 1250, "currencyCode": "EUR"}
    assert (body["reference"], body["description"]) == ("Table 4", "Two coffees")
    assert '<svg role="img" aria-label="QR code of ' in page.text
    bad = await post_form(owner_client, "/dashboard/payment-links", "/dashboard/payment-links",
                          amount="12.50", currency="GBP", reference="")  # fmt: skip
    assert bad.status_code == 400


async def test_switching_to_production_shows_the_production_account(ctx, owner_client, api):
    from tender.service import accounts

    page = await owner_client.get("/dashboard")
    assert 'value="prod"' not in page.text  # no production account of this name yet
    _prod, _key = await accounts.create_key(ctx, account_name="merchant", environment="prod")
    sandbox_intent = await api.create(reference="Sandbox order")
    switched = await post_form(owner_client, "/dashboard", "/dashboard/environment",
                               environment="prod")  # fmt: skip
    assert switched.status_code == 303
    listing = await owner_client.get("/dashboard/payments")
    assert "Sandbox order" not in listing.text and "sandbox-banner" not in listing.text
    assert (
        await owner_client.get(f"/dashboard/payments/{sandbox_intent['id']}")
    ).status_code == 404
    back = await post_form(owner_client, "/dashboard", "/dashboard/environment",
                           environment="sandbox")  # fmt: skip
    assert back.status_code == 303
    assert "Sandbox order" in (await owner_client.get("/dashboard/payments")).text
