"""The ``Processor`` interface: what Tender asks of an acquirer, and what it answers.

The service layer talks only to this protocol; the bundled implementation is the sandbox
acquirer (``simulator``). Tender calls it outside every transaction and lock, with a timeout:
each call carries Tender's own ``reference`` for the operation (the attempt or movement id), so
that after a crash or a timeout ``lookup(reference)`` can tell what the acquirer did with it.
``processor_data`` is the processor's own note on an authorization (kept with the attempt, never
a card number), handed back on capture, refund and reversal.

Saved cards: ``authorize(..., store=True)`` asks the acquirer to keep the card; an approved
answer then carries ``token``, the acquirer's own handle for it. Tender stores the token (with
``processor_data``, brand, masked number and expiry), never the number, and later pays with
``authorize_token``: customer-initiated (the cardholder is present and may give the CVV) or
merchant-initiated (a ``/charge``: no cardholder, never 3-D Secure).
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from tender.processor.cards import Card


class Outcome(StrEnum):
    """How an acquirer answered; for attempts these are Connect-E status codes."""

    APPROVED = "approved"  # 0
    CHALLENGE = "challenge"  # 3: 3-D Secure challenge needed
    REFERRED = "referred"  # 4
    DECLINED = "declined"  # 5
    ERROR = "error"  # 30

    @property
    def status_code(self) -> int:
        return {"approved": 0, "challenge": 3, "referred": 4, "declined": 5, "error": 30}[self]


@dataclass(frozen=True, slots=True)
class Authorization:
    outcome: Outcome
    message: str
    auth_code: str | None = None
    transaction_id: str | None = None
    three_ds: str | None = None  # None, "frictionless" or "challenge"
    processor_data: dict[str, Any] = field(default_factory=dict)
    token: str | None = None  # the acquirer's handle for a stored card (``store=True``)


@dataclass(frozen=True, slots=True)
class Movement:
    """The answer to a capture, refund or reversal: APPROVED, DECLINED (or REFERRED) or ERROR."""

    outcome: Outcome
    message: str
    transaction_id: str | None = None

    @property
    def approved(self) -> bool:
        return self.outcome is Outcome.APPROVED


class Processor(Protocol):
    """An acquirer. Calls are made outside any transaction; each may take a while."""

    name: str

    async def authorize(
        self,
        card: Card,
        amount: int,
        currency: str,
        *,
        reference: str,
        wallet: str | None = None,
        sale: bool = False,
        store: bool = False,
    ) -> Authorization:
        """Authorize ``amount``; may answer CHALLENGE, to be resolved by ``complete_challenge``.
        ``sale``: the authorization will be captured at once (Auto capture mode). ``store``: keep
        the card; an approval (here or after the challenge) carries ``token``. A zero ``amount``
        verifies the card without holding funds (a setup intent)."""
        ...

    async def authorize_token(
        self,
        token: str,
        processor_data: dict[str, Any],
        amount: int,
        currency: str,
        *,
        reference: str,
        merchant_initiated: bool,
        cvv: str | None = None,
        sale: bool = False,
    ) -> Authorization:
        """Authorize ``amount`` on a stored card (``token`` and the ``processor_data`` of the
        approval that issued it). Customer-initiated payments may answer CHALLENGE;
        merchant-initiated ones never do. An unknown token answers ERROR."""
        ...

    async def complete_challenge(
        self,
        processor_data: dict[str, Any],
        approved: bool,
        amount: int,
        currency: str,
        *,
        reference: str,
    ) -> Authorization:
        """The authorization after the cardholder approved or rejected the challenge."""
        ...

    async def capture(
        self, processor_data: dict[str, Any], amount: int, *, reference: str
    ) -> Movement: ...

    async def refund(
        self, processor_data: dict[str, Any], amount: int, *, reference: str
    ) -> Movement: ...

    async def reverse(
        self, processor_data: dict[str, Any], amount: int, *, reference: str
    ) -> Movement: ...

    async def lookup(self, reference: str) -> Authorization | Movement | None:
        """What the acquirer last answered for ``reference``; None if it never received it."""
        ...
