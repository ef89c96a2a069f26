"""A target for each of Dojo's operations that Tender serves: the URL of an object in a state
that lets the operation succeed (a paid Manual intent to capture, a subscription to update), the
headers it needs, and a smallest valid body."""

import secrets
from typing import Any

from tests.conftest import Api
from tests.payhelp import pay

EDITABLE = {"payment": {"customAmountAllowed": True, "tipsAllowed": True}}
HOOK = "https://shop.example/dojo-webhooks"

ITEM = "/payment-intents/{paymentIntentId}"


def gbp(value: int) -> dict[str, Any]:
    return {"value": value, "currencyCode": "GBP"}


BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/payment-intents"): {"amount": gbp(1000), "reference": "r"},
    ("post", "/payment-intents/search"): {},
    ("post", f"{ITEM}/amount"): {"amount": gbp(500)},
    ("post", f"{ITEM}/tips-amount"): {"tipsAmount": gbp(50)},
    ("post", f"{ITEM}/captures"): {"amount": 100},
    ("post", f"{ITEM}/refunds"): {"amount": 100},
    ("post", f"{ITEM}/receipt"): {"emails": ["ada@shop.example"]},
    ("post", "/webhooks"): {"events": ["payment_intent.created"], "url": HOOK},
    ("patch", "/webhooks/{subscriptionId}"): {},
    ("post", "/customers"): {"name": "Ada"},
    ("post", "/customers/search"): {},
    ("patch", "/customers/{customerId}"): {"name": "Ada King"},
}  # fmt: skip


async def _paid(api: Api, **fields: Any) -> dict[str, Any]:
    intent = await api.create(amount=gbp(10_000), **fields)
    assert (await pay(api.client, intent["clientSessionSecret"]))["statusCode"] == 0
    return intent


async def _customer_target(api: Api, template: str) -> tuple[str, dict[str, str]]:
    """A customer (with a saved card for the public routes) and its secret where needed."""
    made = (await api.request("POST", "/customers", json={"name": "Ada"})).json()
    url = template.replace("{customerId}", made["id"])
    if "/public/" not in template:
        return url, {}
    intent = await api.create(customer={"id": made["id"]}, paymentMethods=["Card", "SavedCard"])
    saved = await pay(api.client, intent["clientSessionSecret"], savePaymentMethod=True)
    assert saved["statusCode"] == 0
    made_secret = await api.request("POST", f"/customers/{made['id']}/create-secret")
    headers = {"Authorization": f"Basic {made_secret.json()['secret']}"}
    if "{paymentMethodId}" in template:
        listed = await api.client.get(
            url.replace("/{paymentMethodId}", ""), headers={**headers, "version": "2024-02-05"}
        )
        url = url.replace("{paymentMethodId}", listed.json()["savedPaymentMethods"][0]["id"])
    return url, headers


async def target(api: Api, method: str, template: str) -> tuple[str, dict[str, str]]:
    """The URL to send ``method template`` to, and the headers it needs besides the version."""
    if "{subscriptionId}" in template:
        made = await api.request(
            "POST", "/webhooks", json={"events": ["order.created"], "url": HOOK}
        )
        return template.replace("{subscriptionId}", made.json()["id"]), {}
    if "{customerId}" in template:
        return await _customer_target(api, template)
    if "{paymentIntentId}" not in template:
        return template, {}
    action = template.rsplit("/", 1)[-1]
    headers: dict[str, str] = {}
    if action == "captures":
        intent = await _paid(api, captureMode="Manual")
    elif action == "refunds":
        intent = await _paid(api)
        headers["idempotencyKey"] = secrets.token_hex(8)  # Dojo requires one per refund
    elif action in ("amount", "tips-amount"):
        intent = await api.create(config=EDITABLE)
    else:
        intent = await api.create()
    return template.replace("{paymentIntentId}", intent["id"]), headers
