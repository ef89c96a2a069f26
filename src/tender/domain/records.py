"""Typed records of what Tender stores: an intent, its payment attempts and money movements.

Repositories return these instead of database rows, so the service layer reads named, typed
fields (statuses as enums) and the domain can derive amounts from them without any I/O.
"""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from tender.domain.status import AttemptState, CaptureMode, MovementStatus, Status

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class Record:
    """What every record can do besides its fields."""

    __slots__ = ()

    def _asdict(self) -> dict[str, Any]:
        """Field -> value, spelled as a database row or a named tuple spells it."""
        record = cast("DataclassInstance", self)  # every subclass is a dataclass
        return {f.name: getattr(self, f.name) for f in fields(record)}


@dataclass(frozen=True, slots=True)
class Intent(Record):
    id: str
    account_id: str
    status: Status
    capture_mode: CaptureMode
    currency: str
    amount: int
    tips_amount: int
    service_charge_amount: int
    cashback_amount: int
    reference: str
    details: dict[str, Any]  # everything else the merchant sent, echoed on the wire
    client_secret: str | None
    client_secret_expires_at: datetime | None
    expire_at: datetime
    auto_expire_in_seconds: int | None
    auto_expire_action: str | None
    version: int  # bumped by every change; an update under the row lock checks it
    created_at: datetime
    updated_at: datetime
    customer_id: str | None = None  # the Dojo customer (``cust_…``) it was created for

    @property
    def total_amount(self) -> int:
        """What the customer pays: amount plus tips, service charge and cashback."""
        return self.amount + self.tips_amount + self.service_charge_amount + self.cashback_amount


@dataclass(frozen=True, slots=True)
class Attempt(Record):
    """One card or wallet payment attempt. Never the card number or CVV: brand, masked number,
    last four, expiry and a keyed fingerprint."""

    id: str
    intent_id: str
    token_hash: str  # sha256 of the client session secret it was made with
    method: str  # Card | GooglePay | ApplePay
    state: AttemptState
    status_code: int  # the Connect-E status code it answers
    message: str
    amount: int
    auth_code: str | None
    transaction_id: str | None
    card_brand: str | None
    card_masked: str | None
    card_last4: str | None
    card_expiry: str | None
    cardholder_name: str | None
    fingerprint: str | None
    three_ds: str | None  # frictionless | challenge
    otp_code: str | None  # the sandbox issuer's one-time code while challenged
    processor_data: dict[str, Any]  # the processor's own note, handed back on later calls
    release_at: datetime | None  # authorizations: when the expiry job settles them
    created_at: datetime
    completed_at: datetime | None
    payment_method_id: str | None = None  # the saved card (pm_…) it was paid with
    save_card: bool = False  # the customer agreed to save the card (savePaymentMethod)


@dataclass(frozen=True, slots=True)
class Capture(Record):
    id: str
    intent_id: str
    amount: int
    tips_amount: int
    status: MovementStatus
    reason: str  # requested | payment (Auto capture mode) | expired (autoExpireAction Capture)
    message: str
    transaction_id: str | None
    created_at: datetime

    @property
    def total(self) -> int:
        return self.amount + self.tips_amount


@dataclass(frozen=True, slots=True)
class Refund(Record):
    id: str
    intent_id: str
    amount: int
    status: MovementStatus
    message: str
    refund_reason: str | None
    notes: str | None
    previous_transaction_id: str | None
    transaction_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Reversal(Record):
    id: str
    intent_id: str
    amount: int
    status: MovementStatus
    reason: str  # requested | expired | capture_failed
    message: str
    transaction_id: str | None
    created_at: datetime


Movement = Capture | Refund | Reversal


@dataclass(frozen=True, slots=True)
class PaymentEvent(Record):
    """An entry of the intent's ``paymentEvents`` history (card fields masked)."""

    id: int
    intent_id: str
    event_type: str
    transaction_id: str | None
    auth_code: str | None
    card_number: str | None
    expiry_date: str | None
    card_type: str | None
    cardholder_name: str | None
    payment_method_id: str | None
    message: str | None
    created_at: datetime
