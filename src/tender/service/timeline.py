"""A payment as the dashboard shows it: the intent's wire view (amounts, card, customer,
addresses, metadata) and one timeline, in time order, of everything that happened to it —
creation, each attempt and its 3-D Secure step, captures, refunds, reversals, cancellation,
and every webhook event about it with each delivery attempt."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tender.domain.money import format_amount
from tender.domain.records import Attempt, Capture, Movement, Refund, Reversal
from tender.domain.status import AttemptState, MovementStatus
from tender.errors import NotFound
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.intents import check_id
from tender.service.presenter import present
from tender.storage import history
from tender.storage import intents as intents_repo
from tender.storage.records import AttemptedDelivery, OutboxEvent

_OUTCOMES = {
    AttemptState.SUCCEEDED: ("Payment authorized", "success"),
    AttemptState.DECLINED: ("Payment declined", "failure"),
    AttemptState.REFERRED: ("Payment referred by the issuer", "failure"),
    AttemptState.FAILED: ("Payment failed at the acquirer", "failure"),
    AttemptState.ABANDONED: ("Challenge abandoned (secret refreshed)", "neutral"),
}


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    kind: str  # created | attempt | threeds | capture | refund | reversal | status | webhook
    title: str
    detail: str
    tone: str  # success | failure | neutral | pending


@dataclass(frozen=True, slots=True)
class PaymentView:
    intent: dict[str, Any]
    timeline: list[Entry]


def _card(attempt: Attempt) -> str:
    if attempt.card_masked:
        return f"{attempt.card_brand or 'Card'} {attempt.card_masked}"
    return attempt.method


def _attempt_entries(attempt: Attempt, currency: str) -> list[Entry]:
    amount = format_amount(attempt.amount, currency)
    how = "wallet" if attempt.method != "Card" else "card"
    entries = [
        Entry(attempt.created_at, "attempt", f"{amount} {how} payment started", _card(attempt),
              "neutral")
    ]  # fmt: skip
    if attempt.three_ds == "challenge":
        entries.append(
            Entry(attempt.created_at, "threeds", "3-D Secure challenge sent to the cardholder",
                  "The issuer asked the cardholder to authenticate.", "pending")
        )  # fmt: skip
    elif attempt.three_ds == "frictionless":
        entries.append(
            Entry(attempt.created_at, "threeds", "3-D Secure: frictionless",
                  "The issuer authenticated the cardholder without a challenge.", "success")
        )  # fmt: skip
    if attempt.completed_at is not None and attempt.state in _OUTCOMES:
        title, tone = _OUTCOMES[attempt.state]
        code = f" · auth code {attempt.auth_code}" if attempt.auth_code else ""
        detail = attempt.message + code
        if attempt.three_ds == "challenge" and attempt.state is not AttemptState.ABANDONED:
            title = "Challenge answered · " + title
        entries.append(Entry(attempt.completed_at, "attempt", title, detail, tone))
    elif attempt.state is AttemptState.CHALLENGED:
        entries.append(
            Entry(attempt.created_at, "threeds", "Waiting for the cardholder",
                  "The challenge has not been answered yet.", "pending")
        )  # fmt: skip
    return entries


_UNSETTLED = {
    MovementStatus.PENDING: ("waiting for the acquirer", "pending"),
    MovementStatus.DECLINED: ("declined", "failure"),
    MovementStatus.FAILED: ("failed at the acquirer", "failure"),
}


def _movement_entry(
    movement: Movement, kind: str, done: str, amount: str, detail: str, ok_tone: str
) -> Entry:
    """A capture, refund or reversal: done, or still pending, declined or failed."""
    if movement.status is MovementStatus.SUCCESSFUL:
        return Entry(movement.created_at, kind, f"{amount} {done}", detail, ok_tone)
    what, tone = _UNSETTLED[movement.status]
    title = f"{kind.capitalize()} of {amount} {what}"
    return Entry(movement.created_at, kind, title, movement.message or detail, tone)


def _movement_entries(
    caps: Sequence[Capture], refs: Sequence[Refund], revs: Sequence[Reversal], currency: str
) -> list[Entry]:
    out = []
    for c in caps:
        amount = format_amount(c.amount + c.tips_amount, currency)
        out.append(_movement_entry(c, "capture", "captured", amount, c.message, "success"))
    for r in refs:
        reason = f"Reason: {r.refund_reason}" if r.refund_reason else "No reason given"
        amount = format_amount(r.amount, currency)
        out.append(_movement_entry(r, "refund", "refunded", amount, reason, "neutral"))
    for v in revs:
        why = {"requested": "requested", "expired": "the authorization expired"}.get(
            v.reason, "the capture after the authorization failed"
        )
        amount = format_amount(v.amount, currency)
        out.append(
            _movement_entry(v, "reversal", "reversed", amount, f"Reversal: {why}", "neutral")
        )
    return out


def _webhook_entries(
    events: Sequence[OutboxEvent], deliveries: Sequence[AttemptedDelivery]
) -> list[Entry]:
    by_seq: dict[int, list[AttemptedDelivery]] = {}
    for d in deliveries:
        by_seq.setdefault(d.event_seq, []).append(d)
    out = []
    for event in events:
        sent = by_seq.get(event.seq, [])
        subscribers = len({d.delivery_id for d in sent})
        detail = f"{event.id} · sent to {subscribers} subscription(s)" if sent else event.id
        out.append(Entry(event.created_at, "webhook", f"Event {event.event}", detail, "neutral"))
        for d in sent:
            if d.started_at is None:  # not attempted yet
                out.append(
                    Entry(d.delivery_created_at, "webhook", f"Delivery to {d.url} queued",
                          f"Status: {d.delivery_status}", "pending")
                )  # fmt: skip
                continue
            ok = d.status_code is not None and 200 <= d.status_code < 300
            answer = f"HTTP {d.status_code}" if d.status_code is not None else (d.error or "error")
            out.append(
                Entry(d.started_at, "webhook", f"Webhook delivered to {d.url}" if ok
                      else f"Webhook delivery to {d.url} failed",
                      f"Attempt {d.number}: {answer} in {d.duration_ms} ms",
                      "success" if ok else "failure")
            )  # fmt: skip
    return out


async def payment(ctx: Context, account: Account, intent_id: str) -> PaymentView:
    """NotFound for unknown ids and other accounts' intents alike."""
    check_id(intent_id)
    async with ctx.db.transaction(write=False) as conn:
        found = await intents_repo.get_intent(conn, account.id, intent_id)
        if found is None:
            raise NotFound(f"No payment intent with id {intent_id}.")
        intent = await present(ctx, conn, found)
        attempts = await history.attempts(conn, found.id)
        caps, refs, revs = await history.movements(conn, found.id)
        statuses = await intents_repo.list_payment_events(conn, [found.id])
        events = await history.webhook_events(conn, found.id)
        deliveries = await history.delivery_attempts(conn, [e.seq for e in events])
    entries = [
        Entry(found.created_at, "created", "Payment intent created",
              f"{format_amount(intent['totalAmount']['value'], found.currency)} · "
              f"{found.capture_mode} capture", "neutral")
    ]  # fmt: skip
    for attempt in attempts:
        entries += _attempt_entries(attempt, found.currency)
    entries += _movement_entries(caps, refs, revs, found.currency)
    for s in statuses:
        if s.event_type == "Canceled":
            entries.append(Entry(s.created_at, "status", "Payment intent canceled", "", "neutral"))
    entries += _webhook_entries(events, deliveries)
    order = {"created": 0, "attempt": 1, "threeds": 2}
    entries.sort(key=lambda e: (e.at, order.get(e.kind, 3)))
    return PaymentView(intent=intent, timeline=entries)
