"""End-to-end tests of the OpenStreetMap pull against the local Overpass server (no internet).

The fixture is SYNTHETIC (Travel Mapping waypoints of I-5 / BC 99 / WA 543 / BC 15 at Blaine
written as Overpass JSON; see tests/fixtures/overpass/README.md). Expected values are computed here
independently from the fixture coordinates.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import networkx as nx
import osmnx as ox
import pytest
from overpass_server import FIXTURE_DIR, OverpassServer
from shapely import Point

from evcorridor import settings as settings_mod
from evcorridor.corridors import Corridor, Place
from evcorridor.errors import NetworkError, UsageError
from evcorridor.network.osm import (
    cache_path,
    corridor_polygon,
    highway_way_filter,
    pull_osm_network,
)

ROADS = json.loads((FIXTURE_DIR / "i5-peace-arch-roads.json").read_text(encoding="utf-8"))
NODES = {e["id"]: e for e in ROADS["elements"] if e["type"] == "node"}
WAYS = {e["tags"]["ref"]: e for e in ROADS["elements"] if e["type"] == "way"}
ROUTE_COUNTRY = {"I 5": "USA", "SR 543": "USA", "99": "CAN", "15": "CAN"}
# the two border points of the fixture (Travel Mapping `USA/CAN` waypoints)
CROSSINGS = {
    "blaine-peace-arch": (49.002081, -122.756510),
    "blaine-pacific-highway": (49.002090, -122.735342),
}


def haversine_m(a: dict[str, float], b: dict[str, float]) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dl = math.radians(b["lon"] - a["lon"])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def way_length_m(ref: str) -> float:
    ids = WAYS[ref]["nodes"]
    return sum(haversine_m(NODES[a], NODES[b]) for a, b in itertools.pairwise(ids))


def expected_kept_nodes(refs: list[str]) -> set[int]:
    """Nodes a simplified graph must keep: tagged exits, way ends, nodes shared by ways."""
    seen: dict[int, int] = {}
    ends: set[int] = set()
    for ref in refs:
        ids = WAYS[ref]["nodes"]
        ends |= {ids[0], ids[-1]}
        for n in ids:
            seen[n] = seen.get(n, 0) + 1
    return {n for n in seen if n in ends or seen[n] > 1 or "tags" in NODES[n]}


def make_corridor(buffer_km: float = 8.0) -> Corridor:
    # places at the two fixture ends: I-5 exit 250 (Bellingham) and BC 99 exit 10 (Surrey)
    return Corridor(
        id="test-peace-arch", name="Bellingham – Surrey (test)", border="us-ca",
        crossings=list(CROSSINGS), other_country="CAN",
        us_side=[Place(name="Bellingham, I-5 exit 250", lat=48.713902, lon=-122.474127)],
        other_side=[Place(name="Surrey, BC 99 exit 10", lat=49.074316, lon=-122.822964)],
        highways={"USA": ["I-5"], "CAN": ["BC99"]}, buffer_km=buffer_km,
    )


def pull(**kw: object) -> object:
    return pull_osm_network(make_corridor(), crossing_points=CROSSINGS, **kw)  # type: ignore[arg-type]


def test_pull_builds_the_contract_graph(osm_env: OverpassServer) -> None:
    G = pull()
    refs = list(WAYS)
    kept = expected_kept_nodes(refs)
    assert set(G.nodes) == kept and len(kept) == 25
    segments = sum(
        sum(1 for n in WAYS[r]["nodes"][1:] if n in kept) for r in refs
    )  # every way is two-way (no oneway tag): both directions present
    assert G.number_of_edges() == 2 * segments == 48
    total = sum(d["length"] for _, _, d in G.edges(data=True)) / 2
    expected = sum(way_length_m(r) for r in refs)
    assert total == pytest.approx(expected, rel=1e-3)
    # independent check by mileposts: exit 250 to exit 276 is 26 miles of I-5; the fixture's
    # straight chords between waypoints run 3.4 % short of the signed distance
    d_250_276 = nx.shortest_path_length(G, 100000001, 100000016, weight="length")
    assert 0.95 * 26 * 1609.344 < d_250_276 < 26 * 1609.344
    # country split: I-5 and SR 543 are in the USA, BC 99 and BC 15 in Canada
    per_country: dict[str, float] = {}
    for _, _, d in G.edges(data=True):
        per_country[d["country"]] = per_country.get(d["country"], 0.0) + d["length"] / 2
    for iso in ("USA", "CAN"):
        want = sum(way_length_m(r) for r in refs if ROUTE_COUNTRY[r] == iso)
        assert per_country[iso] == pytest.approx(want, rel=1e-3), iso
    # contract attributes
    assert G.graph["source"] == "osm" and G.graph["crs"] == "EPSG:4326"
    assert G.graph["data_date"] == "2026-08-22"  # osm3s.timestamp_osm_base of the answer
    assert "OpenStreetMap" in G.graph["provenance"]
    exits = {d["label"]: n for n, d in G.nodes(data=True) if d["interchange"]}
    assert exits["276"] == 100000016 and G.nodes[100000016]["country"] == "USA"
    assert G.nodes[exits["1"]]["country"] == "CAN"
    assert len(exits) == 22  # 15 I-5 exits (250..276) + 7 BC 99 exits (1..10)
    border = {d["crossing"]: n for n, d in G.nodes(data=True) if d["crossing"]}
    assert border == {"blaine-peace-arch": 100000017, "blaine-pacific-highway": 100000024}
    for _, _, d in G.edges(data=True):
        assert d["synthetic"] is False and d["highway"] in ("motorway", "primary")
        assert d["country"] == ROUTE_COUNTRY[d["ref"]]


def test_query_carries_the_highway_filter_and_polygon(osm_env: OverpassServer) -> None:
    steps: list[tuple[str, float]] = []
    pull(progress=lambda msg, frac: steps.append((msg, frac)))
    # what it is waiting for, before and after each answer
    assert steps[1] == (f"waiting for Overpass at {osm_env.url}: answer 1 of about 1 (deadline "
                        "10 s in all)", 0.1)
    assert ("Overpass answer 1 of about 1; osmnx is building the graph", 0.6) in steps
    assert steps[0] == ("checking the cache", 0.0) and steps[-1] == ("done", 1.0)
    assert [f for _, f in steps] == sorted(f for _, f in steps)
    assert len(osm_env.queries) == 1
    q = osm_env.queries[0]
    assert q.startswith("[out:json][timeout:10];(way")
    assert '["highway"~"^(motorway|trunk|primary|motorway_link|trunk_link|primary_link)$"]' in q
    assert "(poly:'" in q


def test_custom_filter_drops_primary_roads(osm_env: OverpassServer) -> None:
    G = pull(highway_filter="motorway,motorway_link")
    assert '["highway"~"^(motorway|motorway_link)$"]' in osm_env.queries[0]
    assert {d["ref"] for _, _, d in G.edges(data=True)} == {"I 5", "99"}
    total = sum(d["length"] for _, _, d in G.edges(data=True)) / 2
    assert total == pytest.approx(way_length_m("I 5") + way_length_m("99"), rel=1e-3)
    assert highway_way_filter('["highway"="motorway"]') == '["highway"="motorway"]'
    with pytest.raises(UsageError) as err:
        highway_way_filter("motorway, Trunk Road")
    assert str(err.value) == (
        "highway filter 'motorway, Trunk Road': give highway values such as "
        "'motorway,trunk,primary' or a raw Overpass filter starting with '['"
    )


def test_second_pull_is_a_cache_hit(osm_env: OverpassServer) -> None:
    G1 = pull()
    path = cache_path(make_corridor(), crossing_points=CROSSINGS)
    assert path.is_file() and path.with_name(path.name + ".sha256").is_file()
    G2 = pull()
    assert len(osm_env.queries) == 1  # the server saw no second query
    assert sorted(G1.nodes) == sorted(G2.nodes) and G1.number_of_edges() == G2.number_of_edges()
    assert G2.nodes[100000016]["interchange"] is True
    assert G2.graph["data_date"] == "2026-08-22"
    # and the cache file is a GraphML osmnx can load (the graph contract)
    G3 = ox.load_graphml(path)
    assert G3.number_of_nodes() == 25


@pytest.mark.parametrize("damage", ["truncate", "garbage", "no-sidecar"])
def test_corrupt_cache_is_rebuilt_not_loaded(osm_env: OverpassServer, damage: str) -> None:
    pull()
    path = cache_path(make_corridor(), crossing_points=CROSSINGS)
    data = path.read_bytes()
    sidecar = path.with_name(path.name + ".sha256")
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(data.replace(b"<graphml", b"<grapXml"))
    else:
        sidecar.unlink()
    G = pull()
    assert G.number_of_nodes() == 25
    assert len(osm_env.queries) == 2  # queried again, not loaded
    assert path.read_bytes() == data  # rebuilt to the same file
    assert sidecar.is_file()


def test_corrupt_cache_offline_is_an_error(
    osm_env: OverpassServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pull()
    path = cache_path(make_corridor(), crossing_points=CROSSINGS)
    path.write_bytes(path.read_bytes()[:100])
    settings_mod._overrides["offline"] = True
    settings_mod.get_settings.cache_clear()
    with pytest.raises(NetworkError) as err:
        pull()
    assert str(err.value) == (
        "offline mode: no usable cached OpenStreetMap pull for corridor test-peace-arch "
        f"({path} is corrupt); use --source embedded, or pull once online to fill the cache"
    )


def test_offline_without_cache(osm_env: OverpassServer) -> None:
    settings_mod._overrides["offline"] = True
    settings_mod.get_settings.cache_clear()
    with pytest.raises(NetworkError) as err:
        pull()
    path = cache_path(make_corridor(), crossing_points=CROSSINGS)
    assert str(err.value) == (
        "offline mode: no usable cached OpenStreetMap pull for corridor test-peace-arch "
        f"({path} does not exist); use --source embedded, or pull once online to fill the cache"
    )
    assert osm_env.queries == []
    assert err.value.exit_code == 4


@pytest.mark.parametrize(
    ("status", "text", "tries"),
    [
        (500, "Overpass at {url} answered HTTP 500 Internal Server Error (4 attempts)", 4),
        (429, "Overpass at {url} answered HTTP 429 Too Many Requests (4 attempts)"
              " (server busy; try again later)", 4),
        (504, "Overpass at {url} answered HTTP 504 Gateway Timeout (4 attempts)"
              " (server busy; try again later)", 4),
        (400, "Overpass at {url} answered HTTP 400 Bad Request", 1),  # not worth a retry
    ],
)
def test_http_errors_are_one_line(osm_env: OverpassServer, status: int, text: str, tries: int,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from evcorridor.network import osm

    waits: list[float] = []
    monkeypatch.setattr(osm, "_sleep", waits.append)
    osm_env.fail(status, times=osm.MAX_ATTEMPTS)
    with pytest.raises(NetworkError) as err:
        pull()
    msg = str(err.value)
    assert msg == (
        "OpenStreetMap pull for corridor test-peace-arch failed: "
        + text.format(url=osm_env.url)
        + "; use --source embedded, or a cached pull"
    )
    # a bounded retry loop: MAX_ATTEMPTS tries with exponential backoff between them
    assert "\n" not in msg and len(osm_env.queries) == tries
    assert waits == [1.0, 2.0, 4.0][:tries - 1]
    assert not cache_path(make_corridor(), crossing_points=CROSSINGS).exists()


def test_truncated_answer_is_an_error(osm_env: OverpassServer) -> None:
    osm_env.truncate()
    with pytest.raises(NetworkError) as err:
        pull()
    assert str(err.value) == (
        "OpenStreetMap pull for corridor test-peace-arch failed: Overpass at "
        f"{osm_env.url} sent an unreadable (truncated or non-JSON) response; "
        "use --source embedded, or a cached pull"
    )


def test_unreachable_server(osm_env: OverpassServer) -> None:
    # a port nobody listens on: the server fixture's port once it is closed is not reliable, so
    # use port 9 (discard) on loopback, which is closed on test machines
    settings_mod._overrides["overpass_url"] = "http://127.0.0.1:9/api"
    settings_mod.get_settings.cache_clear()
    with pytest.raises(NetworkError) as err:
        pull()
    assert str(err.value) == (
        "OpenStreetMap pull for corridor test-peace-arch failed: cannot reach Overpass at "
        "http://127.0.0.1:9/api; use --source embedded, or a cached pull"
    )


def test_corridor_polygon_width() -> None:
    poly = corridor_polygon(make_corridor(buffer_km=8.0))
    # the buffer reaches 8 km west of the Surrey end: 8 km at 49.07 N is 0.1097 degrees longitude
    west = poly.bounds[0]
    assert west == pytest.approx(-122.822964 - 8000 / (111_320 * math.cos(math.radians(49.074))),
                                 abs=2e-3)
    assert poly.contains(Point(-122.596436, 48.891866))  # I-5 exit 266, 3.4 km off the line
    assert not poly.contains(Point(-122.40, 48.90))  # 15 km east of the line


def test_status_endpoint_speaks_the_overpass_format(
    overpass_server: OverpassServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # osmnx reads line 5 of <base>/status: "2 slots available now." means no pause
    monkeypatch.setattr(ox.settings, "overpass_rate_limit", True)
    monkeypatch.setattr(ox.settings, "requests_kwargs", {})
    assert ox._overpass._get_overpass_pause(overpass_server.url) == 0
    assert overpass_server.requests == [("GET", "/api/status")]


def test_crossing_between_nodes_gets_a_border_node(osm_env: OverpassServer) -> None:
    # a SYNTHETIC crossing point halfway along the I-5 chord from exit 275 to exit 276 (1.8 km
    # long, so no node is within 100 m): the edge is split there, both directions, length kept
    a, b = NODES[100000015], NODES[100000016]
    mid = ((a["lat"] + b["lat"]) / 2, (a["lon"] + b["lon"]) / 2)
    G = pull_osm_network(make_corridor(), crossing_points={"mid-test": mid})
    border = [n for n, d in G.nodes(data=True) if d["crossing"] == "mid-test"]
    assert border == [-1]
    assert (G.nodes[-1]["y"], G.nodes[-1]["x"]) == pytest.approx(mid, abs=1e-6)
    assert G.number_of_nodes() == 26 and G.number_of_edges() == 50
    assert not G.has_edge(100000015, 100000016)
    whole = haversine_m(a, b)
    for u, v in ((100000015, -1), (-1, 100000016), (100000016, -1), (-1, 100000015)):
        assert G.edges[u, v, 0]["length"] == pytest.approx(whole / 2, rel=1e-4)
    total = sum(d["length"] for _, _, d in G.edges(data=True)) / 2
    assert total == pytest.approx(sum(way_length_m(r) for r in WAYS), rel=1e-3)
    # the cached copy keeps the new node (negative id) and its crossing
    again = pull_osm_network(make_corridor(), crossing_points={"mid-test": mid})
    assert len(osm_env.queries) == 1
    assert again.nodes[-1]["crossing"] == "mid-test" and again.number_of_edges() == 50


def test_load_network_osm_source_for_a_shipped_corridor(osm_env: OverpassServer) -> None:
    # the public entry point, the real i5-cascadia corridor (Portland – Vancouver, a polygon that
    # osmnx splits into many Overpass queries) and the crossing registry's Peace Arch and Pacific
    # Highway points
    from evcorridor.network import load_network

    G = load_network("i5-cascadia", source="osm")
    assert len(osm_env.queries) > 10
    assert all('(way["highway"~"^(motorway|trunk|primary|' in q for q in osm_env.queries)
    assert set(G.nodes) == expected_kept_nodes(list(WAYS))
    border = {d["crossing"]: n for n, d in G.nodes(data=True) if d["crossing"]}
    assert border == {"blaine-peace-arch": 100000017, "blaine-pacific-highway": 100000024}
    assert G.graph["corridor"] == "i5-cascadia" and G.graph["source"] == "osm"


def test_dual_carriageway_border_node_is_on_the_forward_carriageway() -> None:
    # SYNTHETIC topology (made-up coordinates near the 49th parallel): a dual carriageway of two
    # one-way roads 44 m apart, no node within 100 m of the crossing point. Both carriageways are
    # split there; the crossing goes to the northbound (US → Canada, forward) one.
    from evcorridor.network.osm import tag_graph

    pts = {1: (48.98, -122.75), 2: (48.999, -122.7503), 3: (49.005, -122.7503),
           4: (49.02, -122.75), 5: (49.005, -122.7497), 6: (48.999, -122.7497)}
    G = nx.MultiDiGraph(crs="EPSG:4326")
    for n, (lat, lon) in pts.items():
        G.add_node(n, y=lat, x=lon)
    for u, v in ((1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 1)):  # north up 2-3, south down 5-6
        a, b = pts[u], pts[v]
        G.add_edge(u, v, length=haversine_m({"lat": a[0], "lon": a[1]},
                                            {"lat": b[0], "lon": b[1]}),
                   highway="motorway", ref="I 5", oneway=True)
    corridor = make_corridor()
    corridor = corridor.model_copy(update={
        "us_side": [Place(name="south end", lat=48.98, lon=-122.75)],
        "other_side": [Place(name="north end", lat=49.02, lon=-122.75)],
    })
    # the point is 7 m from the southbound road, 29 m from the northbound one
    tag_graph(G, {"x-test": (49.0021, -122.7498)}, corridor)
    new = sorted(n for n in G.nodes if n < 0)
    assert len(new) == 2  # one node per carriageway
    border = [n for n, d in G.nodes(data=True) if d["crossing"] == "x-test"]
    assert len(border) == 1
    assert nx.has_path(G, 2, border[0]) and G.has_edge(2, border[0])  # northbound: 2 → new → 3
    assert G.has_edge(border[0], 3)
    other = next(n for n in new if n != border[0])
    assert G.has_edge(5, other) and G.has_edge(other, 6)
    assert G.number_of_edges() == 8


def test_filter_matching_nothing_is_a_clear_error(osm_env: OverpassServer) -> None:
    with pytest.raises(NetworkError) as err:
        pull(highway_filter="motorway_link")  # the fixture has no links
    assert str(err.value) == (
        "OpenStreetMap pull for corridor test-peace-arch failed: Overpass returned no matching "
        "OpenStreetMap elements in the corridor polygon; check the filter or use --source "
        "embedded, or a cached pull"
    )


def test_cli_pull_osm_highways_option_cache_and_refresh(osm_env: OverpassServer) -> None:
    # `evcorridor network pull i5-cascadia --source osm --highways ...` end to end: the option
    # reaches every Overpass query, the summary comes from the motorways only, the pull is
    # cached under its own key, and --refresh pulls again
    from typer.testing import CliRunner

    from evcorridor.cli import app
    from evcorridor.corridors import get_corridor

    argv = ["network", "pull", "i5-cascadia", "--source", "osm", "--highways",
            "motorway,motorway_link", "--format", "json"]
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, res.output
    n = len(osm_env.queries)
    assert n > 10
    assert all('(way["highway"~"^(motorway|motorway_link)$"]' in q for q in osm_env.queries)
    info = json.loads(res.stdout)
    assert info["source"] == "osm" and info["components"] == 1
    km = sum(info["km_per_country"].values())
    assert km == pytest.approx((way_length_m("I 5") + way_length_m("99")) / 1000, abs=0.11)
    saved = Path(info["saved_to"])
    corridor = get_corridor("i5-cascadia")
    assert saved == cache_path(corridor, highway_filter="motorway,motorway_link")
    assert saved.is_file() and saved != cache_path(corridor)
    assert CliRunner().invoke(app, argv).exit_code == 0 and len(osm_env.queries) == n  # cached
    assert CliRunner().invoke(app, [*argv, "--refresh"]).exit_code == 0
    assert len(osm_env.queries) == 2 * n
    res = CliRunner().invoke(app, ["network", "pull", "i5-cascadia", "--source", "embedded",
                                   "--highways", "motorway"])
    assert isinstance(res.exception, UsageError)  # main() turns it into exit 2
    assert str(res.exception) == "--highways and --refresh apply to --source osm only"
