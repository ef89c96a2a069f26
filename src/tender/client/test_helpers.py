"""``client.test_helpers``: pay an intent with a test card, as a customer's browser would.

Posts to the card gateway (``POST /api/payments/{clientSessionSecret}``, spec §4.4) with the
intent's current client session secret. For a 3-D Secure card, ``three_ds="approve"`` (or
``"reject"``) answers the sandbox issuer's challenge page the way a cardholder would, then asks
the gateway for the final result (``three-ds-complete``). For the sandbox only: merchants never
handle card numbers in production. Never retried: a session secret is single use.
"""

import re
from collections.abc import Callable, Generator
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

from tender.client._http import AsyncHTTP, Call, SyncHTTP
from tender.client._ops import model, seg
from tender.client.models import PaymentIntent, SetupIntent, TransactionResult
from tender.client.payment_intents import get_op
from tender.client.setup_intents import get_op as setup_get_op

ThreeDs = Literal["approve", "reject"] | None
_result = model(TransactionResult)
_OTP = re.compile(r'id="otp">\s*(\d+)\s*<')


def default_expiry() -> str:
    """A future expiry in the gateway's ``MM / YY`` form."""
    return f"12 / {(date.today().year + 3) % 100:02d}"


def _gateway(path: str, **kwargs: Any) -> Call:
    return Call("POST", path, authenticated=False, retries=False, **kwargs)


def _card(card_number: str, expiry_date: str | None, cv2: str | None, name: str) -> dict[str, str]:
    digits = card_number.replace(" ", "").replace("-", "")
    return {
        "cardNumber": digits,
        "cardName": name,
        "expiryDate": expiry_date or default_expiry(),
        "cV2": cv2 or ("1234" if digits.startswith(("34", "37")) else "123"),
    }


def _local(url: str) -> str:
    """The path of a URL the server gave (its public host may differ from ours)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


Step = Generator[Call, Any, TransactionResult]


def pay_flow(intent_id: str, card: dict[str, str], three_ds: ThreeDs) -> Step:
    """The calls of one test payment, written once: each ``yield`` sends a call and receives
    its answer (the blocking and the asyncio client drive it alike). A setup intent's id
    (``si_…``) authorizes the card on it (nothing is charged)."""
    intent: PaymentIntent | SetupIntent
    if intent_id.startswith("si_"):
        intent = model(SetupIntent)((yield setup_get_op(intent_id).call))
    else:
        intent = model(PaymentIntent)((yield get_op(intent_id, False).call))
    secret = intent.client_session_secret
    if not secret:
        raise ValueError(f"{intent_id} has no client session secret (is it still Created?)")
    token = seg(secret)
    result = _result((yield _gateway(f"/api/payments/{token}", json=card)))
    if result.status_code != 3 or three_ds is None or not result.step_up_url:
        return result
    page = _local(result.step_up_url)
    html = yield Call("GET", page, authenticated=False, retries=False, text=True)
    found = _OTP.search(html)
    form = {"decision": three_ds, "code": found.group(1) if found else ""}
    yield Call("POST", page, form=form, authenticated=False, retries=False, text=True)
    complete = f"/api/payments/{token}/three-ds-complete"
    return _result((yield _gateway(complete, json={"md": result.md})))


def _sandbox_only(api_key: str | None) -> None:
    if api_key and api_key.startswith("sk_prod_"):
        raise ValueError("test_helpers send test card numbers: use a sandbox key (sk_sandbox_…)")


def _drive_sync(flow: Step, send: Callable[[Call], Any]) -> TransactionResult:
    try:
        call = next(flow)
        while True:
            call = flow.send(send(call))
    except StopIteration as done:
        result: TransactionResult = done.value
        return result


class TestHelpers:
    __test__ = False  # not a pytest class

    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def pay(
        self,
        intent_id: str,
        *,
        card_number: str,
        expiry_date: str | None = None,
        cv2: str | None = None,
        card_name: str = "Test Cardholder",
        three_ds: ThreeDs = None,
    ) -> TransactionResult:
        """Pay with a test card; ``expiry_date`` is ``"MM / YY"`` (default: a future one)."""
        _sandbox_only(self._http.api_key)
        card = _card(card_number, expiry_date, cv2, card_name)
        return _drive_sync(pay_flow(intent_id, card, three_ds), self._http.send)


class AsyncTestHelpers:
    __test__ = False

    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def pay(
        self,
        intent_id: str,
        *,
        card_number: str,
        expiry_date: str | None = None,
        cv2: str | None = None,
        card_name: str = "Test Cardholder",
        three_ds: ThreeDs = None,
    ) -> TransactionResult:
        _sandbox_only(self._http.api_key)
        flow = pay_flow(intent_id, _card(card_number, expiry_date, cv2, card_name), three_ds)
        try:
            call = next(flow)
            while True:
                call = flow.send(await self._http.send(call))
        except StopIteration as done:
            result: TransactionResult = done.value
            return result
