"""``/payment-intents``: Dojo's payment-intent endpoints (spec §2.1 rows 1–3, 8–11, 14–15)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from tender.api.deps import AuthedAccount, ClientAddress, Ctx, Idem, require_version
from tender.api.path_ids import PathId
from tender.api.reply import respond
from tender.api.schemas import (
    PaymentIntent,
    PublicPaymentIntent,
    SearchResult,
    problems,
)
from tender.service import cancel, intents, search
from tender.service.inputs import (
    ChangeAmount,
    ChangeTips,
    CreatePaymentIntent,
    SearchPaymentIntents,
)

router = APIRouter(
    prefix="/payment-intents",
    tags=["Payment intents"],
    dependencies=[Depends(require_version)],
)


@router.post(
    "",
    response_model=PaymentIntent,
    responses=problems(400, 401, 409, 413, 415, 422),
    summary="Create a payment intent",
)
async def create_payment_intent(
    body: CreatePaymentIntent, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Creates an intent in status `Created`, with a client session secret for the browser."""
    return respond(await intents.create(ctx, account, body, idem))


@router.post(
    "/search",
    response_model=SearchResult,
    responses=problems(400, 401),
    summary="Search payment intents",
)
async def search_payment_intents(
    body: SearchPaymentIntents, account: AuthedAccount, ctx: Ctx
) -> JSONResponse:
    """Newest first; follow `after` for older intents and `before` for newer ones."""
    return JSONResponse(await search.search(ctx, account, body))


@router.get(
    "/public/{paymentIntentId:id}",
    response_model=PublicPaymentIntent,
    responses=problems(404),
    summary="Retrieve a payment intent (customer side, no key)",
)
async def get_public_payment_intent(paymentIntentId: PathId, ctx: Ctx) -> JSONResponse:
    return JSONResponse(await intents.public_get(ctx, paymentIntentId))


@router.post(
    "/public/{paymentIntentId:id}/refresh-client-session-secret",
    response_model=PublicPaymentIntent,
    responses=problems(404, 409, 429),
    summary="Refresh the client session secret (customer side, no key)",
)
async def refresh_public_secret(
    paymentIntentId: PathId, ctx: Ctx, client: ClientAddress
) -> JSONResponse:
    return JSONResponse(await intents.public_refresh(ctx, paymentIntentId, client))


@router.get(
    "/{paymentIntentId:id}",
    response_model=PaymentIntent,
    responses=problems(400, 401, 404),
    summary="Retrieve a payment intent",
)
async def get_payment_intent(
    paymentIntentId: PathId,
    account: AuthedAccount,
    ctx: Ctx,
    returnCanceled: Annotated[
        bool, Query(description="Show a Canceled intent instead of answering 404")
    ] = False,
) -> JSONResponse:
    return JSONResponse(await intents.get(ctx, account, paymentIntentId, returnCanceled))


@router.delete(
    "/{paymentIntentId:id}",
    response_model=PaymentIntent,
    responses=problems(401, 404, 409),
    summary="Cancel a payment intent",
)
async def cancel_payment_intent(
    paymentIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Only while `Created`; the intent becomes `Canceled` and can no longer be paid."""
    return respond(await cancel.cancel(ctx, account, paymentIntentId, idem))


@router.post(
    "/{paymentIntentId:id}/amount",
    response_model=PaymentIntent,
    responses=problems(400, 401, 404, 405, 409),
    summary="Change the amount",
)
async def change_amount(
    paymentIntentId: PathId,
    body: ChangeAmount,
    account: AuthedAccount,
    ctx: Ctx,
    idem: Idem,
) -> Response:
    """405 unless created with `config.payment.customAmountAllowed`; issues a new secret."""
    return respond(await intents.change_amount(ctx, account, paymentIntentId, body, idem))


@router.post(
    "/{paymentIntentId:id}/tips-amount",
    response_model=PaymentIntent,
    responses=problems(400, 401, 404, 405, 409),
    summary="Change the tips amount",
)
async def change_tips(
    paymentIntentId: PathId,
    body: ChangeTips,
    account: AuthedAccount,
    ctx: Ctx,
    idem: Idem,
) -> Response:
    """405 unless created with `config.payment.tipsAllowed`; issues a new secret."""
    return respond(await intents.change_tips(ctx, account, paymentIntentId, body, idem))


@router.post(
    "/{paymentIntentId:id}/refresh-client-session-secret",
    response_model=PaymentIntent,
    responses=problems(401, 404, 409),
    summary="Refresh the client session secret",
)
async def refresh_secret(
    paymentIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """A new single-use secret valid for 30 minutes; the previous one stops working."""
    return respond(await intents.refresh_secret(ctx, account, paymentIntentId, idem))
