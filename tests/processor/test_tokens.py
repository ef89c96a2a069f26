"""The sandbox acquirer's stored cards: tokens are issued only when asked, never carry the
number, and later payments on them answer as the card's scenario says (0374 refuses
merchant-initiated payments; challenge cards challenge a present cardholder only)."""

import asyncio
from datetime import UTC, datetime

import pytest

from tender.processor.cards import Card
from tender.processor.protocol import Authorization, Outcome
from tender.processor.simulator import SandboxProcessor

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def card(number: str) -> Card:
    return Card.parse(number, "12/30", "123", NOW)


def stored(number: str) -> Authorization:
    async def go() -> Authorization:
        processor = SandboxProcessor()
        first = await processor.authorize(card(number), 0, "GBP", reference="a1", store=True)
        if first.outcome is Outcome.CHALLENGE:
            return await processor.complete_challenge(
                first.processor_data, True, 0, "GBP", reference="a1"
            )
        return first

    return asyncio.run(go())


def pay(auth: Authorization, *, mit: bool) -> Authorization:
    assert auth.token is not None
    return asyncio.run(
        SandboxProcessor().authorize_token(
            auth.token, auth.processor_data, 1000, "GBP", reference="p1", merchant_initiated=mit
        )
    )


def test_a_token_is_issued_only_when_the_card_is_to_be_stored() -> None:
    plain = asyncio.run(
        SandboxProcessor().authorize(card("4242424242424242"), 5, "GBP", reference="x")
    )
    assert plain.outcome is Outcome.APPROVED and plain.token is None
    kept = stored("4242424242424242")
    assert kept.token and kept.token.startswith("tok_sandbox_")
    assert "4242424242424242" not in repr(kept) and "424242" not in kept.token


def test_a_challenged_card_gets_its_token_after_the_approved_challenge() -> None:
    kept = stored("4456530000001096")
    assert kept.outcome is Outcome.APPROVED and kept.token


@pytest.mark.parametrize(
    ("number", "mit", "outcome"),
    [
        ("4242424242424242", True, Outcome.APPROVED),
        ("4242424242424242", False, Outcome.APPROVED),
        ("4000000000000374", True, Outcome.DECLINED),
        ("4000000000000374", False, Outcome.APPROVED),
        ("4456530000001096", True, Outcome.APPROVED),  # no cardholder: never a challenge
        ("4456530000001096", False, Outcome.CHALLENGE),
    ],
)
def test_payments_on_a_stored_card_follow_its_scenario(
    number: str, mit: bool, outcome: Outcome
) -> None:
    assert pay(stored(number), mit=mit).outcome is outcome


def test_an_unknown_or_mismatched_token_is_an_error() -> None:
    kept = stored("4242424242424242")
    forged = Authorization(
        kept.outcome, kept.message, processor_data=kept.processor_data, token="tok_sandbox_forged"
    )
    assert pay(forged, mit=True).outcome is Outcome.ERROR
