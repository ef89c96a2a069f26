# ruff: noqa: E501
"""Every refusal is an RFC 7807 problem with a traceId and per-field errors (spec §1.4)."""

from collections.abc import AsyncIterator

import httpx

from tests.conftest import Api, assert_problem

SEED = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"}


async def test_unknown_route(api: Api, client: httpx.AsyncClient) -> None:
    for path in ("/nothing", "/payment-intents/x/y/z", "/api/v1/payment-intents"):
        problem = assert_problem(await client.get(path), 404)
        assert path in problem["detail"]
    assert_problem(await api.request("POST", "/payment-intents/pi_x/captures-typo", json={}), 404)


async def test_wrong_method(api: Api) -> None:
    for method, path in (("PUT", "/payment-intents"), ("GET", "/payment-intents/public/pi_x/refresh-client-session-secret"),
                         ("PATCH", "/payment-intents/pi_x"), ("GET", "/payment-intents/pi_x/amount")):  # fmt: skip
        problem = assert_problem(await api.request(method, path), 405)
        assert method in problem["detail"]


async def test_malformed_json_names_the_position(api: Api) -> None:
    response = await api.client.post(
        "/payment-intents",
        content=b'{"amount": {"value": 1000,}',
        headers={**api.headers(), "content-type": "application/json"},
    )
    problem = assert_problem(response, 400)
    assert problem["title"] == "The request body is malformed."
    assert "not valid JSON" in problem["errors"]["$"][0]


async def test_missing_body(api: Api) -> None:
    response = await api.client.post("/payment-intents", headers=api.headers())
    assert assert_problem(response, 400)["errors"] == {"$": ["A JSON request body is required."]}


async def test_wrong_content_type_is_415_before_anything_runs(api: Api) -> None:
    response = await api.client.post(
        "/payment-intents",
        content=b"amount=1000",
        headers={**api.headers(), "content-type": "application/x-www-form-urlencoded"},
    )
    assert "application/json" in assert_problem(response, 415)["detail"]
    ok = await api.client.post(
        "/payment-intents",
        content=b'{"amount": {"value": 1, "currencyCode": "GBP"}, "reference": "r"}',
        headers={**api.headers(), "content-type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 200


async def test_oversized_bodies_are_413_declared_or_streamed(api: Api) -> None:
    huge = b'{"reference": "' + b"x" * (1024 * 1024) + b'"}'
    declared = await api.client.post(
        "/payment-intents",
        content=huge,
        headers={**api.headers(), "content-type": "application/json"},
    )
    assert "1048576" in assert_problem(declared, 413)["detail"]

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * 65536
        yield huge

    streamed = await api.client.post(
        "/payment-intents",
        content=chunks(),
        headers={**api.headers(), "content-type": "application/json"},
    )
    assert_problem(streamed, 413)
    listed = await api.request("POST", "/payment-intents/search", json={})
    assert listed.json()["data"] == []


async def test_validation_errors_are_per_field_pascal_case(api: Api) -> None:
    body = {"amount": {"value": "1000"}, "reference": "", "itemLines": [{"name": 5}], "extra": 1}
    response = await api.request("POST", "/payment-intents", json=body)
    problem = assert_problem(response, 400)
    assert problem["title"] == "One or more validation errors occurred."
    assert set(problem["errors"]) >= {
        "Amount.Value", "Amount.CurrencyCode", "Reference", "ItemLines[0].Name",
        "ItemLines[0].AmountTotal",
    }  # fmt: skip
    assert problem["errors"]["Amount.CurrencyCode"] == [
        "The Amount.CurrencyCode field is required."
    ]
    # An unknown property is ignored (as Dojo's servers do), and named in a header.
    assert "Extra" not in problem["errors"]
    assert response.headers["Tender-Ignored-Fields"] == "extra"


async def test_trace_ids_follow_the_callers_traceparent(api: Api) -> None:
    trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = await api.request("GET", "/payment-intents/pi_nope", headers={"traceparent": trace})
    assert assert_problem(response, 404)["traceId"] == trace
    assert response.headers["x-trace-id"] == trace
    fresh = await api.request("GET", "/payment-intents/pi_nope", headers={"traceparent": "junk"})
    assert fresh.json()["traceId"] != "junk"
    assert fresh.headers["x-trace-id"] == fresh.json()["traceId"]


async def test_a_forbidden_transition_names_current_and_allowed_statuses(api: Api) -> None:
    intent = await api.create()
    await api.request("DELETE", f"/payment-intents/{intent['id']}")
    problem = assert_problem(
        await api.request("POST", f"/payment-intents/{intent['id']}/refresh-client-session-secret"),
        409,
    )
    assert problem["currentStatus"] == "Canceled"
    assert problem["allowedStatuses"] == ["Created"]
    assert problem["detail"] == (
        "Cannot refresh the client session secret of the payment intent because its status is "
        "Canceled; expected Created."
    )
