"""CI's promises: `.ci/run` runs the README's `make test`, and a PostgreSQL run under CI fails
(never skips) when the server is unreachable."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_make_test_on_both_databases() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    makefile = (ROOT / "Makefile").read_text()
    assert "test: lint test-sqlite test-postgres" in makefile
    assert "TENDER_TEST_DATABASE=postgresql" in makefile


def test_an_unreachable_postgresql_fails_the_run_under_ci(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDER_")}
    env |= {
        "CI": "true",
        "TENDER_TEST_DATABASE": "postgresql",
        "TENDER_TEST_POSTGRES_URL": "postgresql://postgres@127.0.0.1:1/postgres",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/api/test_smoke.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "is unreachable" in output
    assert " skipped" not in output
