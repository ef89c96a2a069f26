"""Every problem the real application answers becomes its exception, with the traceId."""

from typing import Any

import httpx
import pytest

from tender.client import (
    APIError,
    AuthenticationError,
    IdempotencyError,
    InvalidRequestError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StateConflictError,
)
from tender.client.errors import ConflictError, error_for
from tests.client.conftest import GBP_10, Server


def _has_trace(error: APIError) -> None:
    assert error.trace_id and error.trace_id.startswith("00-")
    assert f"(traceId {error.trace_id})" in str(error)


async def test_a_wrong_key_is_an_authentication_error(server: Server) -> None:
    tender = server.client(api_key="sk_sandbox_not-a-key")
    with pytest.raises(AuthenticationError) as caught:
        await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    assert caught.value.status == 401
    _has_trace(caught.value)


async def test_an_unknown_intent_is_not_found(tender: Any) -> None:
    with pytest.raises(NotFoundError, match="No payment intent with id pi_nope") as caught:
        await tender.payment_intents.get("pi_nope")
    _has_trace(caught.value)


async def test_bad_input_names_each_field(tender: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await tender.payment_intents.create(
            amount={"value": -1, "currencyCode": "GBP"}, reference=""
        )
    error = caught.value
    assert error.status == 400
    assert set(error.errors) >= {"Amount.Value", "Reference"}
    assert "Reference:" in str(error)
    _has_trace(error)


async def test_an_oversized_request_is_an_invalid_request(tender: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await tender.payment_intents.create(
            amount=GBP_10, reference="Order 245", description="x" * (1024 * 1024 + 1)
        )
    assert caught.value.status == 413


async def test_a_forbidden_edit_is_method_not_allowed(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    with pytest.raises(MethodNotAllowedError) as caught:
        await tender.payment_intents.change_tips(intent.id, tips_amount=GBP_10)
    _has_trace(caught.value)


async def test_a_status_conflict_carries_current_and_allowed_statuses(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    await tender.payment_intents.cancel(intent.id)
    with pytest.raises(StateConflictError) as caught:
        await tender.payment_intents.refresh_secret(intent.id)
    error = caught.value
    assert isinstance(error, ConflictError) and error.status == 409
    assert error.current_status == "Canceled"
    assert error.allowed_statuses == ["Created"]
    assert "status is Canceled" in str(error)
    _has_trace(error)


async def test_a_key_reused_for_another_request_is_an_idempotency_error(tender: Any) -> None:
    await tender.payment_intents.create(amount=GBP_10, reference="Order 245", idempotency_key="k-1")
    with pytest.raises(IdempotencyError, match="different request") as caught:
        await tender.payment_intents.create(
            amount=GBP_10, reference="Order 246", idempotency_key="k-1"
        )
    assert caught.value.status == 422
    _has_trace(caught.value)


def _problem(status: int, **extra: Any) -> httpx.Response:
    body = {"title": "t", "status": status, "detail": "d", "traceId": "00-abc", **extra}
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "cls"),
    [(403, PermissionDeniedError), (429, RateLimitError), (500, ServerError), (418, APIError)],
)
def test_statuses_the_sandbox_never_answers_still_map(status: int, cls: type) -> None:
    error = error_for(_problem(status))
    assert type(error) is cls
    assert str(error) == f"[{status}] d (traceId 00-abc)"


def test_a_non_json_answer_still_becomes_an_error() -> None:
    error = error_for(httpx.Response(502, text="<html>bad gateway</html>"))
    assert isinstance(error, ServerError)
    assert error.status == 502 and error.trace_id is None
    assert "Bad Gateway" in str(error)


async def test_the_key_comes_from_the_environment_when_not_given(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENDER_API_KEY", server.key)
    intent = await server.client(api_key=None).payment_intents.create(
        amount=GBP_10, reference="Order 245"
    )
    assert intent.status == "Created"
    monkeypatch.delenv("TENDER_API_KEY")
    with pytest.raises(APIError, match="An API key is required"):
        await server.client(api_key=None).payment_intents.get(intent.id)
