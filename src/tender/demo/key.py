"""Where the demo shop's secret key comes from. A real shop reads it from its environment
(``TENDER_DEMO_KEY``); when that is unset the demo registers a sandbox key of its own, derived from
the server's settings so restarts reuse it instead of piling up keys."""

import base64
import contextlib
import hashlib
import hmac
import os

from tender.config import Settings
from tender.errors import InvalidRequest
from tender.service import accounts
from tender.service.context import Context

ACCOUNT_NAME = "Tender Coffee Roasters"


def derived_key(settings: Settings) -> str:
    digest = hmac.new(settings.fingerprint_key.encode(), b"tender demo shop", hashlib.sha256)
    return "sk_sandbox_demo_" + base64.urlsafe_b64encode(digest.digest()[:24]).decode()


async def demo_key(ctx: Context) -> str:
    configured = os.environ.get("TENDER_DEMO_KEY")
    if configured:
        return configured
    key = derived_key(ctx.settings)
    with contextlib.suppress(InvalidRequest):  # registered on an earlier start
        await accounts.create_key(ctx, account_name=ACCOUNT_NAME, environment="sandbox", key=key)
    return key
