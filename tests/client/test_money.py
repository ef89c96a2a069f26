"""Paying, capturing, reversing and refunding through the SDK, against the real application."""

from typing import Any

import pytest

from tender.client import (
    CaptureDeclinedError,
    CaptureResult,
    InvalidRequestError,
    Refund,
    ReversalResult,
    StateConflictError,
    Tender,
)
from tests.client.conftest import GBP_10, Flaky, Server

SUCCESS = "4242 4242 4242 4242"


async def _paid(tender: Any, card: str = SUCCESS, **fields: Any) -> Any:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245", **fields)
    result = await tender.test_helpers.pay(intent.id, card_number=card)
    assert result.succeeded, result
    return await tender.payment_intents.get(intent.id)


async def test_paying_with_a_test_card_captures_an_auto_intent(tender: Any) -> None:
    intent = await _paid(tender)
    assert intent.status == "Captured"
    assert [e.event_type for e in intent.payment_events][-1] == "Captured"
    assert intent.payment_events[-1].card_number.endswith("4242")


async def test_declined_and_3ds_cards_report_their_gateway_codes(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    declined = await tender.test_helpers.pay(intent.id, card_number="4000 0000 0000 0002")
    assert declined.status_code == 5 and not declined.succeeded
    assert (await tender.payment_intents.get(intent.id)).status == "Created"

    await tender.payment_intents.refresh_secret(intent.id)
    challenged = await tender.test_helpers.pay(intent.id, card_number="4456 5300 0000 1096")
    assert challenged.status_code == 3
    assert challenged.step_up_url and challenged.md


@pytest.mark.parametrize(
    ("card", "answer", "code", "status"),
    [
        ("4456 5300 0000 1096", "approve", 0, "Captured"),
        ("4456 5300 0000 1096", "reject", 5, "Created"),
        ("4000 0084 0000 1629", "approve", 5, "Created"),  # the issuer declines after 3DS
    ],
)
async def test_a_3ds_challenge_answered_like_a_cardholder(
    tender: Any, card: str, answer: str, code: int, status: str
) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    result = await tender.test_helpers.pay(intent.id, card_number=card, three_ds=answer)
    assert result.status_code == code, result
    after = await tender.payment_intents.get(intent.id)
    assert after.status == status
    assert "AuthChallenged" in [e.event_type for e in after.payment_events]


async def test_refund_and_read_it_back(tender: Any) -> None:
    intent = await _paid(tender)
    refund = await tender.payment_intents.refund(
        intent.id, amount=300, refund_reason="broken cup", notes="desk 4"
    )
    assert isinstance(refund, Refund)
    assert refund.refund_id.startswith("rfnd_sandbox_")
    assert refund.payment_intent_id == intent.id

    again = await tender.refunds.get(refund.refund_id)
    assert (again.amount, again.refund_reason, again.notes) == (300, "broken cup", "desk 4")
    after = await tender.payment_intents.get(intent.id)
    assert after.status == "Refunded" and after.refunded_amount == 300


async def test_a_refund_beyond_the_captured_amount_is_refused(tender: Any) -> None:
    intent = await _paid(tender)
    with pytest.raises((InvalidRequestError, StateConflictError)):
        await tender.payment_intents.refund(intent.id, amount=1001)
    assert (await tender.payment_intents.get(intent.id)).refunded_amount == 0


async def test_a_refund_whose_answer_was_lost_moves_money_once(server: Server) -> None:
    tender = server.client()
    intent = await _paid(tender)
    flaky: list[Flaky] = []
    retrying = server.client(wrap=lambda t: flaky.append(Flaky(t, mode="lost")) or flaky[0])
    refund = await retrying.payment_intents.refund(intent.id, amount=400)
    assert len(flaky[0].seen) == 3 and len(set(flaky[0].keys)) == 1
    after = await tender.payment_intents.get(intent.id)
    assert after.refunded_amount == 400  # three deliveries, one refund
    assert (await tender.refunds.get(refund.refund_id)).amount == 400


async def test_manual_capture_in_parts(tender: Any) -> None:
    intent = await _paid(tender, capture_mode="Manual")
    assert intent.status == "Authorized"
    first = await tender.payment_intents.capture(intent.id, amount=600)
    assert isinstance(first, CaptureResult) and first.capture_id.startswith("cp_sandbox_")
    await tender.payment_intents.capture(intent.id, amount=400)
    after = await tender.payment_intents.get(intent.id)
    assert after.status == "Captured" and after.captured_amount == 1000
    assert [c.amount for c in after.captures] == [600, 400]


async def test_a_declined_capture_names_its_capture(tender: Any) -> None:
    intent = await _paid(tender, card="4000 0000 0000 0341", capture_mode="Manual")
    with pytest.raises(CaptureDeclinedError) as caught:
        await tender.payment_intents.capture(intent.id, amount=1000)
    error = caught.value
    assert error.status == 402 and error.capture_id and error.trace_id
    after = await tender.payment_intents.get(intent.id)
    assert after.status == "Authorized"
    assert [(c.id, c.status) for c in after.captures] == [(error.capture_id, "Declined")]


async def test_reverse_a_manual_authorization(tender: Any) -> None:
    intent = await _paid(tender, capture_mode="Manual")
    reversal = await tender.payment_intents.reverse(intent.id)
    assert isinstance(reversal, ReversalResult) and reversal.reversal_id.startswith("rvs_")
    assert (await tender.payment_intents.get(intent.id)).status == "Reversed"


async def test_reversing_an_unpaid_intent_is_a_state_conflict(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    with pytest.raises(StateConflictError) as caught:
        await tender.payment_intents.reverse(intent.id)
    assert caught.value.current_status == "Created"
    assert caught.value.allowed_statuses == ["Captured"]  # an Auto intent reverses once paid


async def test_send_receipt(tender: Any) -> None:
    intent = await _paid(tender)
    assert await tender.payment_intents.send_receipt(intent.id, emails=["ada@example.com"]) is None


def test_test_helpers_refuse_a_production_key() -> None:
    with (
        Tender("sk_prod_x", base_url="http://127.0.0.1:9") as tender,
        pytest.raises(ValueError, match="sandbox key"),
    ):
        tender.test_helpers.pay("pi_x", card_number=SUCCESS)
