"""The response models: exact money text, tolerance of fields and values a newer server adds."""

from tender.client import Money, PaymentIntent


def test_money_text_uses_the_currency_exponent() -> None:
    assert str(Money(value=1000, currency_code="GBP")) == "10.00 GBP"
    assert str(Money(value=5, currency_code="EUR")) == "0.05 EUR"
    assert str(Money(value=1000, currency_code="JPY")) == "1000 JPY"
    assert str(Money(value=1500, currency_code="KWD")) == "1.500 KWD"
    assert str(Money(value=-250, currency_code="USD")) == "-2.50 USD"
    assert str(Money(value=10**15 + 1, currency_code="GBP")) == "10000000000000.01 GBP"


def test_unknown_fields_and_statuses_are_kept() -> None:
    intent = PaymentIntent.model_validate(
        {"id": "pi_1", "status": "PartiallyCaptured", "newThing": {"a": 1}}
    )
    assert intent.status == "PartiallyCaptured"
    assert intent.model_extra == {"newThing": {"a": 1}}
    assert intent.model_dump(by_alias=True)["newThing"] == {"a": 1}
