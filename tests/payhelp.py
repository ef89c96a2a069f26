"""Helpers the payment tests share: pay an intent through the gateway, approve a challenge."""

import re
from typing import Any

import httpx

from tests.conftest import Api

FUTURE = "12 / 39"


async def pay(
    client: httpx.AsyncClient,
    token: str,
    number: str = "4242 4242 4242 4242",
    cvv: str = "123",
    expiry: str = FUTURE,
    **extra: Any,
) -> dict[str, Any]:
    body = {"cardNumber": number, "cardName": "Ada Lovelace", "expiryDate": expiry, "cV2": cvv}
    body.update(extra)
    response = await client.post(f"/api/payments/{token}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def challenge_code(client: httpx.AsyncClient, attempt_id: str) -> str:
    page = await client.get(f"/3ds/{attempt_id}")
    assert page.status_code == 200, page.text
    match = re.search(r'id="otp">(\d{6})<', page.text)
    assert match, page.text
    return match.group(1)


async def decide(
    client: httpx.AsyncClient, attempt_id: str, decision: str, code: str | None = None
) -> httpx.Response:
    if code is None and decision == "approve":
        code = await challenge_code(client, attempt_id)
    return await client.post(
        f"/3ds/{attempt_id}",
        data={"decision": decision, "code": code or ""},
    )


async def complete(client: httpx.AsyncClient, token: str, md: str) -> dict[str, Any]:
    response = await client.post(f"/api/payments/{token}/three-ds-complete", json={"md": md})
    assert response.status_code == 200
    return response.json()


async def paid_intent(
    api: Api, number: str = "5200 0000 0000 0056", amount: int = 1000, **fields: Any
) -> dict[str, Any]:
    """A Manual intent paid (Authorized) with ``number``, unless fields say otherwise."""
    fields.setdefault("captureMode", "Manual")
    intent = await api.create(amount={"value": amount, "currencyCode": "GBP"}, **fields)
    result = await pay(api.client, intent["clientSessionSecret"], number)
    assert result["statusCode"] == 0, result
    return (await api.get(intent["id"])).json()
