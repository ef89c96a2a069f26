"""Card numbers: Luhn, brand detection, expiry and CVV checks, masking and the keyed fingerprint.

``Card.parse`` is the only way in; it raises ``CardInvalid`` with the field at fault and a message
that never repeats the number or the CVV.

What may be stored is chosen so that a copy of the database, the fingerprint key included, does
not give the numbers back cheaply: the masked number keeps the last four digits only (the first
six would leave ~10^5 Luhn-valid candidates), and the fingerprint is scrypt, a slow memory-hard
hash (~30 ms and 16 MiB per try), rather than a fast HMAC. See docs/threat-model.md.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")


class CardInvalid(ValueError):
    """A card field failed validation; ``field`` names it (CardNumber, ExpiryDate, CV2…)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def brand_of(digits: str) -> str:
    """The scheme as Dojo names it (VISA, MASTERCARD, AMEX, DISCOVER, DCI, MAESTRO, UNKNOWN)."""
    two, four, six = int(digits[:2]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4":
        return "VISA"
    if 51 <= two <= 55 or 222100 <= six <= 272099:
        return "MASTERCARD"
    if two in (34, 37):
        return "AMEX"
    if digits.startswith("6011") or two == 65 or 644 <= int(digits[:3]) <= 649:
        return "DISCOVER"
    if two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305:
        return "DCI"
    if two in (50, 56, 57, 58) or digits[0] == "6" or four in (6304, 6759):
        return "MAESTRO"
    return "UNKNOWN"


def parse_expiry(text: str, now: datetime) -> tuple[int, int]:
    """(month, four-digit year) from "MM / YY" or "MM/YY"; the card is valid to its month's end."""
    match = _EXPIRY.match(text or "")
    if not match:
        raise CardInvalid("ExpiryDate", 'The expiry date must look like "MM / YY".')
    month, year = int(match.group(1)), int(match.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        raise CardInvalid("ExpiryDate", "The expiry month must be 01 to 12.")
    if (year, month) < (now.year, now.month):
        raise CardInvalid("ExpiryDate", "The card has expired: the expiry date is in the past.")
    if year > now.year + 20:
        raise CardInvalid("ExpiryDate", "The expiry year is too far in the future.")
    return month, year


@dataclass(frozen=True, slots=True)
class Card:
    """A validated card. ``repr`` hides the number and CVV, so a stray log line cannot leak them."""

    number: str = field(repr=False)
    cvv: str | None = field(repr=False)
    brand: str
    exp_month: int
    exp_year: int
    holder: str | None = None

    @classmethod
    def parse(
        cls,
        number: str,
        expiry: str,
        cvv: str | None,
        now: datetime,
        holder: str | None = None,
        *,
        require_cvv: bool = True,
    ) -> "Card":
        digits = re.sub(r"[\s-]", "", number or "")
        if not digits.isdigit() or not 12 <= len(digits) <= 19:
            raise CardInvalid("CardNumber", "The card number must be 12 to 19 digits.")
        if not luhn_ok(digits):
            raise CardInvalid("CardNumber", "The card number is not valid (checksum failed).")
        brand = brand_of(digits)
        month, year = parse_expiry(expiry, now)
        if require_cvv or cvv:
            want = 4 if brand == "AMEX" else 3
            if not (cvv or "").isdigit() or len(cvv or "") != want:
                raise CardInvalid("CV2", f"The security code (CV2) must be {want} digits.")
        return cls(digits, cvv, brand, month, year, (holder or "").strip() or None)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def masked(self) -> str:
        """The last four digits only: ************1096."""
        return "*" * (len(self.number) - 4) + self.number[-4:]

    @property
    def expiry(self) -> str:
        return f"{self.exp_month:02d}/{self.exp_year % 100:02d}"

    def fingerprint(self, key: str) -> str:
        """scrypt of the number salted with the installation's key: same card, same
        fingerprint; each guess costs an attacker ~30 ms and 16 MiB even with the key (slow:
        call it off the event loop)."""
        digest = hashlib.scrypt(
            self.number.encode(), salt=key.encode(), n=2**14, r=8, p=1, dklen=32
        )
        return digest.hex()
