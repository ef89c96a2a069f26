"""CORS for the customer-side endpoints only: a merchant's page (any origin) may read a public
intent and refresh its secret, as Dojo's SDKs do. Authenticated endpoints get no CORS headers, so
a browser never sends a secret key cross-origin on a page's behalf."""

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PUBLIC_PREFIXES = ("/payment-intents/public/", "/payments/v1/")
# A customer's saved cards: the customer secret travels in Authorization, never a cookie.
CUSTOMER_PREFIX = "/customers/public/"


class PublicCors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["version", "content-type"],
            max_age=600,
        )
        self.customer_cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "DELETE"],
            allow_headers=["version", "content-type", "authorization"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CUSTOMER_PREFIX):
            await self.customer_cors(scope, receive, send)
        elif scope["type"] == "http" and scope["path"].startswith(PUBLIC_PREFIXES):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
