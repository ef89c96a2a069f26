"""Statuses, capture modes, operations, and the one transition table that joins them.

The table says which status an operation may start from and where it leads, per capture mode.
Guards that need amounts or time (partial captures, reversal windows) live in ``rules``; they only
ever narrow what the table allows.
"""

from enum import StrEnum


class Status(StrEnum):
    CREATED = "Created"
    AUTHORIZED = "Authorized"
    CAPTURED = "Captured"
    REVERSED = "Reversed"
    REFUNDED = "Refunded"
    CANCELED = "Canceled"


class CaptureMode(StrEnum):
    AUTO = "Auto"
    MANUAL = "Manual"


class AutoExpireAction(StrEnum):
    RELEASE = "Release"
    CAPTURE = "Capture"


class AttemptState(StrEnum):
    """Where a payment attempt (card or wallet) stands with the acquirer."""

    PENDING = "pending"  # sent to the processor; no answer recorded yet
    CHALLENGED = "challenged"  # 3-D Secure: waiting for the cardholder
    SUCCEEDED = "succeeded"  # authorized
    DECLINED = "declined"
    REFERRED = "referred"
    FAILED = "failed"  # processing error, or voided by recovery
    ABANDONED = "abandoned"  # a challenge overtaken by a refresh or a cancel


class MovementStatus(StrEnum):
    """Where a capture, refund or reversal stands. ``Pending`` rows reserve their amount until
    the processor's answer is recorded (on the wire a pending capture shows as Dojo's
    ``Created``)."""

    PENDING = "Pending"
    SUCCESSFUL = "Successful"
    DECLINED = "Declined"
    FAILED = "Failed"


class MovementKind(StrEnum):
    CAPTURE = "capture"
    REFUND = "refund"
    REVERSAL = "reversal"


class Operation(StrEnum):
    """Everything that can happen to an intent; the value reads well in an error message."""

    PAY = "pay"  # a payment attempt starts (card, wallet)
    AUTHORIZE = "authorize"  # an attempt succeeds in Manual mode: funds held
    AUTHORIZE_AND_CAPTURE = "authorize and capture"  # an attempt succeeds in Auto mode
    DECLINE = "decline"  # an attempt fails: the intent stays payable
    CAPTURE = "capture"
    AUTO_CAPTURE = "automatically capture"  # autoExpireAction Capture
    REVERSE = "reverse"
    AUTO_RELEASE = "automatically release"  # autoExpireAction Release, or the 7-day limit
    REFUND = "refund"
    CANCEL = "cancel"
    EXPIRE = "expire"  # expireAt reached while unpaid
    CHANGE_AMOUNT = "change the amount of"
    CHANGE_TIPS = "change the tips amount of"
    REFRESH_SECRET = "refresh the client session secret of"
    RELEASE_FAILED_SALE = "release the authorization of"  # Auto: the capture after it failed


S, M, Op = Status, CaptureMode, Operation
BOTH = frozenset(CaptureMode)
AUTO = frozenset({M.AUTO})
MANUAL = frozenset({M.MANUAL})

# (operation, from status, to status, capture modes it applies to)
TRANSITIONS: tuple[tuple[Operation, Status, Status, frozenset[CaptureMode]], ...] = (
    (Op.PAY, S.CREATED, S.CREATED, BOTH),
    (Op.AUTHORIZE, S.CREATED, S.AUTHORIZED, MANUAL),
    (Op.AUTHORIZE_AND_CAPTURE, S.CREATED, S.CAPTURED, AUTO),
    (Op.DECLINE, S.CREATED, S.CREATED, BOTH),
    (Op.CAPTURE, S.AUTHORIZED, S.CAPTURED, MANUAL),
    (Op.CAPTURE, S.CAPTURED, S.CAPTURED, MANUAL),  # a further partial capture
    (Op.AUTO_CAPTURE, S.AUTHORIZED, S.CAPTURED, MANUAL),
    (Op.REVERSE, S.AUTHORIZED, S.REVERSED, MANUAL),
    (Op.REVERSE, S.CAPTURED, S.REVERSED, AUTO),
    (Op.AUTO_RELEASE, S.AUTHORIZED, S.REVERSED, MANUAL),
    (Op.REFUND, S.CAPTURED, S.REFUNDED, BOTH),
    (Op.REFUND, S.REFUNDED, S.REFUNDED, BOTH),  # a further partial refund
    (Op.CANCEL, S.CREATED, S.CANCELED, BOTH),
    (Op.EXPIRE, S.CREATED, S.CANCELED, BOTH),
    (Op.CHANGE_AMOUNT, S.CREATED, S.CREATED, BOTH),
    (Op.CHANGE_TIPS, S.CREATED, S.CREATED, BOTH),
    (Op.REFRESH_SECRET, S.CREATED, S.CREATED, BOTH),
    (Op.RELEASE_FAILED_SALE, S.CREATED, S.CREATED, AUTO),
)


def target(operation: Operation, current: Status, mode: CaptureMode) -> Status | None:
    """Where ``operation`` leads from ``current`` in ``mode``, or None if the table forbids it."""
    for op, src, dst, modes in TRANSITIONS:
        if op is operation and src is current and mode in modes:
            return dst
    return None


def allowed_from(operation: Operation, mode: CaptureMode) -> frozenset[Status]:
    """The statuses ``operation`` may start from in ``mode`` (named in 409 answers)."""
    return frozenset(src for op, src, _, modes in TRANSITIONS if op is operation and mode in modes)
