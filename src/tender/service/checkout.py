"""Use cases of the hosted checkout page: open it (with a client session secret when the intent
can still be paid) and read what the result page shows.

The page is rendered by Tender itself, so it gets its secret here, server-side, rather than from a
public endpoint. Opening it reuses the intent's live secret: a visit (or a link previewer) must
never invalidate the secret a merchant's page holds, nor abandon a 3-D Secure challenge in
progress. Only when there is no live secret (none yet, spent or expired) is a new one issued.
"""

from dataclasses import dataclass
from typing import Any

from tender.domain.records import Intent
from tender.domain.status import Status
from tender.errors import NotFound
from tender.service.context import Context
from tender.service.intents import refresh
from tender.service.presenter import present
from tender.service.views import public_view
from tender.storage import intents as repo

PAID = {Status.AUTHORIZED, Status.CAPTURED}


@dataclass(frozen=True, slots=True)
class CheckoutView:
    """``state`` is what the page shows: pay, paid, refunded, reversed, canceled or expired."""

    state: str
    intent: dict[str, Any]


def _state(row: Intent, now: Any) -> str:
    if row.status is Status.CREATED:
        return "expired" if row.expire_at <= now else "pay"
    if row.status in PAID:
        return "paid"
    return row.status.value.lower()


async def open_checkout(ctx: Context, intent_id: str) -> CheckoutView:
    async with ctx.db.transaction() as conn:
        row = await repo.get_intent_any_account(conn, intent_id, for_update=True)
        if row is None:
            raise NotFound(f"No payment intent with id {intent_id}.")
        now = ctx.clock()
        state = _state(row, now)
        live = row.client_secret is not None and (
            row.client_secret_expires_at is not None and row.client_secret_expires_at > now
        )
        if state == "pay" and not live:
            row = await refresh(ctx, conn, row)
        intent = public_view(await present(ctx, conn, row), with_secret=state == "pay")
        return CheckoutView(state, intent)


async def result(ctx: Context, intent_id: str) -> CheckoutView:
    async with ctx.db.transaction(write=False) as conn:
        row = await repo.get_intent_any_account(conn, intent_id)
        if row is None:
            raise NotFound(f"No payment intent with id {intent_id}.")
        state = _state(row, ctx.clock())
        return CheckoutView(state, public_view(await present(ctx, conn, row), with_secret=False))
