"""Signing in and out, the overview at ``/dashboard`` and the sandbox/production switch."""

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from tender.api.dashboard.web import (
    COOKIE,
    SIGN_IN_COOKIE,
    CheckedForm,
    CsrfRejected,
    DashboardRoute,
    MaybeSignedIn,
    SignedIn,
    clear_cookie,
    html,
    read_form,
    redirect,
    same_origin,
    set_cookie,
)
from tender.api.deps import Ctx
from tender.service import overview as overview_service
from tender.service import sessions

router = APIRouter(prefix="/dashboard", route_class=DashboardRoute, include_in_schema=False)


def safe_next(value: str | None) -> str:
    """Only paths of the dashboard itself (never another site) after signing in."""
    if not value or not value.startswith("/dashboard") or any(c in value for c in "\\\r\n\t"):
        return "/dashboard"
    return value


async def sign_in_form(
    request: Request,
    ctx: Ctx,
    *,
    next_url: str,
    error: str = "",
    status: int = 200,
    email: str = "",
) -> Response:
    token = secrets.token_urlsafe(24)
    response = await html(
        request,
        ctx,
        None,
        "sign_in.html",
        status=status,
        title="Sign in",
        sign_in_token=token,
        next_url=safe_next(next_url),
        error=error,
        email=email,
    )
    set_cookie(response, request, ctx, SIGN_IN_COOKIE, token)
    return response


@router.get("")
async def overview(
    request: Request,
    ctx: Ctx,
    session: MaybeSignedIn,
    next: Annotated[str | None, Query()] = None,
    currency: Annotated[str | None, Query(max_length=3)] = None,
) -> Response:
    """The sign-in form when signed out; the overview of the last 30 days when signed in."""
    if session is None:
        return await sign_in_form(request, ctx, next_url=next or "/dashboard")
    figures = await overview_service.overview(ctx, session.account, currency)
    return await html(
        request, ctx, session, "overview.html", title="Overview", active="overview", o=figures
    )


@router.get("/sign-in")
async def sign_in_page(
    request: Request, ctx: Ctx, next: Annotated[str | None, Query()] = None
) -> Response:
    """The sign-in form, also for someone signed in (to sign in as another user)."""
    return await sign_in_form(request, ctx, next_url=next or "/dashboard")


@router.post("/sign-in")
async def sign_in(request: Request, ctx: Ctx) -> Response:
    if not same_origin(request):
        raise CsrfRejected("The form was sent from another site.")
    form = await read_form(request)
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    sent = form.get("sign_in_token")
    next_url = form.get("next")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return await sign_in_form(
            request, ctx, next_url=next_url, status=403,
            error="The sign-in form had expired; please try again.",
        )  # fmt: skip
    email = form.get("email")
    try:
        token = await sessions.sign_in(
            ctx, email, form.get("password"), replacing=request.cookies.get(COOKIE)
        )
    except (sessions.WrongCredentials, sessions.LockedOut) as error:
        response = await sign_in_form(
            request, ctx, next_url=next_url, status=error.status, error=str(error), email=email
        )
        clear_cookie(response, COOKIE)
        return response
    response = redirect(safe_next(next_url))
    set_cookie(response, request, ctx, COOKIE, token)
    clear_cookie(response, SIGN_IN_COOKIE)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm) -> Response:
    await sessions.sign_out(ctx, session.token)
    response = redirect("/dashboard")
    clear_cookie(response, COOKIE)
    return response


@router.post("/environment")
async def switch_environment(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm
) -> Response:
    await sessions.switch_environment(ctx, session, form.get("environment"))
    return redirect("/dashboard")
