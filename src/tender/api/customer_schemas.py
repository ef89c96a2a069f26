"""Response models of the Customers API (Dojo's ``CustomerFull``, ``CustomerSecret``,
``CustomerPaymentMethods``, ``PagedResultOfCustomer``); the same in every version."""

from typing import Any

from pydantic import Field

from tender.api.schemas import Out, SupportedPaymentMethods


class CustomerOut(Out):
    id: str = Field(examples=["cust_sandbox_MJj8Flgfik25x47R4LFbxQ"])
    name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    vat_number: str | None = None
    billing_address: dict[str, Any] | None = None
    shipping_address: dict[str, Any] | None = None
    created_at: str
    updated_at: str
    document_version: int = Field(description="0 when created, +1 with every change")


class CustomerPage(Out):
    data: list[CustomerOut]
    before: str | None = Field(description="Cursor for the newer page, or null")
    after: str | None = Field(description="Cursor for the older page, or null")


class CustomerSecretOut(Out):
    secret: str = Field(examples=["cs_sandbox_qNkU6yob0vOMxUlb2oynUw"])
    created_at: str
    expire_at: str


class CardDetails(Out):
    pan: str = Field(description="Masked: the last four digits only")
    expiry_date: str = Field(description="The last day of the expiry month, 2030-12-31")
    scheme: str | None = None


class SavedPaymentMethod(Out):
    id: str = Field(examples=["pm_sandbox_otRL98WURbaAKs0sdy7_5w"])
    card_details: CardDetails


class CustomerPaymentMethods(Out):
    customer_id: str
    merchant_id: str
    saved_payment_methods: list[SavedPaymentMethod]
    supported_payment_methods: SupportedPaymentMethods
