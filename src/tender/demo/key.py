"""Where the demo shop's secret key comes from. A real shop reads it from its environment
(``TENDER_DEMO_KEY``); when that is unset the demo registers a sandbox key of its own, derived from
the server's settings so restarts reuse it instead of piling up keys."""

import asyncio
import base64
import contextlib
import hashlib
import hmac
import os
from typing import Any

from sqlalchemy.exc import IntegrityError

from tender.config import Settings
from tender.errors import InvalidRequest
from tender.service import accounts
from tender.service.context import Context

ACCOUNT_NAME = "Tender Coffee Roasters"


def derived_key(settings: Settings) -> str:
    digest = hmac.new(settings.fingerprint_key.encode(), b"tender demo shop", hashlib.sha256)
    return "sk_sandbox_demo_" + base64.urlsafe_b64encode(digest.digest()[:24]).decode()


async def demo_key(ctx: Context, state: Any) -> str:
    """The key, registered once per application (``state`` is the app's state): the page's
    first requests arrive together, and only one of them may register it."""
    configured = os.environ.get("TENDER_DEMO_KEY")
    if configured:
        return configured
    key = derived_key(ctx.settings)
    if getattr(state, "demo_key", None) == key:
        return key
    if getattr(state, "demo_key_lock", None) is None:
        state.demo_key_lock = asyncio.Lock()
    async with state.demo_key_lock:
        if getattr(state, "demo_key", None) != key:
            # Already registered by an earlier start, or by another process just now.
            with contextlib.suppress(InvalidRequest, IntegrityError):
                await accounts.create_key(
                    ctx, account_name=ACCOUNT_NAME, environment="sandbox", key=key
                )
            state.demo_key = key
    return key
