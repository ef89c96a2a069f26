"""Typed answers of the API (spec §2.4, §2.7–2.9, §5.1), as pydantic models.

Tolerant on purpose: unknown fields are kept (``model_extra``), almost every field is optional,
and statuses are plain strings, so a newer server never breaks an older SDK. Attributes are
snake_case; ``model_dump(by_alias=True)`` gives the wire (camelCase) form back.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


# ISO 4217 currencies whose minor unit is not a hundredth (the rest have two decimals).
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3}


class Money(Model):
    """An amount in minor units: ``Money(value=1000, currency_code="GBP")`` is 10.00 GBP."""

    value: int
    currency_code: str

    def __str__(self) -> str:
        """Exact (integer arithmetic): ``10.00 GBP``, ``1000 JPY``, ``1.500 KWD``."""
        exponent = _EXPONENTS.get(self.currency_code, 2)
        major, minor = divmod(abs(self.value), 10**exponent)
        number = f"{major}" + (f".{minor:0{exponent}d}" if exponent else "")
        return f"{'-' if self.value < 0 else ''}{number} {self.currency_code}"


class PaymentEvent(Model):
    event_type: str
    transaction_id: str | None = None
    transaction_date_time: datetime | None = None
    auth_code: str | None = None
    card_number: str | None = None
    expiry_date: str | None = None
    card_type: str | None = None
    cardholder_name: str | None = None
    payment_method_id: str | None = None
    message: str | None = None


class Capture(Model):
    id: str
    amount: int | None = None
    tips_amount: int | None = None
    status: str | None = None
    created_at: datetime | None = None


class PaymentIntent(Model):
    id: str
    status: str
    capture_mode: str | None = None
    client_session_secret: str | None = None
    client_session_secret_expiration_date: datetime | None = None
    amount: Money | None = None
    tips_amount: Money | None = None
    requested_amount: Money | None = None
    total_amount: Money | None = None
    refunded_amount: int = 0
    captured_amount: int | None = None
    authorized_amount: int | None = None
    reference: str | None = None
    description: str | None = None
    payment_methods: list[str] = Field(default_factory=list)
    payment_details: dict[str, Any] | None = None
    payment_events: list[PaymentEvent] = Field(default_factory=list)
    captures: list[Capture] = Field(default_factory=list)
    config: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    customer: dict[str, Any] | None = None
    payment_link: str | None = None
    setup_intent_id: str | None = None
    expire_at: datetime | None = None
    auto_expire_in: str | None = None
    auto_expire_action: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class SetupIntent(Model):
    """A setup intent: a card kept for later merchant-initiated charges."""

    id: str
    status: str
    client_session_secret: str | None = None
    client_session_secret_expiration_date: datetime | None = None
    reference: str | None = None
    terms: str | None = None
    merchant_initiated_transaction_type: str | None = None
    intended_amount: Money | None = None
    description: str | None = None
    payment_methods: list[str] = Field(default_factory=list)
    payment_details: dict[str, Any] | None = None
    setup_events: list[PaymentEvent] = Field(default_factory=list)
    config: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    customer: dict[str, Any] | None = None
    expire_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ChargeResult(Model):
    """The answer of ``payment_intents.charge``: ``Successful``, ``Declined`` or ``Failed``
    (``Created`` while the acquirer's answer is awaited)."""

    payment_intent_id: str
    status: str
    message: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "Successful"


class SearchPage(Model):
    data: list[PaymentIntent] = Field(default_factory=list)
    before: str | None = None
    after: str | None = None


class CaptureResult(Model):
    message: str | None = None
    capture_id: str


class ReversalResult(Model):
    message: str | None = None
    reversal_id: str


class Refund(Model):
    refund_id: str
    payment_intent_id: str | None = None
    amount: int | None = None
    status: str | None = None
    refund_reason: str | None = None
    notes: str | None = None
    message: str | None = None
    created_at: datetime | None = None


class WebhookSecret(Model):
    id: str
    value: str | None = None
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    is_active: bool | None = None


class WebhookSubscription(Model):
    id: str
    account_id: str | None = None
    events: list[str] = Field(default_factory=list)
    url: str | None = None
    description: str | None = None
    secrets: list[WebhookSecret] = Field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class WebhookSecrets(Model):
    id: str
    secrets: list[WebhookSecret] = Field(default_factory=list)


class EventCatalogue(Model):
    model: str | None = None
    events: list[str] = Field(default_factory=list)


class TransactionResult(Model):
    """What the card gateway answers (Connect-E codes: 0 success, 3 3-D Secure needed,
    4 referred, 5 declined, 30 failed, 401 token used or expired, ...)."""

    status_code: int
    auth_code: str | None = None
    message: str | None = None
    step_up_url: str | None = None
    md: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code == 0


class DeliveryAttempt(Model):
    id: str
    number: int | None = None
    url: str | None = None
    started_at: datetime | None = None
    duration_ms: int | None = None
    status_code: int | None = None
    response_body: str | None = None
    error: str | None = None
    secret_id: str | None = None


class WebhookDelivery(Model):
    """One event sent to one subscription (Tender extension), with its attempts when read
    alone."""

    id: str
    subscription_id: str | None = None
    event_id: str | None = None
    event: str | None = None
    payment_intent_id: str | None = None
    status: str | None = None  # pending, delivered, failed (gave up) or canceled
    attempt_count: int = 0
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
    created_at: datetime | None = None
    attempts: list[DeliveryAttempt] | None = None


class DeliveryPage(Model):
    data: list[WebhookDelivery] = Field(default_factory=list)
    next: int | None = None


class WebhookEvent(Model):
    """An event of the account with the body receivers get and its deliveries."""

    id: str
    event: str | None = None
    payment_intent_id: str | None = None
    created_at: datetime | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    deliveries: list[WebhookDelivery] = Field(default_factory=list)


class Customer(Model):
    id: str
    name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    vat_number: str | None = None
    billing_address: dict[str, Any] | None = None
    shipping_address: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    document_version: int = 0


class CustomerPage(Model):
    data: list[Customer] = Field(default_factory=list)
    before: str | None = None
    after: str | None = None


class CustomerSecret(Model):
    secret: str
    created_at: datetime | None = None
    expire_at: datetime | None = None


class SavedCard(Model):
    pan: str | None = None  # masked: the last four digits only
    expiry_date: str | None = None
    scheme: str | None = None


class SavedPaymentMethod(Model):
    id: str
    card_details: SavedCard | None = None


class CustomerPaymentMethods(Model):
    customer_id: str | None = None
    merchant_id: str | None = None
    saved_payment_methods: list[SavedPaymentMethod] = Field(default_factory=list)
    supported_payment_methods: dict[str, Any] | None = None
