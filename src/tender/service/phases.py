"""The fixed phases of every operation that asks the processor for something.

1. validate the input, all of it, before anything is written (the request models; the caller);
2. load and lock the intent and derive its ledger;
3. decide with ``domain.rules``; write the attempt or movement as ``Pending`` and commit
   (with the idempotency key left in flight, pointing at it);
4. call the processor outside any transaction or lock, with a timeout;
5. record its answer under the lock again, re-checking that the row is still pending (the
   recovery job may have settled it meanwhile), emit the events, complete the key.

A processor that does not answer in time leaves the row ``Pending``: the caller hears so (a 504
problem naming the row) and the recovery job (``service.recovery``) settles it later by asking
the processor what happened. This mirrors hyperswitch's validate / get-tracker / update-tracker /
post-update-tracker split of an operation, and Kill Bill's janitor, in a smaller form.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tender.domain.records import Intent, Movement
from tender.domain.rules import IntentState
from tender.domain.status import MovementKind, MovementStatus, Operation, target
from tender.ids import new_id
from tender.processor import protocol
from tender.processor.protocol import Outcome
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey, Reply, claim, complete
from tender.service.intents import load_for_update, set_status
from tender.service.ledger import state_of
from tender.storage import intents as intents_repo
from tender.storage import movements as movements_repo
from tender.storage.db import Conn

log = logging.getLogger("tender.processor")
PREFIX = {MovementKind.CAPTURE: "cp", MovementKind.REFUND: "rfnd", MovementKind.REVERSAL: "rvs"}
T = TypeVar("T")
P = TypeVar("P")

PROBLEM_TYPES = {
    402: "https://tools.ietf.org/html/rfc7231#section-6.5.2",
    502: "https://tools.ietf.org/html/rfc7231#section-6.6.3",
    504: "https://tools.ietf.org/html/rfc7231#section-6.6.5",
}
# The processor's outcome -> a movement's status (no answer in time keeps it Pending).
MOVEMENT_STATUS = {
    Outcome.APPROVED: MovementStatus.SUCCESSFUL,
    Outcome.DECLINED: MovementStatus.DECLINED,
    Outcome.REFERRED: MovementStatus.DECLINED,
    Outcome.ERROR: MovementStatus.FAILED,
}
_OUTCOME = {
    MovementStatus.DECLINED: (402, "was declined"),
    MovementStatus.FAILED: (502, "failed at the acquirer"),
    MovementStatus.PENDING: (504, "is waiting for the acquirer's answer"),
}


async def call_processor(ctx: Context, what: str, call: Callable[[], Awaitable[T]]) -> T | None:
    """Phase 4: the processor's answer, or None when it did not come in time (or the call
    broke): the pending row then waits for the recovery job."""
    try:
        async with asyncio.timeout(ctx.settings.processor_timeout_seconds):
            return await call()
    except TimeoutError:
        log.warning("the processor did not answer %s in time; recovery will settle it", what)
    except Exception as exc:  # a real acquirer's network error: the outcome is unknown
        log.warning("the processor call for %s failed: %s", what, type(exc).__name__)
    return None


def movement_reply(noun: str, movement: Movement, intent: Intent, success: dict[str, Any]) -> Reply:
    """What the caller hears about a movement: ``success`` (200), or a problem naming the
    movement and its status (402 declined, 502 failed, 504 still pending)."""
    if movement.status is MovementStatus.SUCCESSFUL:
        return Reply(200, success)
    code, what = _OUTCOME[movement.status]
    if movement.status is MovementStatus.PENDING:
        detail = (
            f"The acquirer has not answered yet; the {noun} {movement.id} will be settled "
            f"shortly. Read the payment intent (or retry with the same idempotency key) to "
            "see its outcome."
        )
    else:
        detail = f"{movement.message}; no money moved and the intent is still {intent.status}."
    return Reply(
        code,
        {
            "type": PROBLEM_TYPES[code],
            "title": f"The {noun} {what}.",
            "status": code,
            "detail": detail,
            "errors": {},
            f"{noun}Id": movement.id,
            f"{noun}Status": movement.status.value,
        },
    )


@dataclass(frozen=True, slots=True)
class Finished:
    """Phase 5's result: the reply, and whether the operation is settled (else still pending)."""

    reply: Reply
    settled: bool


async def run(
    ctx: Context,
    account: Account,
    idem: IdempotencyKey | None,
    *,
    ref: str,
    begin: Callable[[Conn], Awaitable[P]],
    call: Callable[[P], Awaitable[T]],
    finish: Callable[[Conn, P, T | None], Awaitable[Finished]],
) -> Reply:
    """Run the phases: ``begin`` (2–3, one transaction) writes the row ``ref`` pending,
    ``call`` (4), ``finish`` (5)."""
    async with ctx.db.transaction() as conn:
        if idem is not None and (replay := await claim(ctx, conn, account.id, idem, ref)):
            return replay
        pending = await begin(conn)
    answer = await call_processor(ctx, ref, lambda: call(pending))
    async with ctx.db.transaction() as conn:
        done = await finish(conn, pending, answer)
        if done.settled:
            await complete(conn, account.id, idem, done.reply)
    return done.reply


async def settle(
    ctx: Context,
    conn: Conn,
    account: Account,
    intent: Intent,
    kind: MovementKind,
    movement_id: str,
    answer: protocol.Movement | None,
    *,
    operation: Operation,
    event_fields: dict[str, Any] | None = None,
    announce_failure: bool = True,
) -> tuple[Intent, Movement]:
    """Phase 5 of a capture, refund or reversal, under the intent's lock: record the answer on
    the pending movement and move the intent as ``operation`` says. A movement already settled
    (by recovery, or by a racing request) is left as it is; ``answer`` None leaves it pending. A
    declined or failed movement changes no status and no amount: it is recorded, and listed in
    ``paymentEvents`` (unless ``announce_failure`` is off: its caller reports it)."""
    if answer is None:
        found = await movements_repo.get_movement(conn, kind, movement_id)
        assert found is not None
        return intent, found
    now = ctx.clock()
    status = MOVEMENT_STATUS[answer.outcome]
    settled = await movements_repo.settle_movement(
        conn,
        kind,
        movement_id,
        status=status,
        message=answer.message,
        transaction_id=answer.transaction_id,
    )
    if settled is None:  # no longer pending: settled meanwhile, left as it is
        found = await movements_repo.get_movement(conn, kind, movement_id)
        assert found is not None
        return intent, found
    movement = settled
    fields = {"transaction_id": answer.transaction_id, "message": answer.message}
    fields |= event_fields or {}
    if status is MovementStatus.SUCCESSFUL:
        new = target(operation, intent.status, intent.capture_mode)
        if new is None:  # decided when the movement began; the rules forbid a change meanwhile
            log.error("%s %s settled on %s in status %s", kind, movement_id, intent.id, new)
        elif new is intent.status and kind is MovementKind.REVERSAL:  # a failed sale released
            await intents_repo.add_payment_event(conn, intent.id, "Reversed", now, **fields)
        else:
            intent = await set_status(conn, account, intent, new, now, event_fields=fields)
    elif announce_failure:
        event = "Declined" if status is MovementStatus.DECLINED else "Error"
        await intents_repo.add_payment_event(conn, intent.id, event, now, **fields)
    return intent, movement


Begin = Callable[[Conn, Intent, IntentState, str], Awaitable[Movement]]
Send = Callable[[dict[str, Any], Movement], Awaitable[protocol.Movement]]


async def run_movement(
    ctx: Context,
    account: Account,
    idem: IdempotencyKey | None,
    intent_id: str,
    *,
    kind: MovementKind,
    begin: Begin,
    send: Send,
    operation_of: Callable[[Movement], Operation],
    reply: Callable[[Movement, Intent], Reply],
) -> Reply:
    """A capture, refund or reversal asked for through the API, phase by phase: ``begin``
    writes the pending movement (with the id it is given), ``send`` asks the processor (with
    the authorization's ``processor_data``), ``reply`` says how it ended."""
    movement_id = new_id(PREFIX[kind], sandbox=account.sandbox)

    async def start(conn: Conn) -> tuple[Movement, dict[str, Any]]:
        intent = await load_for_update(conn, account, intent_id)
        state, ledger = await state_of(conn, intent)
        pending = await begin(conn, intent, state, movement_id)
        return pending, ledger.authorization.processor_data if ledger.authorization else {}

    async def call(started: tuple[Movement, dict[str, Any]]) -> protocol.Movement:
        return await send(started[1], started[0])

    async def finish(
        conn: Conn,
        started: tuple[Movement, dict[str, Any]],
        answer: protocol.Movement | None,
    ) -> Finished:
        pending = started[0]
        intent = await load_for_update(conn, account, intent_id)
        intent, movement = await settle(
            ctx, conn, account, intent, kind, pending.id, answer, operation=operation_of(pending)
        )
        return Finished(reply(movement, intent), movement.status is not MovementStatus.PENDING)

    return await run(ctx, account, idem, ref=movement_id, begin=start, call=call, finish=finish)
