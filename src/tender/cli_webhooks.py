"""``tender webhooks …`` (inspect deliveries, redeliver) and ``tender listen``.

These talk to a running Tender server over HTTP with an API key, as an integration would, so
they work against any deployment: ``--url`` (TENDER_URL, default http://127.0.0.1:8000) and
``--api-key`` (TENDER_API_KEY).
"""

import asyncio
import contextlib
import sys
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from tender.webhooks.forward import VERSION, Forwarder, ForwardError

webhooks_app = typer.Typer(
    help="Inspect webhook subscriptions and deliveries, and re-send events.",
    no_args_is_help=True,
)
err = Console(stderr=True)

ApiKey = Annotated[
    str, typer.Option("--api-key", envvar="TENDER_API_KEY", help="Secret key, sk_sandbox_…")
]
Url = Annotated[str, typer.Option("--url", envvar="TENDER_URL", help="The Tender server")]
DEFAULT_URL = "http://127.0.0.1:8000"


def _call(url: str, key: str, method: str, path: str, **kwargs: Any) -> Any:
    if not key:
        err.print("[red]error:[/red] pass --api-key or set TENDER_API_KEY")
        raise typer.Exit(2)
    headers = {"Authorization": f"Basic {key}", "version": VERSION}
    try:
        with httpx.Client(base_url=url.rstrip("/"), timeout=30, trust_env=False) as client:
            response = client.request(method, path, headers=headers, **kwargs)
    except httpx.HTTPError as exc:
        err.print(f"[red]error:[/red] cannot reach {url}: {exc}")
        raise typer.Exit(2) from None
    if response.status_code >= 400:
        try:
            problem = response.json()
            detail = problem.get("detail") or problem.get("title")
        except ValueError:
            detail = response.text
        err.print(f"[red]error:[/red] {response.status_code} {detail}")
        raise typer.Exit(2)
    return response.json() if response.content else None


@webhooks_app.command("list")
def list_subscriptions(api_key: ApiKey, url: Url = DEFAULT_URL) -> None:
    """The account's subscriptions."""
    table = Table("id", "url", "events", "active secret")
    for sub in _call(url, api_key, "GET", "/webhooks"):
        active = next((s["id"] for s in sub["secrets"] if s["isActive"]), "")
        table.add_row(sub["id"], sub["url"], ", ".join(sub["events"]), active)
    Console(width=200).print(table)


@webhooks_app.command("deliveries")
def deliveries(
    subscription_id: Annotated[str, typer.Argument(help="ws_…")],
    delivery_id: Annotated[
        str | None, typer.Argument(help="dlv_…: show this delivery's attempts")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="pending, delivered, failed or canceled")
    ] = None,
    limit: Annotated[int, typer.Option(help="1-100")] = 50,
    api_key: ApiKey = "",
    url: Url = DEFAULT_URL,
) -> None:
    """List a subscription's deliveries (newest first), or one delivery with every attempt."""
    console = Console(width=200)
    if delivery_id:
        d = _call(url, api_key, "GET", f"/webhooks/{subscription_id}/deliveries/{delivery_id}")
        console.print(
            f"{d['id']}  {d['event']}  {d['eventId']}  {d['paymentIntentId'] or ''}  "
            f"status={d['status']}  next={d['nextAttemptAt'] or '-'}"
        )
        table = Table("#", "started", "ms", "status", "error", "response", "secret")
        for a in d["attempts"]:
            table.add_row(
                str(a["number"]),
                a["startedAt"],
                str(a["durationMs"]),
                str(a["statusCode"] or ""),
                a["error"] or "",
                (a["responseBody"] or "")[:60],
                a["secretId"] or "",
            )
        console.print(table)
        return
    params: dict[str, Any] = {"limit": limit}
    if status:
        params["status"] = status
    page = _call(url, api_key, "GET", f"/webhooks/{subscription_id}/deliveries", params=params)
    table = Table("id", "event", "event id", "intent", "status", "tries", "last", "next attempt")
    for d in page["data"]:
        table.add_row(
            d["id"],
            d["event"],
            d["eventId"],
            d["paymentIntentId"] or "",
            d["status"],
            str(d["attemptCount"]),
            str(d["lastStatusCode"] or d["lastError"] or ""),
            d["nextAttemptAt"] or "",
        )
    console.print(table)


@webhooks_app.command("redeliver")
def redeliver(
    subscription_id: Annotated[str, typer.Argument(help="ws_…")],
    target: Annotated[
        str, typer.Argument(help="dlv_… to re-send a delivery, or evt_… to send any event")
    ],
    api_key: ApiKey = "",
    url: Url = DEFAULT_URL,
) -> None:
    """Send a delivery (or any event of the account) to the subscription again."""
    if target.startswith("evt_"):
        path = f"/webhooks/{subscription_id}/events/{target}/send"
    else:
        path = f"/webhooks/{subscription_id}/deliveries/{target}/redeliver"
    d = _call(url, api_key, "POST", path)
    print(f"{d['id']} {d['event']} {d['eventId']} {d['status']}")


def listen(
    forward_to: Annotated[
        str, typer.Option("--forward-to", help="Local URL, e.g. http://127.0.0.1:5000/webhook")
    ],
    api_key: ApiKey = "",
    url: Url = DEFAULT_URL,
    secret: Annotated[
        str | None, typer.Option(help="Signing secret to use (default: a new random one)")
    ] = None,
    events: Annotated[
        str | None, typer.Option(help="Comma-separated event names to forward (default: all)")
    ] = None,
    interval: Annotated[float, typer.Option(help="Seconds between polls")] = 1.0,
) -> None:
    """Forward the account's events, signed, to a local URL as they happen."""
    if not api_key:
        err.print("[red]error:[/red] pass --api-key or set TENDER_API_KEY")
        raise typer.Exit(2)
    wanted = {e.strip() for e in events.split(",") if e.strip()} if events else None

    def out(line: str) -> None:
        print(line, flush=True)

    async def main() -> None:
        forwarder = Forwarder(
            api_url=url,
            api_key=api_key,
            forward_to=forward_to,
            secret=secret,
            events=wanted,
            out=out,
        )
        try:
            await forwarder.start()
            print(f"Ready. Your webhook signing secret is {forwarder.secret}", flush=True)
            err.print(f"Forwarding events from {url} to {forward_to} (Ctrl-C to quit)")
            while True:
                await forwarder.poll_once()
                await asyncio.sleep(interval)
        finally:
            await forwarder.aclose()

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())
    except ForwardError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    sys.stdout.flush()
