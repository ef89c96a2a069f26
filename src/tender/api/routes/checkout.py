"""The hosted checkout (spec §4.2): ``/checkout/{paymentIntentId}`` (the intent's ``paymentLink``)
and its result page, plus the static files of the browser library at ``/payments/v1/`` (the path
shape of Dojo's CDN, so a merchant only swaps the host) and of Tender's pages at ``/static/tender``.
"""

import os

from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.staticfiles import PathLike
from starlette.types import Scope

from tender.api.deps import Ctx
from tender.api.path_ids import PathId
from tender.errors import NotFound
from tender.service import checkout, setup_checkout
from tender.web import PAYMENTS_DIR, SITE_DIR, pages, setup_pages

router = APIRouter(include_in_schema=False)

# The pages must not be framed by other sites (the card fields are framed, the page is not).
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


@router.get("/checkout/{paymentIntentId:id}")
async def checkout_page(paymentIntentId: PathId, ctx: Ctx) -> HTMLResponse:
    """The payment form while the intent can be paid; a clear page when it cannot."""
    if paymentIntentId.startswith("si_"):  # a setup intent's link: save a card, charge nothing
        return await _setup_page(paymentIntentId, ctx)
    try:
        view = await checkout.open_checkout(ctx, paymentIntentId)
    except NotFound:
        return _html(pages.not_found_page(), 404)
    if view.state == "pay":
        sandbox = paymentIntentId.startswith("pi_sandbox_")
        return _html(pages.checkout_page(view.intent, sandbox))
    return _html(pages.message_page(view.intent, view.state, already=True))


@router.get("/checkout/{paymentIntentId:id}/result")
async def result_page(paymentIntentId: PathId, ctx: Ctx) -> HTMLResponse:
    """Where the checkout lands when the intent has no ``config.redirectUrl``."""
    if paymentIntentId.startswith("si_"):
        return await _setup_result(paymentIntentId, ctx)
    try:
        view = await checkout.result(ctx, paymentIntentId)
    except NotFound:
        return _html(pages.not_found_page(), 404)
    return _html(pages.message_page(view.intent, view.state))


async def _setup_page(setup_id: str, ctx: Ctx) -> HTMLResponse:
    try:
        view = await setup_checkout.open_setup_checkout(ctx, setup_id)
    except NotFound:
        return _html(pages.not_found_page(), 404)
    if view.state == "pay":
        sandbox = setup_id.startswith("si_sandbox_")
        return _html(setup_pages.setup_checkout_page(view.intent, sandbox))
    return _html(setup_pages.setup_message_page(view.intent, view.state))


async def _setup_result(setup_id: str, ctx: Ctx) -> HTMLResponse:
    try:
        view = await setup_checkout.setup_result(ctx, setup_id)
    except NotFound:
        return _html(pages.not_found_page(), 404)
    return _html(setup_pages.setup_message_page(view.intent, view.state))


class _Static(StaticFiles):
    """Static files that any merchant page may load; revalidated so upgrades reach browsers."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        return response


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/payments/v1", _Static(directory=PAYMENTS_DIR), name="payments-js")
    app.mount("/static/tender", _Static(directory=SITE_DIR), name="tender-site")
