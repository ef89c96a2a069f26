"""The SDK's setup intents and ``payment_intents.charge`` against the real application (three
ways, see conftest): create, authorize a card with ``test_helpers.pay`` (3-D Secure answered),
charge, the declined 0374 charge, cancel and refresh."""

from typing import Any

import pytest

from tender.client import ChargeResult, Money, SetupIntent, StateConflictError

TERMS = "We may charge the booking fee if you do not come."


async def _authorized(tender: Any, card: str, **fields: Any) -> SetupIntent:
    setup = await tender.setup_intents.create(
        reference="Table 4", terms=TERMS, intended_amount={"value": 1000, "currencyCode": "GBP"},
        **fields,
    )  # fmt: skip
    result = await tender.test_helpers.pay(setup.id, card_number=card, three_ds="approve")
    assert result.succeeded, result
    return await tender.setup_intents.get(setup.id)


async def test_create_authorize_and_charge(tender: Any) -> None:
    setup = await _authorized(tender, "4456 5300 0000 1096")
    assert isinstance(setup, SetupIntent)
    assert setup.status == "Authorized"
    assert setup.terms == TERMS
    assert setup.intended_amount == Money(value=1000, currency_code="GBP")
    assert [e.event_type for e in setup.setup_events] == ["AuthChallenged", "Authorized"]
    intent = await tender.payment_intents.create(
        amount={"value": 1000, "currencyCode": "GBP"}, reference="No-show", setup_intent_id=setup.id
    )
    charged = await tender.payment_intents.charge(intent.id)
    assert isinstance(charged, ChargeResult)
    assert charged.succeeded and charged.payment_intent_id == intent.id
    assert (await tender.payment_intents.get(intent.id)).status == "Captured"
    assert (await tender.setup_intents.get(setup.id)).status == "Completed"
    with pytest.raises(StateConflictError):
        await tender.payment_intents.charge(intent.id)


async def test_the_0374_card_is_declined_when_charged(tender: Any) -> None:
    setup = await _authorized(
        tender, "4000 0000 0000 0374", merchant_initiated_transaction_type="Unscheduled"
    )
    intent = await tender.payment_intents.create(
        amount={"value": 500, "currencyCode": "GBP"}, reference="Top-up", setup_intent_id=setup.id
    )
    charged = await tender.payment_intents.charge(intent.id)
    assert charged.status == "Declined" and not charged.succeeded
    assert (await tender.payment_intents.get(intent.id)).status == "Created"


async def test_cancel_close_and_refresh(tender: Any) -> None:
    setup = await tender.setup_intents.create(reference="r", terms=TERMS)
    refreshed = await tender.setup_intents.refresh_secret(setup.id)
    assert refreshed.client_session_secret != setup.client_session_secret
    assert (await tender.setup_intents.cancel(setup.id)).status == "Canceled"
    authorized = await _authorized(tender, "4242 4242 4242 4242")
    assert (await tender.setup_intents.cancel(authorized.id)).status == "Closed"
