"""``tender webhooks …`` against a live server over HTTP."""

import asyncio

from typer.testing import CliRunner

from tender.cli import app
from tender.service import dispatcher
from tender.service.context import Context
from tender.storage.db import Database
from tests.conftest import Api
from tests.webhooks.helpers import subscribe
from tests.webhooks.receiver import Receiver


async def invoke(*args: str, key: str) -> tuple[int, str]:
    runner = CliRunner()
    result = await asyncio.to_thread(
        runner.invoke, app, list(args), env={"TENDER_API_KEY": key, "COLUMNS": "200"}
    )
    return result.exit_code, result.output


async def test_deliveries_and_redeliver_commands(
    live_api: Api, live_server, receiver: Receiver
) -> None:
    sub = await subscribe(live_api, receiver.url)
    intent = await live_api.create()
    ctx = Context(db=Database(live_server.settings.database_url), settings=live_server.settings)
    try:
        receiver.status = 500
        await dispatcher.dispatch_once(ctx)
        url = ["--url", live_server.url]

        code, out = await invoke("webhooks", "list", *url, key=live_api.key)
        assert code == 0 and sub["id"] in out and receiver.url in out

        code, out = await invoke("webhooks", "deliveries", sub["id"], *url, key=live_api.key)
        assert code == 0, out
        assert "payment_intent.created" in out and intent["id"] in out and "pending" in out
        delivery_id = next(w for w in out.split() if w.startswith("dlv_"))

        code, out = await invoke(
            "webhooks", "deliveries", sub["id"], delivery_id, *url, key=live_api.key
        )
        assert code == 0 and "HTTP 500" in out and "not now" in out

        receiver.status = 200
        code, out = await invoke(
            "webhooks", "redeliver", sub["id"], delivery_id, *url, key=live_api.key
        )
        assert code == 0 and out.split()[:2] == [delivery_id, "payment_intent.created"]
        assert out.split()[3] == "pending"
        await dispatcher.dispatch_once(ctx)
        assert receiver.requests[-1].ok

        code, out = await invoke(
            "webhooks", "deliveries", sub["id"], "--status", "delivered", *url, key=live_api.key
        )
        assert code == 0 and delivery_id in out
    finally:
        await ctx.db.dispose()


async def test_errors_are_reported_without_a_traceback(live_api: Api, live_server) -> None:
    code, out = await invoke(
        "webhooks", "deliveries", "ws_sandbox_nope", "--url", live_server.url, key=live_api.key
    )
    assert code == 2 and "404" in out and "Traceback" not in out
    code, out = await invoke("webhooks", "list", "--url", live_server.url, key="")
    assert code == 2 and "TENDER_API_KEY" in out
