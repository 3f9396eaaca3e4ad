"""Benchmark: plan every embedded corridor (default profile set, all shipped vehicles, default
scenario) and report per corridor and in total the solve time and the CP-SAT model size, then
the wall time of the whole `evcorridor plan --all` command in a subprocess.

A benchmark figure, not a test: the goals (issue 12) are `plan --all` under 5 s wall with peak
memory under 500 MB, `--help` and `corridors list` under 0.3 s, `report` and `map` of the 16
plans under 5 s each and `check` of them under 2 s, on an idle 2-core machine.
Issue 11: loading the continental graph, creating and planning one new corridor offline (goal
< 15 s), and `plan --border all` with 1 and with 2 Dask workers (goal < 10 min on 2 cores, wall
time near-halved by the second worker; long: skip with --no-border).

Coverage: evcorridor's coverage solver (`frlm.CoverageNetwork`: the trips built once per
network, their time shared out over its grid points; round trips) against a plain MIP
of the same Kuby & Lim / Capar et al. arc-cover model built with PuLP and solved by CBC
(`frlm_mip.solve_plain_mip`), on benchmark networks made from the project's real corridor graphs
(Travel Mapping data): the graph contracted to about 25, 50 or 100 nodes (every junction kept,
chain nodes kept every d km), all pairs of nodes as round-trip flows of 1 trip each (SYNTHETIC
unit flows: a solver benchmark, not a traffic estimate), over a grid of ranges and budgets.
Both must reach the same optimum where CBC proves one (the bench stops if not); the figures are
times measured in the same run.

The commands of `make run` (plan --all, size, check, report) and `map` on the 16 plans are timed
in fresh interpreters, each against its goal, `--cli-repeat K` times (3; the sub-second ones at
least 11 times) and reported by their median (`--cli-only`: those timings alone).

Each coverage point is solved `--repeat N` times by evcorridor and `--cbc-repeat M` times by CBC
(median wall time; CPU time beside it); CBC's time limit is `--cbc-limit S` (600 s): where CBC
stops there without proving an optimum, its time and the ratio are lower bounds (">=").

Usage: python scripts/bench.py [--no-cli | --cli-only] [--no-border] [--no-plan] [--no-coverage]
       [--nodes 25,50,100] [--repeat N] [--cbc-repeat M] [--cbc-limit S] [--cli-repeat K]
       [corridor ...]
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
from rich.console import Console
from rich.table import Table

from evcorridor.corridors import list_corridors
from evcorridor.siting.build import BuildOptions, build
from evcorridor.siting.plan import plan_built

REPO = Path(__file__).resolve().parents[1]

#: (label, evcorridor arguments, goal in seconds on an idle 2-core machine), run in this order in
#: one folder {out}: plan --all writes the 16 plans that size, check, report and map then read
#: (the steps of `make run`, and `make maps`' map)
CLI_TIMINGS: tuple[tuple[str, list[str], float], ...] = (
    ("--help", ["--help"], 0.3),
    ("corridors list", ["corridors", "list"], 0.3),
    ("plan --all --quiet", ["plan", "--all", "--out", "{out}", "--quiet"], 5.0),
    ("size (16 plans)", ["size", "{plans}", "--out", "{out}"], 0.0),
    ("check (16 plans)", ["check", "{plans}"], 2.0),
    ("check (16 plans + 16 sizings, as make run)", ["check", "{out}"], 0.0),
    ("report (16 plans)", ["report", "{plans}", "--out", "{out}"], 5.0),
    ("map (16 plans, every picture)", ["map", "{plans}"], 5.0),
)
#: peak resident memory goal of `plan --all` (MB, the largest process)
PLAN_MEMORY_GOAL_MB = 500.0


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


#: coverage benchmark networks: (nodes, the corridor graph it is contracted from)
COVERAGE_NETWORKS: dict[int, str] = {25: "i94-blue-water", 50: "rio-grande-valley",
                                     100: "i5-tijuana"}
COVERAGE_RANGES_KM = (100.0, 150.0, 200.0)
COVERAGE_BUDGETS = (2, 4, 8)


def contracted(G: nx.MultiDiGraph, target: int) -> nx.MultiDiGraph:
    """The corridor graph with its degree-2 chains contracted: every junction (undirected
    degree != 2) kept, and chain nodes kept every d metres, d chosen (bisection) so that at least
    `target` nodes remain. Edge lengths are the summed road lengths (both directions)."""
    U = nx.Graph()
    for u, v, d in G.edges(data=True):
        if u != v and (not U.has_edge(u, v) or float(d["length"]) < U[u][v]["length"]):
            U.add_edge(u, v, length=float(d["length"]))
    junctions = sorted(n for n in U if U.degree(n) != 2)
    chains: list[tuple[list[int], list[float]]] = []
    seen: set[tuple[int, int]] = set()
    for j in junctions:
        for nb in sorted(U[j]):
            if (j, nb) in seen:
                continue
            chain, cum, prev, cur = [j, nb], [0.0, U[j][nb]["length"]], j, nb
            while U.degree(cur) == 2:
                nxt = next(n for n in U[cur] if n != prev)
                cum.append(cum[-1] + U[cur][nxt]["length"])
                chain.append(nxt)
                prev, cur = cur, nxt
            seen.update({(j, nb), (cur, prev)})
            chains.append((chain, cum))

    def build_with(d: float) -> nx.MultiDiGraph:
        H = nx.MultiDiGraph()
        H.add_nodes_from((n, {"x": G.nodes[n]["x"], "y": G.nodes[n]["y"]}) for n in junctions)
        for chain, cum in chains:
            last = 0
            for i in range(1, len(chain)):
                end = i == len(chain) - 1
                if not end and (cum[i] - cum[last] < d or cum[-1] - cum[i] < d / 2):
                    continue
                a, b = chain[last], chain[i]
                for n in (a, b):
                    H.add_node(n, x=G.nodes[n]["x"], y=G.nodes[n]["y"])
                H.add_edge(a, b, length=cum[i] - cum[last])
                H.add_edge(b, a, length=cum[i] - cum[last])
                last = i
        return H

    lo, hi = 1.0, 1e7
    best = build_with(hi)
    for _ in range(40):
        mid = (lo * hi) ** 0.5
        H = build_with(mid)
        if H.number_of_nodes() >= target:
            lo, best = mid, H
        else:
            hi = mid
    return best


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (CBC runs in a child)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ru.ru_utime + ru.ru_stime


def coverage_bench(con: Console, sizes: list[int], *, repeat: int = 1, cbc_repeat: int = 1,
                   cbc_limit_s: float = 600.0) -> None:
    """Each grid point: evcorridor's solve `repeat` times (each repeat of a range from scratch:
    its cover sets and bit layout rebuilt by the first budget), CBC `cbc_repeat` times; the
    median wall time of each (CPU time beside it). When CBC stops at its time limit without
    proving an optimum, its time is a lower bound, so is the ratio (printed as ">="), and
    evcorridor's proven optimum must be at least CBC's best set."""
    from evcorridor.network import load_network
    from evcorridor.siting.frlm import CoverageNetwork, Flow
    from evcorridor.siting.frlm_mip import solve_plain_mip

    t = Table(title="coverage (round trips, all-pairs unit flows): evcorridor vs plain PuLP/CBC "
                    "MIP of the same model (median wall s, CPU s in brackets)")
    for col in ("network", "nodes", "flows", "range km", "budget", "covered", "CBC covered",
                "evcorridor s (solve + prep share)", "method", "CBC s (build + solve)",
                "CBC / evcorridor"):
        t.add_column(col, justify="left" if col == "network" else "right")
    total_ours = total_cbc = 0.0
    ratios: list[float] = []
    lower = 0  # points where CBC stopped at its time limit (the ratio a lower bound)
    points = len(COVERAGE_RANGES_KM) * len(COVERAGE_BUDGETS)
    for size in sizes:
        cid = COVERAGE_NETWORKS[size]
        H = contracted(load_network(cid), size)
        flows = [Flow(a, b, 1.0) for a, b in itertools.combinations(sorted(H.nodes), 2)]
        # the trips (shortest paths there and back, positions) are built once per network and
        # shared by its grid points; their time is shared out evenly over the points
        t0 = time.perf_counter()
        net = CoverageNetwork(H, flows, trip="round")
        prep = time.perf_counter() - t0
        total_ours += prep
        con.print(f"  {cid}: trips of {len(flows)} flows built in {prep:.3f} s "
                  f"({prep / points:.3f} s per point)", highlight=False)
        for rng in COVERAGE_RANGES_KM:
            walls: dict[int, list[float]] = {b: [] for b in COVERAGE_BUDGETS}
            cpus: dict[int, list[float]] = {b: [] for b in COVERAGE_BUDGETS}
            solved = {}
            for _ in range(repeat):
                net._prepared.clear()  # the range's cover sets are rebuilt by its first budget
                for budget in COVERAGE_BUDGETS:
                    c0, t0 = time.process_time(), time.perf_counter()
                    solved[budget] = net.solve(range_m=rng * 1000.0, budget=budget)
                    walls[budget].append(time.perf_counter() - t0)
                    cpus[budget].append(time.process_time() - c0)
            for budget in COVERAGE_BUDGETS:
                _, cov, res = solved[budget]
                solve = _median(walls[budget])
                ours = solve + prep / points
                runs = []
                for _ in range(cbc_repeat):
                    c0 = _cpu()
                    mip = solve_plain_mip(H, flows, range_m=rng * 1000.0, budget=budget,
                                          trip="round", time_limit_s=cbc_limit_s)
                    runs.append((mip.build_s + mip.solve_s, _cpu() - c0, mip))
                runs.sort(key=lambda r: r[0])
                cbc, cbc_cpu, mip = runs[len(runs) // 2]
                where = f"{cid} range {rng:g} km budget {budget}"
                if res.status != "optimal":
                    raise SystemExit(f"{where}: evcorridor did not prove its optimum")
                if mip.proven and mip.objective != cov.covered_flow:
                    raise SystemExit(f"{where}: evcorridor covers {cov.covered_flow:g}, CBC "
                                     f"{mip.objective:g}")
                if not mip.proven and mip.objective > cov.covered_flow:
                    raise SystemExit(f"{where}: CBC's best set (time limit) covers "
                                     f"{mip.objective:g}, more than evcorridor's optimum "
                                     f"{cov.covered_flow:g}")
                ge = "" if mip.proven else ">="
                lower += not mip.proven
                total_ours += solve
                total_cbc += cbc
                ratios.append(cbc / ours)
                cbc_cov = f"{mip.objective:g}" + ("" if mip.proven else " (time limit)")
                t.add_row(cid, str(H.number_of_nodes()), str(len(flows)), f"{rng:g}",
                          str(budget), f"{cov.covered_flow:g} ({res.status})", cbc_cov,
                          f"{ours:.3f} ({solve:.3f} + {prep / points:.3f}) "
                          f"[{_median(cpus[budget]):.3f}]", res.name,
                          f"{ge}{cbc:.2f} ({mip.build_s:.2f} + {mip.solve_s:.2f}) "
                          f"[{cbc_cpu:.2f}]", f"{ge}{cbc / ours:.1f}x")
                con.print(f"  {where}: evcorridor {ours:.3f} s ({res.name}, CPU "
                          f"{_median(cpus[budget]):.3f} s), CBC {ge}{cbc:.2f} s (CPU "
                          f"{cbc_cpu:.2f} s): {ge}{cbc / ours:.1f}x", highlight=False)
    con.print(t)
    if ratios:
        geo = 1.0
        for r in ratios:
            geo *= r
        geo **= 1.0 / len(ratios)
        note = (f"; CBC stopped at its time limit ({cbc_limit_s:g} s) at {lower} point(s): "
                "there its time and the ratio are lower bounds" if lower else "")
        con.print(f"coverage: evcorridor {total_ours:.2f} s in all (trips included), CBC "
                  f"{total_cbc:.1f} s: {total_cbc / total_ours:.1f}x in total; per point "
                  f"{min(ratios):.1f}x to {max(ratios):.1f}x (geometric mean {geo:.1f}x); goal "
                  f">= 10x; points under 10x: {sum(1 for r in ratios if r < 10)} of "
                  f"{len(ratios)}{note}")


def cli_bench(con: Console, repeat: int = 3) -> None:
    """Each command of CLI_TIMINGS in a fresh interpreter, `repeat` times (the sub-second
    commands at least 11 times): the median wall and CPU time with the fastest and slowest
    wall time, the largest peak memory, and the median against its goal (issue 12), all
    measured in this same run. One run of a command on a shared virtual machine can be a third
    slower or faster than the next; the median of several is the figure to compare."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for label, argv, goal in CLI_TIMINGS:
            plans = sorted(str(p) for p in out.glob("*/plan.json"))
            args: list[str] = []
            for a in argv:
                args += plans if a == "{plans}" else [a.replace("{out}", str(out))]
            runs = [timed(args) for _ in range(max(repeat, 11) if 0 < goal <= 0.3 else repeat)]
            walls = sorted(r[0] for r in runs)
            wall, cpu = _median(walls), _median([r[3] for r in runs])
            rss, code = max(r[1] for r in runs), max(r[2] for r in runs)
            spread = (f" (median of {len(runs)}: {walls[0]:.2f}-{walls[-1]:.2f} s)"
                      if len(runs) > 1 else "")
            line = (f"evcorridor {label}: {wall:.2f} s wall{spread}, {cpu:.2f} s CPU, peak "
                    f"memory {rss:.0f} MB (exit {code})")
            if goal:
                line += f"; goal < {goal:g} s wall: {wall / goal:.2f} x the goal"
            if label.startswith("plan --all"):
                line += (f"; memory goal < {PLAN_MEMORY_GOAL_MB:g} MB: "
                         f"{rss / PLAN_MEMORY_GOAL_MB:.2f} x the goal")
            con.print(line, highlight=False)


def main(argv: list[str]) -> int:
    run_cli = "--no-cli" not in argv
    sizes = sorted(COVERAGE_NETWORKS)
    opts = {"--repeat": 1.0, "--cbc-repeat": 1.0, "--cbc-limit": 600.0, "--cli-repeat": 3.0}
    if "--nodes" in argv:
        i = argv.index("--nodes")
        sizes = [int(v) for v in argv[i + 1].split(",")]
        argv = argv[:i] + argv[i + 2:]
    for opt in opts:
        if opt in argv:
            i = argv.index(opt)
            opts[opt] = float(argv[i + 1])
            argv = argv[:i] + argv[i + 2:]
    ids = [a for a in argv if not a.startswith("--")] or sorted(c.id for c in list_corridors())
    con = Console(width=132)
    if "--cli-only" in argv:  # the command timings alone (a few minutes, not the whole bench)
        cli_bench(con, int(opts["--cli-repeat"]))
        return 0
    if "--no-coverage" not in argv:
        coverage_bench(con, sizes, repeat=int(opts["--repeat"]),
                       cbc_repeat=int(opts["--cbc-repeat"]), cbc_limit_s=opts["--cbc-limit"])
    if "--no-plan" in argv:
        return 0
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
        cli_bench(con, int(opts["--cli-repeat"]))
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
