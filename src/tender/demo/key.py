"""Where the demo shop's secret key comes from. A real shop reads it from its environment
(``TENDER_DEMO_KEY``); when that is unset the demo uses a random sandbox key that Tender generated
on its first start and keeps in the database (so restarts and every API process reuse it), and
registers it for the shop's own account."""

import asyncio
import contextlib
import os
from typing import Any

from sqlalchemy.exc import IntegrityError

from tender.errors import InvalidRequest
from tender.service import accounts, installation
from tender.service.context import Context

ACCOUNT_NAME = "Tender Coffee Roasters"


async def demo_key(ctx: Context, state: Any) -> str:
    """The key, registered once per application (``state`` is the app's state): the page's
    first requests arrive together, and only one of them may register it."""
    configured = os.environ.get("TENDER_DEMO_KEY")
    if configured:
        return configured
    known: str | None = getattr(state, "demo_key", None)
    if known:
        return known
    if getattr(state, "demo_key_lock", None) is None:
        state.demo_key_lock = asyncio.Lock()
    async with state.demo_key_lock:
        known = getattr(state, "demo_key", None)
        if not known:
            known = await installation.stored_secret(
                ctx, installation.DEMO_KEY, accounts.generate_key("sandbox")
            )
            # Already registered by an earlier start, or by another process just now.
            with contextlib.suppress(InvalidRequest, IntegrityError):
                await accounts.create_key(
                    ctx, account_name=ACCOUNT_NAME, environment="sandbox", key=known
                )
            state.demo_key = known
    return known
