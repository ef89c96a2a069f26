"""Payment links: create an intent from the dashboard (``intents.create``, as the API does) and
show its hosted-checkout link with a QR code a customer can scan."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError

from tender.api.dashboard.web import (
    CheckedForm,
    DashboardRoute,
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
from tender.service import intents
from tender.service.inputs import CreatePaymentIntent
from tender.web.dashboard import qr_svg

router = APIRouter(prefix="/dashboard", route_class=DashboardRoute, include_in_schema=False)
PATH = "/dashboard/payment-links"


async def _page(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    *,
    created: str | None = None,
    error: TenderError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    intent = await intents.get(ctx, session.account, created, True) if created else None
    qr = qr_svg(intent["paymentLink"], f"QR code of {intent['paymentLink']}") if intent else None
    return await html(
        request, ctx, session, "payment_links.html", status=error.status if error else 200,
        title="Payment links", active="links", intent=intent, qr=qr, error=error,
        values=values or {}, form_key=new_form_key(), currencies=session.account.currencies,
    )  # fmt: skip


@router.get("/payment-links")
async def links(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    created: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    session.require(Permission.CREATE_PAYMENT_LINK)
    return await _page(request, ctx, session, created=created)


@router.post("/payment-links")
async def create_link(request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm) -> Response:
    session.require(Permission.CREATE_PAYMENT_LINK)
    values = {k: form.get(k) for k in ("amount", "currency", "reference", "description")}
    try:
        currency = values["currency"] or session.account.currencies[0]
        amount = minor_units(values["amount"], currency, "Amount")
        data = {
            "amount": {"value": amount, "currencyCode": currency},
            "reference": values["reference"].strip(),
            "paymentSource": "dashboard",
        }
        if values["description"].strip():
            data["description"] = values["description"].strip()
        try:
            body = CreatePaymentIntent.model_validate(data)
        except ValidationError as problem:
            first = problem.errors()[0]
            field = str(first["loc"][0]).capitalize() if first["loc"] else "Amount"
            raise InvalidRequest.field(field, first["msg"].removeprefix("Value error, ")) from None
        reply = await intents.create(ctx, session.account, body, idempotency(form, request, data))
    except TenderError as error:
        return await _page(request, ctx, session, error=error, values=values)
    return redirect(f"{PATH}?created={reply.body['id']}")
