"""The rows of stored payment intents, shaped as Tender's own use cases write them (observed from
real flows through the API): the intent, its attempts, captures, refunds, reversals, its
``paymentEvents`` history and, for a share, its outbox events.

Every intent is in a state the background jobs have nothing to do about, so a benchmark on a
seeded database measures requests, not a backlog: unpaid intents have not reached ``expireAt``,
authorizations are younger than their 7-day release, no movement is pending.

Rows are built from the table definitions in ``tender.storage.tables``: columns named here get
realistic values, any other column (one added after this was written) gets its Python default,
or is left to its server default, or is NULL if nullable, or a zero value of its type.
"""

import base64
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, Table

from tender.storage import tables as t

SPAN = timedelta(days=28)  # created_at spread; under the 30-day default expiry
AUTH_WINDOW = timedelta(days=7)

# (variant, share of intents). "authorized" only in the last 6 days (older ones are captured).
VARIANTS = (
    ("created", 0.15),  # unpaid, secret still set
    ("declined", 0.05),  # one declined attempt, unpaid
    ("auto_captured", 0.40),
    ("manual_captured", 0.20),
    ("refunded", 0.10),  # captured, then partly refunded
    ("reversed", 0.05),  # authorized, then reversed
    ("authorized", 0.05),  # Manual, waiting for its capture
)
CARDS = (
    ("VISA", "424242******4242", "4242"),
    ("MASTERCARD", "520000******0056", "0056"),
    ("VISA", "445653******1096", "1096"),
    ("AMEX", "371449*****8431", "8431"),
)
DETAILS = {"cardHolderNotPresent": False, "generateRemoteToken": False}


def _zero(column: Column[Any], now: datetime) -> Any:
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):
        return now
    if isinstance(kind, JSON):
        return {}
    return ""


class RowShape:
    """The columns written to ``table`` and how to fill the ones this module does not know."""

    def __init__(self, table: Table, known: set[str], now: datetime) -> None:
        self.table = table
        auto = table.autoincrement_column
        self.columns: list[str] = []
        self.defaults: dict[str, Any] = {}
        for column in table.columns:
            if column is auto and column.name not in known:
                continue  # the database numbers it
            if column.name in known:
                self.columns.append(column.name)
                continue
            if column.default is not None and column.default.is_scalar:
                value: Any = column.default.arg
            elif column.server_default is not None:
                continue  # the database fills it
            elif column.nullable:
                value = None
            else:
                value = _zero(column, now)
            self.columns.append(column.name)
            self.defaults[column.name] = value

    def row(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**self.defaults, **values} if self.defaults else values


# The columns each builder below sets; any other column of the table takes RowShape's default.
KNOWN: dict[str, set[str]] = {
    "payment_intents": {
        "id", "account_id", "status", "capture_mode", "currency", "amount", "tips_amount",
        "service_charge_amount", "cashback_amount", "reference", "details", "client_secret",
        "client_secret_expires_at", "expire_at", "auto_expire_in_seconds", "auto_expire_action",
        "version", "created_at", "updated_at",
    },
    "payment_attempts": {
        "id", "intent_id", "token_hash", "method", "state", "status_code", "message", "amount",
        "auth_code", "transaction_id", "card_brand", "card_masked", "card_last4", "card_expiry",
        "cardholder_name", "fingerprint", "three_ds", "otp_code", "processor_data",
        "release_at", "created_at", "completed_at",
    },
    "captures": {
        "id", "intent_id", "amount", "tips_amount", "status", "reason", "message",
        "transaction_id", "created_at",
    },
    "refunds": {
        "id", "intent_id", "amount", "status", "message", "refund_reason", "notes",
        "previous_transaction_id", "transaction_id", "created_at",
    },
    "reversals": {
        "id", "intent_id", "amount", "status", "reason", "message", "transaction_id",
        "created_at",
    },
    "payment_events": {
        "intent_id", "event_type", "transaction_id", "auth_code", "card_number", "expiry_date",
        "card_type", "cardholder_name", "payment_method_id", "message", "created_at",
    },
    "outbox_events": {"id", "account_id", "intent_id", "event", "payload", "created_at"},
}  # fmt: skip
ORDER = (  # parents before children
    t.payment_intents, t.payment_attempts, t.captures, t.refunds, t.reversals,
    t.payment_events, t.outbox_events,
)  # fmt: skip

Rows = dict[str, list[dict[str, Any]]]


def _stamp(at: datetime) -> str:
    """``createdAt`` as Tender writes it in event payloads (7 fractional digits, Z)."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


class Generator:
    """Rows for intents ``index`` = 0..total-1, oldest first, all before ``now``."""

    def __init__(
        self, account_id: str, total: int, now: datetime, outbox_share: float, rng: random.Random
    ) -> None:
        self.account_id = account_id
        self.total = total
        self.now = now
        self.outbox_share = outbox_share
        self.rng = rng
        self.shapes = {table.name: RowShape(table, KNOWN[table.name], now) for table in ORDER}
        self._cumulative = []
        acc = 0.0
        for name, share in VARIANTS:
            acc += share
            self._cumulative.append((acc, name))

    # Random values from the generator's own RNG (seeded from the OS unless a seed is given):
    # as unique as ``secrets``' for 128 bits, without a system call each.
    def _id(self, prefix: str) -> str:
        body = base64.urlsafe_b64encode(self.rng.randbytes(16)).rstrip(b"=")
        return f"{prefix}_sandbox_{body.decode('ascii')}"

    def _hex(self, nbytes: int) -> str:
        return self.rng.randbytes(nbytes).hex()

    def _tx(self) -> str:
        return "tx_" + self._hex(12)

    def variant(self, created: datetime) -> str:
        draw = self.rng.random()
        name = next((n for edge, n in self._cumulative if draw < edge), VARIANTS[-1][0])
        if name == "authorized" and self.now - created > AUTH_WINDOW - timedelta(days=1):
            return "manual_captured"
        return name

    def rows(self, start: int, stop: int) -> Rows:
        out: Rows = {table.name: [] for table in ORDER}
        for index in range(start, stop):
            self._intent(index, out)
        return {name: [self.shapes[name].row(r) for r in rows] for name, rows in out.items()}

    def _later(self, at: datetime, low: float, high: float) -> datetime:
        return min(at + timedelta(seconds=self.rng.uniform(low, high)), self.now)

    def _intent(self, index: int, out: Rows) -> None:
        rng = self.rng
        created = self.now - SPAN + SPAN * (index / self.total) - timedelta(seconds=1)
        variant = self.variant(created)
        manual = variant in ("manual_captured", "reversed", "authorized") or (
            variant == "refunded" and rng.random() < 0.5
        )
        amount = rng.choice((500, 1250, 2500, 4999, 12000)) + rng.randrange(0, 100)
        intent_id = self._id("pi")
        events: list[tuple[datetime, str]] = [(created, "Created")]
        intent: dict[str, Any] = {
            "id": intent_id,
            "account_id": self.account_id,
            "status": "Created",
            "capture_mode": "Manual" if manual else "Auto",
            "currency": "GBP",
            "amount": amount,
            "tips_amount": 0,
            "service_charge_amount": 0,
            "cashback_amount": 0,
            "reference": f"Order {index}",
            "details": DETAILS,
            "client_secret": None,
            "client_secret_expires_at": created + timedelta(minutes=30),
            "expire_at": created + timedelta(days=30),
            "auto_expire_in_seconds": None,
            "auto_expire_action": None,
            "version": 1,
            "created_at": created,
            "updated_at": created,
        }
        out["payment_intents"].append(intent)
        if variant == "created":
            intent["client_secret"] = base64.urlsafe_b64encode(rng.randbytes(96)).decode()
        else:
            last = self._paid(intent, variant, out, events)
            intent["updated_at"] = last
        if rng.random() < self.outbox_share:
            self._outbox(intent, events, out)

    def _paid(self, intent: dict[str, Any], variant: str, out: Rows, events: list[Any]) -> datetime:
        rng = self.rng
        brand, masked, last4 = rng.choice(CARDS)
        tried = self._later(intent["created_at"], 20, 300)
        done = self._later(tried, 0.2, 2)
        declined = variant == "declined"
        manual = intent["capture_mode"] == "Manual"
        tx = self._tx()
        auth = None if declined else f"{rng.randrange(1_000_000):06d}"
        out["payment_attempts"].append(
            {
                "id": self._id("att"),
                "intent_id": intent["id"],
                "token_hash": self._hex(32),
                "method": "Card",
                "state": "declined" if declined else "succeeded",
                "status_code": 5 if declined else 0,
                "message": "Declined" if declined else "Authorised",
                "amount": intent["amount"],
                "auth_code": auth,
                "transaction_id": tx,
                "card_brand": brand,
                "card_masked": masked,
                "card_last4": last4,
                "card_expiry": "12/29",
                "cardholder_name": "Ada Lovelace",
                "fingerprint": self._hex(32),
                "three_ds": None,
                "otp_code": None,
                "processor_data": {
                    "scenario": "decline" if declined else "approve",
                    "sale": not manual,
                },
                "release_at": done + AUTH_WINDOW if manual and not declined else None,
                "created_at": tried,
                "completed_at": done,
            }
        )
        card = {
            "auth_code": auth,
            "card_number": masked,
            "expiry_date": "12/29",
            "card_type": brand,
            "cardholder_name": "Ada Lovelace",
        }
        if declined:
            intent["version"] = 3
            self._event(intent, out, "Declined", done, tx, "Declined", **card)
            return done
        if not manual:
            self._capture(intent, out, done, "payment", tx_event=tx, card=card)
            intent.update(status="Captured", version=4)
            events.append((done, "Captured"))
            last = done
        else:
            self._event(intent, out, "Authorized", done, tx, "Authorised", **card)
            intent.update(status="Authorized", version=2)
            events.append((done, "Authorized"))
            last = done
            if variant == "reversed":
                at = self._later(done, 60, 86_400)
                tx2 = self._tx()
                out["reversals"].append(
                    {
                        "id": self._id("rvs"), "intent_id": intent["id"],
                        "amount": intent["amount"], "status": "Successful", "reason": "requested",
                        "message": "Reversal successful", "transaction_id": tx2, "created_at": at,
                    }
                )  # fmt: skip
                self._event(intent, out, "Reversed", at, tx2, "Reversal successful")
                intent.update(status="Reversed", version=4)
                events.append((at, "Reversed"))
                return at
            if variant != "authorized":
                last = self._later(done, 600, 5 * 86_400)
                self._capture(intent, out, last, "requested")
                intent.update(status="Captured", version=3)
                events.append((last, "Captured"))
        if variant == "refunded":
            at = self._later(last, 3600, 10 * 86_400)
            tx3 = self._tx()
            out["refunds"].append(
                {
                    "id": self._id("rfnd"), "intent_id": intent["id"],
                    "amount": max(1, intent["amount"] // 2), "status": "Successful",
                    "message": "Refund successful", "refund_reason": "Customer returned an item",
                    "notes": None, "previous_transaction_id": None, "transaction_id": tx3,
                    "created_at": at,
                }
            )  # fmt: skip
            self._event(intent, out, "Refunded", at, tx3, "Refund successful")
            intent.update(status="Refunded", version=intent["version"] + 2)
            events.append((at, "Refunded"))
            last = at
        return last

    def _capture(
        self,
        intent: dict[str, Any],
        out: Rows,
        at: datetime,
        reason: str,
        tx_event: str | None = None,
        card: dict[str, Any] | None = None,
    ) -> None:
        tx = self._tx()
        out["captures"].append(
            {
                "id": self._id("cp"), "intent_id": intent["id"], "amount": intent["amount"],
                "tips_amount": 0, "status": "Successful", "reason": reason,
                "message": "Capture successful", "transaction_id": tx, "created_at": at,
            }
        )  # fmt: skip
        if card is not None:  # Auto: the attempt's own event says Captured
            self._event(intent, out, "Captured", at, tx_event, "Authorised", **card)
        else:
            self._event(intent, out, "Captured", at, tx, "Capture successful")

    @staticmethod
    def _event(
        intent: dict[str, Any],
        out: Rows,
        kind: str,
        at: datetime,
        tx: str | None,
        message: str,
        **card: Any,
    ) -> None:
        out["payment_events"].append(
            {
                "intent_id": intent["id"], "event_type": kind, "transaction_id": tx,
                "auth_code": card.get("auth_code"), "card_number": card.get("card_number"),
                "expiry_date": card.get("expiry_date"), "card_type": card.get("card_type"),
                "cardholder_name": card.get("cardholder_name"), "payment_method_id": None,
                "message": message, "created_at": at,
            }
        )  # fmt: skip

    def _outbox(self, intent: dict[str, Any], events: list[Any], out: Rows) -> None:
        for at, status in events:
            event_id = self._id("evt")
            name = (
                "payment_intent.created" if status == "Created" else "payment_intent.status_updated"
            )
            out["outbox_events"].append(
                {
                    "id": event_id,
                    "account_id": intent["account_id"],
                    "intent_id": intent["id"],
                    "event": name,
                    "payload": {
                        "id": event_id,
                        "event": name,
                        "accountId": intent["account_id"],
                        "createdAt": _stamp(at),
                        "data": {
                            "paymentIntentId": intent["id"],
                            "paymentStatus": status,
                            "captureMode": intent["capture_mode"],
                        },
                    },
                    "created_at": at,
                }
            )


def json_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns if isinstance(c.type, JSON)}
