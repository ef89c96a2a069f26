"""Response models. They document the contract in ``/openapi.json``; the tests validate real
responses against them, so the document cannot drift from what the server sends."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from tender.domain.status import AutoExpireAction, CaptureMode, Status


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class MoneyOut(Out):
    value: int = Field(description="Minor units (1000 = £10.00)")
    currency_code: str


class PaymentEvent(Out):
    event_type: str = Field(
        description="Created, Authorized, Captured, Reversed, Refunded, Canceled, AuthChallenged, "
        "Declined, ManualAuthReady, Error or Unknown"
    )
    transaction_id: str | None = None
    transaction_date_time: str | None = None
    auth_code: str | None = None
    card_number: str | None = Field(
        default=None, description="Masked: the last four digits only, ************1096"
    )
    expiry_date: str | None = None
    card_type: str | None = None
    cardholder_name: str | None = None
    payment_method_id: str | None = None
    message: str | None = None


class Capture(Out):
    id: str
    amount: int
    tips_amount: int | None = None
    status: str = Field(description="Created, Successful, Declined or Failed")
    created_at: str


class SupportedPaymentMethods(Out):
    card_schemes: list[str]
    wallets: list[str]


class MerchantConfig(Out):
    supported_payment_methods: SupportedPaymentMethods


class PaymentIntent(Out):
    """A payment intent (spec §2.4)."""

    id: str = Field(examples=["pi_sandbox_vpwd4ooAPEqyNAQe4z89WQ"])
    capture_mode: CaptureMode
    client_session_secret: str = Field(
        description='Single-use token for the browser library; "" once used or not issued'
    )
    client_session_secret_expiration_date: str
    status: Status
    payment_methods: list[str]
    amount: MoneyOut
    tips_amount: MoneyOut
    requested_amount: MoneyOut
    total_amount: MoneyOut
    refunded_amount: int = Field(description="Derived from the refund rows")
    captured_amount: int = Field(description="Derived from the successful capture rows")
    authorized_amount: int
    reference: str
    description: str | None = None
    config: dict[str, Any]
    merchant_config: MerchantConfig
    payment_source: str
    card_holder_not_present: bool
    expire_at: str
    auto_expire_in: str | None = None
    auto_expire_action: AutoExpireAction | None = None
    payment_link: str
    payment_events: list[PaymentEvent]
    captures: list[Capture]
    payment_details: dict[str, Any] | None = None
    customer: dict[str, Any] | None = None
    billing_address: dict[str, Any] | None = None
    shipping_details: dict[str, Any] | None = None
    request_security: dict[str, Any] | None = None
    item_lines: list[dict[str, Any]] | None = None
    tax_lines: list[dict[str, Any]] | None = None
    subtotal_line_items: MoneyOut | None = None
    service_charge_amount: MoneyOut | None = None
    cashback_amount: MoneyOut | None = None
    action_link: dict[str, Any] | None = None
    metadata: dict[str, str] | None = None
    order_details: dict[str, Any] | None = None
    generate_remote_token: bool | None = None
    created_at: str
    updated_at: str


class PublicPaymentIntent(Out):
    """What the customer-side endpoints show (no merchant secrets, no personal data)."""

    model_config = ConfigDict(extra="allow")

    id: str
    status: Status
    amount: MoneyOut
    total_amount: MoneyOut
    client_session_secret: str | None = Field(
        default=None, description="Only on the public refresh endpoint"
    )
    client_session_secret_expiration_date: str | None = None


class SearchResult(Out):
    data: list[PaymentIntent]
    before: str | None = Field(description="Cursor for the newer page, or null")
    after: str | None = Field(description="Cursor for the older page, or null")


class Problem(Out):
    """RFC 7807 problem details, as every error is answered."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    trace_id: str = Field(examples=["00-a405f0e1c2d34b5a9e8f7d6c5b4a3921-aa63e6f4b2c1d0e9-01"])
    errors: dict[str, list[str]] = Field(
        description="Field path (PascalCase) -> messages; `$` is the body as a whole"
    )
    current_status: Status | None = Field(default=None, description="On state conflicts (409)")
    allowed_statuses: list[Status] | None = Field(
        default=None, description="On state conflicts: the statuses that would allow it"
    )


class Health(Out):
    status: str
    database: dict[str, Any]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry documenting problem answers for ``codes``."""
    return {code: {"model": Problem, "content": {"application/problem+json": {}}} for code in codes}
