"""Request bodies of Dojo's Customers API (the same in every version): names, e-mail address,
phone and VAT numbers with Dojo's limits, addresses as the payment intents take them."""

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from tender.service.inputs import Address, WireModel

Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$", strict=True)]


class CreateCustomer(WireModel):
    """``POST /customers``; ``PATCH /customers/{id}`` takes the same members."""

    name: Annotated[str, StringConstraints(max_length=100, strict=True)] | None = None
    email_address: Email | None = None
    phone_number: (
        Annotated[str, StringConstraints(min_length=5, max_length=50, strict=True)] | None
    ) = None
    vat_number: Annotated[str, StringConstraints(max_length=50, strict=True)] | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None


class UpdateCustomer(CreateCustomer):
    """Members sent replace the stored ones (``null`` clears one); others are kept."""


class SearchCustomers(WireModel):
    limit: Annotated[int, Field(strict=True, ge=1, le=100)] = 50
    before: Annotated[str, StringConstraints(max_length=200, strict=True)] | None = None
    after: Annotated[str, StringConstraints(max_length=200, strict=True)] | None = None

    @model_validator(mode="after")
    def _one_direction(self) -> "SearchCustomers":
        if self.before and self.after:
            raise ValueError("before and after are mutually exclusive")
        return self
