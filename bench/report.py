"""One table per run: flows/s, latency percentiles per step, CPU per flow of the server (and of
PostgreSQL), errors and the ratio to localstripe; as markdown and as JSON in ``bench/results/``.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import RESULTS, machine, percentile
from bench.load import LevelResult

BASELINE = "localstripe"


@dataclass
class Run:
    """One system's levels, in the order they ran."""

    system: str
    label: str
    notes: dict[str, Any]
    levels: list[LevelResult] = field(default_factory=list)


def _ms(seconds: float) -> float | None:
    return None if math.isnan(seconds) else round(seconds * 1000, 2)


def _per(total: float | None, count: float, scale: float) -> float | None:
    return None if total is None or not count else round(total / count * scale, 2)


def summary(level: LevelResult) -> dict[str, Any]:
    cpu = level.cpu_seconds
    steps = {
        name: {
            "count": len(level.latencies[i]),
            "errors": level.errors[i],
            "p50_ms": _ms(percentile(level.latencies[i], 50)),
            "p95_ms": _ms(percentile(level.latencies[i], 95)),
            "p99_ms": _ms(percentile(level.latencies[i], 99)),
        }
        for i, name in enumerate(level.steps)
    }
    flows = level.flow_equivalents
    return {
        "concurrency": level.concurrency,
        "seconds": round(level.seconds, 2),
        "flows": level.flows,  # whole flows that ended in the window
        "flows_per_s": round(flows / level.seconds, 1) if level.seconds else 0.0,
        "requests": level.requests,
        "errors": sum(level.errors),
        "error_samples": level.error_samples,
        "steps": steps,
        "server_cpu_ms_per_flow": _per(cpu.get("server"), flows, 1e3),
        "db_cpu_ms_per_flow": _per(cpu.get("db"), flows, 1e3),
        "generator_cpu_us_per_request": _per(cpu.get("generator"), level.requests, 1e6),
        "machine_busy_pct": round(level.machine_busy * 100, 1),
    }


def ratios(runs: list[Run]) -> dict[tuple[str, int], float]:
    """flows/s of each (system, concurrency) divided by localstripe's at that concurrency; not
    for a run with a slowed acquirer (localstripe has none to slow)."""
    base = {
        lv.concurrency: summary(lv)["flows_per_s"]
        for run in runs
        if run.system == BASELINE
        for lv in run.levels
    }
    out: dict[tuple[str, int], float] = {}
    for run in runs:
        if run.notes.get("sandbox_latency_ms"):
            continue
        for lv in run.levels:
            if base.get(lv.concurrency):
                flows = summary(lv)["flows_per_s"]
                out[(run.system, lv.concurrency)] = round(flows / base[lv.concurrency], 2)
    return out


def _cell(value: float | None, fmt: str = "{:.1f}") -> str:
    return "–" if value is None else fmt.format(value)


def _steps_header(runs: list[Run]) -> list[str]:
    """Column names: each position's step names across the systems (``pay / confirm``)."""
    width = max((len(lv.steps) for run in runs for lv in run.levels), default=0)
    names: list[list[str]] = [[] for _ in range(width)]
    for run in runs:
        for lv in run.levels:
            for i, step in enumerate(lv.steps):
                if step not in names[i]:
                    names[i].append(step)
    return [" / ".join(n) for n in names]


def markdown(title: str, runs: list[Run], meta: dict[str, Any]) -> str:
    step_names = _steps_header(runs)
    vs = ratios(runs)
    info = meta["machine"]
    lines = [
        f"### {title}",
        "",
        f"`{meta['command']}` — {info['at']}, {info['cpus']} CPUs ({info['cpu']}), "
        f"{meta['seconds']:g} s per level after {meta['warmup']:g} s of warm-up; load average "
        f"{meta['load_before'][0]} before the run, {info['load_average'][0]} after it. "
        "Latencies in ms as p50 / p95 / p99; CPU per flow from /proc (the server's process tree; "
        "PostgreSQL: every process of the local server, so only meaningful on an idle machine).",
        "",
        "| system | c | flows/s | × localstripe | "
        + " | ".join(f"{name} ms" for name in step_names)
        + " | server CPU ms/flow | PostgreSQL CPU ms/flow | generator CPU µs/req | errors |",
        "|---|---:|---:|---:|" + "---:|" * len(step_names) + "---:|---:|---:|---:|",
    ]
    for run in runs:
        for lv in run.levels:
            s = summary(lv)
            cells = [
                run.label,
                str(lv.concurrency),
                f"{s['flows_per_s']:.1f}",
                _cell(vs.get((run.system, lv.concurrency)), "{:.2f}×"),
            ]
            for i in range(len(step_names)):
                if i < len(lv.steps):
                    st = s["steps"][lv.steps[i]]
                    cells.append(" / ".join(_cell(st[k]) for k in ("p50_ms", "p95_ms", "p99_ms")))
                else:
                    cells.append("–")
            cells += [
                _cell(s["server_cpu_ms_per_flow"], "{:.2f}"),
                _cell(s["db_cpu_ms_per_flow"], "{:.2f}"),
                _cell(s["generator_cpu_us_per_request"], "{:.0f}"),
                str(s["errors"]),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for run in runs:
        flows = {lv.concurrency: summary(lv)["flows_per_s"] for lv in run.levels}
        if run.notes.get("sandbox_latency_ms") and flows.get(1) and len(flows) > 1:
            overlap = ", ".join(
                f"c={n} runs {flows[n] / flows[1]:.1f}×" for n in sorted(flows) if n > 1
            )
            lines.append(
                f"{run.label}: {overlap} the flows/s of c=1 "
                "(c× would be perfect overlap of the acquirer's latency)."
            )
    if meta.get("seeding_seconds"):
        took = ", ".join(f"{db} {sec:g} s" for db, sec in meta["seeding_seconds"].items())
        lines.append(f"Seeding took {took} (bench/seed.py).")
    lines += [f"- {run.label}: `{json.dumps(run.notes)}`" for run in runs]
    return "\n".join(lines) + "\n"


def document(title: str, runs: list[Run], meta: dict[str, Any]) -> dict[str, Any]:
    vs = ratios(runs)
    return {
        "title": title,
        **meta,
        "runs": [
            {
                "system": run.system,
                "label": run.label,
                "notes": run.notes,
                "levels": [
                    {**summary(lv), "vs_localstripe": vs.get((run.system, lv.concurrency))}
                    for lv in run.levels
                ],
            }
            for run in runs
        ],
    }


def write(name: str, title: str, runs: list[Run], meta: dict[str, Any]) -> Path:
    """``bench/results/<name>.md`` and ``.json``; returns the markdown's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {**meta, "machine": machine()}
    (RESULTS / f"{name}.json").write_text(json.dumps(document(title, runs, meta), indent=2) + "\n")
    path = RESULTS / f"{name}.md"
    path.write_text(markdown(title, runs, meta))
    return path
