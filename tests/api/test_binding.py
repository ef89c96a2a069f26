"""Request bodies are bound as Dojo's servers bind them (service/binding.py, api/route.py):
case-insensitive names, unknown properties ignored and named, duplicates refused, trailing
slashes served, strict mode on request."""

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tender.config import Settings
from tender.service import accounts
from tests.conftest import Api, assert_problem, make_app

GBP = {"value": 1000, "currencyCode": "GBP"}


async def count(api: Api) -> int:
    found = await api.request("POST", "/payment-intents/search", json={})
    return len(found.json()["data"])


async def post_raw(api: Api, path: str, raw: bytes) -> httpx.Response:
    headers = {**api.headers(), "content-type": "application/json"}
    return await api.client.post(path, content=raw, headers=headers)


async def test_property_names_bind_case_insensitively(api: Api) -> None:
    # Dojo's own Manual example (2024-02-05 and 2025-09-10 documents), PascalCase and all.
    body = {
        "amount": GBP,
        "reference": "Order 234",
        "description": "Demo payment intent",
        "captureMode": "Manual",
        "AutoExpireAction": "Capture",
        "AutoExpireIn": "00:00:55",
    }
    response = await api.request("POST", "/payment-intents", json=body)
    assert response.status_code == 200, response.text
    intent = response.json()
    assert (intent["autoExpireAction"], intent["autoExpireIn"]) == ("Capture", "00:00:55")
    assert "Tender-Ignored-Fields" not in response.headers
    shouted = {
        "AMOUNT": {"VALUE": 5, "CurrencyCode": "EUR"},
        "Reference": "r",
        "CAPTUREMODE": "Manual",
    }
    again = (await api.request("POST", "/payment-intents", json=shouted)).json()
    assert again["amount"] == {"value": 5, "currencyCode": "EUR"}
    assert again["captureMode"] == "Manual"


async def test_unknown_properties_are_ignored_and_named(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tender.api")
    body = {
        "amount": GBP,
        "reference": "Order 245",
        "captureMode": "Manual",
        "autoExpireAt": "2030-01-01T00:00:00Z",  # Dojo's manual sample sends this
        "config": {"title": "Shop", "colour": "red"},
        "itemLines": [{"name": "Tea", "amountTotal": GBP, "sku": "T-1"}],
        "metadata": {"colour": "kept: metadata is free-form"},
    }
    response = await api.request("POST", "/payment-intents", json=body)
    assert response.status_code == 200, response.text
    ignored = "autoExpireAt, config.colour, itemLines[0].sku"
    assert response.headers["Tender-Ignored-Fields"] == ignored
    intent = response.json()
    assert intent["config"]["title"] == "Shop" and "colour" not in intent["config"]
    assert intent["metadata"] == {"colour": "kept: metadata is free-form"}
    assert "autoExpireIn" not in intent
    [line] = [r for r in caplog.records if "ignored unknown request properties" in r.message]
    assert ignored in line.message and "POST /payment-intents" in line.message
    assert response.headers["x-trace-id"] in line.message
    # A refused request names what it ignored too.
    refused = await api.request("POST", "/payment-intents", json={"referenceId": "x"})
    assert_problem(refused, 400)
    assert refused.headers["Tender-Ignored-Fields"] == "referenceId"


async def test_an_ignored_name_that_is_not_ascii_is_percent_encoded(api: Api) -> None:
    response = await api.request(
        "POST", "/payment-intents", json={"amount": GBP, "reference": "r", "référence": "x"}
    )
    assert response.status_code == 200
    assert response.headers["Tender-Ignored-Fields"] == "r%C3%A9f%C3%A9rence"


@pytest.fixture
async def strict_api(settings: Settings, clock: Any) -> AsyncIterator[Api]:
    app = make_app(settings.model_copy(update={"strict_requests": True}), clock=clock)
    async with app.router.lifespan_context(app):
        _, key = await accounts.create_key(app.state.ctx, account_name="strict merchant")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield Api(c, key, "")


async def test_strict_mode_refuses_unknown_properties(strict_api: Api) -> None:
    body = {"amount": GBP, "reference": "r", "autoExpireAt": "2030-01-01T00:00:00Z",
            "config": {"colour": "red"}}  # fmt: skip
    problem = assert_problem(await strict_api.request("POST", "/payment-intents", json=body), 400)
    assert problem["errors"] == {
        "AutoExpireAt": ["AutoExpireAt is not a field of this request."],
        "Config.Colour": ["Config.Colour is not a field of this request."],
    }
    assert await count(strict_api) == 0
    # Names still bind case-insensitively: strict is about unknown properties only.
    response = await strict_api.request(
        "POST", "/payment-intents", json={"Amount": GBP, "Reference": "r"}
    )
    assert response.status_code == 200, response.text


async def test_duplicate_json_keys_are_refused(api: Api) -> None:
    """ "Last wins" would let a proxy, a log and Tender read two different requests."""
    cases = [
        (b'{"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r",'
         b' "amount": {"value": 9999, "currencyCode": "GBP"}}', "Amount"),
        (b'{"amount": {"value": 1, "value": 2, "currencyCode": "GBP"}, "reference": "r"}',
         "Amount.Value"),
        (b'{"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r",'
         b' "metadata": {"k": "a", "k": "b"}}', "Metadata.K"),
        (b'{"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r", "Reference": "s"}',
         "Reference"),
        (b'{"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r", "itemLines":'
         b' [{"amountTotal": {"value": 1, "currencyCode": "GBP"}, "NAME": "a", "name": "b"}]}',
         "ItemLines[0].Name"),
    ]  # fmt: skip
    for raw, field in cases:
        problem = assert_problem(await post_raw(api, "/payment-intents", raw), 400)
        assert list(problem["errors"]) == [field], raw
        assert "more than once" in problem["errors"][field][0]
    assert await count(api) == 0
    # Free-form maps keep keys that differ only in case: those are different keys.
    body = {"amount": GBP, "reference": "r", "metadata": {"k": "a", "K": "b"}}
    intent = (await api.request("POST", "/payment-intents", json=body)).json()
    assert intent["metadata"] == {"k": "a", "K": "b"}


async def test_json_a_dojo_server_would_not_read_is_malformed(api: Api) -> None:
    def nested(levels: int) -> bytes:
        return json.dumps({"amount": GBP, "reference": "r", "x": [[]] if levels < 0 else
                           _deep(levels)}).encode()  # fmt: skip

    accepted = await post_raw(api, "/payment-intents", nested(63))  # 64 levels in all
    assert accepted.status_code == 200, accepted.text
    for raw in (
        nested(64),
        b'{"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r", "x": NaN}',
        b'{"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "\\ud800"}',
    ):
        problem = assert_problem(await post_raw(api, "/payment-intents", raw), 400)
        assert problem["title"] == "The request body is malformed."
        assert "not valid JSON" in problem["errors"]["$"][0]
    assert await count(api) == 1


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


async def test_a_trailing_slash_is_served_never_redirected(api: Api) -> None:
    # Dojo's Python samples and two of its pytest tests POST to these spellings.
    created = await api.request("POST", "/payment-intents/", json={"amount": GBP, "reference": "r"})
    assert created.status_code == 200, created.text
    intent = created.json()
    assert (await api.request("GET", f"/payment-intents/{intent['id']}/")).json() == intent
    hook = {"events": ["payment_intent.status_updated"], "url": "https://shop.example/hook"}
    subscribed = await api.request("POST", "/webhooks/", json=hook)
    assert subscribed.status_code == 200, subscribed.text
    assert subscribed.json()["url"] == hook["url"]
    listed = await api.request("GET", "/webhooks/")
    assert [s["id"] for s in listed.json()] == [subscribed.json()["id"]]
    for response in (created, subscribed, listed):
        assert response.status_code != 307 and "location" not in response.headers
