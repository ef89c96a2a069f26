"""The gateway calls the browser library makes, shaped like Dojo's Connect-E (spec §4.4).

No API key and no version header: the client session secret in the path is the bearer token.
Every answer is HTTP 200 with a Connect-E ``statusCode`` in the body, as Dojo's gateway does.
The calls come from merchants' pages on other origins, so they answer CORS for any origin: no
cookie or ambient credential is involved, the token in the path is the only authority.
"""

import json
import logging
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from tender.api.deps import Ctx
from tender.api.path_ids import PathToken
from tender.api.problems import problem_response, trace_id_of
from tender.api.schemas import Out
from tender.errors import TooManyRequests
from tender.service import card_store, pay, saved_cards, setup_pay, threeds
from tender.service.gateway_inputs import CardPayment, ThreeDsComplete, WalletPayment
from tender.service.setup_intents import is_setup_secret

router = APIRouter(tags=["Gateway (browser library)"])
log = logging.getLogger("tender.gateway")

STATUS_CODES = (
    "`0` success, `3` 3-D Secure required (open `stepUpUrl`, then call three-ds-complete with "
    "`md`), `4` referred, `5` declined, `20` duplicate (this token already paid the intent), "
    "`30` failed (processing error), `400` invalid request (message names the field), `401` token "
    "used or expired (refresh the client session secret), `404` unknown token, `500` internal."
)


class GatewayResult(Out):
    status_code: int = Field(description=STATUS_CODES)
    message: str
    payment_intent_id: str | None = None
    setup_intent_id: str | None = Field(
        default=None, description="Instead of paymentIntentId when the token is a setup intent's"
    )
    auth_code: str | None = None
    transaction_id: str | None = None
    step_up_url: str | None = Field(
        default=None, description="With statusCode 3: the issuer's challenge page for this attempt"
    )
    md: str | None = Field(default=None, description="With statusCode 3: the attempt id")


def _body(model: type[Any], description: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, traceparent",
    "Access-Control-Max-Age": "600",
}


async def _answer(request: Request, work: Awaitable[dict[str, Any]]) -> JSONResponse:
    """The use case's answer; an unexpected failure is statusCode 500, as Connect-E answers it
    (logged by type and trace id: request bodies hold card data and are never logged). A
    card-testing refusal is a 429 problem with ``Retry-After``."""
    try:
        return JSONResponse(await work, headers=CORS)
    except TooManyRequests as exc:
        return problem_response(exc, trace_id_of(request), headers={**CORS, **exc.headers()})
    except Exception as exc:
        trace = trace_id_of(request)
        log.error("gateway call failed: %s (traceId %s)", type(exc).__name__, trace)
        return JSONResponse(
            {"statusCode": 500, "message": f"Internal error; quote traceId {trace}."},
            headers=CORS,
        )


@router.options("/api/payments/{path:path}", include_in_schema=False)
@router.options("/mobile/payments/{path:path}", include_in_schema=False)
async def preflight(path: str) -> Response:
    return Response(status_code=204, headers=CORS)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"{}")
    except ValueError:
        return None


@router.post(
    "/api/payments/{token:token}",
    response_model=GatewayResult,
    summary="Pay with a card",
    openapi_extra=_body(
        CardPayment,
        'Card details as Dojo\'s SDK sends them; `expiryDate` is "MM / YY" (or "MM/YY").',
    ),
)
async def pay_with_card(token: PathToken, request: Request, ctx: Ctx) -> JSONResponse:
    """Authorizes the intent whose client session secret is `token`. Auto capture mode intents
    become `Captured`, Manual ones `Authorized`; a declined attempt leaves the intent `Created`.
    The token is single use: refresh the secret after a failed attempt."""
    body = await _json(request)
    if is_setup_secret(token):  # a setup intent: the card is verified and kept, not charged
        return await _answer(request, setup_pay.pay_card(ctx, token, body, _client(request)))
    if card_store.is_saved_card_payment(body):  # {"paymentMethodId": "pm_…", "cV2": …}
        return await _answer(request, saved_cards.pay_saved(ctx, token, body, _client(request)))
    return await _answer(request, pay.pay_card(ctx, token, body, _client(request)))


@router.post(
    "/api/payments/recurring/{token:token}",
    response_model=GatewayResult,
    summary="Pay with a saved card",
    openapi_extra=_body(
        saved_cards.SavedCardPayment,
        "A saved card of the intent's customer (`paymentMethodId`) and its security code.",
    ),
)
async def pay_with_saved_card(token: PathToken, request: Request, ctx: Ctx) -> JSONResponse:
    """As `POST /api/payments/{token}` with `paymentMethodId`: the card must be one the
    intent's customer saved, and not expired. A card that challenges still challenges."""
    body = await _json(request)
    return await _answer(request, saved_cards.pay_saved(ctx, token, body, _client(request)))


@router.post(
    "/api/payments/{token:token}/google-pay",
    response_model=GatewayResult,
    summary="Pay with Google Pay (simulated)",
    openapi_extra=_body(WalletPayment, "`cardNumber`: a test card standing for the wallet's card"),
)
async def pay_with_google_pay(token: PathToken, request: Request, ctx: Ctx) -> JSONResponse:
    """A simulated wallet: no 3-D Secure (the device authenticated the cardholder)."""
    body = await _json(request)
    if is_setup_secret(token):
        work = setup_pay.pay_wallet(ctx, token, "GooglePay", body, _client(request))
        return await _answer(request, work)
    return await _answer(request, pay.pay_wallet(ctx, token, "GooglePay", body, _client(request)))


@router.post(
    "/api/payments/{token:token}/apple-pay",
    response_model=GatewayResult,
    summary="Pay with Apple Pay (simulated)",
    openapi_extra=_body(WalletPayment, "`cardNumber`: a test card standing for the wallet's card"),
)
async def pay_with_apple_pay(token: PathToken, request: Request, ctx: Ctx) -> JSONResponse:
    """A simulated wallet: no 3-D Secure (the device authenticated the cardholder)."""
    body = await _json(request)
    if is_setup_secret(token):
        work = setup_pay.pay_wallet(ctx, token, "ApplePay", body, _client(request))
        return await _answer(request, work)
    return await _answer(request, pay.pay_wallet(ctx, token, "ApplePay", body, _client(request)))


async def _complete(token: str, request: Request, ctx: Ctx) -> JSONResponse:
    raw = await _json(request)
    try:
        body = ThreeDsComplete.model_validate(raw if isinstance(raw, dict) else {})
    except ValueError:
        return JSONResponse(
            {"statusCode": 400, "message": "Invalid request: check md."}, headers=CORS
        )
    md = body.md or body.transaction_id
    if setup_pay.is_setup_attempt(md):
        return await _answer(request, setup_pay.complete(ctx, token, md))
    return await _answer(request, threeds.complete(ctx, token, md))


_COMPLETE_DOC = _body(ThreeDsComplete, "`md` from the statusCode 3 answer (`transactionId` too)")


@router.post(
    "/api/payments/{token:token}/three-ds-complete",
    response_model=GatewayResult,
    summary="Complete 3-D Secure",
    openapi_extra=_COMPLETE_DOC,
)
async def three_ds_complete(token: PathToken, request: Request, ctx: Ctx) -> JSONResponse:
    """The final answer of a challenged attempt once the cardholder decided; `3` while the
    challenge is still open."""
    return await _complete(token, request, ctx)


@router.post(
    "/mobile/payments/{token:token}/three-ds-complete",
    response_model=GatewayResult,
    summary="Complete 3-D Secure (mobile SDK path)",
    openapi_extra=_COMPLETE_DOC,
)
async def mobile_three_ds_complete(token: PathToken, request: Request, ctx: Ctx) -> JSONResponse:
    """Same as `/api/payments/{token}/three-ds-complete`."""
    return await _complete(token, request, ctx)
