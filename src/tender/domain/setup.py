"""Setup intents (a card kept for later merchant-initiated charges): statuses, the transition
table, and the record. Pure: no I/O.

A setup intent is ``Created`` until the customer authorizes a card on it (``Authorized``: the
acquirer's token is kept); the merchant then charges it through payment intents made with its
``setupIntentId``. A one-off merchant-initiated type (``NoShow``) is ``Completed`` by its first
successful charge; ``Unscheduled`` stays ``Authorized`` for further charges. Deleting it ends it
(``Created`` → ``Canceled``, ``Authorized`` → ``Closed``); ``expireAt`` ends an unauthorized one
(``Expired``); a card past its expiry date can no longer be charged (``CardExpired``).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tender.domain.records import Record


class SetupStatus(StrEnum):
    CREATED = "Created"
    AUTHORIZED = "Authorized"
    CANCELED = "Canceled"
    COMPLETED = "Completed"
    EXPIRED = "Expired"
    CARD_EXPIRED = "CardExpired"
    CLOSED = "Closed"


class SetupOperation(StrEnum):
    """What can happen to a setup intent; the value reads well in an error message."""

    AUTHORIZE = "authorize"
    CANCEL = "cancel"
    EXPIRE = "expire"
    CARD_EXPIRE = "mark the card expired on"
    CHARGE = "charge"
    COMPLETE = "complete"
    REFRESH_SECRET = "refresh the client session secret of"


S, Op = SetupStatus, SetupOperation
TRANSITIONS: tuple[tuple[SetupOperation, SetupStatus, SetupStatus], ...] = (
    (Op.AUTHORIZE, S.CREATED, S.AUTHORIZED),
    (Op.CANCEL, S.CREATED, S.CANCELED),
    (Op.CANCEL, S.AUTHORIZED, S.CLOSED),
    (Op.EXPIRE, S.CREATED, S.EXPIRED),
    (Op.CARD_EXPIRE, S.AUTHORIZED, S.CARD_EXPIRED),
    (Op.CHARGE, S.AUTHORIZED, S.AUTHORIZED),
    (Op.COMPLETE, S.AUTHORIZED, S.COMPLETED),
    (Op.REFRESH_SECRET, S.CREATED, S.CREATED),
)

# Merchant-initiated transaction types charged once: the first successful charge completes it.
ONE_OFF = frozenset({"NoShow"})


def setup_target(operation: SetupOperation, current: SetupStatus) -> SetupStatus | None:
    """Where ``operation`` leads from ``current``, or None if the table forbids it."""
    for op, src, dst in TRANSITIONS:
        if op is operation and src is current:
            return dst
    return None


def setup_allowed_from(operation: SetupOperation) -> list[str]:
    return sorted({src.value for op, src, _ in TRANSITIONS if op is operation})


def card_expires_at(expiry: str | None) -> datetime | None:
    """When a card of ``MM/YY`` expiry stops working: the first instant after its month."""
    if not expiry or len(expiry) != 5 or expiry[2] != "/":
        return None
    try:
        month, year = int(expiry[:2]), 2000 + int(expiry[3:])
    except ValueError:
        return None
    if not 1 <= month <= 12:
        return None
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def card_expired(expiry: str | None, now: datetime) -> bool:
    """True once the month of a card's ``MM/YY`` expiry has passed."""
    ends = card_expires_at(expiry)
    return ends is not None and now >= ends


@dataclass(frozen=True, slots=True)
class SetupIntent(Record):
    """A setup intent. The card is kept as the acquirer's token with its ``processor_data``
    and its masked form (brand, masked number, last four, expiry, fingerprint): never the
    number or the CVV."""

    id: str
    account_id: str
    status: SetupStatus
    reference: str
    mit_type: str  # merchantInitiatedTransactionType: NoShow | Unscheduled
    terms: str
    currency: str | None  # intendedAmount's currency, when one was given
    intended_amount: int | None
    details: dict[str, Any]  # everything else the merchant sent, echoed on the wire
    client_secret: str | None
    client_secret_expires_at: datetime | None
    expire_at: datetime
    card_token: str | None
    processor_data: dict[str, Any]
    card_brand: str | None
    card_masked: str | None
    card_last4: str | None
    card_expiry: str | None
    card_expires_at: datetime | None  # the first instant after the card's expiry month
    cardholder_name: str | None
    fingerprint: str | None
    attempt_id: str | None  # the attempt that authorized it
    charge_attempt_id: str | None  # a one-off setup intent's charge in flight
    version: int
    created_at: datetime
    updated_at: datetime
    authorized_at: datetime | None


@dataclass(frozen=True, slots=True)
class SetupEvent(Record):
    """An entry of ``setupEvents`` (card fields masked)."""

    id: int
    setup_intent_id: str
    event_type: str
    transaction_id: str | None
    auth_code: str | None
    card_number: str | None
    expiry_date: str | None
    card_type: str | None
    cardholder_name: str | None
    message: str | None
    created_at: datetime
