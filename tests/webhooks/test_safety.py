"""Where deliveries may go: one address policy at registration and on every connection (so a
refused target receives nothing and the delivery fails at once), redirects are never followed,
and a slow receiver is cut off by the per-attempt timeout."""

import httpx
import pytest

from tender.config import Settings
from tender.service import accounts, dispatcher
from tender.service.context import Context
from tender.webhooks import sender
from tender.webhooks.targets import AddressPolicy, guarded_client
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
        json={"events": ["payment_intent.created"], "url": "http://merchant.example/webhook"},
    )
    body = assert_problem(response, 400)
    assert "https" in body["errors"]["Url"][0]
    assert (await api.request("GET", "/webhooks")).json() == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/webhook",
        "https://localhost/webhook",
        "https://2130706433/webhook",
        "https://0.0.0.0/webhook",
        "https://[::ffff:127.0.0.1]/webhook",
        "https://10.0.0.1/webhook",
        "https://169.254.169.254/latest/meta-data/",
    ],
)
async def test_production_subscriptions_to_internal_addresses_are_refused_at_registration(
    ctx: Context, client: httpx.AsyncClient, url: str
) -> None:
    api = await prod_api(ctx, client)
    response = await api.request("POST", "/webhooks", json={"events": ["x"], "url": url})
    assert_problem(response, 400)
    response = await api.request(
        "POST", "/webhooks", json={"events": ["payment_intent.created"], "url": url}
    )
    body = assert_problem(response, 400)
    assert "not allowed" in body["errors"]["Url"][0]
    assert (await api.request("GET", "/webhooks")).json() == []


async def test_every_connection_is_checked_so_a_refused_target_receives_nothing(
    receiver: Receiver,
) -> None:
    """The guarded client resolves and checks at connection time: a name that points at a
    loopback address is refused before any byte is sent."""
    async with guarded_client(AddressPolicy(allow_private=False)) as http:
        outcome = await sender.post(
            http, f"http://localhost:{receiver.port}/webhook", b"{}", secret="s",
            timeout_seconds=5,
        )  # fmt: skip
    assert outcome.refused and outcome.error and outcome.error.startswith("refused:")
    assert "127.0.0.1 is a private or loopback address" in outcome.error
    assert receiver.requests == []


async def test_deliveries_the_policy_refuses_fail_at_once_with_the_reason(
    api: Api, ctx: Context, settings: Settings, receiver: Receiver
) -> None:
    """A loopback subscription made while private targets were allowed, sent after the operator
    disallowed them: no connection, no retries, and a reason that names the policy only."""
    sub = await subscribe(api, receiver.url, ["payment_intent.created"])
    strict = Context(
        db=ctx.db,
        settings=settings.model_copy(update={"webhook_allow_private": False}),
        clock=ctx.clock,
    )
    await api.create()
    result = await dispatcher.dispatch_once(strict)
    assert result.attempted == 1 and result.gave_up == 1
    assert receiver.requests == []
    [delivery] = (await api.request("GET", f"/webhooks/{sub['id']}/deliveries")).json()["data"]
    assert delivery["status"] == "failed" and delivery["attemptCount"] == 1
    assert delivery["lastError"].startswith("refused: 127.0.0.1 is a private or loopback")
    assert delivery["nextAttemptAt"] is None


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
