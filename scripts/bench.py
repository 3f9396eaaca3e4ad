"""Benchmark: plan every embedded corridor (default profile set, all shipped vehicles, default
scenario) and report per corridor and in total the solve time and the CP-SAT model size, then
the wall time of the whole `evcorridor plan --all` command in a subprocess.

A benchmark figure, not a test: the goals (issue 12) are `plan --all` under 5 s wall with peak
memory under 500 MB, `--help` and `corridors list` under 0.3 s, on an idle 2-core machine.
Issue 11: loading the continental graph, creating and planning one new corridor offline (goal
< 15 s), and `plan --border all` with 1 and with 2 Dask workers (goal < 10 min on 2 cores, wall
time near-halved by the second worker; long: skip with --no-border).
Usage: python scripts/bench.py [--no-cli] [--no-border] [corridor ...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from evcorridor.corridors import list_corridors
from evcorridor.siting.build import BuildOptions, build
from evcorridor.siting.plan import plan_built

REPO = Path(__file__).resolve().parents[1]

#: (label, evcorridor arguments, goal in seconds on an idle 2-core machine)
CLI_TIMINGS: tuple[tuple[str, list[str], float], ...] = (
    ("--help", ["--help"], 0.3),
    ("corridors list", ["corridors", "list"], 0.3),
    ("plan --all --quiet", ["plan", "--all", "--out", "{tmp}", "--quiet"], 5.0),
)


def timed(argv: list[str]) -> tuple[float, float, int, float]:
    """(wall s, peak resident memory MB of the largest process, exit code, CPU s of all its
    processes) of `evcorridor argv` run in a fresh interpreter (worker processes included). On
    a shared machine the CPU time is the steadier figure."""
    code = ("import resource, subprocess, sys, time\n"
            "t0 = time.perf_counter()\n"
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "wall = time.perf_counter() - t0\n"
            "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(wall, ru.ru_maxrss / 1024, rc, ru.ru_utime + ru.ru_stime)\n")
    exe = str(Path(sys.executable).with_name("evcorridor"))
    out = subprocess.run([sys.executable, "-c", code, exe, *argv], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), float(out[3])


def main(argv: list[str]) -> int:
    run_cli = "--no-cli" not in argv
    ids = [a for a in argv if not a.startswith("--")] or sorted(c.id for c in list_corridors())
    con = Console(width=132)
    t = Table(title="evcorridor bench: plan (cost objective, default scenario, all vehicles)")
    for col in ("corridor", "status", "build s", "solve s", "cost phase s", "variables",
                "constraints", "candidates", "options"):
        t.add_column(col, justify="left" if col in ("corridor", "status") else "right")
    tot = {"build": 0.0, "solve": 0.0, "vars": 0, "cons": 0}
    for cid in ids:
        t0 = time.perf_counter()
        built = build(cid, BuildOptions())
        t1 = time.perf_counter()
        out = plan_built(built)
        solve_s = out.log["wall_time_s"]
        size = out.log["model_size"]
        tot["build"] += t1 - t0
        tot["solve"] += solve_s
        tot["vars"] += size.get("variables", 0)
        tot["cons"] += size.get("constraints", 0)
        t.add_row(cid, out.plan.solver.status, f"{t1 - t0:.2f}", f"{solve_s:.2f}",
                  f"{out.log.get('cost_phase_s', 0):.2f}", str(size.get("variables", 0)),
                  str(size.get("constraints", 0)), str(size.get("candidates", 0)),
                  str(size.get("options", 0)))
    t.add_row("TOTAL", "", f"{tot['build']:.2f}", f"{tot['solve']:.2f}", "", str(tot["vars"]),
              str(tot["cons"]), "", "")
    con.print(t)
    if run_cli:
        for label, argv, goal in CLI_TIMINGS:
            with tempfile.TemporaryDirectory() as tmp:
                wall, rss, code, cpu = timed([a.replace("{tmp}", tmp) for a in argv])
            con.print(f"evcorridor {label}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak memory "
                      f"{rss:.0f} MB (exit {code}); goal < {goal:g} s wall: {wall / goal:.2f} x "
                      "the goal")
    new_corridor(con)
    if "--no-border" not in argv:
        border_all(con)
    return 0


def new_corridor(con: Console, crossing: str = "sweetgrass-coutts") -> None:
    """Continental graph load + `corridors create` + `plan` of the new corridor, in a fresh
    interpreter (offline; a private configs copy so configs/ stays untouched)."""
    import shutil

    from evcorridor.network.continental import continental_path

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(REPO / "configs", Path(tmp) / "configs")
        base = ["--offline", "--configs-dir", str(Path(tmp) / "configs")]
        t0 = time.perf_counter()
        load = subprocess.run([sys.executable, "-c", "import time; "
                               "from evcorridor.network.continental import load_continental; "
                               "t=time.perf_counter(); "
                               f"load_continental({str(continental_path())!r}); "
                               "print(time.perf_counter()-t)"], cwd=REPO, check=True,
                              capture_output=True, text=True)
        w1, _, c1, _ = timed([*base, "corridors", "create", "--crossing", crossing, "--id",
                              "bench-new"])
        w2, _, c2, _ = timed([*base, "plan", "bench-new", "--out", str(Path(tmp) / "out"),
                              "--quiet"])
        total = time.perf_counter() - t0
    con.print(f"continental graph load: {float(load.stdout):.2f} s (in-process); corridors "
              f"create --crossing {crossing}: {w1:.2f} s (exit {c1}); plan of the new corridor: "
              f"{w2:.2f} s (exit {c2}); together {total:.1f} s wall; goal < 15 s")


def border_all(con: Console) -> None:
    """`plan --border all` with 1 and with 2 Dask worker processes."""
    times = {}
    for n in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            wall, rss, code, cpu = timed(["--offline", "plan", "--border", "all", "--out", tmp,
                                          "--quiet", "--dask-workers", str(n)])
        times[n] = wall
        con.print(f"plan --border all, {n} Dask worker(s): {wall:.1f} s wall, {cpu:.1f} s CPU, "
                  f"peak memory {rss:.0f} MB (exit {code}); goal < 600 s")
    con.print(f"speed-up with 2 workers: {times[1] / times[2]:.2f} x")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
