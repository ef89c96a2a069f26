"""The API versions Tender serves, and how each one's wire shapes differ from 2024-02-05.

The ``version`` header picks one of Dojo's three documents: 2022-04-07, 2024-02-05, 2025-09-10.
A date names the newest version released on or before it (Dojo's 2022 document: "today's date
will always give you the latest version"); a date before 2022-04-07, or anything that is not a
date, is refused with the list of versions.

Requests: ``request_fields`` says which properties a version's document defines for a request
model (a property another version added is unknown, so ignored) and which it spells otherwise
(2022's ``itemLines[].caption`` is 2024's ``name``).

Responses: the service renders every payment intent in the 2024-02-05 shape; ``shape_intent``
turns it into the shape of the version asked for. Pure functions on JSON values, no I/O.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tender.errors import InvalidRequest

V2022 = "2022-04-07"
V2024 = "2024-02-05"
V2025 = "2025-09-10"
SUPPORTED = (V2022, V2024, V2025)
_RELEASED = sorted((date.fromisoformat(v), v) for v in SUPPORTED)


def resolve(header: str) -> str:
    """The version a ``version`` header selects; InvalidRequest naming the supported ones."""
    listed = ", ".join(SUPPORTED)
    try:
        asked = date.fromisoformat(header.strip())
    except ValueError:
        raise InvalidRequest.field(
            "Version", f"The version header must be a date (YYYY-MM-DD): one of {listed}."
        ) from None
    served = [name for released, name in _RELEASED if released <= asked]
    if not served:
        raise InvalidRequest.field(
            "Version", f"Version {header.strip()} is not supported; use one of {listed}."
        )
    return served[-1]


# --- requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFields:
    """How one version spells a request model: properties it lacks, properties it renames."""

    absent: frozenset[str] = frozenset()  # Tender's (2024) names this version does not define
    renamed: dict[str, str] = field(default_factory=dict)  # this version's name -> Tender's


_ADDED_IN_2024 = {
    "CreatePaymentIntent": {
        "cardHolderNotPresent", "cashbackAmount", "serviceChargeAmount", "generateRemoteToken",
        "orderDetails",
    },
    "ItemLine": {"category", "modifiers", "plu"},
    "TaxLine": {"affectedPlu"},
    "ChangeAmount": {"itemLines", "taxLines"},
    "CaptureRequest": {"tipsAmount"},
    "RefundRequest": {"previousTransactionId"},
    "CreateSetupIntent": {"expireAt", "orderDetails"},
}  # fmt: skip
_ONLY_IN_2022 = {"CreatePaymentIntent": {"transactionSource"}}


def _requests_2022() -> dict[str, RequestFields]:
    shapes = {name: RequestFields(absent=frozenset(f)) for name, f in _ADDED_IN_2024.items()}
    item_line = _ADDED_IN_2024["ItemLine"] | {"name"}
    shapes["ItemLine"] = RequestFields(absent=frozenset(item_line), renamed={"caption": "name"})
    return shapes


_LATER = {name: RequestFields(absent=frozenset(f)) for name, f in _ONLY_IN_2022.items()}
_REQUESTS = {V2022: _requests_2022(), V2024: _LATER, V2025: _LATER}
_SAME = RequestFields()


def request_fields(version: str, model: str) -> RequestFields:
    """How ``version`` spells the request model named ``model`` (a class of service.inputs)."""
    return _REQUESTS[version].get(model, _SAME)


# --- responses ----------------------------------------------------------------------------------

# Members Tender adds to Dojo's PaymentIntent in every version (the README lists them).
INTENT_EXTENSIONS = frozenset(
    {"authorizedAmount", "capturedAmount", "paymentEvents", "paymentSource"}
)
_INTENT_2022 = frozenset({
    "id", "captureMode", "clientSessionSecret", "clientSessionSecretExpirationDate",
    "paymentDetails", "status", "paymentMethods", "amount", "tipsAmount", "requestedAmount",
    "totalAmount", "refundedAmount", "customer", "requestSecurity", "billingAddress",
    "shippingDetails", "createdAt", "updatedAt", "reference", "description", "subtotalLineItems",
    "itemLines", "taxLines", "actionLink", "config", "merchantConfig", "expireAt", "autoExpireIn",
    "autoExpireAction", "metadata",
}) | INTENT_EXTENSIONS  # fmt: skip
_ITEM_LINE_2022 = ("id", "quantity", "caption", "amountTotal")
_TAX_LINE_2022 = ("id", "caption", "subCaption", "amountTotal")
_PAYMENT_METHODS_2022 = ("Card", "Wallet")


def _payment_details_2022(details: dict[str, Any]) -> dict[str, Any]:
    """2022's flat ``paymentDetails``: the card's number, name, expiry and scheme at top level."""
    card = details.get("card") or {}
    flat = {
        "transactionDateTime": details.get("transactionDateTime"),
        "message": details.get("message"),
        "authCode": details.get("authCode"),
        "cardNumber": card.get("cardNumber"),
        "cardName": card.get("cardName"),
        "expiryDate": card.get("expiryDate"),
        "cardType": card.get("cardType"),
        "statusCode": details.get("statusCode"),  # a Tender addition, in every version
    }
    return {k: v for k, v in flat.items() if v is not None}


def _item_line_2022(line: dict[str, Any]) -> dict[str, Any]:
    renamed = {("caption" if k == "name" else k): v for k, v in line.items()}
    return {k: renamed[k] for k in _ITEM_LINE_2022 if k in renamed}


def _intent_2022(intent: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in intent.items() if k in _INTENT_2022}
    if isinstance(out.get("paymentDetails"), dict):
        out["paymentDetails"] = _payment_details_2022(out["paymentDetails"])
    if isinstance(out.get("paymentMethods"), list):
        out["paymentMethods"] = [m for m in out["paymentMethods"] if m in _PAYMENT_METHODS_2022]
    if isinstance(out.get("itemLines"), list):
        out["itemLines"] = [_item_line_2022(line) for line in out["itemLines"]]
    if isinstance(out.get("taxLines"), list):
        out["taxLines"] = [
            {k: line[k] for k in _TAX_LINE_2022 if k in line} for line in out["taxLines"]
        ]
    return out


def shape_intent(version: str, intent: dict[str, Any]) -> dict[str, Any]:
    """A payment intent rendered for 2024-02-05, in the shape of ``version``.

    2025-09-10 adds only the optional ``paymentDetails.avsResult`` (the sandbox runs no address
    check) and turns some enums into open strings, so its shape is 2024's.
    """
    if version == V2022:
        return _intent_2022(intent)
    return intent


def shape_search(version: str, page: dict[str, Any]) -> dict[str, Any]:
    """A search page (``{data, before, after}``) in the shape of ``version``."""
    return {**page, "data": [shape_intent(version, intent) for intent in page.get("data", [])]}
