"""The ``tender`` command: serve, migrate, worker, keys, webhooks, listen (and, from
``cli_client``, the commands that talk to a running server: intents, pay, trigger)."""

import asyncio
import contextlib
import getpass
import logging
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypedDict, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from tender import cli_client
from tender.cli_webhooks import listen, webhooks_app
from tender.config import Settings
from tender.errors import TenderError
from tender.service import accounts, installation, users
from tender.service.context import Context
from tender.storage import migrate as migrations
from tender.storage.db import Database

app = typer.Typer(
    help="Tender: a self-hosted payment-intents gateway that speaks Dojo's API.",
    no_args_is_help=True,
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
users_app = typer.Typer(help="Create, list and disable dashboard users.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(webhooks_app, name="webhooks")
app.command()(listen)
cli_client.register(app)  # intents, pay, trigger: over HTTP through the SDK
err = Console(stderr=True)
T = TypeVar("T")


class Listen(TypedDict, total=False):
    """``serve``'s options that override ``TENDER_HOST`` and ``TENDER_PORT`` when given."""

    host: str
    port: int


def run_with_context(settings: Settings, fn: Callable[[Context], Awaitable[T]]) -> T:
    """Run ``fn(ctx)`` (a coroutine function) with a fresh database connection pool."""

    async def main() -> T:
        db = Database(settings.database_url)
        try:
            return await fn(Context(db=db, settings=settings))
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except TenderError as exc:
        err.print(f"[red]error:[/red] {exc.detail or exc.title}")
        for field, messages in exc.errors.items():
            err.print(f"  {field}: {'; '.join(messages)}")
        raise typer.Exit(2) from None


@app.command()
def migrate() -> None:
    """Apply the database migrations (serve and worker do this on start too)."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    err.print(f"database at revision {migrations.head_revision()}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: TENDER_HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="Default: TENDER_PORT or 8000")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="API processes (uvicorn workers) sharing the port")
    ] = 1,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs",
            help="Run the background jobs (expiry, recovery, webhooks): in this process with one "
            "API process, in a job process of their own with several",
        ),
    ] = True,
) -> None:
    """Migrate, create a sandbox account on the first start, and serve the API."""
    import uvicorn

    from tender.api.access_log import install_root_redaction, uvicorn_log_config
    from tender.api.app import create_app
    from tender.service.ratelimit import Rules

    overrides = Listen()
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = Settings(**overrides, run_workers=jobs and workers == 1)
    try:
        Rules.of(settings)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    migrations.upgrade(settings.database_url)
    try:
        run_with_context(settings, installation.prepare)
    except installation.UnsafeConfiguration as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    key = run_with_context(settings, accounts.bootstrap_sandbox)
    if key:
        err.print(
            "Created a sandbox account. Its secret key (shown once; `tender keys create` "
            "makes more):"
        )
        print(key, flush=True)
    err.print(f"Tender listening on {settings.base_url}  (API reference: {settings.base_url}/docs)")
    if settings.demo:
        err.print(f"Demo shop: {settings.base_url}/demo")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_root_redaction()
    proxies = settings.trusted_proxies.strip()
    options: dict[str, Any] = dict(
        host=settings.host,
        port=settings.port,
        log_level="info",
        log_config=uvicorn_log_config(),
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        loop="uvloop",
        http="httptools",
    )
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    # Several API processes: each builds its app from the environment; one job process.
    os.environ.update(
        TENDER_HOST=settings.host, TENDER_PORT=str(settings.port), TENDER_RUN_WORKERS="false"
    )
    job_process = (
        subprocess.Popen([sys.executable, "-m", "tender", "worker", "--no-migrate"])
        if jobs
        else None
    )
    try:
        uvicorn.run("tender.api.app:create_app", factory=True, workers=workers, **options)
    finally:
        if job_process is not None:
            job_process.terminate()
            job_process.wait(timeout=30)


@app.command()
def worker(
    migrate: Annotated[bool, typer.Option(help="Apply the migrations first")] = True,
) -> None:
    """Run the background jobs (expiry, recovery, webhook dispatcher) without the API."""
    from tender.service.jobs import background_jobs

    settings = Settings()
    if migrate:
        migrations.upgrade(settings.database_url)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    async def work(ctx: Context) -> None:
        jobs = background_jobs()
        err.print(f"worker running {', '.join(name for name, _ in jobs) or 'no jobs'}")
        await asyncio.gather(*(job(ctx) for _, job in jobs))

    with contextlib.suppress(KeyboardInterrupt):
        run_with_context(settings, work)


@keys_app.command("create")
def keys_create(
    account: Annotated[str, typer.Option(help="Account name; created if new")] = "default",
    env: Annotated[str, typer.Option(help="sandbox or prod")] = "sandbox",
    key: Annotated[
        str | None, typer.Option(help="Register this key (sk_sandbox_…) instead of a new one")
    ] = None,
) -> None:
    """Print a new secret key, alone on one line (scripts capture it)."""
    settings = Settings()
    migrations.upgrade(settings.database_url)

    async def create(ctx: Context) -> str:
        _, created = await accounts.create_key(ctx, account_name=account, environment=env, key=key)
        return created

    print(run_with_context(settings, create))


@keys_app.command("list")
def keys_list() -> None:
    """List keys (hints only: keys are stored hashed)."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    rows = run_with_context(settings, accounts.list_keys)
    table = Table("id", "account", "env", "key", "created", "revoked")
    for row in rows:
        table.add_row(
            row.id,
            row.account_name,
            row.environment,
            row.hint,
            f"{row.created_at:%Y-%m-%d %H:%M}",
            f"{row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "",
        )
    console = Console()
    if not console.is_terminal:  # piped: never wrap the ids that `keys revoke` needs
        console = Console(width=250)
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (key_…)")]) -> None:
    """Revoke a key: requests with it answer 401 from now on."""
    settings = Settings()
    migrations.upgrade(settings.database_url)

    async def revoke(ctx: Context) -> None:
        await accounts.revoke_key(ctx, key_id)

    run_with_context(settings, revoke)
    err.print(f"revoked {key_id}")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their sign-in name)")],
    account: Annotated[str, typer.Option(help="Name of the account they belong to")],
    role: Annotated[str, typer.Option(help="owner, developer or support")] = "owner",
    env: Annotated[str, typer.Option(help="Environment of that account: sandbox or prod")] = (
        "sandbox"
    ),
) -> None:
    """Create a user who signs in at /dashboard. The password comes from TENDER_USER_PASSWORD,
    or is asked for (twice) when that is not set."""
    password = os.environ.get("TENDER_USER_PASSWORD")
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            err.print("[red]error:[/red] the passwords differ")
            raise typer.Exit(2)
    settings = Settings()
    migrations.upgrade(settings.database_url)

    async def create(ctx: Context) -> users.User:
        return await users.create_user(
            ctx, email, password, account_name=account, role=role, environment=env
        )

    user = run_with_context(settings, create)
    err.print(f"created {user.role} {user.email} of {user.account_name} ({user.account_id})")


@users_app.command("list")
def users_list() -> None:
    """List dashboard users (never their passwords)."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    found = run_with_context(settings, users.list_users)
    table = Table("email", "role", "account", "state")
    for user in found:
        table.add_row(
            user.email, user.role, user.account_name, "disabled" if user.disabled else "active"
        )
    console = Console()
    if not console.is_terminal:
        console = Console(width=250)
    console.print(table)


@users_app.command("disable")
def users_disable(email: Annotated[str, typer.Argument(help="The user's e-mail address")]) -> None:
    """Disable a user: their sessions end now and they can no longer sign in."""
    settings = Settings()
    migrations.upgrade(settings.database_url)

    async def disable(ctx: Context) -> users.User:
        return await users.disable_user(ctx, email)

    run_with_context(settings, disable)
    err.print(f"disabled {users.normalize_email(email)}")
