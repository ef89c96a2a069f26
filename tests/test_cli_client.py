"""``tender intents|pay|trigger`` run against a live server over HTTP (and ``--help`` on every
command). ``trigger`` is checked end to end: a real receiver gets the signed event."""

import asyncio
import json
from typing import Any

import pytest
import typer.main

from tender import webhooks
from tender.cli import app
from tender.client import AsyncTender
from tests.processes import Live, Process, environment, run
from tests.webhooks.helpers import drain
from tests.webhooks.receiver import Receiver

GBP_10 = {"value": 1000, "currencyCode": "GBP"}


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in (getattr(group, "commands", None) or {}).items():
        found += _commands(command, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "tender")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = run([*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: tender" in result.output


async def _sdk(live: Live) -> AsyncTender:
    return AsyncTender(live.key, base_url=live.url)


async def test_intents_list_shows_a_table_newest_first(live: Live) -> None:
    async with await _sdk(live) as sdk:
        first = await sdk.payment_intents.create(amount=GBP_10, reference="Order 1")
        second = await sdk.payment_intents.create(amount=GBP_10, reference="[red]Order[/red] 2")
        await sdk.payment_intents.cancel(first.id)

    result = await live.tender("intents", "list")
    assert result.exit_code == 0, result.output
    assert result.output.index(second.id) < result.output.index(first.id)
    assert "10.00 GBP" in result.output and "Canceled" in result.output
    assert "2 payment intent(s)" in result.output
    assert "[red]Order[/red] 2" in result.output  # the API's text, never rich markup

    only = await live.tender("intents", "list", "--status", "Canceled")
    assert first.id in only.output and second.id not in only.output

    limited = await live.tender("intents", "list", "--limit", "1", "--json")
    assert [i["id"] for i in json.loads(limited.stdout)] == [second.id]


async def test_intents_show_draws_the_status_timeline(live: Live) -> None:
    async with await _sdk(live) as sdk:
        intent = await sdk.payment_intents.create(
            amount=GBP_10, reference="Order 245", capture_mode="Manual"
        )
        await sdk.test_helpers.pay(intent.id, card_number="4000 0000 0000 0002")  # declined
        await sdk.payment_intents.refresh_secret(intent.id)
        await sdk.test_helpers.pay(intent.id, card_number="5555 5555 5555 4444")
        await sdk.payment_intents.capture(intent.id, amount=700)

    result = await live.tender("intents", "show", intent.id)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Status timeline" in text and "Order 245" in text
    timeline = text[text.index("Status timeline") :]
    events = ["Declined", "Authorized", "Captured"]
    assert [timeline.index(e) for e in events] == sorted(timeline.index(e) for e in events)
    assert "4444" in timeline
    assert "7.00 GBP" in text  # captured so far

    as_json = await live.tender("intents", "show", intent.id, "--json")
    assert json.loads(as_json.stdout)["capturedAmount"] == 700


async def test_an_unknown_intent_is_one_red_line_with_the_trace_id(live: Live) -> None:
    result = await live.tender("intents", "show", "pi_sandbox_nope")
    assert result.exit_code == 1
    assert "No payment intent with id pi_sandbox_nope" in result.output
    assert "traceId 00-" in result.output


async def test_a_wrong_key_is_reported(live: Live) -> None:
    result = await live.tender("intents", "list", TENDER_API_KEY="sk_sandbox_wrong")
    assert result.exit_code == 1 and "[401]" in result.output


async def test_pay_with_a_test_card(live: Live) -> None:
    async with await _sdk(live) as sdk:
        intent = await sdk.payment_intents.create(amount=GBP_10, reference="Order 245")
        declined = await live.tender("pay", intent.id, "--card", "4000 0000 0000 0002")
        assert declined.exit_code == 1
        assert "statusCode 5 (declined)" in declined.output
        assert f"{intent.id} is now Created" in declined.output

        await sdk.payment_intents.refresh_secret(intent.id)
        paid = await live.tender("pay", intent.id, "--card", "4242424242424242", "--expiry", "1/39")
        assert paid.exit_code == 0, paid.output
        assert "statusCode 0 (successful)" in paid.output
        assert f"{intent.id} is now Captured" in paid.output
        assert (await sdk.payment_intents.get(intent.id)).status == "Captured"


async def test_pay_with_a_3ds_card_prints_the_challenge_page(live: Live) -> None:
    async with await _sdk(live) as sdk:
        intent = await sdk.payment_intents.create(amount=GBP_10, reference="Order 245")
    result = await live.tender("pay", intent.id, "--card", "4456 5300 0000 1096")
    assert result.exit_code == 1
    assert "3-D Secure required" in result.output
    assert f"{live.url}/3ds/" in result.output

    async with await _sdk(live) as sdk:
        await sdk.payment_intents.refresh_secret(intent.id)  # the pending challenge holds the old
    approved = await live.tender("pay", intent.id, "--card", "4456530000001096", "--3ds", "approve")
    assert approved.exit_code == 0, approved.output
    assert f"{intent.id} is now Captured" in approved.output


def test_a_bad_expiry_is_a_usage_error() -> None:
    result = run(["pay", "pi_x", "--api-key", "k", "--expiry", "next year"])
    assert result.exit_code == 2 and "MM/YY" in result.output


def test_an_unknown_event_lists_the_ones_trigger_knows() -> None:
    result = run(["trigger", "payment_intent.exploded", "--api-key", "k"])
    assert result.exit_code == 2
    assert "payment_intent.status_updated" in result.output


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ("payment_intent.created", "Created"),
        ("payment_intent.status_updated", "Captured"),
        ("payment_intent.send-receipt", "Captured"),
    ],
)
async def test_trigger_delivers_the_event_to_a_real_receiver(
    live: Live, receiver: Receiver, clock: Any, event: str, status: str
) -> None:
    async with await _sdk(live) as sdk:
        subscription = await sdk.webhooks.create(url=receiver.url, events=[event])
    secret = subscription.secrets[0].value
    assert secret

    result = await live.tender("trigger", event)
    assert result.exit_code == 0, result.output
    assert f"triggered {event}" in result.output and f"(now {status})" in result.output
    assert f"delivers it to 1 subscription(s): {receiver.url}" in result.output

    await drain(live.ctx, clock)
    delivered = [r for r in receiver.requests if r.event["event"] == event]
    assert len(delivered) == 1
    request = delivered[0]
    verified = webhooks.construct_event(request.body, request.headers[webhooks.HEADER], secret)
    intent_id = verified["data"]["paymentIntentId"]
    assert intent_id in result.output


async def test_trigger_authorizes_a_setup_intent_and_charges_it(
    live: Live, receiver: Receiver, clock: Any
) -> None:
    event = "setup_intent.status_updated"
    async with await _sdk(live) as sdk:
        await sdk.webhooks.create(url=receiver.url, events=[event])

    result = await live.tender("trigger", event, "--charge", "--card", "4456 5300 0000 1096")
    assert result.exit_code == 0, result.output
    assert "(now Authorized)" in result.output  # Unscheduled: it stays chargeable
    assert "charged pi_sandbox_" in result.output and ": Successful" in result.output

    await drain(live.ctx, clock)
    delivered = [r.event for r in receiver.requests if r.event["event"] == event]
    assert [e["data"]["setupIntentStatus"] for e in delivered] == ["Authorized"]
    assert delivered[0]["data"]["setupIntentId"] in result.output

    created = await live.tender("trigger", "setup_intent.created")
    assert created.exit_code == 0 and "(now Created)" in created.output


async def test_trigger_without_a_subscription_says_how_to_listen(live: Live) -> None:
    result = await live.tender("trigger", "payment_intent.created")
    assert result.exit_code == 0, result.output
    assert "no subscription listens for payment_intent.created" in result.output
    assert "tender listen" in result.output


async def test_trigger_reaches_tender_listen(live: Live, receiver: Receiver) -> None:
    """The workflow of a developer testing a handler: `tender listen` forwards to it, and
    `tender trigger` makes the event happen (no subscription needed)."""
    listen = Process(
        "listen",
        "--forward-to",
        receiver.url,
        "--secret",
        "local-secret",
        "--interval",
        "0.1",
        env=environment(
            live.ctx.settings.database_url, TENDER_API_KEY=live.key, TENDER_URL=live.url
        ),
    )
    try:
        await asyncio.to_thread(listen.wait_for, lambda line: line.startswith("Ready."))
        result = await live.tender("trigger", "payment_intent.status_updated")
        assert result.exit_code == 0, result.output
        forwarded = await asyncio.to_thread(
            listen.wait_for, lambda line: "payment_intent.status_updated" in line
        )
    finally:
        listen.stop()
    updated = [r for r in receiver.requests if r.event["event"] == "payment_intent.status_updated"]
    assert len(updated) == 1
    event = webhooks.construct_event(
        updated[0].body, updated[0].headers[webhooks.HEADER], "local-secret"
    )
    assert event["data"]["paymentStatus"] == "Captured"
    assert event["data"]["paymentIntentId"] in result.output and "[200]" in forwarded
