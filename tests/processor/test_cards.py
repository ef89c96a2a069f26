"""Card checks: Luhn, brands, expiry, CVV length, masking, and a fingerprint that hides the PAN."""

from datetime import UTC, datetime

import pytest

from tender.processor.cards import Card, CardInvalid, brand_of, luhn_ok
from tender.processor.simulator import TEST_CARDS

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def test_every_test_card_passes_luhn() -> None:
    assert all(luhn_ok(number) for number in TEST_CARDS)
    assert not luhn_ok("4242424242424241")


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "VISA"),
        ("5200000000000056", "MASTERCARD"),
        ("2221000000000009", "MASTERCARD"),
        ("378282246310005", "AMEX"),
        ("6011111111111117", "DISCOVER"),
        ("36227206271667", "DCI"),
        ("6759649826438453", "MAESTRO"),
    ],
)
def test_brands(number: str, brand: str) -> None:
    assert brand_of(number) == brand


def test_expiry_forms_and_month_end() -> None:
    assert Card.parse("4242 4242 4242 4242", "11 / 26", "123", NOW).expiry == "11/26"
    assert Card.parse("4242-4242-4242-4242", "01/2030", "123", NOW).exp_year == 2030
    with pytest.raises(CardInvalid) as raised:
        Card.parse("4242424242424242", "10/26", "123", NOW)
    assert raised.value.field == "ExpiryDate"


@pytest.mark.parametrize(
    ("number", "cvv", "ok"),
    [("378282246310005", "1234", True), ("378282246310005", "123", False),
     ("4242424242424242", "123", True), ("4242424242424242", "1234", False),
     ("4242424242424242", "12a", False)],
)  # fmt: skip
def test_cvv_length_by_brand(number: str, cvv: str, ok: bool) -> None:
    if ok:
        Card.parse(number, "12/39", cvv, NOW)
    else:
        with pytest.raises(CardInvalid, match="CV2"):
            Card.parse(number, "12/39", cvv, NOW)


def test_masking_repr_and_fingerprint_never_show_the_number() -> None:
    card = Card.parse("4456 5300 0000 1096", "12/39", "020", NOW, "Ada")
    assert card.masked == "************1096" and card.last4 == "1096"
    assert "4456530000001096" not in repr(card) and "020" not in repr(card)
    print_ = card.fingerprint("k1")
    assert print_ == Card.parse("4456530000001096", "01/30", "999", NOW).fingerprint("k1")
    assert print_ != card.fingerprint("k2") and "4456530000001096" not in print_


def test_invalid_messages_never_repeat_the_number() -> None:
    for number in ("4242424242424241", "42424242", "4242x42424242424"):
        with pytest.raises(CardInvalid) as raised:
            Card.parse(number, "12/39", "123", NOW)
        assert number not in str(raised.value) and "4242" not in str(raised.value)
