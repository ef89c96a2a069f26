"""``python -m bench.instructions``: a real ``tender serve`` under callgrind answers the counted
flows, and the count is the server's work for them (none before counting starts)."""

from pathlib import Path

import pytest

from bench import instructions


def test_totals_add_every_dump_of_the_run(tmp_path: Path) -> None:
    out = tmp_path / "callgrind.out"
    out.write_text("events: Ir\nsummary: 0\n")
    (tmp_path / "callgrind.out.1").write_text("events: Ir\ntotals: 1200\n")
    (tmp_path / "callgrind.out.2").write_text("fn=x\n1 5\ntotals: 34\n")
    (tmp_path / "other.out.1").write_text("totals: 99999\n")
    assert instructions.totals(out) == 1234


@pytest.mark.slow
def test_a_counted_flow_costs_millions_of_instructions_on_sqlite(tmp_path: Path) -> None:
    per_flow = instructions.measure("sqlite", flows=2, warmup=1, workdir=tmp_path)
    # ~31 million on this code (README, Performance); not counting would give 0, counting the
    # start-up (imports, migrations) hundreds of millions
    assert 5_000_000 < per_flow < 150_000_000
