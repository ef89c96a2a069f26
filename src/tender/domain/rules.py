"""The rules of each operation: the transition table plus the guards on amounts, time and
operations still waiting for the processor.

``decide`` is the single entry point the service layer calls, inside the transaction that holds
the intent's row lock, with amounts derived from the movement rows (``domain.ledger``). Pending
movements reserve their amounts; an operation that could contradict one still in flight (a
refund while a capture is pending, anything while a reversal is) is refused with a 409.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tender.domain.ledger import Ledger
from tender.domain.records import Intent
from tender.domain.status import CaptureMode, Operation, Status, allowed_from, target
from tender.errors import InvalidRequest, StateConflict

# A Manual authorization may be captured or reversed for 7 days; after that it is released.
AUTHORIZATION_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class IntentState:
    """What the rules need to know about an intent; amounts derived from its movements."""

    status: Status
    capture_mode: CaptureMode
    authorized_amount: int = 0
    captured_amount: int = 0
    refunded_amount: int = 0
    authorized_at: datetime | None = None
    captured_at: datetime | None = None  # first successful capture (Auto: the payment itself)
    pending_captures: int = 0  # amounts of captures sent to the processor, not yet answered
    pending_refunds: int = 0
    pending_reversal: bool = False
    pending_attempt: bool = False

    @classmethod
    def of(cls, intent: Intent, ledger: Ledger | None = None) -> "IntentState":
        ledger = ledger or Ledger()
        return cls(
            status=intent.status,
            capture_mode=intent.capture_mode,
            authorized_amount=ledger.authorized,
            captured_amount=ledger.captured,
            refunded_amount=ledger.refunded,
            authorized_at=ledger.authorized_at,
            captured_at=ledger.captured_at,
            pending_captures=ledger.pending_captures,
            pending_refunds=ledger.pending_refunds,
            pending_reversal=ledger.pending_reversal,
            pending_attempt=ledger.pending_attempt,
        )

    @property
    def capturable_amount(self) -> int:
        """What a new capture may still take: the authorization less captured and reserved."""
        if self.status not in (Status.AUTHORIZED, Status.CAPTURED) or self.refunded_amount:
            return 0
        return max(self.authorized_amount - self.captured_amount - self.pending_captures, 0)

    @property
    def refundable_amount(self) -> int:
        """What a new refund may still take: the captures less refunded and reserved."""
        if self.status not in (Status.CAPTURED, Status.REFUNDED):
            return 0
        return max(self.captured_amount - self.refunded_amount - self.pending_refunds, 0)


def _conflict(op: Operation, state: IntentState, reason: str | None = None) -> StateConflict:
    allowed = allowed_from(op, state.capture_mode)
    return StateConflict(op.value, state.status.value, [s.value for s in allowed], reason)


def decide(op: Operation, state: IntentState, now: datetime, amount: int | None = None) -> Status:
    """The status after ``op``; StateConflict (409) or InvalidRequest (400) when it may not happen.

    ``amount`` is the minor-unit amount of a capture or refund.
    """
    to = target(op, state.status, state.capture_mode)
    if to is None:
        reason = None
        if op is Operation.CAPTURE and state.capture_mode is CaptureMode.AUTO:
            reason = "Auto capture mode intents are captured when paid; expected captureMode Manual"
        elif op is Operation.REVERSE and state.status in (Status.CAPTURED, Status.AUTHORIZED):
            expected = "Authorized" if state.capture_mode is CaptureMode.MANUAL else "Captured"
            reason = (
                f"a {state.capture_mode.value} capture mode intent can only be reversed while "
                f"{expected}; refund it instead"
            )
        raise _conflict(op, state, reason)

    _check_in_flight(op, state)
    if op is Operation.CAPTURE:
        _check_capture(state, now, amount)
    elif op is Operation.REFUND:
        _check_refund(state, amount)
    elif op is Operation.REVERSE:
        _check_reversal(state, now)
    elif op in (Operation.AUTO_CAPTURE, Operation.AUTO_RELEASE) and state.captured_amount:
        raise _conflict(op, state, "part of the authorization was already captured")
    return to


# What must not be waiting for the processor when each operation starts.
_BLOCKED_BY = {
    Operation.PAY: ("attempt",),
    Operation.CANCEL: ("attempt",),
    Operation.EXPIRE: ("attempt",),
    Operation.CHANGE_AMOUNT: ("attempt",),
    Operation.CHANGE_TIPS: ("attempt",),
    Operation.CAPTURE: ("refund", "reversal"),
    Operation.REFUND: ("capture", "reversal"),
    Operation.REVERSE: ("capture", "refund", "reversal"),
    Operation.AUTO_RELEASE: ("capture", "refund", "reversal"),
    Operation.AUTO_CAPTURE: ("capture", "refund", "reversal"),
}


def _check_in_flight(op: Operation, state: IntentState) -> None:
    waiting = {
        "attempt": state.pending_attempt,
        "capture": bool(state.pending_captures),
        "refund": bool(state.pending_refunds),
        "reversal": state.pending_reversal,
    }
    for kind in _BLOCKED_BY.get(op, ()):
        if waiting[kind]:
            article = "an" if kind == "attempt" else "a"
            what = "payment attempt" if kind == "attempt" else kind
            raise _conflict(
                op, state, f"{article} {what} is waiting for the acquirer's answer; retry shortly"
            )


def _require_amount(amount: int | None, field: str = "Amount") -> int:
    if amount is None or isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise InvalidRequest.field(field, "The amount must be a positive integer of minor units.")
    return amount


def _check_capture(state: IntentState, now: datetime, amount: int | None) -> None:
    amount = _require_amount(amount)
    if state.status is Status.CAPTURED:
        if state.refunded_amount:
            raise _conflict(Operation.CAPTURE, state, "it has already been refunded")
        if state.captured_amount >= state.authorized_amount:
            raise _conflict(Operation.CAPTURE, state, "the authorized amount is fully captured")
    if state.authorized_at and now - state.authorized_at > AUTHORIZATION_WINDOW:
        raise _conflict(Operation.CAPTURE, state, "the 7-day authorization window has closed")
    remaining = state.capturable_amount
    if amount > remaining:
        raise InvalidRequest.field(
            "Amount", f"The amount {amount} exceeds the capturable amount {remaining}."
        )


def _check_refund(state: IntentState, amount: int | None) -> None:
    amount = _require_amount(amount)
    if state.captured_amount - state.refunded_amount <= 0:
        raise _conflict(Operation.REFUND, state, "the captured amount is fully refunded")
    remaining = state.refundable_amount
    if amount > remaining:
        raise InvalidRequest.field(
            "Amount", f"The amount {amount} exceeds the refundable amount {remaining}."
        )


def _check_reversal(state: IntentState, now: datetime) -> None:
    if state.capture_mode is CaptureMode.MANUAL:
        if state.authorized_at and now - state.authorized_at > AUTHORIZATION_WINDOW:
            raise _conflict(
                Operation.REVERSE,
                state,
                "a Manual authorization can only be reversed within 7 days",
            )
    elif state.captured_at is None or _utc_day(state.captured_at) != _utc_day(now):
        raise _conflict(
            Operation.REVERSE,
            state,
            "an Auto capture can only be reversed on the UTC day it was captured; "
            "refund it instead",
        )


def _utc_day(moment: datetime) -> date:
    """The UTC calendar day of an aware datetime (DESIGN.md: same *UTC* day for reversals)."""
    return moment.astimezone(UTC).date()
