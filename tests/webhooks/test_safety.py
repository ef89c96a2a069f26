"""Where deliveries may go: production refuses non-public targets at send time, redirects are
never followed, and a slow receiver is cut off by the per-attempt timeout."""

import httpx

from tender.config import Settings
from tender.service import accounts, dispatcher
from tender.service.context import Context
from tests.conftest import Api, assert_problem
from tests.webhooks.helpers import subscribe
from tests.webhooks.receiver import Receiver


async def prod_api(ctx: Context, client: httpx.AsyncClient) -> Api:
    account, key = await accounts.create_key(ctx, account_name="live shop", environment="prod")
    return Api(client, key, account.id)


async def test_production_subscriptions_need_https(ctx: Context, client: httpx.AsyncClient) -> None:
    api = await prod_api(ctx, client)
    response = await api.request(
        "POST",
        "/webhooks",
        json={"events": ["payment_intent.created"], "url": "http://127.0.0.1:5000/webhook"},
    )
    body = assert_problem(response, 400)
    assert "https" in body["errors"]["Url"][0]
    assert (await api.request("GET", "/webhooks")).json() == []


async def test_production_deliveries_to_loopback_are_refused_at_send_time(
    ctx: Context, client: httpx.AsyncClient, receiver: Receiver
) -> None:
    api = await prod_api(ctx, client)
    urls = [f"https://127.0.0.1:{receiver.port}/webhook", f"https://localhost:{receiver.port}/w"]
    subs = [await subscribe(api, url, ["payment_intent.created"]) for url in urls]
    await api.create()
    result = await dispatcher.dispatch_once(ctx)
    assert result.attempted == 2 and result.delivered == 0
    assert receiver.requests == []  # nothing reached the private address
    for sub in subs:
        [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]
        assert delivery["status"] == "pending"
        assert delivery["lastError"].startswith("refused:")
        assert "not a public address" in delivery["lastError"]


async def test_redirects_are_not_followed(api: Api, ctx: Context, receiver: Receiver) -> None:
    sub = await subscribe(api, receiver.url)
    receiver.status = 302
    receiver.location = receiver.url.replace("/webhook", "/elsewhere")
    await api.create()
    await dispatcher.dispatch_once(ctx)
    assert [r.path for r in receiver.requests] == ["/webhook"]
    [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]
    assert delivery["status"] == "pending"
    assert delivery["lastStatusCode"] == 302
    assert "not followed" in delivery["lastError"]


async def test_a_slow_receiver_is_cut_off_and_retried(
    api: Api, receiver: Receiver, settings: Settings, ctx: Context
) -> None:
    sub = await subscribe(api, receiver.url)
    receiver.delay = 1.0
    impatient = Context(
        db=ctx.db,
        settings=settings.model_copy(update={"webhook_timeout_seconds": 0.2}),
        clock=ctx.clock,
    )
    await api.create()
    result = await dispatcher.dispatch_once(impatient)
    assert result.attempted == 1 and result.delivered == 0
    [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]
    detail = await api.request("GET", f"/webhooks/{sub['id']}/deliveries/{delivery['id']}")
    [attempt] = detail.json()["attempts"]
    assert attempt["error"] == "timed out after 0.2s"
    assert attempt["statusCode"] is None
    assert 150 <= attempt["durationMs"] < 1000
    assert detail.json()["nextAttemptAt"] is not None
