"""The normalised station file: one CSV shape (the embedded snapshot) and GeoJSON output.

CSV columns (UTF-8, `\\n` line ends, rows sorted by id, floats rounded — same stations, same bytes):
    id, source, source_ids (space-separated), name, lat, lon, country, state, operator, status,
    access, connectors, dc_fast_ports, open_date, last_confirmed, data_date, source_file,
    truck_access (true / false / unknown), truck_access_basis, serves (northbound / southbound /
    eastbound / westbound, empty = both ways: evcorridor.stations.carriageway), serves_basis
`connectors` is `TYPE:count:max_kw` joined by `|`, with an empty count/kW when unknown, e.g.
`CCS1:2:150|CHAdeMO::`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from evcorridor.atomic import write_text
from evcorridor.errors import OutputError
from evcorridor.headings import HEADINGS, Heading
from evcorridor.outputs import to_csv
from evcorridor.stations.common import (
    connector,
    parse_coord_pair,
    parse_date,
    parse_float,
    parse_int,
)
from evcorridor.stations.model import ConnectorInfo, ReadReport, Station
from evcorridor.stations.readers.base import RowCollector, load_csv, require_columns
from evcorridor.stations.truck import access_text, parse_access

COLUMNS = ("id", "source", "source_ids", "name", "lat", "lon", "country", "state", "operator",
           "status", "access", "connectors", "dc_fast_ports", "open_date", "last_confirmed",
           "data_date", "source_file", "truck_access", "truck_access_basis", "serves",
           "serves_basis")
#: columns a file written before truck access (or direction of service) was recorded may lack
#: (read as unknown; the direction of service then comes from the name)
OPTIONAL_COLUMNS = ("truck_access", "truck_access_basis", "serves", "serves_basis")
EXTRA_COLUMNS: tuple[str, ...] = ()


def _heading(text: str) -> Heading | None:
    """A `serves` cell: empty (both ways) or one of the four headings (ValueError else)."""
    t = text.strip()
    if not t:
        return None
    if t not in HEADINGS:
        raise ValueError(f"serves: {t!r} is not one of {', '.join(HEADINGS)} (or empty)")
    return t


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def format_connectors(conns: Iterable[ConnectorInfo]) -> str:
    return "|".join(f"{c.type}:{'' if c.count is None else c.count}:{_num(c.max_kw)}"
                    for c in conns)


def parse_connectors(text: str) -> list[ConnectorInfo]:
    out: list[ConnectorInfo] = []
    for part in filter(None, (p.strip() for p in text.split("|"))):
        bits = part.split(":")
        if len(bits) != 3:
            raise ValueError(f"connectors: {part!r} is not TYPE:count:max_kw")
        out.append(ConnectorInfo(type=connector(bits[0]), count=parse_int(bits[1]),
                                 max_kw=parse_float(bits[2])))
    return out


def station_row(s: Station) -> list[object]:
    return [
        s.id, s.source, " ".join(sorted(set(s.source_ids) or {s.id})), s.name,
        f"{s.lat:.6f}", f"{s.lon:.6f}", s.country, s.state or "", s.operator or "", s.status,
        s.access, format_connectors(s.connectors),
        "" if s.dc_fast_ports is None else s.dc_fast_ports,
        s.open_date or "", s.last_confirmed or "", s.data_date or "", s.source_file or "",
        access_text(s.truck_access), s.truck_access_basis, s.serves or "", s.serves_basis,
    ]


def stations_csv(stations: Sequence[Station], extra: dict[str, dict[str, object]] | None = None,
                 extra_columns: Sequence[str] = ()) -> str:
    """Deterministic CSV text; `extra[station.id][column]` adds trailing columns."""
    rows = []
    for s in sorted(stations, key=lambda s: s.id):
        row = station_row(s)
        ext = (extra or {}).get(s.id, {})
        row.extend(ext.get(c, "") for c in extra_columns)
        rows.append(row)
    return to_csv([*COLUMNS, *extra_columns], rows)


def stations_geojson(stations: Sequence[Station]) -> str:
    feats = []
    for s in sorted(stations, key=lambda s: s.id):
        props = dict(zip(COLUMNS, station_row(s), strict=True))
        del props["lat"], props["lon"]
        props = {k: ("" if v is None else str(v)) for k, v in props.items()}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "Point",
                                   "coordinates": [round(s.lon, 6), round(s.lat, 6)]}})
    return json.dumps({"type": "FeatureCollection", "features": feats}, indent=1,
                      sort_keys=True, ensure_ascii=False) + "\n"


def write_stations(path: Path, stations: Sequence[Station]) -> str:
    """Write CSV or GeoJSON by extension (.csv, .geojson/.json); returns the format written."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_text(path, stations_csv(stations))
        return "csv"
    if suffix in (".geojson", ".json"):
        write_text(path, stations_geojson(stations))
        return "geojson"
    raise OutputError(f"{path}: unknown output type {suffix or '(none)'}; use .csv or .geojson")


def looks_like(header: list[str]) -> bool:
    return all(c in header for c in ("id", "source", "source_ids", "connectors", "data_date"))


def read(path: Path) -> tuple[list[Station], ReadReport]:
    """Read a normalised station CSV (the embedded snapshot or `stations import --out x.csv`)."""
    header, rows = load_csv(path)
    require_columns(path, header, [c for c in COLUMNS if c not in OPTIONAL_COLUMNS],
                    "a normalised evcorridor station file")
    report = ReadReport(source_file=str(path), format="evcorridor")
    rc = RowCollector(report)
    for n, r in rows:
        def parse(r: dict[str, str] = r) -> Station:
            lat, lon = parse_coord_pair(r["lat"], r["lon"])
            if r["status"] not in ("open", "planned", "temporarily_unavailable"):
                raise ValueError(f"status: unknown status {r['status']!r}")
            if r["access"] not in ("public", "restricted"):
                raise ValueError(f"access: unknown access {r['access']!r}")
            return Station(
                id=r["id"], source=r["source"], source_ids=r["source_ids"].split(),
                name=r["name"], lat=lat, lon=lon, country=r["country"], state=r["state"] or None,
                operator=r["operator"] or None,
                status=r["status"],  # type: ignore[arg-type]
                access=r["access"],  # type: ignore[arg-type]
                connectors=parse_connectors(r["connectors"]),
                dc_fast_ports=parse_int(r["dc_fast_ports"]),
                open_date=parse_date(r["open_date"]),
                last_confirmed=parse_date(r["last_confirmed"]),
                data_date=parse_date(r["data_date"]), source_file=r["source_file"] or None,
                truck_access=parse_access(r.get("truck_access") or ""),
                truck_access_basis=(r.get("truck_access_basis") or "").strip(),
                serves=_heading(r.get("serves") or ""),
                serves_basis=(r.get("serves_basis") or "").strip(),
            )

        rc.add(n, parse)
    if not rows:
        report.notes.append("no station rows")
    return rc.stations, report



