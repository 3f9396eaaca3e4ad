"""`make data` step for the network engineer's datasets (deterministic bytes).

Reads ../shared/data (raw, never committed) and writes into data/:
- boundaries.geojson   Natural Earth country polygons (clipped, simplified) + the two border lines
- crossings.csv        BTS road ports joined with Travel Mapping border points
- crossing-volumes.csv the BTS monthly road counts behind it (port, measure, month), for sizing
- networks/<id>.graphml.gz   one corridor graph per configs/corridors/<id>.yaml
- networks/<id>.net.npz      the same graph in the compact binary form the embedded source reads
- networks/accuracy.json     measured distance errors (exit numbers vs graph), also in README.md
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from evcorridor.atomic import write_bytes, write_text
from evcorridor.corridors import Corridor, load_corridor_file
from evcorridor.crossings import COLUMNS, slug
from evcorridor.errors import EvCorridorError, InputError
from evcorridor.geodesy import haversine_m
from evcorridor.network import compact
from evcorridor.network.boundaries import CountryLocator
from evcorridor.network.graph import gzip_bytes, to_graphml_bytes
from evcorridor.network.travelmapping import (
    SYNTHETIC_LINKS,
    TMData,
    Waypoint,
    border_point,
    build_corridor_graph,
    measure_length_factors,
    read_tm,
)

Log = Callable[[str], None]

TM_GLOB = "travelmapping/HighwayData-*.tar.gz"
BTS_FILE = "ports/bts-border-crossing-entry-subset.csv"
NE_FILE = "boundaries/naturalearth-10m-admin0-USA-CAN-MEX.geojson"
CLIP_BOX = (-130.0, 23.0, -60.0, 53.5)
SIMPLIFY_DEG = 0.005
MIN_ISLAND_DEG2 = 0.002
ROAD_MEASURES = ("Personal Vehicles", "Trucks", "Buses")
MATCH_RADIUS_M = 5000.0


@dataclass(frozen=True)
class Bridge:
    """A per-bridge crossing row inside one BTS port (volumes stay the port's)."""

    port_code: str
    id: str
    name: str
    tm_root: str  # TM route holding the border point ("" = synthetic link)
    tm_label: str


# Ports whose crossings corridors use, with the crossing's own name and TM border point; ports
# covering several bridges get one row per bridge (volumes_scope = "port").
BRIDGES: tuple[Bridge, ...] = (
    Bridge("3004", "blaine-peace-arch", "Blaine – Peace Arch (I-5 / BC 99)", "wa.i005", "USA/CAN"),
    Bridge("3004", "blaine-pacific-highway", "Blaine – Pacific Highway (SR 543 / BC 15)",
           "bc.bc015", "USA/CAN"),
    Bridge("3310", "sweetgrass-coutts", "Sweetgrass – Coutts (I-15 / AB 4)", "mt.i015", "USA/CAN"),
    Bridge("3401", "pembina-emerson", "Pembina – Emerson (I-29 / PTH 75)", "nd.i029", "USA/CAN"),
    Bridge("3802", "port-huron-blue-water-bridge", "Port Huron – Sarnia, Blue Water Bridge",
           "mi.bluwatbri", "USA/CAN"),
    Bridge("3801", "detroit-ambassador-bridge", "Detroit – Windsor, Ambassador Bridge",
           "mi.ambbri", "CAN/USA"),
    Bridge("3801", "detroit-gordie-howe-bridge", "Detroit – Windsor, Gordie Howe International "
           "Bridge", "mi.gorhowbri", "CAN/USA"),
    Bridge("901", "buffalo-peace-bridge", "Buffalo – Fort Erie, Peace Bridge", "ny.peabri",
           "CAN/USA"),
    Bridge("901", "buffalo-rainbow-bridge", "Niagara Falls, Rainbow Bridge", "ny.ny384", "RaiBri"),
    Bridge("901", "buffalo-lewiston-queenston-bridge", "Lewiston – Queenston Bridge",
           "ny.lewquebri", "CAN/USA"),
    Bridge("712", "champlain-lacolle", "Champlain – Lacolle (I-87 / A-15)", "ny.i087", "USA/CAN"),
    Bridge("708", "alexandria-bay-thousand-islands", "Alexandria Bay – Lansdowne, Thousand "
           "Islands Bridge", "ny.i081", "USA/CAN"),
    Bridge("209", "derby-line-stanstead", "Derby Line – Stanstead (I-91 / A-55)", "vt.i091",
           "USA/CAN"),
    Bridge("106", "houlton-woodstock", "Houlton – Woodstock (I-95 / NB 95)", "me.i095", "USA/CAN"),
    Bridge("2504", "san-ysidro", "San Ysidro – Tijuana (I-5)", "", ""),
    Bridge("2506", "otay-mesa", "Otay Mesa – Tijuana (SR 905)", "", ""),
    Bridge("2503", "calexico-west", "Calexico West – Mexicali (SR 111)", "", ""),
    Bridge("2507", "calexico-east", "Calexico East – Mexicali (SR 7)", "", ""),
    Bridge("2604", "nogales-deconcini", "Nogales – DeConcini (I-19 BL / MEX 15)",
           "az.i019blnog", "MEX/USA"),
    Bridge("2604", "nogales-mariposa", "Nogales – Mariposa (SR 189 / MEX 15D)", "az.az189",
           "MEX/USA"),
    Bridge("2402", "el-paso-bridge-of-the-americas", "El Paso – Ciudad Juárez, Bridge of the "
           "Americas (I-110)", "", ""),
    Bridge("2402", "el-paso-paso-del-norte", "El Paso – Ciudad Juárez, Paso del Norte Bridge "
           "(US 85)", "tx.us085", "MEX/USA"),
    Bridge("2408", "santa-teresa", "Santa Teresa – San Jerónimo (NM 136)", "nm.nm136", "MEX/USA"),
    Bridge("2304", "laredo-juarez-lincoln", "Laredo – Nuevo Laredo, Juárez–Lincoln Bridge (I-35)",
           "", ""),
    Bridge("2304", "laredo-world-trade-bridge", "Laredo – Nuevo Laredo, World Trade Bridge "
           "(I-69W)", "tx.wortrabri", "MEX/USA"),
    Bridge("2304", "laredo-colombia-solidarity", "Laredo – Colombia Solidarity Bridge",
           "tx.larcolbri", "MEX/USA"),
    Bridge("2301", "brownsville-veterans-bridge", "Brownsville – Matamoros, Veterans "
           "International Bridge (I-69E)", "tx.vetintbri", "MEX/USA"),
    Bridge("2301", "brownsville-free-trade-bridge", "Los Indios – Free Trade International "
           "Bridge", "tx.fretrabri", "MEX/USA"),
    Bridge("2305", "pharr-reynosa-bridge", "Pharr – Reynosa International Bridge", "tx.reyphabri",
           "MEX/USA"),
    Bridge("2305", "hidalgo-anzalduas-bridge", "Mission – Anzalduas International Bridge",
           "tx.anzintbri", "MEX/USA"),
)


@dataclass(frozen=True)
class Commercial:
    """Whether a crossing processes commercial trucks ("true" / "false" / "unknown") and why."""

    value: str
    source: str


_LAREDO = ("Laredo's four bridges: only the Colombia Solidarity Bridge and the World Trade Bridge "
           "allow commercial trucks; the World Trade Bridge carries commercial traffic only "
           "(Transport Geography, https://transportgeography.org/contents/chapter7/"
           "transborder-crossborder-transportation/laredo-commercial-vehicle-border-crossing)")
_NOGALES = ("Nogales ports: DeConcini = pedestrians, passenger vehicles, trains; Mariposa = all "
            "modes including trucks (Nogales EDF, http://nogalesedf.wwvprojects.com/"
            "business-environment/international-ports/)")
_EL_PASO = ("the Bridge of the Americas is one of El Paso's two commercial crossings, the other "
            "being Ysleta–Zaragoza, its own BTS port (FreightWaves 2023, https://freightwaves.com/"
            "news/cbp-halts-commercial-truck-cargo-processing-at-texas-port-of-entry/amp)")
_RGV = ("FAST commercial lanes at the Veterans International, Free Trade and Pharr–Reynosa bridges "
        "(FHWA-HOP-12-049 ch. 3, https://ops.fhwa.dot.gov/publications/fhwahop12049/ch3.htm)")
_NIAGARA = ("Peace Bridge and Lewiston–Queenston are the Niagara trade bridges; commercial "
            "vehicles are not allowed on the Rainbow Bridge (The VACH 2023, https://thevach.com/"
            "five-border-crossing-facts-to-know-in-the-wake-of-rainbow-bridge-explosion/)")

#: Curated commercial-truck status of crossings that share a BTS port or that the bts truck count
#: alone cannot settle; every other crossing is "true" when its own port counted trucks in the
#: BTS data, else "unknown" (see `commercial_of`).
COMMERCIAL: dict[str, Commercial] = {
    "blaine-peace-arch": Commercial(
        "false", "trucks are not processed at Peace Arch (no commercial inspection facility); "
        "they use the Pacific Highway crossing 1 mile east (AARoads forum on WA 543 / BC 15, "
        "https://www.aaroads.com/forum/index.php?topic=18003.1225)"),
    "blaine-pacific-highway": Commercial(
        "true", "B.C.'s main point of entry for commercial truck traffic (The Northern Light "
        "2022, http://thenorthernlight.com/stories/protesters-block-pacific-highway-crossing-"
        "for-three-days-stalling-truck-traffic,19138)"),
    "san-ysidro": Commercial(
        "false", "Otay Mesa was built to divert commercial trucks from San Ysidro, now reserved "
        "for automobiles and pedestrians (FreightWaves Classics, https://heavyhaultexas.com/"
        "freightwaves-classics-otay-mesa-land-port-is-third-busiest-on-u-s-mexico-border/); "
        "BTS counts no trucks at port 2504"),
    "otay-mesa": Commercial(
        "true", "California's busiest commercial port, with a commercial vehicle inspection "
        "facility (BTS, https://www.bts.dot.gov/bts/archive/publications/"
        "north_american_trade_and_travel_trends/box3)"),
    "calexico-west": Commercial(
        "false", "since Calexico East opened in 1996 all truck traffic from Mexicali is inspected "
        "there (https://wikimili.com/en/Calexico_East_Port_of_Entry); BTS counts no trucks at "
        "port 2503"),
    "calexico-east": Commercial(
        "true", "the principal gateway for trade by truck in the Imperial Valley, 3 northbound "
        "truck lanes (Caltrans port fact sheet, https://docsbay.net/port-fact-sheet)"),
    "nogales-deconcini": Commercial("false", _NOGALES),
    "nogales-mariposa": Commercial("true", _NOGALES),
    "el-paso-bridge-of-the-americas": Commercial("true", _EL_PASO),
    "el-paso-paso-del-norte": Commercial("false", _EL_PASO),
    "laredo-juarez-lincoln": Commercial("false", _LAREDO),
    "laredo-world-trade-bridge": Commercial("true", _LAREDO),
    "laredo-colombia-solidarity": Commercial("true", _LAREDO),
    "brownsville-veterans-bridge": Commercial("true", _RGV),
    "brownsville-free-trade-bridge": Commercial("true", _RGV),
    "pharr-reynosa-bridge": Commercial("true", _RGV),
    "hidalgo-anzalduas-bridge": Commercial(
        "unknown", "southbound truck counts reported (2017), northbound commercial processing not "
        "confirmed by a checked source"),
    "buffalo-peace-bridge": Commercial("true", _NIAGARA),
    "buffalo-lewiston-queenston-bridge": Commercial("true", _NIAGARA),
    "buffalo-rainbow-bridge": Commercial("false", _NIAGARA),
    "detroit-ambassador-bridge": Commercial(
        "true", "the Detroit port (3801) counted 1,398,577 trucks/yr in 2021, when the Ambassador "
        "Bridge was its only bridge (the Gordie Howe bridge was under construction)"),
    "detroit-gordie-howe-bridge": Commercial(
        "unknown", "not open during the BTS period (2020-2021); its commercial processing is not "
        "confirmed by a checked source"),
}

#: Ports whose whole truck count belongs to one crossing, because the port's other crossings do
#: not process trucks (sources in COMMERCIAL): crossing id -> why.
PORT_TRUCKS_AT: dict[str, str] = {
    "blaine-pacific-highway": "Peace Arch takes no trucks",
    "nogales-mariposa": "DeConcini and Morley take no trucks",
    "el-paso-bridge-of-the-americas": "the port's only commercial bridge",
}
#: Crossings that carry commercial traffic only (no personal vehicles).
TRUCKS_ONLY = {"laredo-world-trade-bridge": _LAREDO}


def commercial_of(crossing_id: str, code: str, trucks: int | None, how: str,
                  shared: bool) -> Commercial:
    """The commercial status of a crossing: curated, else from its own port's BTS truck count
    (a port with one crossing that counted trucks processes trucks)."""
    if crossing_id in COMMERCIAL:
        return COMMERCIAL[crossing_id]
    if shared:
        return Commercial("unknown", f"port {code} has several crossings; not checked")
    if trucks:
        part = next((h.strip() for h in how.split(";") if h.strip().startswith("trucks")), "")
        return Commercial("true", f"BTS Border Crossing Entry Data: port {code} counted "
                                  f"{trucks:,} trucks/yr ({part})")
    if trucks == 0:
        return Commercial("false", f"BTS Border Crossing Entry Data: port {code} counted no trucks")
    return Commercial("unknown", f"no truck count for port {code} in the BTS data")


def crossing_volumes(crossing_id: str, bridges: list[str], cars: int | None, trucks: int | None
                     ) -> tuple[int | None, int | None, str]:
    """(own cars/yr, own trucks/yr, note) of one crossing of a port; a port's total goes to one of
    its crossings only where a source supports it (PORT_TRUCKS_AT, TRUCKS_ONLY, COMMERCIAL
    "false" = 0 trucks), else the crossing's own count is unknown (None)."""
    if len(bridges) <= 1:
        return cars, trucks, ""
    notes = []
    own_trucks: int | None = None
    if COMMERCIAL.get(crossing_id, Commercial("unknown", "")).value == "false":
        own_trucks = 0
        notes.append("no trucks (not a commercial crossing)")
    elif crossing_id in PORT_TRUCKS_AT:
        own_trucks = trucks
        notes.append(f"the port's trucks ({PORT_TRUCKS_AT[crossing_id]})")
    else:
        notes.append("trucks: the port's count is not split between its crossings")
    own_cars: int | None = None
    if crossing_id in TRUCKS_ONLY:
        own_cars = 0
        notes.append("no personal vehicles (commercial only)")
    else:
        notes.append("cars: the port's count is not split between its crossings")
    return own_cars, own_trucks, "; ".join(notes)

STATE_ABBR = {
    "Alaska": "AK", "Arizona": "AZ", "California": "CA", "Idaho": "ID", "Maine": "ME",
    "Michigan": "MI", "Minnesota": "MN", "Montana": "MT", "New Mexico": "NM", "New York": "NY",
    "North Dakota": "ND", "Texas": "TX", "Vermont": "VT", "Washington": "WA",
}


# ---------------------------------------------------------------- boundaries


def read_natural_earth(path: Path) -> dict[str, BaseGeometry]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {f["properties"]["ISO_A3"]: shape(f["geometry"]) for f in doc["features"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read Natural Earth polygons: {exc}") from exc


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(v, 5) for v in obj]
        return [_round_coords(o) for o in obj]
    return obj


def boundaries_geojson(countries: dict[str, BaseGeometry]) -> str:
    clip = box(*CLIP_BOX)
    feats: list[dict[str, Any]] = []
    for code in ("USA", "CAN", "MEX"):
        g = countries[code].intersection(clip).simplify(SIMPLIFY_DEG, preserve_topology=True)
        parts = [p for p in getattr(g, "geoms", [g]) if p.area >= MIN_ISLAND_DEG2]
        merged = unary_union(parts)
        geom = mapping(merged)
        feats.append({"type": "Feature", "properties": {"kind": "country", "id": code},
                      "geometry": {"type": geom["type"],
                                   "coordinates": _round_coords(geom["coordinates"])}})
    usa = countries["USA"]
    for border, other in (("us-ca", "CAN"), ("us-mx", "MEX")):
        line = usa.boundary.intersection(countries[other].buffer(1e-4)).intersection(clip)
        line = line.simplify(SIMPLIFY_DEG / 5)
        geom = mapping(line)
        feats.append({"type": "Feature", "properties": {"kind": "border", "id": border},
                      "geometry": {"type": geom["type"],
                                   "coordinates": _round_coords(geom["coordinates"])}})
    doc = {"type": "FeatureCollection",
           "name": "evcorridor boundaries (Natural Earth 1:10m admin-0 5.1.1, public domain)",
           "features": feats}
    return json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n"


# ---------------------------------------------------------------- BTS ports


@dataclass
class Port:
    code: str
    name: str
    state: str
    border: str
    lat: float
    lon: float
    monthly: dict[str, dict[str, int]]  # measure -> {YYYY-MM: value}


def read_bts(path: Path) -> dict[str, Port]:
    ports: dict[str, Port] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if len(row) != 10:
            raise InputError(f"{path}:row {n}: expected 10 columns, got {len(row)}")
        name, state, code, border, date, measure, value, lat, lon, _ = row
        try:
            p = ports.setdefault(code, Port(code, name, state,
                                            "us-ca" if "Canada" in border else "us-mx",
                                            float(lat), float(lon), defaultdict(dict)))
            p.monthly[measure][date[:7]] = int(value)
        except ValueError as exc:
            raise InputError(f"{path}:row {n}: {exc}") from exc
    return ports


def annualise(port: Port) -> tuple[int | None, int | None, str]:
    """(cars/yr, trucks/yr, how). Cars: Jan+Feb 2020 x6 (before the March 2020 closure) when both
    months exist, else the 2021 months scaled to 12 (closure-affected, said so). Trucks: the 2021
    months scaled to 12 (trucks were exempt from the closure)."""
    how: list[str] = []
    pv = port.monthly.get("Personal Vehicles", {})
    cars: int | None = None
    if "2020-01" in pv and "2020-02" in pv:
        cars = (pv["2020-01"] + pv["2020-02"]) * 6
        how.append("cars: 2020-01..2020-02 x6 (pre-closure)")
    else:
        months = sorted(m for m in pv if m.startswith("2021"))
        if months:
            cars = round(sum(pv[m] for m in months) * 12 / len(months))
            scale = "" if len(months) == 12 else f" x12/{len(months)}"
            how.append(f"cars: 2021 {len(months)} months{scale} (closure-affected)")
    tr = port.monthly.get("Trucks", {})
    trucks: int | None = None
    for year in ("2021", "2020"):
        months = sorted(m for m in tr if m.startswith(year))
        if months:
            trucks = round(sum(tr[m] for m in months) * 12 / len(months))
            how.append(f"trucks: {year} {len(months)} months"
                       + ("" if len(months) == 12 else f" x12/{len(months)}"))
            break
    if cars is None:
        how.append("cars: no data")
    if trucks is None:
        how.append("trucks: no data")
    return cars, trucks, "; ".join(how)


# ---------------------------------------------------------------- crossings


def _point(tm: TMData, root: str, label: str) -> Waypoint:
    for w in tm.points.get(root, []):
        if w.label == label or label in w.alts:
            return w
    raise InputError(f"Travel Mapping data has no waypoint {label!r} on {root!r}")


class _Index:
    def __init__(self, tm: TMData) -> None:
        self.tm = tm
        self.at: dict[tuple[float, float], list[str]] = defaultdict(list)
        for root, pts in tm.points.items():
            for p in pts:
                self.at[(p.lat, p.lon)].append(root)

    def side_routes(self, lat: float, lon: float) -> tuple[list[str], list[str]]:
        us: set[str] = set()
        other: set[str] = set()
        for root in self.at.get((lat, lon), []):
            r = self.tm.routes[root]
            if r.system == "nasib":
                pts = self.tm.points[root]
                for end in (pts[0], pts[-1]):
                    if (end.lat, end.lon) == (lat, lon):
                        continue
                    for root2 in self.at.get((end.lat, end.lon), []):
                        r2 = self.tm.routes[root2]
                        if r2.system != "nasib":
                            (us if r2.country == "USA" else other).add(r2.name)
            else:
                (us if r.country == "USA" else other).add(r.name)
        return sorted(us), sorted(other)


def international_tokens(tm: TMData) -> set[str]:
    """Region-pair labels that mark an international border point ("AK/YT", "WA/BC", "ND/MB",
    "TX/TAM"...): one side a US state, the other a Canadian or Mexican region (TM writes
    Mexican states without the "MEX-" prefix)."""
    us = {r for r, c in tm.region_country.items() if c == "USA"}
    other = {r.removeprefix("MEX-") for r, c in tm.region_country.items() if c in ("CAN", "MEX")}
    return {f"{a}/{b}" for a in us for b in other} | {f"{b}/{a}" for a in us for b in other}


def build_crossings(tm: TMData, ports: dict[str, Port], usa: BaseGeometry,
                    log: Log) -> tuple[list[dict[str, Any]], dict[str, tuple[float, float]]]:
    index = _Index(tm)
    synthetic = {s.crossing: s for s in SYNTHETIC_LINKS}
    border_tokens = international_tokens(tm)
    border_pts: list[tuple[float, float, str]] = []
    for root, pts in sorted(tm.points.items()):
        for p in pts:
            if p.is_border or p.tokens & border_tokens:
                border_pts.append((p.lat, p.lon, f"{root} {p.label}"))
    rows: list[dict[str, Any]] = []
    used: set[tuple[float, float]] = set()
    bridges_by_port: dict[str, list[Bridge]] = defaultdict(list)
    for b in BRIDGES:
        bridges_by_port[b.port_code].append(b)
    road = {c: p for c, p in ports.items() if any(m in p.monthly for m in ROAD_MEASURES)}
    names = [slug(p.name) for p in road.values()]
    for code, port in sorted(road.items()):
        cars, trucks, how = annualise(port)
        st = STATE_ABBR.get(port.state, port.state)
        base = {"port_code": code, "port_name": port.name, "border": port.border, "state": st,
                "port_cars_per_year": cars, "port_trucks_per_year": trucks,
                "annualised_from": how}
        bridges = bridges_by_port.get(code, [])
        bridge_ids = [b.id for b in bridges]
        for b in bridges:
            if b.tm_root:
                w = _point(tm, b.tm_root, b.tm_label)
                lat, lon = w.lat, w.lon
                where = f"{b.tm_root} {w.label}"
                source, note = "travelmapping", ""
            else:
                s = synthetic[b.id]
                a, o = _point(tm, s.us_root, s.us_label), _point(tm, s.other_root, s.other_label)
                lat, lon = border_point(a, o, usa)
                where = f"{s.us_root} {s.us_label} -> {s.other_root} {s.other_label}"
                source = "synthetic-link" if not a.is_border else "travelmapping"
                note = "no Travel Mapping link across the border: synthetic link; " + s.note
            used.add((lat, lon))
            us, other = index.side_routes(lat, lon)
            if not b.tm_root:
                s = synthetic[b.id]
                us = sorted(set(us) | {tm.routes[s.us_root].name})
                other = sorted(set(other) | {tm.routes[s.other_root].name})
            own_cars, own_trucks, split = crossing_volumes(b.id, bridge_ids, cars, trucks)
            com = commercial_of(b.id, code, trucks, how, len(bridges) > 1)
            rows.append({**base, "id": b.id, "name": b.name, "lat": lat, "lon": lon,
                         "location_source": source, "tm_border_point": where,
                         "highways_us": ";".join(us), "highways_other": ";".join(other),
                         "cars_per_year": own_cars, "trucks_per_year": own_trucks,
                         "volumes_scope": "port" if len(bridges) > 1 else "crossing",
                         "commercial": com.value, "commercial_source": com.source,
                         "note": "; ".join(x for x in (split, note) if x)})
        if bridges:
            continue
        best: tuple[float, float, float, str] | None = None
        for lat, lon, where in border_pts:
            d = haversine_m(port.lat, port.lon, lat, lon)
            if d <= MATCH_RADIUS_M and (best is None or d < best[0]):
                best = (d, lat, lon, where)
        cid = slug(port.name)
        if names.count(cid) > 1:
            cid = f"{cid}-{st.lower()}"
        com = commercial_of(cid, code, trucks, how, False)
        base.update({"cars_per_year": cars, "trucks_per_year": trucks,
                     "commercial": com.value, "commercial_source": com.source})
        if best is not None:
            _, lat, lon, where = best
            us, other = index.side_routes(lat, lon)
            rows.append({**base, "id": cid, "name": f"{port.name}, {st}", "lat": lat, "lon": lon,
                         "location_source": "travelmapping", "tm_border_point": where.split(";")[0],
                         "highways_us": ";".join(us), "highways_other": ";".join(other),
                         "volumes_scope": "crossing", "note": ""})
        else:
            rows.append({**base, "id": cid, "name": f"{port.name}, {st}", "lat": port.lat,
                         "lon": port.lon, "location_source": "bts",
                         "tm_border_point": "", "highways_us": "", "highways_other": "",
                         "volumes_scope": "crossing",
                         "note": f"no Travel Mapping border point within "
                                 f"{MATCH_RADIUS_M / 1000:.0f} km of the BTS port location"})
    rows.sort(key=lambda r: (r["border"], r["state"], r["id"]))
    log(f"crossings: {len(rows)} rows from {len(road)} BTS road ports "
        f"({sum(1 for r in rows if r['location_source'] == 'bts')} without a TM border point)")
    points = {r["id"]: (r["lat"], r["lon"]) for r in rows}
    return rows, points


def crossings_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in COLUMNS})
    return buf.getvalue()


VOLUME_COLUMNS = ["port_code", "measure", "month", "value"]


def volumes_csv(ports: dict[str, Port]) -> str:
    """Every monthly BTS road count (personal vehicles, trucks, buses) of every port, sorted:
    what `evcorridor size` chooses its demand base year from (see data/README.md)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(VOLUME_COLUMNS)
    for code in sorted(ports):
        for measure in ROAD_MEASURES:
            for month, value in sorted(ports[code].monthly.get(measure, {}).items()):
                w.writerow([code, measure, month, value])
    return buf.getvalue()


# ---------------------------------------------------------------- accuracy


MI, KM = 1609.344, 1000.0
ACCURACY_ROUTES: tuple[tuple[str, str, float], ...] = (
    ("i5-cascadia", "wa.i005", MI), ("i15-alberta", "mt.i015", MI), ("i35-laredo", "tx.i035", MI),
    ("i29-red-river", "nd.i029", MI), ("i5-cascadia", "or.i005", MI),
    ("i95-houlton", "me.i095", MI), ("i94-blue-water", "mi.i069", MI),
    ("i75-detroit-windsor", "mi.i075", MI), ("i75-detroit-windsor", "oh.i075", MI),
    ("i10-el-paso", "nm.i010", MI), ("i10-el-paso", "tx.i010", MI),
    ("i5-tijuana", "ca.i005", MI), ("i8-calexico", "ca.i008", MI),
    ("i19-nogales", "az.i010", MI), ("rio-grande-valley", "tx.i069e", MI),
    # Canadian freeways number exits by kilometre
    ("i75-detroit-windsor", "on.on401", KM), ("i94-blue-water", "on.on402", KM),
    ("i87-champlain", "qc.a015", KM), ("i91-stanstead", "qc.a055", KM),
    ("niagara", "on.onqew", KM), ("i81-thousand-islands", "on.on401", KM),
)


def build(shared: Path, data: Path, log: Log) -> None:
    """Rebuild boundaries.geojson, crossings.csv and networks/*.graphml.gz from `shared`."""
    from evcorridor.network.accuracy import measure_exit_errors
    from evcorridor.settings import get_settings

    tarballs = sorted(shared.glob(TM_GLOB))
    if not tarballs:
        raise InputError(f"{shared}: no {TM_GLOB}")
    log(f"reading {tarballs[-1].name}")
    tm = read_tm(tarballs[-1])
    log(f"  {len(tm.routes)} routes, data date {tm.data_date}")
    countries = read_natural_earth(shared / NE_FILE)
    write_text(data / "boundaries.geojson", boundaries_geojson(countries))
    log("wrote data/boundaries.geojson")
    ports = read_bts(shared / BTS_FILE)
    rows, points = build_crossings(tm, ports, countries["USA"], log)
    write_text(data / "crossings.csv", crossings_csv(rows))
    log("wrote data/crossings.csv")
    write_text(data / "crossing-volumes.csv", volumes_csv(ports))
    log("wrote data/crossing-volumes.csv")

    corridors: list[Corridor] = [
        load_corridor_file(p, check_crossings=False)
        for p in sorted((get_settings().configs_dir / "corridors").glob("*.yaml"))
    ]
    regions = sorted({r.region for r in tm.routes.values()
                      if r.country in {"USA", "CAN", "MEX"}})
    factors = measure_length_factors(tm, regions)
    locator = CountryLocator({c: g for c, g in countries.items()})
    out = data / "networks"
    accuracy: dict[str, Any] = {"routes": []}
    graphs = {}
    for corridor in corridors:
        G = build_corridor_graph(tm, corridor, locator=locator, usa_polygon=countries["USA"],
                                 crossing_points={c: points[c] for c in corridor.crossings
                                                  if c in points},
                                 length_factors=factors)
        G.graph["source"] = "embedded"
        G.graph["built_from"] = "travelmapping"
        blob = gzip_bytes(to_graphml_bytes(G))
        write_bytes(out / f"{corridor.id}.graphml.gz", blob)
        size = compact.save(G, out / f"{corridor.id}{compact.SUFFIX}")
        graphs[corridor.id] = G
        log(f"wrote data/networks/{corridor.id}.graphml.gz and {compact.SUFFIX}: "
            f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges, "
            f"{len(blob) / 1024:.0f} KiB and {size / 1024:.0f} KiB")
    for cid, root, unit in ACCURACY_ROUTES:
        if cid in graphs:
            try:
                got = measure_exit_errors(graphs[cid], root, unit)
            except EvCorridorError as exc:
                log(f"accuracy: {cid} {root}: {exc}")
                continue
            accuracy["routes"].append({"corridor": cid, "route": root,
                                       "exit_unit": "km" if unit == KM else "mile", **got})
    used = {part.split("=")[0] for g in graphs.values()
            for part in str(g.graph["length_factors"]).split(";") if part}
    accuracy["length_factors"] = {k: v for k, v in sorted(factors.items()) if k in used}
    accuracy["continental"] = _build_continental(tm, countries, points, factors, corridors,
                                                 out, log)
    write_text(out / "accuracy.json", json.dumps(accuracy, indent=2, sort_keys=True) + "\n")
    _update_readme(data / "README.md", accuracy)
    _update_networks_table(data / "README.md", corridors, graphs)
    log("wrote data/networks/accuracy.json")


def _build_continental(tm: TMData, countries: dict[str, BaseGeometry],
                       points: dict[str, tuple[float, float]], factors: dict[str, float],
                       corridors: list[Corridor], out: Path, log: Log) -> dict[str, Any]:
    """Write networks/continental.npz; measure the accuracy of corridor graphs cut out of
    it against exit numbers (the same routes as the corridor graphs)."""
    from evcorridor.network.accuracy import measure_exit_errors
    from evcorridor.network.continental import (
        FILE_NAME,
        build_continental,
        corridor_graph,
        load_continental,
    )

    blob = build_continental(tm, polygons=countries, crossing_points=points,
                             length_factors=factors)
    write_bytes(out / FILE_NAME, blob)
    cont = load_continental(out / FILE_NAME)
    log(f"wrote data/networks/{FILE_NAME}: {cont.meta['nodes']} nodes, {cont.meta['edges']} "
        f"edges, {len(cont.meta['systems'])} systems, {len(blob) / 1e6:.1f} MB")
    by_id = {c.id: c for c in corridors}
    rows: list[dict[str, Any]] = []
    cut: dict[str, Any] = {}
    for cid, root, unit in ACCURACY_ROUTES:
        if cid not in by_id:
            continue
        if cid not in cut:
            cut[cid] = corridor_graph(cont, by_id[cid], {c: points[c]
                                                        for c in by_id[cid].crossings})
        try:
            got = measure_exit_errors(cut[cid], root, unit)
        except EvCorridorError as exc:
            log(f"accuracy (continental): {cid} {root}: {exc}")
            continue
        rows.append({"corridor": cid, "route": root,
                     "exit_unit": "km" if unit == KM else "mile", **got})
    return {"file": FILE_NAME, "nodes": cont.meta["nodes"], "edges": cont.meta["edges"],
            "systems": cont.meta["systems"], "routes": rows}


def _replace_block(path: Path, name: str, lines: list[str]) -> None:
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in text or end not in text:
        return
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    write_text(path, head + begin + "\n".join(lines) + end + tail)


def _update_networks_table(path: Path, corridors: list[Corridor], graphs: dict[str, Any]) -> None:
    from evcorridor.network.summary import network_summary

    lines = ["", "| corridor | nodes | edges | road km (USA / other) | main route via each "
                 "crossing: total km (border at km) | synthetic segments |",
             "|---|---|---|---|---|---|"]
    for c in corridors:
        s = network_summary(graphs[c.id], c)
        km = s["km_per_country"]
        routes = "; ".join(f"{r['crossing']}: {r['length_km']:.1f} ({r['border_km']:.1f})"
                           for r in s["routes"])
        lines.append(f"| {c.id} | {s['nodes']} | {s['edges']} | {km.get('USA', 0):.1f} / "
                     f"{km.get(c.other_country, 0):.1f} | {routes} | {s['synthetic_links']} |")
    lines.append("")
    _replace_block(path, "networks", lines)


def _update_readme(path: Path, accuracy: dict[str, Any]) -> None:
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    begin, end = "<!-- accuracy:begin -->", "<!-- accuracy:end -->"
    if begin not in text or end not in text:
        return
    lines = ["", "| corridor | route | exits (unit) | exit-number km | graph km | "
                 "error (corrected) | error (straight lines) | worst window ≥ 160 km |",
             "|---|---|---|---|---|---|---|---|"]
    for r in accuracy["routes"]:
        lines.append(f"| {r['corridor']} | {r['route']} | {r['first_exit']}–{r['last_exit']} "
                     f"({r['exit_unit']}) | "
                     f"{r['marked_km']:.1f} | {r['graph_km']:.1f} | {r['error_pct']:+.2f} % | "
                     f"{r['straight_error_pct']:+.2f} % | "
                     + ("– |" if r["worst_window_pct"] is None else
                        f"{r['worst_window_pct']:+.2f} % |"))
    cont = accuracy.get("continental")
    if cont:
        lines.append("")
        lines.append(f"The continental graph (`networks/{cont['file']}`, {cont['nodes']} nodes, "
                     f"{cont['edges']} edges) uses the same factors; corridor graphs cut out of "
                     "it for the same corridors measure (graph km against exit-number km):")
        lines.append("")
        lines.append("| corridor | route | exit-number km | graph km | error (corrected) |")
        lines.append("|---|---|---|---|---|")
        for r in cont["routes"]:
            lines.append(f"| {r['corridor']} | {r['route']} | {r['marked_km']:.1f} | "
                         f"{r['graph_km']:.1f} | {r['error_pct']:+.2f} % |")
    lines.append("")
    lines.append("Length factors applied (region = factor): " + ", ".join(
        f"{k} = {v}" for k, v in accuracy["length_factors"].items()) + ".")
    lines.append("")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    write_text(path, head + begin + "\n".join(lines) + end + tail)
