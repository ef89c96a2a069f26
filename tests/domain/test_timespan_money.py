"""The wire forms of durations (autoExpireIn) and amounts."""

from datetime import timedelta

import pytest

from tender.domain.money import Money, format_amount
from tender.domain.timespan import format_timespan, parse_timespan


@pytest.mark.parametrize(
    ("text", "delta"),
    [("00:00:55", timedelta(seconds=55)), ("6.23:59:59", timedelta(days=7, seconds=-1)),
     ("1.00:00:00", timedelta(days=1)), ("23:59:59", timedelta(days=1, seconds=-1))],
)  # fmt: skip
def test_timespans_parse_and_format_round_trip(text: str, delta: timedelta) -> None:
    assert parse_timespan(text) == delta
    assert parse_timespan(format_timespan(delta)) == delta


@pytest.mark.parametrize("text", ["", "55", "00:60:00", "24:00:00", "00:00:60", "1.2.00:00:00",
                                  "-00:00:55", "00:00:5", " 00:00:55", "100.00:00:00"])  # fmt: skip
def test_malformed_timespans_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timespan(text)


def test_amounts_are_integers_of_minor_units() -> None:
    assert format_amount(1000, "GBP") == "£10.00"
    assert format_amount(-5, "EUR") == "-€0.05"
    assert format_amount(1234, "JPY") == "1,234 JPY"
    assert format_amount(1234, "BHD") == "1.234 BHD"
    assert (Money(1, "GBP") + Money(2, "GBP")).as_wire() == {"value": 3, "currencyCode": "GBP"}
    with pytest.raises(ValueError):
        Money(1, "GBP") + Money(1, "EUR")
    with pytest.raises(TypeError):
        Money(1.0, "GBP")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "GBP")
