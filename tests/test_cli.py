"""The server-side ``tender`` commands, run for real: ``migrate``, ``keys create|list|revoke``
against the database, and ``serve`` and ``worker`` as processes (with a client command and the
SDK against the served API)."""

import asyncio
import re
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, select

from tender.client import Tender
from tender.config import Settings
from tender.errors import Unauthorized
from tender.service import accounts
from tender.service.context import Context
from tender.storage.db import Database
from tender.storage.migrate import head_revision
from tender.storage.tables import api_keys
from tests.processes import (
    TENDER,
    Process,
    environment,
    free_port,
    fresh_database,
    serving,
    tender,
    until_healthy,
)

KEY = re.compile(r"^sk_(sandbox|prod)_[A-Za-z0-9_-]{16,100}$")


@pytest.fixture
def url(tmp_path: Path) -> object:
    with fresh_database(tmp_path) as database_url:
        yield database_url


def authenticate(url: str, key: str) -> accounts.Account:
    async def main() -> accounts.Account:
        db = Database(url)
        try:
            return await accounts.authenticate(Context(db=db, settings=Settings()), f"Basic {key}")
        finally:
            await db.dispose()

    return asyncio.run(main())


def tables(url: str) -> set[str]:
    async def main() -> set[str]:
        db = Database(url)
        try:
            async with db.engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await db.dispose()

    return asyncio.run(main())


def test_migrate_creates_the_schema_and_is_repeatable(url: str) -> None:
    first = tender(url, "migrate")
    assert first.returncode == 0, first.stderr
    assert head_revision() in first.stderr
    assert {"accounts", "api_keys", "payment_intents", "payment_events", "outbox_events",
            "idempotency_keys", "alembic_version"} <= tables(url)  # fmt: skip
    assert tender(url, "migrate").returncode == 0


def test_keys_create_prints_the_key_alone_and_it_authenticates(url: str) -> None:
    made = tender(url, "keys", "create")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert len(lines) == 1 and KEY.match(lines[0]) and lines[0].startswith("sk_sandbox_")
    account = authenticate(url, lines[0])
    assert (account.name, account.environment) == ("default", "sandbox")
    # A second key for the same account name joins that account.
    again = tender(url, "keys", "create").stdout.strip()
    assert again != lines[0] and authenticate(url, again).id == account.id


def test_keys_create_for_a_named_prod_account(url: str) -> None:
    made = tender(url, "keys", "create", "--account", "Shop", "--env", "prod")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("sk_prod_")
    account = authenticate(url, key)
    assert (account.name, account.environment, account.sandbox) == ("Shop", "prod", False)
    bad = tender(url, "keys", "create", "--env", "staging")
    assert bad.returncode == 2 and "sandbox or prod" in bad.stderr


def test_keys_create_registers_a_chosen_key_once(url: str) -> None:
    chosen = "sk_sandbox_my-own-test-key-0001"
    made = tender(url, "keys", "create", "--key", chosen, "--account", "ci")
    assert made.returncode == 0 and made.stdout.strip() == chosen
    assert authenticate(url, chosen).name == "ci"
    duplicate = tender(url, "keys", "create", "--key", chosen)
    assert duplicate.returncode == 2 and "already registered" in duplicate.stderr
    for wrong in (
        "sk_prod_my-own-test-key-0001",
        "sk_sandbox_short",
        "pk_sandbox_xxxxxxxxxxxxxxxxxx",
    ):
        refused = tender(url, "keys", "create", "--key", wrong)
        assert refused.returncode == 2, wrong
        assert wrong not in refused.stdout


def test_keys_are_stored_hashed_and_listed_by_hint(url: str) -> None:
    key = tender(url, "keys", "create", "--account", "Shop").stdout.strip()

    async def rows() -> list[tuple[object, ...]]:
        db = Database(url)
        try:
            async with db.transaction(write=False) as conn:
                return [tuple(r) for r in (await conn.execute(select(api_keys))).all()]
        finally:
            await db.dispose()

    (row,) = asyncio.run(rows())
    assert all(key not in str(value) for value in row)
    listing = tender(url, "keys", "list")
    assert listing.returncode == 0
    assert key not in listing.stdout
    assert key[-4:] in listing.stdout and "Shop" in listing.stdout


def test_keys_revoke(url: str) -> None:
    key = tender(url, "keys", "create").stdout.strip()
    listing = tender(url, "keys", "list").stdout
    (key_id,) = re.findall(r"key_sandbox_[A-Za-z0-9_-]+", listing)
    revoked = tender(url, "keys", "revoke", key_id)
    assert revoked.returncode == 0 and key_id in revoked.stderr
    with pytest.raises(Unauthorized):
        authenticate(url, key)
    again = tender(url, "keys", "revoke", key_id)
    assert again.returncode == 2 and "No live key" in again.stderr


def test_first_start_prints_a_key_that_serves_step_one(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        with serving(url) as (server, base):
            key = server.wait_for(lambda line: line.startswith("sk_sandbox_"))
            response = httpx.post(
                f"{base}/payment-intents",
                json={"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "Order 245"},
                headers={"Version": "2024-02-05", "Authorization": f"Basic {key}"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            intent = response.json()
            assert intent["id"].startswith("pi_sandbox_")
            assert intent["status"] == "Created"
            assert intent["clientSessionSecret"]
            assert intent["paymentLink"] == f"{base}/checkout/{intent['id']}"
            with Tender(key, base_url=base) as sdk:
                assert sdk.payment_intents.get(intent["id"]).reference == "Order 245"
            listed = subprocess.run(
                [TENDER, "intents", "list"],
                env=environment(url, TENDER_API_KEY=key, TENDER_URL=base),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert listed.returncode == 0, listed.stderr
            assert intent["id"] in listed.stdout and "1 payment intent(s)" in listed.stderr
            assert "Created a sandbox account" in server.all_output()
        if url.startswith("sqlite:///"):  # the default database runs in WAL mode
            with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
                assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)

        with serving(url) as (server, base):  # a second start prints no new key
            again = httpx.get(
                f"{base}/payment-intents/{intent['id']}",
                headers={"Version": "2024-02-05", "Authorization": f"Basic {key}"},
            )
            assert again.status_code == 200
        printed = server.all_output()
        assert "sk_" not in printed and "Created a sandbox account" not in printed


def test_worker_starts_its_jobs(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        assert tender(url, "migrate").returncode == 0
        worker = Process("worker", env=environment(url))
        try:
            line = worker.wait_for(lambda line: line.startswith("worker running"))
            assert "expiry" in line and "recovery" in line and "webhooks" in line
        finally:
            worker.stop()


def _children(pid: int) -> list[str]:
    """The command lines of a process's children (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_serve_with_several_workers_runs_api_processes_and_one_job_process(
    tmp_path: Path,
) -> None:
    with fresh_database(tmp_path) as url:
        assert tender(url, "migrate").returncode == 0
        key = "sk_sandbox_" + "w" * 30
        assert tender(url, "keys", "create", "--key", key).returncode == 0
        port = free_port()
        server = Process("serve", "--port", str(port), "--workers", "2", env=environment(url))
        base = f"http://127.0.0.1:{port}"
        try:
            until_healthy(base, server)
            children = _children(server.proc.pid)
            assert sum("multiprocessing.spawn" in c for c in children) == 2, children
            assert sum("tender worker" in c for c in children) == 1, children
            headers = {"Version": "2024-02-05", "Authorization": f"Basic {key}"}
            body = {"amount": {"value": 1000, "currencyCode": "GBP"}, "reference": "w"}
            with ThreadPoolExecutor(8) as pool:  # writers of both processes at once
                made = list(pool.map(lambda _: httpx.post(
                    f"{base}/payment-intents", json=body, headers=headers, timeout=30
                ), range(40)))  # fmt: skip
            assert [r.status_code for r in made] == [200] * 40
            assert len({r.json()["id"] for r in made}) == 40
        finally:
            server.stop()
        assert _children(server.proc.pid) == []
