"""Processor doubles: the sandbox acquirer with some calls answered otherwise.

``DecliningProcessor`` declines (or fails) every capture, refund and reversal; ``HeldProcessor``
holds every call at a gate until the test opens it, counting the calls waiting there, so a test
can see that calls overlap and that nothing waits for the processor inside a lock. Both journal
their answers like the sandbox, so ``lookup`` (recovery) sees them.
"""

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from tender.processor.protocol import Authorization, Movement, Outcome
from tender.processor.simulator import SandboxProcessor

A = TypeVar("A", Authorization, Movement)


class DecliningProcessor(SandboxProcessor):
    def __init__(self, outcome: Outcome = Outcome.DECLINED) -> None:
        super().__init__()
        self.outcome = outcome
        self.refusing = True  # off: it answers as the sandbox does
        self.calls: list[str] = []

    def _refuse(self, what: str, reference: str) -> Movement:
        self.calls.append(what)
        verb = "declined" if self.outcome is Outcome.DECLINED else "failed"
        answer = Movement(self.outcome, f"{what} {verb} by the test double", "tx_double")
        self.journal.record(reference, answer)
        return answer

    async def capture(self, data: dict[str, Any], amount: int, *, reference: str) -> Movement:
        if not self.refusing:
            return await super().capture(data, amount, reference=reference)
        return self._refuse("Capture", reference)

    async def refund(self, data: dict[str, Any], amount: int, *, reference: str) -> Movement:
        if not self.refusing:
            return await super().refund(data, amount, reference=reference)
        return self._refuse("Refund", reference)

    async def reverse(self, data: dict[str, Any], amount: int, *, reference: str) -> Movement:
        if not self.refusing:
            return await super().reverse(data, amount, reference=reference)
        return self._refuse("Reversal", reference)


class HeldProcessor(SandboxProcessor):
    """Decides like the sandbox (and journals), then waits at ``gate`` before answering."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = 0
        self._arrived = asyncio.Condition()

    async def _answer(self, operation: str, reference: str, decide: Callable[[], A]) -> A:
        answer = decide()
        self.journal.record(reference, answer)
        async with self._arrived:
            self.waiting += 1
            self._arrived.notify_all()
        try:
            await self.gate.wait()
        finally:
            self.waiting -= 1
        return answer

    async def until_waiting(self, count: int) -> None:
        """Return once ``count`` calls wait at the gate together; fail after 15 s."""
        async with asyncio.timeout(15), self._arrived:
            await self._arrived.wait_for(lambda: self.waiting >= count)
