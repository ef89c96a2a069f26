"""CPU time of a process tree and of the whole machine, read from /proc.

A server's CPU over a measuring window is the change in ``utime + stime + cutime + cstime``
summed over the root process and every live descendant: a live child's time is in its own
``/proc/PID/stat``, and once it exits and is reaped its time moves into its parent's
``cutime``/``cstime``, so nothing is counted twice or lost as processes come and go (a worker
that uvicorn restarts, a PostgreSQL backend that closes). Clock ticks are 10 ms on Linux, so a
window should hold at least a few seconds of CPU.
"""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TICK = 1 / os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class Stat:
    pid: int
    ppid: int
    ticks: int  # utime + stime + cutime + cstime


def parse_stat(text: str) -> Stat:
    """One ``/proc/PID/stat`` line. The command name (field 2) may hold spaces and
    parentheses, so fields are counted from its last ``)``."""
    pid = int(text[: text.index(" ")])
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    return Stat(pid=pid, ppid=int(rest[1]), ticks=sum(int(x) for x in rest[11:15]))


def processes(proc: Path = PROC) -> dict[int, Stat]:
    """Every process on the machine now (those that exit while being read are skipped)."""
    found: dict[int, Stat] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = parse_stat((entry / "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue
        found[stat.pid] = stat
    return found


def tree(roots: Iterable[int], table: dict[int, Stat]) -> set[int]:
    """The ``roots`` that are alive and all their live descendants."""
    children: dict[int, list[int]] = {}
    for stat in table.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    members: set[int] = set()
    todo = [pid for pid in roots if pid in table]
    while todo:
        pid = todo.pop()
        if pid not in members:
            members.add(pid)
            todo.extend(children.get(pid, ()))
    return members


def tree_seconds(roots: Iterable[int], table: dict[int, Stat] | None = None) -> float:
    """CPU seconds used so far by the trees under ``roots`` (reaped children included)."""
    table = processes() if table is None else table
    return sum(table[pid].ticks for pid in tree(roots, table)) * TICK


def machine_ticks(proc: Path = PROC) -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from ``/proc/stat``."""
    fields = [int(x) for x in (proc / "stat").read_text().splitlines()[0].split()[1:]]
    # user nice system idle iowait irq softirq steal [guest guest_nice, already in user/nice]
    total = sum(fields[:8])
    idle = fields[3] + fields[4]
    return total - idle, total


class Meter:
    """CPU used by some process trees between ``start()`` and ``stop()``, and how busy the
    machine was meanwhile (1.0 = every CPU busy)."""

    def __init__(self, trees: dict[str, list[int]]) -> None:
        self.trees = trees
        self._start: dict[str, float] = {}
        self._machine: tuple[int, int] = (0, 0)
        self.seconds: dict[str, float] = {}
        self.machine_busy = 0.0

    def _read(self) -> dict[str, float]:
        table = processes()
        return {name: tree_seconds(roots, table) for name, roots in self.trees.items()}

    def start(self) -> None:
        self._machine = machine_ticks()
        self._start = self._read()

    def stop(self) -> None:
        end = self._read()
        busy, total = machine_ticks()
        self.seconds = {name: end[name] - self._start[name] for name in self.trees}
        elapsed = total - self._machine[1]
        self.machine_busy = (busy - self._machine[0]) / elapsed if elapsed else 0.0
