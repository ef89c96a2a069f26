"""The dashboard's customer pages over HTTP, on both databases: the list (paged), a customer's
payments and saved cards (expired and deleted ones marked), other accounts' customers unseen."""

import re
from datetime import timedelta

import pytest

from tests.customerhelp import customer, methods, save_card, secret
from tests.dashboard_help import make_person, signed_in


@pytest.fixture
async def owner_client(ctx, client, api):
    await signed_in(client, await make_person(ctx, api, "owner@merchant.example"))
    return client


def names(html: str) -> list[str]:
    return re.findall(
        r'<td class="primary-cell"><a href="/dashboard/customers/[^"]+">([^<]+)</a>', html
    )


async def test_the_list_pages_newest_first(owner_client, api, clock):
    for i in range(27):
        await customer(api, name=f"Customer {i:02d}")
        clock.advance(timedelta(seconds=1))
    first = await owner_client.get("/dashboard/customers")
    assert first.status_code == 200
    assert names(first.text)[:2] == ["Customer 26", "Customer 25"] and len(names(first.text)) == 25
    older = re.search(r'href="(/dashboard/customers\?after=[^"]+)"', first.text)
    assert older
    second = await owner_client.get(older.group(1).replace("&amp;", "&"))
    assert names(second.text) == ["Customer 01", "Customer 00"]
    bad = await owner_client.get("/dashboard/customers?after=nope")
    assert bad.status_code == 400 and "cursor" in bad.text


async def test_a_customers_payments_and_saved_cards(owner_client, api, other_api):
    ada = await customer(api)
    await save_card(api, ada["id"], reference="Order 1")
    await save_card(api, ada["id"], "4242 4242 4242 4242", reference="Order 2")
    await api.create(reference="Someone else's")
    cs = await secret(api, ada["id"])
    gone = [
        c for c in await methods(api, ada["id"], cs) if c["cardDetails"]["pan"].endswith("4242")
    ]
    path = f"/customers/public/{ada['id']}/payment-methods/{gone[0]['id']}"
    headers = {"Authorization": f"Basic {cs}", "version": "2024-02-05"}
    assert (await api.client.delete(path, headers=headers)).status_code == 204
    page = await owner_client.get(f"/dashboard/customers/{ada['id']}")
    assert page.status_code == 200
    html = page.text
    assert "Ada Lovelace" in html and "ada@shop.example" in html
    assert "Order 1" in html and "Order 2" in html and "Someone else" not in html
    assert "MASTERCARD •••• 0056" in html and "VISA •••• 4242" in html
    assert 'data-state="deleted"' in html and 'data-state="usable"' in html
    theirs = await customer(other_api)
    assert (await owner_client.get(f"/dashboard/customers/{theirs['id']}")).status_code == 404
    assert (await owner_client.get("/dashboard/customers/x%00y")).status_code == 404


async def test_an_expired_card_is_marked(ctx, client, api, clock):
    ada = await customer(api)
    await save_card(api, ada["id"], expiry="01 / 30")
    clock.advance(timedelta(days=365 * 4))
    await signed_in(client, await make_person(ctx, api, "owner@merchant.example"))
    page = await client.get(f"/dashboard/customers/{ada['id']}")
    assert 'data-state="expired"' in page.text and "Expired" in page.text
