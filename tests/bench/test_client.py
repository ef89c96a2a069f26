"""The load generator's HTTP client against a real HTTP/1.1 server (uvicorn): what it sends,
and how it reads every shape of answer the servers under test give."""

import asyncio
import json
from collections.abc import Iterator

import pytest
from bench.client import Connection, header_block

from tests.bench.support import http_server


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with http_server() as port:
        yield port


async def test_sends_method_path_headers_and_body(port: int) -> None:
    conn = Connection("127.0.0.1", port, {"Authorization": "Basic sk_sandbox_x"})
    try:
        extra = header_block({"version": "2024-02-05", "idempotencyKey": "k-1"})
        r = await conn.request("POST", "/echo", b'{"amount": 2500}', extra)
        seen = json.loads(r.body)
        assert r.status == 200 and r.ok
        assert seen["method"] == "POST" and seen["body"] == '{"amount": 2500}'
        assert seen["headers"]["authorization"] == "Basic sk_sandbox_x"
        assert seen["headers"]["version"] == "2024-02-05"
        assert seen["headers"]["idempotencykey"] == "k-1"
        assert seen["headers"]["content-type"] == "application/json"
        assert seen["headers"]["host"] == f"127.0.0.1:{port}"

        form = await conn.request("POST", "/echo", b"amount=2500&currency=gbp", form=True)
        seen = json.loads(form.body)
        assert seen["headers"]["content-type"] == "application/x-www-form-urlencoded"
        assert seen["body"] == "amount=2500&currency=gbp"

        empty = json.loads((await conn.request("POST", "/echo")).body)
        assert empty["headers"]["content-length"] == "0" and empty["body"] == ""
        get = json.loads((await conn.request("GET", "/echo")).body)
        assert get["method"] == "GET" and "content-length" not in get["headers"]
    finally:
        conn.close()


async def test_reads_chunked_large_and_error_answers_on_one_connection(port: int) -> None:
    conn = Connection("127.0.0.1", port)
    try:
        chunked = await conn.request("GET", "/chunked")
        assert json.loads(chunked.body) == {"parts": ["a", "b"]}
        big = await conn.request("GET", "/big")
        assert big.body == b"x" * 1_000_000
        problem = await conn.request("GET", "/status/422")
        assert problem.status == 422 and not problem.ok
        assert json.loads(problem.body) == {"problem": True}
        again = await conn.request("GET", "/echo")  # the connection is still usable
        assert again.status == 200
        transport = conn._protocol.transport if conn._protocol else None
        assert transport is not None and not transport.is_closing()
    finally:
        conn.close()


async def test_reopens_the_connection_when_the_server_closes_it(port: int) -> None:
    conn = Connection("127.0.0.1", port)
    try:
        first = await conn.request("GET", "/close")
        assert first.status == 200 and json.loads(first.body) == {"closing": True}
        second = await conn.request("GET", "/echo")  # a new connection, transparently
        assert second.status == 200
    finally:
        conn.close()


async def test_a_refused_connection_raises_oserror() -> None:
    from bench.common import free_port

    conn = Connection("127.0.0.1", free_port())
    with pytest.raises(OSError):
        await conn.request("GET", "/echo")


async def test_concurrent_connections_keep_their_answers_apart(port: int) -> None:
    async def one(n: int) -> str:
        conn = Connection("127.0.0.1", port)
        try:
            answers = []
            for i in range(20):
                r = await conn.request("POST", "/echo", f"{n}-{i}".encode())
                answers.append(json.loads(r.body)["body"])
            assert answers == [f"{n}-{i}" for i in range(20)]
            return "ok"
        finally:
            conn.close()

    assert await asyncio.gather(*(one(n) for n in range(8))) == ["ok"] * 8
