"""The embedded snapshots against a direct, independent read of the raw exports.

The I-5 corridor's snapshot (data/stations/i5-cascadia.csv) must hold exactly the AFDC public DC
fast stations of the Washington and British Columbia exports that lie within the corridor's buffer
of a node of its graph. The expected set is computed here with the csv module, a hand-written
haversine and the graph file parsed as XML — no project code.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
WA = "afdc-WA-2025-02-09.csv"
BC = "afdc-api-BC-2023-12-30.csv"


def graph_nodes(path: Path) -> list[tuple[float, float]]:
    root = ET.fromstring(gzip.decompress(path.read_bytes()))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("attr.name"): k.get("id") for k in root.findall("g:key", ns)
            if k.get("for") == "node"}
    out = []
    for node in root.iter("{http://graphml.graphdrawing.org/xmlns}node"):
        vals = {d.get("key"): d.text for d in node.findall("g:data", ns)}
        out.append((float(vals[keys["y"]]), float(vals[keys["x"]])))
    return out


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371008.8
    a = (math.sin(math.radians(lat2 - lat1) / 2) ** 2 + math.cos(math.radians(lat1))
         * math.cos(math.radians(lat2)) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * r * math.asin(math.sqrt(a))


def buffer_km(corridor: str) -> float:
    text = (REPO / "configs" / "corridors" / f"{corridor}.yaml").read_text(encoding="utf-8")
    m = re.search(r"^buffer_km:\s*([0-9.]+)", text, re.M)
    assert m, "buffer_km missing"
    return float(m[1])


def afdc_dc_fast(path: Path, cols: dict[str, str]) -> dict[str, tuple[float, float]]:
    """id -> (lat, lon) of open/temporarily-unavailable public DC fast EV stations."""
    out = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row[cols["fuel"]] != "ELEC" or row[cols["status"]] not in ("E", "T"):
                continue
            if row[cols["access"]] != "public" or row[cols["restricted"]].lower() == "true":
                continue
            if not row[cols["dc"]] or float(row[cols["dc"]]) <= 0:
                continue
            out[str(int(float(row[cols["id"]])))] = (float(row[cols["lat"]]),
                                                     float(row[cols["lon"]]))
    return out


LOCATOR = {"fuel": "Fuel Type Code", "status": "Status Code", "access": "Access Code",
           "restricted": "Restricted Access", "dc": "EV DC Fast Count", "id": "ID",
           "lat": "Latitude", "lon": "Longitude"}
API = {"fuel": "fuel_type_code", "status": "status_code", "access": "access_code",
       "restricted": "restricted_access", "dc": "ev_dc_fast_num", "id": "id",
       "lat": "latitude", "lon": "longitude"}


def test_i5_snapshot_reproduces_afdc_dc_fast_near_i5(shared_data: Path) -> None:
    graph = DATA / "networks" / "i5-cascadia.graphml.gz"
    snapshot = DATA / "stations" / "i5-cascadia.csv"
    assert graph.is_file() and snapshot.is_file(), "run `make data`"
    nodes = graph_nodes(graph)
    limit = buffer_km("i5-cascadia") * 1000.0
    expected: dict[str, set[str]] = {}
    for name, cols in ((WA, LOCATOR), (BC, API)):
        found = afdc_dc_fast(shared_data / "stations" / name, cols)
        expected[name] = {
            f"afdc:{sid}" for sid, (lat, lon) in found.items()
            if min(haversine(lat, lon, y, x) for y, x in nodes) <= limit}
    got: dict[str, set[str]] = {WA: set(), BC: set()}
    with snapshot.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for name in (WA, BC):
                if name in row["source_file"].split():
                    afdc_ids = [i for i in row["source_ids"].split() if i.startswith("afdc:")]
                    assert len(afdc_ids) == 1, row["id"]
                    got[name].update(afdc_ids)
    assert got == expected
    # 243 WA and 79 BC stations with the graph of 2026-11-27; the exact figures move with the
    # I-5 graph (the set equality above is the check), but a corridor from Portland through
    # Seattle to Vancouver cannot hold fewer than these (WA export: 386 public DC fast sites,
    # BC: 329, most of them around Seattle and Vancouver)
    assert len(expected[WA]) >= 150 and len(expected[BC]) >= 50
    assert len(expected[WA]) <= 386 and len(expected[BC]) <= 329


def test_snapshot_rows_are_sorted_and_deterministic() -> None:
    for path in sorted((DATA / "stations").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        ids = [r["id"] for r in rows]
        assert ids == sorted(ids) and len(set(ids)) == len(ids), path.name
        for r in rows:
            assert r["data_date"] and r["source"] and r["source_file"], (path.name, r["id"])
            assert r["status"] in ("open", "temporarily_unavailable"), (path.name, r["id"])


CA_CCS = "canada-dcfc-2022/stations_map_CA_J1772COMBO.geojson"


def test_every_snapshot_is_current_with_its_graph_for_the_canada_ccs_map(
        shared_data: Path) -> None:
    """Every corridor's snapshot holds exactly the Canada CCS map stations (outside BC, whose
    newer AFDC/NRCan export supersedes the map) within the buffer of its *current* graph: a graph
    that changed without `make data` leaves a stale snapshot (niagara once missed 16 Toronto
    stations after the Gardiner Expressway was added). Independent read: json + haversine."""
    import json

    features = json.loads((shared_data / "stations" / CA_CCS).read_text(encoding="utf-8"))
    points = {f"afdc:{f['properties']['id']}": (f["geometry"]["coordinates"][1],
                                                 f["geometry"]["coordinates"][0])
              for f in features["features"]
              if f["properties"]["state"] != "BC" and f["properties"]["status_code"] in ("E", "T")}
    checked = 0
    for graph in sorted((DATA / "networks").glob("*.graphml.gz")):
        cid = graph.name.removesuffix(".graphml.gz")
        nodes = graph_nodes(graph)
        limit = buffer_km(cid) * 1000.0
        pad = limit / 111_000 + 0.5  # degrees: a box that surely holds every station in reach
        lat0, lat1 = min(y for y, _ in nodes) - pad, max(y for y, _ in nodes) + pad
        lon0, lon1 = min(x for _, x in nodes) - 2 * pad, max(x for _, x in nodes) + 2 * pad
        expected = {sid for sid, (lat, lon) in points.items()
                    if lat0 <= lat <= lat1 and lon0 <= lon <= lon1
                    and min(haversine(lat, lon, y, x) for y, x in nodes) <= limit}
        with (DATA / "stations" / f"{cid}.csv").open(encoding="utf-8", newline="") as fh:
            got = {i for row in csv.DictReader(fh) if CA_CCS.split("/")[1] in row["source_file"]
                   for i in row["source_ids"].split() if i in points}
        assert got == expected, (cid, sorted(expected - got)[:5], sorted(got - expected)[:5])
        checked += len(expected)
    # the US–Canada corridors outside BC reach several hundred of the map's 1,204 stations
    assert checked >= 300
