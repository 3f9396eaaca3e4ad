"""De-duplication (real fixture rows), snapping (SYNTHETIC tiny graphs), and site_spec."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.stations import (
    ConnectorInfo,
    ReaderOptions,
    Station,
    dedupe,
    describe_site,
    read_stations,
    site_spec,
    snap_stations,
)

F = Path(__file__).resolve().parent / "fixtures" / "stations"
M_PER_DEG = 6_371_008.8 * math.pi / 180.0  # metres per degree of latitude (mean Earth radius)


def test_dedupe_same_afdc_id_across_connector_maps() -> None:
    opts = ReaderOptions(id_prefix="afdc")
    chademo, _ = read_stations(F / "excerpt_stations_map_CA_CHADEMO.geojson", options=opts)
    ccs, _ = read_stations(F / "excerpt_stations_map_CA_J1772COMBO.geojson", options=opts)
    merged, report = dedupe(chademo + ccs)
    assert [s.id for s in merged] == ["afdc:82843", "afdc:83023", "afdc:83029"]
    ikea = merged[1]  # IKEA Burlington ON is in both maps: both connectors
    assert sorted(c.type for c in ikea.connectors) == ["CCS1", "CHAdeMO"]
    assert ("afdc:83023", ["afdc:83023", "afdc:83023"], "same id") in report.merged


def test_dedupe_tesla_list_against_afdc_rows() -> None:
    afdc, _ = read_stations(F / "afdc-WA-sample-2025-02-09.csv")
    tesla, _ = read_stations(F / "tesla-superchargers-sample-2023-06.csv")
    merged, report = dedupe(afdc + tesla)
    assert len(afdc) + len(tesla) == 11 and len(merged) == 8
    pairs = sorted((kept, ids) for kept, ids, _ in report.merged)
    assert pairs == [
        ("afdc:102485", ["afdc:102485", "tesla:burlington-wa"]),
        ("afdc:302535", ["afdc:302535", "tesla:burlington-marketplace-dr-wa"]),
        ("afdc:347648", ["afdc:347648", "tesla:burlington-9400-old-hwy-99-n-wa"]),
    ]
    s = {x.id: x for x in merged}["afdc:302535"]
    # freshest fields (AFDC 2025) win; the 2023 Tesla list fills in the unknown kW
    assert s.source == "afdc" and s.data_date == date(2025, 2, 9)
    assert s.source_ids == ["afdc:302535", "tesla:burlington-marketplace-dr-wa"]
    assert s.connectors == [ConnectorInfo(type="NACS", count=16, max_kw=250.0)]
    assert s.source_file == "afdc-WA-sample-2025-02-09.csv tesla-superchargers-sample-2023-06.csv"


def test_dedupe_distance_is_configurable() -> None:
    afdc, _ = read_stations(F / "afdc-WA-sample-2025-02-09.csv")
    tesla, _ = read_stations(F / "tesla-superchargers-sample-2023-06.csv")
    # afdc:102485 and tesla:burlington-wa are 5.2 m apart (equirectangular check below)
    a = next(s for s in afdc if s.id == "afdc:102485")
    t = next(s for s in tesla if s.id == "tesla:burlington-wa")
    dy = (a.lat - t.lat) * M_PER_DEG
    dx = (a.lon - t.lon) * M_PER_DEG * math.cos(math.radians(a.lat))
    gap = math.hypot(dx, dy)
    merged, _ = dedupe([a, t], distance_m=gap - 1)
    assert len(merged) == 2
    merged, _ = dedupe([a, t], distance_m=gap + 1)
    assert len(merged) == 1


def test_dedupe_never_merges_two_ids_of_one_source() -> None:
    afdc, _ = read_stations(F / "afdc-WA-sample-2025-02-09.csv")
    two = [s for s in afdc if s.id in ("afdc:102485", "afdc:347648")]  # both Tesla, 75 m apart
    merged, report = dedupe(two, distance_m=1000)
    assert len(merged) == 2 and report.merged == []


def _station(sid: str, lat: float, lon: float, country: str = "USA") -> Station:
    return Station(id=sid, source="test", source_ids=[sid], name=sid, lat=lat, lon=lon,
                   country=country)


def synthetic_highway_graph() -> nx.MultiDiGraph:
    """SYNTHETIC: three waypoints on a north-south highway at lon -122.75 (no local roads)."""
    G = nx.MultiDiGraph(crs="EPSG:4326", source="travelmapping")
    G.add_node(1, x=-122.75, y=49.00, country="USA", label="276", interchange=True, crossing="")
    G.add_node(2, x=-122.75, y=49.01, country="USA", label="", interchange=False, crossing="")
    G.add_node(3, x=-122.75, y=49.02, country="CAN", label="BC99", interchange=True, crossing="")
    for u, v in ((1, 2), (2, 3)):
        for a, b in ((u, v), (v, u)):
            G.add_edge(a, b, length=1111.95, highway="motorway", ref="I-5", country="USA",
                       synthetic=False)
    return G


def test_snap_straight_line_times_circuity() -> None:
    G = synthetic_highway_graph()
    near = _station("near", 49.0, -122.74)  # 0.01° east of node 1
    # hand computation: 0.01° of longitude at 49° N = 0.01 * 111195.08 * cos(49°) = 729.50 m
    straight = 0.01 * M_PER_DEG * math.cos(math.radians(49.0))
    assert straight == pytest.approx(729.50, abs=0.01)
    # node 2 is closer (0.01° N is further: 1111.95 m) but it is not an interchange anyway
    kept, left = snap_stations([near], G)
    assert left == []
    (s,) = kept
    assert (s.node, s.method, s.country, s.node_country) == (1, "circuity", "USA", "USA")
    assert s.offset_m == pytest.approx(1.3 * 729.50, abs=0.1)  # 948.35 m
    kept, _ = snap_stations([near], G, circuity=1.0)
    assert kept[0].offset_m == pytest.approx(729.50, abs=0.1)


def test_snap_prefers_interchanges_and_leaves_far_stations_out() -> None:
    G = synthetic_highway_graph()
    mid = _station("mid", 49.0105, -122.75)  # 55.6 m from node 2 (not an exit), 1056 m from 1
    far = _station("far", 49.0, -122.60)  # 0.15° east: 10,942.5 m straight, ×1.3 = 14.2 km
    kept, left = snap_stations([mid, far], G, max_offset_m=5000)
    assert [k.node for k in kept] == [3]  # 49.02 is 1056.4 m away, 49.00 is 1167.5 m
    assert kept[0].offset_m == pytest.approx(1.3 * 0.0095 * M_PER_DEG, abs=0.2)
    assert kept[0].notes == ("station country USA differs from the snapped node's CAN",)
    assert [(s.id, why) for s, why in left] == [
        ("far", "offset 14.2 km to the nearest exit node 1 (276) exceeds the 5.0 km limit")]


def test_snap_network_distance_on_local_roads() -> None:
    """SYNTHETIC: an exit node A and a local street to B, 1500 m long (winding)."""
    G = nx.MultiDiGraph(crs="EPSG:4326", source="osm")
    G.add_node(10, x=-122.75, y=49.0, country="USA", label="", interchange=True, crossing="")
    G.add_node(11, x=-122.73, y=49.0, country="USA", label="", interchange=False, crossing="")
    G.add_edge(10, 11, length=1500.0, highway="residential")
    G.add_edge(11, 10, length=1500.0, highway="residential")
    st = _station("shop", 49.0, -122.7295)  # 0.0005° east of B
    kept, _ = snap_stations([st], G)
    stub = 0.0005 * M_PER_DEG * math.cos(math.radians(49.0))  # 36.47 m
    assert kept[0].method == "network" and kept[0].node == 10
    assert kept[0].offset_m == pytest.approx(1500.0 + stub, abs=0.1)


def test_site_spec_known_and_assumed() -> None:
    tesla, _ = read_stations(F / "tesla-superchargers-sample-2023-06.csv")
    surrey = next(s for s in tesla if s.id == "tesla:surrey-bc")
    info = describe_site(surrey, offset_m=300.0)
    assert info.spec.connectors == (("NACS", 20, 72.0),)
    assert (info.spec.ports, info.spec.power_kw, info.spec.offset_m) == (20, 72.0, 300.0)
    assert info.power_known and info.ports_known and info.assumptions == ()
    buellton = next(s for s in tesla if s.id == "tesla:buellton-ca")
    assert site_spec(buellton).power_kw == 75.0  # V2 150 kW shared by two stalls
    bc, _ = read_stations(F / "afdc-api-BC-sample-2023-12-30.csv")
    hydro = next(s for s in bc if s.id == "afdc:84159")
    info = describe_site(hydro)
    assert info.spec.connectors == (("CHAdeMO", 1, 50.0), ("CCS1", 1, 50.0))
    assert (info.spec.ports, info.spec.power_kw) == (2, 50.0)
    assert not info.power_known and info.ports_known
    assert info.assumptions == ("DC power unknown: 50 kW per port assumed",
                                "CHAdeMO connector count unknown: 1 assumed",
                                "CCS1 connector count unknown: 1 assumed")
    ccs, _ = read_stations(F / "excerpt_stations_map_CA_J1772COMBO.geojson")
    info = describe_site(ccs[0])
    assert (info.spec.ports, info.ports_known) == (1, False)


def test_dedupe_same_operator_wider_distance() -> None:
    afdc, _ = read_stations(F / "afdc-WA-lacey-2025-02-09.csv")
    tesla, _ = read_stations(F / "tesla-lacey-2023-06.csv")
    a, t = afdc[0], tesla[0]
    dy = (a.lat - t.lat) * M_PER_DEG
    dx = (a.lon - t.lon) * M_PER_DEG * math.cos(math.radians(a.lat))
    assert math.hypot(dx, dy) == pytest.approx(198.3, abs=0.5)
    assert len(dedupe([a, t])[0]) == 2  # default: 150 m
    merged, report = dedupe([a, t], same_operator_distance_m=300.0)
    assert [m.source_ids for m in merged] == [["afdc:168277", "tesla:lacey-wa"]]
    assert report.merged[0][2] == "same operator Tesla"


def test_dedupe_ocm_poi_with_tesla_list() -> None:
    ocm, _ = read_stations(F / "ocm-export-array.json")  # verified 2018-06-23
    tesla, _ = read_stations(F / "tesla-matehuala-2023-06.csv")
    merged, report = dedupe(ocm + tesla)
    (s,) = merged
    assert s.source_ids == ["ocm:106519", "tesla:matehuala-mexico"]
    assert s.id == "tesla:matehuala-mexico"  # the 2023 list is fresher than the 2018 POI
    assert s.connectors == [ConnectorInfo(type="NACS", count=4, max_kw=120.0)]
    assert (s.country, s.state, s.open_date) == ("MEX", "San Luis Potosí", date(2018, 6, 22))
    assert report.merged[0][2] == "same operator Tesla"


_POOL = (read_stations(F / "afdc-WA-sample-2025-02-09.csv")[0]
         + read_stations(F / "tesla-superchargers-sample-2023-06.csv")[0])


@given(st.lists(st.sampled_from(range(11)), min_size=1, max_size=11, unique=True))
@settings(max_examples=40, deadline=None)
def test_dedupe_is_idempotent_and_keeps_every_source_id(picks: list[int]) -> None:
    chosen = [_POOL[i] for i in picks]
    once, _ = dedupe(chosen)
    twice, _ = dedupe(once)
    assert [s.model_dump() for s in once] == [s.model_dump() for s in twice]
    assert sorted(i for s in once for i in s.source_ids) == sorted(s.id for s in chosen)


def test_name_rule_needs_more_than_a_shared_place_name() -> None:
    from evcorridor.stations.merge import compatible

    # names and operators as in afdc:39839 (us-ccs map) and tesla:salem-sc-or, 60 m apart
    nissan = _station("afdc:39839", 44.9, -123.0).model_copy(
        update={"name": "Nissan of Salem", "operator": "Non-Networked"})
    tesla = _station("tesla:salem-sc-or", 44.9, -123.0).model_copy(
        update={"name": "Tesla Supercharger Salem (SC), OR", "operator": "Tesla"})
    assert compatible(nissan, tesla) is None
    ikea = _station("a:1", 43.3, -79.8).model_copy(update={"name": "IKEA"})
    ikea2 = _station("b:1", 43.3, -79.8).model_copy(update={"name": "IKEA Burlington"})
    assert compatible(ikea, ikea2) == "similar names 'IKEA' / 'IKEA Burlington'"


def _brute_pairs(lat: list[float], lon: list[float], reach: float
                 ) -> list[tuple[int, int, float]]:
    """Every pair within `reach` m, by comparing each point with every later one."""
    import numpy as np

    from evcorridor.geodesy import haversine_array

    out = []
    for i in range(len(lat) - 1):
        d = haversine_array(lat[i], lon[i], np.array(lat[i + 1:]), np.array(lon[i + 1:]))
        out += [(i, i + 1 + int(k), float(d[k])) for k in np.flatnonzero(d <= reach)]
    return out


@pytest.mark.parametrize("reach", [150.0, 300.0, 2000.0])
def test_near_pairs_strtree_finds_exactly_the_brute_force_pairs(reach: float) -> None:
    # the shapely STRtree search that replaced the hand-made grid: on every station of the
    # embedded snapshots (real coordinates, 30°N to 50°N), the same pairs as comparing all
    import csv

    from evcorridor.stations.merge import near_pairs

    rows = []
    data = Path(__file__).resolve().parents[1] / "data" / "stations"
    for path in sorted(data.glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            rows += [(float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)]
    assert len(rows) > 1500
    lat, lon = [r[0] for r in rows], [r[1] for r in rows]
    got = near_pairs(lat, lon, reach)
    want = _brute_pairs(lat, lon, reach)
    assert [(i, j) for i, j, _ in got] == [(i, j) for i, j, _ in want]
    assert [d for *_, d in got] == pytest.approx([d for *_, d in want], abs=1e-6)
    assert len(got) > 100  # stations in one car park from several sources


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-75, 75), st.floats(-170, -50)), min_size=2, max_size=40),
       st.floats(1.0, 500_000.0))
def test_near_pairs_matches_brute_force_anywhere(points: list[tuple[float, float]],
                                                 reach: float) -> None:
    # synthetic points (hypothesis) over North American longitudes, including high latitudes
    # where a degree of longitude is short
    from evcorridor.stations.merge import near_pairs

    lat, lon = [p[0] for p in points], [p[1] for p in points]
    got = [(i, j) for i, j, _ in near_pairs(lat, lon, reach)]
    assert got == [(i, j) for i, j, _ in _brute_pairs(lat, lon, reach)]
