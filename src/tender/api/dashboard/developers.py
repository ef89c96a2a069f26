"""Developers: API keys (create with the secret shown once, roll, revoke, last used), webhook
subscriptions (create, rotate secrets, pause), the delivery log with redelivery, and the live
event stream. Every change goes through the same service functions as the API."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from tender.api.dashboard.web import (
    CheckedForm,
    DashboardRoute,
    Form,
    SignedIn,
    html,
    idempotency,
    new_form_key,
    redirect,
)
from tender.api.deps import Ctx
from tender.domain.roles import Permission
from tender.errors import InvalidRequest, TenderError
from tender.service import api_keys, events, webhook_log, webhooks
from tender.service.api_keys import NewKey
from tender.service.sessions import Session
from tender.service.webhook_inputs import CreateWebhook
from tender.webhooks.sender import render_body

router = APIRouter(
    prefix="/dashboard/developers", route_class=DashboardRoute, include_in_schema=False
)
HOME = "/dashboard/developers"
DONE = {
    "revoked": "The key was revoked: requests with it now answer 401.",
    "secret": "A new secret was added. Teach your receiver to accept it, then activate it.",
    "activated": "Deliveries are signed with the new secret from now on.",
    "deleted": "The secret was deleted.",
    "paused": "Deliveries are paused: new events wait until you resume.",
    "resumed": "Deliveries resumed: waiting events are being sent in order.",
    "redelivered": "The delivery was scheduled again.",
}


def _require_developer(session: Session) -> None:
    if not (session.can(Permission.MANAGE_KEYS) or session.can(Permission.MANAGE_WEBHOOKS)):
        session.require(Permission.MANAGE_KEYS)


async def _home(
    request: Request,
    ctx: Ctx,
    session: Session,
    *,
    new_key: NewKey | None = None,
    error: TenderError | None = None,
    done: str | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    _require_developer(session)
    keys = await api_keys.list_keys(ctx, session.account)
    subscriptions = await webhooks.list_all(ctx, session.account)
    paused = await webhooks.paused_since(ctx, session.account)
    return await html(
        request, ctx, session, "developers.html", status=error.status if error else 200,
        title="Developers", active="developers", keys=keys, subscriptions=subscriptions,
        paused=paused, new_key=new_key, error=error, done=DONE.get(done or ""),
        form_key=new_form_key, catalogue=sorted(webhooks.ALL_EVENTS), values=values or {},
    )  # fmt: skip


@router.get("")
async def developers(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return await _home(request, ctx, session, done=done)


# --- API keys -----------------------------------------------------------------------------


@router.post("/keys")
async def create_key(request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm) -> Response:
    session.require(Permission.MANAGE_KEYS)
    made = await api_keys.create(ctx, session.account, idempotency(form, request, {}))
    return await _home(request, ctx, session, new_key=made)


async def _confirm(
    request: Request, ctx: Ctx, session: Session, form: Form, summary: str, action: str
) -> Response:
    return await html(
        request, ctx, session, "confirm.html", title="Confirm", active="developers",
        intent=None, action=action, summary=summary, hidden=form.hidden("confirmed"),
        target=request.url.path, back=HOME,
    )  # fmt: skip


@router.post("/keys/{key_id}/roll")
async def roll_key(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, key_id: str
) -> Response:
    session.require(Permission.MANAGE_KEYS)
    key = idempotency(form, request, {"roll": key_id})
    if form.get("confirmed") != "yes":
        summary = f"Roll the key {key_id}: a new key replaces it and it stops working now"
        return await _confirm(request, ctx, session, form, summary, "roll")
    try:
        made = await api_keys.roll(ctx, session.account, key_id, key)
    except TenderError as error:
        return await _home(request, ctx, session, error=error)
    return await _home(request, ctx, session, new_key=made)


@router.post("/keys/{key_id}/revoke")
async def revoke_key(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, key_id: str
) -> Response:
    session.require(Permission.MANAGE_KEYS)
    key = idempotency(form, request, {"revoke": key_id})
    if form.get("confirmed") != "yes":
        summary = f"Revoke the key {key_id}: requests with it will answer 401"
        return await _confirm(request, ctx, session, form, summary, "revoke")
    try:
        await api_keys.revoke(ctx, session.account, key_id, key)
    except TenderError as error:
        return await _home(request, ctx, session, error=error)
    return redirect(f"{HOME}?done=revoked")


# --- webhook subscriptions ----------------------------------------------------------------


@router.post("/webhooks")
async def create_webhook(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm
) -> Response:
    session.require(Permission.MANAGE_WEBHOOKS)
    data: dict[str, Any] = {"url": form.get("url").strip(), "events": form.getall("events")}
    if form.get("description").strip():
        data["description"] = form.get("description").strip()
    try:
        try:
            body = CreateWebhook.model_validate(data)
        except ValidationError as problem:
            first = problem.errors()[0]
            field = str(first["loc"][0]).capitalize() if first["loc"] else "Url"
            message = "Choose at least one event." if field == "Events" else first["msg"]
            raise InvalidRequest.field(field, message) from None
        reply = await webhooks.create(ctx, session.account, body, idempotency(form, request, data))
    except TenderError as error:
        return await _home(request, ctx, session, error=error, values=data)
    return redirect(f"{HOME}/webhooks/{reply.body['id']}")


async def _subscription_page(
    request: Request,
    ctx: Ctx,
    session: Session,
    subscription_id: str,
    *,
    done: str | None = None,
    status: str | None = None,
    before: int | None = None,
    error: TenderError | None = None,
) -> Response:
    session.require(Permission.MANAGE_WEBHOOKS)
    subscription = await webhooks.get(ctx, session.account, subscription_id)
    paused = (await webhooks.paused_since(ctx, session.account)).get(subscription_id)
    log = await webhook_log.list_deliveries(
        ctx, session.account, subscription_id, status=status or None, limit=25, before=before
    )
    return await html(
        request, ctx, session, "webhook.html", status=error.status if error else 200,
        title="Webhook", active="developers", subscription=subscription, paused=paused,
        log=log, filter_status=status or "", statuses=webhook_log.STATUSES,
        done=DONE.get(done or ""), error=error, form_key=new_form_key,
    )  # fmt: skip


@router.get("/webhooks/{subscription_id}")
async def subscription(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    subscription_id: str,
    done: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    before: Annotated[int | None, Query()] = None,
) -> Response:
    return await _subscription_page(
        request, ctx, session, subscription_id, done=done, status=status, before=before
    )


async def _change(
    request: Request,
    ctx: Ctx,
    session: Session,
    form: Form,
    subscription_id: str,
    done: str,
    change: Any,
) -> Response:
    session.require(Permission.MANAGE_WEBHOOKS)
    try:
        await change(idempotency(form, request, {"done": done}))
    except TenderError as error:
        return await _subscription_page(request, ctx, session, subscription_id, error=error)
    return redirect(f"{HOME}/webhooks/{subscription_id}?done={done}")


@router.post("/webhooks/{subscription_id}/secrets")
async def add_secret(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, subscription_id: str
) -> Response:
    account = session.account
    return await _change(
        request, ctx, session, form, subscription_id, "secret",
        lambda k: webhooks.add_secret(ctx, account, subscription_id, k),
    )  # fmt: skip


@router.post("/webhooks/{subscription_id}/secrets/{secret_id}/activate")
async def activate_secret(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    form: CheckedForm,
    subscription_id: str,
    secret_id: str,
) -> Response:
    account = session.account
    return await _change(
        request, ctx, session, form, subscription_id, "activated",
        lambda k: webhooks.activate_secret(ctx, account, subscription_id, secret_id, k),
    )  # fmt: skip


@router.post("/webhooks/{subscription_id}/secrets/{secret_id}/delete")
async def delete_secret(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    form: CheckedForm,
    subscription_id: str,
    secret_id: str,
) -> Response:
    account = session.account
    return await _change(
        request, ctx, session, form, subscription_id, "deleted",
        lambda k: webhooks.delete_secret(ctx, account, subscription_id, secret_id, k),
    )  # fmt: skip


@router.post("/webhooks/{subscription_id}/pause")
async def pause(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, subscription_id: str
) -> Response:
    paused = form.get("paused") == "yes"
    account = session.account
    return await _change(
        request, ctx, session, form, subscription_id, "paused" if paused else "resumed",
        lambda k: webhooks.set_paused(ctx, account, subscription_id, paused, k),
    )  # fmt: skip


@router.get("/webhooks/{subscription_id}/deliveries/{delivery_id}")
async def delivery(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    subscription_id: str,
    delivery_id: str,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    session.require(Permission.MANAGE_WEBHOOKS)
    found = await webhook_log.get_delivery(ctx, session.account, subscription_id, delivery_id)
    event = await webhook_log.get_event(ctx, session.account, found["eventId"])
    body = render_body(event["payload"]).decode()
    return await html(
        request, ctx, session, "delivery.html", title="Delivery", active="developers",
        delivery=found, event=event, body=json.dumps(json.loads(body), indent=2),
        subscription_id=subscription_id, done=DONE.get(done or ""), form_key=new_form_key(),
    )  # fmt: skip


@router.post("/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliver")
async def redeliver(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    form: CheckedForm,
    subscription_id: str,
    delivery_id: str,
) -> Response:
    session.require(Permission.MANAGE_WEBHOOKS)
    key = idempotency(form, request, {"redeliver": delivery_id})
    await webhook_log.redeliver(ctx, session.account, subscription_id, delivery_id, key)
    return redirect(f"{HOME}/webhooks/{subscription_id}/deliveries/{delivery_id}?done=redelivered")


# --- the live event stream ----------------------------------------------------------------


@router.get("/events")
async def event_stream(request: Request, ctx: Ctx, session: SignedIn) -> Response:
    _require_developer(session)
    recent = await webhook_log.recent(ctx, session.account)
    return await html(
        request, ctx, session, "events.html", title="Events", active="developers",
        recent=list(reversed(recent["data"])), cursor=recent["cursor"],
        catalogue=events.CATALOGUE,
    )  # fmt: skip


@router.get("/events.json")
async def event_stream_json(
    ctx: Ctx, session: SignedIn, after: Annotated[int, Query(ge=0)] = 0
) -> JSONResponse:
    """What the stream page polls: events after the cursor (``webhook_log.stream``)."""
    _require_developer(session)
    found = await webhook_log.stream(ctx, session.account, after=after, limit=100)
    return JSONResponse(found, headers={"Cache-Control": "no-store"})
