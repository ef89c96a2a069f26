"""Dashboard users: create (``tender users create``, or an owner from the Team page), list,
disable. Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile), in a
worker thread so the event loop keeps serving while a hash is computed."""

import asyncio
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tender.domain.roles import Role
from tender.errors import InvalidRequest, NotFound
from tender.ids import new_id
from tender.service.context import Context
from tender.storage import accounts as accounts_repo
from tender.storage import users as repo
from tender.storage.records import DashboardUser

MIN_PASSWORD = 10
MAX_PASSWORD = 256
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong
# password and timing does not tell which addresses have users.
_DUMMY_HASH = _hasher.hash("tender-no-such-user")


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    role: str
    account_id: str
    account_name: str
    disabled: bool

    @classmethod
    def of(cls, user: DashboardUser, account_name: str) -> "User":
        disabled = user.disabled_at is not None
        return cls(user.id, user.email, user.role, user.account_id, account_name, disabled)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidRequest.field("Email", "Enter an e-mail address such as ada@example.com.")
    return email


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidRequest.field(
            "Password", f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters."
        )
    return password


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidRequest.field("Role", f"The role must be one of {names}.") from None


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


async def create_user(
    ctx: Context,
    email: str,
    password: str,
    *,
    account_name: str | None = None,
    account_id: str | None = None,
    role: str = Role.OWNER,
    environment: str = "sandbox",
) -> User:
    """A user of an existing account, named (CLI) or by id (the Team page)."""
    email, checked_role = check_email(email), check_role(role)
    password_hash = await hash_password(check_password(password))
    async with ctx.db.transaction() as conn:
        if account_id is not None:
            account = await accounts_repo.get_account(conn, account_id)
        else:
            account = await accounts_repo.find_account_by_name(
                conn, account_name or "", environment
            )
        if account is None:
            raise InvalidRequest.field(
                "Account",
                f"No {environment} account is named {account_name!r}; "
                f"create it with `tender keys create --account {account_name!r}`.",
            )
        if await repo.user_by_email(conn, email) is not None:
            raise InvalidRequest.field("Email", f"A user with the e-mail {email} exists already.")
        user_id = new_id("usr", sandbox=False)
        await repo.insert_user(
            conn,
            id=user_id,
            account_id=account.id,
            email=email,
            password_hash=password_hash,
            role=checked_role.value,
            now=ctx.clock(),
        )
    return User(user_id, email, checked_role.value, account.id, account.name, False)


async def list_users(ctx: Context, account_id: str | None = None) -> list[User]:
    async with ctx.db.transaction(write=False) as conn:
        return [User.of(user, name) for user, name in await repo.list_users(conn, account_id)]


async def disable_user(ctx: Context, email: str, *, account_id: str | None = None) -> User:
    """Disable a user and end their sessions at once (``account_id`` limits whom an owner can
    reach: another account's user is NotFound)."""
    email = normalize_email(email)
    async with ctx.db.transaction() as conn:
        user = await repo.user_by_email(conn, email)
        if user is None or (account_id is not None and user.account_id != account_id):
            raise NotFound(f"No user with the e-mail {email}.")
        await repo.update_user(conn, user.id, {"disabled_at": user.disabled_at or ctx.clock()})
        await repo.delete_sessions_of(conn, user.id)
        account = await accounts_repo.get_account(conn, user.account_id)
    assert account is not None
    return User(user.id, user.email, user.role, user.account_id, account.name, True)
