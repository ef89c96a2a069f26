"""The sandbox acquirer: answers by DESIGN.md's test-card table; any other valid card succeeds.

Nothing leaves the process. ``processor_data`` carries only the scenario name (and whether the
authorization was a sale), so a later capture of the 0341 card can be declined without the card
number being kept anywhere. Every answer is written to the journal before it is returned, so
``lookup`` can tell what happened to a call whose answer Tender never recorded.

Two knobs make it behave like a real acquirer on a bad day: ``latency`` delays every answer
(``TENDER_SANDBOX_LATENCY_MS``), and ``hang`` makes chosen calls never answer
(``TENDER_SANDBOX_HANG``, e.g. ``capture`` — decided and journaled, then silent — or
``capture:before`` — silent before deciding), which is how the crash-recovery tests stop a real
server between "pending written" and "processor answered".
"""

import asyncio
import secrets
import string
from collections.abc import Callable
from typing import Any, TypeVar

from tender.processor.cards import Card
from tender.processor.journal import Journal, MemoryJournal
from tender.processor.protocol import Authorization, Movement, Outcome

# scenario -> (outcome before any challenge, outcome after an approved challenge, message)
SCENARIOS: dict[str, tuple[Outcome, Outcome, str]] = {
    "approve": (Outcome.APPROVED, Outcome.APPROVED, "Authorised"),
    "challenge": (Outcome.CHALLENGE, Outcome.APPROVED, "Authorised"),
    "frictionless": (Outcome.APPROVED, Outcome.APPROVED, "Authorised"),
    "challenge_then_decline": (Outcome.CHALLENGE, Outcome.DECLINED, "Declined by the issuer"),
    "decline": (Outcome.DECLINED, Outcome.DECLINED, "Declined"),
    "insufficient_funds": (Outcome.DECLINED, Outcome.DECLINED, "Declined: insufficient funds"),
    "expired_card": (Outcome.DECLINED, Outcome.DECLINED, "Declined: expired card"),
    "incorrect_cvv": (Outcome.DECLINED, Outcome.DECLINED, "Declined: incorrect CV2"),
    "refer": (Outcome.REFERRED, Outcome.REFERRED, "Referred: contact the card issuer"),
    "processing_error": (Outcome.ERROR, Outcome.ERROR, "Processing error at the acquirer"),
    "capture_declined": (Outcome.APPROVED, Outcome.APPROVED, "Authorised"),
    "refund_declined": (Outcome.APPROVED, Outcome.APPROVED, "Authorised"),
    "reversal_declined": (Outcome.APPROVED, Outcome.APPROVED, "Authorised"),
    "mit_declined": (Outcome.APPROVED, Outcome.APPROVED, "Authorised"),
}

# DESIGN.md's test cards (numbers without spaces) -> scenario.
TEST_CARDS: dict[str, str] = {
    "4456530000001096": "challenge",
    "4456530000000007": "challenge",
    "4000000000003220": "frictionless",
    "4000008400001629": "challenge_then_decline",
    "5200000000000056": "approve",
    "4456530000001013": "approve",
    "4242424242424242": "approve",
    "5555555555554444": "approve",
    "378282246310005": "approve",
    "6011111111111117": "approve",
    "4000000000000002": "decline",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvv",
    "4000000000000101": "refer",
    "4000000000000119": "processing_error",
    "4000000000000341": "capture_declined",
    "4000000000000358": "refund_declined",
    "4000000000000366": "reversal_declined",
    "4000000000000374": "mit_declined",
}

A = TypeVar("A", Authorization, Movement)
OPERATIONS = (
    "authorize",
    "authorize_token",
    "complete_challenge",
    "capture",
    "refund",
    "reverse",
)
TOKEN_PREFIX = "tok_sandbox_"


def auth_code() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(6))


def card_token() -> str:
    """The sandbox's handle for a stored card: opaque, never derived from the number."""
    return TOKEN_PREFIX + secrets.token_urlsafe(16)


def transaction_id() -> str:
    """Opaque, unique: what the acquirer calls the transaction."""
    return "tx_" + secrets.token_hex(12)


def parse_hang(spec: str) -> frozenset[str]:
    """``"capture, refund:before"`` -> {"capture:after", "refund:before"}; ValueError if unknown."""
    found = set()
    for item in filter(None, (part.strip() for part in spec.split(","))):
        operation, _, when = item.partition(":")
        if operation not in OPERATIONS or when not in ("", "before", "after"):
            raise ValueError(f"unknown sandbox hang {item!r}: use one of {', '.join(OPERATIONS)}")
        found.add(f"{operation}:{when or 'after'}")
    return frozenset(found)


class SandboxProcessor:
    """Deterministic by card number, free of network calls, optionally slow or silent."""

    name = "sandbox"

    def __init__(
        self,
        *,
        journal: Journal | None = None,
        latency_seconds: float = 0.0,
        hang: frozenset[str] = frozenset(),
    ) -> None:
        self.journal = journal or MemoryJournal()
        self.latency_seconds = latency_seconds
        self.hang = hang

    def scenario(self, card: Card) -> str:
        return TEST_CARDS.get(card.number, "approve")

    async def _answer(self, operation: str, reference: str, decide: Callable[[], A]) -> A:
        """Decide, journal, then wait out the latency; the hang points sit either side."""
        if f"{operation}:before" in self.hang:
            await asyncio.Event().wait()
        answer = decide()
        self.journal.record(reference, answer)
        if f"{operation}:after" in self.hang:
            await asyncio.Event().wait()
        if self.latency_seconds:
            await asyncio.sleep(self.latency_seconds)
        return answer

    def _authorization(self, data: dict[str, Any], outcome: Outcome, three_ds: str | None) -> (
        Authorization
    ):  # fmt: skip
        message = SCENARIOS[data["scenario"]][2]
        if outcome is Outcome.APPROVED:
            token = data.get("token") or (card_token() if data.get("store") else None)
            if token:
                data = {**data, "token": token}
            return Authorization(
                outcome, message, auth_code(), transaction_id(), three_ds, data, token
            )
        if outcome is Outcome.CHALLENGE:
            message = "3-D Secure authentication required"
            return Authorization(outcome, message, None, transaction_id(), "challenge", data)
        return Authorization(outcome, message, None, transaction_id(), three_ds, data)

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
        scenario = self.scenario(card)
        first, after, _ = SCENARIOS[scenario]
        data: dict[str, Any] = {"scenario": scenario, "sale": sale}
        if store:
            data["store"] = True

        def decide() -> Authorization:
            if first is Outcome.CHALLENGE and wallet:  # wallets are authenticated on the device
                return self._authorization(data, after, None)
            three_ds = "frictionless" if scenario == "frictionless" else None
            return self._authorization(data, first, three_ds)

        return await self._answer("authorize", reference, decide)

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
        """A stored card answers as its number did, except: a merchant-initiated payment never
        challenges (the cardholder is absent), and the 0374 card declines every one of them."""
        scenario = str(processor_data.get("scenario", ""))
        known = token.startswith(TOKEN_PREFIX) and processor_data.get("token") == token
        data: dict[str, Any] = {"scenario": scenario, "sale": sale, "token": token}

        def decide() -> Authorization:
            if not known or scenario not in SCENARIOS:
                message = "Unknown card token"
                return Authorization(Outcome.ERROR, message, None, transaction_id(), None, data)
            first, after, _ = SCENARIOS[scenario]
            if merchant_initiated:
                if scenario == "mit_declined":
                    message = "Declined: merchant-initiated payments refused by the issuer"
                    return Authorization(
                        Outcome.DECLINED, message, None, transaction_id(), None, data
                    )
                return self._authorization(data, after, None)
            three_ds = "frictionless" if scenario == "frictionless" else None
            return self._authorization(data, first, three_ds)

        return await self._answer("authorize_token", reference, decide)

    async def complete_challenge(
        self,
        processor_data: dict[str, Any],
        approved: bool,
        amount: int,
        currency: str,
        *,
        reference: str,
    ) -> Authorization:
        data = {"scenario": "challenge", "sale": False, **processor_data}

        def decide() -> Authorization:
            if not approved:
                message = "Declined: 3-D Secure authentication failed"
                return Authorization(
                    Outcome.DECLINED, message, None, transaction_id(), "challenge", data
                )
            return self._authorization(data, SCENARIOS[data["scenario"]][1], "challenge")

        return await self._answer("complete_challenge", reference, decide)

    async def capture(
        self, processor_data: dict[str, Any], amount: int, *, reference: str
    ) -> Movement:
        # The 0341 card declines captures of a Manual authorization; a sale captures at once.
        declined = processor_data.get("scenario") == "capture_declined"
        declined = declined and not processor_data.get("sale")
        return await self._answer("capture", reference, lambda: _movement(declined, "Capture"))

    async def refund(
        self, processor_data: dict[str, Any], amount: int, *, reference: str
    ) -> Movement:
        declined = processor_data.get("scenario") == "refund_declined"
        return await self._answer("refund", reference, lambda: _movement(declined, "Refund"))

    async def reverse(
        self, processor_data: dict[str, Any], amount: int, *, reference: str
    ) -> Movement:
        declined = processor_data.get("scenario") == "reversal_declined"
        return await self._answer("reverse", reference, lambda: _movement(declined, "Reversal"))

    async def lookup(self, reference: str) -> Authorization | Movement | None:
        return self.journal.find(reference)


def _movement(declined: bool, what: str) -> Movement:
    if declined:
        return Movement(Outcome.DECLINED, f"{what} declined by the issuer", transaction_id())
    return Movement(Outcome.APPROVED, f"{what} successful", transaction_id())
