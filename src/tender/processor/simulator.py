"""The sandbox acquirer: answers by DESIGN.md's test-card table; any other valid card succeeds.

Nothing leaves the process. ``processor_data`` carries only the scenario name, so a later capture
of the 0341 card can be declined without the card number being kept anywhere.
"""

import secrets
import string
from typing import Any

from tender.processor.cards import Card
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
}


def auth_code() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(6))


def transaction_id() -> str:
    """Opaque, unique: what the acquirer calls the transaction."""
    return "tx_" + secrets.token_hex(12)


class SandboxProcessor:
    """Deterministic by card number, instant, and free of network calls."""

    name = "sandbox"

    def scenario(self, card: Card) -> str:
        return TEST_CARDS.get(card.number, "approve")

    def _answer(self, scenario: str, outcome: Outcome, three_ds: str | None) -> Authorization:
        message = SCENARIOS[scenario][2]
        data = {"scenario": scenario}
        if outcome is Outcome.APPROVED:
            return Authorization(outcome, message, auth_code(), transaction_id(), three_ds, data)
        if outcome is Outcome.CHALLENGE:
            return Authorization(
                outcome, "3-D Secure authentication required", None, transaction_id(), "challenge",
                data,
            )  # fmt: skip
        return Authorization(outcome, message, None, transaction_id(), three_ds, data)

    async def authorize(
        self, card: Card, amount: int, currency: str, *, wallet: str | None = None
    ) -> Authorization:
        scenario = self.scenario(card)
        first, after, _ = SCENARIOS[scenario]
        three_ds = "frictionless" if scenario == "frictionless" else None
        if first is Outcome.CHALLENGE and wallet:  # wallets are authenticated on the device
            return self._answer(scenario, after, None)
        return self._answer(scenario, first, three_ds)

    async def complete_challenge(
        self, processor_data: dict[str, Any], approved: bool, amount: int, currency: str
    ) -> Authorization:
        scenario = processor_data.get("scenario", "challenge")
        if not approved:
            auth = Authorization(
                Outcome.DECLINED,
                "Declined: 3-D Secure authentication failed",
                None,
                transaction_id(),
                "challenge",
                {"scenario": scenario},
            )
            return auth
        return self._answer(scenario, SCENARIOS[scenario][1], "challenge")

    async def capture(self, processor_data: dict[str, Any], amount: int) -> Movement:
        if processor_data.get("scenario") == "capture_declined":
            return Movement(False, "Capture declined by the issuer", transaction_id())
        return Movement(True, "Capture successful", transaction_id())

    async def refund(self, processor_data: dict[str, Any], amount: int) -> Movement:
        return Movement(True, "Refund successful", transaction_id())

    async def reverse(self, processor_data: dict[str, Any], amount: int) -> Movement:
        return Movement(True, "Reversal successful", transaction_id())
