"""``/customers``: Dojo's Customers API (customers, customer secrets, saved cards).

The ``/customers/public/…`` routes take no API key: the customer secret (``Authorization: Basic
cs_…``) opens one customer's saved cards, from the customer's browser.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from fastapi.responses import JSONResponse

from tender.api.customer_schemas import (
    CustomerOut,
    CustomerPage,
    CustomerPaymentMethods,
    CustomerSecretOut,
)
from tender.api.deps import AuthedAccount, Ctx, Idem, require_version
from tender.api.path_ids import PathId
from tender.api.reply import respond
from tender.api.route import WireRoute
from tender.api.schemas import problems
from tender.service import customers
from tender.service.customer_inputs import CreateCustomer, SearchCustomers, UpdateCustomer

router = APIRouter(
    prefix="/customers",
    tags=["Customers"],
    dependencies=[Depends(require_version)],
    route_class=WireRoute,
)

CustomerSecret = Annotated[
    str | None,
    Header(
        alias="Authorization",
        description="`Basic cs_sandbox_…`: a customer secret from "
        "`POST /customers/{customerId}/create-secret`.",
    ),
]


@router.post(
    "", response_model=CustomerOut, responses=problems(400, 401), summary="Create a customer"
)
async def create_customer(
    body: CreateCustomer, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Create one customer per person and reuse it: its saved cards belong to it."""
    return respond(await customers.create(ctx, account, body, idem))


@router.post(
    "/search",
    response_model=CustomerPage,
    responses=problems(400, 401),
    summary="List all customers",
)
async def search_customers(body: SearchCustomers, account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    """Newest first, up to `limit` (50); follow `after` for older customers."""
    return JSONResponse(await customers.search(ctx, account, body))


@router.get(
    "/public/{customerId:id}/payment-methods",
    response_model=CustomerPaymentMethods,
    responses=problems(400, 401, 404),
    summary="Retrieve a customer's saved cards (customer side, customer secret)",
)
async def public_payment_methods(
    customerId: PathId, ctx: Ctx, authorization: CustomerSecret = None
) -> JSONResponse:
    return JSONResponse(await customers.public_methods(ctx, authorization, customerId))


@router.delete(
    "/public/{customerId:id}/payment-methods/{paymentMethodId:id}",
    status_code=204,
    responses=problems(400, 401, 404),
    summary="Remove a saved card (customer side, customer secret)",
)
async def public_delete_payment_method(
    customerId: PathId,
    paymentMethodId: PathId,
    ctx: Ctx,
    idem: Idem,
    authorization: CustomerSecret = None,
) -> Response:
    reply = await customers.public_delete_method(
        ctx, authorization, customerId, paymentMethodId, idem
    )
    return respond(reply)


@router.get(
    "/{customerId:ids}",
    response_model=list[CustomerOut],
    responses=problems(400, 401, 404),
    summary="Retrieve customers",
)
async def get_customers(customerId: str, account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    """One id, or several separated by commas: always an array."""
    return JSONResponse(await customers.get(ctx, account, customerId))


@router.patch(
    "/{customerId:id}",
    response_model=CustomerOut,
    responses=problems(400, 401, 404),
    summary="Update a customer",
)
async def update_customer(
    customerId: PathId, body: UpdateCustomer, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Members sent replace the stored ones (`null` clears one); `documentVersion` goes up."""
    return respond(await customers.update(ctx, account, customerId, body, idem))


@router.delete(
    "/{customerId:id}",
    status_code=204,
    responses=problems(401, 404),
    summary="Delete a customer",
)
async def delete_customer(
    customerId: PathId, account: AuthedAccount, ctx: Ctx, idem: Idem
) -> Response:
    """Its saved cards are deleted with it; its payments stay."""
    return respond(await customers.delete(ctx, account, customerId, idem))


@router.post(
    "/{customerId:id}/create-secret",
    response_model=CustomerSecretOut,
    responses=problems(400, 401, 404),
    summary="Create a customer secret",
)
async def create_secret(customerId: PathId, account: AuthedAccount, ctx: Ctx) -> JSONResponse:
    """A secret valid for 15 minutes, for the customer's browser (saved cards)."""
    return JSONResponse(await customers.create_secret(ctx, account, customerId))
