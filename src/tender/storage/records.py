"""Typed records of the rows that are not payment-domain concepts: accounts and their keys,
dashboard users and sessions, webhook subscriptions, their secrets, outbox events, deliveries
and delivery attempts.

Repositories return these instead of SQLAlchemy rows (the payment domain's own records live in
``domain.records``), so the service layer reads named, typed fields and a misspelt column is a
type error, not an ``AttributeError`` at run time. Secrets and hashes are left out of ``repr``,
so a record in a log line or a traceback never shows them.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Row

R = TypeVar("R")


def record_of(cls: type[R], row: Row[Any]) -> R:
    """``cls`` built from a row whose columns are exactly its fields."""
    return cls(**row._mapping)


# --- accounts and API keys --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    environment: str  # sandbox | prod
    currencies: tuple[str, ...]  # the currencies it accepts
    created_at: datetime

    @property
    def sandbox(self) -> bool:
        return self.environment == "sandbox"

    @classmethod
    def of(cls, row: Row[Any]) -> "Account":
        values = dict(row._mapping)
        values["currencies"] = tuple(values["currencies"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as listed: its hint, never the key or its hash, with its account's name."""

    id: str
    account_id: str
    account_name: str
    hint: str  # sk_sandbox_…last4
    environment: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class LiveKey:
    """An unrevoked key found by its hash: its id, its last recorded use and its account."""

    id: str
    last_used_at: datetime | None
    account: Account


# --- the dashboard's users and sessions -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DashboardUser:
    id: str
    account_id: str
    email: str
    password_hash: str = field(repr=False)  # argon2id
    role: str  # owner | developer | support
    created_at: datetime
    disabled_at: datetime | None
    last_sign_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class DashboardSession:
    """A live session with its user's e-mail, role, state and own account."""

    id: str = field(repr=False)  # sha256 of the cookie's token
    user_id: str
    account_id: str  # the account the session is looking at
    csrf_token: str = field(repr=False)
    created_at: datetime
    expires_at: datetime
    email: str
    role: str
    disabled_at: datetime | None
    home_account_id: str  # the user's own account


@dataclass(frozen=True, slots=True)
class SignInFailures:
    """Failed sign-ins in a row for one e-mail address (known or not)."""

    email: str
    failures: int
    locked_until: datetime | None
    updated_at: datetime


# --- webhooks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebhookSubscription:
    id: str
    account_id: str
    url: str
    description: str | None
    events: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None  # kept, so its delivery log stays readable
    paused_at: datetime | None

    @classmethod
    def of(cls, row: Row[Any]) -> "WebhookSubscription":
        values = dict(row._mapping)
        values["events"] = tuple(values["events"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class WebhookSecret:
    id: str
    subscription_id: str
    value: str = field(repr=False)
    is_active: bool
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """An event as it was recorded (and is sent): ``payload`` is the webhook's JSON body."""

    seq: int  # installation-wide order
    id: str  # evt_…
    account_id: str
    intent_id: str | None
    event: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event to one subscription, with the id and name of its event (the delivery log)."""

    id: str
    event_seq: int
    subscription_id: str
    account_id: str
    intent_id: str | None
    status: str  # pending | delivered | failed | canceled
    tries: int  # failed attempts since (re)scheduled
    attempt_count: int  # every attempt ever made
    next_attempt_at: datetime | None
    lease_until: datetime | None
    lease_token: str | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    event_id: str
    event_name: str


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One HTTP attempt of a delivery."""

    id: str
    delivery_id: str
    number: int
    secret_id: str | None
    url: str
    started_at: datetime
    duration_ms: int
    status_code: int | None
    response_body: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """What the dispatcher needs to send a delivery it leased."""

    id: str
    tries: int
    attempt_count: int
    subscription_id: str
    payload: dict[str, Any]
    url: str
    deleted_at: datetime | None  # of the subscription: a deleted one is not sent to
    environment: str  # of the account: sets the address policy


@dataclass(frozen=True, slots=True)
class AttemptedDelivery:
    """A delivery with one of its HTTP attempts, or with none (the attempt's fields None) when
    it was not attempted yet: a payment's timeline."""

    delivery_id: str
    event_seq: int
    subscription_id: str
    delivery_status: str
    delivery_created_at: datetime
    url: str
    number: int | None
    started_at: datetime | None
    duration_ms: int | None
    status_code: int | None
    error: str | None
