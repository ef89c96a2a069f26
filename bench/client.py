"""The load generator's HTTP client: one keep-alive HTTP/1.1 connection per closed-loop worker,
requests written as prebuilt bytes, answers parsed by ``httptools`` (llhttp, in C).

It exists because the generator shares the machine's two cores with the server it measures, so
every microsecond it spends is taken from the server. Measured per request, in the generator's
own process, against the same stub server (``python -m bench.clientcost``, see bench/README.md):
this client costs a fraction of httpx's and well under aiohttp's.

It speaks only what the benchmark needs: ``Content-Length`` bodies or chunked answers, one
request in flight per connection, no redirects, no TLS, no proxies.
"""

import asyncio
from dataclasses import dataclass

import httptools


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class ConnectionClosed(ConnectionError):
    """The server closed the connection before it answered."""


class _Protocol(asyncio.Protocol):
    """Feeds what arrives to the parser; completes the waiting request's future."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.body: list[bytes] = []
        self.waiter: asyncio.Future[Response] | None = None
        self.closed = False

    # asyncio callbacks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.closed = True
            self._fail(exc)
            if self.transport is not None:
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(exc or ConnectionClosed("the server closed the connection"))

    # httptools callbacks (only those defined are called)
    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        waiter, self.waiter = self.waiter, None
        body = b"".join(self.body)
        self.body = []
        if not self.parser.should_keep_alive():
            self.closed = True
            if self.transport is not None:
                self.transport.close()
        if waiter is not None and not waiter.done():
            waiter.set_result(Response(self.parser.get_status_code(), body))

    def _fail(self, exc: BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)


def header_block(headers: dict[str, str]) -> bytes:
    """Header lines, encoded once and reused by every request that sends them."""
    return "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode("latin-1")


JSON = b"Content-Type: application/json\r\n"
FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"


class Connection:
    """A keep-alive connection to ``host:port``, reopened when the server closes it."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host = host
        self.port = port
        # Sent with every request: Host plus the caller's fixed headers.
        self._fixed = header_block({"Host": f"{host}:{port}", **(headers or {})})
        self._protocol: _Protocol | None = None

    async def _connect(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(_Protocol, self.host, self.port)
        return protocol

    def encode(
        self, method: str, path: str, body: bytes = b"", headers: bytes = b"", form: bool = False
    ) -> bytes:
        """The request's bytes on the wire; ``headers`` from ``header_block``."""
        head = f"{method} {path} HTTP/1.1\r\n".encode("latin-1") + self._fixed + headers
        if body or method in ("POST", "PUT", "PATCH"):
            kind = FORM if form else JSON
            head += kind + f"Content-Length: {len(body)}\r\n".encode()
        return head + b"\r\n" + body

    async def send(self, request: bytes) -> Response:
        """Write ``request`` (from ``encode``) and wait for the whole answer."""
        protocol = self._protocol
        if protocol is None or protocol.closed:
            protocol = self._protocol = await self._connect()
        waiter: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        protocol.waiter = waiter
        assert protocol.transport is not None
        protocol.transport.write(request)
        return await waiter

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: bytes = b"", form: bool = False
    ) -> Response:
        return await self.send(self.encode(method, path, body, headers, form))

    def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
        self._protocol = None
