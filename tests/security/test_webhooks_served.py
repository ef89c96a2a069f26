"""Server-side request forgery, replayed against a real ``tender serve``: webhooks cannot be
pointed at the server's own network, refused deliveries fail at once with a reason, and the
delivery log does not tell open ports from closed ones."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import free_port, fresh_database
from tests.security.served import Served, served
from tests.webhooks.receiver import Receiver

EVENTS = ["payment_intent.created"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    try:
        yield r
    finally:
        r.stop()


def subscribe(server: Served, key: str, url: str):  # type: ignore[no-untyped-def]
    return server.api("POST", "/webhooks", key, json={"events": EVENTS, "url": url})


def wait_for_attempt(server: Served, key: str, sub_id: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        data = server.api("GET", f"/webhooks/{sub_id}/deliveries", key).json()["data"]
        if data and data[0]["attemptCount"] >= 1:
            return data[0]
        time.sleep(0.2)
    raise AssertionError("no delivery attempt within 30 s")


def test_webhooks_cannot_reach_the_servers_own_network(tmp_path: Path, receiver: Receiver) -> None:
    """A server whose operator did not allow private targets (as a public one): every spelling
    of loopback, private and metadata addresses is refused when subscribing."""
    with served(tmp_path, TENDER_WEBHOOK_ALLOW_PRIVATE="false") as server:
        key = server.printed_key
        done = server.tender("keys", "create", "--env", "prod")
        production = done.stdout.strip()
        port = receiver.port
        for url in [
            f"http://127.0.0.1:{port}/webhook",
            f"https://127.0.0.1:{port}/webhook",
            f"https://2130706433:{port}/webhook",
            f"https://0x7f.1:{port}/webhook",
            f"https://0.0.0.0:{port}/webhook",
            f"https://localhost:{port}/webhook",
            f"http://[::1]:{port}/webhook",
            f"https://[::ffff:127.0.0.1]:{port}/webhook",
        ]:
            response = subscribe(server, key, url)
            assert response.status_code == 400, (url, response.text)
        for url in ["https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/hook"]:
            assert subscribe(server, production, url).status_code == 400, url
            assert subscribe(server, key, url).status_code == 400, url
        assert server.api("GET", "/webhooks", key).json() == []
    assert receiver.requests == []


def test_refused_deliveries_fail_at_once_with_the_reason(
    tmp_path: Path, receiver: Receiver
) -> None:
    """Subscribed while the server allowed loopback targets; sent after the operator turned them
    off: nothing reaches the receiver, and the delivery fails at its first attempt."""
    with fresh_database(tmp_path) as url:
        with served(tmp_path, url) as first:
            key = first.printed_key
            sub = subscribe(first, key, receiver.url)
            assert sub.status_code == 200, sub.text
        with served(tmp_path, url, TENDER_WEBHOOK_ALLOW_PRIVATE="false") as server:
            server.create(key)
            delivery = wait_for_attempt(server, key, sub.json()["id"])
    assert delivery["status"] == "failed" and delivery["attemptCount"] == 1
    assert delivery["lastError"].startswith("refused: 127.0.0.1 is a private or loopback address")
    assert receiver.requests == []


class NotHttp:
    """A TCP port that is open but answers no HTTP (it closes each connection at once)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            conn.close()


def test_delivery_errors_do_not_tell_open_ports_from_closed_ones(tmp_path: Path) -> None:
    open_port, closed_port = NotHttp(), free_port()
    try:
        with served(tmp_path) as server:  # on loopback: private targets allowed (sandbox)
            key = server.printed_key
            subs = [
                subscribe(server, key, f"http://127.0.0.1:{port}/webhook").json()["id"]
                for port in (open_port.port, closed_port)
            ]
            server.create(key)
            errors = {wait_for_attempt(server, key, sub)["lastError"] for sub in subs}
    finally:
        open_port.sock.close()
    assert errors == {"no HTTP answer from the receiver"}
