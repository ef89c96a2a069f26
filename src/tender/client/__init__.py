"""Tender's Python SDK: one client object, resource services as attributes, one error map.

    from tender.client import Tender

    tender = Tender("sk_sandbox_…", base_url="http://127.0.0.1:8000")
    intent = tender.payment_intents.create(
        amount={"value": 1000, "currencyCode": "GBP"}, reference="Order 245"
    )

``AsyncTender`` is the same client for asyncio. Imports only httpx, pydantic and the standard
library — never the server — so merchants install and import it anywhere.
"""

import os
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

import httpx

from tender.client._http import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DEFAULT_VERSION,
    AsyncHTTP,
    SyncHTTP,
)
from tender.client.customers import AsyncCustomers, Customers
from tender.client.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CaptureDeclinedError,
    ConflictError,
    DeclinedError,
    IdempotencyError,
    InvalidRequestError,
    MethodNotAllowedError,
    MovementFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RefundDeclinedError,
    ReversalDeclinedError,
    ServerError,
    StateConflictError,
)
from tender.client.models import (
    CaptureResult,
    ChargeResult,
    Customer,
    CustomerPaymentMethods,
    CustomerSecret,
    Money,
    PaymentIntent,
    Refund,
    ReversalResult,
    SearchPage,
    SetupIntent,
    TransactionResult,
    WebhookSubscription,
)
from tender.client.payment_intents import (
    AsyncPaymentIntents,
    AsyncRefunds,
    PaymentIntents,
    Refunds,
)
from tender.client.setup_intents import AsyncSetupIntents, SetupIntents
from tender.client.test_helpers import AsyncTestHelpers, TestHelpers
from tender.client.webhooks import AsyncWebhooks, Webhooks

__all__ = [
    "APIConnectionError",
    "APIError",
    "AsyncTender",
    "AuthenticationError",
    "CaptureDeclinedError",
    "CaptureResult",
    "ChargeResult",
    "ConflictError",
    "Customer",
    "CustomerPaymentMethods",
    "CustomerSecret",
    "DeclinedError",
    "IdempotencyError",
    "InvalidRequestError",
    "MethodNotAllowedError",
    "Money",
    "MovementFailedError",
    "NotFoundError",
    "PaymentIntent",
    "PermissionDeniedError",
    "RateLimitError",
    "Refund",
    "RefundDeclinedError",
    "ReversalDeclinedError",
    "ReversalResult",
    "SearchPage",
    "ServerError",
    "SetupIntent",
    "StateConflictError",
    "Tender",
    "TransactionResult",
    "WebhookSubscription",
]


def _key(api_key: str | None) -> str | None:
    return api_key if api_key is not None else os.environ.get("TENDER_API_KEY")


class Tender:
    """A blocking client. ``api_key`` defaults to ``TENDER_API_KEY``; ``max_retries`` extra
    attempts are made on connection errors, 409 in-flight, 429 and 5xx, waiting
    ``retry_delay * 2**n`` seconds (``sleep`` is injectable, e.g. to drive a test clock)."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_delay: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._http = SyncHTTP(
            _key(api_key),
            base_url=base_url,
            version=version,
            timeout=timeout,
            max_retries=max_retries,
            retry_delay=retry_delay,
            transport=transport,
            sleep=sleep,
        )
        self.payment_intents = PaymentIntents(self._http)
        self.setup_intents = SetupIntents(self._http)
        self.refunds = Refunds(self._http)
        self.webhooks = Webhooks(self._http)
        self.customers = Customers(self._http)
        self.test_helpers = TestHelpers(self._http)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncTender:
    """``Tender`` for asyncio: the same services, with awaitable methods."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_delay: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._http = AsyncHTTP(
            _key(api_key),
            base_url=base_url,
            version=version,
            timeout=timeout,
            max_retries=max_retries,
            retry_delay=retry_delay,
            transport=transport,
            sleep=sleep,
        )
        self.payment_intents = AsyncPaymentIntents(self._http)
        self.setup_intents = AsyncSetupIntents(self._http)
        self.refunds = AsyncRefunds(self._http)
        self.webhooks = AsyncWebhooks(self._http)
        self.customers = AsyncCustomers(self._http)
        self.test_helpers = AsyncTestHelpers(self._http)

    async def close(self) -> None:
        await self._http.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
