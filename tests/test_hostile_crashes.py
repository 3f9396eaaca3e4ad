"""Issue 13, class "crashes instead of input errors": values that used to end in exit 70 (an
internal error) are one-line input errors (exit 3), and a GraphML as networkx.write_graphml
writes it (typed attributes) simply works. Networks and flows are SYNTHETIC; the typed GraphML
is the shipped i19-nogales corridor graph written again by networkx.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

from evcorridor.errors import InputError
from evcorridor.network import load_network
from evcorridor.siting.generic import MAX_EDGE_M, read_flows, read_network
from tests.cli_run import run

FIX = Path(__file__).parent / "fixtures"
LINE = FIX / "generic" / "line"
PLAN = FIX / "render" / "plan.json"
README = Path(__file__).resolve().parents[1] / "README.md"


def coverage(net: Path | str, flows: Path | str, out: Path) -> list[str]:
    return ["plan", "--network", str(net), "--flows", str(flows), "--objective", "coverage",
            "--budget", "1", "--range-km", "250", "--out", str(out)]


def line_with_edge(tmp_path: Path, length: str) -> Path:
    net = tmp_path / "net"
    net.mkdir()
    shutil.copy(LINE / "nodes.csv", net / "nodes.csv")
    (net / "edges.csv").write_text(f"u,v,length_m\n1,2,100000\n2,3,{length}\n3,4,100000\n"
                                   "4,5,100000\n", encoding="utf-8")
    return net


@pytest.mark.parametrize("length", ["1e308", "1e400", "4.1e7", "inf", "-0.5"])
def test_absurd_edge_lengths_are_input_errors(tmp_path: Path, length: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    net = line_with_edge(tmp_path, length)
    code, out, err = run(coverage(net, LINE / "flows.csv", tmp_path / "out"), capsys)
    assert (code, out) == (3, "")
    assert err.startswith(f"error: {net / 'edges.csv'}:row 3: length_m: '{length}' ")
    assert err.count("\n") == 1 and "internal error" not in err
    assert not (tmp_path / "out").exists()


def test_an_edge_as_long_as_the_earth_is_the_limit(tmp_path: Path) -> None:
    net = line_with_edge(tmp_path, f"{MAX_EDGE_M:.0f}")
    assert read_network(net).number_of_edges() == 8


def test_graphml_edge_length_1e308(tmp_path: Path) -> None:
    G = nx.DiGraph()
    G.add_node(1, x=-100.0, y=45.0)
    G.add_node(2, x=-99.0, y=45.0)
    G.add_edge(1, 2, length=1e308)
    path = tmp_path / "net.graphml"
    nx.write_graphml(G, path)
    with pytest.raises(InputError, match=r"edge 1 -> 2: length: .*longer than the Earth"):
        read_network(path)


@pytest.mark.parametrize(("flow", "why"), [
    ("1e400", "is over 1000000000000, the largest flow"),
    ("1e300", "is over 1000000000000, the largest flow"),
    ("nan", "is not a number"),
])
def test_absurd_flows_are_input_errors(tmp_path: Path, flow: str, why: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    flows = tmp_path / "flows.csv"
    flows.write_text(f"origin,destination,flow\n1,5,{flow}\n2,4,10\n", encoding="utf-8")
    code, out, err = run(coverage(LINE, flows, tmp_path / "out"), capsys)
    assert (code, out) == (3, "")
    assert err.startswith(f"error: {flows}:row 2: flow: ") and why in err
    assert err.count("\n") == 1


def test_flows_adding_up_past_the_limit(tmp_path: Path) -> None:
    flows = tmp_path / "flows.csv"
    flows.write_text("origin,destination,flow\n1,5,9e11\n5,1,9e11\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"the flows add up to 1\.8e\+12, over 1000000000000"):
        read_flows(flows, read_network(LINE))


def test_a_node_id_of_ten_thousand_digits(tmp_path: Path) -> None:
    flows = tmp_path / "flows.csv"
    flows.write_text("origin,destination,flow\n" + "9" * 10_000 + ",5,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2: origin: unknown node id"):
        read_flows(flows, read_network(LINE))


@pytest.mark.parametrize(("token", "why"), [
    ("NaN", "NaN is not a JSON number"),
    ("Infinity", "Infinity is not a JSON number"),
    ("-Infinity", "-Infinity is not a JSON number"),
    ("1e400", "Input should be a finite number"),
])
def test_non_finite_numbers_in_a_plan_are_refused_by_map_and_report(
        tmp_path: Path, token: str, why: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = PLAN.read_text(encoding="utf-8")
    raw = json.loads(text)
    first = raw["sites"][0]["lat"]
    bad = tmp_path / "plan.json"
    bad.write_text(re.sub(rf'"lat": {re.escape(json.dumps(first))}', f'"lat": {token}', text,
                          count=1), encoding="utf-8")
    assert token in bad.read_text(encoding="utf-8")
    for argv in (["map", str(bad), "--out", str(tmp_path / "m")],
                 ["report", str(bad), "--out", str(tmp_path / "r")],
                 ["check", str(bad)]):
        code, _, err = run(argv, capsys)
        assert code == 3, (argv, err)
        assert why in err and err.count("\n") == 1 and "internal error" not in err
    assert not (tmp_path / "m").exists() and not (tmp_path / "r").exists()


def test_typed_graphml_from_networkx_works_for_network_pull_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    G = load_network("i19-nogales", source="embedded")
    typed = nx.MultiDiGraph()
    typed.graph.update(G.graph)
    typed.add_nodes_from(G.nodes(data=True))
    typed.add_edges_from(G.edges(keys=True, data=True))
    path = tmp_path / "i19.graphml"
    nx.write_graphml(typed, path)  # attr.type double / boolean / string
    assert 'attr.type="double"' in path.read_text(encoding="utf-8")
    assert 'attr.type="boolean"' in path.read_text(encoding="utf-8")
    # (the pull is recorded in the test's private cache folder: tests/conftest.py)
    code, _, err = run(["network", "pull", "i19-nogales", "--source", "file", "--path",
                        str(path), "--format", "json"], capsys)
    assert code == 0, err
    loaded = load_network("i19-nogales", source="file", path=path)
    assert loaded.number_of_nodes() == G.number_of_nodes()
    assert loaded.number_of_edges() == G.number_of_edges()
    for u, v, k, d in G.edges(keys=True, data=True):
        got = loaded.edges[u, v, k]
        assert got["length"] == pytest.approx(d["length"]) and got["synthetic"] is d["synthetic"]
    for n, d in G.nodes(data=True):
        assert loaded.nodes[n]["interchange"] is d["interchange"]


def test_typed_graphml_works_as_a_generic_network(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    G = nx.MultiDiGraph(read_network(LINE))
    G.graph = {k: v for k, v in G.graph.items() if v is not None}  # GraphML has no null
    path = tmp_path / "line.graphml"
    nx.write_graphml(G, path)
    assert 'attr.type="double"' in path.read_text(encoding="utf-8")
    code, _, err = run([*coverage(path, LINE / "flows.csv", tmp_path / "out"), "--quiet"],
                       capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "line" / "plan.json").is_file()


def test_readme_documents_every_exit_code_including_70() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    codes = {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}
    assert codes >= {0, 1, 2, 3, 4, 5, 70}
    assert "please report" in table
