"""The dashboard's HTTP plumbing: the session cookie, CSRF checks on every form, form parsing,
idempotency keys from forms, and HTML responses with strict security headers.

Cookies are ``HttpOnly`` and ``SameSite=Lax``, and ``Secure`` whenever the dashboard is served
over https (the request's scheme, or ``TENDER_PUBLIC_URL`` starting with https://). On plain
http://127.0.0.1 they cannot be ``Secure`` (the browser would not send them back), so run the
dashboard behind https anywhere but your own machine.

Every POST needs the session's CSRF token in its ``csrf_token`` field (sign-in, which has no
session yet, uses a double-submit token: the same random value in a cookie and in the form), and
a POST whose ``Origin`` header names another site is refused before anything else is read.
"""

import hmac
import json
import secrets
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from tender.api.deps import Ctx
from tender.domain.money import CURRENCY_EXPONENTS
from tender.errors import InvalidRequest, NotFound, TenderError
from tender.service import sessions
from tender.service.context import Context
from tender.service.idempotency import IdempotencyKey
from tender.service.sessions import Session
from tender.web.dashboard import render

COOKIE = "tender_session"
SIGN_IN_COOKIE = "tender_sign_in"
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in form."""


class CsrfRejected(TenderError):
    status = 403
    title = "This form has expired."


def is_secure(request: Request, ctx: Context) -> bool:
    return request.url.scheme == "https" or ctx.settings.base_url.startswith("https://")


def set_cookie(response: Response, request: Request, ctx: Context, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="lax",
        secure=is_secure(request, ctx),
        path="/dashboard",
        max_age=int(ctx.settings.dashboard_session_hours * 3600),
    )


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/dashboard")


class Form:
    """An ``application/x-www-form-urlencoded`` body."""

    def __init__(self, values: dict[str, list[str]]) -> None:
        self.values = values

    def get(self, name: str, default: str = "") -> str:
        return (self.values.get(name) or [default])[0]

    def getall(self, name: str) -> list[str]:
        return list(self.values.get(name) or [])

    def hidden(self, *skip: str) -> list[tuple[str, str]]:
        """Every field but ``skip`` (and the CSRF token), to carry into a confirmation form."""
        return [
            (k, v)
            for k, vs in self.values.items()
            if k not in skip and k != "csrf_token"
            for v in vs
        ]


async def read_form(request: Request) -> Form:
    body = (await request.body()).decode("utf-8", "replace")
    return Form(parse_qs(body, keep_blank_values=True, max_num_fields=200))


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


async def current_session(request: Request, ctx: Ctx) -> Session | None:
    session = await sessions.current(ctx, request.cookies.get(COOKIE))
    request.state.dashboard_session = session
    return session


async def signed_in(
    session: Annotated[Session | None, Depends(current_session)],
) -> Session:
    if session is None:
        raise SignInRequired
    return session


SignedIn = Annotated[Session, Depends(signed_in)]
MaybeSignedIn = Annotated[Session | None, Depends(current_session)]


async def checked_form(request: Request, session: SignedIn) -> Form:
    """The POSTed form, if it carries this session's CSRF token and comes from this site."""
    if not same_origin(request):
        raise CsrfRejected("The form was sent from another site.")
    form = await read_form(request)
    if not hmac.compare_digest(form.get("csrf_token").encode(), session.csrf_token.encode()):
        raise CsrfRejected("This form has expired; reload the page and try again.")
    return form


CheckedForm = Annotated[Form, Depends(checked_form)]


def new_form_key() -> str:
    """A fresh idempotency key for each rendered action form."""
    return secrets.token_urlsafe(18)


def idempotency(form: Form, request: Request, body: Any) -> IdempotencyKey:
    """The form's key (made when it was rendered) for the request ``body`` it asks for: the
    same form sent twice is one request; a key never seen before is a new one."""
    key = form.get("idem")
    if not key or len(key) > 64:
        raise InvalidRequest.field("Idem", "This form has no key; reload the page.")
    fingerprint = json.dumps(body, sort_keys=True).encode()
    found = IdempotencyKey.of(f"dashboard:{key}", "POST", request.url.path, fingerprint)
    assert found is not None
    return found


def minor_units(text: str, currency: str, field: str) -> int:
    """``"10.50"`` in ``currency`` -> ``1050``; refuses more decimals than the currency has."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    scale: int = 10**exponent
    raw = text.strip().replace(",", "")
    whole, _, part = raw.partition(".")
    if not whole.isdigit() and not (whole == "" and part.isdigit()):
        raise InvalidRequest.field(field, "Enter an amount such as 12.50.")
    if part and (not part.isdigit() or len(part) > exponent):
        raise InvalidRequest.field(field, f"{currency} amounts have {exponent} decimal places.")
    value = int(whole or "0") * scale + int((part or "0").ljust(exponent, "0") or "0")
    if value < 1:
        raise InvalidRequest.field(field, "Enter an amount above zero.")
    return value


async def html(
    request: Request,
    ctx: Context,
    session: Session | None,
    template: str,
    *,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    environments = await sessions.environments(ctx, session) if session else {}
    for name in ("done", "error", "active"):
        values.setdefault(name, None)
    body = render(
        template,
        request=request,
        session=session,
        environments=environments,
        csrf_token=session.csrf_token if session else "",
        **values,
    )
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def sign_in_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/dashboard?next={quote(target, safe='')}")


_ERROR_TITLES = {403: "Not allowed", 404: "Not found"}


class DashboardRoute(APIRoute):
    """Routes whose failures are pages: no session -> the sign-in form; a TenderError -> an
    error page with its status (another account's payment is a plain 404)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                if request.method == "GET":
                    return sign_in_redirect(request)
                return redirect("/dashboard")
            except TenderError as error:
                return await error_page(request, error)

        return route


async def error_page(request: Request, error: TenderError) -> HTMLResponse:
    ctx: Context = request.app.state.ctx
    session = getattr(request.state, "dashboard_session", None)
    if isinstance(error, NotFound):
        message = "There is nothing here, or it belongs to another account."
    else:
        message = error.detail or error.title
    return await html(
        request,
        ctx,
        session,
        "error.html",
        status=error.status,
        title=_ERROR_TITLES.get(error.status, error.title),
        message=message,
        errors=error.errors,
    )
