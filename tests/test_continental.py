"""The continental road graph (data/networks/continental.npz) and corridor cuts from it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evcorridor.corridors import get_corridor
from evcorridor.errors import EvCorridorError, InputError
from evcorridor.network import compact, load_network
from evcorridor.network.continental import (
    COUNTRIES,
    build_continental,
    continental_path,
    corridor_graph,
    load_continental,
)
from evcorridor.network.summary import network_summary

REPO = Path(__file__).resolve().parents[1]


def test_shipped_graph_covers_three_countries_and_every_tm_crossing() -> None:
    cont = load_continental()
    meta = cont.meta
    assert meta["format"] == "evcorridor.continental/1"
    assert meta["nodes"] == len(cont.ids) > 200_000
    assert meta["edges"] == len(cont.edge_u)
    assert np.all(np.diff(cont.ids) > 0)  # sorted, unique ids (searchable)
    counts = np.bincount(cont.country, minlength=3)
    assert all(counts[i] > 10_000 for i in range(3)), dict(zip(COUNTRIES, counts, strict=True))
    # the systems documented in data/README.md (and not the development ones)
    for system in ("usai", "usaus", "cantch", "mexf", "mexd", "nasib", "usamt", "canon"):
        assert system in meta["systems"]
    assert not any(s in meta["systems"] for s in ("usanyst", "usatr", "usapr"))
    # every registry crossing with a Travel Mapping border point is a node
    from evcorridor.crossings import list_crossings

    missing = [c.id for c in list_crossings() if c.location_source != "bts"
               and cont.index_of(_nid(c.lat, c.lon)) is None]
    assert missing == []
    assert json.loads((REPO / "data" / "networks" / "accuracy.json").read_text())[
        "continental"]["nodes"] == meta["nodes"]


def _nid(lat: float, lon: float) -> int:
    from evcorridor.network.travelmapping import node_id

    return node_id(lat, lon)


@pytest.mark.parametrize("cid", ["i5-cascadia", "i35-laredo", "niagara", "i5-tijuana"])
def test_corridor_cut_matches_the_embedded_corridor_graph(cid: str) -> None:
    corridor = get_corridor(cid)
    cut = corridor_graph(load_continental(), corridor)
    emb = load_network(cid, source="embedded")
    assert set(cut.nodes) == set(emb.nodes)
    assert cut.number_of_edges() == emb.number_of_edges()
    a, b = network_summary(cut, corridor), network_summary(emb, corridor)
    assert [(r["crossing"], r["length_km"], r["border_km"]) for r in a["routes"]] == [
        (r["crossing"], r["length_km"], r["border_km"]) for r in b["routes"]]
    for n in emb.nodes:
        assert cut.nodes[n]["interchange"] == emb.nodes[n]["interchange"], n
        assert cut.nodes[n]["crossing"] == emb.nodes[n]["crossing"]
    lengths = {(u, v): d["length"] for u, v, d in emb.edges(data=True)}
    worst = max(abs(d["length"] - lengths[(u, v)]) for u, v, d in cut.edges(data=True))
    assert worst < 0.02  # metres: the same straight lengths and factors, rounded to cm
    assert cut.graph["source"] == "continental"
    assert cut.graph["synthetic_links"] == emb.graph["synthetic_links"]


def test_load_network_continental_source_and_file_source() -> None:
    G = load_network("i29-red-river", source="continental")
    H = load_network("i29-red-river", source="file", path=continental_path())
    assert set(G.nodes) == set(H.nodes) and G.number_of_nodes() > 50


def test_build_from_the_mini_tree_is_deterministic(fixtures: Path) -> None:
    from evcorridor.network.boundaries import load_boundaries
    from evcorridor.network.travelmapping import read_tm

    tm = read_tm(fixtures / "network" / "tm-mini")
    polys = load_boundaries()
    one = build_continental(tm, polygons=polys, crossing_points={}, length_factors={"ND": 1.007})
    two = build_continental(tm, polygons=polys, crossing_points={}, length_factors={"ND": 1.007})
    assert one == two
    _arrays, meta = compact.arrays_from_bytes(one)
    # real waypoints: last 8 of I-29 (ND) + first 8 of MB 75, sharing the USA/CAN point
    assert (meta["nodes"], meta["edges"]) == (15, 14)
    assert meta["systems"] == ["canmb", "nasib", "usai"]


def test_corrupt_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "continental.npz"
    bad.write_bytes(continental_path().read_bytes()[:5000])
    with pytest.raises(InputError, match="corrupt or truncated"):
        load_continental(bad)
    bad.write_bytes(b"not a network")
    with pytest.raises(InputError, match="corrupt or truncated network file"):
        load_continental(bad)


def test_route_that_does_not_reach_the_other_country_names_the_side(tmp_path: Path) -> None:
    from evcorridor.network.routes import corridor_routes

    corridor = get_corridor("i29-red-river")
    G = load_network("i29-red-river", source="embedded")
    # keep only the US side and the border node: no Canadian road at all
    G = G.subgraph([n for n, c in G.nodes(data="country")
                    if c == "USA" or G.nodes[n]["crossing"]]).copy()
    for n in G.nodes:
        if G.nodes[n]["crossing"]:
            G.nodes[n]["country"] = "USA"
    with pytest.raises(EvCorridorError, match=r"does not reach the CAN side: 'Winnipeg, MB' snaps "
                                              r"to node \d+ in USA; the .* network has no CAN "
                                              "road connected to the crossing"):
        corridor_routes(G, corridor)
