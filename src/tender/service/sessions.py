"""Signing in and out of the dashboard, and the session behind each request.

* A session is a random token in a cookie and a row keyed by the token's sha256; it lasts
  ``dashboard_session_hours`` and carries the CSRF token every form must send back.
* Signing in always issues a new token and deletes the session the browser came with, so a
  token planted before sign-in (session fixation) is worth nothing after it.
* After ``dashboard_lockout_failures`` wrong passwords in a row an e-mail address is locked for
  ``dashboard_lockout_minutes`` — known addresses and unknown ones alike, and with the same
  message, so the lockout tells nothing about who has a user.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tender.domain.roles import Permission, allows
from tender.errors import TenderError, Unauthorized
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.users import normalize_email, verify_password
from tender.storage import accounts as accounts_repo
from tender.storage import users as repo


class WrongCredentials(Unauthorized):
    title = "The e-mail address or password is not right."


class LockedOut(TenderError):
    status = 429
    title = "Too many failed sign-ins."

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            f"Too many failed sign-ins for this address; try again after {until:%H:%M} UTC."
        )


class Forbidden(TenderError):
    status = 403
    title = "Your role does not allow this."


@dataclass(frozen=True, slots=True)
class Session:
    """Who is signed in, with which role, looking at which account."""

    token: str
    user_id: str
    email: str
    role: str
    account: Account
    home_account_id: str
    csrf_token: str

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"A {self.role} cannot do this; ask an owner of the account.")


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def sign_in(ctx: Context, email: str, password: str, *, replacing: str | None) -> str:
    """A new session token for the right e-mail and password; ``replacing`` (the token the
    browser came with, if any) is deleted whatever happens."""
    email = normalize_email(email)
    settings = ctx.settings
    async with ctx.db.transaction(write=False) as conn:
        failures = await repo.failures_of(conn, email)
        user = await repo.user_by_email(conn, email)
    now = ctx.clock()
    if failures is not None and failures.locked_until and failures.locked_until > now:
        raise LockedOut(failures.locked_until)
    ok = await verify_password(user.password_hash if user else None, password[:1024])
    ok = ok and user is not None and user.disabled_at is None
    if not ok or user is None:
        async with ctx.db.transaction() as conn:  # committed: the failure must count
            if replacing:
                await repo.delete_session(conn, replacing)
            row = await repo.record_failure(
                conn,
                email,
                now,
                threshold=settings.dashboard_lockout_failures,
                locked_until=now + timedelta(minutes=settings.dashboard_lockout_minutes),
            )
        if row.locked_until and row.locked_until > now:
            raise LockedOut(row.locked_until)
        raise WrongCredentials("The e-mail address or password is not right.")
    token = new_token()
    async with ctx.db.transaction() as conn:
        if replacing:
            await repo.delete_session(conn, replacing)
        await repo.clear_failures(conn, email)
        await repo.delete_expired_sessions(conn, now)
        await repo.insert_session(
            conn,
            token,
            user_id=user.id,
            account_id=user.account_id,
            csrf_token=secrets.token_urlsafe(32),
            now=now,
            expires_at=now + timedelta(hours=settings.dashboard_session_hours),
        )
        await repo.update_user(conn, user.id, {"last_sign_in_at": now})
    return token


async def current(ctx: Context, token: str | None) -> Session | None:
    """The session of a cookie's token; None when missing, expired, or its user disabled."""
    if not token or len(token) > 100:
        return None
    async with ctx.db.transaction(write=False) as conn:
        found = await repo.session_with_user(conn, token, ctx.clock())
        if found is None or found.disabled_at is not None:
            return None
        account = await accounts_repo.get_account(conn, found.account_id)
    if account is None:
        return None
    return Session(
        token=token,
        user_id=found.user_id,
        email=found.email,
        role=found.role,
        account=account,
        home_account_id=found.home_account_id,
        csrf_token=found.csrf_token,
    )


async def sign_out(ctx: Context, token: str | None) -> None:
    if token:
        async with ctx.db.transaction() as conn:
            await repo.delete_session(conn, token)


async def environments(ctx: Context, session: Session) -> dict[str, str]:
    """The accounts this session may switch between: environment -> account id (the user's
    own account and the account of the same name in the other environment, if any)."""
    async with ctx.db.transaction(write=False) as conn:
        home = await accounts_repo.get_account(conn, session.home_account_id)
        if home is None:
            return {}
        found: dict[str, str] = {}
        for account in await accounts_repo.accounts_named(conn, home.name):
            found.setdefault(account.environment, account.id)
        found[home.environment] = home.id
    return found


async def switch_environment(ctx: Context, session: Session, environment: str) -> None:
    """Look at the account of ``environment`` from now on (sandbox or production)."""
    target = (await environments(ctx, session)).get(environment)
    if target is None:
        raise Forbidden(f"This account has no {environment} environment yet.")
    async with ctx.db.transaction() as conn:
        await repo.update_session(conn, session.token, {"account_id": target})
