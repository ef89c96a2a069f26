"""``client.webhooks.deliveries`` and ``client.webhooks.get_event``: Tender's delivery log
(extensions to Dojo's API): what was sent where, every attempt, and re-sending."""

from collections.abc import AsyncIterator, Iterator

from tender.client._http import AsyncHTTP, Call, SyncHTTP
from tender.client._ops import Op, T, model, seg
from tender.client.models import DeliveryPage, WebhookDelivery, WebhookEvent

_delivery = model(WebhookDelivery)


def _path(subscription_id: str, *rest: str) -> str:
    return "/".join(["/webhooks", seg(subscription_id), *(seg(r) for r in rest)])


def page_op(
    subscription_id: str, status: str | None, limit: int, before: int | None
) -> Op[DeliveryPage]:
    params = {"status": status, "limit": limit, "before": before}
    call = Call("GET", _path(subscription_id, "deliveries"), params=params)
    return Op(call, model(DeliveryPage))


def get_op(subscription_id: str, delivery_id: str) -> Op[WebhookDelivery]:
    return Op(Call("GET", _path(subscription_id, "deliveries", delivery_id)), _delivery)


def redeliver_op(subscription_id: str, delivery_id: str, key: str | None) -> Op[WebhookDelivery]:
    path = _path(subscription_id, "deliveries", delivery_id, "redeliver")
    return Op(Call("POST", path, idempotency_key=key), _delivery)


def send_event_op(subscription_id: str, event_id: str, key: str | None) -> Op[WebhookDelivery]:
    path = _path(subscription_id, "events", event_id, "send")
    return Op(Call("POST", path, idempotency_key=key), _delivery)


def event_op(event_id: str) -> Op[WebhookEvent]:
    return Op(Call("GET", f"/webhooks/events/{seg(event_id)}"), model(WebhookEvent))


class Deliveries:
    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def _run(self, op: Op[T]) -> T:
        return op.parse(self._http.send(op.call))

    def list(
        self, subscription_id: str, *, status: str | None = None, page_size: int = 50
    ) -> Iterator[WebhookDelivery]:
        """A subscription's deliveries, newest first, across pages."""
        before: int | None = None
        while True:
            page = self._run(page_op(subscription_id, status, page_size, before))
            yield from page.data
            if page.next is None or not page.data:
                return
            before = page.next

    def get(self, subscription_id: str, delivery_id: str) -> WebhookDelivery:
        """One delivery with every attempt."""
        return self._run(get_op(subscription_id, delivery_id))

    def redeliver(
        self, subscription_id: str, delivery_id: str, *, idempotency_key: str | None = None
    ) -> WebhookDelivery:
        """Send it again (same event id) with a fresh retry budget."""
        return self._run(redeliver_op(subscription_id, delivery_id, idempotency_key))

    def send_event(
        self, subscription_id: str, event_id: str, *, idempotency_key: str | None = None
    ) -> WebhookDelivery:
        """Send any event of the account to this subscription."""
        return self._run(send_event_op(subscription_id, event_id, idempotency_key))


class AsyncDeliveries:
    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def _run(self, op: Op[T]) -> T:
        return op.parse(await self._http.send(op.call))

    async def list(
        self, subscription_id: str, *, status: str | None = None, page_size: int = 50
    ) -> AsyncIterator[WebhookDelivery]:
        before: int | None = None
        while True:
            page = await self._run(page_op(subscription_id, status, page_size, before))
            for delivery in page.data:
                yield delivery
            if page.next is None or not page.data:
                return
            before = page.next

    async def get(self, subscription_id: str, delivery_id: str) -> WebhookDelivery:
        return await self._run(get_op(subscription_id, delivery_id))

    async def redeliver(
        self, subscription_id: str, delivery_id: str, *, idempotency_key: str | None = None
    ) -> WebhookDelivery:
        return await self._run(redeliver_op(subscription_id, delivery_id, idempotency_key))

    async def send_event(
        self, subscription_id: str, event_id: str, *, idempotency_key: str | None = None
    ) -> WebhookDelivery:
        return await self._run(send_event_op(subscription_id, event_id, idempotency_key))
