"""CPU accounting from /proc: the server's figure per flow must count every process of its
tree, including workers that exit during a window, and nothing else."""

import subprocess
import sys
import textwrap

from bench import cpu

# A child that burns `seconds` of its own CPU (measured by itself), says so, then waits.
BURN = textwrap.dedent(
    """
    import sys, time
    start = time.process_time()
    while time.process_time() - start < float(sys.argv[1]):
        pass
    print("burnt", flush=True)
    sys.stdin.readline()
    """
)
# After "go": a parent whose burning child stays alive ("live"), or exits and is reaped.
PARENT = textwrap.dedent(
    f"""
    import subprocess, sys
    sys.stdin.readline()
    if sys.argv[1] == "live":
        child = subprocess.Popen(
            [sys.executable, "-c", {BURN!r}, "0.3"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        child.stdout.readline()
    else:
        subprocess.run([sys.executable, "-c", {BURN!r}, "0.3"], input=b"\\n", capture_output=True)
    print("done", flush=True)
    sys.stdin.readline()
    """
)


def test_parses_a_stat_line_whose_command_holds_spaces_and_parentheses() -> None:
    line = "4242 (tender (serve) x) S 17 4242 4242 0 -1 4194560 1 0 0 0 250 31 7 2 20 0 3 0 9"
    stat = cpu.parse_stat(line)
    assert stat == cpu.Stat(pid=4242, ppid=17, ticks=250 + 31 + 7 + 2)


def test_a_tree_is_its_root_and_every_live_descendant() -> None:
    table = {
        1: cpu.Stat(1, 0, 5),
        10: cpu.Stat(10, 1, 100),
        11: cpu.Stat(11, 10, 20),
        12: cpu.Stat(12, 11, 3),
        20: cpu.Stat(20, 1, 999),  # a sibling of the root: not ours
    }
    assert cpu.tree([10], table) == {10, 11, 12}
    assert cpu.tree([10, 404], table) == {10, 11, 12}  # a root that has exited adds nothing
    assert cpu.tree_seconds([10], table) == (100 + 20 + 3) * cpu.TICK


def test_counts_a_live_child_and_a_child_that_exited_and_was_reaped() -> None:
    parents = {
        how: subprocess.Popen(
            [sys.executable, "-c", PARENT, how],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for how in ("live", "reaped")
    }
    try:
        meter = cpu.Meter({how: [p.pid] for how, p in parents.items()})
        meter.start()
        for process in parents.values():
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write("go\n")
            process.stdin.flush()
            assert process.stdout.readline().strip() == "done"
        meter.stop()
        # Each tree burnt 0.3 s in a child: the live one is read from the child's own stat,
        # the reaped one from its parent's cutime/cstime. Neither is the other's.
        for how in ("live", "reaped"):
            assert 0.25 <= meter.seconds[how] < 0.3 + 1.0, (how, meter.seconds)
        assert 0.0 <= meter.machine_busy <= 1.0
    finally:
        for process in parents.values():
            process.kill()
            process.wait()


def test_machine_ticks_are_busy_within_total() -> None:
    busy, total = cpu.machine_ticks()
    assert 0 < busy <= total
