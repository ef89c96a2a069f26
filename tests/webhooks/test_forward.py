"""``tender listen``: events followed over HTTP from a live server and forwarded, signed, to a
real local receiver."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tender import signing
from tender.webhooks.forward import Forwarder, ForwardError
from tests.conftest import Api
from tests.webhooks.receiver import Receiver


async def test_forwarder_sends_new_events_signed_and_prints_a_line_each(
    live_api: Api, live_server, receiver: Receiver
) -> None:
    before = await live_api.create(reference="before listening")
    lines: list[str] = []
    forwarder = Forwarder(
        api_url=live_server.url, api_key=live_api.key, forward_to=receiver.url, out=lines.append
    )
    try:
        await forwarder.start()
        intent = await live_api.create(reference="while listening")
        await live_api.request("DELETE", f"/payment-intents/{intent['id']}")
        receiver.fail_first = 1  # the receiver's answer is printed, whatever it is
        # created, then the cancel's status_updated and updated
        assert await forwarder.poll_once() == 3
        assert await forwarder.poll_once() == 0  # nothing twice
    finally:
        await forwarder.aclose()

    assert [r.event["data"]["paymentIntentId"] for r in receiver.requests] == [intent["id"]] * 3
    assert before["id"] not in str(lines)
    for request in receiver.requests:
        assert signing.verify(forwarder.secret, request.body, request.headers["dojo-signature"])
    assert "payment_intent.created" in lines[0] and lines[0].endswith("ms)")
    assert "<-- [500] HTTP 500" in lines[0]
    assert "payment_intent.status_updated" in lines[1] and "<-- [200]" in lines[1]
    assert intent["id"] in lines[1]
    assert "payment_intent.updated" in lines[2]


async def test_forwarder_can_filter_events_and_reports_bad_keys(
    live_api: Api, live_server, receiver: Receiver
) -> None:
    forwarder = Forwarder(
        api_url=live_server.url,
        api_key=live_api.key,
        forward_to=receiver.url,
        events={"payment_intent.status_updated"},
        out=lambda line: None,
    )
    try:
        await forwarder.start()
        intent = await live_api.create()
        await live_api.request("DELETE", f"/payment-intents/{intent['id']}")
        assert await forwarder.poll_once() == 1
    finally:
        await forwarder.aclose()
    assert [r.event["event"] for r in receiver.requests] == ["payment_intent.status_updated"]

    bad = Forwarder(
        api_url=live_server.url,
        api_key="sk_sandbox_" + "x" * 32,
        forward_to=receiver.url,
        out=lambda line: None,
    )
    try:
        with pytest.raises(ForwardError, match="401"):
            await bad.start()
    finally:
        await bad.aclose()


async def _line(stream: asyncio.StreamReader) -> str:
    async with asyncio.timeout(30):
        return (await stream.readline()).decode().rstrip("\n")


async def test_tender_listen_command_forwards_as_events_happen(
    live_api: Api, live_server, receiver: Receiver
) -> None:
    tender = Path(sys.executable).with_name("tender")
    process = await asyncio.create_subprocess_exec(
        str(tender),
        "listen",
        "--forward-to",
        receiver.url,
        "--url",
        live_server.url,
        "--interval",
        "0.1",
        env={**os.environ, "TENDER_API_KEY": live_api.key},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        ready = await _line(process.stdout)
        assert ready.startswith("Ready. Your webhook signing secret is ")
        secret = ready.rsplit(" ", 1)[1]
        intent = await live_api.create()
        line = await _line(process.stdout)
        assert "payment_intent.created evt_sandbox_" in line and intent["id"] in line
        assert "<-- [200]" in line
    finally:
        process.terminate()
        await process.wait()
    [request] = receiver.requests
    assert signing.verify(secret, request.body, request.headers["dojo-signature"])
