"""Response models of the webhook endpoints (spec §5.1 and Tender's delivery-log extensions).
They document ``/openapi.json``; tests validate real answers against them."""

from typing import Any

from pydantic import Field

from tender.api.schemas import Out


class EventCatalogueEntry(Out):
    model: str = Field(examples=["PaymentIntent"])
    events: list[str]


class WebhookSecret(Out):
    id: str = Field(examples=["sc_sandbox_hnnHxIKR_Uy6bhZCusCltw"])
    value: str = Field(description="HMAC-SHA256 key of the dojo-signature header")
    created_at: str
    last_used_at: str | None = None
    is_active: bool


class Subscription(Out):
    id: str = Field(examples=["ws_sandbox_hnnHxIKR_Uy6bhZCusCltw"])
    account_id: str
    events: list[str]
    url: str
    description: str | None = None
    secrets: list[WebhookSecret]
    created_at: str
    updated_at: str


class SubscriptionSecrets(Out):
    id: str
    secrets: list[WebhookSecret]


class Attempt(Out):
    id: str
    number: int
    url: str
    started_at: str
    duration_ms: int
    status_code: int | None = None
    response_body: str | None = Field(default=None, description="The first 2 KiB of the answer")
    error: str | None = None
    secret_id: str | None = Field(default=None, description="The secret that signed it")


class Delivery(Out):
    id: str = Field(examples=["dlv_sandbox_hnnHxIKR_Uy6bhZCusCltw"])
    subscription_id: str
    event_id: str
    event: str
    payment_intent_id: str | None = None
    status: str = Field(description="pending, delivered, failed (gave up) or canceled")
    attempt_count: int
    next_attempt_at: str | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: str | None = None
    created_at: str
    updated_at: str
    attempts: list[Attempt] | None = Field(default=None, description="On single deliveries")


class DeliveryPage(Out):
    data: list[Delivery]
    next: int | None = Field(description="Pass as `before` for older deliveries")


class EventRecord(Out):
    id: str
    seq: int
    event: str
    payment_intent_id: str | None = None
    created_at: str
    payload: dict[str, Any] = Field(description="The body sent to receivers (spec §5.3)")
    deliveries: list[Delivery]


class StreamItem(Out):
    seq: int
    event: dict[str, Any]


class EventStream(Out):
    data: list[StreamItem]
    cursor: int = Field(
        description="Pass as `after` to get the events that follow (a position in this "
        "account's own events)"
    )
