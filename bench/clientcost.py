"""What each candidate HTTP client costs the load generator, in CPU per request.

The generator shares the two cores with the server it measures, so the cheapest client wins.
Each candidate runs in a process of its own against the same stub server (another process that
answers every request with a fixed 1.5 KB JSON body), with 8 closed-loop workers POSTing a
small JSON body and decoding every answer, and reports its own process's CPU time (user +
system, from ``resource.getrusage``) divided by the requests it made.

    .venv/bin/python -m bench.clientcost                  # every installed candidate
    .venv/bin/python -m bench.clientcost --requests 40000 --only bench bench-uvloop

``aiohttp`` is measured only when it is installed (it is not a dependency: ``pip install
aiohttp==3.14.5`` to include it). The figures are in bench/README.md.
"""

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python bench/clientcost.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httptools

from bench.common import free_port, wait_for_port

BODY = json.dumps({"amount": {"value": 2500, "currencyCode": "GBP"}, "reference": "x" * 40})
ANSWER = json.dumps({"id": "pi_sandbox_" + "x" * 22, "padding": "y" * 1400}).encode()
HEADERS = {"Authorization": "Basic sk_sandbox_" + "k" * 32, "version": "2024-02-05"}

# --- the stub server ----------------------------------------------------------------------


class _Stub(asyncio.Protocol):
    """Answers each request with ``ANSWER``; keeps the connection open."""

    reply = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + f"content-length: {len(ANSWER)}\r\n\r\n".encode()
        + ANSWER
    )

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        self.parser = httptools.HttpRequestParser(self)

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        if BURN:  # work like a Python server's: allocate, encode, throw away
            end = time.process_time() + BURN
            while time.process_time() < end:
                json.dumps({str(i): [i] * 10 for i in range(200)})
        if DELAY:
            asyncio.get_running_loop().call_later(DELAY, self.transport.write, self.reply)
        else:
            self.transport.write(self.reply)


DELAY = 0.0  # seconds the stub waits before it answers (--delay-ms), like a server at work
BURN = 0.0  # seconds of CPU the stub burns per request (--burn-ms) on the cores it shares


async def serve_stub(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(_Stub, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


# --- the candidates -----------------------------------------------------------------------

Worker = Callable[[int], Awaitable[None]]


async def _bench_client(port: int, workers: int, each: int) -> None:
    from bench.client import Connection

    async def worker() -> None:
        conn = Connection("127.0.0.1", port, HEADERS)
        for _ in range(each):
            response = await conn.request("POST", "/payment-intents", BODY.encode())
            json.loads(response.body)
        conn.close()

    await asyncio.gather(*(worker() for _ in range(workers)))


async def _streams(port: int, workers: int, each: int) -> None:
    """The same client on asyncio streams instead of a Protocol."""
    fixed = "".join(f"{k}: {v}\r\n" for k, v in HEADERS.items())
    body = BODY.encode()
    request = (
        f"POST /payment-intents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{fixed}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body

    class Sink:
        def __init__(self) -> None:
            self.parts: list[bytes] = []
            self.done = False

        def on_body(self, data: bytes) -> None:
            self.parts.append(data)

        def on_message_complete(self) -> None:
            self.done = True

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sink = Sink()
        parser = httptools.HttpResponseParser(sink)
        for _ in range(each):
            writer.write(request)
            while not sink.done:
                parser.feed_data(await reader.read(65536))
            json.loads(b"".join(sink.parts))
            sink.parts, sink.done = [], False
        writer.close()

    await asyncio.gather(*(worker() for _ in range(workers)))


async def _httpx(port: int, workers: int, each: int) -> None:
    import httpx

    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=HEADERS, limits=limits
    ) as client:

        async def worker() -> None:
            for _ in range(each):
                response = await client.post("/payment-intents", content=BODY)
                response.json()

        await asyncio.gather(*(worker() for _ in range(workers)))


async def _aiohttp(port: int, workers: int, each: int) -> None:
    import aiohttp  # type: ignore[import-not-found, unused-ignore]

    connector = aiohttp.TCPConnector(limit=workers)
    async with aiohttp.ClientSession(
        f"http://127.0.0.1:{port}", headers=HEADERS, connector=connector
    ) as session:

        async def worker() -> None:
            for _ in range(each):
                async with session.post("/payment-intents", data=BODY) as response:
                    await response.json(content_type=None)

        await asyncio.gather(*(worker() for _ in range(workers)))


async def _in_harness(port: int, workers: int, each: int) -> None:
    """The bench client in a process that holds what the harness imports (Tender's whole
    application, SQLAlchemy, imported by ``measure`` before it starts the clock): does a bigger
    heap make the generator dearer?"""
    await _bench_client(port, workers, each)


CANDIDATES: dict[str, tuple[Callable[[int, int, int], Awaitable[None]], bool]] = {
    # name: (run, on uvloop)
    "bench": (_bench_client, False),
    "bench-uvloop": (_bench_client, True),
    "bench-uvloop-in-harness": (_in_harness, True),
    "streams": (_streams, False),
    "httpx": (_httpx, False),
    "httpx-uvloop": (_httpx, True),
    "aiohttp": (_aiohttp, False),
}


def measure(name: str, port: int, workers: int, requests: int) -> dict[str, Any]:
    """Run candidate ``name`` in this process; its CPU per request and its requests/s."""
    run, on_uvloop = CANDIDATES[name]
    each = max(1, requests // workers)

    if run is _in_harness:
        import tender.api.app  # noqa: F401  (imported before the measurement starts)

    def go() -> None:
        coro = run(port, workers, each)
        if on_uvloop:
            import uvloop

            uvloop.run(coro)
        else:
            asyncio.run(coro)

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    go()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    total = each * workers
    return {
        "candidate": name,
        "requests": total,
        "cpu_us_per_request": round(cpu / total * 1e6, 1),
        "requests_per_s": round(total / wall),
    }


def _available(name: str) -> bool:
    module = {"aiohttp": "aiohttp"}.get(name)
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20000, help="per candidate")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--only", nargs="+", choices=sorted(CANDIDATES))
    parser.add_argument("--rounds", type=int, default=3, help="best of N per candidate")
    parser.add_argument(
        "--delay-ms", type=float, default=0.0, help="the stub answers after this long"
    )
    parser.add_argument(
        "--burn-ms", type=float, default=0.0, help="CPU the stub burns before each answer"
    )
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--candidate", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        global BURN, DELAY
        DELAY, BURN = args.delay_ms / 1000, args.burn_ms / 1000
        asyncio.run(serve_stub(args.serve))
        return 0
    if args.candidate:
        print(json.dumps(measure(args.candidate, args.port, args.workers, args.requests)))
        return 0

    port = free_port()
    me = [sys.executable, "-m", "bench.clientcost"]
    root = str(Path(__file__).resolve().parents[1])
    serve = [*me, "--serve", str(port), "--delay-ms", str(args.delay_ms)]
    stub = subprocess.Popen([*serve, "--burn-ms", str(args.burn_ms)], cwd=root)
    try:
        wait_for_port("127.0.0.1", port, timeout=30)
        print(
            f"load average {os.getloadavg()[0]:.2f}; {args.workers} workers; the stub answers "
            f"after {args.delay_ms:g} ms and {args.burn_ms:g} ms of CPU",
            flush=True,
        )
        for name in args.only or list(CANDIDATES):
            if not _available(name):
                print(f"{name:>24}: not installed, skipped")
                continue
            runs = []
            for _ in range(args.rounds):
                out = subprocess.run(
                    [*me, "--candidate", name, "--port", str(port),
                     "--workers", str(args.workers), "--requests", str(args.requests)],
                    cwd=root, check=True, capture_output=True, text=True,
                )  # fmt: skip
                runs.append(json.loads(out.stdout))
            best = min(runs, key=lambda r: r["cpu_us_per_request"])
            print(
                f"{name:>24}: {best['cpu_us_per_request']:>6} µs CPU per request "
                f"(best of {args.rounds}; all {[r['cpu_us_per_request'] for r in runs]}), "
                f"{best['requests_per_s']} req/s",
                flush=True,
            )
    finally:
        stub.terminate()
        stub.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
