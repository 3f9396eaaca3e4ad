"""Build step for stations: `data/stations/<corridor>.csv` and `data/ocm-reference.json`.

Called by `scripts/build_data.py` (`make data`) as `build(shared, data, log)`; it can also run on
its own: `python -m evcorridor.build.station_data [SHARED] [DATA]`.

For every shipped corridor (configs/corridors/*.yaml) with a network graph in data/networks/, the
snapshot holds the existing public DC fast stations (status open or temporarily unavailable) from
the raw exports in ../shared/data/stations/ that lie within the corridor's `buffer_km` of a node
of its graph (great-circle distance), de-duplicated across sources, with the source, the source
files and the data date on every row. Older records for a state/province that a newer complete
AFDC export covers are dropped when that export no longer lists them (superseded). The block
between `<!-- stations:begin -->` and `<!-- stations:end -->` in data/README.md is rewritten with
per corridor and side counts, sources, data dates and gaps.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from evcorridor.atomic import write_text
from evcorridor.errors import EvCorridorError, InputError
from evcorridor.geodesy import haversine_array
from evcorridor.stations.merge import dedupe
from evcorridor.stations.model import Station
from evcorridor.stations.normalized import stations_csv
from evcorridor.stations.readers import ReaderOptions, read_stations
from evcorridor.stations.readers.ocm import REFERENCE_FILE, compact_reference

Log = Callable[[str], None]
MERGE_DISTANCE_M = 150.0  # same site: within 150 m and compatible names or operators
SAME_OPERATOR_DISTANCE_M = 300.0  # ... or within 300 m with the same known operator
BEGIN, END = "<!-- stations:begin -->", "<!-- stations:end -->"
AREA_FILE = "stations/all/stations.csv"  # every station of every source (evcorridor.stations)
SOURCES_FILE = "station-sources.csv"  # name, date, licence of each raw station file


@dataclass(frozen=True)
class Source:
    path: str  # relative to ../shared/data
    fmt: str
    label: str  # as shown in data/README.md
    options: dict[str, Any] = field(default_factory=dict)
    #: "file": the export date in the file name; "newest": the newest date in the file
    #: (for exports that carry no date of their own, e.g. the GeoJSON maps)
    date_from: str = "file"
    dc_only: bool = False  # every row is a DC fast station (DC maps, Superchargers)
    complete_for: tuple[tuple[str, str], ...] = ()  # (country, state) the export fully lists
    caveat: str = ""
    #: for `data/station-sources.csv` (plans, reports and maps name each source and its date):
    #: the short name people read, where the file comes from, its licence and attribution
    name: str = ""
    origin: str = ""
    licence: str = ""


_AFDC_TERMS = ("AFDC/NREL data, free for any use; attribute \"U.S. DOE Alternative Fuels Data "
               "Center\"")
_EV_MAP = "GitHub canadianveggie/ev-map"
_EV_MAP_TERMS = f"MIT repository; {_AFDC_TERMS}"

SOURCES: tuple[Source, ...] = (
    Source("stations/afdc-WA-2025-02-09.csv", "afdc", "AFDC Washington export",
           complete_for=(("USA", "WA"),), name="AFDC (WA)",
           origin="AFDC station export, Washington, GitHub andreagafer98/ev_adoption_rates "
                  "@d113711", licence=_AFDC_TERMS),
    Source("stations/afdc-NY-2025-04-21.csv", "afdc", "AFDC New York export",
           complete_for=(("USA", "NY"),), name="AFDC (NY)",
           origin="AFDC station export, New York, GitHub JingniZ/ev_charging @ca95eea",
           licence=_AFDC_TERMS),
    Source("stations/afdc-api-BC-2023-12-30.csv", "afdc-api", "AFDC/NRCan British Columbia API",
           complete_for=(("CAN", "BC"),), name="AFDC API (BC)",
           origin="AFDC/NRCan API export, British Columbia, GitHub "
                  "akin-aroge/bc-ev-charging-analysis @07f3c19", licence=_AFDC_TERMS),
    Source("stations/canada-dcfc-2022/stations_map_CA_J1772COMBO.geojson", "geojson",
           "AFDC Canada CCS map (ev-map)", {"id_prefix": "afdc", "connector": "CCS1"},
           date_from="newest", dc_only=True, caveat="no port counts or power",
           name="AFDC CCS map (Canada)", origin=f"{_EV_MAP} @c777525", licence=_EV_MAP_TERMS),
    Source("stations/canada-dcfc-2022/stations_map_CA_CHADEMO.geojson", "geojson",
           "AFDC Canada CHAdeMO map (ev-map)", {"id_prefix": "afdc", "connector": "CHAdeMO"},
           date_from="newest", dc_only=True, caveat="no port counts or power",
           name="AFDC CHAdeMO map (Canada)", origin=f"{_EV_MAP} @c777525",
           licence=_EV_MAP_TERMS),
    Source("stations/canada-dcfc-2022/stations_map_CA_TESLA.geojson", "geojson",
           "AFDC Canada Tesla map (ev-map)", {"id_prefix": "afdc", "connector": "NACS"},
           date_from="newest", dc_only=True, caveat="no port counts or power",
           name="AFDC Tesla map (Canada)", origin=f"{_EV_MAP} @c777525", licence=_EV_MAP_TERMS),
    Source("stations/canada-dcfc-2022/stations_map_US_TESLA.geojson", "geojson",
           "AFDC US Tesla map (ev-map)", {"id_prefix": "afdc", "connector": "NACS"},
           date_from="newest", dc_only=True, caveat="no port counts or power",
           name="AFDC Tesla map (US)", origin=f"{_EV_MAP} @c777525", licence=_EV_MAP_TERMS),
    Source("stations/us-ccs-dcfc-2022-11.geojson", "geojson", "AFDC US CCS map (ev-map)",
           {"id_prefix": "afdc", "connector": "CCS1"},
           date_from="newest", dc_only=True, caveat="no port counts or power",
           name="AFDC CCS map (US)", origin=f"{_EV_MAP} @1f4e716", licence=_EV_MAP_TERMS),
    Source("stations/tesla-superchargers-NA-2023-06.csv", "supercharge",
           "Tesla Superchargers (supercharge.info)", date_from="newest", dc_only=True,
           name="Tesla Superchargers (supercharge.info)",
           origin="GitHub kspswati/tesla-supercharger-analysis @4eec9b4 (supercharge.info "
                  "columns)", licence="MIT repository; the list names no upstream licence"),
)


def _newest(stations: list[Station]) -> date | None:
    ds = [d for s in stations for d in (s.open_date, s.last_confirmed) if d]
    return max(ds) if ds else None


def load_sources(shared: Path, log: Log) -> tuple[list[Station], dict[str, Source], list[str]]:
    """All selected stations from the raw exports; returns (stations, file -> source, notes)."""
    selected: list[Station] = []
    by_file: dict[str, Source] = {}
    notes: list[str] = []
    for src in SOURCES:
        path = shared / src.path
        if not path.exists():
            notes.append(f"{src.path}: missing from {shared}; skipped")
            log(f"stations: {notes[-1]}")
            continue
        stations, report = read_stations(path, src.fmt, ReaderOptions(**src.options))
        if src.date_from == "newest":
            newest = _newest(stations)
            stations = [s.model_copy(update={"data_date": newest}) for s in stations]
        by_file[path.name] = src
        why: Counter[str] = Counter()
        keep: list[Station] = []
        for s in stations:
            if s.access != "public":
                why["restricted access"] += 1
            elif s.status == "planned":
                why["planned, not built"] += 1
            elif not src.dc_only and not (s.dc_fast_ports or 0) > 0:
                why["no DC fast port"] += 1
            else:
                keep.append(s)
        selected.extend(keep)
        skipped = ", ".join(f"{n} {w}" for w, n in sorted(why.items()))
        log(f"stations: {src.path}: read {report.rows_read}, kept {report.rows_kept}, "
            f"rejected {report.rows_rejected}; selected {len(keep)} public DC fast"
            f"{f' (left out: {skipped})' if skipped else ''}")
        for msg in report.messages()[:3]:
            if "not electric" not in msg:
                log(f"stations:   {msg}")
    return selected, by_file, notes


def sources_csv(selected: list[Station], by_file: dict[str, Source]) -> str:
    """`data/station-sources.csv`: one row per raw station file read (evcorridor.stations.
    provenance reads it): its short name, date (the export date, or the newest date in it for
    the maps and lists without one), how many public DC fast records it gave, licence, origin."""
    dates: dict[str, date] = {}
    counts: Counter[str] = Counter()
    for s in selected:
        f = s.source_file or ""
        counts[f] += 1
        if s.data_date is not None and (f not in dates or s.data_date > dates[f]):
            dates[f] = s.data_date
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "name", "format", "date", "records", "licence", "origin"])
    for fname, src in sorted(by_file.items()):
        d = dates.get(fname)
        w.writerow([fname, src.name or src.label, src.fmt, d.isoformat() if d else "",
                    counts[fname], src.licence, src.origin])
    return buf.getvalue()


def supersede(stations: list[Station], by_file: dict[str, Source]
              ) -> tuple[list[Station], list[str]]:
    """Drop older AFDC-derived records a newer complete export of their state no longer lists."""
    complete: dict[tuple[str, str], tuple[date, set[str]]] = {}
    for fname, src in by_file.items():
        for key in src.complete_for:
            ids = {s.id for s in stations if s.source_file == fname}
            dd = next((s.data_date for s in stations if s.source_file == fname and s.data_date),
                      None)
            if dd:
                complete[key] = (dd, ids)
    out, dropped = [], []
    for s in stations:
        key = (s.country, (s.state or "").upper())
        if key in complete and s.id.startswith("afdc:") and s.data_date:
            dd, ids = complete[key]
            if s.data_date < dd and s.id not in ids:
                dropped.append(f"{s.id} ({s.source_file}, {s.data_date}): not in the newer "
                               f"complete export of {key[1]} ({dd})")
                continue
        out.append(s)
    return out, dropped


def _nearest_m(lat: np.ndarray, lon: np.ndarray, nlat: np.ndarray, nlon: np.ndarray
               ) -> np.ndarray:
    """For each point, the great-circle distance (m) to the nearest of the nodes."""
    return np.array([float(np.min(haversine_array(lat[i], lon[i], nlat, nlon)))
                     for i in range(len(lat))], dtype=float)


def graph_file(data: Path, corridor_id: str) -> Path | None:
    for name in (f"{corridor_id}.graphml", f"{corridor_id}.graphml.gz"):
        p = data / "networks" / name
        if p.is_file():
            return p
    return None


def graph_nodes(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Node latitudes and longitudes of a corridor graph file."""
    import osmnx as ox

    if path.suffix == ".gz":
        with tempfile.TemporaryDirectory() as tmp:
            plain = Path(tmp) / path.stem
            plain.write_bytes(gzip.decompress(path.read_bytes()))
            G = ox.load_graphml(plain)
    else:
        G = ox.load_graphml(path)
    ys = np.array([float(d["y"]) for _, d in sorted(G.nodes(data=True))])
    xs = np.array([float(d["x"]) for _, d in sorted(G.nodes(data=True))])
    return ys, xs


def _country_check(stations: list[Station], shared: Path) -> dict[str, str]:
    """station id -> disagreement text, from the Natural Earth country polygons."""
    path = shared / "boundaries" / "naturalearth-10m-admin0-USA-CAN-MEX.geojson"
    if not path.is_file():
        return {}
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    polys = {}
    for ft in json.loads(path.read_text(encoding="utf-8"))["features"]:
        polys[ft["properties"]["ISO_A3"]] = prep(shape(ft["geometry"]))
    out = {}
    for s in stations:
        pt = Point(s.lon, s.lat)
        own = polys.get(s.country)
        if own is not None and own.contains(pt):
            continue
        inside = [c for c, p in sorted(polys.items()) if p.contains(pt)]
        if inside:  # points just offshore (coastal sites, simplified coastline) are not flagged
            out[s.id] = f"{s.id} {s.name!r}: source says {s.country}, boundary says {inside[0]}"
    return out


def _side_text(rows: list[Station], by_file: dict[str, Source]) -> tuple[str, str]:
    counts: Counter[str] = Counter()
    dates: dict[str, date | None] = {}
    for s in rows:
        primary = (s.source_file or "").split()[0] if s.source_file else "?"
        src = by_file.get(primary)
        label = src.label if src else primary
        counts[label] += 1
        dates[label] = s.data_date
    parts = [f"{n} {label} ({dates[label]})" for label, n in sorted(counts.items(),
                                                                     key=lambda x: (-x[1], x[0]))]
    ds = [s.data_date for s in rows if s.data_date]
    age = f"{min(ds)} … {max(ds)}" if ds else "–"
    return "; ".join(parts), age


def _gaps(rows: list[Station], extra: str) -> str:
    from evcorridor.stations.sitespec import describe_site

    infos = [describe_site(s) for s in rows]
    no_ports = sum(1 for i in infos if not i.ports_known)
    no_power = sum(1 for i in infos if not i.power_known)
    parts = [extra] if extra else []
    if no_ports:
        parts.append(f"{no_ports} without port count (1 assumed)")
    if no_power:
        parts.append(f"{no_power} without power (unknown)")
    if extra:
        parts[0] = f"**partial**: {extra}"
    return "; ".join(parts) or "–"


def _trucks(rows: list[Station]) -> str:
    """`true / false / unknown` counts of the rows' truck access."""
    yes = sum(1 for s in rows if s.truck_access is True)
    no = sum(1 for s in rows if s.truck_access is False)
    return f"{yes} / {no} / {len(rows) - yes - no}"


def _one_way(summary: list[dict[str, Any]]) -> str:
    """The stations serving one carriageway, per corridor ("i87-champlain 6: ...")."""
    parts = []
    for item in summary:
        if item.get("missing"):
            continue
        rows = sorted((s for side in item["sides"] for s in item["rows"].get(side, [])
                       if s.serves), key=lambda s: s.id)
        if rows:
            parts.append(f"{item['id']} {len(rows)} (" + ", ".join(
                f"{s.id} {s.serves}" for s in rows) + ")")
    return "; ".join(parts) or "none on the corridors"


def readme_block(summary: list[dict[str, Any]], by_file: dict[str, Source], notes: list[str]
                 ) -> str:
    lines = [
        BEGIN,
        "## Existing charging stations (`data/stations/<corridor>.csv`)",
        "",
        "Derived by `make data` (evcorridor/build/station_data.py) from the raw exports in "
        "`../shared/data/stations/`: public DC fast stations that are open (or temporarily "
        "unavailable) within the corridor's `buffer_km` of a node of its network graph, "
        "de-duplicated across sources (same site: within 150 m with similar names or operators, "
        "or within 300 m with the same known operator; every source id kept in `source_ids`). "
        "Records of an older AFDC-derived map for a state/province that a newer complete AFDC "
        "export covers (WA, NY, BC) are dropped when that export no longer lists them; Tesla "
        "Supercharger list sites that match no AFDC row are kept. Each row carries its `source`, "
        "`source_file` (freshest first) and `data_date` (the export date; for the map exports "
        "without one, the newest date in the file). Rows are sorted by id; floats have 6 decimals. "
        "Columns: `id, source, source_ids, name, lat, lon, country, state, operator, status, "
        "access, connectors, dc_fast_ports, open_date, last_confirmed, data_date, source_file, "
        "truck_access, truck_access_basis, serves, serves_basis`; "
        "`connectors` is `TYPE:count:max_kw` joined by `|`, empty where unknown "
        "(e.g. `CHAdeMO::|CCS1::`). Read them with `evcorridor stations list <corridor>` or "
        "`evcorridor.stations.corridor_stations`.",
        "",
        "`truck_access` (`true` / `false` / `unknown`) says whether a tractor-trailer can use the "
        "site, and `truck_access_basis` the source field it rests on "
        "(evcorridor/stations/truck.py): AFDC `Maximum Vehicle Class` (API "
        "`maximum_vehicle_class`) `HD` → true (\"AFDC maximum_vehicle_class=HD\"); else AFDC "
        "`Facility Type` (`facility_type`) `TRUCK_STOP` or `TRAVEL_CENTER` → true (the host has "
        "truck parking; \"AFDC facility_type=TRAVEL_CENTER; maximum_vehicle_class=LD\" where "
        "its present chargers are in the car lot); else `LD` / `MD` → false; anything else → "
        "unknown with an empty basis. Only the WA, NY and BC AFDC exports carry the two fields; "
        "the AFDC map exports (GeoJSON) and the Tesla list do not, so their stations are "
        "unknown. No OpenStreetMap station extract is among the raw files, so no `hgv=*` tag "
        "is used here (the live OSM reader, `stations import --input-format osm`, reads "
        "`hgv=yes|designated|no`). A merged station keeps the freshest record that knows it.",
        "",
        "`serves` (`northbound` / `southbound` / `eastbound` / `westbound`, empty = both ways) "
        "says that a station is on one carriageway only, and `serves_basis` the evidence "
        "(evcorridor/stations/carriageway.py; docs/siting.md, \"Direction of service\"): the "
        "name (\"New Baltimore SB Travel Plaza\", \"Brookdale Service Plaza - Northbound\"), "
        "the street address or AFDC `Intersection Directions` with a heading beside a highway "
        "number or milepost (\"62 Highway 401 Eastbound\" on ONroute Tilbury South, \"NYS "
        "Thruway Milepost 210 Eastbound\", \"Milepost 66 Southbound\"), or an OSM `direction` "
        "tag (live OSM reader only). A bare \"South\" in an address (\"Milepost 127 South\" "
        "on both New Baltimore plazas) and a heading beside a street (\"Westbound Airport Way "
        "at Highway 97\") are not read; two headings give both ways with the basis "
        "`conflicting: ...`. One carriageway only: " + _one_way(summary) + ".",
        "",
        "| corridor | side | stations | from (data date) | data dates | gaps | truck access "
        "true / false / unknown |",
        "|---|---|---:|---|---|---|---|",
    ]
    for item in summary:
        if item.get("missing"):
            continue
        for side in item["sides"]:
            rows = item["rows"].get(side, [])
            gap = "no non-Tesla DC fast data for Mexico" if side == "MEX" else ""
            if not rows:
                lines.append(f"| {item['id']} | {side} | 0 | **no station data: plans on this "
                             f"side are greenfield** | – | {gap or 'none found in the sources'} "
                             "| – |")
                continue
            text, age = _side_text(rows, by_file)
            lines.append(f"| {item['id']} | {side} | {len(rows)} | {text} | {age} | "
                         f"{_gaps(rows, gap)} | {_trucks(rows)} |")
    missing = [i["id"] for i in summary if i.get("missing")]
    lines += [""]
    if missing:
        lines.append(f"No network graph yet (no snapshot built): {', '.join(missing)}.")
        lines.append("")
    lines += [
        "Sources (licences): AFDC / NRCan station data — attribute \"U.S. DOE Alternative Fuels "
        "Data Center\"; AFDC maps from GitHub canadianveggie/ev-map (MIT repo); Tesla "
        "Supercharger list from GitHub kspswati/tesla-supercharger-analysis (MIT repo, "
        "supercharge.info columns); Open Charge Map reference tables (CC BY 4.0) in "
        "`data/ocm-reference.json`.",
        "",
        "Known limits of the station data:",
        "- Mexico: the only DC fast data is the Tesla Supercharger list (mid-2023); CFE and "
        "dealer CCS/CHAdeMO sites are missing, so Mexican sides are partial at best.",
        "- USA outside WA and NY: CCS stations come from the Nov 2022 AFDC map "
        "(`us-ccs-dcfc-2022-11.geojson`) with no port counts or power; Tesla sites from the "
        "2024 map and the 2023 Supercharger list.",
        "- Canada outside BC: CCS/CHAdeMO from the 2022 AFDC maps (no ports or power); BC from "
        "the Dec 2023 AFDC/NRCan API export.",
        "- AFDC exports give DC fast port totals but never the power per port.",
        "",
        "Where a source is silent the fact stays unknown (evcorridor/stations/sitespec.py; "
        "`power_known` / `ports_known` False): plans write its power and port count as null, "
        "never count it as meeting a standard's minimum power or ports, and name the stops "
        "that rest on it (`unknown_stops`); only a vehicle may count on the low end of AFDC's "
        "DC fast class there (50 kW on one port) to charge; a Tesla site reported at 150 kW "
        "(V2 cabinets shared by two stalls) "
        "guarantees 75 kW per stall. Snapping uses straight-line distance × 1.3 (a commonly used "
        "urban/regional circuity factor; an assumption, not measured here) where the graph has "
        "no local roads.",
    ]
    for item in summary:
        if item.get("country_notes"):
            lines.append("")
            lines.append(f"Country disagreements in {item['id']} against the Natural Earth "
                         "1:10m polygons, which are coarse along the border rivers (the source "
                         "country is kept): "
                         + "; ".join(item["country_notes"]))
    if notes:
        lines.append("")
        lines += [f"- {n}" for n in notes]
    lines.append(END)
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        new = head + block.rstrip("\n") + tail
    else:
        new = (text.rstrip("\n") + "\n\n" if text.strip() else "") + block
    write_text(readme, new)


def build_ocm_reference(shared: Path, data: Path, log: Log) -> None:
    src = shared / "stations" / "ocm-reference-2021-11.json"
    if not src.is_file():
        raise InputError(f"{src}: Open Charge Map reference data not found")
    compact = compact_reference(json.loads(src.read_text(encoding="utf-8")))
    compact["_provenance"] = ("Open Charge Map reference data, GitHub openchargemap/ocm-data "
                              "@b98a481 (2021-11-05), CC BY 4.0; ID/Title columns only")
    write_text(data / REFERENCE_FILE, json.dumps(compact, indent=1, sort_keys=True,
                                                 ensure_ascii=False) + "\n")
    log(f"stations: wrote {data / REFERENCE_FILE}")


def build(shared: Path, data: Path, log: Log) -> None:
    """Derive data/ocm-reference.json and data/stations/<corridor>.csv (see module docstring)."""
    from evcorridor.corridors import corridors_dir, load_corridor_file

    # crossings are checked by the corridor build; stations only need ids, sides and buffers
    corridors = [load_corridor_file(p, check_crossings=False)
                 for p in sorted(corridors_dir().glob("*.yaml"))]
    build_ocm_reference(shared, data, log)
    selected, by_file, notes = load_sources(shared, log)
    write_text(data / SOURCES_FILE, sources_csv(selected, by_file))
    log(f"stations: wrote {data / SOURCES_FILE}")
    merged, mreport = dedupe(selected, distance_m=MERGE_DISTANCE_M,
                             same_operator_distance_m=SAME_OPERATOR_DISTANCE_M)
    log(f"stations: {len(selected)} selected records -> {len(merged)} stations after merging "
        f"{len(mreport.merged)} groups")
    current, dropped = supersede(merged, by_file)
    log(f"stations: {len(dropped)} superseded records dropped")
    write_text(data / AREA_FILE, stations_csv(current))
    log(f"stations: {len(current)} stations of every source -> {data / AREA_FILE} (stations of "
        "corridors made with `corridors create`, by area)")
    lat = np.array([s.lat for s in current])
    lon = np.array([s.lon for s in current])
    summary: list[dict[str, Any]] = []
    for corridor in sorted(corridors, key=lambda c: c.id):
        sides = ["USA", corridor.other_country]
        gpath = graph_file(data, corridor.id)
        if gpath is None:
            log(f"stations: {corridor.id}: no graph in {data / 'networks'}; snapshot not built")
            summary.append({"id": corridor.id, "sides": sides, "rows": {}, "missing": True})
            continue
        nlat, nlon = graph_nodes(gpath)
        # cheap box filter before exact distances
        pad = corridor.buffer_km / 111.0 + 0.01
        box = ((lat >= nlat.min() - pad) & (lat <= nlat.max() + pad)
               & (lon >= nlon.min() - pad / max(math.cos(math.radians(float(nlat.max()))), 0.1))
               & (lon <= nlon.max() + pad / max(math.cos(math.radians(float(nlat.max()))), 0.1)))
        idx = np.nonzero(box)[0]
        dist = _nearest_m(lat[idx], lon[idx], nlat, nlon) if len(idx) else np.array([])
        near = [current[int(i)] for i, d in zip(idx, dist, strict=True)
                if d <= corridor.buffer_km * 1000.0 and current[int(i)].country in sides]
        out_path = data / "stations" / f"{corridor.id}.csv"
        write_text(out_path, stations_csv(near))
        rows: dict[str, list[Station]] = defaultdict(list)
        for s in near:
            rows[s.country].append(s)
        cnotes = sorted(_country_check(near, shared).values())
        for n in cnotes:
            log(f"stations: {corridor.id}: country disagreement: {n}")
        summary.append({"id": corridor.id, "sides": sides, "rows": rows,
                        "country_notes": cnotes})
        log(f"stations: {corridor.id}: {len(near)} stations "
            + ", ".join(f"{c} {len(rows.get(c, []))}" for c in sides) + f" -> {out_path}")
    update_readme(data / "README.md", readme_block(summary, by_file, notes))


def main(argv: list[str] | None = None) -> int:
    from evcorridor.settings import get_settings

    args = sys.argv[1:] if argv is None else argv
    settings = get_settings()
    shared = Path(args[0]) if args else settings.shared_data_dir
    data = Path(args[1]) if len(args) > 1 else settings.data_dir
    try:
        build(shared, data, lambda m: print(m, file=sys.stderr))
    except EvCorridorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
