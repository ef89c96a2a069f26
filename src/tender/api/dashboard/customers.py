"""Customers: the account's customers, and one customer's payments and saved cards."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from tender.api.dashboard.web import DashboardRoute, SignedIn, html
from tender.api.deps import Ctx
from tender.errors import InvalidRequest
from tender.service import customer_pages
from tender.service.intents import check_id

router = APIRouter(prefix="/dashboard", route_class=DashboardRoute, include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]


@router.get("/customers")
async def customers(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    after: Text | None = None,
    before: Text | None = None,
) -> Response:
    error, page = None, customer_pages.CustomerPage()
    try:
        page = await customer_pages.list_page(ctx, session.account, after=after, before=before)
    except InvalidRequest as problem:
        error = problem
    return await html(
        request, ctx, session, "customers.html", status=400 if error else 200,
        title="Customers", active="customers", page=page, error=error,
    )  # fmt: skip


@router.get("/customers/{customer_id}")
async def customer(request: Request, ctx: Ctx, session: SignedIn, customer_id: str) -> Response:
    check_id(customer_id)
    view = await customer_pages.customer(ctx, session.account, customer_id)
    name = view.customer.get("name") or view.customer.get("emailAddress") or view.customer["id"]
    return await html(
        request, ctx, session, "customer.html", title=f"Customer {name}",
        active="customers", view=view, display_name=name,
    )  # fmt: skip
