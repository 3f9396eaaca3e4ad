"""AFDC (US DOE Alternative Fuels Data Center / NRCan) station exports, both shapes.

- `afdc`: the station-locator CSV download (Title Case headers: `ID`, `Station Name`,
  `EV DC Fast Count`, `EV Connector Types` with space-separated codes such as `CHADEMO J1772COMBO`).
- `afdc-api`: the API shape (snake_case: `id`, `station_name`, `ev_dc_fast_num`,
  `ev_connector_types` as a Python-style list string such as `['CHADEMO', 'J1772COMBO']`).

Truck access (`evcorridor.stations.truck`) from `Maximum Vehicle Class` / `maximum_vehicle_class`
and `Facility Type` / `facility_type` where the export has them.

AFDC does not publish power per port. Connector counts: AFDC gives port totals per level (DC fast,
Level 2), not per connector type; a connector type gets the level's count only when it is the only
connector of that level at the station, else its count is unknown (None).
"""

from __future__ import annotations

import ast
from pathlib import Path

from evcorridor.connectors import is_dc_fast
from evcorridor.stations.carriageway import serves_from
from evcorridor.stations.common import (
    connector,
    country_code,
    country_of_state,
    in_column,
    parse_coord_pair,
    parse_date,
    parse_int,
)
from evcorridor.stations.model import ConnectorInfo, ReadReport, Station
from evcorridor.stations.readers.base import (
    ReaderOptions,
    RowCollector,
    export_date,
    load_csv,
    require_columns,
)
from evcorridor.stations.truck import afdc_truck_access

#: field -> (locator column, API column)
COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("ID", "id"),
    "name": ("Station Name", "station_name"),
    "lat": ("Latitude", "latitude"),
    "lon": ("Longitude", "longitude"),
    "fuel": ("Fuel Type Code", "fuel_type_code"),
    "connectors": ("EV Connector Types", "ev_connector_types"),
    "dc": ("EV DC Fast Count", "ev_dc_fast_num"),
    "l2": ("EV Level2 EVSE Num", "ev_level2_evse_num"),
    "l1": ("EV Level1 EVSE Num", "ev_level1_evse_num"),
    "status": ("Status Code", "status_code"),
    "access": ("Access Code", "access_code"),
    "restricted": ("Restricted Access", "restricted_access"),
    "network": ("EV Network", "ev_network"),
    "state": ("State", "state"),
    "country": ("Country", "country"),
    "open_date": ("Open Date", "open_date"),
    "confirmed": ("Date Last Confirmed", "date_last_confirmed"),
    "max_class": ("Maximum Vehicle Class", "maximum_vehicle_class"),
    "facility": ("Facility Type", "facility_type"),
    "address": ("Street Address", "street_address"),
    "directions": ("Intersection Directions", "intersection_directions"),
    "directions_fr": ("Intersection Directions (French)", "intersection_directions_fr"),
}
REQUIRED = ("id", "name", "lat", "lon", "fuel", "connectors")
STATUS = {"E": "open", "P": "planned", "T": "temporarily_unavailable"}

def looks_like(header: list[str]) -> str | None:
    """'afdc' / 'afdc-api' when the header has that shape's required columns."""
    have = set(header)
    for i, fmt in ((0, "afdc"), (1, "afdc-api")):
        if all(COLUMNS[f][i] in have for f in REQUIRED):
            return fmt
    return None


def _connector_codes(text: str, api: bool) -> list[str]:
    s = text.strip()
    if not s:
        return []
    if api or s.startswith("["):
        try:
            value = ast.literal_eval(s)
        except (ValueError, SyntaxError):
            raise ValueError(f"ev_connector_types: not a list: {s!r}") from None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"ev_connector_types: not a list of codes: {s!r}")
        return [v.strip() for v in value if v.strip()]
    return s.split()


def read(path: Path, options: ReaderOptions, *, api: bool = False
         ) -> tuple[list[Station], ReadReport]:
    fmt = "afdc-api" if api else "afdc"
    idx = 1 if api else 0
    col = {f: names[idx] for f, names in COLUMNS.items()}
    header, rows = load_csv(path)
    what = "an AFDC API export" if api else "an AFDC station-locator export"
    require_columns(path, header, [col[f] for f in REQUIRED], what)
    report = ReadReport(source_file=str(path), format=fmt)
    ddate = export_date(path, options)
    rc = RowCollector(report)

    for n, row in rows:
        def get(f: str, row: dict[str, str] = row) -> str:
            return (row.get(col[f]) or "").strip()

        fuel = get("fuel")
        if fuel != "ELEC":
            rc.skip(n, f"fuel type {fuel or '(empty)'} is not electric (ELEC); "
                       "not a charging station")
            continue

        def parse(get=get, n=n) -> Station:  # type: ignore[no-untyped-def]
            sid = get("id")
            if not sid:
                raise ValueError(f"{col['id']}: empty station id")
            try:
                sid = str(int(float(sid)))
            except ValueError:
                raise ValueError(f"{col['id']}: not an AFDC id: {sid!r}") from None
            lat, lon = parse_coord_pair(get("lat"), get("lon"))
            codes = _connector_codes(get("connectors"), api)
            canon: list[str] = []
            for code in codes:
                c = in_column(col["connectors"], connector, code)
                if c not in canon:
                    canon.append(c)
            dc = in_column(col["dc"], parse_int, get("dc"))
            l2 = in_column(col["l2"], parse_int, get("l2"))
            dc_types = [c for c in canon if is_dc_fast(c)]
            ac_types = [c for c in canon if not is_dc_fast(c)]
            infos = []
            for c in canon:
                group, total = (dc_types, dc) if is_dc_fast(c) else (ac_types, l2)
                infos.append(ConnectorInfo(type=c, count=total if len(group) == 1 else None))
            state = get("state") or None
            ctext = get("country")
            if ctext:
                country = country_code(ctext)
                if country is None:
                    raise ValueError(f"{col['country']}: country {ctext!r} is not US, CA or MX")
            else:
                country = country_of_state(state)
                if country is None:
                    raise ValueError(
                        f"{col['country']}: empty, and state {state!r} names no country")
            status_code = get("status").upper()
            if status_code and status_code not in STATUS:
                raise ValueError(
                    f"{col['status']}: unknown status code {status_code!r} (E, P or T)")
            access_code = get("access").lower()
            restricted = get("restricted").lower() == "true" or access_code == "private"
            open_d = in_column(col["open_date"], parse_date, get("open_date"))
            conf = in_column(col["confirmed"], parse_date, get("confirmed"))
            network = get("network") or None
            try:
                trucks, basis = afdc_truck_access(get("max_class"), get("facility"))
                way, way_basis = serves_from(get("name"), address=get("address"),
                                             directions=get("directions"),
                                             directions_fr=get("directions_fr"))
            except ValueError as exc:
                raise ValueError(f"{col['max_class']}: {exc}") from None
            return Station(
                id=f"afdc:{sid}", source=fmt, source_ids=[f"afdc:{sid}"], name=get("name"),
                lat=lat, lon=lon, country=country, state=state,
                operator="Tesla" if network == "Tesla" else network,
                status=STATUS.get(status_code, "open"),  # type: ignore[arg-type]
                access="restricted" if restricted else "public",
                connectors=infos, dc_fast_ports=dc,
                open_date=open_d, last_confirmed=conf, data_date=ddate,
                source_file=path.name, truck_access=trucks, truck_access_basis=basis,
                serves=way, serves_basis=way_basis,
            )

        rc.add(n, parse)
    if ddate is None:
        report.notes.append("export date unknown (no date in the file name; give --data-date)")
    return rc.stations, report


def read_locator(path: Path, options: ReaderOptions) -> tuple[list[Station], ReadReport]:
    return read(path, options, api=False)


def read_api(path: Path, options: ReaderOptions) -> tuple[list[Station], ReadReport]:
    return read(path, options, api=True)
