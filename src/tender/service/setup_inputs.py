"""The request body of ``POST /setup-intents`` (Dojo's CreateSetupIntentRequest), bound like
every other request model (``service.binding``)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from tender.domain.status import CaptureMode
from tender.service.inputs import (
    Address,
    Customer,
    DateTime,
    IntentConfig,
    MetadataKey,
    MetadataValue,
    Money,
    OrderDetails,
    PaymentMethod,
    ShippingDetails,
    WireModel,
    _utc,
)


class MitType(StrEnum):
    """merchantInitiatedTransactionType: a no-show fee, or charges at no set time (top-ups)."""

    NO_SHOW = "NoShow"
    UNSCHEDULED = "Unscheduled"


class CreateSetupIntent(WireModel):
    """``POST /setup-intents``."""

    reference: Annotated[str, StringConstraints(min_length=1, max_length=60, strict=True)]
    merchant_initiated_transaction_type: MitType
    terms: Annotated[str, StringConstraints(min_length=1, max_length=10240, strict=True)]
    intended_amount: Money | None = Field(
        default=None, description="What is meant to be charged later; nothing is charged now"
    )
    description: Annotated[str, StringConstraints(max_length=4096, strict=True)] | None = None
    customer: Customer | None = None
    capture_mode: CaptureMode = CaptureMode.AUTO
    payment_methods: Annotated[list[PaymentMethod], Field(min_length=1, max_length=3)] | None = None
    billing_address: Address | None = None
    shipping_details: ShippingDetails | None = None
    config: IntentConfig | None = None
    metadata: Annotated[dict[MetadataKey, MetadataValue], Field(max_length=50)] | None = None
    order_details: OrderDetails | None = None
    expire_at: DateTime | None = Field(
        default=None, description="Expire the setup intent if not authorized by then; 30 days"
    )

    @field_validator("reference", "terms")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("expire_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return _utc(value)
