"""Benchmark: plan every embedded corridor (default profile set, all shipped vehicles, default
scenario) and report per corridor and in total the solve time and the CP-SAT model size, then
the wall time of the whole `evcorridor plan --all` command in a subprocess.

A benchmark figure, not a test: the goal is `plan --all` under 30 s on a 2-core machine.
Usage: python scripts/bench.py [--no-cli] [corridor ...]
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
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "evcorridor", "plan", "--all", "--out",
                                   tmp, "--quiet"], cwd=REPO, check=False)
            wall = time.perf_counter() - t0
        con.print(f"evcorridor plan --all: {wall:.1f} s wall (exit {proc.returncode}); goal < 30 s "
                  "on 2 cores")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
