"""GeoJSON point files with a property mapping given as options.

Built for exports with one file per connector type (e.g. canada-dcfc-2022/stations_map_CA_CHADEMO.
geojson, us-ccs-dcfc-2022-11.geojson), where the connector comes from the file, not the row:
`--connector` (else a connector code in the file name: CHADEMO, J1772COMBO, TESLA, CCS, NACS...).
Country: `--country`, else a `country` property, else the state/province code (a US state or a
Canadian province), else a country token in the file name (US, CA, MX). Every row is taken as a
DC fast station when the connector is a DC type (these exports are DC fast maps); port counts and
power are unknown.

Default property names (override: `properties={"name": "title"}`, CLI `--property name=title`):
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evcorridor.errors import InputError
from evcorridor.stations.carriageway import serves_from
from evcorridor.stations.common import (
    connector,
    country_code,
    country_of_state,
    parse_coord_pair,
    parse_date,
)
from evcorridor.stations.model import ConnectorInfo, ReadReport, Station
from evcorridor.stations.readers.base import ReaderOptions, RowCollector, export_date, load_json

#: field -> property names tried in order (the first present wins)
DEFAULT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "id": ("id", "ID", "station_id"),
    "name": ("station_name", "station_na", "name", "Station Name", "title"),
    "status": ("status_code", "status_cod", "status"),
    "open_date": ("open_date", "Open Date"),
    "state": ("state", "State", "province"),
    "operator": ("ev_network", "operator", "network", "EV Network"),
    "country": ("country", "Country"),
    "connector": ("connector", "ev_connector_types"),
    "address": ("street_address", "street_add", "address", "Street Address"),
}
FIELDS = tuple(DEFAULT_PROPERTIES)
STATUS = {"E": "open", "P": "planned", "T": "temporarily_unavailable", "open": "open",
          "planned": "planned", "temporarily_unavailable": "temporarily_unavailable"}
_COUNTRY_TOKENS = {"us": "USA", "usa": "USA", "ca": "CAN", "can": "CAN", "mx": "MEX", "mex": "MEX"}

__doc__ = (__doc__ or "") + "".join(
    f"  {f}: {', '.join(names)}\n" for f, names in DEFAULT_PROPERTIES.items()
)


def _tokens(path: Path) -> list[str]:
    return [t for t in re.split(r"[_\-. ]+", path.stem) if t]


def connector_from_name(path: Path) -> str | None:
    for tok in _tokens(path):
        if tok.isdigit():
            continue
        try:
            return connector(tok)
        except ValueError:
            continue
    return None


def country_from_name(path: Path) -> str | None:
    for tok in _tokens(path):
        if tok.lower() in _COUNTRY_TOKENS:
            return _COUNTRY_TOKENS[tok.lower()]
    return None


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and data.get("type") == "FeatureCollection"


def read(path: Path, options: ReaderOptions) -> tuple[list[Station], ReadReport]:
    data = load_json(path)
    if not looks_like(data) or not isinstance(data.get("features"), list):
        raise InputError(f"{path}: not a GeoJSON FeatureCollection (no \"features\" list)")
    unknown = sorted(set(options.properties) - set(FIELDS))
    if unknown:
        raise InputError(f"{path}: unknown property mapping field(s) {', '.join(unknown)} "
                         f"(known: {', '.join(FIELDS)})")
    fixed_connector: str | None = None
    if options.connector:
        try:
            fixed_connector = connector(options.connector)
        except ValueError as exc:
            raise InputError(f"{path}: --connector: {exc}") from None
    else:
        fixed_connector = connector_from_name(path)
    fixed_country: str | None = None
    if options.country:
        fixed_country = country_code(options.country)
        if fixed_country is None:
            raise InputError(f"{path}: --country {options.country!r} is not USA, CAN or MEX")
    prefix = options.id_prefix or "geojson"
    report = ReadReport(source_file=str(path), format="geojson")
    ddate = export_date(path, options)
    name_country = country_from_name(path)
    rc = RowCollector(report)

    def prop(props: dict[str, Any], f: str) -> Any:
        if f in options.properties:
            return props.get(options.properties[f])
        for name in DEFAULT_PROPERTIES[f]:
            if name in props:
                return props[name]
        return None

    if fixed_connector is None and not any(
        isinstance(ft, dict) and prop(ft.get("properties") or {}, "connector")
        for ft in data["features"][:1]
    ):
        raise InputError(f"{path}: no connector: give --connector or a file name with the "
                         "connector code (e.g. stations_map_CA_CHADEMO.geojson)")

    for i, ft in enumerate(data["features"], start=1):
        def parse(ft: Any = ft) -> Station:
            if not isinstance(ft, dict):
                raise ValueError("not a GeoJSON Feature")
            geom = ft.get("geometry") or {}
            if geom.get("type") != "Point":
                raise ValueError(f"geometry is {geom.get('type')!r}, not a Point")
            coords = geom.get("coordinates")
            if not isinstance(coords, list) or len(coords) < 2:
                raise ValueError(f"unparsable coordinates {coords!r}")
            lat, lon = parse_coord_pair(coords[1], coords[0])
            props = ft.get("properties") or {}
            raw_id = prop(props, "id")
            if raw_id is None or str(raw_id).strip() == "":
                raise ValueError("no id property")
            sid = str(raw_id).strip()
            if re.fullmatch(r"\d+\.0", sid):
                sid = sid[:-2]
            state = prop(props, "state")
            state = str(state).strip() if state else None
            ctext = prop(props, "country")
            if fixed_country:
                country = fixed_country
            elif ctext:
                found = country_code(str(ctext))
                if found is None:
                    raise ValueError(f"country {ctext!r} is not USA, CAN or MEX")
                country = found
            else:  # the state/province code is row evidence; the file name is not
                guess = country_of_state(state) or name_country
                if guess is None:
                    raise ValueError("no country: give --country")
                country = guess
            ctype = fixed_connector or connector(str(prop(props, "connector")))
            status_text = str(prop(props, "status") or "").strip()
            if status_text and status_text not in STATUS:
                raise ValueError(f"unknown status {status_text!r}")
            opened = parse_date(prop(props, "open_date"))
            op = prop(props, "operator")
            op_s = str(op).strip() if op else None
            name = str(prop(props, "name") or "").strip() or f"{prefix}:{sid}"
            way, way_basis = serves_from(name, address=str(prop(props, "address") or ""))
            return Station(
                id=f"{prefix}:{sid}", source="geojson", source_ids=[f"{prefix}:{sid}"],
                name=name, serves=way, serves_basis=way_basis,
                lat=lat, lon=lon, country=country, state=state, operator=op_s,
                status=STATUS.get(status_text, "open"),  # type: ignore[arg-type]
                access="public", connectors=[ConnectorInfo(type=ctype)], dc_fast_ports=None,
                open_date=opened, last_confirmed=None, data_date=ddate, source_file=path.name,
            )

        rc.add(i, parse)
    return rc.stations, report
