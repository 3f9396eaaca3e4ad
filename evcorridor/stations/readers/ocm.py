"""Open Charge Map POI JSON: one POI file, a folder of per-POI files, or a full export array.

Numeric ids are decoded with OCM's reference data; the project ships a compact copy of the tables
it needs in `data/ocm-reference.json` (derived by `make data` from
../shared/data/stations/ocm-reference-2021-11.json). POIs may also carry the decoded objects
inline (`ConnectionType`, `StatusType`, `OperatorInfo`, `UsageType`, `AddressInfo.Country`),
as the verbose API output does; inline
objects win.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from evcorridor.errors import InputError
from evcorridor.settings import get_settings
from evcorridor.stations.carriageway import serves_from
from evcorridor.stations.common import country_code, parse_coord_pair, parse_date
from evcorridor.stations.model import ConnectorInfo, ReadReport, Station
from evcorridor.stations.readers.base import (
    ReaderOptions,
    RowCollector,
    SkipRow,
    export_date,
    load_json,
)

REFERENCE_FILE = "ocm-reference.json"
TABLES = ("ConnectionTypes", "StatusTypes", "Countries", "CurrentTypes", "UsageTypes", "Operators")

#: OCM ConnectionTypeID -> canonical connector (None: a real OCM type outside our vocabulary,
#: e.g. Type 2 or CEE sockets that North American vehicles do not use; such connections are
#: skipped with a warning).
CONNECTION_TYPES: dict[int, str | None] = {
    1: "J1772", 2: "CHAdeMO", 32: "CCS1", 33: "CCS2", 27: "NACS", 30: "NACS",
    9: "NEMA520", 22: "NEMA515", 11: "NEMA1450",
}
#: StatusTypeID -> our status (None = the POI is gone: rejected)
STATUS_TYPES: dict[int, str | None] = {
    0: "open", 10: "open", 20: "open", 50: "open", 75: "open",
    30: "temporarily_unavailable", 100: "temporarily_unavailable", 150: "planned",
    200: None, 210: None,
}


def compact_reference(full: dict[str, Any]) -> dict[str, Any]:
    """The subset of OCM reference data the reader needs (ID and Title, plus ISO codes)."""
    keep = {"ConnectionTypes": ("ID", "Title"), "StatusTypes": ("ID", "Title", "IsOperational"),
            "Countries": ("ID", "ISOCode", "Title"), "CurrentTypes": ("ID", "Title"),
            "UsageTypes": ("ID", "Title"), "Operators": ("ID", "Title")}
    out: dict[str, Any] = {}
    for table, fields in keep.items():
        rows = full.get(table)
        if not isinstance(rows, list):
            raise InputError(f"OCM reference data has no {table} table")
        out[table] = sorted(({f: r.get(f) for f in fields} for r in rows), key=lambda r: r["ID"])
    return out


@lru_cache(maxsize=4)
def _load_reference(path: str) -> dict[str, dict[int, dict[str, Any]]]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: OCM reference data not found (run `make data`)")
    data = json.loads(p.read_text(encoding="utf-8"))
    return {t: {int(r["ID"]): r for r in data.get(t, [])} for t in TABLES}


def reference(path: Path | None = None) -> dict[str, dict[int, dict[str, Any]]]:
    return _load_reference(str(path or get_settings().data_dir / REFERENCE_FILE))


def looks_like(data: Any) -> bool:
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and "AddressInfo" in first and "ID" in first


def read(path: Path, options: ReaderOptions) -> tuple[list[Station], ReadReport]:
    ref = reference()
    report = ReadReport(source_file=str(path), format="ocm")
    rc = RowCollector(report)
    items: list[tuple[int, Any, Path]] = []
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json")
        if not files:
            raise InputError(f"{path}: folder has no .json Open Charge Map POI files")
        for f in files:
            data = load_json(f)
            if isinstance(data, list):
                items.extend((i, poi, f) for i, poi in enumerate(data, start=1))
            else:
                items.append((1, data, f))
    else:
        data = load_json(path)
        if isinstance(data, list):
            if not data:
                raise InputError(f"{path}: empty Open Charge Map export (no POIs)")
            items = [(i, poi, path) for i, poi in enumerate(data, start=1)]
        else:
            items = [(1, data, path)]
    if not any(looks_like(poi) for _, poi, _ in items):
        raise InputError(f"{path}: not Open Charge Map POI JSON (no POI with ID and AddressInfo)")
    multi = path.is_dir()
    for row, poi, f in items:
        ddate = export_date(f, options)
        warnings: list[str] = []

        def parse(poi: Any = poi, f: Path = f, ddate: Any = ddate, warnings: list[str] = warnings
                  ) -> Station:
            return _poi(poi, f, ddate, ref, warnings)

        before = report.rows_kept
        rc.add(row, parse)
        label = row
        if multi:
            # messages for a folder name the POI file: keep the row number, prefix the file
            if report.rejected and report.rejected[-1][0] == row and report.rows_kept == before:
                n, why = report.rejected[-1]
                report.rejected[-1] = (n, f"{f.name}: {why}")
            warnings = [f"{f.name}: {w}" for w in warnings]
        for w in warnings:
            report.warn(label, w)
    return rc.stations, report


def _title(ref: dict[str, dict[int, dict[str, Any]]], table: str, key: Any) -> str | None:
    if key is None:
        return None
    row = ref[table].get(int(key))
    return None if row is None else row.get("Title")


def _poi(poi: Any, f: Path, ddate: Any, ref: dict[str, dict[int, dict[str, Any]]],
         warnings: list[str]) -> Station:
    if not isinstance(poi, dict) or "ID" not in poi:
        raise ValueError("not an Open Charge Map POI (no ID)")
    addr = poi.get("AddressInfo")
    if not isinstance(addr, dict):
        raise ValueError("AddressInfo: missing")
    lat, lon = parse_coord_pair(addr.get("Latitude"), addr.get("Longitude"))
    ctry = addr.get("Country") if isinstance(addr.get("Country"), dict) else None
    if ctry is None:
        cid = addr.get("CountryID")
        if cid is None or int(cid) not in ref["Countries"]:
            raise ValueError(f"AddressInfo.CountryID: unknown country id {cid!r}")
        ctry = ref["Countries"][int(cid)]
    country = country_code(str(ctry.get("ISOCode") or ""))
    if country is None:
        raise ValueError(
            f"AddressInfo.CountryID: {ctry.get('Title')!r} is not USA, Canada or Mexico")

    status_id = poi.get("StatusTypeID")
    sid = 0 if status_id is None else int(status_id)
    if sid not in STATUS_TYPES:
        raise ValueError(f"StatusTypeID: unknown status id {sid}")
    status = STATUS_TYPES[sid]
    if status is None:
        raise SkipRow(f"StatusTypeID {sid} ({_title(ref, 'StatusTypes', sid)}): station removed")

    usage = poi.get("UsageType") if isinstance(poi.get("UsageType"), dict) else None
    usage_title = (usage or {}).get("Title") or _title(ref, "UsageTypes", poi.get("UsageTypeID"))
    access = "restricted" if usage_title and usage_title.lower().startswith("private") else "public"

    op = poi.get("OperatorInfo") if isinstance(poi.get("OperatorInfo"), dict) else None
    operator = (op or {}).get("Title") or _title(ref, "Operators", poi.get("OperatorID"))
    if operator and operator.lower().startswith("tesla"):
        operator = "Tesla"
    if operator and operator.lower().startswith("(unknown"):
        operator = None

    infos: dict[str, ConnectorInfo] = {}
    dc_ports: int | None = 0
    conns = poi.get("Connections") or []
    if not isinstance(conns, list):
        raise ValueError("Connections: not a list")
    for k, c in enumerate(conns, start=1):
        if not isinstance(c, dict):
            raise ValueError(f"Connections[{k}]: not an object")
        tid = c.get("ConnectionTypeID")
        if tid is None or int(tid) not in ref["ConnectionTypes"]:
            raise ValueError(f"Connections[{k}].ConnectionTypeID: unknown connector code {tid!r}")
        tid = int(tid)
        canon = CONNECTION_TYPES.get(tid)
        if canon is None:
            warnings.append(f"Connections[{k}]: connector {_title(ref, 'ConnectionTypes', tid)!r} "
                            "is outside the North American vocabulary; skipped")
            continue
        cstat = c.get("StatusTypeID")
        if cstat is not None and STATUS_TYPES.get(int(cstat), "open") is None:
            warnings.append(f"Connections[{k}]: removed (StatusTypeID {cstat}); skipped")
            continue
        qty = c.get("Quantity")
        qty = int(qty) if qty is not None else None
        kw = c.get("PowerKW")
        kw = float(kw) if kw not in (None, "") else None
        level = c.get("LevelID")
        current = c.get("CurrentTypeID")
        is_dc = (
            (level is not None and int(level) == 3)
            or (current is not None and int(current) == 30)
            or canon in ("CCS1", "CCS2", "CHAdeMO")
            or (canon == "NACS" and tid == 27)
        )
        if is_dc and dc_ports is not None:
            dc_ports = None if qty is None else dc_ports + qty
        prev = infos.get(canon)
        if prev is None:
            infos[canon] = ConnectorInfo(type=canon, count=qty, max_kw=kw)
        else:
            count = None if prev.count is None or qty is None else prev.count + qty
            mk = max((x for x in (prev.max_kw, kw) if x is not None), default=None)
            infos[canon] = ConnectorInfo(type=canon, count=count, max_kw=mk)
    if not conns:
        dc_ports = None
    if not infos:
        warnings.append("no connector in the North American vocabulary")
    dates = []
    for key in ("DateLastVerified", "DateLastStatusUpdate"):
        d = parse_date(poi.get(key)) if poi.get(key) else None
        if d:
            dates.append(d)
    ocm_id = f"ocm:{int(poi['ID'])}"
    name = str(addr.get("Title") or ocm_id)
    way, way_basis = serves_from(name, address=" ".join(
        str(addr.get(k)) for k in ("AddressLine1", "AddressLine2") if addr.get(k)))
    return Station(
        id=ocm_id, source="ocm", source_ids=[ocm_id], serves=way, serves_basis=way_basis,
        name=name, lat=lat, lon=lon, country=country,
        state=addr.get("StateOrProvince") or None, operator=operator,
        status=status,  # type: ignore[arg-type]
        access=access,  # type: ignore[arg-type]
        connectors=list(infos.values()), dc_fast_ports=dc_ports,
        open_date=parse_date(poi.get("DateCommissioned")) if poi.get("DateCommissioned") else None,
        last_confirmed=max(dates) if dates else None,
        data_date=ddate or (max(dates) if dates else None), source_file=f.name,
    )
