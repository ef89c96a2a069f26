"""A real HTTP server for the harness's tests: uvicorn (h11) serving a small ASGI app on a free
127.0.0.1 port, in a thread of its own."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from bench.common import free_port

Scope = dict[str, Any]


async def app(scope: Scope, receive: Any, send: Any) -> None:
    """``/echo`` answers the request; ``/chunked`` streams; ``/close`` closes the connection
    after answering; ``/big`` is 1 MB; ``/status/N`` answers N; ``/flaky/N`` fails every Nth."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path: str = scope["path"]
    headers = {k.decode(): v.decode() for k, v in scope["headers"]}

    async def answer(
        status: int, payload: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()
    ) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    if path == "/echo":
        await answer(
            200,
            json.dumps(
                {"method": scope["method"], "body": body.decode(), "headers": headers}
            ).encode(),
        )
    elif path == "/chunked":  # no content-length: uvicorn sends Transfer-Encoding: chunked
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b'{"parts": [', b'"a", ', b'"b"', b"]}"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/close":
        await answer(200, b'{"closing": true}', ((b"connection", b"close"),))
    elif path == "/big":
        await answer(200, b"x" * 1_000_000)
    elif path.startswith("/status/"):
        await answer(int(path.rsplit("/", 1)[1]), b'{"problem": true}')
    elif path.startswith("/flaky/"):
        COUNTER["n"] += 1
        every = int(path.rsplit("/", 1)[1])
        await answer(500 if COUNTER["n"] % every == 0 else 200, b"{}")
    else:
        await answer(404, b"{}")


COUNTER = {"n": 0}


@contextmanager
def http_server() -> Iterator[int]:
    """The app above on a free port; yields the port."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", http="h11")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
