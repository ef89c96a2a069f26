"""The request bodies of the API, with every limit of Dojo's contract (spec §2.2–2.3, §2.5).

These models are the wire contract of 2024-02-05: camelCase aliases, integers and booleans
strict (``"10"`` is not an amount), dates as ISO 8601 text, ``null`` accepted wherever Dojo's
document says nullable. Bodies reach them through ``service.binding``, which matches names
case-insensitively, maps older versions' names and leaves out properties the version does not
define; a model therefore still forbids extra members. Checks that need the account or the
intent (accepted currencies, matching currencies) are made in the use cases.
"""

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AnyUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    UrlConstraints,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from tender.domain.money import MAX_AMOUNT
from tender.domain.status import AutoExpireAction, CaptureMode, Status
from tender.domain.timespan import parse_timespan

StrictBool = Annotated[bool, Field(strict=True)]
Str = Annotated[str, Field(strict=True)]
HttpUrl = Annotated[
    AnyUrl, UrlConstraints(max_length=2048, allowed_schemes=["http", "https"], host_required=True)
]
Text100 = Annotated[str, StringConstraints(max_length=100, strict=True)]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ].*)?$")


def _iso_8601_text(value: Any) -> Any:
    """Dates come as ISO 8601 text only: ``0`` or ``"1700000000"`` is not a date."""
    if value is not None and not (isinstance(value, str) and _ISO_DATE.match(value)):
        raise ValueError("must be a date and time in ISO 8601 form, e.g. 2024-02-05T10:00:00Z")
    return value


DateTime = Annotated[datetime, BeforeValidator(_iso_8601_text)]


def has_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 32:  # deeper input fails validation anyway
        return False
    if isinstance(value, dict):
        return any(has_nul(k, depth + 1) or has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v, depth + 1) for v in value)
    return False


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, extra="forbid", frozen=True
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        """PostgreSQL cannot store U+0000 in text or JSONB: refuse it here as a 400, not a 500."""
        if has_nul(value):
            raise ValueError("must not contain the NUL character (U+0000)")
        return value


class Money(WireModel):
    value: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]
    currency_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$", strict=True)] = Field(
        description="ISO 4217 alphabetic code, upper case (GBP)"
    )


class PositiveMoney(Money):
    value: Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT)]


class SignedMoney(Money):
    """Modifier amounts: negative means a discount."""

    value: Annotated[int, Field(strict=True, ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


class Address(WireModel):
    address1: Text100 | None = None
    address2: Text100 | None = None
    address3: Text100 | None = None
    address4: Text100 | None = None
    city: Text100 | None = None
    state: Text100 | None = None
    postcode: Annotated[str, StringConstraints(max_length=50, strict=True)] | None = None
    country_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$", strict=True)] = Field(
        description="ISO 3166-1 alpha-2, upper case (GB)"
    )
    locality: Text100 | None = None
    county: Text100 | None = None


class ShippingDetails(WireModel):
    name: Text100 | None = None
    delivery_notes: Annotated[str, StringConstraints(max_length=1024, strict=True)] | None = None
    address: Address | None = None


class Customer(WireModel):
    """Dojo's PaymentCustomerDetails; a few more small string keys are kept as sent."""

    model_config = ConfigDict(extra="allow")

    id: Annotated[str, StringConstraints(max_length=64, strict=True)] | None = None
    secret: Annotated[str, StringConstraints(max_length=500, strict=True)] | None = Field(
        default=None, description="The customer secret (cs_…) of the save-card flow"
    )
    saved_card_id: Annotated[str, StringConstraints(max_length=100, strict=True)] | None = None
    email_address: (
        Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$", strict=True)]
        | None
    ) = None
    phone_number: Annotated[str, StringConstraints(max_length=50, strict=True)] | None = None

    @model_validator(mode="after")
    def _extra_keys_are_small_strings(self) -> "Customer":
        extra = self.model_extra or {}
        if len(extra) > 20:
            raise ValueError("at most 20 extra customer keys are accepted")
        for key, value in extra.items():
            if len(key) > 40 or not isinstance(value, str) or len(value) > 500:
                raise ValueError("extra customer keys must be strings of at most 500 characters")
        return self


class RequestSecurity(WireModel):
    user_agent: Annotated[str, StringConstraints(max_length=300, strict=True)] | None = None
    ip_address: Annotated[str, StringConstraints(max_length=70, strict=True)] | None = None
    device: Annotated[str, StringConstraints(max_length=120, strict=True)] | None = None


class Modifier(WireModel):
    id: Annotated[str, StringConstraints(min_length=1, max_length=60, strict=True)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, strict=True)]
    amount_per_modifier: SignedMoney
    quantity: Annotated[int, Field(strict=True, ge=1, le=10_000)]


class ItemLine(WireModel):
    id: Annotated[str, StringConstraints(max_length=60, strict=True)] | None = None
    quantity: Annotated[int, Field(strict=True, ge=1, le=2_147_483_647)] | None = None
    name: Text100 | None = Field(default=None, description="2022-04-07 calls it `caption`")
    category: Text100 | None = None
    modifiers: Annotated[list[Modifier], Field(max_length=50)] | None = None
    amount_total: Money | None = Field(description="Required; null is accepted, as Dojo's is")
    plu: Annotated[str, StringConstraints(max_length=200, strict=True)] | None = None


class TaxLine(WireModel):
    id: Annotated[str, StringConstraints(max_length=60, strict=True)] | None = None
    caption: Text100 | None = None
    sub_caption: Text100 | None = None
    amount_total: Money
    affected_plu: Annotated[str, StringConstraints(max_length=200, strict=True)] | None = None


class ActionLinkKind(StrEnum):
    OPEN_LINK = "OpenLink"
    DOWNLOAD_FILE = "DownloadFile"


class ActionLink(WireModel):
    url: HttpUrl
    action: ActionLinkKind | None = ActionLinkKind.OPEN_LINK
    label: Annotated[str, StringConstraints(min_length=1, max_length=60, strict=True)]
    file_name: Annotated[str, StringConstraints(max_length=256, strict=True)] | None = None

    @field_validator("action")
    @classmethod
    def _default_action(cls, value: ActionLinkKind | None) -> ActionLinkKind:
        return value or ActionLinkKind.OPEN_LINK


class OrderDetails(WireModel):
    availability_date: DateTime | None = None
    is_update: StrictBool | None = None
    id: Annotated[str, StringConstraints(max_length=100, strict=True)] | None = None
    external_id: Annotated[str, StringConstraints(max_length=100, strict=True)] | None = None


class Collection(WireModel):
    collection_required: StrictBool = False


class DetailsConfig(WireModel):
    show_total: StrictBool = False
    show_reference: StrictBool = False


class PaymentConfig(WireModel):
    custom_amount_allowed: StrictBool = False
    tips_allowed: StrictBool = False


class Branding(WireModel):
    logo_url: HttpUrl | None = None
    favicon_url: HttpUrl | None = None


class IntentConfig(WireModel):
    title: Text100 | None = None
    redirect_url: HttpUrl | None = None
    cancel_url: HttpUrl | None = None
    customer_email: Collection | None = None
    billing_address: Collection | None = None
    shipping_details: Collection | None = None
    details: DetailsConfig | None = None
    payment: PaymentConfig | None = None
    branding: Branding | None = None


class PaymentMethod(StrEnum):
    CARD = "Card"
    WALLET = "Wallet"
    SAVED_CARD = "SavedCard"


MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=40, strict=True)]
MetadataValue = Annotated[str, StringConstraints(max_length=500, strict=True)]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC form: a 400, not a 500
        raise ValueError("the date is out of range once converted to UTC") from None


class CreatePaymentIntent(WireModel):
    """``POST /payment-intents`` (spec §2.3)."""

    amount: PositiveMoney
    reference: Annotated[str, StringConstraints(min_length=1, max_length=60, strict=True)]
    capture_mode: CaptureMode = CaptureMode.AUTO
    description: Annotated[str, StringConstraints(max_length=4096, strict=True)] | None = None
    tips_amount: Money | None = None
    customer: Customer | None = None
    billing_address: Address | None = None
    shipping_details: ShippingDetails | None = None
    card_holder_not_present: StrictBool | None = None
    config: IntentConfig | None = None
    request_security: RequestSecurity | None = None
    item_lines: Annotated[list[ItemLine], Field(max_length=100)] | None = None
    tax_lines: Annotated[list[TaxLine], Field(max_length=100)] | None = None
    payment_methods: Annotated[list[PaymentMethod], Field(min_length=1, max_length=3)] | None = None
    action_link: ActionLink | None = None
    expire_at: DateTime | None = Field(
        default=None, description="Cancel the intent if unpaid by then; default 30 days"
    )
    auto_expire_in: str | None = Field(
        default=None,
        description="Manual only: dd.hh:mm:ss, more than 30 seconds and less than 7 days",
        examples=["00:00:55", "1.00:00:00"],
    )
    auto_expire_action: AutoExpireAction | None = None
    metadata: Annotated[dict[MetadataKey, MetadataValue], Field(max_length=50)] | None = None
    setup_intent_id: Annotated[str, StringConstraints(max_length=64, strict=True)] | None = None
    order_details: OrderDetails | None = None
    cashback_amount: Money | None = None
    service_charge_amount: Money | None = None
    generate_remote_token: StrictBool = False
    payment_source: Annotated[str, StringConstraints(max_length=50, strict=True)] | None = None
    transaction_source: Literal["MOTO"] | None = Field(
        default=None, description="2022-04-07 only: MOTO is cardHolderNotPresent: true"
    )

    @field_validator("reference")
    @classmethod
    def _reference_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("The Reference field is required.")
        return value

    @field_validator("payment_methods")
    @classmethod
    def _unique_methods(cls, value: list[PaymentMethod] | None) -> list[PaymentMethod] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("payment methods must not repeat")
        return value

    @field_validator("auto_expire_in")
    @classmethod
    def _timespan(cls, value: str | None) -> str | None:
        if value is None:
            return None
        seconds = parse_timespan(value).total_seconds()
        if not 30 < seconds < 7 * 86400:
            raise ValueError("must be more than 30 seconds and less than 7 days")
        return value

    @field_validator("expire_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


class ChangeAmount(WireModel):
    """``POST /payment-intents/{id}/amount`` (spec §2.11)."""

    amount: PositiveMoney
    item_lines: Annotated[list[ItemLine], Field(max_length=100)] | None = None
    tax_lines: Annotated[list[TaxLine], Field(max_length=100)] | None = None


class ChangeTips(WireModel):
    """``POST /payment-intents/{id}/tips-amount`` (spec §2.11)."""

    tips_amount: Money


class Cursor(WireModel):
    limit: Annotated[int, Field(strict=True, ge=1, le=100)] = 50
    before: Annotated[str, StringConstraints(max_length=200, strict=True)] | None = None
    after: Annotated[str, StringConstraints(max_length=200, strict=True)] | None = None

    @model_validator(mode="after")
    def _one_direction(self) -> "Cursor":
        if self.before and self.after:
            raise ValueError("before and after are mutually exclusive")
        return self


class SearchPaymentIntents(WireModel):
    """``POST /payment-intents/search`` (spec §2.5)."""

    statuses: Annotated[list[Status], Field(max_length=6)] | None = None
    start_date: DateTime | None = None
    end_date: DateTime | None = None
    cursor: Cursor | None = None

    @field_validator("start_date", "end_date")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


def dump(model: BaseModel) -> dict[str, Any]:
    """The wire (camelCase) form of a model, without unset optional members."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)
