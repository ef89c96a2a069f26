"""``client.customers``: Dojo's Customers API — customers, customer secrets, and the
customer-side saved-card calls (authorized by a customer secret, not the API key)."""

from collections.abc import Iterator
from typing import Any

from tender.client._http import AsyncHTTP, Call, SyncHTTP
from tender.client._ops import Op, T, body, model, nothing, seg
from tender.client.models import (
    Customer,
    CustomerPage,
    CustomerPaymentMethods,
    CustomerSecret,
)

_C = "/customers"
_customer = model(Customer)
_customers = model(list[Customer])


def _public(customer_id: str, secret: str, suffix: str = "", method: str = "GET") -> Call:
    """A customer-side call: the customer secret is the credential, never the API key."""
    path = f"{_C}/public/{seg(customer_id)}/payment-methods{suffix}"
    headers = {"Authorization": f"Basic {secret}"}
    return Call(method, path, authenticated=False, headers=headers)


class _Ops:
    def _create(self, fields: dict[str, Any], key: str | None) -> Op[Customer]:
        return Op(Call("POST", _C, json=body(**fields), idempotency_key=key), _customer)

    def _get_many(self, ids: list[str]) -> Op[list[Customer]]:
        return Op(Call("GET", f"{_C}/{','.join(seg(i) for i in ids)}"), _customers)

    def _update(self, customer_id: str, fields: dict[str, Any], key: str | None) -> Op[Customer]:
        payload = {k: v for k, v in body(**fields).items()}
        call = Call("PATCH", f"{_C}/{seg(customer_id)}", json=payload, idempotency_key=key)
        return Op(call, _customer)

    def _delete(self, customer_id: str, key: str | None) -> Op[None]:
        return Op(Call("DELETE", f"{_C}/{seg(customer_id)}", idempotency_key=key), nothing)

    def _search(self, limit: int, before: str | None, after: str | None) -> Op[CustomerPage]:
        payload = body(limit=limit, before=before, after=after)
        call = Call("POST", f"{_C}/search", json=payload, mutating=False)
        return Op(call, model(CustomerPage))

    def _secret(self, customer_id: str) -> Op[CustomerSecret]:
        # Not retried: each call issues a new secret (none is stored in clear to replay).
        call = Call("POST", f"{_C}/{seg(customer_id)}/create-secret", retries=False)
        return Op(call, model(CustomerSecret))

    def _methods(self, customer_id: str, secret: str) -> Op[CustomerPaymentMethods]:
        return Op(_public(customer_id, secret), model(CustomerPaymentMethods))

    def _delete_method(self, customer_id: str, secret: str, method_id: str) -> Op[None]:
        return Op(_public(customer_id, secret, f"/{seg(method_id)}", "DELETE"), nothing)


class Customers(_Ops):
    """Customers and their saved cards."""

    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def _run(self, op: Op[T]) -> T:
        return op.parse(self._http.send(op.call))

    def create(self, *, idempotency_key: str | None = None, **fields: Any) -> Customer:
        """``POST /customers`` (``name=``, ``email_address=``, ``phone_number=``…)."""
        return self._run(self._create(fields, idempotency_key))

    def get(self, customer_id: str) -> Customer:
        return self._run(self._get_many([customer_id]))[0]

    def get_many(self, customer_ids: list[str]) -> list[Customer]:
        """``GET /customers/{a,b,…}``: the ones that exist, in the order asked."""
        return self._run(self._get_many(customer_ids))

    def update(
        self, customer_id: str, *, idempotency_key: str | None = None, **fields: Any
    ) -> Customer:
        """``PATCH``: the fields given replace the stored ones."""
        return self._run(self._update(customer_id, fields, idempotency_key))

    def delete(self, customer_id: str, *, idempotency_key: str | None = None) -> None:
        self._run(self._delete(customer_id, idempotency_key))

    def search_page(
        self, *, limit: int = 50, before: str | None = None, after: str | None = None
    ) -> CustomerPage:
        return self._run(self._search(limit, before, after))

    def search(self, *, page_size: int = 50) -> Iterator[Customer]:
        """Every customer, newest first, a page at a time."""
        after = None
        while True:
            page = self.search_page(limit=page_size, after=after)
            yield from page.data
            if not page.after or not page.data:
                return
            after = page.after

    def create_secret(self, customer_id: str) -> CustomerSecret:
        return self._run(self._secret(customer_id))

    def list_payment_methods(self, customer_id: str, *, secret: str) -> CustomerPaymentMethods:
        """Customer side: the saved cards ``secret`` (a customer secret) opens."""
        return self._run(self._methods(customer_id, secret))

    def delete_payment_method(self, customer_id: str, method_id: str, *, secret: str) -> None:
        self._run(self._delete_method(customer_id, secret, method_id))


class AsyncCustomers(_Ops):
    """``Customers`` for ``AsyncTender``."""

    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def _run(self, op: Op[T]) -> T:
        return op.parse(await self._http.send(op.call))

    async def create(self, *, idempotency_key: str | None = None, **fields: Any) -> Customer:
        return await self._run(self._create(fields, idempotency_key))

    async def get(self, customer_id: str) -> Customer:
        return (await self._run(self._get_many([customer_id])))[0]

    async def get_many(self, customer_ids: list[str]) -> list[Customer]:
        return await self._run(self._get_many(customer_ids))

    async def update(
        self, customer_id: str, *, idempotency_key: str | None = None, **fields: Any
    ) -> Customer:
        return await self._run(self._update(customer_id, fields, idempotency_key))

    async def delete(self, customer_id: str, *, idempotency_key: str | None = None) -> None:
        await self._run(self._delete(customer_id, idempotency_key))

    async def search_page(
        self, *, limit: int = 50, before: str | None = None, after: str | None = None
    ) -> CustomerPage:
        return await self._run(self._search(limit, before, after))

    async def search(self, *, page_size: int = 50) -> Any:
        """Every customer, newest first (an async iterator)."""
        after = None
        while True:
            page = await self.search_page(limit=page_size, after=after)
            for item in page.data:
                yield item
            if not page.after or not page.data:
                return
            after = page.after

    async def create_secret(self, customer_id: str) -> CustomerSecret:
        return await self._run(self._secret(customer_id))

    async def list_payment_methods(
        self, customer_id: str, *, secret: str
    ) -> CustomerPaymentMethods:
        return await self._run(self._methods(customer_id, secret))

    async def delete_payment_method(self, customer_id: str, method_id: str, *, secret: str) -> None:
        await self._run(self._delete_method(customer_id, secret, method_id))
