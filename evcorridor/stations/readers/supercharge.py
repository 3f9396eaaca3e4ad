"""supercharge.info CSV export of Tesla Supercharger sites.

Columns: `Supercharger` (site name, e.g. "Buellton, CA"), `Street Address`, `City`, `State`, `Zip`,
`Country` (USA / Canada / Mexico), `Stalls`, `kW` (maximum per stall), `GPS` ("lat, lon"),
`Elev(m)`, `Open Date` (M/D/YYYY), and in full exports `Status` (OPEN, CONSTRUCTION, PERMIT,
CLOSED_TEMP, CLOSED_PERM). Ids are `tesla:<slug of the site name>`, e.g. `tesla:buellton-ca`.
"""

from __future__ import annotations

from pathlib import Path

from evcorridor.stations.carriageway import serves_from
from evcorridor.stations.common import (
    country_code,
    in_column,
    parse_coord_pair,
    parse_date,
    parse_float,
    parse_int,
    slug,
)
from evcorridor.stations.model import ConnectorInfo, ReadReport, Station
from evcorridor.stations.readers.base import (
    ReaderOptions,
    RowCollector,
    export_date,
    load_csv,
    require_columns,
)

REQUIRED = ("Supercharger", "Country", "Stalls", "kW", "GPS")
STATUS = {
    "OPEN": "open", "EXPANDING": "open", "CONSTRUCTION": "planned", "PERMIT": "planned",
    "PLAN": "planned", "VOTING": "planned", "CLOSED_TEMP": "temporarily_unavailable",
}


def looks_like(header: list[str]) -> bool:
    return all(c in header for c in ("Supercharger", "GPS", "Stalls"))


def read(path: Path, options: ReaderOptions) -> tuple[list[Station], ReadReport]:
    header, rows = load_csv(path)
    require_columns(path, header, REQUIRED, "a supercharge.info export")
    report = ReadReport(source_file=str(path), format="supercharge")
    ddate = export_date(path, options)
    rc = RowCollector(report)
    for n, row in rows:
        def get(c: str, row: dict[str, str] = row) -> str:
            return (row.get(c) or "").strip()

        status_text = get("Status").upper()
        if status_text == "CLOSED_PERM":
            rc.skip(n, "Status CLOSED_PERM: permanently closed")
            continue

        def parse(get=get, status_text: str = status_text) -> Station:  # type: ignore[no-untyped-def]
            name = get("Supercharger")
            if not name:
                raise ValueError("Supercharger: empty site name")
            gps = get("GPS")
            parts = [p.strip() for p in gps.split(",")]
            if len(parts) != 2:
                raise ValueError(f"GPS: unparsable coordinates {gps!r} (expected \"lat, lon\")")
            lat, lon = parse_coord_pair(parts[0], parts[1])
            country = country_code(get("Country"))
            if country is None:
                raise ValueError(f"Country: {get('Country')!r} is not USA, Canada or Mexico")
            stalls = in_column("Stalls", parse_int, get("Stalls"))
            kw = in_column("kW", parse_float, get("kW"))
            opened = in_column("Open Date", parse_date, get("Open Date"))
            if status_text and status_text not in STATUS:
                raise ValueError(f"Status: unknown status {status_text!r}")
            sid = f"tesla:{slug(name)}"
            way, way_basis = serves_from(f"Tesla Supercharger {name}",
                                         address=get("Street Address"))
            return Station(
                id=sid, source="supercharge", source_ids=[sid], name=f"Tesla Supercharger {name}",
                lat=lat, lon=lon, country=country, state=get("State") or None, operator="Tesla",
                status=STATUS.get(status_text, "open"),  # type: ignore[arg-type]
                access="public",
                connectors=[ConnectorInfo(type="NACS", count=stalls, max_kw=kw)],
                dc_fast_ports=stalls, open_date=opened, last_confirmed=None, data_date=ddate,
                source_file=path.name, serves=way, serves_basis=way_basis,
            )

        rc.add(n, parse)
    return rc.stations, report
