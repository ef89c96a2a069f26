"""Accounts and API keys: create, authenticate, list, revoke, and the first-start sandbox."""

import base64
import binascii
import re
import secrets
from datetime import timedelta

from tender.domain.money import DEFAULT_ACCOUNT_CURRENCIES
from tender.errors import InvalidRequest, NotFound, Unauthorized
from tender.ids import new_id
from tender.service import limits
from tender.service.context import Context, KeyUse
from tender.storage import accounts as repo
from tender.storage.db import Conn
from tender.storage.records import Account as Account  # the service layer's name for it
from tender.storage.records import ApiKey

KEY_PATTERN = re.compile(r"^sk_(sandbox|prod)_[A-Za-z0-9_-]{16,100}$")
ENVIRONMENTS = ("sandbox", "prod")
# A key's "last used" is written at most this often: one small write a minute per key, not one
# per request.
LAST_USED_PRECISION = timedelta(minutes=1)


async def account_by_id(ctx: Context, conn: Conn, account_id: str) -> Account:
    """The account an intent belongs to (it always exists: intents reference it); remembered
    for a few seconds."""
    cached = ctx.accounts.get(account_id)
    if cached is not None:
        return cached
    account = await repo.get_account(conn, account_id)
    assert account is not None, account_id
    ctx.accounts.put(account_id, account)
    return account


def generate_key(environment: str) -> str:
    return f"sk_{environment}_{secrets.token_urlsafe(24)}"


async def create_key(
    ctx: Context,
    *,
    account_name: str = "default",
    environment: str = "sandbox",
    key: str | None = None,
) -> tuple[Account, str]:
    """Register ``key`` (or a new one) for the account named ``account_name``, creating it."""
    if environment not in ENVIRONMENTS:
        raise InvalidRequest.field("Environment", "The environment must be sandbox or prod.")
    if key is None:
        key = generate_key(environment)
    match = KEY_PATTERN.match(key)
    if not match or match.group(1) != environment:
        raise InvalidRequest.field(
            "Key",
            f"A {environment} key looks like sk_{environment}_ and 16-100 characters "
            "of letters, digits, - or _.",
        )
    now = ctx.clock()
    async with ctx.db.transaction() as conn:
        if await repo.key_exists(conn, key):
            raise InvalidRequest.field("Key", "This key is already registered.")
        account = await repo.find_account_by_name(conn, account_name, environment)
        if account is None:
            account_id = new_id("acc", sandbox=environment == "sandbox")
            await repo.insert_account(
                conn,
                id=account_id,
                name=account_name,
                environment=environment,
                currencies=DEFAULT_ACCOUNT_CURRENCIES,
                now=now,
            )
            account = await repo.get_account(conn, account_id)
        assert account is not None
        await repo.insert_key(
            conn,
            id=new_id("key", sandbox=environment == "sandbox"),
            account_id=account.id,
            key=key,
            environment=environment,
            now=now,
        )
    return account, key


async def bootstrap_sandbox(ctx: Context) -> str | None:
    """On the very first start, create a sandbox account and return its key (else None)."""
    async with ctx.db.transaction(write=False) as conn:
        if await repo.any_account(conn):
            return None
    _, key = await create_key(ctx, account_name="Sandbox", environment="sandbox")
    return key


def parse_authorization(header: str | None) -> str:
    """Dojo's ``Basic sk_…`` (raw key) or the standard ``Basic base64(key:)``."""
    if not header:
        raise Unauthorized("Send your secret key as 'Authorization: Basic sk_sandbox_…'.")
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() not in ("basic", "bearer") or not credential:
        raise Unauthorized("The Authorization header must be 'Basic <secret key>'.")
    if credential.startswith("sk_"):
        return credential
    try:
        decoded = base64.b64decode(credential, validate=True).decode()
    except (binascii.Error, ValueError):  # ValueError: non-ASCII text (UnicodeDecodeError too)
        raise Unauthorized("The Authorization header must be 'Basic <secret key>'.") from None
    return decoded.partition(":")[0]


async def authenticate(ctx: Context, header: str | None, client: str | None = None) -> Account:
    """The account of the key in ``header``. A process remembers a key for
    ``key_cache_seconds`` (4 s), so a key revoked by another process stops working within that
    time; in this process at once. Failures with a credential are counted per client address,
    and an address over its limit cannot authenticate at all for a while (a key this process
    already knows to be good is not a guess). The key's last use is recorded at most once a
    minute."""
    if not header:
        parse_authorization(header)  # raises: nothing was guessed, nothing to count
    try:
        key = parse_authorization(header)
    except Unauthorized:
        await limits.check_authentication(ctx, client)
        await limits.authentication_failed(ctx, client)
        raise
    digest = repo.hash_key(key)
    use = ctx.keys.get(digest)
    if use is None:
        use = await _look_up(ctx, key, client)
        ctx.keys.put(digest, use)
        ctx.accounts.put(use.account.id, use.account)
    now = ctx.clock()
    stale = now - LAST_USED_PRECISION
    if use.last_used_at is None or use.last_used_at < stale:
        async with ctx.db.transaction() as conn:
            await repo.touch_key(conn, use.key_id, now, stale)
        use.last_used_at = now
    return use.account


async def _look_up(ctx: Context, key: str, client: str | None) -> KeyUse:
    await limits.check_authentication(ctx, client)
    try:
        if not KEY_PATTERN.match(key):
            raise Unauthorized("The secret key is malformed.")
        async with ctx.db.transaction(write=False) as conn:
            found = await repo.account_for_key(conn, key)
        if found is None:
            raise Unauthorized("The secret key is not valid, or it was revoked.")
    except Unauthorized:
        await limits.authentication_failed(ctx, client)
        raise
    return KeyUse(found.account, found.id, found.last_used_at)


async def list_keys(ctx: Context) -> list[ApiKey]:
    """Every key of every account, oldest first (``tender keys list``)."""
    async with ctx.db.transaction(write=False) as conn:
        return await repo.list_keys(conn)


async def revoke_key(ctx: Context, key_id: str) -> None:
    async with ctx.db.transaction() as conn:
        if not await repo.revoke_key(conn, key_id, ctx.clock()):
            raise NotFound(f"No live key with id {key_id}.")
    ctx.keys.clear()
