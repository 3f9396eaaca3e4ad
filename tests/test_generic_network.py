"""Generic `--network` / `--flows` input and the coverage plan built from it.

Every network here is SYNTHETIC (tests/fixtures/generic says so, the rest is written by the tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from evcorridor.errors import InputError, UsageError
from evcorridor.plan_model import load_plan
from evcorridor.siting.generic import (
    InputProblems,
    network_files,
    network_name,
    plan_generic,
    read_flows,
    read_network,
)

GEN = Path(__file__).parent / "fixtures" / "generic"
LINE = GEN / "line"
BRANCH = GEN / "branch"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def edge_set(g: nx.MultiDiGraph) -> list[tuple[int, int, float]]:
    return sorted((u, v, d["length"]) for u, v, d in g.edges(data=True))


# --- reading networks ---------------------------------------------------------------------------

def test_three_ways_to_name_a_csv_network_give_the_same_graph(tmp_path: Path) -> None:
    by_dir = read_network(LINE)
    by_pair = read_network(f"{LINE / 'nodes.csv'},{LINE / 'edges.csv'}")
    (tmp_path / "line-nodes.csv").write_bytes((LINE / "nodes.csv").read_bytes())
    (tmp_path / "line-edges.csv").write_bytes((LINE / "edges.csv").read_bytes())
    by_sibling = read_network(tmp_path / "line-nodes.csv")
    for g in (by_dir, by_pair, by_sibling):
        assert sorted(g.nodes) == [1, 2, 3, 4, 5]
        assert len(edge_set(g)) == 8  # 4 roads, both directions
        assert edge_set(g)[:2] == [(1, 2, 100000.0), (2, 1, 100000.0)]
    assert by_dir.nodes[3] == {"x": -98.0, "y": 45.0, "country": "USA", "label": "C",
                               "interchange": True, "crossing": ""}
    assert by_dir.graph["crs"] == "EPSG:4326" and by_dir.graph["source"] == "file"
    assert by_dir.graph["corridor"] == "line"
    assert by_sibling.graph["corridor"] == "line"
    assert by_dir.edges[3, 4, 0]["country"] == ""  # USA -> CAN
    assert by_dir.edges[1, 2, 0]["country"] == "USA"


def test_oneway_edges_and_sibling_naming() -> None:
    g = read_network(BRANCH / "branch-nodes.csv")
    assert network_files(BRANCH / "branch-nodes.csv") == (BRANCH / "branch-nodes.csv",
                                                          BRANCH / "branch-edges.csv")
    assert network_name(BRANCH / "branch-nodes.csv") == "branch"
    assert g.number_of_nodes() == 7 and g.number_of_edges() == 12
    assert g.has_edge(12, 15) and g.has_edge(15, 12)
    assert g.edges[12, 15, 0]["length"] == 70000.0 and g.edges[15, 12, 0]["length"] == 120000.0
    assert g.nodes[14]["label"] == "north end" and g.nodes[14]["country"] == ""


def test_graphml_from_osmnx_and_from_networkx(tmp_path: Path) -> None:
    import osmnx as ox

    line = read_network(LINE)
    ox.save_graphml(line, tmp_path / "line.graphml")
    again = read_network(tmp_path / "line.graphml")
    assert edge_set(again) == edge_set(line)
    assert again.nodes[5]["country"] == "CAN" and again.nodes[5]["x"] == -96.0
    und = nx.Graph()
    und.add_edge(1, 2, length=5.0)
    und.add_edge(2, 3, length_m=7)
    for n in und:
        und.nodes[n].update(x=float(n), y=2.0)
    nx.write_graphml(und, tmp_path / "und.graphml")
    assert edge_set(read_network(tmp_path / "und.graphml")) == [
        (1, 2, 5.0), (2, 1, 5.0), (2, 3, 7.0), (3, 2, 7.0)]


def test_bad_graphml(tmp_path: Path) -> None:
    und = nx.Graph()
    und.add_node("a", x=1.0, y=2.0)
    und.add_node(1, x=1.0, y=2.0)
    und.add_node(3, x=1.0, y=2.0)
    und.add_edge(1, 3)
    bad = tmp_path / "bad.graphml"
    nx.write_graphml(und, bad)
    with pytest.raises(InputProblems) as err:
        read_network(bad)
    assert err.value.problems == [
        f"{bad}: node 'a': node ids must be integers",
        f"{bad}: edge 1 -> 3: length: None is not a non-negative number of metres"]
    assert str(err.value) == f"{bad}: node 'a': node ids must be integers (and 1 more problem)"
    broken = write(tmp_path / "broken.graphml", "<graphml><graph>\n<node id='1'>\n</graph>")
    with pytest.raises(InputError, match=r"broken.graphml:3:2: not valid GraphML XML: "
                                         r"mismatched tag"):
        read_network(broken)


def test_every_bad_csv_row_is_reported(tmp_path: Path) -> None:
    nodes = write(tmp_path / "nodes.csv", "id,x,y,country\n1,-100,45,USA\n2,-99,45,usa\n"
                  "x3,-98,45,\n2,-97,45,CAN\n4,200,45,\n5,-96,95,US\n")
    edges = write(tmp_path / "edges.csv", "u,v,length_m,oneway\n1,2,100,\n2,17,100,no\n"
                  "1,1,5,\n1,2,-3,maybe\n1,2\n")
    with pytest.raises(InputProblems) as err:
        read_network(tmp_path)
    assert err.value.problems == [
        f"{nodes}:row 4: id: 'x3' is not an integer node id",
        f"{nodes}:row 5: id: duplicate node id 2 (first at row 3)",
        f"{nodes}:row 6: x: '200' is not a longitude in [-180, 180] (x,y are WGS84 lon/lat "
        "degrees)",
        f"{nodes}:row 7: y: '95' is not a latitude in [-90, 90] (x,y are WGS84 lon/lat degrees)",
        f"{nodes}:row 7: country: 'US' is not an ISO 3166 alpha-3 code",
        f"{edges}:row 3: v: unknown node id '17'; did you mean 1?",
        f"{edges}:row 4: u, v: an edge from node 1 to itself",
        f"{edges}:row 5: length_m: '-3' is not a non-negative number of metres",
        f"{edges}:row 5: oneway: 'maybe' is not true/false",
        f"{edges}:row 6: 2 values, header has 4 columns",
    ]
    assert str(err.value).endswith("(and 9 more problems)")


def test_missing_columns_empty_and_absent_files(tmp_path: Path) -> None:
    nodes = write(tmp_path / "nodes.csv", "# SYNTHETIC\nid,lon,lat\n1,2,3\n")
    write(tmp_path / "edges.csv", "u,v,length_m\n")
    with pytest.raises(InputError) as err:
        read_network(tmp_path)
    assert str(err.value) == f"{nodes}:row 2: missing columns x, y (header has: id, lon, lat)"
    write(tmp_path / "nodes.csv", "id,x,y\n1,2,3\n2,3,4\n")
    with pytest.raises(InputError) as err:
        read_network(tmp_path)
    assert str(err.value) == f"{tmp_path / 'edges.csv'}: no data rows after the header"
    write(tmp_path / "edges.csv", "")
    with pytest.raises(InputError) as err:
        read_network(tmp_path)
    assert str(err.value) == (f"{tmp_path / 'edges.csv'}: empty file (expected a header: "
                              "u,v,length_m; from,to,km; or a square matrix's corner cell and "
                              "node ids)")
    with pytest.raises(InputError) as err:
        read_network(f"{tmp_path / 'nodes.csv'},{tmp_path / 'nope.csv'}")
    assert str(err.value) == f"{tmp_path / 'nope.csv'}: file not found"
    # a CSV without "nodes" in its name is the links alone (a distance matrix or an edge list)
    with pytest.raises(InputError) as err:
        read_network(tmp_path / "roads.csv")
    assert str(err.value) == f"{tmp_path / 'roads.csv'}: file not found"
    with pytest.raises(UsageError) as uerr:
        read_network(f"{tmp_path / 'nodes.csv'},")
    assert str(uerr.value) == (f"--network '{tmp_path / 'nodes.csv'},': give NODES.csv,EDGES.csv "
                               "(two files)")
    with pytest.raises(InputError, match=r"net.json: file not found"):
        read_network(tmp_path / "net.json")


# --- reading flows ------------------------------------------------------------------------------

def test_flows_read_with_exact_values() -> None:
    g = read_network(BRANCH / "branch-nodes.csv")
    flows = read_flows(BRANCH / "branch-flows.csv", g)
    assert [(f.origin, f.destination, f.flow) for f in flows] == [
        (10, 14, 500.0), (10, 16, 300.5), (14, 16, 40.0), (11, 13, 7.0)]
    assert flows[1].where == f"{BRANCH / 'branch-flows.csv'}:row 4"


def test_every_bad_flow_row_is_reported(tmp_path: Path) -> None:
    g = read_network(LINE)
    path = write(tmp_path / "flows.csv", "origin,destination,flow\n1,2,10\n1,2,5\n2,2,1\n"
                 "1,71,1\n1,2x,-1\n2,1,abc\n2,1,-2\n3,4,inf\n")
    with pytest.raises(InputProblems) as err:
        read_flows(path, g)
    assert err.value.problems == [
        f"{path}:row 3: duplicate O-D pair 1 -> 2 (first at row 2)",
        f"{path}:row 4: origin and destination are the same node (2)",
        f"{path}:row 5: destination: unknown node id '71'; did you mean 1?",
        f"{path}:row 6: destination: unknown node id '2x'; did you mean 2?",
        f"{path}:row 6: flow: -1 is negative",
        f"{path}:row 7: flow: 'abc' is not a number",
        f"{path}:row 8: flow: -2 is negative",
        f"{path}:row 9: flow: 'inf' is not a number",
    ]
    with pytest.raises(InputError) as err:
        read_flows(write(tmp_path / "f2.csv", "from,to,flow\n1,2,3\n"), g)
    assert str(err.value) == (f"{tmp_path / 'f2.csv'}:row 1: missing columns origin, destination "
                              "(header has: from, to, flow)")


# --- the plan -----------------------------------------------------------------------------------

def test_plan_generic_round_trip_line(tmp_path: Path) -> None:
    plan, _ = plan_generic(LINE, LINE / "flows.csv", budget=2, trip="round", range_m=250000.0)
    assert [s.id for s in plan.sites] == ["new-b", "new-d"]  # from the node labels
    assert [(s.name, s.country, s.lat, s.lon, s.cost) for s in plan.sites] == [
        ("B", "USA", 45.0, -99.0, 1.0), ("D", "CAN", 45.0, -97.0, 1.0)]
    assert plan.coverage is not None
    assert plan.coverage.covered_flow == 150.0 and plan.coverage.total_flow == 150.0
    assert plan.routes == [] and plan.countries == ["CAN", "USA"] and plan.corridor == "line"
    assert plan.solver.status == "optimal" and plan.solver.wall_time_s is None
    assert plan.parameters["trip"] == "round" and plan.parameters["budget"] == 2
    assert [i.kind for i in plan.inputs] == ["network", "flows"]
    out = tmp_path / "plan.json"
    out.write_text(plan.dump(), encoding="utf-8")
    assert load_plan(out) == plan
    again, _ = plan_generic(LINE, LINE / "flows.csv", budget=2, trip="round", range_m=250000.0)
    assert again.dump() == plan.dump()  # byte-identical


def test_plan_generic_branch_decimal_flows_and_existing() -> None:
    plan, _ = plan_generic(BRANCH / "branch-nodes.csv", BRANCH / "branch-flows.csv", budget=1,
                           trip="one-way", range_m=200000.0)
    assert [s.node for s in plan.sites] == [12]
    assert plan.coverage is not None and plan.coverage.covered_flow == 847.5
    # the way back from 16 uses the one-way 15 -> 12 road (120 km): round trips see it
    plan, _ = plan_generic(BRANCH / "branch-nodes.csv", BRANCH / "branch-flows.csv", budget=1,
                           trip="round", range_m=200000.0, existing=[11, 13])
    assert plan.coverage is not None
    by_od = {(f.origin, f.destination): f for f in plan.coverage.flows}
    assert by_od["10", "16"].length_m == 690000.0
    assert by_od["10", "16"].nodes == [10, 11, 12, 15, 16, 15, 12, 11, 10]
    assert [s.node for s in plan.sites] == [15]
    assert plan.existing.qualified == 2
    assert json.loads(plan.dump())["parameters"]["existing_nodes"] == ["11", "13"]
    assert plan.coverage.covered_flow == 547.0  # 10->14, 14->16, 11->13; 10->16 back is too long


def test_plan_generic_range_or_vehicle() -> None:
    with pytest.raises(UsageError, match=r"^give either a range or a vehicle, not both$"):
        plan_generic(LINE, LINE / "flows.csv", budget=1, range_m=1.0, vehicle="x")
    with pytest.raises(UsageError, match=r"needs a vehicle \(--vehicle ID\) or a range"):
        plan_generic(LINE, LINE / "flows.csv", budget=1)
    with pytest.raises(UsageError, match=r"existing site: unknown node id '9'"):
        plan_generic(LINE, LINE / "flows.csv", budget=1, range_m=1.0, existing=[9])


def test_plan_generic_with_a_shipped_vehicle() -> None:
    from evcorridor.profiles import get_vehicle
    from evcorridor.scenarios import get_scenario

    veh = get_vehicle("ccs1-long-range-car")
    rng = veh.usable_range_m(get_scenario("default").climate)
    plan, _ = plan_generic(LINE, LINE / "flows.csv", budget=1, vehicle="ccs1-long-range-car")
    assert plan.parameters["range_m"] == round(rng, 1)
    assert plan.parameters["vehicle"] == "ccs1-long-range-car"
    assert plan.parameters["climate"] == "mild"
    refs = {i.kind: i for i in plan.inputs}
    assert refs["vehicle"].path == "configs/vehicles/ccs1-long-range-car.yaml"
    assert len(refs["vehicle"].sha256) == 64 and refs["scenario"].id == "default"
    # 250 km < range < 300 km: one site covers the 2 -> 4 round trip only (leaving with < 150)
    assert 250000 < rng < 300000
    assert [s.node for s in plan.sites] == [3] and plan.coverage is not None
    assert plan.coverage.covered_flow == 30.0


# --- through the command line -------------------------------------------------------------------

def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from evcorridor.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_cli_generic_plan_is_checked_and_byte_identical(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    args = ["plan", "--network", str(LINE), "--flows", str(LINE / "flows.csv"),
            "--objective", "coverage", "--budget", "2", "--trip", "round",
            "--vehicle", "ccs1-long-range-car", "--format", "json"]
    code, out, _ = run_cli([*args, "--out", str(tmp_path / "a")], capsys)
    assert code == 0
    assert json.loads(out)["plans"][0]["covered_flow"] == 150.0
    code, _, _ = run_cli([*args, "--out", str(tmp_path / "b")], capsys)
    first = (tmp_path / "a" / "line" / "plan.json").read_bytes()
    assert first == (tmp_path / "b" / "line" / "plan.json").read_bytes()
    code, out, _ = run_cli(["check", str(tmp_path / "a" / "line" / "plan.json"),
                            "--input", str(LINE)], capsys)
    assert code == 0 and "3 flows checked" in out


def test_cli_bad_flows_one_line_error_and_no_output(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "flows.csv", "origin,destination,flow\n1,5,10\n1,9,2\n5,1,-1\n")
    code, _, err = run_cli(["plan", "--network", str(LINE), "--flows", str(bad), "--objective",
                            "coverage", "--budget", "1", "--vehicle", "ccs1-long-range-car",
                            "--out", str(tmp_path / "out")], capsys)
    assert code == 3
    assert err == (f"error: {bad}:row 3: destination: unknown node id '9'; known ids: "
                   "1, 2, 3, 4, 5 (and 1 more problem)\n")
    assert not (tmp_path / "out").exists()
