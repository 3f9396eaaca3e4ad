"""`plan --network MATRIX.csv`: a distance matrix as the network (issue 12, coverage mode for
researchers), nodes without coordinates, and `check` re-reading the matrix on its own.

Every network here is SYNTHETIC (hand-checkable numbers, not real roads or traffic). The line
network is the one of tests/fixtures/generic/line (nodes 1-2-3-4-5, 100 km apart; flows 1->5:
100, 2->4: 30, 1->3: 20): with a 250 km range on round trips one site at 3 covers 2->4 (30).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from evcorridor.errors import InputError
from evcorridor.plan_model import load_plan
from evcorridor.siting.generic import (
    MAX_MATRIX_NODES,
    InputProblems,
    plan_generic,
    read_network,
)

LINE = Path(__file__).parent / "fixtures" / "generic" / "line"
FLOWS = LINE / "flows.csv"

#: the line as a square link matrix, upper triangle only (a pair given once is a road both ways)
SQUARE_LINE = ("# SYNTHETIC link matrix (km)\n"
               ",1,2,3,4,5\n"
               "1,0,100,,,\n"
               "2,,0,100,-,\n"
               "3,,,0,100,inf\n"
               "4,,,,0,100\n"
               "5,,,,,0\n")
LONG_LINE = "# SYNTHETIC links (km)\nfrom,to,km\n1,2,100\n2,3,100\n3,4,100\n5,4,100\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def summary(plan: object) -> tuple[list[int], list[tuple[str, str, bool, float, list[int]]]]:
    cov = plan.coverage  # type: ignore[attr-defined]
    return ([s.node for s in plan.sites],  # type: ignore[attr-defined]
            [(f.origin, f.destination, f.covered, f.length_m, f.nodes) for f in cov.flows])


@pytest.mark.parametrize("text", [SQUARE_LINE, LONG_LINE], ids=["square", "long"])
def test_matrix_plans_like_the_edge_list(tmp_path: Path, text: str) -> None:
    matrix = write(tmp_path / "line-km.csv", text)
    g = read_network(matrix)
    assert sorted(g.nodes) == [1, 2, 3, 4, 5]
    assert all("x" not in d and "y" not in d for _, d in g.nodes(data=True))
    assert sorted((u, v, d["length"]) for u, v, d in g.edges(data=True)) == [
        (1, 2, 100_000.0), (2, 1, 100_000.0), (2, 3, 100_000.0), (3, 2, 100_000.0),
        (3, 4, 100_000.0), (4, 3, 100_000.0), (4, 5, 100_000.0), (5, 4, 100_000.0)]
    plan, _ = plan_generic(matrix, FLOWS, budget=1, range_m=250_000.0)
    ref, _ = plan_generic(LINE, FLOWS, budget=1, range_m=250_000.0)
    assert summary(plan) == summary(ref)
    assert summary(plan)[0] == [3]
    assert plan.coverage.covered_flow == 30.0
    (site,) = plan.sites
    assert site.lat is None and site.lon is None and site.name == "node 3"
    assert plan.parameters["network_links"] == ("matrix-square" if text is SQUARE_LINE
                                                else "matrix-long")
    assert plan.parameters["asymmetric_pairs"] == 0
    assert plan.parameters["complete_matrix"] is False


def asymmetric(tmp_path: Path) -> tuple[Path, Path]:
    """SYNTHETIC: 1 - 2 - 3, 100 km each way except 3 -> 2, 160 km (the way back is longer);
    1 and 3 not linked. One flow 1 -> 3 of 10."""
    matrix = write(tmp_path / "asym.csv", "# SYNTHETIC\nfrom\\to,1,2,3\n1,0,100,\n2,100,0,100\n"
                                          "3,,160,0\n")
    flows = write(tmp_path / "asym-flows.csv", "origin,destination,flow\n1,3,10\n")
    return matrix, flows


def test_asymmetric_matrix_keeps_each_direction(tmp_path: Path) -> None:
    matrix, flows = asymmetric(tmp_path)
    # range 250 km, round trip: leave 1 with 125 km; 1 -> 2 -> 3 is 200 km, 3 -> 2 -> 1 is 260.
    # A site at 2 alone: charge to 250 at 2, reach 3 with 150, short of the 160 km back to 2.
    one, _ = plan_generic(matrix, flows, budget=1, range_m=250_000.0)
    assert one.parameters["asymmetric_pairs"] == 1
    (flow,) = one.coverage.flows
    assert flow.nodes == [1, 2, 3, 2, 1] and flow.length_m == 460_000.0
    assert not flow.covered and one.coverage.covered_flow == 0.0
    # with 2 and 3 the vehicle recharges at 3 for the long way back
    two, _ = plan_generic(matrix, flows, budget=2, range_m=250_000.0)
    assert [s.node for s in two.sites] == [2, 3] and two.coverage.covered_flow == 10.0
    # the same matrix made symmetric (3 -> 2 is 100 km): the site at 2 alone covers it
    sym = write(tmp_path / "sym.csv", ",1,2,3\n1,0,100,\n2,100,0,100\n3,,100,0\n")
    plan, _ = plan_generic(sym, flows, budget=1, range_m=250_000.0)
    assert [s.node for s in plan.sites] == [2] and plan.coverage.covered_flow == 10.0
    assert plan.parameters["asymmetric_pairs"] == 0


def test_complete_matrix_drives_direct_links(tmp_path: Path) -> None:
    """A full matrix of shortest distances links every pair: the trip 1 -> 3 is its one direct
    link (fewest edges among equal lengths), so node 2 is not on it."""
    matrix = write(tmp_path / "full.csv", ",1,2,3\n1,0,100,200\n2,100,0,100\n3,200,100,0\n")
    flows = write(tmp_path / "f.csv", "origin,destination,flow\n1,3,10\n")
    plan, _ = plan_generic(matrix, flows, budget=1, range_m=250_000.0)
    assert plan.parameters["complete_matrix"] is True
    (flow,) = plan.coverage.flows
    assert flow.nodes == [1, 3, 1] and flow.length_m == 400_000.0
    # 125 km at the start never reaches 3 (200 km) with one site, whichever it is
    assert plan.coverage.covered_flow == 0.0


def test_nodes_file_with_matrix_and_optional_coordinates(tmp_path: Path) -> None:
    nodes = write(tmp_path / "nodes.csv", "# SYNTHETIC\nid,x,y,label\n1,-100,45,A\n2,-99,45,B\n"
                                          "3,,,C\n4,-97,45,D\n5,-96,45,E\n")
    matrix = write(tmp_path / "km.csv", SQUARE_LINE)
    g = read_network(f"{nodes},{matrix}")
    assert g.nodes[3].get("x") is None and g.nodes[2]["x"] == -99.0
    plan, _ = plan_generic(f"{nodes},{matrix}", FLOWS, budget=1, range_m=250_000.0)
    (site,) = plan.sites
    assert (site.node, site.name, site.lat, site.lon) == (3, "C", None, None)
    # no coordinate columns at all: nodes without coordinates, labels kept
    bare = write(tmp_path / "bare-nodes.csv", "id,label\n1,A\n2,B\n3,C\n4,D\n5,E\n")
    g2 = read_network(f"{bare},{matrix}")
    assert [g2.nodes[n]["label"] for n in sorted(g2.nodes)] == ["A", "B", "C", "D", "E"]


def test_matrix_errors_name_file_row_and_field(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", ",1,2,3\n1,0,abc,\n2,5,7,0\n3,-4,,0\n9,,,\n3,,,0\n2,1\n")
    with pytest.raises(InputProblems) as err:
        read_network(bad)
    assert err.value.problems == [
        f"{bad}:row 2: column 3 (to node 2): 'abc' is not a non-negative number of km",
        f"{bad}:row 3: column 3 (to node 2): '7' on the diagonal; a node is 0 km from itself "
        "(0 or empty)",
        f"{bad}:row 3: column 4 (to node 3): 0 km between two different nodes (leave the cell "
        "empty for no direct link; merge the nodes if they are one place)",
        f"{bad}:row 4: column 2 (to node 1): '-4' is not a non-negative number of km",
        f"{bad}:row 5: column 1: row id '9' is not one of the header's node ids",
        f"{bad}:row 6: column 1: node 3 has a second row (first at row 4)",
        f"{bad}:row 7: 2 values, header has 4 columns",
    ]
    cols = write(tmp_path / "cols.csv", "id,1,x,1\n1,0,1,1\n")
    with pytest.raises(InputProblems) as err:
        read_network(cols)
    assert err.value.problems == [f"{cols}:header: column 3: 'x' is not an integer node id",
                                  f"{cols}:header: column 4: node 1 repeated (first in column 2)"]
    short = write(tmp_path / "short.csv", ",1,2\n1,0,5\n")
    with pytest.raises(InputProblems, match=r"short.csv: node 2 has a column but no row"):
        read_network(short)
    longf = write(tmp_path / "long.csv", "from,to,km\n1,2,5\n1,2,6\n2,2,1\n2,x,3\n3,4,\n5,6,0\n")
    with pytest.raises(InputProblems) as err:
        read_network(longf)
    assert err.value.problems == [
        f"{longf}:row 3: from, to: link 1 -> 2 listed twice (first at row 2)",
        f"{longf}:row 4: from, to: a link from node 2 to itself",
        f"{longf}:row 5: to: 'x' is not an integer node id",
        f"{longf}:row 6: km: empty; list only the links (a pair without a direct road is left "
        "out)",
        f"{longf}:row 7: km: 0 km between two different nodes (leave the cell empty for no "
        "direct link; merge the nodes if they are one place)",
    ]
    # with a nodes file, a matrix id must be one of its nodes
    nodes = write(tmp_path / "nodes.csv", "id\n1\n2\n")
    with pytest.raises(InputProblems) as err:
        read_network(f"{nodes},{write(tmp_path / 'm.csv', 'from,to,km' + chr(10) + '1,3,5')}")
    assert err.value.problems == [f"{tmp_path / 'm.csv'}:row 2: to: unknown node id '3'; "
                                  "known ids: 1, 2"]
    one = write(tmp_path / "one.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match=r"one.csv: header: not a network links file \(header "
                                         r"has: a, b\); give u,v,length_m"):
        read_network(one)
    empty = write(tmp_path / "empty.csv", "# nothing\n")
    with pytest.raises(InputError) as ierr:
        read_network(empty)
    assert str(ierr.value) == (f"{empty}: empty file (expected a header: u,v,length_m; "
                               "from,to,km; or a square matrix's corner cell and node ids)")


def test_matrix_size_limit(tmp_path: Path) -> None:
    n = MAX_MATRIX_NODES + 1
    wide = write(tmp_path / "wide.csv", "," + ",".join(str(i) for i in range(1, n + 1)) + "\n")
    with pytest.raises(InputError) as err:
        read_network(wide)
    assert str(err.value) == (f"{wide}: header: {n} node columns, more than the "
                              f"{MAX_MATRIX_NODES} a distance matrix may have")
    rows = "".join(f"{i},{i + 1},1\n" for i in range(1, n + 1))
    longf = write(tmp_path / "many.csv", "from,to,km\n" + rows)
    with pytest.raises(InputProblems) as perr:
        read_network(longf)
    assert str(perr.value) == (
        f"{longf}:row {MAX_MATRIX_NODES + 1}: to: node {MAX_MATRIX_NODES + 1} is one more than "
        f"the {MAX_MATRIX_NODES} nodes a distance matrix may have (and 2 more problems)")


def test_coordinate_columns_both_or_neither(tmp_path: Path) -> None:
    edges = write(tmp_path / "edges.csv", "u,v,length_m\n1,2,5\n")
    write(tmp_path / "nodes.csv", "id,x\n1,2\n2,3\n")
    with pytest.raises(InputError) as err:
        read_network(tmp_path)
    assert str(err.value) == f"{tmp_path / 'nodes.csv'}:row 1: missing column y (header has: id, x)"
    write(tmp_path / "nodes.csv", "id,x,y\n1,2,\n2,3,4\n")
    with pytest.raises(InputProblems) as perr:
        read_network(tmp_path)
    assert perr.value.problems == [f"{tmp_path / 'nodes.csv'}:row 2: y: '' is not a latitude in "
                                   "[-90, 90] (x,y are WGS84 lon/lat degrees)",
                                   f"{edges}:row 2: u: unknown node id '1'; known ids: 2"]


def test_cli_matrix_plan_check_and_map(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    matrix, flows = asymmetric(tmp_path)
    out = tmp_path / "out"
    code, text, err = run(["plan", "--network", str(matrix), "--flows", str(flows),
                           "--objective", "coverage", "--budget", "2", "--range-km", "250",
                           "--format", "json", "--out", str(out)], capsys)
    assert code == 0, err
    assert json.loads(text)["plans"][0]["covered_flow"] == 10.0
    folder = out / "asym"
    geo = json.loads((folder / "sites.geojson").read_text(encoding="utf-8"))
    assert [f["geometry"] for f in geo["features"]] == [None, None]
    assert [f["properties"]["node"] for f in geo["features"]] == [2, 3]
    assert (folder / "sites.csv").read_text(encoding="utf-8").splitlines()[1].startswith(
        "new-node-2,asym,new,node 2,,,,")
    code, text, _ = run(["check", str(folder / "plan.json"), "--input", str(tmp_path)], capsys)
    assert code == 0, text
    # check re-reads the matrix: a way back through the short direction is not in the network
    data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    data["coverage"]["flows"][0]["length_m"] = 400_000.0
    (folder / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    code, text, _ = run(["check", str(folder / "plan.json"), "--input", str(tmp_path)], capsys)
    assert code == 1 and "length 400000.0 m in the plan, 460000.0 m recomputed" in text
    # a map of a network without any coordinates is skipped with a note; the strip is drawn
    (folder / "plan.json").write_text(json.dumps({**data, "coverage": {
        **data["coverage"], "flows": [{**data["coverage"]["flows"][0], "length_m": 460_000.0}]}}),
        encoding="utf-8")
    note = (f"{folder / 'plan.json'}: map not drawn: no node of the network has coordinates (a "
            "distance matrix); give a nodes file with x,y (--network NODES.csv,MATRIX.csv) to "
            "map it")
    code, text, err = run(["map", str(folder / "plan.json"), "--png", "--strip"], capsys)
    assert code == 0 and err == f"note: {note}\n"
    assert text == f"wrote {folder / 'strip.png'}\n" and not (folder / "map.png").exists()
    # the report says so under Pictures, and lists the sites with unknown coordinates
    code, _, err = run(["report", str(folder / "plan.json"), "--out", str(tmp_path / "rep")],
                       capsys)
    assert code == 0, err
    report = (tmp_path / "rep" / "asym" / "report.md").read_text(encoding="utf-8")
    assert "Note: map not drawn: no node of the network has coordinates" in report
    assert "| new-node-2 | new | node 2 | — | — |" in report
    assert not (tmp_path / "rep" / "asym" / "map.png").exists()
    # credits: the user's network, not the shipped roads and stations it does not use
    assert "Network: asym (the file given with --network). Boundaries: Natural Earth." in report
    assert "Roads: Travel Mapping" not in report and "AFDC" not in report


def test_cli_complete_matrix_note_and_bad_matrix(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    matrix = write(tmp_path / "full.csv", ",1,2,3\n1,0,100,200\n2,100,0,100\n3,200,100,0\n")
    flows = write(tmp_path / "f.csv", "origin,destination,flow\n1,3,10\n")
    base = ["--flows", str(flows), "--objective", "coverage", "--budget", "1", "--range-km",
            "250", "--quiet", "--out", str(tmp_path / "out")]
    code, _, err = run(["plan", "--network", str(matrix), *base], capsys)
    assert code == 0
    assert err.startswith("full: note: the distance matrix links every pair of nodes")
    plan_path = tmp_path / "out" / "full" / "plan.json"
    code, text, _ = run(["check", str(plan_path), "--input", str(tmp_path)], capsys)
    assert code == 0, text
    data = json.loads(plan_path.read_text(encoding="utf-8"))
    data["parameters"].update(complete_matrix=False, asymmetric_pairs=2)
    plan_path.write_text(json.dumps(data), encoding="utf-8")
    code, text, _ = run(["check", str(plan_path), "--input", str(tmp_path)], capsys)
    assert code == 1
    assert "asymmetric_pairs 2 in the plan, the matrix has 0" in text
    assert "complete_matrix False in the plan, the matrix links every pair of nodes" in text
    bad = write(tmp_path / "bad.csv", ",1,2\n1,0,x\n2,1,0\n")
    code, out, err = run(["plan", "--network", str(bad), *base], capsys)
    assert code == 3 and out == ""
    assert err == (f"error: {bad}:row 2: column 3 (to node 2): 'x' is not a non-negative number "
                   "of km\n")
    assert not (tmp_path / "out" / "bad").exists()


def test_map_leaves_out_nodes_without_coordinates(tmp_path: Path) -> None:
    from evcorridor.render.geodata import gather
    from evcorridor.render.static_map import summary_text

    nodes = write(tmp_path / "nodes.csv", "id,x,y\n1,-100,45\n2,-99,45\n3,,\n4,-97,45\n5,-96,45\n")
    matrix = write(tmp_path / "km.csv", SQUARE_LINE)
    net = f"{nodes},{matrix}"
    plan, _ = plan_generic(net, FLOWS, budget=1, range_m=250_000.0)
    data = gather(plan, read_network(net), None)
    assert data.notes == ["Not drawn (no coordinates): 1 of 5 network node(s), 1 of 1 site(s)"]
    # the roads 1-2 and 4-5 are drawn; 2-3 and 3-4 have an end without coordinates
    assert data.roads == {"?": [((-100.0, 45.0), (-99.0, 45.0)), ((-97.0, 45.0), (-96.0, 45.0))]}
    assert summary_text(data).endswith(data.notes[0])
    plan_loaded = load_plan  # the plan round-trips with null coordinates
    path = tmp_path / "plan.json"
    path.write_text(plan.dump(), encoding="utf-8")
    assert plan_loaded(path).sites[0].lat is None


@pytest.mark.parametrize(("cell", "why"), [
    ("1e308", "'1e308' km is longer than the Earth's circumference"),
    ("1e400", "'1e400' is not a non-negative number of km"),
    ("nan", "'nan' is not a non-negative number of km"),
    ("-0.5", "'-0.5' is not a non-negative number of km"),
    ("1e-400", "0 km between two different nodes"),
])
def test_absurd_matrix_cells_are_input_errors(tmp_path: Path, cell: str, why: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    matrix = write(tmp_path / "m.csv", f",1,2,3\n1,0,100,\n2,100,0,{cell}\n3,,100,0\n")
    flows = write(tmp_path / "f.csv", "origin,destination,flow\n1,3,1\n")
    code, out, err = run(["plan", "--network", str(matrix), "--flows", str(flows),
                          "--objective", "coverage", "--budget", "1", "--range-km", "250",
                          "--out", str(tmp_path / "out")], capsys)
    assert (code, out) == (3, "")
    assert err.startswith(f"error: {matrix}:row 3: column 4 (to node 3): {why}")
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()


_CELLS = st.sampled_from(["", "0", "1", "100", "-", "inf", "x", "-3", "1e999", "nan", '"',
                          "2.5", " 7 ", "0x10", "1,2", "\u00e9", "\x00"])


@given(header=st.lists(st.sampled_from(["", "1", "2", "3", "x", "1 ", "-1", "from", "to",
                                        "km", "u"]), min_size=0, max_size=5),
       rows=st.lists(st.lists(_CELLS, min_size=0, max_size=5), max_size=5))
@hsettings(max_examples=150, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_matrix_is_read_or_refused_in_one_line(tmp_path: Path, header: list[str],
                                                   rows: list[list[str]]) -> None:
    """Whatever the cells, reading a matrix ends in a graph or an InputError, never another
    exception (the CLI turns an InputError into one line and exit 3)."""
    text = ",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8")
    try:
        g = read_network(path)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(d["length"] > 0 for _, _, d in g.edges(data=True))


def test_header_with_a_quoted_newline_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "nl.csv", '"a\nb",c\n1,2\n')
    with pytest.raises(InputError) as err:
        read_network(path)
    assert str(err.value).startswith(f"{path}: header: not a network links file (header has: "
                                     "a\\nb, c)")


def grid(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """SYNTHETIC 3 x 4 grid (nodes 1..12 row by row), horizontal links 80 km, vertical 110 km,
    as nodes/edges, a square matrix (both triangles) and a long matrix (one row per link); flows
    between every pair i < j of weight i * j (a solver test, not traffic)."""
    links: dict[tuple[int, int], int] = {}
    for r in range(3):
        for c in range(4):
            n = 4 * r + c + 1
            if c < 3:
                links[(n, n + 1)] = 80
            if r < 2:
                links[(n, n + 4)] = 110
    folder = tmp_path / "grid"
    folder.mkdir()
    write(folder / "nodes.csv", "id,x,y\n" + "".join(
        f"{n},{-100 + (n - 1) % 4},{45 - (n - 1) // 4}\n" for n in range(1, 13)))
    write(folder / "edges.csv", "u,v,length_m\n" + "".join(
        f"{u},{v},{km * 1000}\n" for (u, v), km in links.items()))
    km = {**links, **{(v, u): d for (u, v), d in links.items()}}
    square = write(tmp_path / "grid-square.csv", "," + ",".join(map(str, range(1, 13))) + "\n"
                   + "".join(f"{u}," + ",".join("0" if u == v else str(km.get((u, v), ""))
                                                 for v in range(1, 13)) + "\n"
                             for u in range(1, 13)))
    long = write(tmp_path / "grid-long.csv", "from,to,km\n" + "".join(
        f"{u},{v},{d}\n" for (u, v), d in links.items()))
    flows = write(tmp_path / "grid-flows.csv", "origin,destination,flow\n" + "".join(
        f"{i},{j},{i * j}\n" for i in range(1, 13) for j in range(i + 1, 13)))
    return folder, square, long, flows


@pytest.mark.parametrize(("range_km", "budget"), [(200, 2), (250, 3), (300, 2)])
def test_grid_matrix_formats_agree_with_each_other_and_the_plain_mip(
        tmp_path: Path, range_km: int, budget: int) -> None:
    from evcorridor.siting.frlm_mip import solve_plain_mip
    from evcorridor.siting.generic import read_flows

    folder, square, long, flows = grid(tmp_path)
    plans = [plan_generic(net, flows, budget=budget, range_m=range_km * 1000.0)[0]
             for net in (folder, square, long)]
    assert summary(plans[0]) == summary(plans[1]) == summary(plans[2])
    g = read_network(square)
    mip = solve_plain_mip(g, read_flows(flows, g), range_m=range_km * 1000.0, budget=budget)
    assert plans[1].coverage.covered_flow == pytest.approx(mip.objective, abs=1e-9)
    assert 0 < plans[1].coverage.covered_flow < plans[1].coverage.total_flow == 2_717.0


def test_graphml_nodes_without_coordinates(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import networkx as nx

    G = nx.Graph()  # SYNTHETIC: the line 1-2-3-4-5, 100 km links, node 3 without x/y
    for n in (1, 2, 4, 5):
        G.add_node(n, x=-101.0 + n, y=45.0)
    G.add_node(3)
    for n in range(1, 5):
        G.add_edge(n, n + 1, length=100_000.0)
    path = tmp_path / "line.graphml"
    nx.write_graphml(G, path)
    out = tmp_path / "out"
    code, _, err = run(["plan", "--network", str(path), "--flows", str(FLOWS), "--objective",
                        "coverage", "--budget", "1", "--range-km", "250", "--quiet", "--out",
                        str(out)], capsys)
    assert code == 0, err
    (site,) = load_plan(out / "line" / "plan.json").sites
    assert (site.node, site.lat, site.lon) == (3, None, None)
    code, text, _ = run(["check", str(out / "line" / "plan.json"), "--input", str(tmp_path),
                         "--input", str(LINE)], capsys)
    assert code == 0, text
    # a site given coordinates its node does not have is a finding
    data = json.loads((out / "line" / "plan.json").read_text(encoding="utf-8"))
    data["sites"][0].update(lat=45.0, lon=-98.0)
    (out / "line" / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    code, text, _ = run(["check", str(out / "line" / "plan.json"), "--input", str(tmp_path),
                         "--input", str(LINE)], capsys)
    assert code == 1 and "(45.000000, -98.000000), but its node 3 has no coordinates" in text
