"""The gateway, challenge and money-movement calls are documented in the OpenAPI document."""

from tests.conftest import Api


async def test_openapi_documents_the_paying_calls(api: Api) -> None:
    schema = (await api.client.get("/openapi.json")).json()
    paths = schema["paths"]
    for path in (
        "/api/payments/{token}",
        "/api/payments/{token}/google-pay",
        "/api/payments/{token}/apple-pay",
        "/api/payments/{token}/three-ds-complete",
        "/3ds/{attemptId}",
        "/payment-intents/{paymentIntentId}/captures",
        "/payment-intents/{paymentIntentId}/refunds",
        "/payment-intents/{paymentIntentId}/reversal",
        "/payment-intents/refunds/{refundId}",
    ):
        assert path in paths, path
    card = paths["/api/payments/{token}"]["post"]
    body = card["requestBody"]["content"]["application/json"]["schema"]
    assert {"cardNumber", "expiryDate", "cV2"} <= set(body["properties"])
    result = schema["components"]["schemas"]["GatewayResult"]["properties"]
    assert {"statusCode", "message", "stepUpUrl", "md", "authCode"} <= set(result)
    assert "402" in paths["/payment-intents/{paymentIntentId}/captures"]["post"]["responses"]
