"""Coverage mode (issue 12): flows with any number of decimals, options that do not apply to a
generic network, the plain-MIP reference reaching the same optimum, and the worked example of
docs/siting.md (comparison with pysal/spopt). All networks and flows here are SYNTHETIC."""

from __future__ import annotations

import itertools
import json
import shutil
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest
from cli_run import run

from evcorridor.errors import InputError
from evcorridor.siting.frlm import Flow, solve_coverage
from evcorridor.siting.frlm_mip import arc_covers, solve_plain_mip

FIXTURES = Path(__file__).parent / "fixtures" / "generic"
EXAMPLE = FIXTURES / "spopt-example"
LINE = FIXTURES / "line"
KM = 1000.0


def grid(n: int, edge_km: float) -> nx.MultiDiGraph:
    """SYNTHETIC n x n grid, every edge `edge_km` long, both directions; ids 1.."""
    g = nx.MultiDiGraph()
    for r, c in itertools.product(range(n), range(n)):
        a = r * n + c + 1
        for b in ([a + 1] if c + 1 < n else []) + ([a + n] if r + 1 < n else []):
            g.add_edge(a, b, length=edge_km * KM)
            g.add_edge(b, a, length=edge_km * KM)
    return g


def test_seven_decimal_flows_are_exact() -> None:
    g = nx.MultiDiGraph()
    for u, v in ((1, 2), (2, 3)):
        g.add_edge(u, v, length=100 * KM)
        g.add_edge(v, u, length=100 * KM)
    flows = [Flow(1, 3, 0.1234567, exact_flow=Decimal("0.1234567")),
             Flow(1, 2, 2.000000001, exact_flow=Decimal("2.000000001"))]
    chosen, cov, res = solve_coverage(g, flows, range_m=150 * KM, budget=1, trip="one-way")
    assert res.status == "optimal" and res.parameters["flow_scale"] == 10**9
    assert chosen == [2]  # 1 -> 3 needs a stop at 2; 1 -> 2 needs none
    assert cov.covered_flow == pytest.approx(2.1234567001)
    assert res.objective == cov.covered_flow


def test_flows_too_precise_for_an_exact_objective_are_refused() -> None:
    g = nx.MultiDiGraph()
    g.add_edge(1, 2, length=KM)
    g.add_edge(2, 1, length=KM)
    flows = [Flow(1, 2, 1e12, exact_flow=Decimal("1000000000000.0000001"))]
    with pytest.raises(InputError, match=r"written with 7 decimals .* more than a 64-bit "
                                         r"objective holds"):
        solve_coverage(g, flows, range_m=10 * KM, budget=1)


def test_worked_example_off_path_site_never_covers(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # O -(200 km)- D, S a spur 100 km from O; range 300 km, round trip O -> D -> O: the vehicle
    # leaves O with 150 km, so it needs a charge at O (full: 300) and at D (200 km back);
    # S, off the path, never helps (spopt's arc test would count it: within 150 km of O)
    def plan(budget: int) -> dict[str, object]:
        out = tmp_path / str(budget)
        code, _, err = run(["plan", "--network", str(EXAMPLE), "--flows",
                            str(EXAMPLE / "flows.csv"), "--objective", "coverage", "--budget",
                            str(budget), "--range-km", "300", "--out", str(out), "--quiet"],
                           capsys)
        assert code == 0, err
        folder = next(out.iterdir())
        return json.loads((folder / "plan.json").read_text())

    one = plan(1)
    assert one["sites"] == [] and one["coverage"]["covered_flow"] == 0.0  # type: ignore[index]
    two = plan(2)
    assert sorted(s["node"] for s in two["sites"]) == [1, 2]  # type: ignore[index]
    assert two["coverage"]["covered_flow"] == 0.1234567  # type: ignore[index]
    assert two["coverage"]["flows"][0]["nodes"] == [1, 2, 1]  # type: ignore[index]
    three = plan(3)
    assert sorted(s["node"] for s in three["sites"]) == [1, 2]  # type: ignore[index]


@pytest.mark.parametrize("extra", [["--workers", "2"], ["--stations", "embedded"],
                                   ["--resilience", "n-1"], ["--min-spacing-km", "3"],
                                   ["--max-offset-km", "1"], ["--all"]])
def test_corridor_options_are_a_usage_error_with_a_network(
        extra: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["plan", "--network", str(LINE), "--flows", str(LINE / "flows.csv"),
                        "--objective", "coverage", "--budget", "1", "--range-km", "250",
                        "--out", str(tmp_path), *extra], capsys)
    assert code == 2
    assert f"error: {extra[0]} does not apply to a generic --network" in err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(("range_km", "budget", "trip"), [(150, 2, "round"), (250, 3, "round"),
                                                          (120, 2, "one-way")])
def test_plain_mip_reaches_the_same_optimum(range_km: float, budget: int, trip: str) -> None:
    g = grid(4, 60.0)
    flows = [Flow(a, b, float(1 + (a * b) % 5)) for a, b in itertools.combinations(g.nodes, 2)]
    chosen, cov, res = solve_coverage(g, flows, range_m=range_km * KM, budget=budget, trip=trip)
    assert res.status == "optimal"
    cbc = solve_plain_mip(g, flows, range_m=range_km * KM, budget=budget, trip=trip)
    highs = solve_plain_mip(g, flows, range_m=range_km * KM, budget=budget, trip=trip,
                            solver="highs")
    assert cbc.proven and cbc.objective == highs.objective == cov.covered_flow
    assert 0 < cov.covered_flow < sum(f.flow for f in flows)
    assert len(chosen) <= budget


def test_arc_cover_sets_of_the_reference_model() -> None:
    # line 1-2-3 (100 km edges), range 150, round trip 1 -> 3 -> 1: positions 0 100 200 300 400,
    # start 75 km: arcs ending at 100 (needs 1), 200 (needs 2), 300 (needs 3), 400 (needs 2)
    g = nx.MultiDiGraph()
    for u, v in ((1, 2), (2, 3)):
        g.add_edge(u, v, length=100 * KM)
        g.add_edge(v, u, length=100 * KM)
    covers = arc_covers(g, [Flow(1, 3, 1.0)], 150 * KM, "round")
    assert covers == [[frozenset({1}), frozenset({2}), frozenset({3}), frozenset({2})]]


def test_check_verifies_flows_against_the_network_and_the_flows_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    net = tmp_path / "net"
    shutil.copytree(EXAMPLE, net)
    out = tmp_path / "out"
    code, _, err = run(["plan", "--network", str(net), "--flows", str(net / "flows.csv"),
                        "--objective", "coverage", "--budget", "2", "--range-km", "300",
                        "--out", str(out), "--quiet"], capsys)
    assert code == 0, err
    plan_file = next(out.iterdir()) / "plan.json"
    code, text, _ = run(["check", str(plan_file), "--input", str(net)], capsys)
    assert code == 0, text
    # a detour through the spur S is not a shortest path (the length in the plan matches it)
    doc = json.loads(plan_file.read_text())
    doc["coverage"]["flows"][0]["nodes"] = [1, 3, 2, 1]
    doc["coverage"]["flows"][0]["length_m"] = 550000.0
    bad = tmp_path / "detour.json"
    bad.write_text(json.dumps(doc))
    code, text, _ = run(["check", str(bad), "--input", str(net)], capsys)
    assert code == 1
    assert ("coverage: flow 1 1 -> 2: the path from node 1 to node 2 is 350000.0 m, not a "
            "shortest path (200000.0 m)") in text
    # the plan loses a flow of the (unchanged) flows file and changes a volume: findings
    doc = json.loads(plan_file.read_text())
    doc["coverage"]["flows"][0]["flow"] = 0.5
    doc["coverage"]["flows"].append({**doc["coverage"]["flows"][0], "origin": "3",
                                     "destination": "2", "flow": 1.0})
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc))
    code, text, _ = run(["check", str(tampered), "--input", str(net)], capsys)
    assert code == 1
    assert "coverage: flow 1 -> 2: volume 0.5 in the plan, 0.1234567 in flows.csv" in text
    assert "coverage: flow 3 -> 2: not a flow of flows.csv" in text
    # a changed flows file is the inputs rule's finding (the plan is stale), not compared
    (net / "flows.csv").write_text("origin,destination,flow\n1,2,0.5\n", encoding="utf-8")
    code, text, _ = run(["check", str(plan_file), "--input", str(net)], capsys)
    assert code == 1
    assert "has changed since the plan was made" in text and "volume" not in text
