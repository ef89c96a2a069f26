"""``client.test_helpers``: pay an intent with a test card, as a customer's browser would.

Posts to the card gateway (``POST /api/payments/{clientSessionSecret}``, spec §4.4) with the
intent's current client session secret. For the sandbox only: merchants never handle card
numbers in production. Never retried: a session secret is single use.
"""

from datetime import date

from tender.client._http import AsyncHTTP, Call, SyncHTTP
from tender.client._ops import Op, model, seg
from tender.client.models import TransactionResult
from tender.client.payment_intents import get_op


def default_expiry() -> str:
    """A future expiry in the gateway's ``MM / YY`` form."""
    return f"12 / {(date.today().year + 3) % 100:02d}"


def pay_op(
    secret: str, card_number: str, expiry_date: str | None, cv2: str | None, card_name: str
) -> Op[TransactionResult]:
    digits = card_number.replace(" ", "").replace("-", "")
    payload = {
        "cardNumber": digits,
        "cardName": card_name,
        "expiryDate": expiry_date or default_expiry(),
        "cV2": cv2 or ("1234" if digits.startswith(("34", "37")) else "123"),
    }
    call = Call(
        "POST", f"/api/payments/{seg(secret)}", json=payload, authenticated=False, retries=False
    )
    return Op(call, model(TransactionResult))


def _secret_of(intent_id: str, secret: str | None) -> str:
    if not secret:
        raise ValueError(f"{intent_id} has no client session secret (is it still Created?)")
    return secret


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
    ) -> TransactionResult:
        get = get_op(intent_id, False)
        intent = get.parse(self._http.send(get.call))
        secret = _secret_of(intent_id, intent.client_session_secret)
        op = pay_op(secret, card_number, expiry_date, cv2, card_name)
        return op.parse(self._http.send(op.call))


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
    ) -> TransactionResult:
        get = get_op(intent_id, False)
        intent = get.parse(await self._http.send(get.call))
        secret = _secret_of(intent_id, intent.client_session_secret)
        op = pay_op(secret, card_number, expiry_date, cv2, card_name)
        return op.parse(await self._http.send(op.call))
