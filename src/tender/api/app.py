"""The application factory: ``create_app(settings)`` wires the context, routes and handlers."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError

from tender import __version__
from tender.api import dashboard, problems
from tender.api.cors import PublicCors
from tender.api.middleware import RequestGuard
from tender.api.routes import (
    checkout,
    customers,
    docs,
    gateway,
    health,
    intents,
    movements,
    receipts,
    saved_gateway,
    setup_intents,
    threeds,
    webhooks,
)
from tender.clock import Clock, system_clock
from tender.config import Settings
from tender.demo import shop as demo_shop
from tender.processor.protocol import Processor
from tender.service import installation
from tender.service.context import Context, sandbox_processor
from tender.service.jobs import background_jobs
from tender.service.ratelimit import Rules
from tender.storage.db import Database

log = logging.getLogger("tender")

DESCRIPTION = """
Tender speaks Dojo's payment-intents API, versions 2022-04-07, 2024-02-05 and 2025-09-10 (this
reference shows 2024-02-05's shapes).

* **Authentication**: `Authorization: Basic sk_sandbox_…` — the raw secret key after `Basic`.
* **Versioning**: the `version` header (e.g. `2024-02-05`) is required on every call and selects
  the request and response shapes of that version of Dojo's API.
* **Binding**: property names are case-insensitive; unknown properties are ignored and named in
  the `Tender-Ignored-Fields` response header; the same property twice is refused.
* **Amounts** are integers in minor units (`1000` = £10.00).
* **Errors** are RFC 7807 `application/problem+json` with `traceId` and per-field `errors`.
* **Retries**: send an `idempotencyKey` header on any mutating call; the same key and body
  replay the first answer (`Idempotent-Replayed: true`), a different body answers 422, a
  request still in flight with the same key answers 409.
"""


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    run_jobs: bool | None = None,
    processor: Processor | None = None,
) -> FastAPI:
    """The application; ``processor`` replaces the sandbox acquirer (tests pass doubles)."""
    settings = settings or Settings()
    run_jobs = settings.run_workers if run_jobs is None else run_jobs

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        acquirer = processor or sandbox_processor(settings)
        ctx = app.state.ctx = Context(db=db, settings=settings, clock=clock, processor=acquirer)
        try:
            ctx.settings = await installation.prepare(ctx)
        except (OSError, SQLAlchemyError) as exc:  # /health reports it; payments wait for it
            log.warning("database unreachable at start-up (%s); secrets load later", exc)
        except BaseException:
            await db.dispose()
            raise
        tasks: list[asyncio.Task[None]] = [
            asyncio.create_task(job(ctx), name=name)
            for name, job in (background_jobs() if run_jobs else [])
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await ctx.limiter.aclose()
            await db.dispose()

    app = FastAPI(
        title="Tender",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,  # RequestGuard serves /x/ as /x instead
    )
    Rules.of(settings)  # a malformed TENDER_LIMIT_* fails here, before anything is served
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(PublicCors)
    problems.install(app)
    app.include_router(intents.router)
    app.include_router(movements.router)
    app.include_router(setup_intents.charge_router)
    app.include_router(setup_intents.router)
    app.include_router(customers.router)
    app.include_router(gateway.router)
    app.include_router(saved_gateway.router)
    app.include_router(threeds.router)
    app.include_router(receipts.router)
    app.include_router(webhooks.router)
    app.include_router(health.router)
    app.include_router(docs.router)
    app.mount(docs.ASSETS, StaticFiles(directory=docs.ASSET_DIR), name="swagger")
    checkout.install(app)
    dashboard.install(app)
    if settings.demo:
        app.include_router(demo_shop.router)
    # FastAPI's documented way to customise the schema; mypy refuses assigning to a method.
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    # Every problem answer is application/problem+json, not application/json.
    for path in schema["paths"].values():
        for operation in path.values():
            responses = operation.get("responses", {})
            for code, response in responses.items():
                content = response.get("content", {})
                if code[:1] in "45" and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
            # FastAPI documents its own 422 validation error; Tender answers validation
            # failures (a missing version header included) with a 400 problem, and 422 only
            # for an idempotency key reused with a different request.
            names = {p["name"] for p in operation.get("parameters", [])}
            responses.pop("422", None)
            if "version" in names or "requestBody" in operation:
                responses.setdefault("400", {"description": "Invalid request", "content": problem})
            if "idempotencyKey" in names:
                responses["422"] = {
                    "description": "Idempotency key reused with a different request",
                    "content": problem,
                }
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)
    app.openapi_schema = schema
    return schema
