"""The wire form of a payment intent (spec §2.4): what the API answers and webhooks refer to.

Built inside the transaction that read (or changed) the intent, so an idempotent replay returns
byte-for-byte what the first request answered.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from tender.domain.timespan import format_timespan

NO_SECRET_DATE = "0001-01-01T00:00:00Z"  # Dojo's sentinel when no secret is issued

CARD_SCHEMES = ["VISA", "MASTERCARD", "MAESTRO", "DISCOVER", "DCI", "AMEX"]
WALLETS = ["APPLE_PAY", "GOOGLE_PAY"]
DEFAULT_PAYMENT_METHODS = ["Card", "Wallet"]
CUSTOMER_FIELDS = ("id", "emailAddress", "phoneNumber")


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 UTC with 7 fractional digits, as Dojo writes them."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


@dataclass
class Ledger:
    """Amounts derived from an intent's movement rows (captures, refunds, reversals)."""

    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    captures: list[dict[str, Any]] = field(default_factory=list)
    payment_details: dict[str, Any] | None = None


def money(value: int, currency: str) -> dict[str, Any]:
    return {"value": value, "currencyCode": currency}


def total_amount(row: Row) -> int:
    return row.amount + row.tips_amount + row.service_charge_amount + row.cashback_amount


def payment_event(row: Row) -> dict[str, Any]:
    event = {
        "eventType": row.event_type,
        "transactionId": row.transaction_id,
        "transactionDateTime": timestamp(row.created_at),
        "authCode": row.auth_code,
        "cardNumber": row.card_number,
        "expiryDate": row.expiry_date,
        "cardType": row.card_type,
        "cardholderName": row.cardholder_name,
        "paymentMethodId": row.payment_method_id,
        "message": row.message,
    }
    return {k: v for k, v in event.items() if v is not None}


def _config(row: Row, trading_name: str) -> dict[str, Any]:
    config = dict(row.details.get("config") or {})
    config.setdefault("tradingName", trading_name)
    return config


def render_intent(
    row: Row,
    *,
    events: list[Row],
    base_url: str,
    trading_name: str,
    ledger: Ledger | None = None,
) -> dict[str, Any]:
    ledger = ledger or Ledger()
    details = row.details
    currency = row.currency
    has_secret = row.client_secret is not None
    item_lines = details.get("itemLines")
    body: dict[str, Any] = {
        "id": row.id,
        "captureMode": row.capture_mode,
        "clientSessionSecret": row.client_secret if has_secret else "",
        "clientSessionSecretExpirationDate": timestamp(row.client_secret_expires_at)
        if has_secret
        else NO_SECRET_DATE,
        "status": row.status,
        "paymentMethods": details.get("paymentMethods") or DEFAULT_PAYMENT_METHODS,
        "amount": money(row.amount, currency),
        "tipsAmount": money(row.tips_amount, currency),
        "requestedAmount": money(row.amount, currency),
        "totalAmount": money(total_amount(row), currency),
        "refundedAmount": ledger.refunded,
        "capturedAmount": ledger.captured,
        "authorizedAmount": ledger.authorized,
        "reference": row.reference,
        "config": _config(row, trading_name),
        "merchantConfig": {
            "supportedPaymentMethods": {"cardSchemes": CARD_SCHEMES, "wallets": WALLETS}
        },
        "paymentSource": details.get("paymentSource", "api"),
        "cardHolderNotPresent": details.get("cardHolderNotPresent", False),
        "expireAt": timestamp(row.expire_at),
        "paymentLink": f"{base_url}/checkout/{row.id}",
        "paymentEvents": [payment_event(e) for e in events],
        "captures": ledger.captures,
        "createdAt": timestamp(row.created_at),
        "updatedAt": timestamp(row.updated_at),
    }
    if ledger.payment_details:
        body["paymentDetails"] = ledger.payment_details
    if row.service_charge_amount:
        body["serviceChargeAmount"] = money(row.service_charge_amount, currency)
    if row.cashback_amount:
        body["cashbackAmount"] = money(row.cashback_amount, currency)
    if item_lines:
        subtotal = sum((line.get("amountTotal") or {}).get("value", 0) for line in item_lines)
        body["subtotalLineItems"] = money(subtotal, currency)
    if row.auto_expire_in_seconds is not None:
        body["autoExpireIn"] = format_timespan_seconds(row.auto_expire_in_seconds)
    if row.auto_expire_action:
        body["autoExpireAction"] = row.auto_expire_action
    for name in (
        "description",
        "billingAddress",
        "shippingDetails",
        "requestSecurity",
        "actionLink",
        "metadata",
        "orderDetails",
    ):
        if name in details:
            body[name] = details[name]
    if "customer" in details:  # the secret of the save-card flow is not echoed
        body["customer"] = {k: v for k, v in details["customer"].items() if k in CUSTOMER_FIELDS}
    # Dojo answers [] for lines never sent; a line's amountTotal is required (null if sent so).
    body["itemLines"] = [{"amountTotal": None, **line} for line in item_lines or []]
    body["taxLines"] = details.get("taxLines") or []
    return body


def format_timespan_seconds(seconds: int) -> str:
    return format_timespan(timedelta(seconds=seconds))


PUBLIC_FIELDS = (
    "id",
    "captureMode",
    "status",
    "paymentMethods",
    "amount",
    "tipsAmount",
    "requestedAmount",
    "totalAmount",
    "reference",
    "description",
    "config",
    "merchantConfig",
    "itemLines",
    "taxLines",
    "subtotalLineItems",
    "serviceChargeAmount",
    "cashbackAmount",
    "actionLink",
    "expireAt",
    "paymentLink",
    "createdAt",
    "updatedAt",
)


def public_view(full: dict[str, Any], *, with_secret: bool) -> dict[str, Any]:
    """What a customer's browser may see: no secrets of the merchant, no personal data."""
    view = {k: full[k] for k in PUBLIC_FIELDS if k in full}
    if with_secret:
        view["clientSessionSecret"] = full["clientSessionSecret"]
        view["clientSessionSecretExpirationDate"] = full["clientSessionSecretExpirationDate"]
    return view
