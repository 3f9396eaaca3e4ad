"""Corridor graphs: every shipped corridor offline, the graph contract, routes through each
crossing, distance accuracy against exit numbers, sources and bad inputs."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from evcorridor.cli import app
from evcorridor.corridors import Corridor, Place, get_corridor
from evcorridor.errors import EvCorridorError, InputError, NotFoundError
from evcorridor.geodesy import haversine_m
from evcorridor.network import load_border_lines, load_boundaries, load_network
from evcorridor.network.accuracy import measure_exit_errors
from evcorridor.network.graph import read_graphml, to_graphml_bytes
from evcorridor.network.routes import corridor_routes, nearest_node

REPO = Path(__file__).resolve().parents[1]
CORRIDOR_IDS = sorted(p.stem for p in (REPO / "configs" / "corridors").glob("*.yaml"))


@pytest.fixture(scope="module")
def graphs() -> dict[str, nx.MultiDiGraph]:
    return {cid: load_network(cid) for cid in CORRIDOR_IDS}


def test_sixteen_corridors_embedded_and_small() -> None:
    assert len(CORRIDOR_IDS) == 16
    total = sum((REPO / "data" / "networks" / f"{c}.graphml.gz").stat().st_size
                for c in CORRIDOR_IDS)
    assert total < 3_000_000


@pytest.mark.parametrize("cid", CORRIDOR_IDS)
def test_corridor_graph_contract_and_routes(graphs: dict[str, nx.MultiDiGraph], cid: str) -> None:
    G = graphs[cid]
    corridor = get_corridor(cid)
    assert G.graph["crs"] == "EPSG:4326" and G.graph["corridor"] == cid
    assert G.graph["source"] == "embedded" and G.graph["data_date"] == "2026-08-22"
    assert "OpenStreetMap contributors" in G.graph["provenance"]
    countries = {c for _, c in G.nodes(data="country")}
    assert countries == {"USA", corridor.other_country}
    for _, data in G.nodes(data=True):
        assert isinstance(data["x"], float) and isinstance(data["interchange"], bool)
        assert isinstance(data["label"], str) and isinstance(data["crossing"], str)
    for u, v, data in G.edges(data=True):
        assert data["length"] > 0 and isinstance(data["synthetic"], bool)
        assert G.has_edge(v, u)  # both directions of every road edge
    assert nx.number_weakly_connected_components(G) == 1

    routes = corridor_routes(G, corridor)
    assert [r.crossing_id for r in routes] == corridor.crossings
    start, _ = nearest_node(G, corridor.start.lat, corridor.start.lon)
    end, _ = nearest_node(G, corridor.end.lat, corridor.end.lon)
    for r in routes:
        assert r.nodes[0] == start and r.nodes[-1] == end
        assert G.nodes[r.nodes[r.border_index]]["crossing"] == r.crossing_id
        assert r.cum_m[0] == 0 and all(b >= a for a, b in zip(r.cum_m, r.cum_m[1:], strict=False))
        # the route crosses the border exactly once: USA nodes, then the other country's
        sides = [G.nodes[n]["country"] for n in r.nodes]
        changes = sum(1 for a, b in itertools.pairwise(sides) if a != b)
        assert changes == 1 and sides[0] == "USA" and sides[-1] == corridor.other_country
        # a road is never shorter than the straight line, and not absurdly longer (Lewiston ->
        # Toronto goes round Lake Ontario: 1.61)
        b = G.nodes[r.nodes[r.border_index]]
        straight = (haversine_m(G.nodes[start]["y"], G.nodes[start]["x"], b["y"], b["x"])
                    + haversine_m(b["y"], b["x"], G.nodes[end]["y"], G.nodes[end]["x"]))
        assert straight <= r.length_m <= 1.7 * straight, (r.crossing_id, r.length_m, straight)


def test_endpoints_reach_the_named_cities(graphs: dict[str, nx.MultiDiGraph]) -> None:
    for cid in CORRIDOR_IDS:
        c = get_corridor(cid)
        for place in (c.start, c.end):
            _, dist = nearest_node(graphs[cid], place.lat, place.lon)
            assert dist < 15_000, (cid, place.name, dist)


def test_known_route_lengths(graphs: dict[str, nx.MultiDiGraph]) -> None:
    # Portland -> Peace Arch is about 463 km by I-5 (OR 308-mile exit to WA exit 276)
    r = corridor_routes(graphs["i5-cascadia"], get_corridor("i5-cascadia"))[0]
    assert 440_000 < r.border_pos_m < 470_000
    # both Detroit bridges: Toledo -> border about 93 km, the two within 2 km of each other
    amb, gh = corridor_routes(graphs["i75-detroit-windsor"], get_corridor("i75-detroit-windsor"))
    assert abs(amb.border_pos_m - gh.border_pos_m) < 2_000 and 85_000 < gh.border_pos_m < 100_000


@pytest.mark.parametrize(("cid", "root"), [("i5-cascadia", "wa.i005"), ("i15-alberta", "mt.i015"),
                                           ("i35-laredo", "tx.i035"), ("i29-red-river", "nd.i029")])
def test_distances_match_exit_numbers_within_2_percent(graphs: dict[str, nx.MultiDiGraph],
                                                        cid: str, root: str) -> None:
    got = measure_exit_errors(graphs[cid], root)
    assert got["marked_km"] > 200
    assert abs(got["error_pct"]) < 2.0, got
    assert got["worst_window_pct"] is not None and abs(got["worst_window_pct"]) < 2.0, got
    # the correction factor is what brings straight TM segments up to the road length
    assert got["straight_error_pct"] < got["error_pct"]


# one route per corridor whose exits are numbered by distance (miles in the US, km in Canada;
# New York and Vermont number in sequence, Mexico has no exit numbers)
EXIT_ROUTES = {
    "i10-el-paso": ("tx.i010", 1609.344), "i15-alberta": ("mt.i015", 1609.344),
    "i19-nogales": ("az.i010", 1609.344), "i29-red-river": ("nd.i029", 1609.344),
    "i35-laredo": ("tx.i035", 1609.344), "i5-cascadia": ("wa.i005", 1609.344),
    "i5-tijuana": ("ca.i005", 1609.344), "i75-detroit-windsor": ("mi.i075", 1609.344),
    "i8-calexico": ("ca.i008", 1609.344), "i81-thousand-islands": ("on.on401", 1000.0),
    "i87-champlain": ("qc.a015", 1000.0), "i91-stanstead": ("qc.a055", 1000.0),
    "i94-blue-water": ("mi.i069", 1609.344), "i95-houlton": ("me.i095", 1609.344),
    "niagara": ("on.onqew", 1000.0), "rio-grande-valley": ("tx.i069e", 1609.344),
}


@pytest.mark.parametrize("cid", CORRIDOR_IDS)
def test_every_corridor_meets_the_2_percent_check(graphs: dict[str, nx.MultiDiGraph],
                                                  cid: str) -> None:
    root, unit = EXIT_ROUTES[cid]
    got = measure_exit_errors(graphs[cid], root, unit)
    assert got["marked_km"] >= 65 and got["exits"] >= 8, got
    assert abs(got["error_pct"]) < 2.0, got


def test_synthetic_links_only_where_documented(graphs: dict[str, nx.MultiDiGraph]) -> None:
    found = {cid: sorted({d["ref"] for _, _, d in G.edges(data=True) if d["synthetic"]})
             for cid, G in graphs.items()}
    assert {k: v for k, v in found.items() if v} == {
        "i10-el-paso": ["link:el-paso-bridge-of-the-americas"],
        "i35-laredo": ["link:laredo-juarez-lincoln"],
        "i5-tijuana": ["link:otay-mesa", "link:san-ysidro"],
        "i8-calexico": ["link:calexico-east", "link:calexico-west"],
    }


def test_different_components_error_names_nearest_nodes() -> None:
    # SYNTHETIC two-piece graph: a US piece and a Canadian piece 2.2 km apart, no link
    G = nx.MultiDiGraph(corridor="demo")
    pts = {1: (49.00, -122.75, "USA", ""), 2: (48.98, -122.75, "USA", ""),
           3: (49.02, -122.75, "CAN", "blaine-peace-arch"), 4: (49.04, -122.75, "CAN", "")}
    for n, (y, x, country, crossing) in pts.items():
        G.add_node(n, y=y, x=x, country=country, label="", interchange=False, crossing=crossing)
    for u, v in ((1, 2), (3, 4)):
        for a, b in ((u, v), (v, u)):
            G.add_edge(a, b, length=2224.0, highway="motorway", ref="", country="USA",
                       synthetic=False)
    c = Corridor(id="demo", name="demo", border="us-ca", other_country="CAN",
                 crossings=["blaine-peace-arch"],
                 us_side=[Place(name="South", lat=48.98, lon=-122.75)],
                 other_side=[Place(name="North", lat=49.04, lon=-122.75)],
                 highways={"USA": ["I-5"], "CAN": ["BC99"]}, buffer_km=5)
    with pytest.raises(EvCorridorError) as exc:
        corridor_routes(G, c)
    assert str(exc.value) == (
        "'South' (node 2) and crossing 'blaine-peace-arch' (node 3) are in different components "
        "of the demo network; the nearest nodes of the two components are 1 and 3, 2.22 km apart")


def test_corrupt_or_truncated_graphml_is_refused(tmp_path: Path) -> None:
    blob = (REPO / "data" / "networks" / "i29-red-river.graphml.gz").read_bytes()
    bad = tmp_path / "truncated.graphml.gz"
    bad.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError) as exc:
        read_graphml(bad)
    assert str(exc.value).startswith(f"{bad}: corrupt or truncated network file")
    half = tmp_path / "half.graphml"
    text = gzip.decompress(blob)
    half.write_bytes(text[: len(text) // 2])
    with pytest.raises(InputError, match="corrupt or truncated network file"):
        read_graphml(half)


def test_file_source_graphml_round_trip_and_osm_xml(tmp_path: Path, fixtures: Path) -> None:
    G = load_network("i95-houlton")
    p = tmp_path / "houlton.graphml"
    p.write_bytes(to_graphml_bytes(G))
    H = load_network("i95-houlton", source="file", path=p)
    assert H.graph["source"] == "file"
    assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(),
                                                          G.number_of_edges())
    assert to_graphml_bytes(G) == to_graphml_bytes(load_network("i95-houlton"))  # deterministic
    # SYNTHETIC .osm fixture: I-95 up to the border point, NB 95 beyond it
    X = load_network("i95-houlton", source="file", path=fixtures / "network" /
                     "synthetic-houlton.osm")
    assert {n: d["country"] for n, d in X.nodes(data=True)} == {1: "USA", 2: "USA", 3: "CAN",
                                                               5: "CAN"}
    assert X.nodes[2]["label"] == "305" and X.nodes[2]["interchange"] is True
    assert X.nodes[3]["crossing"] == "houlton-woodstock"


def test_unknown_source_and_missing_path() -> None:
    with pytest.raises(NotFoundError) as exc:
        load_network("i29-red-river", source="osmm")
    assert str(exc.value).startswith("unknown network source 'osmm'; did you mean 'osm'")
    with pytest.raises(EvCorridorError, match="--source file needs --path"):
        load_network("i29-red-river", source="file")


def test_boundaries_for_maps() -> None:
    polys, lines = load_boundaries(), load_border_lines()
    assert set(polys) == {"USA", "CAN", "MEX"} and set(lines) == {"us-ca", "us-mx"}
    # the 49th parallel border line runs west of the Red River at 49.0 N
    assert abs(lines["us-ca"].interpolate(lines["us-ca"].project(
        __import__("shapely").geometry.Point(-100.0, 49.0))).y - 49.0) < 0.01
    assert (REPO / "data" / "boundaries.geojson").stat().st_size < 500_000


def test_cli_network_info_json() -> None:
    res = CliRunner().invoke(app, ["network", "info", "i29-red-river", "--format", "json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    G = load_network("i29-red-river")
    assert info["nodes"] == G.number_of_nodes() and info["components"] == 1
    assert [c["crossing"] for c in info["crossing_nodes"]] == ["pembina-emerson"]
    route = info["routes"][0]
    assert route["crossing"] == "pembina-emerson"
    assert route["km_per_country"]["USA"] == route["border_km"]
    assert abs(sum(route["km_per_country"].values()) - route["length_km"]) < 0.2


def test_rebuild_one_corridor_from_the_tarball_matches_the_committed_file(
        shared_data: Path) -> None:
    from evcorridor.build.network_data import NE_FILE, build_crossings, read_bts, read_natural_earth
    from evcorridor.network.boundaries import CountryLocator
    from evcorridor.network.graph import gzip_bytes
    from evcorridor.network.travelmapping import (
        build_corridor_graph,
        measure_length_factors,
        read_tm,
    )

    tm = read_tm(sorted((shared_data / "travelmapping").glob("HighwayData-*.tar.gz"))[-1])
    countries = read_natural_earth(shared_data / NE_FILE)
    ports = read_bts(shared_data / "ports" / "bts-border-crossing-entry-subset.csv")
    _, points = build_crossings(tm, ports, countries["USA"], lambda _m: None)
    factors = measure_length_factors(tm, sorted({r.region for r in tm.routes.values()
                                                 if r.country in {"USA", "CAN", "MEX"}}))
    corridor = get_corridor("i29-red-river")
    G = build_corridor_graph(tm, corridor, locator=CountryLocator(countries),
                             usa_polygon=countries["USA"],
                             crossing_points={c: points[c] for c in corridor.crossings},
                             length_factors=factors)
    G.graph["source"] = "embedded"
    G.graph["built_from"] = "travelmapping"
    committed = (REPO / "data" / "networks" / "i29-red-river.graphml.gz").read_bytes()
    assert gzip_bytes(to_graphml_bytes(G)) == committed


def test_cli_pull_travelmapping_from_a_folder(tmp_path: Path, fixtures: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from evcorridor.settings import get_settings

    monkeypatch.setenv("EVCORRIDOR_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    try:
        res = CliRunner().invoke(app, ["network", "pull", "i29-red-river", "--source",
                                       "travelmapping", "--path",
                                       str(fixtures / "network" / "tm-mini"), "--format", "json"])
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    # real waypoints: last 8 of I-29 (ND) + first 8 of MB 75, sharing the USA/CAN point
    assert (info["source"], info["nodes"], info["edges"]) == ("travelmapping", 15, 28)
    # the shared border point takes the Natural Earth polygon's country (here Canada)
    assert info["nodes_per_country"] == {"CAN": 8, "USA": 7}
    assert info["crossing_nodes"][0]["crossing"] == "pembina-emerson"
    assert info["data_date"] == "2026-08-22"
    saved = Path(info["saved_to"])
    assert saved == tmp_path / "cache" / "networks" / "i29-red-river.travelmapping.graphml.gz"
    G = read_graphml(saved)
    assert G.number_of_nodes() == 15 and G.graph["source"] == "travelmapping"


def test_missing_embedded_file_and_missing_osm_module(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from evcorridor.settings import get_settings

    (tmp_path / "crossings.csv").write_bytes((REPO / "data" / "crossings.csv").read_bytes())
    monkeypatch.setenv("EVCORRIDOR_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        with pytest.raises(InputError) as exc:
            load_network("i29-red-river", source="embedded")
        assert str(exc.value) == (f"{tmp_path}/networks/i29-red-river.graphml.gz: no embedded "
                                  "network for corridor 'i29-red-river' (run `make data`)")
        # auto: no pulled, no embedded network, no continental graph either
        with pytest.raises(InputError) as exc:
            load_network("i29-red-river")
        assert str(exc.value) == (f"{tmp_path}/networks/continental.npz: no continental "
                                  "road graph for corridor 'i29-red-river' (run `make data`, or "
                                  "pull a network with `evcorridor network pull`)")
    finally:
        monkeypatch.delenv("EVCORRIDOR_DATA_DIR")
        get_settings.cache_clear()
    # the osm source is imported lazily: without the module the other sources still work
    monkeypatch.setitem(sys.modules, "evcorridor.network.osm", None)
    with pytest.raises(EvCorridorError, match="osm source is not available"):
        load_network("i29-red-river", source="osm")
    assert load_network("i29-red-river").number_of_nodes() > 0
