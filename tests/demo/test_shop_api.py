"""The demo shop's server side (Step 1) without a browser: it creates intents on its own sandbox
account through Tender's API, and reuses one key across restarts."""

from tender.demo.key import demo_key
from tests.conftest import Api


async def test_orders_are_intents_on_the_demo_account(client, ctx, app, api: Api) -> None:
    response = await client.post("/demo/api/orders", json={})
    assert response.status_code == 200
    order = response.json()
    assert set(order) == {"id", "clientSessionSecret"}
    shop = Api(client, await demo_key(ctx, app.state), "")
    intent = (await shop.get(order["id"])).json()
    assert intent["status"] == "Created"
    assert intent["amount"] == {"value": 2400, "currencyCode": "GBP"}
    assert intent["clientSessionSecret"] == order["clientSessionSecret"]
    assert (await api.get(order["id"])).status_code == 404  # another merchant cannot see it


async def test_hosted_order_points_at_the_checkout_with_return_urls(client, ctx, app) -> None:
    response = await client.post("/demo/api/hosted-orders", json={})
    link = response.json()["paymentLink"]
    intent_id = link.rsplit("/", 1)[1]
    shop = Api(client, await demo_key(ctx, app.state), "")
    intent = (await shop.get(intent_id)).json()
    assert link == f"http://testserver/checkout/{intent_id}"
    assert intent["config"]["redirectUrl"] == "http://testserver/demo/thanks"
    assert intent["config"]["cancelUrl"] == "http://testserver/demo"
    assert intent["taxLines"][0]["amountTotal"]["value"] == 400


async def test_demo_key_is_registered_once_even_under_concurrent_first_requests(
    client, ctx
) -> None:
    import asyncio

    from tender.service import accounts

    # The shop's page fires its first requests together; none may fail on the key's creation.
    first = await asyncio.gather(
        *(client.post("/demo/api/orders", json={}) for _ in range(4)),
        client.post("/demo/api/hosted-orders", json={}),
    )
    assert [r.status_code for r in first] == [200] * 5
    assert (await client.post("/demo/api/orders", json={})).status_code == 200
    assert len(await accounts.list_keys(ctx)) == 1


async def test_thanks_page_reports_the_status_from_the_api(client) -> None:
    order = (await client.post("/demo/api/orders", json={})).json()
    page = await client.get(f"/demo/thanks?id={order['id']}")
    assert "Payment not received" in page.text
    assert '<strong id="order-status">Created</strong>' in page.text
