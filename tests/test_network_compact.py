"""The compact network format: the embedded source reads it, and it gives exactly the graph the
GraphML gives (node for node, edge for edge, same attribute types), in deterministic bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from evcorridor.errors import InputError
from evcorridor.network import compact, embedded_path, load_network
from evcorridor.network.graph import read_graphml

REPO = Path(__file__).resolve().parents[1]
CORRIDOR_IDS = sorted(p.stem for p in (REPO / "configs" / "corridors").glob("*.yaml"))


def typed(G: nx.MultiDiGraph) -> tuple[list[Any], list[Any], list[Any]]:
    """Nodes, edges and graph attributes with each value's type, in the graph's order."""
    nodes = [(n, type(n).__name__, sorted((k, v, type(v).__name__) for k, v in d.items()))
             for n, d in G.nodes(data=True)]
    edges = [(u, v, k, sorted((a, b, type(b).__name__) for a, b in d.items()))
             for u, v, k, d in G.edges(keys=True, data=True)]
    graph = sorted((k, v, type(v).__name__) for k, v in G.graph.items())
    return nodes, edges, graph


@pytest.mark.parametrize("cid", CORRIDOR_IDS)
def test_compact_load_equals_graphml_load(cid: str) -> None:
    folder = REPO / "data" / "networks"
    from_xml = read_graphml(folder / f"{cid}.graphml.gz")
    from_npz = compact.load(folder / f"{cid}{compact.SUFFIX}")
    assert typed(from_npz) == typed(from_xml)
    assert from_npz.number_of_nodes() > 50 and from_npz.number_of_edges() > 100
    # the shipped compact file is the one `make data` writes for this GraphML: same bytes
    assert compact.to_bytes(from_xml) == (folder / f"{cid}{compact.SUFFIX}").read_bytes()


def test_embedded_source_reads_the_compact_file() -> None:
    p = embedded_path("i29-red-river")
    assert p.name == "i29-red-river.net.npz"
    G = load_network("i29-red-river")
    assert G.graph["source"] == "embedded"
    assert typed(G) == typed(read_graphml(p.with_name("i29-red-river.graphml.gz")))


def synthetic() -> nx.MultiDiGraph:
    """Synthetic graph (not real data): missing attributes, ints, lists, parallel edges."""
    G = nx.MultiDiGraph(crs="EPSG:4326", name="synthetic", count=3, ratio=0.123456789,
                        flag=True)
    G.add_node(10, x=-100.123456789, y=45.0, label="A", interchange=True, osmid=[1, 2])
    G.add_node(-3, x=-100.5, y=45.5, interchange=False, lanes=4)
    G.add_node(7, x=-101.0, y=46.0, label="", interchange=True, osmid=7)
    G.add_edge(10, -3, key=0, length=1234.5, ref="I-1", synthetic=False)
    G.add_edge(10, -3, key=5, length=1300.0, synthetic=True)
    G.add_edge(-3, 7, key=0, length=2000.25, ref="I-1;US-2", oneway=None)
    return G


def test_round_trip_of_missing_and_mixed_attributes(tmp_path: Path) -> None:
    G = synthetic()
    path = tmp_path / "g.net.npz"
    size = compact.save(G, path)
    assert size == path.stat().st_size
    H = compact.load(path)
    nodes, edges, graph = typed(H)
    assert [n for n, _, _ in nodes] == [10, -3, 7]
    assert nodes[0][2] == [("interchange", True, "bool"), ("label", "A", "str"),
                           ("osmid", [1, 2], "list"), ("x", -100.1234568, "float"),
                           ("y", 45.0, "float")]
    assert nodes[1][2] == [("interchange", False, "bool"), ("lanes", 4, "int"),
                           ("x", -100.5, "float"), ("y", 45.5, "float")]
    assert nodes[2][2][2] == ("osmid", 7, "int")  # mixed column: each value keeps its type
    assert [(u, v, k) for u, v, k, _ in edges] == [(10, -3, 0), (10, -3, 5), (-3, 7, 0)]
    assert edges[1][3] == [("length", 1300.0, "float"), ("synthetic", True, "bool")]
    assert ("oneway", None, "NoneType") in edges[2][3]
    assert ("ratio", 0.1234568, "float") in graph and ("count", 3, "int") in graph
    assert compact.to_bytes(G) == compact.to_bytes(synthetic()) == path.read_bytes()


def test_refuses_non_integer_ids_and_bad_files(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", x=0.0, y=0.0)
    with pytest.raises(ValueError, match="integer node ids"):
        compact.to_bytes(G)
    blob = compact.to_bytes(synthetic())
    bad = tmp_path / "bad.net.npz"
    bad.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError, match=r"bad.net.npz: corrupt or truncated network file"):
        compact.load(bad)
    with pytest.raises(InputError, match=r"missing.net.npz: network file not found"):
        compact.load(tmp_path / "missing.net.npz")
    no_x = synthetic()
    del no_x.nodes[7]["x"]
    bad.write_bytes(compact.to_bytes(no_x))
    with pytest.raises(InputError, match="not a corridor graph: node 7: attribute 'x' missing"):
        compact.load(bad)
