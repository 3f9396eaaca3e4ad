"""The checker's own arithmetic and its independence from the solvers.

All graphs here are SYNTHETIC (a few hand-made nodes and edges), built for hand-checkable numbers.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

from evcorridor.check import _Geo, cumulative_m, edge_length_m, leg_length, reach, straight_line_m

REPO = Path(__file__).resolve().parents[1]


def test_check_module_imports_nothing_from_siting() -> None:
    files = sorted(str(f.relative_to(REPO)) for f in (REPO / "evcorridor" / "check").glob("*.py"))
    assert len(files) >= 10  # the rule families of the check package
    for rel in [*files, "evcorridor/cli/check_cmd.py"]:
        tree = ast.parse((REPO / rel).read_text(encoding="utf-8"))
        names: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.extend(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                names.append(node.module or "")
                names.extend(f"{node.module}.{a.name}" for a in node.names)
        assert [n for n in names if "siting" in n] == [], rel
    # and nothing it imports pulls the solvers in either (fresh interpreter)
    code = (
        "import sys, evcorridor.check\n"
        "evcorridor.check._Checker.check_inputs  # touch\n"
        "import evcorridor.profiles, evcorridor.network, evcorridor.plan_model\n"
        "bad = sorted(m for m in sys.modules if m.startswith('evcorridor.siting'))\n"
        "print(','.join(bad))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ""


def _line_graph() -> nx.MultiDiGraph:
    """SYNTHETIC: 1 -> 2 -> 3 with two parallel edges 2 -> 3 (1000 m and 900 m)."""
    G = nx.MultiDiGraph()
    for n in (1, 2, 3):
        G.add_node(n, x=-100.0, y=45.0 + n / 100, country="USA", crossing="")
    G.add_edge(1, 2, length=1500.0)
    G.add_edge(2, 3, length=1000.0)
    G.add_edge(2, 3, length=900.0)
    return G


def test_cumulative_uses_shortest_parallel_edge() -> None:
    G = _line_graph()
    assert edge_length_m(G, 2, 3) == 900.0
    assert edge_length_m(G, 3, 2) is None
    assert cumulative_m(G, [1, 2, 3]) == ([0.0, 1500.0, 2400.0], [])


def test_cumulative_reports_missing_edge_and_node() -> None:
    G = _line_graph()
    assert cumulative_m(G, [1, 3]) == ([], ["no road edge from node 1 to node 3 (step 1 of the "
                                            "route)"])
    assert cumulative_m(G, [1, 2, 99]) == ([], ["1 route node(s) not in the graph: 99"])


def test_straight_line_one_degree_of_latitude() -> None:
    # one degree along a meridian = R * pi / 180 = 111195.08 m for R = 6371009 m
    assert abs(straight_line_m(45.0, -100.0, 46.0, -100.0) - 111195.08) < 0.01


def test_gap_convention_offsets_twice_and_border_wait() -> None:
    # stop at 100 km with a 1 km detour to a stop at 220 km with a 0.5 km detour, border at 150 km
    length, crosses = leg_length(100_000.0, 1000.0, 220_000.0, 500.0, 150_000.0, 15_000.0)
    assert (length, crosses) == (120_000.0 + 1000.0 + 500.0 + 15_000.0, True)
    # a stop exactly at the border node is on the arrival side of the queue
    assert leg_length(100_000.0, 0.0, 150_000.0, 0.0, 150_000.0, 15_000.0) == (65_000.0, True)
    assert leg_length(150_000.0, 0.0, 200_000.0, 0.0, 150_000.0, 15_000.0) == (50_000.0, False)


def test_reach_is_exact_where_farthest_stop_greedy_is_not() -> None:
    """SYNTHETIC route of 300 km (border at 290 km, no wait), range 150 km.
    A at 140 km with a 10 km detour (start -> A = 150 km), B at 135 km at the exit, C at 285 km.
    The farthest-stop greedy goes to A and is stranded (A -> C = 145 + 10 = 155 km, A -> end =
    160 + 10 = 170 km); B -> C = 150 km (exactly the range) and C -> end = 15 km succeed."""
    geo = _Geo(cum=[0.0, 300_000.0], border_pos=290_000.0, start_country="USA",
               end_country="CAN")
    a, b, c = ("A", 140_000.0, 10_000.0), ("B", 135_000.0, 0.0), ("C", 285_000.0, 0.0)
    assert reach(geo, [a, b, c], 0.0, 150_000.0, 150_000.0) is None
    assert reach(geo, [a, c], 0.0, 150_000.0, 150_000.0) == (
        "stranded after A at 140000.0 m of 300000.0 m")
    # one metre less of range and B -> C no longer fits (A is the farthest stop reached)
    assert reach(geo, [a, b, c], 0.0, 150_000.0, 149_999.0) == (
        "stranded after A at 140000.0 m of 300000.0 m")
    assert reach(geo, [("X", 151_000.0, 0.0)], 0.0, 150_000.0, 150_000.0) == (
        "no usable stop is within the start range")
    # a border wait of 20 km inside the last leg: C (285 km) -> end crosses 290 km: 15 + 20 = 35
    assert reach(geo, [b, c], 20_000.0, 150_000.0, 150_000.0) is None
