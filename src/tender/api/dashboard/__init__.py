"""The merchant dashboard at ``/dashboard``: server-rendered pages (``tender.web.dashboard``
templates) with small scripts, signed in with a server-side session (``web`` holds the cookie,
CSRF and page plumbing)."""

import os

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.staticfiles import PathLike
from starlette.types import Scope

from tender.api.dashboard import auth, customers, developers, links, payments, team
from tender.api.dashboard.web import DashboardRoute, SignedIn
from tender.errors import NotFound
from tender.web.dashboard import DASHBOARD_STATIC

_fallback = APIRouter(prefix="/dashboard", route_class=DashboardRoute, include_in_schema=False)


@_fallback.get("/{path:path}")
async def not_found(request: Request, session: SignedIn, path: str) -> Response:
    """Any other dashboard address: a 404 page (the sign-in form when signed out)."""
    raise NotFound(f"No page at /dashboard/{path}.")


class _Static(StaticFiles):
    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def install(app: FastAPI) -> None:
    app.mount("/dashboard/static", _Static(directory=DASHBOARD_STATIC), name="dashboard-static")
    for module in (auth, payments, links, customers, developers, team):
        app.include_router(module.router)
    app.include_router(_fallback)
