"""A hypothesis state machine sends random sequences of captures, refunds, reversals, cancels
and retried requests through the HTTP API and checks every answer and the intent's amounts
against a model of the rules (DESIGN.md's partial capture / refund decisions)."""

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tender.clock import ShiftedClock
from tender.config import Settings
from tender.service import accounts
from tests.conftest import VERSION, _clean, make_app

_keys = itertools.count()


@dataclass
class Model:
    mode: str
    status: str
    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    captures_declined: bool = False


class MoneyMachine(RuleBasedStateMachine):
    client: Any  # starlette's TestClient, shared by the examples
    headers: dict[str, str]

    def __init__(self) -> None:
        super().__init__()
        self.last: tuple[str, str, Any, dict[str, str], int, Any] | None = None

    def call(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        headers = {**self.headers, "idempotencyKey": key or f"k{next(_keys)}"}
        response = self.client.request(method, path, json=body, headers=headers)
        self.last = (method, path, body, headers, response.status_code, response.json())
        return response

    @initialize(
        mode=st.sampled_from(["Auto", "Manual"]),
        amount=st.integers(1, 5000),
        card=st.sampled_from(["4242424242424242", "4000000000000341", None]),
    )
    def start(self, mode: str, amount: int, card: str | None) -> None:
        body = {
            "amount": {"value": amount, "currencyCode": "GBP"},
            "reference": "model",
            "captureMode": mode,
        }
        intent = self.client.post("/payment-intents", json=body, headers=self.headers).json()
        self.path = f"/payment-intents/{intent['id']}"
        self.model = Model(mode, "Created")
        if card:
            token = intent["clientSessionSecret"]
            paid = self.client.post(
                f"/api/payments/{token}",
                json={"cardNumber": card, "expiryDate": "12/39", "cV2": "123"},
            ).json()
            assert paid["statusCode"] == 0
            self.model.status = "Captured" if mode == "Auto" else "Authorized"
            self.model.authorized = amount
            self.model.captured = amount if mode == "Auto" else 0
            self.model.captures_declined = card.endswith("0341")

    @rule(amount=st.integers(1, 6000))
    def capture(self, amount: int) -> None:
        m = self.model
        response = self.call("POST", f"{self.path}/captures", {"amount": amount})
        if (
            m.mode != "Manual"
            or m.status not in ("Authorized", "Captured")
            or (m.status == "Captured" and (m.refunded or m.captured >= m.authorized))
        ):
            expected = 409
        elif amount > m.authorized - m.captured:
            expected = 400
        elif m.captures_declined:
            expected = 402
        else:
            expected = 200
            m.captured += amount
            m.status = "Captured"
        assert response.status_code == expected, (m, amount, response.text)

    @rule(amount=st.integers(1, 6000))
    def refund(self, amount: int) -> None:
        m = self.model
        response = self.call("POST", f"{self.path}/refunds", {"amount": amount})
        remaining = m.captured - m.refunded
        if m.status not in ("Captured", "Refunded") or remaining <= 0:
            expected = 409
        elif amount > remaining:
            expected = 400
        else:
            expected = 200
            m.refunded += amount
            m.status = "Refunded"
        assert response.status_code == expected, (m, amount, response.text)

    @rule()
    def reverse(self) -> None:
        m = self.model
        response = self.call("POST", f"{self.path}/reversal")
        allowed = (m.mode, m.status) in (("Manual", "Authorized"), ("Auto", "Captured"))
        assert response.status_code == (200 if allowed else 409), (m, response.text)
        if allowed:
            m.status = "Reversed"

    @rule()
    def cancel(self) -> None:
        m = self.model
        response = self.call("DELETE", self.path)
        assert response.status_code == (200 if m.status == "Created" else 409), response.text
        if m.status == "Created":
            m.status = "Canceled"

    @rule()
    def retry_last(self) -> None:
        """The same request with the same key replays the first answer and changes nothing."""
        if self.last is None:
            return
        method, path, body, headers, status, answer = self.last
        response = self.client.request(method, path, json=body, headers=headers)
        assert (response.status_code, response.json()) == (status, answer) or (
            status >= 400 and response.status_code == status
        )

    @invariant()
    def amounts_match_the_model(self) -> None:
        if not hasattr(self, "path"):
            return
        intent = self.client.get(self.path, params={"returnCanceled": "true"}, headers=self.headers)
        body = intent.json()
        m = self.model
        assert body["status"] == m.status
        assert body["authorizedAmount"] == m.authorized
        assert body["capturedAmount"] == m.captured <= m.authorized
        assert body["refundedAmount"] == m.refunded <= m.captured


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_money_state_machine(settings_: Settings) -> None:
    from starlette.testclient import TestClient

    app = make_app(settings_, clock=ShiftedClock(), run_jobs=False)
    try:
        with TestClient(app, base_url="http://testserver") as client:

            async def make_key() -> str:
                _, key = await accounts.create_key(app.state.ctx, account_name="model")
                return key

            assert client.portal is not None
            key = client.portal.call(make_key)
            MoneyMachine.client = client
            MoneyMachine.headers = {"Authorization": f"Basic {key}", "version": VERSION}
            run_state_machine_as_test(
                MoneyMachine,
                settings=settings(
                    max_examples=25,
                    stateful_step_count=15,
                    derandomize=True,  # the same sequences in CI every time
                    database=None,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                ),
            )
    finally:
        asyncio.run(_clean(settings_.database_url))


@pytest.fixture
def settings_(settings: Settings) -> Settings:
    return settings
