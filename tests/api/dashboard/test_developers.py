"""API keys, webhooks, the delivery log and the event feed from the dashboard, over HTTP, on
both databases."""

import html
import re
from datetime import timedelta

import pytest

from tender.service import dispatcher
from tests.api.dashboard.test_roles import confirm
from tests.conftest import VERSION
from tests.dashboard_help import make_person, post_form, signed_in

DEV = "/dashboard/developers"


@pytest.fixture
async def dev_client(ctx, client, api):
    await signed_in(client, await make_person(ctx, api, "dev@merchant.example", "developer"))
    return client


async def status_with(client, key: str) -> int:
    response = await client.get(
        "/payment-intents/pi_sandbox_none", headers={"Authorization": f"Basic {key}",
                                                     "version": VERSION}
    )  # fmt: skip
    return response.status_code


def new_secret(html: str) -> str | None:
    match = re.search(r'id="new-key-value" readonly value="([^"]+)"', html)
    return match.group(1) if match else None


async def test_a_new_key_is_shown_once_and_works(dev_client, api):
    page = await dev_client.get(DEV)
    data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"',
                           page.text[page.text.index(f'action="{DEV}/keys"'):]))  # fmt: skip
    made = await dev_client.post(f"{DEV}/keys", data=data)
    secret = new_secret(made.text)
    assert secret and secret.startswith("sk_sandbox_")
    assert made.headers["cache-control"] == "no-store"
    assert await status_with(dev_client, secret) == 404  # authenticated: the intent is unknown
    again = await dev_client.post(f"{DEV}/keys", data=data)  # the same form (a double click)
    assert new_secret(again.text) is None and "already created" in again.text
    listing = (await dev_client.get(DEV)).text
    assert listing.count('data-key="key_sandbox_') == 2  # the fixture's key and the new one
    assert secret not in listing


async def test_last_used_is_recorded_at_most_once_a_minute(ctx, dev_client, api, clock):
    def last_used(html: str) -> str:
        row = html[html.index('data-key="key_sandbox_') :]
        return re.search(r'class="last-used" data-label="Last used">([^<]+)<', row).group(1)

    assert last_used((await dev_client.get(DEV)).text) == "Never"
    await api.get("pi_sandbox_none")
    first = last_used((await dev_client.get(DEV)).text)
    assert first != "Never"
    clock.advance(timedelta(seconds=30))
    await api.get("pi_sandbox_none")
    assert last_used((await dev_client.get(DEV)).text) == first
    clock.advance(timedelta(seconds=31))
    await api.get("pi_sandbox_none")
    assert last_used((await dev_client.get(DEV)).text) != first


async def test_roll_and_revoke(dev_client, api):
    key_id = re.search(r'data-key="(key_sandbox_[\w-]+)"', (await dev_client.get(DEV)).text)[1]
    rolled = await confirm(dev_client, DEV, f"{DEV}/keys/{key_id}/roll")
    secret = new_secret(rolled.text)
    assert secret and f"The key {key_id} was revoked." in rolled.text
    assert await status_with(dev_client, api.key) == 401
    assert await status_with(dev_client, secret) == 404
    new_id = re.search(r'data-key="(key_sandbox_[\w-]+)"', rolled.text)[1]
    assert new_id != key_id
    revoked = await confirm(dev_client, DEV, f"{DEV}/keys/{new_id}/revoke")
    assert revoked.status_code == 303
    assert await status_with(dev_client, secret) == 401


async def test_another_accounts_key_cannot_be_revoked(ctx, dev_client, other_api):
    from tender.service import accounts

    other_key = next(
        k for k in await accounts.list_keys(ctx) if k.account_id == other_api.account_id
    )
    page = await dev_client.get(DEV)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    response = await dev_client.post(
        f"{DEV}/keys/{other_key.id}/revoke",
        data={"csrf_token": csrf, "idem": "x1", "confirmed": "yes"},
    )
    assert response.status_code == 404
    assert await status_with(dev_client, other_api.key) == 404


async def test_webhook_create_rotate_pause_and_redeliver(ctx, dev_client, api, receiver):
    made = await post_form(dev_client, DEV, f"{DEV}/webhooks", url=receiver.url,
                           events="payment_intent.created")  # fmt: skip
    assert made.status_code == 303
    sub_url = made.headers["location"]
    sub_id = sub_url.rsplit("/", 1)[1]
    page = (await dev_client.get(sub_url)).text
    old_secret = re.search(r'data-secret="(sc_sandbox_[\w-]+)"', page)[1]

    # Rotate: add, activate, delete the old one.
    await post_form(dev_client, sub_url, f"{sub_url}/secrets")
    page = (await dev_client.get(sub_url)).text
    new_secret_id = next(s for s in re.findall(r'data-secret="(sc_sandbox_[\w-]+)"', page)
                     if s != old_secret)  # fmt: skip
    assert (
        await post_form(dev_client, sub_url, f"{sub_url}/secrets/{new_secret_id}/activate")
    ).status_code == 303
    assert (
        await post_form(dev_client, sub_url, f"{sub_url}/secrets/{old_secret}/delete")
    ).status_code == 303
    secrets = (await api.request("GET", f"/webhooks/{sub_id}/secrets")).json()["secrets"]
    assert [(s["id"], s["isActive"]) for s in secrets] == [(new_secret_id, True)]

    # Paused: the event waits; resumed: it is delivered.
    paused = await post_form(dev_client, sub_url, f"{sub_url}/pause", paused="yes")
    assert paused.headers["location"].endswith("done=paused")
    intent = await api.create()
    await dispatcher.dispatch_once(ctx)
    assert receiver.requests == []
    assert "Paused since" in (await dev_client.get(sub_url)).text
    await post_form(dev_client, sub_url, f"{sub_url}/pause", paused="no")
    await dispatcher.dispatch_once(ctx)
    assert [r.event["data"]["paymentIntentId"] for r in receiver.requests] == [intent["id"]]

    # The log shows the request and the answer; redeliver sends the same event again.
    page = (await dev_client.get(sub_url)).text
    delivery_url = re.search(rf'href="({sub_url}/deliveries/dlv_sandbox_[\w-]+)"', page)[1]
    delivery = html.unescape((await dev_client.get(delivery_url)).text)
    assert f'"paymentIntentId": "{intent["id"]}"' in delivery
    assert "HTTP 200" in delivery and "Attempt 1" in delivery
    again = await post_form(dev_client, delivery_url, f"{delivery_url}/redeliver")
    assert again.status_code == 303
    await dispatcher.dispatch_once(ctx)
    bodies = [r.event for r in receiver.requests]
    assert len(bodies) == 2 and bodies[0]["id"] == bodies[1]["id"]


async def test_a_bad_subscription_url_is_explained(dev_client):
    response = await post_form(dev_client, DEV, f"{DEV}/webhooks", url="ftp://nope",
                               events="payment_intent.created")  # fmt: skip
    assert response.status_code == 400 and 'role="alert"' in response.text


async def test_the_event_feed_follows_the_accounts_events(dev_client, api, other_api):
    page = (await dev_client.get(f"{DEV}/events")).text
    cursor = int(re.search(r'data-cursor="(\d+)"', page)[1])
    intent = await api.create()
    await other_api.create()
    feed = (await dev_client.get(f"{DEV}/events.json", params={"after": cursor})).json()
    assert [e["event"]["data"]["paymentIntentId"] for e in feed["data"]] == [intent["id"]]
    assert feed["cursor"] > cursor
    page = (await dev_client.get(f"{DEV}/events")).text
    assert intent["id"] in page  # the latest events are on the page from the start
