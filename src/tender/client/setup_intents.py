"""``client.setup_intents``: a card kept for later merchant-initiated charges.

Create one, have the customer authorize a card on it with its client session secret (Dojo.js,
the hosted checkout at ``/checkout/{id}``, or ``test_helpers.pay`` in the sandbox), then create
payment intents with ``setup_intent_id=`` and ``payment_intents.charge`` them.
"""

from collections.abc import Mapping
from typing import Any

from tender.client._http import AsyncHTTP, Call, SyncHTTP
from tender.client._ops import MoneyLike, Op, T, body, model, seg
from tender.client.models import SetupIntent

_SI = "/setup-intents"
_setup = model(SetupIntent)


def create_op(
    reference: str,
    mit_type: str,
    terms: str,
    intended_amount: MoneyLike | None,
    idempotency_key: str | None,
    fields: Mapping[str, Any],
) -> Op[SetupIntent]:
    payload = body(
        reference=reference,
        merchant_initiated_transaction_type=mit_type,
        terms=terms,
        intended_amount=intended_amount,
        **fields,
    )
    return Op(Call("POST", _SI, json=payload, idempotency_key=idempotency_key), _setup)


def get_op(setup_id: str) -> Op[SetupIntent]:
    return Op(Call("GET", f"{_SI}/{seg(setup_id)}"), _setup)


def cancel_op(setup_id: str, key: str | None) -> Op[SetupIntent]:
    return Op(Call("DELETE", f"{_SI}/{seg(setup_id)}", idempotency_key=key), _setup)


def refresh_op(setup_id: str, key: str | None) -> Op[SetupIntent]:
    path = f"{_SI}/{seg(setup_id)}/refresh-client-session-secret"
    return Op(Call("POST", path, idempotency_key=key), _setup)


class SetupIntents:
    """Create, read, cancel (or close) setup intents and refresh their secrets."""

    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def _run(self, op: Op[T]) -> T:
        return op.parse(self._http.send(op.call))

    def create(
        self,
        *,
        reference: str,
        terms: str,
        merchant_initiated_transaction_type: str = "NoShow",
        intended_amount: MoneyLike | None = None,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> SetupIntent:
        """``POST /setup-intents``. ``NoShow`` is charged once; ``Unscheduled`` any number
        of times. Other request fields as keywords (``customer=``, ``config=``…)."""
        op = create_op(
            reference, merchant_initiated_transaction_type, terms, intended_amount,
            idempotency_key, fields,
        )  # fmt: skip
        return self._run(op)

    def get(self, setup_id: str) -> SetupIntent:
        return self._run(get_op(setup_id))

    def cancel(self, setup_id: str, *, idempotency_key: str | None = None) -> SetupIntent:
        """``Created`` → ``Canceled``; ``Authorized`` → ``Closed`` (no more charges)."""
        return self._run(cancel_op(setup_id, idempotency_key))

    def refresh_secret(self, setup_id: str, *, idempotency_key: str | None = None) -> SetupIntent:
        return self._run(refresh_op(setup_id, idempotency_key))


class AsyncSetupIntents:
    """``SetupIntents`` for asyncio."""

    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def _run(self, op: Op[T]) -> T:
        return op.parse(await self._http.send(op.call))

    async def create(
        self,
        *,
        reference: str,
        terms: str,
        merchant_initiated_transaction_type: str = "NoShow",
        intended_amount: MoneyLike | None = None,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> SetupIntent:
        op = create_op(
            reference, merchant_initiated_transaction_type, terms, intended_amount,
            idempotency_key, fields,
        )  # fmt: skip
        return await self._run(op)

    async def get(self, setup_id: str) -> SetupIntent:
        return await self._run(get_op(setup_id))

    async def cancel(self, setup_id: str, *, idempotency_key: str | None = None) -> SetupIntent:
        return await self._run(cancel_op(setup_id, idempotency_key))

    async def refresh_secret(
        self, setup_id: str, *, idempotency_key: str | None = None
    ) -> SetupIntent:
        return await self._run(refresh_op(setup_id, idempotency_key))
