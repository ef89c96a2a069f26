"""``/webhooks``: subscriptions and secrets (spec §5.1), plus Tender's delivery log,
redelivery and the event stream ``tender listen`` follows."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from tender.api.deps import AuthedAccount, Ctx, Idem, require_version
from tender.api.path_ids import PathId
from tender.api.reply import respond
from tender.api.route import WireRoute
from tender.api.schemas import problems
from tender.api.webhook_schemas import (
    Delivery,
    DeliveryPage,
    EventCatalogueEntry,
    EventRecord,
    EventStream,
    Subscription,
    SubscriptionSecrets,
)
from tender.service import webhook_log, webhooks
from tender.service.webhook_inputs import CreateWebhook, UpdateWebhook

router = APIRouter(
    prefix="/webhooks",
    tags=["Webhooks"],
    dependencies=[Depends(require_version)],
    route_class=WireRoute,
)
Limit = Annotated[int, Query(description="1-100")]


@router.get(
    "/events",
    response_model=list[EventCatalogueEntry],
    responses=problems(401),
    summary="List the events you can subscribe to",
)
async def event_catalogue(account: AuthedAccount) -> JSONResponse:
    return JSONResponse(webhooks.catalogue())


@router.get(
    "/events/{eventId:id}",
    response_model=EventRecord,
    responses=problems(401, 404),
    summary="Retrieve an event with its deliveries (Tender extension)",
)
async def get_event(eventId: PathId, account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    return JSONResponse(await webhook_log.get_event(ctx, account, eventId))


@router.get(
    "/stream",
    response_model=EventStream,
    responses=problems(400, 401),
    summary="Follow the account's events (Tender extension; used by `tender listen`)",
)
async def event_stream(
    account: AuthedAccount,
    ctx: Ctx,
    after: Annotated[int | None, Query(description="Cursor from the previous answer")] = None,
    limit: Limit = 100,
) -> JSONResponse:
    """Without `after`: no events and the current cursor, so a follower starts from now."""
    return JSONResponse(await webhook_log.stream(ctx, account, after=after, limit=limit))


@router.post(
    "",
    response_model=Subscription,
    responses=problems(400, 401, 409, 422),
    summary="Create a webhook subscription",
)
async def create_webhook(
    body: CreateWebhook, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Comes with one active signing secret."""
    return respond(await webhooks.create(ctx, account, body, idem))


@router.get(
    "", response_model=list[Subscription], responses=problems(401), summary="List subscriptions"
)
async def list_webhooks(account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    return JSONResponse(await webhooks.list_all(ctx, account))


@router.get(
    "/{subscriptionId:id}",
    response_model=Subscription,
    responses=problems(401, 404),
    summary="Retrieve a subscription (Tender extension)",
)
async def get_webhook(subscriptionId: PathId, account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    return JSONResponse(await webhooks.get(ctx, account, subscriptionId))


@router.patch(
    "/{subscriptionId:id}",
    response_model=Subscription,
    responses=problems(400, 401, 404, 409, 422),
    summary="Update a subscription",
)
async def update_webhook(
    subscriptionId: PathId, body: UpdateWebhook, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    return respond(await webhooks.update(ctx, account, subscriptionId, body, idem))


@router.delete(
    "/{subscriptionId:id}",
    status_code=204,
    responses=problems(401, 404, 409, 422),
    summary="Delete a subscription",
)
async def delete_webhook(
    subscriptionId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Its pending deliveries are canceled; its delivery log stays readable."""
    return respond(await webhooks.delete(ctx, account, subscriptionId, idem))


@router.get(
    "/{subscriptionId:id}/secrets",
    response_model=SubscriptionSecrets,
    responses=problems(401, 404),
    summary="List a subscription's secrets",
)
async def list_secrets(subscriptionId: PathId, account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    return JSONResponse(await webhooks.list_secrets(ctx, account, subscriptionId))


@router.post(
    "/{subscriptionId:id}/secrets",
    response_model=SubscriptionSecrets,
    responses=problems(401, 404, 409, 422),
    summary="Generate a new (inactive) secret",
)
async def add_secret(
    subscriptionId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Deliveries keep being signed with the active secret until you activate the new one."""
    return respond(await webhooks.add_secret(ctx, account, subscriptionId, idem))


@router.put(
    "/{subscriptionId:id}/secrets/{secretId:id}/activate",
    status_code=204,
    responses=problems(401, 404, 409, 422),
    summary="Sign deliveries with this secret from now on",
)
async def activate_secret(
    subscriptionId: PathId, secretId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    return respond(await webhooks.activate_secret(ctx, account, subscriptionId, secretId, idem))


@router.delete(
    "/{subscriptionId:id}/secrets/{secretId:id}",
    status_code=204,
    responses=problems(401, 404, 409, 422),
    summary="Delete an inactive secret",
)
async def delete_secret(
    subscriptionId: PathId, secretId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    return respond(await webhooks.delete_secret(ctx, account, subscriptionId, secretId, idem))


@router.get(
    "/{subscriptionId:id}/deliveries",
    response_model=DeliveryPage,
    responses=problems(400, 401, 404),
    summary="List deliveries, newest first (Tender extension)",
)
async def list_deliveries(
    subscriptionId: PathId,
    account: AuthedAccount,
    ctx: Ctx,
    status: Annotated[
        str | None, Query(description="pending, delivered, failed or canceled")
    ] = None,
    before: Annotated[int | None, Query(description="`next` of the previous page")] = None,
    limit: Limit = 50,
) -> JSONResponse:
    return JSONResponse(
        await webhook_log.list_deliveries(
            ctx, account, subscriptionId, status=status, limit=limit, before=before
        )
    )


@router.get(
    "/{subscriptionId:id}/deliveries/{deliveryId:id}",
    response_model=Delivery,
    responses=problems(401, 404),
    summary="Retrieve a delivery with every attempt (Tender extension)",
)
async def get_delivery(
    subscriptionId: PathId, deliveryId: PathId, account: AuthedAccount, ctx: Ctx
) -> JSONResponse:
    return JSONResponse(await webhook_log.get_delivery(ctx, account, subscriptionId, deliveryId))


@router.post(
    "/{subscriptionId:id}/deliveries/{deliveryId:id}/redeliver",
    response_model=Delivery,
    responses=problems(401, 404, 409, 422),
    summary="Send a delivery again (Tender extension)",
)
async def redeliver(
    subscriptionId: PathId, deliveryId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """The same event (same `id`) is sent again with a fresh retry budget."""
    return respond(await webhook_log.redeliver(ctx, account, subscriptionId, deliveryId, idem))


@router.post(
    "/{subscriptionId:id}/events/{eventId:id}/send",
    response_model=Delivery,
    responses=problems(401, 404, 409, 422),
    summary="Send any event of the account to this subscription (Tender extension)",
)
async def send_event(
    subscriptionId: PathId, eventId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    return respond(await webhook_log.send_event(ctx, account, subscriptionId, eventId, idem))
