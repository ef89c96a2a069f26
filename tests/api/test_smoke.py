"""The seed's Step 1, end to end through the HTTP API."""

from tests.conftest import Api


async def test_seed_step_one_creates_an_intent(api: Api) -> None:
    response = await api.request(
        "POST",
        "/payment-intents",
        json={"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"},
    )
    assert response.status_code == 200
    intent = response.json()
    assert intent["id"].startswith("pi_sandbox_")
    assert intent["status"] == "Created"
    assert len(intent["clientSessionSecret"]) > 100
    assert intent["paymentLink"] == f"http://testserver/checkout/{intent['id']}"

    fetched = await api.get(intent["id"])
    assert fetched.status_code == 200
    assert fetched.json() == intent
