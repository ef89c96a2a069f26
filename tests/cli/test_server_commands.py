"""``tender migrate|keys|serve|worker``, run for real: keys against the application's database,
``serve`` and ``worker`` as processes (and a client command against the served API)."""

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tender.client import Tender
from tests.cli.conftest import TENDER, Process, run
from tests.conftest import VERSION
from tests.webhooks.receiver import free_port


async def _tender(database_url: str, *args: str) -> tuple[int, str, str]:
    result = await asyncio.to_thread(
        run, list(args), {"TENDER_DATABASE_URL": database_url, "COLUMNS": "200"}
    )
    return result.exit_code, result.stdout, result.stderr


async def test_migrate_reports_the_revision(database_url: str) -> None:
    code, _, err = await _tender(database_url, "migrate")
    assert code == 0, err
    assert "at revision 0005_security" in err


async def test_keys_create_list_revoke(database_url: str, client: httpx.AsyncClient) -> None:
    code, out, err = await _tender(database_url, "keys", "create", "--account", "shop")
    assert code == 0, err
    key = out.strip()
    assert key.startswith("sk_sandbox_") and "\n" not in key
    headers = {"Authorization": f"Basic {key}", "version": VERSION}
    assert (await client.get("/payment-intents/pi_x", headers=headers)).status_code == 404

    code, out, _ = await _tender(database_url, "keys", "list")
    assert code == 0
    row = next(line for line in out.splitlines() if " shop " in line)
    assert key not in out  # hints only
    key_id = next(word for word in row.replace("│", " ").split() if word.startswith("key_"))

    code, _, err = await _tender(database_url, "keys", "revoke", key_id)
    assert code == 0 and f"revoked {key_id}" in err
    assert (await client.get("/payment-intents/pi_x", headers=headers)).status_code == 401

    code, _, err = await _tender(database_url, "keys", "revoke", key_id)
    assert code == 2 and "No live key" in err


@pytest.fixture
def fresh_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tender.db'}"


@pytest.fixture
def served(fresh_db: str) -> Iterator[tuple[str, str]]:
    """``tender serve`` on a free port with a fresh database: (its URL, the key it printed)."""
    port = free_port()
    server = Process("serve", "--port", str(port), env={"TENDER_DATABASE_URL": fresh_db})
    try:
        key = server.wait_for(lambda line: line.startswith("sk_sandbox_"))
        url = f"http://127.0.0.1:{port}"
        server.wait_for(lambda line: "Application startup complete" in line)
        yield url, key
    finally:
        server.stop()


def test_serve_prints_a_key_and_serves_the_api(served: tuple[str, str]) -> None:
    url, key = served
    with Tender(key, base_url=url) as tender:
        intent = tender.payment_intents.create(
            amount={"value": 1000, "currencyCode": "GBP"}, reference="Order 245"
        )
    listed = subprocess.run(
        [TENDER, "intents", "list"],
        env={**os.environ, "TENDER_API_KEY": key, "TENDER_URL": url, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert intent.id in listed.stdout and "1 payment intent(s)" in listed.stderr


def test_worker_starts_its_jobs(fresh_db: str) -> None:
    worker = Process("worker", env={"TENDER_DATABASE_URL": fresh_db})
    try:
        line = worker.wait_for(lambda line: line.startswith("worker running"))
        assert "expiry" in line and "webhooks" in line
    finally:
        worker.stop()
