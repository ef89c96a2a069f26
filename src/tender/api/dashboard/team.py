"""The team (owners only): the account's users, adding one with a first password, disabling one
(their sessions end at once)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from tender.api.dashboard.web import CheckedForm, DashboardRoute, SignedIn, html, redirect
from tender.api.deps import Ctx
from tender.domain.roles import Permission, Role
from tender.errors import InvalidRequest, TenderError
from tender.service import users
from tender.service.sessions import Session

router = APIRouter(prefix="/dashboard/team", route_class=DashboardRoute, include_in_schema=False)
DONE = {"added": "The user was added: give them their e-mail address and password.",
        "disabled": "The user was disabled and signed out."}  # fmt: skip


async def _page(
    request: Request,
    ctx: Ctx,
    session: Session,
    *,
    error: TenderError | None = None,
    done: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    session.require(Permission.MANAGE_USERS)
    people = await users.list_users(ctx, session.home_account_id)
    return await html(
        request, ctx, session, "team.html", status=error.status if error else 200,
        title="Team", active="team", people=people, roles=[r.value for r in Role],
        error=error, done=DONE.get(done or ""), values=values or {},
    )  # fmt: skip


@router.get("")
async def team(
    request: Request,
    ctx: Ctx,
    session: SignedIn,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return await _page(request, ctx, session, done=done)


@router.post("")
async def add_user(request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm) -> Response:
    session.require(Permission.MANAGE_USERS)
    values = {"email": form.get("email"), "role": form.get("role")}
    try:
        await users.create_user(
            ctx,
            values["email"],
            form.get("password"),
            account_id=session.home_account_id,
            role=values["role"],
        )
    except TenderError as error:
        return await _page(request, ctx, session, error=error, values=values)
    return redirect("/dashboard/team?done=added")


@router.post("/disable")
async def disable_user(
    request: Request, ctx: Ctx, session: SignedIn, form: CheckedForm
) -> Response:
    session.require(Permission.MANAGE_USERS)
    email = users.normalize_email(form.get("email"))
    try:
        if email == session.email:
            raise InvalidRequest.field("Email", "You cannot disable yourself.")
        if form.get("confirmed") != "yes":
            return await html(
                request, ctx, session, "confirm.html", title="Confirm", active="team",
                intent=None, action="disable", target=request.url.path, back="/dashboard/team",
                summary=f"Disable {email}: they are signed out and cannot sign in again",
                hidden=form.hidden("confirmed"),
            )  # fmt: skip
        await users.disable_user(ctx, email, account_id=session.home_account_id)
    except TenderError as error:
        return await _page(request, ctx, session, error=error)
    return redirect("/dashboard/team?done=disabled")
