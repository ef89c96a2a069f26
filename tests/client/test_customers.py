"""``client.customers`` against the real application (three ways, see conftest): create, get,
update, search, secrets, and the customer-side saved-card calls."""

from typing import Any

import httpx
import pytest

from tender.client import AuthenticationError, Customer, NotFoundError
from tests.client.conftest import GBP_10, Server


async def save_a_card(server: Server, tender: Any, customer_id: str) -> None:
    """A payment that saves the card, sent as the browser library would."""
    intent = await tender.payment_intents.create(
        amount=GBP_10, reference="r", customer={"id": customer_id},
        payment_methods=["Card", "SavedCard"],
    )  # fmt: skip
    card = {"cardNumber": "4242424242424242", "expiryDate": "12 / 39", "cV2": "123"}
    transport = server.base_transport()
    async_ = isinstance(transport, httpx.AsyncBaseTransport)
    url = f"{server.base_url}/api/payments/{intent.client_session_secret}"
    json = {**card, "savePaymentMethod": True}
    if async_:
        async with httpx.AsyncClient(transport=transport) as http:
            answer = (await http.post(url, json=json)).json()
    else:
        with httpx.Client(transport=transport) as http:
            answer = http.post(url, json=json).json()
    assert answer["statusCode"] == 0, answer


async def test_customers_from_create_to_delete(tender: Any) -> None:
    ada = await tender.customers.create(name="Ada", email_address="ada@shop.example")
    assert isinstance(ada, Customer) and ada.id.startswith("cust_sandbox_")
    assert (await tender.customers.get(ada.id)) == ada
    changed = await tender.customers.update(ada.id, phone_number="078976534161")
    assert (changed.phone_number, changed.document_version) == ("078976534161", 1)
    bob = await tender.customers.create(name="Bob", idempotency_key="bob")
    assert (await tender.customers.create(name="Bob", idempotency_key="bob")) == bob
    assert [c.name for c in await tender.customers.get_many([bob.id, ada.id])] == ["Bob", "Ada"]
    page = await tender.customers.search_page(limit=1)
    assert [c.name for c in page.data] == ["Bob"] and page.after
    assert [c.name async for c in tender.customers.search(page_size=1)] == ["Bob", "Ada"]
    await tender.customers.delete(ada.id)
    with pytest.raises(NotFoundError):
        await tender.customers.get(ada.id)


async def test_saved_cards_with_a_customer_secret(server: Server, tender: Any) -> None:
    ada = await tender.customers.create(name="Ada")
    secret = await tender.customers.create_secret(ada.id)
    assert secret.secret.startswith("cs_sandbox_") and secret.expire_at > secret.created_at
    empty = await tender.customers.list_payment_methods(ada.id, secret=secret.secret)
    assert empty.saved_payment_methods == [] and empty.customer_id == ada.id
    await save_a_card(server, tender, ada.id)
    listed = await tender.customers.list_payment_methods(ada.id, secret=secret.secret)
    [card] = listed.saved_payment_methods
    assert card.card_details is not None and card.card_details.pan == "************4242"
    await tender.customers.delete_payment_method(ada.id, card.id, secret=secret.secret)
    again = await tender.customers.list_payment_methods(ada.id, secret=secret.secret)
    assert again.saved_payment_methods == []
    with pytest.raises(AuthenticationError):
        await tender.customers.list_payment_methods(ada.id, secret="cs_sandbox_guess")
