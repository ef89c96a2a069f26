"""Typed records of a merchant's customers and their saved cards (Dojo's Customers API).

A saved card keeps what a later payment needs from the acquirer (its token and note) and what
the customer recognises it by (brand, last four digits, expiry); never the number or CVV.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    account_id: str
    name: str | None
    email_address: str | None
    phone_number: str | None
    vat_number: str | None
    billing_address: dict[str, Any] | None
    shipping_address: dict[str, Any] | None
    document_version: int  # 0 when created, +1 with every change
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    id: str
    account_id: str
    customer_id: str
    card_brand: str
    card_masked: str  # last four digits only: ************1096
    card_last4: str
    card_expiry: str  # MM/YY
    fingerprint: str | None = field(repr=False)
    processor_token: str = field(repr=False)
    processor_data: dict[str, Any] = field(repr=False)
    attempt_id: str | None
    created_at: datetime
    expired_at: datetime | None
    deleted_at: datetime | None

    def expires_before(self, now: datetime) -> bool:
        """A card is good through the last day of its expiry month."""
        month, _, year = self.card_expiry.partition("/")
        try:
            last = (2000 + int(year), int(month))
        except ValueError:
            return True
        return (now.year, now.month) > last
