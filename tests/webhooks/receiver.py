"""A real webhook receiver: an HTTP server on a free 127.0.0.1 port, in a thread, that records
every request and answers as the test tells it (fail the first N, a fixed status, redirect)."""

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def ok(self) -> bool:
        return 200 <= self.answered < 300


class Receiver:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.requests: list[Received] = []
        self.fail_first = 0
        self.status = 200
        self.location: str | None = None
        self.delay = 0.0  # seconds to stall before answering (a slow receiver)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            n = len(self.requests) + 1
            status = 500 if n <= self.fail_first else self.status
            self.requests.append(Received(path, headers, body, status))
            return status

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver._answer(self.path, headers, body)
                if receiver.delay:
                    time.sleep(receiver.delay)  # a slow receiver, in its own thread
                reply = b"ok" if status < 300 else b"not now"
                try:
                    self.send_response(status)
                    if receiver.location and 300 <= status < 400:
                        self.send_header("location", receiver.location)
                    self.send_header("content-length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (timeout tests)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def delivered(self) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.ok]
