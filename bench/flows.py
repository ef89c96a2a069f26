"""The full payment flow, as each system under test spells it.

Tender (issue 10's flow, Dojo's API, ``version: 2024-02-05``, ``Authorization: Basic <key>``):

1. create: ``POST /payment-intents`` (2500 GBP, ``captureMode: Manual``);
2. pay: ``POST /api/payments/{clientSessionSecret}`` with 5200 0000 0000 0056 (Mastercard,
   authorized without 3-D Secure) as the browser library sends it: no key, no version header;
3. capture: ``POST /payment-intents/{id}/captures`` for the full 2500;
4. refund: ``POST /payment-intents/{id}/refunds`` for 1000 (partial).

Every API call that changes something carries a fresh ``idempotencyKey`` header, as Tender's SDK
sends one on every mutating call (the refund requires it).

localstripe (Stripe's API as localstripe implements it; form-encoded bodies and an
``Idempotency-Key`` on every POST, as Stripe's SDKs send them):

1. create: ``POST /v1/payment_intents`` amount=2500, currency=gbp, capture_method=manual,
   payment_method=pm_card_visa (Stripe's test card 4242 4242 4242 4242 as a payment method id;
   localstripe's confirm cannot take a payment method, so it is attached at creation);
2. confirm: ``POST /v1/payment_intents/{id}/confirm``: authorizes, status ``requires_capture``;
3. capture: ``POST /v1/payment_intents/{id}/capture`` with no amount (the full 2500);
4. refund: ``POST /v1/refunds`` payment_intent={id}, amount=1000 (partial).

A flow appends each step's latency (seconds) to ``out`` as the step completes and raises
``StepFailed`` on an answer it did not expect: the steps appended so far name the step that
failed.
"""

import json
from time import perf_counter
from typing import Protocol

from bench.client import Connection, Response, header_block

VERSION = "2024-02-05"
AMOUNT = 2500
REFUND = 1000


class StepFailed(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(f"HTTP {response.status}: {response.body[:300].decode(errors='replace')}")
        self.status = response.status


class StepLog(Protocol):
    def append(self, took: float) -> None: ...


class Flow(Protocol):
    steps: tuple[str, ...]

    def connect(self, host: str, port: int) -> Connection: ...

    async def __call__(self, conn: Connection, tag: str, out: StepLog) -> None: ...


def _json(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


class TenderFlow:
    steps = ("create", "pay", "capture", "refund")

    def __init__(self, key: str) -> None:
        self.api = header_block({"Authorization": f"Basic {key}", "version": VERSION})
        self.create = _json(
            {
                "amount": {"value": AMOUNT, "currencyCode": "GBP"},
                "reference": "bench order",
                "captureMode": "Manual",
            }
        )
        self.pay = _json(
            {
                "cardNumber": "5200 0000 0000 0056",
                "cardName": "Bench Shopper",
                "expiryDate": "12 / 39",
                "cV2": "341",
            }
        )
        self.capture = _json({"amount": AMOUNT})
        self.refund = _json({"amount": REFUND, "refundReason": "bench partial refund"})

    def connect(self, host: str, port: int) -> Connection:
        return Connection(host, port)

    def _idem(self, key: str) -> bytes:
        return self.api + b"idempotencyKey: " + key.encode() + b"\r\n"

    async def __call__(self, conn: Connection, tag: str, out: StepLog) -> None:
        started = perf_counter()
        r = await conn.request("POST", "/payment-intents", self.create, self._idem(tag + "c"))
        if r.status != 200:
            raise StepFailed(r)
        intent = json.loads(r.body)
        intent_id = intent["id"]
        now = perf_counter()
        out.append(now - started)

        started = now
        r = await conn.request("POST", f"/api/payments/{intent['clientSessionSecret']}", self.pay)
        if r.status != 200 or json.loads(r.body).get("statusCode") != 0:
            raise StepFailed(r)
        now = perf_counter()
        out.append(now - started)

        started = now
        path = f"/payment-intents/{intent_id}"
        r = await conn.request("POST", path + "/captures", self.capture, self._idem(tag + "k"))
        if r.status != 200:
            raise StepFailed(r)
        now = perf_counter()
        out.append(now - started)

        started = now
        r = await conn.request("POST", path + "/refunds", self.refund, self._idem(tag + "r"))
        if r.status != 200:
            raise StepFailed(r)
        out.append(perf_counter() - started)


class LocalstripeFlow:
    steps = ("create", "confirm", "capture", "refund")

    def __init__(self, key: str = "sk_test_bench") -> None:
        self.key = key
        self.create = (
            f"amount={AMOUNT}&currency=gbp&capture_method=manual&payment_method=pm_card_visa"
        ).encode()

    def connect(self, host: str, port: int) -> Connection:
        return Connection(host, port, {"Authorization": f"Bearer {self.key}"})

    @staticmethod
    def _idem(key: str) -> bytes:
        return b"Idempotency-Key: " + key.encode() + b"\r\n"

    @staticmethod
    def _expect(r: Response, status: str) -> dict[str, object]:
        answer = json.loads(r.body) if r.status == 200 else {}
        if answer.get("status") != status:
            raise StepFailed(r)
        return answer

    async def __call__(self, conn: Connection, tag: str, out: StepLog) -> None:
        started = perf_counter()
        r = await conn.request(
            "POST", "/v1/payment_intents", self.create, self._idem(tag + "c"), form=True
        )
        intent_id = self._expect(r, "requires_confirmation")["id"]
        now = perf_counter()
        out.append(now - started)

        started = now
        path = f"/v1/payment_intents/{intent_id}"
        r = await conn.request("POST", path + "/confirm", b"", self._idem(tag + "f"), form=True)
        self._expect(r, "requires_capture")
        now = perf_counter()
        out.append(now - started)

        started = now
        r = await conn.request("POST", path + "/capture", b"", self._idem(tag + "k"), form=True)
        self._expect(r, "succeeded")
        now = perf_counter()
        out.append(now - started)

        started = now
        body = f"payment_intent={intent_id}&amount={REFUND}".encode()
        r = await conn.request("POST", "/v1/refunds", body, self._idem(tag + "r"), form=True)
        self._expect(r, "succeeded")
        out.append(perf_counter() - started)
