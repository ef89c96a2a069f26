"""The wire form of a setup intent (Dojo's SetupIntentResponse / SetupIntentPublicResponse), per
API version. Pure functions on records; built inside the transaction that read the intent."""

from typing import Any

from tender.domain.records import Attempt
from tender.domain.setup import SetupEvent, SetupIntent, SetupStatus
from tender.service import versions
from tender.service.views import (
    CARD_SCHEMES,
    CUSTOMER_FIELDS,
    NO_SECRET_DATE,
    WALLETS,
    money,
    payment_details,
    timestamp,
)

DEFAULT_METHODS = ["Card"]
_ECHOED = ("description", "billingAddress", "shippingDetails", "metadata")
# What 2022-04-07's SetupIntentPublicResponse defines (it has no expireAt, paymentDetails…).
_FIELDS_2022 = frozenset({
    "id", "clientSessionSecret", "clientSessionSecretExpirationDate", "status", "paymentMethods",
    "customer", "billingAddress", "shippingDetails", "createdAt", "updatedAt", "reference",
    "description", "merchantConfig", "config", "metadata", "intendedAmount",
    "merchantInitiatedTransactionType", "terms", "setupEvents",
})  # fmt: skip
PUBLIC_FIELDS = (
    "id", "status", "paymentMethods", "createdAt", "updatedAt", "expireAt", "reference",
    "description", "merchantConfig", "config", "intendedAmount",
    "merchantInitiatedTransactionType", "terms",
)  # fmt: skip


def setup_event(row: SetupEvent) -> dict[str, Any]:
    event = {
        "eventType": row.event_type,
        "transactionId": row.transaction_id,
        "transactionDateTime": timestamp(row.created_at),
        "authCode": row.auth_code,
        "cardNumber": row.card_number,
        "expiryDate": row.expiry_date,
        "cardType": row.card_type,
        "cardholderName": row.cardholder_name,
        "message": row.message,
    }
    return {k: v for k, v in event.items() if v is not None}


def render_setup(
    row: SetupIntent,
    *,
    events: list[SetupEvent],
    trading_name: str,
    attempt: Attempt | None = None,
) -> dict[str, Any]:
    """A setup intent in the 2024-02-05 shape (``shape_setup`` turns it into another version's)."""
    details = row.details
    has_secret = row.client_secret is not None
    config = dict(details.get("config") or {})
    config.setdefault("tradingName", trading_name)
    body: dict[str, Any] = {
        "id": row.id,
        "clientSessionSecret": row.client_secret if has_secret else "",
        "clientSessionSecretExpirationDate": timestamp(row.client_secret_expires_at)
        if has_secret
        else NO_SECRET_DATE,
        "status": row.status.value,
        "paymentMethods": details.get("paymentMethods") or DEFAULT_METHODS,
        "createdAt": timestamp(row.created_at),
        "updatedAt": timestamp(row.updated_at),
        "expireAt": timestamp(row.expire_at),
        "reference": row.reference,
        "merchantConfig": {
            "supportedPaymentMethods": {"cardSchemes": CARD_SCHEMES, "wallets": WALLETS}
        },
        "config": config,
        "merchantInitiatedTransactionType": row.mit_type,
        "terms": row.terms,
        "paymentSource": "api",
        "setupEvents": [setup_event(e) for e in events],
    }
    if row.intended_amount is not None and row.currency:
        body["intendedAmount"] = money(row.intended_amount, row.currency)
    for name in _ECHOED:
        if name in details:
            body[name] = details[name]
    if "customer" in details:
        body["customer"] = {k: v for k, v in details["customer"].items() if k in CUSTOMER_FIELDS}
    if attempt is not None:
        body["paymentDetails"] = payment_details(attempt)
    return body


def public_setup(full: dict[str, Any], *, with_secret: bool) -> dict[str, Any]:
    """What the customer's browser may see: no events, no personal data."""
    view = {k: full[k] for k in PUBLIC_FIELDS if k in full}
    if with_secret:
        view["clientSessionSecret"] = full["clientSessionSecret"]
        view["clientSessionSecretExpirationDate"] = full["clientSessionSecretExpirationDate"]
    return view


def shape_setup(version: str, body: dict[str, Any]) -> dict[str, Any]:
    """2022-04-07 has no ``expireAt``, ``paymentDetails`` or ``paymentSource``, and no
    ``Closed`` status (an Authorized setup intent deleted there reads as ``Canceled``)."""
    if version != versions.V2022:
        return body
    out = {k: v for k, v in body.items() if k in _FIELDS_2022}
    if out.get("status") == SetupStatus.CLOSED.value:
        out["status"] = SetupStatus.CANCELED.value
    return out
