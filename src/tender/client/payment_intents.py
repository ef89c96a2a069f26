"""``client.payment_intents`` and ``client.refunds`` (spec §2.1): every payment-intent call."""

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from tender.client._http import AsyncHTTP, Call, SyncHTTP
from tender.client._ops import MoneyLike, Op, T, body, model, nothing, seg, statuses_list
from tender.client.models import (
    CaptureResult,
    ChargeResult,
    PaymentIntent,
    Refund,
    ReversalResult,
    SearchPage,
)

_PI = "/payment-intents"
_intent = model(PaymentIntent)


def create_op(
    amount: MoneyLike, reference: str, idempotency_key: str | None, fields: Mapping[str, Any]
) -> Op[PaymentIntent]:
    payload = body(amount=amount, reference=reference, **fields)
    return Op(Call("POST", _PI, json=payload, idempotency_key=idempotency_key), _intent)


def get_op(intent_id: str, return_canceled: bool) -> Op[PaymentIntent]:
    params = {"returnCanceled": "true"} if return_canceled else None
    return Op(Call("GET", f"{_PI}/{seg(intent_id)}", params=params), _intent)


def search_op(
    statuses: Sequence[str] | str | None,
    start_date: datetime | str | None,
    end_date: datetime | str | None,
    limit: int,
    before: str | None,
    after: str | None,
) -> Op[SearchPage]:
    payload = body(
        statuses=statuses_list(statuses),
        start_date=start_date,
        end_date=end_date,
        cursor=body(limit=limit, before=before, after=after),
    )
    return Op(Call("POST", f"{_PI}/search", json=payload, mutating=False), model(SearchPage))


def action_op(
    intent_id: str,
    suffix: str,
    payload: Any,
    idempotency_key: str | None,
    parse: Any = _intent,
    method: str = "POST",
) -> Op[Any]:
    path = f"{_PI}/{seg(intent_id)}{suffix}"
    return Op(Call(method, path, json=payload, idempotency_key=idempotency_key), parse)


class _Base:
    def _cancel(self, intent_id: str, key: str | None) -> Op[PaymentIntent]:
        return action_op(intent_id, "", None, key, method="DELETE")

    def _amount(
        self, intent_id: str, amount: MoneyLike, lines: dict[str, Any], key: str | None
    ) -> Op[PaymentIntent]:
        return action_op(intent_id, "/amount", body(amount=amount, **lines), key)

    def _tips(self, intent_id: str, tips: MoneyLike, key: str | None) -> Op[PaymentIntent]:
        return action_op(intent_id, "/tips-amount", body(tips_amount=tips), key)

    def _refresh(self, intent_id: str, key: str | None) -> Op[PaymentIntent]:
        return action_op(intent_id, "/refresh-client-session-secret", None, key)

    def _capture(
        self, intent_id: str, amount: int, tips: int | None, key: str | None
    ) -> Op[CaptureResult]:
        payload = body(amount=amount, tips_amount=tips)
        return action_op(intent_id, "/captures", payload, key, model(CaptureResult))

    def _reverse(self, intent_id: str, key: str | None) -> Op[ReversalResult]:
        return action_op(intent_id, "/reversal", None, key, model(ReversalResult))

    def _refund(
        self,
        intent_id: str,
        amount: int,
        reason: str | None,
        notes: str | None,
        key: str | None,
    ) -> Op[Refund]:
        payload = body(amount=amount, refund_reason=reason, notes=notes)
        return action_op(intent_id, "/refunds", payload, key, model(Refund))

    def _charge(self, intent_id: str, key: str | None) -> Op[ChargeResult]:
        return action_op(intent_id, "/charge", None, key, model(ChargeResult))

    def _receipt(self, intent_id: str, emails: Sequence[str], key: str | None) -> Op[None]:
        return action_op(intent_id, "/receipt", body(emails=list(emails)), key, nothing)


class PaymentIntents(_Base):
    """Create, read, search and move payment intents through their lifecycle."""

    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def _run(self, op: Op[T]) -> T:
        return op.parse(self._http.send(op.call))

    def create(
        self,
        *,
        amount: MoneyLike,
        reference: str,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> PaymentIntent:
        """``POST /payment-intents``. Other request fields as keywords, snake_case or
        camelCase (``capture_mode="Manual"``, ``config={"payment": {"tipsAllowed": True}}``)."""
        return self._run(create_op(amount, reference, idempotency_key, fields))

    def get(self, intent_id: str, *, return_canceled: bool = False) -> PaymentIntent:
        return self._run(get_op(intent_id, return_canceled))

    def search_page(
        self,
        *,
        statuses: Sequence[str] | str | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        limit: int = 50,
        before: str | None = None,
        after: str | None = None,
    ) -> SearchPage:
        """One page of ``POST /payment-intents/search`` (newest first)."""
        return self._run(search_op(statuses, start_date, end_date, limit, before, after))

    def search(
        self,
        *,
        statuses: Sequence[str] | str | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        page_size: int = 50,
    ) -> Iterator[PaymentIntent]:
        """Every matching intent, newest first, fetching pages as the iteration needs them."""
        after = None
        while True:
            page = self.search_page(
                statuses=statuses,
                start_date=start_date,
                end_date=end_date,
                limit=page_size,
                after=after,
            )
            yield from page.data
            if not page.after or not page.data:
                return
            after = page.after

    def cancel(self, intent_id: str, *, idempotency_key: str | None = None) -> PaymentIntent:
        return self._run(self._cancel(intent_id, idempotency_key))

    def change_amount(
        self,
        intent_id: str,
        *,
        amount: MoneyLike,
        item_lines: Sequence[Mapping[str, Any]] | None = None,
        tax_lines: Sequence[Mapping[str, Any]] | None = None,
        idempotency_key: str | None = None,
    ) -> PaymentIntent:
        lines = {"item_lines": item_lines, "tax_lines": tax_lines}
        return self._run(self._amount(intent_id, amount, lines, idempotency_key))

    def change_tips(
        self, intent_id: str, *, tips_amount: MoneyLike, idempotency_key: str | None = None
    ) -> PaymentIntent:
        return self._run(self._tips(intent_id, tips_amount, idempotency_key))

    def refresh_secret(
        self, intent_id: str, *, idempotency_key: str | None = None
    ) -> PaymentIntent:
        return self._run(self._refresh(intent_id, idempotency_key))

    def capture(
        self,
        intent_id: str,
        *,
        amount: int,
        tips_amount: int | None = None,
        idempotency_key: str | None = None,
    ) -> CaptureResult:
        return self._run(self._capture(intent_id, amount, tips_amount, idempotency_key))

    def reverse(self, intent_id: str, *, idempotency_key: str | None = None) -> ReversalResult:
        return self._run(self._reverse(intent_id, idempotency_key))

    def refund(
        self,
        intent_id: str,
        *,
        amount: int,
        refund_reason: str | None = None,
        notes: str | None = None,
        idempotency_key: str | None = None,
    ) -> Refund:
        """A refund always carries an idempotency key (Dojo requires one): yours, or one made
        for this call and reused by its retries."""
        op = self._refund(intent_id, amount, refund_reason, notes, idempotency_key)
        return self._run(op)

    def charge(self, intent_id: str, *, idempotency_key: str | None = None) -> ChargeResult:
        """``POST /payment-intents/{id}/charge``: pay an intent created with ``setup_intent_id``
        with the card kept on that setup intent (merchant-initiated, no 3-D Secure). A declined
        charge answers ``status="Declined"``; a second charge of a paid intent raises
        ``StateConflictError``."""
        return self._run(self._charge(intent_id, idempotency_key))

    def send_receipt(
        self, intent_id: str, *, emails: Sequence[str], idempotency_key: str | None = None
    ) -> None:
        self._run(self._receipt(intent_id, emails, idempotency_key))


class AsyncPaymentIntents(_Base):
    """``PaymentIntents`` for asyncio: the same methods, awaited."""

    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def _run(self, op: Op[T]) -> T:
        return op.parse(await self._http.send(op.call))

    async def create(
        self,
        *,
        amount: MoneyLike,
        reference: str,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> PaymentIntent:
        return await self._run(create_op(amount, reference, idempotency_key, fields))

    async def get(self, intent_id: str, *, return_canceled: bool = False) -> PaymentIntent:
        return await self._run(get_op(intent_id, return_canceled))

    async def search_page(
        self,
        *,
        statuses: Sequence[str] | str | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        limit: int = 50,
        before: str | None = None,
        after: str | None = None,
    ) -> SearchPage:
        return await self._run(search_op(statuses, start_date, end_date, limit, before, after))

    async def search(
        self,
        *,
        statuses: Sequence[str] | str | None = None,
        start_date: datetime | str | None = None,
        end_date: datetime | str | None = None,
        page_size: int = 50,
    ) -> AsyncIterator[PaymentIntent]:
        after = None
        while True:
            page = await self.search_page(
                statuses=statuses,
                start_date=start_date,
                end_date=end_date,
                limit=page_size,
                after=after,
            )
            for intent in page.data:
                yield intent
            if not page.after or not page.data:
                return
            after = page.after

    async def cancel(self, intent_id: str, *, idempotency_key: str | None = None) -> PaymentIntent:
        return await self._run(self._cancel(intent_id, idempotency_key))

    async def change_amount(
        self,
        intent_id: str,
        *,
        amount: MoneyLike,
        item_lines: Sequence[Mapping[str, Any]] | None = None,
        tax_lines: Sequence[Mapping[str, Any]] | None = None,
        idempotency_key: str | None = None,
    ) -> PaymentIntent:
        lines = {"item_lines": item_lines, "tax_lines": tax_lines}
        return await self._run(self._amount(intent_id, amount, lines, idempotency_key))

    async def change_tips(
        self, intent_id: str, *, tips_amount: MoneyLike, idempotency_key: str | None = None
    ) -> PaymentIntent:
        return await self._run(self._tips(intent_id, tips_amount, idempotency_key))

    async def refresh_secret(
        self, intent_id: str, *, idempotency_key: str | None = None
    ) -> PaymentIntent:
        return await self._run(self._refresh(intent_id, idempotency_key))

    async def capture(
        self,
        intent_id: str,
        *,
        amount: int,
        tips_amount: int | None = None,
        idempotency_key: str | None = None,
    ) -> CaptureResult:
        return await self._run(self._capture(intent_id, amount, tips_amount, idempotency_key))

    async def reverse(
        self, intent_id: str, *, idempotency_key: str | None = None
    ) -> ReversalResult:
        return await self._run(self._reverse(intent_id, idempotency_key))

    async def refund(
        self,
        intent_id: str,
        *,
        amount: int,
        refund_reason: str | None = None,
        notes: str | None = None,
        idempotency_key: str | None = None,
    ) -> Refund:
        op = self._refund(intent_id, amount, refund_reason, notes, idempotency_key)
        return await self._run(op)

    async def charge(self, intent_id: str, *, idempotency_key: str | None = None) -> ChargeResult:
        return await self._run(self._charge(intent_id, idempotency_key))

    async def send_receipt(
        self, intent_id: str, *, emails: Sequence[str], idempotency_key: str | None = None
    ) -> None:
        await self._run(self._receipt(intent_id, emails, idempotency_key))


def refund_get_op(refund_id: str) -> Op[Refund]:
    return Op(Call("GET", f"{_PI}/refunds/{seg(refund_id)}"), model(Refund))


class Refunds:
    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def get(self, refund_id: str) -> Refund:
        op = refund_get_op(refund_id)
        return op.parse(self._http.send(op.call))


class AsyncRefunds:
    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def get(self, refund_id: str) -> Refund:
        op = refund_get_op(refund_id)
        return op.parse(await self._http.send(op.call))
