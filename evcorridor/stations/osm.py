"""OpenStreetMap `amenity=charging_station` reader (live, through osmnx / Overpass).

`read_osm_stations(corridor_or_polygon)` asks Overpass (via `evcorridor.network.osm`, the only
module that configures osmnx) for every charging station in the corridor polygon and turns each
element into a `Station`:

- connectors from `socket:<type>=<count>` (a count, or `yes` = present, count unknown; `no`/`0` =
  absent) and `socket:<type>:output` (`150 kW`, `7.2kW`, `50000 W`; several values → the largest):

      type1_combo → CCS1 (DC)     chademo → CHAdeMO (DC)     tesla_supercharger → NACS (DC)
      nacs → NACS (DC unless its output is below 25 kW)       tesla_destination → NACS (AC)
      type1, type1_cable → J1772 (AC)    type2_combo → CCS2 (DC)    mcs → MCS (DC)
      nema_5_15 / nema_5_20 / nema_14_50 → NEMA515 / NEMA520 / NEMA1450 (AC)

  other socket types (e.g. type2, schuko) are outside the project's vocabulary: the station is
  kept with a warning naming them;
- DC fast ports: `capacity` when the station has only DC sockets, else the largest DC socket count
  (sockets of different types often share one post, so their sum would over-count), `0` when every
  socket is AC, unknown when a DC count is `yes` and there is no usable `capacity`;
- name (`name`, else operator), operator (`operator`, `network`, `brand`), access (`private`, `no`,
  `customers`, ... → restricted), status (`construction` / `planned` → planned), `start_date` →
  opening date, `check_date` (or `survey:date`) → last confirmed, Overpass `timestamp_osm_base`
  → data date, country from the Natural Earth boundaries; `hgv=yes|designated|no` → truck
  access (evcorridor.stations.truck).

A malformed count or power value rejects the element with a one-line reason (element id, tag,
value); nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
from shapely.geometry import MultiPolygon, Point, Polygon

from evcorridor.settings import get_settings
from evcorridor.stations.carriageway import serves_from
from evcorridor.stations.common import parse_coord_pair, parse_date
from evcorridor.stations.model import ConnectorInfo, ReadReport, Station
from evcorridor.stations.readers.base import RowCollector
from evcorridor.stations.truck import osm_truck_access

Progress = Callable[[str, float], None]

#: OSM socket type → (canonical connector, DC fast?)
SOCKETS: dict[str, tuple[str, bool]] = {
    "type1_combo": ("CCS1", True),
    "chademo": ("CHAdeMO", True),
    "tesla_supercharger": ("NACS", True),
    "nacs": ("NACS", True),
    "tesla_destination": ("NACS", False),
    "type1": ("J1772", False),
    "type1_cable": ("J1772", False),
    "type2_combo": ("CCS2", True),
    "mcs": ("MCS", True),
    "nema_5_15": ("NEMA515", False),
    "nema_5_20": ("NEMA520", False),
    "nema_14_50": ("NEMA1450", False),
}
NACS_AC_BELOW_KW = 25.0
RESTRICTED_ACCESS = {"private", "no", "customers", "employees", "delivery", "permit", "residents"}

_SOCKET_KEY = re.compile(r"^socket:([a-z0-9_]+)$")
_POWER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(kw|w|mw|kva)?\s*$", re.IGNORECASE)


def parse_socket_count(value: str) -> int | bool | None:
    """`4` → 4; `yes` → None (present, count unknown); `no`/`0` → False; else ValueError."""
    v = value.strip().lower()
    if v == "yes":
        return None
    if v in ("no", "0"):
        return False
    if re.fullmatch(r"\d+", v):
        return int(v)
    raise ValueError(f"{value!r} is not a count")


def parse_output_kw(value: str) -> float:
    """`150 kW` → 150.0; `50000 W` → 50.0; `7.2kW;11 kW` → 11.0; else ValueError."""
    best: float | None = None
    for part in value.split(";"):
        m = _POWER.match(part)
        if not m:
            raise ValueError(f"{value!r} is not a power (e.g. '150 kW')")
        num, unit = float(m.group(1)), (m.group(2) or "kw").lower()
        kw = num / 1000.0 if unit == "w" else num * 1000.0 if unit == "mw" else num
        best = kw if best is None else max(best, kw)
    if best is None:  # pragma: no cover - split always yields one part
        raise ValueError(f"{value!r} is not a power")
    return best


def _clean(tags: dict[str, Any]) -> dict[str, str]:
    out = {}
    for k, v in tags.items():
        if k == "geometry" or v is None:
            continue
        if isinstance(v, float) and np.isnan(v):
            continue
        out[str(k)] = str(v).strip()
    return out


def station_from_tags(
    element: str, lat: float, lon: float, tags: dict[str, str], *, country: str,
    data_date: date | None, source_file: str,
) -> tuple[Station, list[str]]:
    """One Station from an OSM element's tags, and the warnings for it. ValueError = reject."""
    eid = f"osm:{element}"
    lat, lon = parse_coord_pair(lat, lon)
    warnings: list[str] = []
    found: dict[str, tuple[int | None, float | None, bool]] = {}  # canon → (count, kW, dc)
    unknown: list[str] = []
    for key in sorted(tags):
        m = _SOCKET_KEY.match(key)
        if not m:
            continue
        kind = m.group(1)
        if kind not in SOCKETS:
            unknown.append(kind)
            continue
        try:
            count = parse_socket_count(tags[key])
        except ValueError as exc:
            raise ValueError(f"{eid}: {key}: {exc}") from None
        if count is False:
            continue
        kw: float | None = None
        if f"{key}:output" in tags:
            try:
                kw = parse_output_kw(tags[f"{key}:output"])
            except ValueError as exc:
                raise ValueError(f"{eid}: {key}:output: {exc}") from None
        canon, dc = SOCKETS[kind]
        if kind == "nacs" and kw is not None and kw < NACS_AC_BELOW_KW:
            dc = False
        if canon in found:  # e.g. nacs + tesla_supercharger on one station: merge
            c0, k0, d0 = found[canon]
            count = None if c0 is None or count is None else c0 + count
            kw = max((k for k in (k0, kw) if k is not None), default=None)
            dc = dc or d0
        found[canon] = (count, kw, dc)
    if unknown:
        warnings.append(
            f"{eid}: socket type(s) {', '.join(unknown)} outside the connector vocabulary, ignored"
        )
    connectors = [
        ConnectorInfo(type=canon, count=count, max_kw=kw)
        for canon, (count, kw, _dc) in sorted(found.items())
    ]
    dc_counts = [c for c, _k, dc in found.values() if dc]
    has_ac = any(not dc for _c, _k, dc in found.values())
    capacity: int | None = None
    if tags.get("capacity"):
        try:
            capacity = int(tags["capacity"])
        except ValueError:
            warnings.append(f"{eid}: capacity {tags['capacity']!r} is not a count, ignored")
    dc_ports: int | None
    if not found:
        dc_ports = None
    elif not dc_counts:
        dc_ports = 0
    elif capacity is not None and not has_ac:
        dc_ports = capacity
    elif all(c is not None for c in dc_counts):
        dc_ports = max(c for c in dc_counts if c is not None)
    else:
        dc_ports = None

    def date_tag(*keys: str) -> date | None:
        for k in keys:
            if tags.get(k):
                try:
                    return parse_date(tags[k])
                except ValueError:
                    warnings.append(f"{eid}: {k} {tags[k]!r} is not a date, ignored")
        return None

    operator = tags.get("operator") or tags.get("network") or tags.get("brand") or None
    name = tags.get("name") or (f"{operator} charging station" if operator else eid)
    status = "planned" if (tags.get("construction") or tags.get("planned")) else "open"
    access = "restricted" if tags.get("access", "").lower() in RESTRICTED_ACCESS else "public"
    trucks, basis = osm_truck_access(tags.get("hgv", ""))
    way, way_basis = serves_from(name, address=" ".join(
        tags.get(k, "") for k in ("addr:street", "addr:full") if tags.get(k)),
        osm_direction=tags.get("direction", ""))
    station = Station(
        id=eid, source="osm", source_ids=[eid], name=name, lat=lat, lon=lon, country=country,
        state=tags.get("addr:state") or tags.get("addr:province") or None, operator=operator,
        status=status,  # type: ignore[arg-type]
        access=access,  # type: ignore[arg-type]
        connectors=connectors, dc_fast_ports=dc_ports,
        open_date=date_tag("start_date", "opening_date"),
        last_confirmed=date_tag("check_date", "survey:date"),
        data_date=data_date, source_file=source_file, truck_access=trucks,
        truck_access_basis=basis, serves=way, serves_basis=way_basis,
    )
    return station, warnings


def _element_order(element: str) -> tuple[str, int, str]:
    kind, _, num = element.partition("/")
    return (kind, int(num) if num.isdigit() else 0, num)


def read_osm_stations(
    corridor_or_polygon: Any, *, progress: Progress | None = None
) -> tuple[list[Station], ReadReport]:
    """Every OpenStreetMap charging station in a corridor's polygon (or a given polygon).

    Raises `NetworkError` (one line) when Overpass is unreachable, answers with an error, or the
    settings are offline.
    """
    from evcorridor.network.osm import corridor_polygon, countries_of, fetch_osm_features

    if isinstance(corridor_or_polygon, Polygon | MultiPolygon):
        polygon, label = corridor_or_polygon, "polygon"
    else:
        polygon, label = corridor_polygon(corridor_or_polygon), corridor_or_polygon.id
    url = get_settings().overpass_url.rstrip("/")
    source = f"overpass:{url} ({label})"
    report = ReadReport(source_file=source, format="osm")
    if progress:
        progress("querying Overpass for charging stations", 0.0)
    gdf, data_date = fetch_osm_features(
        polygon, {"amenity": "charging_station"}, progress=progress
    )
    if progress:
        progress("parsing stations", 0.8)
    if gdf is None:
        report.notes.append("Overpass found no amenity=charging_station element in the polygon")
    records = [] if gdf is None else list(zip(gdf.index, gdf.to_dict("records"), strict=True))
    rows: list[tuple[str, Point, dict[str, str], bool]] = []
    for idx, row in records:
        element = f"{idx[0]}/{idx[1]}" if isinstance(idx, tuple) else str(idx)
        geom = row.get("geometry")
        point = geom if isinstance(geom, Point) else geom.representative_point()
        rows.append((element, point, _clean(row), not isinstance(geom, Point)))
    rows.sort(key=lambda r: _element_order(r[0]))
    countries = countries_of(
        np.array([r[1].x for r in rows]), np.array([r[1].y for r in rows])
    ) if rows else []
    rc = RowCollector(report)
    for n, ((element, point, tags, is_area), country) in enumerate(
        zip(rows, countries, strict=True), start=1
    ):
        if tags.get("amenity") != "charging_station":
            rc.skip(n, f"osm:{element}: not an amenity=charging_station element")
            continue

        def parse(
            n: int = n, element: str = element, point: Point = point, tags: dict[str, str] = tags,
            is_area: bool = is_area, country: str = country,
        ) -> Station:
            st, warns = station_from_tags(
                element, point.y, point.x, tags, country=country, data_date=data_date,
                source_file=source,
            )
            if is_area:
                warns.append(f"osm:{element}: mapped as an area; located at a point inside it")
            for w in warns:
                report.warn(n, w)
            return st

        rc.add(n, parse)
    if progress:
        progress("done", 1.0)
    return rc.stations, report
