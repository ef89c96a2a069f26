"""The table: flows/s, percentiles per step, CPU per flow and per request, the ratio to
localstripe, as markdown and JSON."""

import json
from pathlib import Path

import pytest
from bench.load import LevelResult

from bench import report

TENDER_STEPS = ("create", "pay", "capture", "refund")
STRIPE_STEPS = ("create", "confirm", "capture", "refund")


def level(system: str, steps: tuple[str, ...], c: int, flows: int, seconds: float) -> LevelResult:
    lv = LevelResult(system, c, steps, seconds=seconds, flows=flows, requests=flows * 4 + 1)
    for i in range(len(steps)):  # 1..100 ms (× the step's number), over and over
        lv.latencies[i] = [(n % 100 + 1) / 1000 * (i + 1) for n in range(flows)]
    lv.errors[1] = 1
    lv.error_samples = ["pay: StepFailed: HTTP 500: {}"]
    lv.cpu_seconds = {"server": flows * 0.004, "db": flows * 0.002, "generator": 0.0}
    lv.cpu_seconds["generator"] = lv.requests * 50e-6
    lv.machine_busy = 0.875
    return lv


@pytest.fixture
def runs() -> list[report.Run]:
    tender = report.Run("tender-sqlite", "Tender, SQLite", {"database": "sqlite"})
    tender.levels = [
        level("tender-sqlite", TENDER_STEPS, 1, 300, 10.0),
        level("tender-sqlite", TENDER_STEPS, 8, 2000, 10.0),
    ]
    stripe = report.Run("localstripe", "localstripe 1.15.10", {"version": "1.15.10"})
    stripe.levels = [level("localstripe", STRIPE_STEPS, 1, 100, 10.0)]
    slow = report.Run("slow", "Tender, acquirer +150 ms", {"sandbox_latency_ms": 150})
    slow.levels = [
        level("slow", TENDER_STEPS, 1, 20, 10.0),
        level("slow", TENDER_STEPS, 32, 500, 10.0),
    ]
    return [tender, stripe, slow]


def test_summary_of_a_level(runs: list[report.Run]) -> None:
    s = report.summary(runs[0].levels[1])
    assert s["flows"] == 2000 and s["flows_per_s"] == 200.0
    assert s["requests"] == 8001 and s["errors"] == 1
    assert s["steps"]["create"] == {
        "count": 2000, "errors": 0, "p50_ms": 50.0, "p95_ms": 95.0, "p99_ms": 99.0,
    }  # fmt: skip
    assert s["steps"]["pay"]["p99_ms"] == 198.0 and s["steps"]["pay"]["errors"] == 1
    assert s["server_cpu_ms_per_flow"] == 4.0
    assert s["db_cpu_ms_per_flow"] == 2.0
    assert s["generator_cpu_us_per_request"] == 50.0
    assert s["machine_busy_pct"] == 87.5


def test_a_level_without_flows_has_no_cpu_per_flow() -> None:
    lv = LevelResult("x", 1, TENDER_STEPS, seconds=10.0)
    lv.cpu_seconds = {"server": 1.5}
    s = report.summary(lv)
    assert s["flows_per_s"] == 0.0 and s["server_cpu_ms_per_flow"] is None
    assert s["db_cpu_ms_per_flow"] is None and s["steps"]["create"]["p50_ms"] is None


def test_ratio_to_localstripe_at_the_same_concurrency(runs: list[report.Run]) -> None:
    vs = report.ratios(runs)
    assert vs[("tender-sqlite", 1)] == 3.0  # 30 flows/s against 10
    assert vs[("localstripe", 1)] == 1.0
    assert ("tender-sqlite", 8) not in vs  # localstripe did not run at c=8
    assert ("slow", 1) not in vs  # a slowed acquirer is not compared with localstripe


def test_markdown_table(runs: list[report.Run]) -> None:
    meta = {
        "command": "make bench",
        "seconds": 10.0,
        "warmup": 2.0,
        "load_before": [0.1, 0.2, 0.3],
        "machine": {"at": "2026-12-03T10:00:00+00:00", "cpus": 2, "cpu": "Test CPU",
                    "load_average": [1.5, 1.0, 0.5]},
    }  # fmt: skip
    table = report.markdown("The full payment flow", runs, meta)
    assert "`make bench`" in table and "load average 0.1 before the run, 1.5 after it" in table
    assert "| create ms | pay / confirm ms | capture ms | refund ms |" in table
    row = next(line for line in table.splitlines() if line.startswith("| Tender, SQLite | 8 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells == [
        "Tender, SQLite", "8", "200.0", "–",
        "50.0 / 95.0 / 99.0", "100.0 / 190.0 / 198.0", "150.0 / 285.0 / 297.0",
        "200.0 / 380.0 / 396.0", "4.00", "2.00", "50", "1",
    ]  # fmt: skip
    assert "| localstripe 1.15.10 | 1 | 10.0 | 1.00× |" in table
    assert "Tender, acquirer +150 ms: c=32 runs 25.0× the flows/s of c=1" in table
    assert "Seeding took" not in table
    seeded = report.markdown("After 1M", runs[:1], {**meta, "seeding_seconds": {"sqlite": 270.4}})
    assert "Seeding took sqlite 270.4 s (bench/seed.py)." in seeded


def test_write_puts_markdown_and_json_in_results(
    runs: list[report.Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    meta = {"command": "make bench", "seconds": 10.0, "warmup": 2.0, "load_before": [0, 0, 0]}
    path = report.write("flow", "The full payment flow", runs, meta)
    assert path == tmp_path / "flow.md" and "| Tender, SQLite | 8 | 200.0 |" in path.read_text()
    data = json.loads((tmp_path / "flow.json").read_text())
    assert data["command"] == "make bench" and data["machine"]["cpus"]
    first = data["runs"][0]["levels"][0]
    assert first["vs_localstripe"] == 3.0 and first["flows_per_s"] == 30.0
    assert data["runs"][1]["levels"][0]["steps"]["confirm"]["count"] == 100


def test_throughput_counts_steps_so_a_window_edge_is_not_all_or_nothing() -> None:
    lv = LevelResult("x", 32, TENDER_STEPS, seconds=10.0, flows=3)
    lv.latencies = [[0.5] * 40, [0.5] * 38, [0.5] * 36, [0.5] * 34]  # 148 steps, 3 whole flows
    lv.cpu_seconds = {"server": 3.7}
    s = report.summary(lv)
    assert s["flows"] == 3 and s["flows_per_s"] == 3.7  # 148 / 4 steps per flow / 10 s
    assert s["server_cpu_ms_per_flow"] == 100.0
