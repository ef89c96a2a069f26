"""The one derivation of an intent's amounts from its attempts and movement rows.

Nothing keeps a counter: authorized = the succeeded attempts, captured = the Successful captures,
refunded = the Successful refunds. Pending movements are counted apart: they reserve their amount
until the processor's answer is recorded, so concurrent operations never promise more than is
there. The wire view and the rules both read this one ``Ledger``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tender.domain.records import Attempt, Capture, Refund, Reversal
from tender.domain.status import AttemptState, MovementStatus

OK, PENDING = MovementStatus.SUCCESSFUL, MovementStatus.PENDING


@dataclass(frozen=True, slots=True)
class Ledger:
    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    pending_captures: int = 0
    pending_refunds: int = 0
    pending_reversal: bool = False
    pending_attempt: bool = False  # an attempt is at the processor, awaiting its answer
    authorized_at: datetime | None = None
    captured_at: datetime | None = None  # the first Successful capture
    decisive_attempt: Attempt | None = None  # what ``paymentDetails`` shows
    authorization: Attempt | None = None  # the succeeded attempt, whose processor_data it keeps
    captures: tuple[Capture, ...] = ()

    @property
    def pending(self) -> bool:
        """Any attempt or movement still waiting for the processor's answer."""
        return bool(
            self.pending_attempt
            or self.pending_captures
            or self.pending_refunds
            or self.pending_reversal
        )


def derive(
    attempts: Iterable[Attempt],
    captures: Iterable[Capture],
    refunds: Iterable[Refund],
    reversals: Iterable[Reversal],
) -> Ledger:
    """The ledger of one intent. Attempts and captures in the order they were made."""
    attempts = sorted(attempts, key=lambda a: (a.completed_at or a.created_at, a.id))
    captures = tuple(sorted(captures, key=lambda c: (c.created_at, c.id)))
    won = [a for a in attempts if a.state is AttemptState.SUCCEEDED]
    # A challenge overtaken by a refresh decided nothing; pending ones have not decided yet.
    finished = [
        a for a in attempts if a.completed_at is not None and a.state is not AttemptState.ABANDONED
    ]
    decisive = won[-1] if won else (finished[-1] if finished else None)
    captured = [c for c in captures if c.status is OK]
    refunds = list(refunds)
    reversals = list(reversals)
    return Ledger(
        authorized=sum(a.amount for a in won),
        captured=sum(c.total for c in captured),
        refunded=sum(r.amount for r in refunds if r.status is OK),
        pending_captures=sum(c.total for c in captures if c.status is PENDING),
        pending_refunds=sum(r.amount for r in refunds if r.status is PENDING),
        pending_reversal=any(r.status is PENDING for r in reversals),
        pending_attempt=any(a.state is AttemptState.PENDING for a in attempts),
        authorized_at=min((a.completed_at for a in won if a.completed_at), default=None),
        captured_at=min((c.created_at for c in captured), default=None),
        decisive_attempt=decisive,
        authorization=won[-1] if won else None,
        captures=captures,
    )
