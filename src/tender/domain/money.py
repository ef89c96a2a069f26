"""Money in integer minor units, and the currencies Tender knows.

An amount is always an ``int`` of the currency's minor unit (pence for GBP); there is no float
anywhere on the money path.
"""

from dataclasses import dataclass

# ISO 4217 alpha-3 code -> number of minor-unit digits (exponent).
CURRENCY_EXPONENTS: dict[str, int] = {
    "GBP": 2,
    "EUR": 2,
    "USD": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "HUF": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
}

# ISO 4217 numeric codes (the wallet config of Dojo.js uses "826" for GBP).
CURRENCY_NUMERIC: dict[str, str] = {"GBP": "826", "EUR": "978", "USD": "840"}

DEFAULT_ACCOUNT_CURRENCIES = ("GBP", "EUR", "USD")

# The largest amount Tender accepts in one field: 10^12 - 1 minor units. Sums of several such
# fields stay far inside a signed 64-bit integer.
MAX_AMOUNT = 999_999_999_999


@dataclass(frozen=True, slots=True)
class Money:
    value: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            raise TypeError("Money.value must be an int of minor units")

    def __add__(self, other: "Money") -> "Money":
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.value + other.value, self.currency)

    def as_wire(self) -> dict[str, object]:
        return {"value": self.value, "currencyCode": self.currency}


def format_amount(value: int, currency: str) -> str:
    """Human form for pages and logs: ``1000, GBP`` -> ``£10.00``; exact, via integer maths."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    sign = "-" if value < 0 else ""
    major, minor = divmod(abs(value), 10**exponent)
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency)
    number = f"{major:,}" + (f".{minor:0{exponent}d}" if exponent else "")
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
