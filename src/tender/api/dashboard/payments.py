"""Payments: the filtered list, its CSV export, a payment's page, and its actions.

Each action is asked for on the payment's page, confirmed on a second page, then run through the
very service operation the API uses (``capture.capture``, ``refund.refund``, ``reverse.reverse``,
``cancel.cancel``, ``receipts.send_receipt``) with the idempotency key the form was rendered
with: sending the same form twice (a double click) does the thing once.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from tender.api.dashboard.web import (
    CheckedForm,
    DashboardRoute,
    Form,
    SignedIn,
    html,
    idempotency,
    minor_units,
    new_form_key,
    redirect,
)
from tender.api.deps import Ctx
from tender.domain.roles import Permission
from tender.errors import InvalidRequest, TenderError
from tender.service import cancel as cancel_op
from tender.service import capture as capture_op
from tender.service import payment_list, receipts, timeline
from tender.service import refund as refund_op
from tender.service import reverse as reverse_op
from tender.service.capture import CaptureRequest
from tender.service.idempotency import IdempotencyKey, Reply
from tender.service.payment_list import Filters
from tender.service.refund import RefundRequest
from tender.service.sessions import Session
from tender.service.webhook_inputs import SendReceipt
from tender.web.dashboard import money as _money

router = APIRouter(prefix="/dashboard", route_class=DashboardRoute, include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]

DONE = {
    "capture": "The payment was captured.",
    "refund": "The refund was made.",
    "reverse": "The payment was reversed.",
    "cancel": "The payment intent was canceled.",
    "receipt": "The receipt was requested (payment_intent.send-receipt was sent to your webhooks).",
}


def _filters(request: Request) -> Filters:
    params = request.query_params
    return Filters(
        q=params.get("q", "")[:200],
        status=[s for s in params.getlist("status") if s][:10],
        start=params.get("from", "")[:10],
        end=params.get("to", "")[:10],
        min_amount=params.get("min", "")[:20],
        max_amount=params.get("max", "")[:20],
    )


@router.get("/payments")
async def payments(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    after: Text | None = None,
    before: Text | None = None,
) -> Response:
    filters = _filters(request)
    error, page = None, payment_list.PaymentPage()
    try:
        page = await payment_list.list_page(
            ctx, session.account, filters, after=after, before=before
        )
    except InvalidRequest as problem:
        error = problem
    query = request.url.query
    base = "&".join(p for p in query.split("&") if not p.startswith(("after=", "before=")))
    return await html(
        request, ctx, session, "payments.html", status=400 if error else 200,
        title="Payments", active="payments", filters=filters, page=page, error=error,
        statuses=payment_list.STATUSES, query=base,
    )  # fmt: skip


@router.get("/payments/export.csv")
async def export(request: Request, ctx: Ctx, session: SignedIn) -> Response:
    filters = _filters(request)
    payment_list.criteria(session.account, filters)  # a bad filter is a page, not half a file
    name = f"payments-{session.account.environment}-{ctx.clock():%Y%m%d-%H%M%S}.csv"
    return StreamingResponse(
        payment_list.export_csv(ctx, session.account, filters),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _actions(session: Session, intent: dict[str, Any]) -> dict[str, bool]:
    """Which actions the page offers: the role allows them and the status makes them possible
    (the service still decides; this only hides buttons that could not work)."""
    status, manual = intent["status"], intent["captureMode"] == "Manual"
    captured, authorized = intent["capturedAmount"], intent["authorizedAmount"]
    refunded = intent["refundedAmount"]
    paid = status in ("Authorized", "Captured", "Refunded", "Reversed")
    possible = {
        "capture": manual and status in ("Authorized", "Captured") and captured < authorized
        and not refunded,
        "refund": status in ("Captured", "Refunded") and refunded < captured,
        "reverse": (manual and status == "Authorized") or (not manual and status == "Captured"),
        "cancel": status == "Created",
        "receipt": paid,
    }  # fmt: skip
    permission = {
        "capture": Permission.CAPTURE,
        "refund": Permission.REFUND,
        "reverse": Permission.REVERSE,
        "cancel": Permission.CANCEL,
        "receipt": Permission.SEND_RECEIPT,
    }
    return {name: ok and session.can(permission[name]) for name, ok in possible.items()}


async def payment_page(
    request: Request,
    ctx: Ctx,
    session: Session,
    intent_id: str,
    *,
    error: TenderError | None = None,
    form: Form | None = None,
    done: str | None = None,
) -> Response:
    view = await timeline.payment(ctx, session.account, intent_id)
    intent = view.intent
    return await html(
        request, ctx, session, "payment.html", status=error.status if error else 200,
        title=f"Payment {intent['reference']}", active="payments", view=view, intent=intent,
        actions=_actions(session, intent), keys={n: new_form_key() for n in DONE},
        error=error, form=form, done=DONE.get(done or ""),
    )  # fmt: skip


@router.get("/payments/{intent_id}")
async def payment(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    intent_id: str,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return await payment_page(request, ctx, session, intent_id, done=done)


Run = Callable[[IdempotencyKey], Awaitable[Reply]]


async def _act(
    request: Request,
    ctx: Ctx,
    session: Session,
    form: Form,
    intent_id: str,
    name: str,
    permission: Permission,
    build: Callable[[dict[str, Any]], tuple[dict[str, Any], str, Run]],
) -> Response:
    """Check the role, build the request from the form (a page with the error if it is
    wrong), ask for confirmation, then run it once per form key and go back to the payment."""
    session.require(permission)
    view = await timeline.payment(ctx, session.account, intent_id)
    try:
        body, summary, run = build(view.intent)
    except InvalidRequest as error:
        return await payment_page(request, ctx, session, intent_id, error=error, form=form)
    key = idempotency(form, request, body)
    if form.get("confirmed") != "yes":
        return await html(
            request, ctx, session, "confirm.html", title="Confirm", active="payments",
            intent=view.intent, action=name, summary=summary, hidden=form.hidden("confirmed"),
            target=request.url.path, back=f"/dashboard/payments/{intent_id}",
        )  # fmt: skip
    try:
        reply = await run(key)
    except TenderError as error:
        return await payment_page(request, ctx, session, intent_id, error=error, form=form)
    if reply.status >= 400:  # a capture the issuer declined: recorded, no money moved
        declined = TenderError(str(reply.body.get("detail") or reply.body.get("title")))
        declined.status = reply.status
        return await payment_page(request, ctx, session, intent_id, error=declined, form=form)
    return redirect(f"/dashboard/payments/{intent_id}?done={name}")


def _model(model: Any, data: dict[str, Any], field: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvalidRequest.field(field, message) from None


@router.post("/payments/{intent_id}/capture")
async def capture(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, intent_id: str
) -> Response:
    def build(intent: dict[str, Any]) -> tuple[dict[str, Any], str, Run]:
        currency = intent["amount"]["currencyCode"]
        amount = minor_units(form.get("amount"), currency, "Amount")
        body = _model(CaptureRequest, {"amount": amount}, "Amount")
        summary = f"Capture {_money(amount, currency)} of {intent['reference']}"
        account = session.account
        run: Run = lambda k: capture_op.capture(ctx, account, intent_id, body, k)  # noqa: E731
        return {"amount": amount}, summary, run

    return await _act(request, ctx, session, form, intent_id, "capture", Permission.CAPTURE, build)


@router.post("/payments/{intent_id}/refund")
async def refund(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, intent_id: str
) -> Response:
    def build(intent: dict[str, Any]) -> tuple[dict[str, Any], str, Run]:
        currency = intent["amount"]["currencyCode"]
        amount = minor_units(form.get("amount"), currency, "Amount")
        reason = form.get("reason").strip()[:1024] or None
        data = {"amount": amount, "refundReason": reason}
        body = _model(RefundRequest, data, "Amount")
        summary = f"Refund {_money(amount, currency)} of {intent['reference']}"
        if reason:
            summary += f" (reason: {reason})"
        account = session.account
        return data, summary, lambda k: refund_op.refund(ctx, account, intent_id, body, k)

    return await _act(request, ctx, session, form, intent_id, "refund", Permission.REFUND, build)


@router.post("/payments/{intent_id}/reverse")
async def reverse(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, intent_id: str
) -> Response:
    def build(intent: dict[str, Any]) -> tuple[dict[str, Any], str, Run]:
        summary = f"Reverse the whole payment {intent['reference']}: no money will be taken"
        account = session.account
        return {}, summary, lambda k: reverse_op.reverse(ctx, account, intent_id, k)

    return await _act(request, ctx, session, form, intent_id, "reverse", Permission.REVERSE, build)


@router.post("/payments/{intent_id}/cancel")
async def cancel(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, intent_id: str
) -> Response:
    def build(intent: dict[str, Any]) -> tuple[dict[str, Any], str, Run]:
        summary = f"Cancel {intent['reference']}: its payment link will stop working"
        account = session.account
        return {}, summary, lambda k: cancel_op.cancel(ctx, account, intent_id, k)

    return await _act(request, ctx, session, form, intent_id, "cancel", Permission.CANCEL, build)


@router.post("/payments/{intent_id}/receipt")
async def receipt(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm, intent_id: str
) -> Response:
    def build(intent: dict[str, Any]) -> tuple[dict[str, Any], str, Run]:
        emails = [e.strip() for e in form.get("emails").replace(";", ",").split(",") if e.strip()]
        body = _model(SendReceipt, {"emails": emails}, "Emails")
        summary = f"Send the receipt of {intent['reference']} to {', '.join(emails)}"
        account = session.account
        return (
            {"emails": emails},
            summary,
            lambda k: receipts.send_receipt(ctx, account, intent_id, body, k),
        )

    return await _act(
        request, ctx, session, form, intent_id, "receipt", Permission.SEND_RECEIPT, build
    )
