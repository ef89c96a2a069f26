"""A real ``tender serve`` process for the attack replays: a fresh database of the backend under
test, its own port, stdout (the printed key) and stderr (logs) kept in files, synchronous httpx
helpers to drive it, and direct read access to its database."""

import asyncio
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from tender.storage.db import Database
from tests.processes import TENDER, environment, free_port, fresh_database

VERSION = "2024-02-05"
CARD = {"cardName": "Eve", "expiryDate": "12 / 39", "cV2": "123"}


class Served:
    def __init__(self, database_url: str, tmp: Path, name: str = "serve", **env: str) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out = tmp / f"{name}-{self.port}.out"
        self.err = tmp / f"{name}-{self.port}.err"
        self.env = environment(
            database_url, TENDER_HOST="127.0.0.1", TENDER_PORT=str(self.port), **env
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def start(self, wait: bool = True) -> "Served":
        with self.out.open("ab") as out, self.err.open("ab") as err:
            self.process = subprocess.Popen([TENDER, "serve"], env=self.env, stdout=out, stderr=err)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            assert self.process is not None
            assert self.process.poll() is None, self.logs()
            try:
                if self.http.get("/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, self.logs()
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.http.close()

    def logs(self) -> str:
        """Everything it wrote: logs on stderr, uvicorn's access log on stdout."""
        return "".join(p.read_text() for p in (self.err, self.out) if p.exists())

    @property
    def printed_key(self) -> str:
        lines = [line for line in self.out.read_text().splitlines() if line.startswith("sk_")]
        assert lines, self.logs()
        return lines[0].strip()

    # --- talking to it ---------------------------------------------------------------------

    def api(self, method: str, path: str, key: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Basic {key}", "version": VERSION}
        headers.update(kwargs.pop("headers", {}))
        return self.http.request(method, path, headers=headers, **kwargs)

    def create(self, key: str, **fields: Any) -> dict[str, Any]:
        body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 1"}
        response = self.api("POST", "/payment-intents", key, json={**body, **fields})
        assert response.status_code == 200, response.text
        return response.json()

    def pay(self, token: str, number: str, **headers: str) -> httpx.Response:
        return self.http.post(
            f"/api/payments/{token}", json={"cardNumber": number, **CARD}, headers=headers
        )

    def public_refresh(self, intent_id: str, **headers: str) -> httpx.Response:
        return self.http.post(
            f"/payment-intents/public/{intent_id}/refresh-client-session-secret",
            headers={"version": VERSION, **headers},
        )

    def sql(self, statement: str, **params: Any) -> list[Any]:
        """Rows of a query on the server's database (what an attacker with a dump reads)."""

        async def main() -> list[Any]:
            db = Database(self.database_url)
            try:
                async with db.engine.begin() as conn:
                    result = await conn.execute(text(statement), params)
                    return list(result.all()) if result.returns_rows else []
            finally:
                await db.dispose()

        return asyncio.run(main())

    def tender(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TENDER, *args], env=self.env, capture_output=True, text=True, timeout=120
        )


@contextmanager
def served(tmp: Path, database_url: str | None = None, **env: str) -> Iterator[Served]:
    """``tender serve`` on a fresh database (or on ``database_url``), stopped afterwards."""
    if database_url is not None:
        server = Served(database_url, tmp, **env).start()
        try:
            yield server
        finally:
            server.stop()
        return
    with fresh_database(tmp) as url:
        server = Served(url, tmp, **env).start()
        try:
            yield server
        finally:
            server.stop()


def env_without_tender() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TENDER_")}
