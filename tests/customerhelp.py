"""Helpers of the customer and saved-card tests: a customer with a secret, an intent that
offers saved cards, a payment that saves the card, the customer's saved cards."""

from typing import Any

from tests.conftest import Api
from tests.payhelp import FUTURE, pay

SAVED = ["Card", "SavedCard"]


async def customer(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"name": "Ada Lovelace", "emailAddress": "ada@shop.example", **fields}
    response = await api.request("POST", "/customers", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def secret(api: Api, customer_id: str) -> str:
    response = await api.request("POST", f"/customers/{customer_id}/create-secret")
    assert response.status_code == 200, response.text
    value: str = response.json()["secret"]
    return value


async def intent_for(api: Api, customer_id: str, **fields: Any) -> dict[str, Any]:
    return await api.create(customer={"id": customer_id}, paymentMethods=SAVED, **fields)


async def methods(api: Api, customer_id: str, cs: str) -> list[dict[str, Any]]:
    response = await api.client.get(
        f"/customers/public/{customer_id}/payment-methods",
        headers={"Authorization": f"Basic {cs}", "version": "2024-02-05"},
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["savedPaymentMethods"]
    return found


async def save_card(
    api: Api,
    customer_id: str,
    number: str = "5200 0000 0000 0056",
    expiry: str = FUTURE,
    **fields: Any,
) -> dict[str, Any]:
    """Pay an intent of the customer's with ``number``, agreeing to save it."""
    intent = await intent_for(api, customer_id, **fields)
    token = intent["clientSessionSecret"]
    result = await pay(api.client, token, number, expiry=expiry, savePaymentMethod=True)
    assert result["statusCode"] == 0, result
    return intent


async def pay_saved(api: Api, token: str, method_id: str, cvv: str = "123") -> dict[str, Any]:
    response = await api.client.post(
        f"/api/payments/{token}", json={"paymentMethodId": method_id, "cV2": cvv}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
