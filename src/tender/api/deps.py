"""Annotated dependencies: the context, the authenticated account, the version header and the
idempotency key. REST routes declare what they need through these; only the gateway and the
page routes, which read raw bodies and forms, take the request itself."""

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader

from tender.service import accounts, versions
from tender.service.accounts import Account
from tender.service.context import Context
from tender.service.idempotency import MAX_KEY_LENGTH, IdempotencyKey

# Documents the scheme in OpenAPI; the value is checked by ``accounts.authenticate``.
_api_key = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    description="`Basic sk_sandbox_…` — the raw secret key after the word Basic (Dojo's form); "
    "`Basic base64(key:)` is accepted too.",
)


async def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx  # set by the application's lifespan
    return ctx


Ctx = Annotated[Context, Depends(get_context)]


async def client_address(request: Request) -> str | None:
    """The caller's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else None


ClientAddress = Annotated[str | None, Depends(client_address)]


async def get_account(
    ctx: Ctx, client: ClientAddress, authorization: Annotated[str | None, Depends(_api_key)]
) -> Account:
    return await accounts.authenticate(ctx, authorization, client)


AuthedAccount = Annotated[Account, Depends(get_account)]


async def require_version(
    version: Annotated[
        str,
        Header(
            alias="version",
            description="API version, required on every call: 2022-04-07, 2024-02-05 or "
            "2025-09-10 (a later date selects the newest version released by then).",
            examples=["2024-02-05"],
        ),
    ],
) -> str:
    """The version whose request and response shapes the call uses."""
    return versions.resolve(version)


ApiVersion = Annotated[str, Depends(require_version)]


async def get_idempotency_key(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="idempotencyKey",
            description="Makes the request safe to retry: the same key and body replay the first "
            "answer; `Idempotency-Key` is accepted too. Kept for 24 hours.",
            max_length=MAX_KEY_LENGTH,
        ),
    ] = None,
) -> IdempotencyKey | None:
    key = idempotency_key or request.headers.get("idempotency-key")
    return IdempotencyKey.of(key, request.method, request.url.path, await request.body())


Idem = Annotated[IdempotencyKey | None, Depends(get_idempotency_key)]
