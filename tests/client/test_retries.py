"""The retry rules, proved against the real application: a flaky transport fails the first
attempts, and the account's data shows the effect happened exactly once."""

from datetime import timedelta
from typing import Any

import pytest

from tender.client import (
    APIConnectionError,
    AsyncTender,
    IdempotencyError,
    InvalidRequestError,
    ServerError,
)
from tender.client._http import MAX_RETRY_DELAY, retry_delay
from tender.service.idempotency import IdempotencyKey
from tender.storage import idempotency as idempotency_rows
from tests.client.conftest import GBP_10, Flaky, Server

ORDER = {"amount": GBP_10, "reference": "Order 245"}


async def _all_intents(server: Server) -> list[str]:
    return [i.id async for i in server.client().payment_intents.search()]


@pytest.mark.parametrize("mode", ["connect", "lost", "503"])
async def test_a_failed_attempt_is_retried_with_the_same_key_and_acts_once(
    server: Server, mode: str
) -> None:
    flaky: list[Flaky] = []

    def wrap(inner: Any) -> Flaky:
        flaky.append(Flaky(inner, failures=2, mode=mode))
        return flaky[0]

    tender = server.client(wrap=wrap, max_retries=2)
    intent = await tender.payment_intents.create(**ORDER)

    seen = flaky[0].seen
    assert len(seen) == 3
    keys = flaky[0].keys
    assert keys[0] and len(set(keys)) == 1  # one generated key, reused by every attempt
    assert await _all_intents(server) == [intent.id]  # "lost" reached the server twice


async def test_the_callers_key_is_never_replaced(server: Server) -> None:
    flaky: list[Flaky] = []
    tender = server.client(wrap=lambda t: flaky.append(Flaky(t, mode="lost")) or flaky[0])
    first = await tender.payment_intents.create(idempotency_key="order-245", **ORDER)
    assert flaky[0].keys == ["order-245"] * 3
    again = await server.client().payment_intents.create(idempotency_key="order-245", **ORDER)
    assert again == first
    assert await _all_intents(server) == [first.id]


async def test_each_logical_call_gets_its_own_key_and_reads_get_none(server: Server) -> None:
    flaky: list[Flaky] = []
    tender = server.client(wrap=lambda t: flaky.append(Flaky(t, failures=0)) or flaky[0])
    a = await tender.payment_intents.create(**ORDER)
    b = await tender.payment_intents.create(**ORDER)
    await tender.payment_intents.get(a.id)
    [i async for i in tender.payment_intents.search()]
    await tender.payment_intents.cancel(b.id)
    keys = flaky[0].keys
    assert keys[0] and keys[1] and keys[0] != keys[1]
    assert keys[2] is None and keys[3] is None  # GET and search are not mutations
    assert keys[4] and keys[4] not in keys[:2]


async def test_exhausted_retries_raise_the_last_error(server: Server) -> None:
    tender = server.client(wrap=lambda t: Flaky(t, failures=9, mode="connect"), max_retries=1)
    with pytest.raises(APIConnectionError, match="ConnectError"):
        await tender.payment_intents.create(**ORDER)
    tender = server.client(wrap=lambda t: Flaky(t, failures=9, mode="503"), max_retries=1)
    with pytest.raises(ServerError, match="503"):
        await tender.payment_intents.create(**ORDER)
    assert await _all_intents(server) == []


async def test_max_retries_zero_makes_one_attempt(server: Server) -> None:
    flaky: list[Flaky] = []
    tender = server.client(
        wrap=lambda t: flaky.append(Flaky(t, failures=1, mode="503")) or flaky[0], max_retries=0
    )
    with pytest.raises(ServerError):
        await tender.payment_intents.create(**ORDER)
    assert len(flaky[0].seen) == 1


async def test_client_errors_are_not_retried(server: Server) -> None:
    flaky: list[Flaky] = []
    tender = server.client(wrap=lambda t: flaky.append(Flaky(t, failures=0)) or flaky[0])
    with pytest.raises(InvalidRequestError):
        await tender.payment_intents.create(amount=GBP_10, reference="")
    assert len(flaky[0].seen) == 1


async def test_waits_between_attempts_grow(server: Server) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    tender = server.client(
        wrap=lambda t: Flaky(t, failures=3, mode="connect"),
        max_retries=3,
        retry_delay=0.5,
        sleep=sleep,
    )
    await tender.payment_intents.create(**ORDER)
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):
        assert 0.5 * 2**attempt * 0.75 <= wait <= 0.5 * 2**attempt * 1.25


async def test_a_key_in_flight_is_waited_for_then_the_call_acts_once(server: Server) -> None:
    """Another process holds the key (its claim row is real): the SDK gets 409 "still being
    processed", waits (the test's sleep moves the server's clock past the holder's lease),
    retries with the same key and the effect happens once."""
    key = "order-245-in-flight"
    fingerprint = IdempotencyKey.of(key, "POST", "/payment-intents", _json(ORDER))
    assert fingerprint is not None
    async with server.ctx.db.transaction() as conn:
        await idempotency_rows.claim(
            conn,
            server.account_id,
            key,
            fingerprint.fingerprint,
            now=server.clock(),
            lease=timedelta(seconds=60),
            ttl=timedelta(hours=24),
        )
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        server.clock.advance(timedelta(seconds=61))

    impatient = server.client(max_retries=0)
    with pytest.raises(IdempotencyError, match="still being processed") as caught:
        await impatient.payment_intents.create(idempotency_key=key, **ORDER)
    assert caught.value.status == 409

    tender = server.client(max_retries=2, sleep=sleep)
    intent = await tender.payment_intents.create(idempotency_key=key, **ORDER)
    assert len(waits) == 1
    assert await _all_intents(server) == [intent.id]


def _json(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body).encode()


def test_backoff_schedule() -> None:
    for attempt in range(4):
        assert 0.375 * 2**attempt <= retry_delay(attempt, 0.5) <= 0.625 * 2**attempt
    assert retry_delay(30, 0.5) == MAX_RETRY_DELAY


async def test_a_closed_port_is_a_connection_error() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with AsyncTender("sk_sandbox_x", base_url=f"http://127.0.0.1:{port}", retry_delay=0) as t:
        with pytest.raises(APIConnectionError) as caught:
            await t.payment_intents.get("pi_x")
    where = f"(GET http://127.0.0.1:{port}/payment-intents/pi_x)"
    assert f"Could not reach the Tender API {where}: ConnectError" in str(caught.value)
