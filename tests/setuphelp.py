"""Helpers the setup-intent tests share: create one, authorize a card on it (with 3-D Secure
when the card calls for it), and charge a payment intent made with it."""

from typing import Any

import httpx

from tests.conftest import Api
from tests.payhelp import complete, decide, pay

TERMS = "If you do not come, we charge the booking fee of £10.00 to this card."


async def create_setup(api: Api, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": "Table 4",
        "merchantInitiatedTransactionType": "NoShow",
        "terms": TERMS,
        "intendedAmount": {"value": 1000, "currencyCode": "GBP"},
    }
    body.update(fields)
    response = await api.request("POST", "/setup-intents", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def authorize(
    client: httpx.AsyncClient, secret: str, number: str, **extra: Any
) -> dict[str, Any]:
    """The card authorized on the setup intent, approving the challenge if there is one."""
    result = await pay(client, secret, number, **extra)
    if result["statusCode"] == 3:
        decided = await decide(client, result["md"], "approve")
        assert decided.status_code == 200, decided.text
        result = await complete(client, secret, result["md"])
    return result


async def authorized_setup(
    api: Api, number: str = "4456 5300 0000 1096", **fields: Any
) -> dict[str, Any]:
    setup = await create_setup(api, **fields)
    result = await authorize(api.client, setup["clientSessionSecret"], number)
    assert result["statusCode"] == 0, result
    response = await api.request("GET", f"/setup-intents/{setup['id']}")
    assert response.json()["status"] == "Authorized"
    return response.json()


async def charge(api: Api, intent_id: str, **headers: str) -> httpx.Response:
    return await api.request("POST", f"/payment-intents/{intent_id}/charge", headers=headers)
