"""The wire form of a payment intent (spec §2.4): what the API answers and webhooks refer to.

Built inside the transaction that read (or changed) the intent, so an idempotent replay returns
byte-for-byte what the first request answered.
"""

from datetime import datetime, timedelta
from typing import Any

from tender.domain.ledger import Ledger
from tender.domain.records import Attempt, Capture, Intent, PaymentEvent
from tender.domain.status import MovementStatus
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


def money(value: int, currency: str) -> dict[str, Any]:
    return {"value": value, "currencyCode": currency}


def payment_details(attempt: Attempt) -> dict[str, Any]:
    """``paymentDetails`` of the intent: the finished attempt that decided it (spec §2.4)."""
    card = {
        "cardNumber": attempt.card_masked,
        "cardName": attempt.cardholder_name,
        "expiryDate": attempt.card_expiry,
        "cardType": attempt.card_brand,
        "last4PAN": attempt.card_last4,
        # Dojo's enums: a card typed into a form is ManualEntry; a wallet's device verified
        # the cardholder (3-D Secure is not one of the enum's verification methods).
        "entryMode": "ManualEntry" if attempt.method == "Card" else "Unknown",
        "verificationMethod": "None" if attempt.method == "Card" else "Device",
    }
    details = {
        "transactionId": attempt.transaction_id,
        "transactionDateTime": timestamp(attempt.completed_at),
        "message": attempt.message,
        "authCode": attempt.auth_code,
        "statusCode": attempt.status_code,
        "card": {k: v for k, v in card.items() if v is not None},
    }
    return {k: v for k, v in details.items() if v is not None}


def capture_view(capture: Capture) -> dict[str, Any]:
    # Dojo's CaptureStatus has no "Pending": a capture not yet answered is "Created".
    status = "Created" if capture.status is MovementStatus.PENDING else capture.status.value
    return {
        "id": capture.id,
        "amount": capture.amount,
        "tipsAmount": capture.tips_amount,
        "status": status,
        "createdAt": timestamp(capture.created_at),
    }


def payment_event(row: PaymentEvent) -> dict[str, Any]:
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


def _config(row: Intent, trading_name: str) -> dict[str, Any]:
    config = dict(row.details.get("config") or {})
    config.setdefault("tradingName", trading_name)
    return config


def render_intent(
    row: Intent,
    *,
    events: list[PaymentEvent],
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
        "captureMode": row.capture_mode.value,
        "clientSessionSecret": row.client_secret if has_secret else "",
        "clientSessionSecretExpirationDate": timestamp(row.client_secret_expires_at)
        if has_secret
        else NO_SECRET_DATE,
        "status": row.status.value,
        "paymentMethods": details.get("paymentMethods") or DEFAULT_PAYMENT_METHODS,
        "amount": money(row.amount, currency),
        "tipsAmount": money(row.tips_amount, currency),
        "requestedAmount": money(row.amount, currency),
        "totalAmount": money(row.total_amount, currency),
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
        "captures": [capture_view(c) for c in ledger.captures],
        "createdAt": timestamp(row.created_at),
        "updatedAt": timestamp(row.updated_at),
    }
    if ledger.decisive_attempt is not None:
        body["paymentDetails"] = payment_details(ledger.decisive_attempt)
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
        "setupIntentId",
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
