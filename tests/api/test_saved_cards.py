"""Saved cards on the gateway over HTTP (both databases): a payment with the customer's consent
saves the card; a later intent is paid with it (3-D Secure as the card calls for it); a card of
another customer or one that expired cannot pay; 50 payments with one card on 50 intents give 50
independent results."""

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tender.clock import ShiftedClock
from tender.service.context import Context
from tender.storage.tables import payment_methods
from tests.conftest import Api
from tests.customerhelp import customer, intent_for, methods, pay_saved, save_card, secret
from tests.payhelp import complete, decide, pay


async def test_customer_secret_save_list_pay_again_delete(api: Api) -> None:
    ada = await customer(api)
    cs = await secret(api, ada["id"])
    first = await save_card(api, ada["id"], "4242 4242 4242 4242")
    assert (await api.get(first["id"])).json()["status"] == "Captured"
    [card] = await methods(api, ada["id"], cs)
    assert card["cardDetails"]["pan"].endswith("4242")
    second = await intent_for(api, ada["id"], captureMode="Manual")
    result = await pay_saved(api, second["clientSessionSecret"], card["id"])
    assert result["statusCode"] == 0, result
    paid = (await api.get(second["id"])).json()
    assert paid["status"] == "Authorized"
    assert paid["paymentDetails"]["card"]["last4PAN"] == "4242"
    assert len(await methods(api, ada["id"], cs)) == 1  # paying again saves nothing new
    path = f"/customers/public/{ada['id']}/payment-methods/{card['id']}"
    headers = {"Authorization": f"Basic {cs}", "version": "2024-02-05"}
    assert (await api.client.delete(path, headers=headers)).status_code == 204
    third = await intent_for(api, ada["id"])
    refused = await pay_saved(api, third["clientSessionSecret"], card["id"])
    assert refused["statusCode"] == 404
    assert (await api.get(third["id"])).json()["status"] == "Created"


async def test_nothing_is_saved_without_consent_customer_or_saved_cards(api: Api) -> None:
    ada = await customer(api)
    cs = await secret(api, ada["id"])
    plain = await intent_for(api, ada["id"])
    assert (await pay(api.client, plain["clientSessionSecret"]))["statusCode"] == 0
    cards_only = await api.create(customer={"id": ada["id"]}, paymentMethods=["Card"])
    token = cards_only["clientSessionSecret"]
    assert (await pay(api.client, token, savePaymentMethod=True))["statusCode"] == 0
    nobody = await api.create(paymentMethods=["Card", "SavedCard"])
    token = nobody["clientSessionSecret"]
    assert (await pay(api.client, token, savePaymentMethod=True))["statusCode"] == 0
    assert await methods(api, ada["id"], cs) == []


async def test_a_declined_payment_saves_nothing(api: Api) -> None:
    ada = await customer(api)
    intent = await intent_for(api, ada["id"])
    token = intent["clientSessionSecret"]
    result = await pay(api.client, token, "4000 0000 0000 0002", savePaymentMethod=True)
    assert result["statusCode"] == 5
    assert await methods(api, ada["id"], await secret(api, ada["id"])) == []


async def test_a_card_saved_after_its_challenge_challenges_again(api: Api) -> None:
    ada = await customer(api)
    intent = await intent_for(api, ada["id"])
    token = intent["clientSessionSecret"]
    asked = await pay(api.client, token, "4456 5300 0000 1096", savePaymentMethod=True)
    assert asked["statusCode"] == 3
    assert (await decide(api.client, asked["md"], "approve")).status_code == 200
    assert (await complete(api.client, token, asked["md"]))["statusCode"] == 0
    [card] = await methods(api, ada["id"], await secret(api, ada["id"]))
    assert card["cardDetails"]["scheme"] == "VISA"
    again = await intent_for(api, ada["id"])
    token = again["clientSessionSecret"]
    challenged = await pay_saved(api, token, card["id"])
    assert challenged["statusCode"] == 3 and challenged["stepUpUrl"]
    assert (await decide(api.client, challenged["md"], "approve")).status_code == 200
    assert (await complete(api.client, token, challenged["md"]))["statusCode"] == 0
    assert (await api.get(again["id"])).json()["status"] == "Captured"


async def test_the_same_card_saved_twice_is_one_entry(api: Api) -> None:
    ada = await customer(api)
    await save_card(api, ada["id"])
    await save_card(api, ada["id"])
    await save_card(api, ada["id"], "4242 4242 4242 4242")
    assert len(await methods(api, ada["id"], await secret(api, ada["id"]))) == 2


async def test_only_the_intents_customer_may_pay_with_a_card(api: Api, other_api: Api) -> None:
    ada, bob = await customer(api), await customer(api, name="Bob")
    await save_card(api, ada["id"])
    [card] = await methods(api, ada["id"], await secret(api, ada["id"]))
    for owner, intent in (
        (api, await intent_for(api, bob["id"])),
        (api, await api.create(paymentMethods=["Card", "SavedCard"])),
        (other_api, await intent_for(other_api, ada["id"])),
    ):
        refused = await pay_saved(api, intent["clientSessionSecret"], card["id"])
        assert refused["statusCode"] == 404, refused
        assert (await owner.get(intent["id"])).json()["status"] == "Created"


async def test_bad_saved_card_bodies_are_invalid(api: Api) -> None:
    ada = await customer(api)
    token = (await intent_for(api, ada["id"]))["clientSessionSecret"]
    for body in ({"paymentMethodId": 5}, {"paymentMethodId": "pm_x", "cV2": "12"}):
        response = await api.client.post(f"/api/payments/{token}", json=body)
        assert response.json()["statusCode"] == 400
    unknown = await api.client.post(f"/api/payments/{token}", json={"paymentMethodId": "pm_x"})
    assert unknown.json()["statusCode"] == 404
    recurring = await api.client.post(
        "/api/payments/recurring/nobody", json={"paymentMethodId": "pm_x", "cV2": "123"}
    )
    assert recurring.json()["statusCode"] == 404


async def test_an_expired_saved_card_is_marked_and_cannot_pay(
    api: Api, ctx: Context, clock: ShiftedClock
) -> None:
    ada = await customer(api)
    await save_card(api, ada["id"], expiry="12 / 39")
    cs_before = await secret(api, ada["id"])
    [card] = await methods(api, ada["id"], cs_before)
    clock.advance(timedelta(days=365 * 14))  # January 2040
    intent = await intent_for(api, ada["id"], expireAt=None)
    refused = await pay_saved(api, intent["clientSessionSecret"], card["id"])
    assert refused["statusCode"] == 5 and "expired" in refused["message"]
    async with ctx.db.transaction(write=False) as conn:
        row = (await conn.execute(select(payment_methods))).one()
    assert row.expired_at is not None
    assert await methods(api, ada["id"], await secret(api, ada["id"])) == []


async def test_fifty_payments_with_one_card_on_fifty_intents(api: Api) -> None:
    ada = await customer(api)
    await save_card(api, ada["id"])
    [card] = await methods(api, ada["id"], await secret(api, ada["id"]))
    intents: list[dict[str, Any]] = [
        await intent_for(api, ada["id"], amount={"value": 100 + i, "currencyCode": "GBP"})
        for i in range(50)
    ]
    results = await asyncio.gather(
        *(pay_saved(api, i["clientSessionSecret"], card["id"]) for i in intents)
    )
    assert [r["statusCode"] for r in results] == [0] * 50
    assert len({r["transactionId"] for r in results}) == 50
    for i in intents:
        got = (await api.get(i["id"])).json()
        assert got["status"] == "Captured"
        assert got["totalAmount"]["value"] == i["amount"]["value"]


async def test_the_gateway_tells_the_browser_what_to_offer(api: Api) -> None:
    ada = await customer(api)
    first = await save_card(api, ada["id"])

    async def options(token: str) -> dict[str, Any]:
        response = await api.client.get(f"/api/payments/{token}/saved-cards")
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    used = await options(first["clientSessionSecret"])
    assert used == {"offerSave": False, "savedPaymentMethods": []}
    offered = await options((await intent_for(api, ada["id"]))["clientSessionSecret"])
    assert offered["offerSave"] is True
    assert [m["cardDetails"]["pan"] for m in offered["savedPaymentMethods"]] == ["************0056"]
    plain = await options((await api.create(customer={"id": ada["id"]}))["clientSessionSecret"])
    assert plain == {"offerSave": False, "savedPaymentMethods": []}
    assert await options("nobody") == {"offerSave": False, "savedPaymentMethods": []}


async def test_the_payment_event_names_the_saved_card(api: Api) -> None:
    ada = await customer(api)
    await save_card(api, ada["id"])
    [card] = await methods(api, ada["id"], await secret(api, ada["id"]))
    intent = await intent_for(api, ada["id"])
    assert (await pay_saved(api, intent["clientSessionSecret"], card["id"]))["statusCode"] == 0
    events = (await api.get(intent["id"])).json()["paymentEvents"]
    assert card["id"] in [e.get("paymentMethodId") for e in events]
