"""Roles and accounts in the dashboard, on both databases: support can view and refund;
developers manage keys and webhooks; owners everything and users; another account's payment is
404 whoever asks."""

import re

import pytest

from tests.dashboard_help import hidden_fields, make_person, merchant_with, post_form, signed_in
from tests.payhelp import pay


async def paid(api, capture_mode="Auto", amount=1000):
    intent = await api.create(amount={"value": amount, "currencyCode": "GBP"},
                              captureMode=capture_mode, reference="Order 9")  # fmt: skip
    assert (await pay(api.client, intent["clientSessionSecret"]))["statusCode"] == 0
    return intent


async def confirm(client, page_url, action, **fields):
    """Ask for an action, then confirm it, as the two pages of the dashboard do."""
    asked = await post_form(client, page_url, action, **fields)
    if asked.status_code != 200 or 'name="confirmed"' not in asked.text:
        return asked
    data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', asked.text))
    return await client.post(action, data=data)


@pytest.mark.parametrize(
    ("role", "pages", "forbidden"),
    [
        ("support", ["/dashboard", "/dashboard/payments"],
         ["/dashboard/developers", "/dashboard/team", "/dashboard/payment-links",
          "/dashboard/developers/events"]),
        ("developer", ["/dashboard", "/dashboard/payments", "/dashboard/developers",
                       "/dashboard/developers/events"],
         ["/dashboard/team", "/dashboard/payment-links"]),
        ("owner", ["/dashboard", "/dashboard/payments", "/dashboard/developers",
                   "/dashboard/team", "/dashboard/payment-links"], []),
    ],
)  # fmt: skip
async def test_pages_each_role_may_open(ctx, client, api, role, pages, forbidden):
    person = await make_person(ctx, api, f"{role}@merchant.example", role)
    await signed_in(client, person)
    for path in pages:
        assert (await client.get(path)).status_code == 200, path
    for path in forbidden:
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "Not allowed" in response.text


async def test_support_can_refund_but_not_capture_reverse_or_cancel(ctx, client, api):
    person = await make_person(ctx, api, "support@merchant.example", "support")
    await signed_in(client, person)
    captured = await paid(api)
    page_url = f"/dashboard/payments/{captured['id']}"
    page = await client.get(page_url)
    assert "Refund…" in page.text and "Reverse…" not in page.text
    done = await confirm(client, page_url, f"{page_url}/refund", amount="4.00", reason="late")
    assert done.status_code == 303
    assert (await api.get(captured["id"])).json()["refundedAmount"] == 400

    manual = await paid(api, "Manual")
    fields = hidden_fields((await client.get(f"/dashboard/payments/{manual['id']}")).text,
                           f"/dashboard/payments/{manual['id']}/receipt")  # fmt: skip
    for action in ("capture", "reverse", "cancel"):
        response = await client.post(
            f"/dashboard/payments/{manual['id']}/{action}",
            data={**fields, "amount": "1.00", "confirmed": "yes"},
        )
        assert response.status_code == 403, action
    assert (await api.get(manual["id"])).json()["status"] == "Authorized"


async def test_developers_cannot_move_money(ctx, client, api):
    person = await make_person(ctx, api, "dev@merchant.example", "developer")
    await signed_in(client, person)
    captured = await paid(api)
    page = await client.get(f"/dashboard/payments/{captured['id']}")
    assert "Refund…" not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        f"/dashboard/payments/{captured['id']}/refund",
        data={"csrf_token": csrf, "idem": "k1", "amount": "1.00", "confirmed": "yes"},
    )
    assert response.status_code == 403
    assert (await api.get(captured["id"])).json()["refundedAmount"] == 0


async def test_only_owners_manage_users(ctx, client, api):
    dev = await make_person(ctx, api, "dev@merchant.example", "developer")
    await signed_in(client, dev)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', (await client.get("/dashboard")).text)
    response = await client.post(
        "/dashboard/team",
        data={"csrf_token": csrf.group(1), "email": "x@merchant.example", "role": "owner",
              "password": "long enough password"},
    )  # fmt: skip
    assert response.status_code == 403


async def test_another_accounts_payment_is_not_found(ctx, client, api):
    intent = await paid(api)
    stranger = await merchant_with(ctx, client, "Other Shop", "owner")
    await signed_in(client, stranger)
    page = await client.get(f"/dashboard/payments/{intent['id']}")
    assert page.status_code == 404
    assert intent["id"] not in page.text and "Order 9" not in page.text
    found = await client.get("/dashboard/payments", params={"q": intent["id"]})
    assert "Order 9" not in found.text and "No payment matches" in found.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', found.text).group(1)
    refund = await client.post(
        f"/dashboard/payments/{intent['id']}/refund",
        data={"csrf_token": csrf, "idem": "k2", "amount": "1.00", "confirmed": "yes"},
    )
    assert refund.status_code == 404
    assert (await api.get(intent["id"])).json()["refundedAmount"] == 0
    export = await client.get("/dashboard/payments/export.csv")
    assert intent["id"] not in export.text
