"""``/payment-intents``: Dojo's payment-intent endpoints (spec §2.1 rows 1–3, 8–11, 14–15)."""

import functools
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from tender.api.deps import ApiVersion, AuthedAccount, ClientAddress, Ctx, Idem, require_version
from tender.api.path_ids import PathId
from tender.api.reply import respond
from tender.api.route import WireRoute
from tender.api.schemas import (
    PaymentIntent,
    PublicPaymentIntent,
    SearchResult,
    problems,
)
from tender.service import cancel, intents, search, versions
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
    route_class=WireRoute,
)


def _intent(version: str) -> Callable[[Any], Any]:
    """The payment intent in the shape of the caller's API version."""
    return functools.partial(versions.shape_intent, version)


@router.post(
    "",
    response_model=PaymentIntent,
    responses=problems(400, 401, 409, 413, 415, 422),
    summary="Create a payment intent",
)
async def create_payment_intent(
    body: CreatePaymentIntent, account: AuthedAccount, ctx: Ctx, idem: Idem, version: ApiVersion
) -> Response:
    """Creates an intent in status `Created`, with a client session secret for the browser."""
    return respond(await intents.create(ctx, account, body, idem), _intent(version))


@router.post(
    "/search",
    response_model=SearchResult,
    responses=problems(400, 401),
    summary="Search payment intents",
)
async def search_payment_intents(
    body: SearchPaymentIntents, account: AuthedAccount, ctx: Ctx, version: ApiVersion
) -> JSONResponse:
    """Newest first; follow `after` for older intents and `before` for newer ones."""
    return JSONResponse(versions.shape_search(version, await search.search(ctx, account, body)))


@router.get(
    "/public/{paymentIntentId:id}",
    response_model=PublicPaymentIntent,
    responses=problems(404),
    summary="Retrieve a payment intent (customer side, no key)",
)
async def get_public_payment_intent(
    paymentIntentId: PathId, ctx: Ctx, version: ApiVersion
) -> JSONResponse:
    return JSONResponse(
        versions.shape_intent(version, await intents.public_get(ctx, paymentIntentId))
    )


@router.post(
    "/public/{paymentIntentId:id}/refresh-client-session-secret",
    response_model=PublicPaymentIntent,
    responses=problems(404, 409, 429),
    summary="Refresh the client session secret (customer side, no key)",
)
async def refresh_public_secret(
    paymentIntentId: PathId, ctx: Ctx, client: ClientAddress, version: ApiVersion
) -> JSONResponse:
    body = await intents.public_refresh(ctx, paymentIntentId, client)
    return JSONResponse(versions.shape_intent(version, body))


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
    version: ApiVersion,
    returnCanceled: Annotated[
        bool, Query(description="Show a Canceled intent instead of answering 404")
    ] = False,
) -> JSONResponse:
    body = await intents.get(ctx, account, paymentIntentId, returnCanceled)
    return JSONResponse(versions.shape_intent(version, body))


@router.delete(
    "/{paymentIntentId:id}",
    response_model=PaymentIntent,
    responses=problems(401, 404, 409),
    summary="Cancel a payment intent",
)
async def cancel_payment_intent(
    paymentIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem, version: ApiVersion
) -> Response:
    """Only while `Created`; the intent becomes `Canceled` and can no longer be paid."""
    return respond(await cancel.cancel(ctx, account, paymentIntentId, idem), _intent(version))


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
    version: ApiVersion,
) -> Response:
    """405 unless created with `config.payment.customAmountAllowed`; issues a new secret."""
    reply = await intents.change_amount(ctx, account, paymentIntentId, body, idem)
    return respond(reply, _intent(version))


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
    version: ApiVersion,
) -> Response:
    """405 unless created with `config.payment.tipsAllowed`; issues a new secret."""
    reply = await intents.change_tips(ctx, account, paymentIntentId, body, idem)
    return respond(reply, _intent(version))


@router.post(
    "/{paymentIntentId:id}/refresh-client-session-secret",
    response_model=PaymentIntent,
    responses=problems(401, 404, 409),
    summary="Refresh the client session secret",
)
async def refresh_secret(
    paymentIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem, version: ApiVersion
) -> Response:
    """A new single-use secret valid for 30 minutes; the previous one stops working."""
    reply = await intents.refresh_secret(ctx, account, paymentIntentId, idem)
    return respond(reply, _intent(version))
