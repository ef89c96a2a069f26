"""The harness against a real ``tender serve`` (started as ``make bench`` starts it): the flow
runs without errors and does what it says, the server's CPU is accounted, and seeded databases
read back through the API as Tender's own writes would."""

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from bench.client import Connection, header_block
from bench.flows import AMOUNT, REFUND, VERSION
from bench.load import Target, run_level
from bench.seed import seed_database

from bench import overview, systems

pytestmark = pytest.mark.slow


def api(target: Target, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One API call with the target's key (read from its flow's headers)."""
    auth = target.flow.api  # type: ignore[attr-defined]

    async def call() -> Any:
        conn = Connection(target.host, target.port)
        try:
            payload = json.dumps(body).encode() if body is not None else b""
            r = await conn.request(method, path, payload, auth)
            assert r.status == 200, r.body
            return json.loads(r.body)
        finally:
            conn.close()

    return asyncio.run(call())


def newest(target: Target, limit: int = 100) -> list[dict[str, Any]]:
    return api(target, "POST", "/payment-intents/search", {"cursor": {"limit": limit}})["data"]


def test_help_text_tells_whether_serve_takes_a_number_of_processes() -> None:
    switch = "│ --workers    --no-workers    <bool>  Run the background jobs [default: workers] │"
    assert not systems.takes_processes(switch)
    assert systems.takes_processes("│ --workers    <int>  API processes [default: 1] │")
    assert systems.takes_processes("  --workers INTEGER  Number of API processes")
    assert systems.takes_processes("│ --workers   <int range> [1<=x<=64]  API processes │")
    assert not systems.takes_processes("  --host TEXT\n  --port INTEGER")


def test_the_full_flow_on_tender(tmp_path: Path) -> None:
    with systems.tender("tender-sqlite", "sqlite", tmp_path) as target:
        assert header_block({"version": VERSION}) in target.flow.api  # type: ignore[attr-defined]
        lv = asyncio.run(run_level(target, concurrency=2, seconds=1.0, warmup=0.3))
        assert lv.errors == [0, 0, 0, 0], lv.error_samples
        assert lv.flows > 0
        assert all(abs(len(steps) - lv.flows) <= 2 for steps in lv.latencies)  # 2 workers' edges
        assert lv.cpu_seconds["server"] > 0 and "db" not in lv.cpu_seconds
        # Each flow left a captured, partly refunded intent paid with the Mastercard.
        for intent in newest(target, 5):
            assert intent["status"] == "Refunded" and intent["captureMode"] == "Manual"
            assert intent["capturedAmount"] == AMOUNT and intent["refundedAmount"] == REFUND
            assert intent["paymentEvents"][0]["cardNumber"].endswith("0056")
        pid = target.cpu["server"][0]
    assert not Path(f"/proc/{pid}").exists()  # stopped after


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_seeded_intents_are_what_tender_would_have_stored(
    tmp_path: Path, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.environ.get("TENDER_TEST_POSTGRES_URL"):  # the suite's PostgreSQL, if it names one
        monkeypatch.setenv("TENDER_BENCH_POSTGRES_URL", os.environ["TENDER_TEST_POSTGRES_URL"])

    def seed(url: str) -> None:
        seed_database(url, 600, account_name="bench")

    with systems.tender(f"tender-{database}", database, tmp_path, seed=seed) as target:
        intents = newest(target)
        assert len(intents) == 100
        by_status: dict[str, int] = {}
        for intent in intents:
            by_status[intent["status"]] = by_status.get(intent["status"], 0) + 1
            value = intent["amount"]["value"]
            paid = intent["paymentEvents"]
            if intent["status"] == "Created":
                assert intent["capturedAmount"] == 0  # unpaid, or its one attempt declined
                assert [e["eventType"] for e in paid] in ([], ["Declined"])
            elif intent["status"] == "Authorized":
                assert intent["authorizedAmount"] == value and intent["capturedAmount"] == 0
                assert [e["eventType"] for e in paid] == ["Authorized"]
            elif intent["status"] == "Captured":
                assert intent["capturedAmount"] == value and intent["refundedAmount"] == 0
            elif intent["status"] == "Refunded":
                assert intent["capturedAmount"] == value
                assert intent["refundedAmount"] == value // 2
            else:
                assert intent["status"] == "Reversed"
                assert [e["eventType"] for e in paid] == ["Authorized", "Reversed"]
        assert {"Created", "Captured", "Refunded"} <= set(by_status)
        # The newest page is newest first, and the flow runs on top of the seeded rows.
        stamps = [i["createdAt"] for i in intents]
        assert stamps == sorted(stamps, reverse=True)
        lv = asyncio.run(run_level(target, concurrency=2, seconds=0.5, warmup=0.2))
        assert lv.errors == [0, 0, 0, 0], lv.error_samples
        assert lv.flows > 0


def test_the_overview_benchmark_times_a_signed_in_dashboard(tmp_path: Path) -> None:
    """bench.overview end to end on a small load: a user signs in and the page renders."""
    result = overview.run("sqlite", 300, 2)
    assert result["intents"] == 300 and result["runs"] == 2
    assert 0 < result["p50_ms"] <= result["max_ms"]
    assert "| sqlite | 300 | 2 |" in overview.report([result])
