"""The closed loop: N workers, each on its own keep-alive connection, run flows back to back
for a fixed time; per-step latencies, errors, and the CPU that the server, the database and the
generator itself used meanwhile.

A level runs ``warmup`` seconds unrecorded (connections open, caches fill), then the measuring
window of ``seconds``: each step that completes inside the window is recorded as it completes
(its latency, or an error), and a flow whose last step does is counted. Throughput is measured
in steps, not whole flows: at c=32 a flow can take seconds, and counting only whole flows would
make a 10 s window all-or-nothing for every worker at its two edges. CPU is read at the window's
edges. After the window the workers finish the flow they are in (unrecorded) and stop; a worker
still stuck after ``grace`` seconds is cancelled.
"""

import asyncio
import resource
import time
from dataclasses import dataclass, field

from bench.cpu import Meter
from bench.flows import Flow, StepFailed

ERROR_SAMPLES = 5
PAUSE_AFTER_CONNECTION_ERROR = 0.05  # a dead server must not turn the loop into a busy-wait


@dataclass
class Target:
    """A running system: where it listens, how it is driven, which processes are its CPU."""

    system: str
    host: str
    port: int
    flow: Flow
    cpu: dict[str, list[int]]  # "server" (and "db") -> process-tree roots
    notes: dict[str, object] = field(default_factory=dict)


@dataclass
class LevelResult:
    system: str
    concurrency: int
    steps: tuple[str, ...]
    seconds: float = 0.0
    flows: int = 0
    requests: int = 0
    latencies: list[list[float]] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # server, db, generator
    machine_busy: float = 0.0

    def __post_init__(self) -> None:
        self.latencies = self.latencies or [[] for _ in self.steps]
        self.errors = self.errors or [0 for _ in self.steps]

    @property
    def flow_equivalents(self) -> float:
        """Steps that succeeded in the window, in whole flows' worth."""
        return sum(len(done) for done in self.latencies) / len(self.steps)


class _StepLog:
    """What a flow appends each step's latency to, as the step completes."""

    __slots__ = ("done", "level", "window")

    def __init__(self, level: LevelResult, window: "_Window") -> None:
        self.level = level
        self.window = window
        self.done = 0

    def append(self, took: float) -> None:
        if self.window.recording:
            self.level.latencies[self.done].append(took)
            self.level.requests += 1
        self.done += 1


class _Window:
    recording = False
    stopping = False


def _rusage_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_level(
    target: Target, concurrency: int, seconds: float, warmup: float = 1.0, grace: float = 30.0
) -> LevelResult:
    result = LevelResult(target.system, concurrency, tuple(target.flow.steps))
    flow = target.flow
    window = _Window()
    run_id = f"{time.time_ns():x}"

    def failed(step: int, exc: BaseException) -> None:
        if not window.recording:
            return
        result.errors[step] += 1
        result.requests += 1
        if len(result.error_samples) < ERROR_SAMPLES:
            result.error_samples.append(f"{flow.steps[step]}: {type(exc).__name__}: {exc}")

    async def worker(number: int) -> None:
        conn = flow.connect(target.host, target.port)
        n = 0
        try:
            while not window.stopping:
                n += 1
                log = _StepLog(result, window)
                try:
                    await flow(conn, f"{run_id}-{number}-{n}-", log)
                except Exception as exc:
                    failed(log.done, exc)
                    if not isinstance(exc, StepFailed):  # refused, reset, closed, garbled
                        await asyncio.sleep(PAUSE_AFTER_CONNECTION_ERROR)
                else:
                    if window.recording:
                        result.flows += 1
        finally:
            conn.close()

    workers = [asyncio.create_task(worker(i)) for i in range(concurrency)]
    try:
        await asyncio.sleep(warmup)
        meter = Meter(target.cpu)
        meter.start()
        generator = _rusage_seconds()
        started = time.perf_counter()
        window.recording = True
        await asyncio.sleep(seconds)
        window.recording = False
        result.seconds = time.perf_counter() - started
        result.cpu_seconds["generator"] = _rusage_seconds() - generator
        meter.stop()
        result.cpu_seconds.update(meter.seconds)
        result.machine_busy = meter.machine_busy
        window.stopping = True
        _, pending = await asyncio.wait(workers, timeout=grace)
        for task in pending:
            task.cancel()
    finally:
        window.stopping = True
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return result
