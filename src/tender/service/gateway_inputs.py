"""Request bodies of the gateway (Connect-E shaped) calls the browser library makes.

Lenient like Dojo's gateway: unknown fields are ignored (SDKs add their own), but every field
that is present must have the right type and fit where it is stored, all checked before anything
is written or the processor is asked. Validation messages name fields, never values.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tender.service.inputs import has_nul

Str = Annotated[str, Field(strict=True, max_length=200)]
Name = Annotated[str, Field(strict=True, max_length=100)]
Details = Annotated[dict[str, Any], Field(max_length=30)]


class GatewayModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        """PostgreSQL cannot store U+0000: refuse it here, before any attempt is made."""
        if has_nul(value):
            raise ValueError("must not contain the NUL character (U+0000)")
        return value


class CardPayment(GatewayModel):
    card_number: Str = Field(alias="cardNumber")
    card_name: Name | None = Field(default=None, alias="cardName")
    expiry_date: Str = Field(alias="expiryDate")
    cv2: Str | None = Field(default=None, alias="cV2")
    user_email_address: Str | None = Field(default=None, alias="userEmailAddress")
    user_phone_number: Str | None = Field(default=None, alias="userPhoneNumber")
    billing_address: Details | None = Field(default=None, alias="billingAddress")
    shipping_details: Details | None = Field(default=None, alias="shippingDetails")
    meta_data: dict[str, Annotated[str, Field(strict=True, max_length=1000)]] | None = Field(
        default=None, alias="metaData"
    )
    save_payment_method: bool | None = Field(default=None, alias="savePaymentMethod")


class WalletPayment(GatewayModel):
    card_number: Str = Field(default="4242424242424242", alias="cardNumber")
    user_email_address: Str | None = Field(default=None, alias="userEmailAddress")
    billing_address: Details | None = Field(default=None, alias="billingAddress")
    shipping_details: Details | None = Field(default=None, alias="shippingDetails")


class ThreeDsComplete(GatewayModel):
    md: Str | None = None
    transaction_id: Str | None = Field(default=None, alias="transactionId")


_FIELD_NAMES = {
    "cardNumber": "CardNumber",
    "cV2": "CV2",
    "expiryDate": "ExpiryDate",
}


def problems_of(error: ValidationError) -> str:
    """A message naming the fields at fault; ``input`` values are never included."""
    fields = []
    for item in error.errors(include_input=False, include_url=False):
        loc = item.get("loc") or ("body",)
        name = str(loc[0])
        fields.append(_FIELD_NAMES.get(name, name))
    return "Invalid request: check " + ", ".join(dict.fromkeys(fields)) + "."
