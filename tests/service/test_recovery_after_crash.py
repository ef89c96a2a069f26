"""A real ``tender serve`` killed (``kill -9``) between "pending written" and "processor
answered": after a restart, the recovery job settles every attempt and movement exactly once,
from the sandbox acquirer's own records, and nothing stays pending.

The sandbox is made to hang (``TENDER_SANDBOX_HANG``): ``authorize`` and ``capture`` after the
acquirer decided and recorded its answer (the answer is lost with the process), ``refund:before``
before it ever received the call (so the refund is voided).
"""

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from tender.storage.db import Database
from tender.storage.tables import captures, payment_attempts, refunds, reversals
from tests.processes import fresh_database, serving

VERSION = "2024-02-05"
CARD = {"cardNumber": "4242424242424242", "expiryDate": "12 / 39", "cV2": "123"}


def count(url: str, table: Any, **where: str) -> int:
    async def main() -> int:
        db = Database(url)
        try:
            async with db.transaction(write=False) as conn:
                query = select(func.count()).select_from(table)
                for column, value in where.items():
                    query = query.where(table.c[column] == value)
                return int((await conn.execute(query)).scalar_one())
        finally:
            await db.dispose()

    return asyncio.run(main())


def pending(url: str) -> int:
    moving = sum(count(url, table, status="Pending") for table in (captures, refunds, reversals))
    return moving + count(url, payment_attempts, state="pending")


def until(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


class Api:
    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.headers = {"Authorization": f"Basic {key}", "version": VERSION}

    def post(self, path: str, body: Any = None, **headers: str) -> httpx.Response:
        return httpx.post(
            self.base + path, json=body, headers={**self.headers, **headers}, timeout=120
        )

    def get(self, intent_id: str) -> dict[str, Any]:
        response = httpx.get(f"{self.base}/payment-intents/{intent_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def create(self, mode: str) -> dict[str, Any]:
        body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "crash"}
        response = self.post("/payment-intents", {**body, "captureMode": mode})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def pay(self, intent: dict[str, Any]) -> httpx.Response:
        return httpx.post(
            f"{self.base}/api/payments/{intent['clientSessionSecret']}", json=CARD, timeout=120
        )


def in_background(call: Callable[[], object]) -> None:
    """A request that will never get its answer: the server dies under it."""

    def run() -> None:
        with contextlib.suppress(httpx.HTTPError):
            call()

    threading.Thread(target=run, daemon=True).start()


def test_a_server_killed_between_the_phases_settles_everything_once_after_restart(
    tmp_path: Path,
) -> None:
    journal = str(tmp_path / "acquirer.sqlite3")
    with fresh_database(tmp_path) as url:
        with serving(url, TENDER_SANDBOX_JOURNAL=journal) as (server, base):
            key = server.wait_for(lambda line: line.startswith("sk_sandbox_"))
            api = Api(base, key)
            to_capture = api.create("Manual")
            assert api.pay(to_capture).json()["statusCode"] == 0
            to_refund = api.create("Auto")
            assert api.pay(to_refund).json()["statusCode"] == 0
            to_authorize = api.create("Manual")

        hangs = {
            "TENDER_SANDBOX_JOURNAL": journal,
            "TENDER_SANDBOX_HANG": "authorize, capture, refund:before",
            "TENDER_PROCESSOR_TIMEOUT_SECONDS": "600",
        }
        with serving(url, **hangs) as (server, base):
            api = Api(base, key)
            capture_key, refund_key = {"idempotencyKey": "cap-1"}, {"idempotencyKey": "ref-1"}
            path = "/payment-intents/{}/{}"
            in_background(lambda: api.pay(to_authorize))
            in_background(
                lambda: api.post(
                    path.format(to_capture["id"], "captures"), {"amount": 1000}, **capture_key
                )
            )
            in_background(
                lambda: api.post(
                    path.format(to_refund["id"], "refunds"), {"amount": 300}, **refund_key
                )
            )
            until(lambda: pending(url) == 3, "three operations at the acquirer")
            server.kill()

        assert pending(url) == 3  # written, committed, never answered
        # Restarted with a 10 s acquirer timeout: what the dead process left is settled once it
        # is older than that (plus 5 s); until then its idempotency key says "in flight".
        fast = {"TENDER_SANDBOX_JOURNAL": journal, "TENDER_PROCESSOR_TIMEOUT_SECONDS": "10"}
        with serving(url, **fast) as (server, base):
            api = Api(base, key)
            busy = api.post(path.format(to_capture["id"], "captures"), {"amount": 1000},
                            **capture_key)  # fmt: skip
            assert busy.status_code == 409 and 1 <= int(busy.headers["retry-after"]) <= 5
            until(lambda: pending(url) == 0, "recovery to settle everything")

            authorized = api.get(to_authorize["id"])
            assert (authorized["status"], authorized["authorizedAmount"]) == ("Authorized", 1000)
            assert count(url, payment_attempts, intent_id=to_authorize["id"]) == 1

            captured = api.get(to_capture["id"])
            assert (captured["status"], captured["capturedAmount"]) == ("Captured", 1000)
            assert [c["status"] for c in captured["captures"]] == ["Successful"]
            replay = api.post(
                path.format(to_capture["id"], "captures"), {"amount": 1000}, **capture_key
            )
            assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"

            refunded = api.get(to_refund["id"])
            assert (refunded["status"], refunded["refundedAmount"]) == ("Captured", 0)
            assert count(url, refunds, intent_id=to_refund["id"], status="Failed") == 1
            again = api.post(path.format(to_refund["id"], "refunds"), {"amount": 300}, **refund_key)
            assert again.status_code == 502 and again.json()["refundStatus"] == "Failed"
            assert "recovered" in server.all_output()
        assert count(url, captures) == 2 and count(url, refunds) == 1  # one outcome each
