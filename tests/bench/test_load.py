"""The closed loop against a real server: what it counts as a flow, a request and an error,
and that it stops by itself (no timing is asserted)."""

import json
import os
from collections.abc import Iterator
from time import perf_counter

import pytest
from bench.client import Connection
from bench.flows import StepFailed, StepLog
from bench.load import Target, run_level

from tests.bench.support import COUNTER, http_server


class TwoSteps:
    """echo, then a step that fails every 5th time it is called."""

    steps = ("echo", "flaky")

    def connect(self, host: str, port: int) -> Connection:
        return Connection(host, port)

    async def __call__(self, conn: Connection, tag: str, out: StepLog) -> None:
        started = perf_counter()
        r = await conn.request("POST", "/echo", tag.encode())
        if r.status != 200 or json.loads(r.body)["body"] != tag:
            raise StepFailed(r)
        out.append(perf_counter() - started)
        started = perf_counter()
        r = await conn.request("GET", "/flaky/5")
        if r.status != 200:
            raise StepFailed(r)
        out.append(perf_counter() - started)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with http_server() as port:
        yield port


async def test_a_level_counts_flows_requests_and_errors(port: int) -> None:
    COUNTER["n"] = 0
    target = Target("test", "127.0.0.1", port, TwoSteps(), cpu={"me": [os.getpid()]})
    lv = await run_level(target, concurrency=4, seconds=1.0, warmup=0.2)

    echo, flaky = lv.latencies
    assert lv.flows > 0 and lv.seconds >= 1.0
    assert lv.errors[0] == 0 and lv.errors[1] > 0  # every 5th flaky call answers 500
    # Steps are recorded as they complete: a flow's echo may fall in the window and its flaky
    # step after it (or the reverse), so the counts agree to within one flow per worker.
    assert abs(len(echo) - (len(flaky) + lv.errors[1])) <= 4
    assert abs(len(flaky) - lv.flows) <= 4  # a failed step has no latency
    assert lv.requests == len(echo) + len(flaky) + lv.errors[1]
    assert lv.flow_equivalents == (len(echo) + len(flaky)) / 2
    assert lv.error_samples and lv.error_samples[0].startswith("flaky: StepFailed: HTTP 500")
    assert len(lv.error_samples) <= 5
    # Here the server is a thread of this process, so /proc's figure for the process tree and
    # getrusage's for the generator's process are the same CPU, read two ways.
    assert lv.cpu_seconds["generator"] > 0
    assert lv.cpu_seconds["me"] == pytest.approx(lv.cpu_seconds["generator"], abs=0.1)
    assert 0 < lv.machine_busy <= 1


async def test_a_dead_server_is_errors_not_a_hang() -> None:
    from bench.common import free_port

    target = Target("dead", "127.0.0.1", free_port(), TwoSteps(), cpu={})
    lv = await run_level(target, concurrency=2, seconds=0.5, warmup=0.0)
    assert lv.flows == 0 and lv.errors[0] > 0
    assert "ConnectionRefusedError" in lv.error_samples[0]
