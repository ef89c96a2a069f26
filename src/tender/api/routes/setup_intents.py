"""``/setup-intents`` (a card kept for merchant-initiated charges) and the charge itself,
``POST /payment-intents/{id}/charge``: Dojo's operations, in the shape of each API version."""

import functools
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from tender.api.deps import ApiVersion, AuthedAccount, ClientAddress, Ctx, Idem, require_version
from tender.api.path_ids import PathId
from tender.api.reply import respond
from tender.api.route import WireRoute
from tender.api.schemas import MoneyOut, Out, PaymentEvent, problems
from tender.service import charge, setup_intents, setup_views
from tender.service.setup_inputs import CreateSetupIntent

router = APIRouter(
    prefix="/setup-intents",
    tags=["Setup intents"],
    dependencies=[Depends(require_version)],
    route_class=WireRoute,
)
charge_router = APIRouter(
    prefix="/payment-intents",
    tags=["Payment intents"],
    dependencies=[Depends(require_version)],
    route_class=WireRoute,
)


class PublicSetupIntent(Out):
    """Documentation of the answer; the wire shape follows the ``version`` header."""

    id: str
    status: str = Field(
        description="Created, Authorized, Canceled, Completed, Expired, CardExpired or Closed"
    )
    client_session_secret: str | None = None
    client_session_secret_expiration_date: str | None = None
    reference: str
    terms: str
    merchant_initiated_transaction_type: str = Field(examples=["NoShow", "Unscheduled"])
    intended_amount: MoneyOut | None = None
    payment_methods: list[str]
    expire_at: str | None = None
    created_at: str
    updated_at: str


class SetupIntent(PublicSetupIntent):
    setup_events: list[PaymentEvent]


class ChargeResult(Out):
    payment_intent_id: str
    status: str = Field(description="Successful, Declined, Failed (or Created while pending)")
    message: str | None = None


def _shape(version: str) -> Callable[[Any], Any]:
    return functools.partial(setup_views.shape_setup, version)


@router.post(
    "",
    response_model=SetupIntent,
    responses=problems(400, 401, 409, 413, 415, 422),
    summary="Create a setup intent",
)
async def create_setup_intent(
    body: CreateSetupIntent, account: AuthedAccount, ctx: Ctx, idem: Idem, version: ApiVersion
) -> Response:
    """A setup intent in status `Created`, with a client session secret: the customer
    authorizes a card on it (nothing is charged now) for later merchant-initiated charges."""
    return respond(await setup_intents.create(ctx, account, body, idem), _shape(version))


@router.get(
    "/public/{setupIntentId:id}",
    response_model=PublicSetupIntent,
    responses=problems(404),
    summary="Retrieve a setup intent (customer side, no key)",
)
async def get_public_setup_intent(setupIntentId: PathId, ctx: Ctx, version: ApiVersion) -> Any:
    body = await setup_intents.public_get(ctx, setupIntentId)
    return JSONResponse(setup_views.shape_setup(version, body))


@router.post(
    "/public/{setupIntentId:id}/refresh-client-session-secret",
    response_model=PublicSetupIntent,
    responses=problems(404, 409, 429),
    summary="Refresh the client session secret (customer side, no key)",
)
async def refresh_public_setup_secret(
    setupIntentId: PathId, ctx: Ctx, client: ClientAddress, version: ApiVersion
) -> Any:
    body = await setup_intents.public_refresh(ctx, setupIntentId, client)
    return JSONResponse(setup_views.shape_setup(version, body))


@router.get(
    "/{setupIntentId:id}",
    response_model=SetupIntent,
    responses=problems(400, 401, 404),
    summary="Retrieve a setup intent",
)
async def get_setup_intent(
    setupIntentId: PathId, account: AuthedAccount, ctx: Ctx, version: ApiVersion
) -> Any:
    body = await setup_intents.get(ctx, account, setupIntentId)
    return JSONResponse(setup_views.shape_setup(version, body))


@router.delete(
    "/{setupIntentId:id}",
    response_model=SetupIntent,
    responses=problems(401, 404, 409),
    summary="Cancel a setup intent",
)
async def cancel_setup_intent(
    setupIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem, version: ApiVersion
) -> Response:
    """`Created` → `Canceled`; `Authorized` → `Closed` (the card can no longer be charged)."""
    reply = await setup_intents.cancel(ctx, account, setupIntentId, idem)
    return respond(reply, _shape(version))


@router.post(
    "/{setupIntentId:id}/refresh-client-session-secret",
    response_model=SetupIntent,
    responses=problems(401, 404, 409),
    summary="Refresh the client session secret",
)
async def refresh_setup_secret(
    setupIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem, version: ApiVersion
) -> Response:
    reply = await setup_intents.refresh_secret(ctx, account, setupIntentId, idem)
    return respond(reply, _shape(version))


@charge_router.post(
    "/{paymentIntentId:id}/charge",
    response_model=ChargeResult,
    responses=problems(400, 401, 404, 409),
    summary="Charge the card of the intent's setup intent (merchant-initiated)",
)
async def charge_payment_intent(
    paymentIntentId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """For an intent created with `setupIntentId`: pays it with the card kept on that setup
    intent, without the cardholder and without 3-D Secure. Auto capture mode intents become
    `Captured`, Manual ones `Authorized`; a declined charge leaves the intent as it was."""
    return respond(await charge.charge(ctx, account, paymentIntentId, idem))
