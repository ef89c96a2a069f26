"""``client.webhooks`` (spec §5.1): subscriptions and their signing secrets."""

from collections.abc import Sequence
from typing import Any

from tender.client._http import AsyncHTTP, Call, SyncHTTP
from tender.client._ops import Op, T, body, model, nothing, seg
from tender.client.deliveries import AsyncDeliveries, Deliveries, event_op
from tender.client.models import (
    EventCatalogue,
    WebhookEvent,
    WebhookSecrets,
    WebhookSubscription,
)

_subscription = model(WebhookSubscription)
_secrets = model(WebhookSecrets)


def _path(subscription_id: str, *rest: str) -> str:
    return "/".join(["/webhooks", seg(subscription_id), *(seg(r) for r in rest)])


def _fields(
    url: str | None, events: Sequence[str] | None, description: str | None
) -> dict[str, Any]:
    return {
        "url": url,
        "events": list(events) if events is not None else None,
        "description": description,
    }


def events_op() -> Op[list[EventCatalogue]]:
    return Op(Call("GET", "/webhooks/events"), model(list[EventCatalogue]))


def list_op() -> Op[list[WebhookSubscription]]:
    return Op(Call("GET", "/webhooks"), model(list[WebhookSubscription]))


def create_op(
    url: str, events: Sequence[str], description: str | None, key: str | None
) -> Op[WebhookSubscription]:
    payload = body(url=url, events=list(events), description=description)
    return Op(Call("POST", "/webhooks", json=payload, idempotency_key=key), _subscription)


def get_op(subscription_id: str) -> Op[WebhookSubscription]:
    return Op(Call("GET", _path(subscription_id)), _subscription)


def update_op(
    subscription_id: str, fields: dict[str, Any], key: str | None
) -> Op[WebhookSubscription]:
    call = Call("PATCH", _path(subscription_id), json=body(**fields), idempotency_key=key)
    return Op(call, _subscription)


def delete_op(subscription_id: str, key: str | None) -> Op[None]:
    return Op(Call("DELETE", _path(subscription_id), idempotency_key=key), nothing)


def secrets_op(subscription_id: str) -> Op[WebhookSecrets]:
    return Op(Call("GET", _path(subscription_id, "secrets")), _secrets)


def new_secret_op(subscription_id: str, key: str | None) -> Op[WebhookSecrets]:
    call = Call("POST", _path(subscription_id, "secrets"), idempotency_key=key)
    return Op(call, _secrets)


def activate_op(subscription_id: str, secret_id: str, key: str | None) -> Op[None]:
    path = _path(subscription_id, "secrets", secret_id, "activate")
    return Op(Call("PUT", path, idempotency_key=key), nothing)


def delete_secret_op(subscription_id: str, secret_id: str, key: str | None) -> Op[None]:
    call = Call("DELETE", _path(subscription_id, "secrets", secret_id), idempotency_key=key)
    return Op(call, nothing)


class WebhookSecretsService:
    """Rotation: generate a new secret, activate it, delete the old one."""

    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def _run(self, op: Op[T]) -> T:
        return op.parse(self._http.send(op.call))

    def list(self, subscription_id: str) -> WebhookSecrets:
        return self._run(secrets_op(subscription_id))

    def create(self, subscription_id: str, *, idempotency_key: str | None = None) -> WebhookSecrets:
        return self._run(new_secret_op(subscription_id, idempotency_key))

    def activate(
        self, subscription_id: str, secret_id: str, *, idempotency_key: str | None = None
    ) -> None:
        self._run(activate_op(subscription_id, secret_id, idempotency_key))

    def delete(
        self, subscription_id: str, secret_id: str, *, idempotency_key: str | None = None
    ) -> None:
        self._run(delete_secret_op(subscription_id, secret_id, idempotency_key))


class Webhooks:
    def __init__(self, http: SyncHTTP) -> None:
        self._http = http
        self.secrets = WebhookSecretsService(http)
        self.deliveries = Deliveries(http)

    def _run(self, op: Op[T]) -> T:
        return op.parse(self._http.send(op.call))

    def events(self) -> list[EventCatalogue]:
        """The catalogue of events a subscription can name."""
        return self._run(events_op())

    def get_event(self, event_id: str) -> WebhookEvent:
        """An event of the account: the body receivers get, and its deliveries."""
        return self._run(event_op(event_id))

    def list(self) -> list[WebhookSubscription]:
        return self._run(list_op())

    def get(self, subscription_id: str) -> WebhookSubscription:
        return self._run(get_op(subscription_id))

    def create(
        self,
        *,
        url: str,
        events: Sequence[str],
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookSubscription:
        return self._run(create_op(url, events, description, idempotency_key))

    def update(
        self,
        subscription_id: str,
        *,
        url: str | None = None,
        events: Sequence[str] | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookSubscription:
        fields = _fields(url, events, description)
        return self._run(update_op(subscription_id, fields, idempotency_key))

    def delete(self, subscription_id: str, *, idempotency_key: str | None = None) -> None:
        self._run(delete_op(subscription_id, idempotency_key))


class AsyncWebhookSecretsService:
    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def _run(self, op: Op[T]) -> T:
        return op.parse(await self._http.send(op.call))

    async def list(self, subscription_id: str) -> WebhookSecrets:
        return await self._run(secrets_op(subscription_id))

    async def create(
        self, subscription_id: str, *, idempotency_key: str | None = None
    ) -> WebhookSecrets:
        return await self._run(new_secret_op(subscription_id, idempotency_key))

    async def activate(
        self, subscription_id: str, secret_id: str, *, idempotency_key: str | None = None
    ) -> None:
        await self._run(activate_op(subscription_id, secret_id, idempotency_key))

    async def delete(
        self, subscription_id: str, secret_id: str, *, idempotency_key: str | None = None
    ) -> None:
        await self._run(delete_secret_op(subscription_id, secret_id, idempotency_key))


class AsyncWebhooks:
    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http
        self.secrets = AsyncWebhookSecretsService(http)
        self.deliveries = AsyncDeliveries(http)

    async def _run(self, op: Op[T]) -> T:
        return op.parse(await self._http.send(op.call))

    async def events(self) -> list[EventCatalogue]:
        return await self._run(events_op())

    async def get_event(self, event_id: str) -> WebhookEvent:
        return await self._run(event_op(event_id))

    async def list(self) -> list[WebhookSubscription]:
        return await self._run(list_op())

    async def get(self, subscription_id: str) -> WebhookSubscription:
        return await self._run(get_op(subscription_id))

    async def create(
        self,
        *,
        url: str,
        events: Sequence[str],
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookSubscription:
        return await self._run(create_op(url, events, description, idempotency_key))

    async def update(
        self,
        subscription_id: str,
        *,
        url: str | None = None,
        events: Sequence[str] | None = None,
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookSubscription:
        fields = _fields(url, events, description)
        return await self._run(update_op(subscription_id, fields, idempotency_key))

    async def delete(self, subscription_id: str, *, idempotency_key: str | None = None) -> None:
        await self._run(delete_op(subscription_id, idempotency_key))
