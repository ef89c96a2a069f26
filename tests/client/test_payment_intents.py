"""Every payment-intent method of the SDK against the real application (three ways, see
conftest): typed answers, keyword conveniences, the search iterator, the state changes."""

from typing import Any

import pytest

from tender.client import (
    MethodNotAllowedError,
    Money,
    NotFoundError,
    PaymentIntent,
)
from tests.client.conftest import GBP_10, Server


async def test_create_returns_a_typed_intent_that_get_reads_back(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    assert isinstance(intent, PaymentIntent)
    assert intent.id.startswith("pi_sandbox_")
    assert intent.status == "Created"
    assert intent.amount == Money(value=1000, currency_code="GBP")
    assert str(intent.amount) == "10.00 GBP"
    assert len(intent.client_session_secret or "") > 100
    # fields the models do not name are kept, not dropped
    assert intent.model_extra and "merchantConfig" in intent.model_extra

    fetched = await tender.payment_intents.get(intent.id)
    assert fetched == intent


async def test_create_takes_snake_case_keywords_and_models(tender: Any) -> None:
    intent = await tender.payment_intents.create(
        amount=Money(value=2500, currency_code="EUR"),
        reference="Table 4",
        capture_mode="Manual",
        auto_expire_in="1.00:00:00",
        description="two coffees",
        metadata={"order_id": "A-1"},
        config={"payment": {"tipsAllowed": True}},
    )
    assert intent.capture_mode == "Manual"
    assert intent.amount == Money(value=2500, currency_code="EUR")
    assert intent.auto_expire_in == "1.00:00:00"
    assert intent.description == "two coffees"
    assert intent.metadata == {"order_id": "A-1"}  # the caller's keys are sent as given
    assert intent.config and intent.config["payment"]["tipsAllowed"] is True


async def test_search_iterates_across_pages_newest_first(tender: Any) -> None:
    created = [
        (await tender.payment_intents.create(amount=GBP_10, reference=f"Order {i}")).id
        for i in range(5)
    ]
    await tender.payment_intents.cancel(created[0])

    found = [i.id async for i in tender.payment_intents.search(page_size=2)]
    assert found == list(reversed(created))

    still_open = [
        i.id async for i in tender.payment_intents.search(statuses=["Created"], page_size=2)
    ]
    assert still_open == list(reversed(created[1:]))

    page = await tender.payment_intents.search_page(limit=2)
    assert [i.id for i in page.data] == created[:2:-1][:2]
    assert page.after and page.before is None
    older = await tender.payment_intents.search_page(limit=2, after=page.after)
    assert [i.id for i in older.data] == [created[2], created[1]]


async def test_search_of_an_empty_account_yields_nothing(tender: Any) -> None:
    assert [i async for i in tender.payment_intents.search()] == []


async def test_cancel_hides_the_intent_unless_return_canceled(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    canceled = await tender.payment_intents.cancel(intent.id)
    assert canceled.status == "Canceled"
    with pytest.raises(NotFoundError):
        await tender.payment_intents.get(intent.id)
    shown = await tender.payment_intents.get(intent.id, return_canceled=True)
    assert shown.status == "Canceled"
    assert [e.event_type for e in shown.payment_events][-1] == "Canceled"


async def test_change_amount_issues_a_new_secret(tender: Any) -> None:
    intent = await tender.payment_intents.create(
        amount=GBP_10, reference="Order 245", config={"payment": {"customAmountAllowed": True}}
    )
    changed = await tender.payment_intents.change_amount(
        intent.id,
        amount={"value": 1500, "currencyCode": "GBP"},
        item_lines=[{"name": "Coffee", "amountTotal": {"value": 1500, "currencyCode": "GBP"}}],
    )
    assert changed.amount and changed.amount.value == 1500
    assert changed.client_session_secret != intent.client_session_secret
    assert changed.model_extra and changed.model_extra["itemLines"][0]["name"] == "Coffee"


async def test_change_amount_refused_without_the_config_flag(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    with pytest.raises(MethodNotAllowedError, match="customAmountAllowed") as caught:
        await tender.payment_intents.change_amount(intent.id, amount=GBP_10)
    assert caught.value.status == 405


async def test_change_tips(tender: Any) -> None:
    intent = await tender.payment_intents.create(
        amount=GBP_10, reference="Order 245", config={"payment": {"tipsAllowed": True}}
    )
    changed = await tender.payment_intents.change_tips(
        intent.id, tips_amount=Money(value=150, currency_code="GBP")
    )
    assert changed.tips_amount == Money(value=150, currency_code="GBP")
    assert changed.total_amount and changed.total_amount.value == 1150


async def test_refresh_secret_replaces_the_secret(tender: Any) -> None:
    intent = await tender.payment_intents.create(amount=GBP_10, reference="Order 245")
    refreshed = await tender.payment_intents.refresh_secret(intent.id)
    assert refreshed.id == intent.id
    assert refreshed.client_session_secret
    assert refreshed.client_session_secret != intent.client_session_secret


async def test_ids_cannot_change_the_path(tender: Any, server: Server) -> None:
    with pytest.raises(NotFoundError):
        await tender.payment_intents.get("../payment-intents/search")
