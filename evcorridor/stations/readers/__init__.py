"""Station readers: one per source format, each with a `--format` name and automatic detection.

    afdc         AFDC station-locator CSV (Title Case headers)
    afdc-api     AFDC / NRCan API CSV (snake_case headers)
    ocm          Open Charge Map POI JSON (file, folder of per-POI files, or export array)
    geojson      GeoJSON points with a property mapping (connector from the file name or option)
    supercharge  supercharge.info Tesla Supercharger CSV
    evcorridor   the normalised station CSV this project writes (embedded snapshots)
    osm          OpenStreetMap charging stations (see evcorridor.stations.osm; needs a polygon)

`read_stations(path, fmt)` returns the stations and a `ReadReport` (rows read / kept / rejected with
row number and reason). File-level problems (missing, empty, wrong columns, not JSON) raise
`InputError` with a one-line message naming the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from evcorridor.errors import InputError, UsageError, closest
from evcorridor.inputs import loads_json, shown_header
from evcorridor.stations.model import ReadReport, Station
from evcorridor.stations.readers import afdc, geojson, ocm, supercharge
from evcorridor.stations.readers.base import ReaderOptions, open_text

Reader = Callable[[Path, ReaderOptions], tuple[list[Station], ReadReport]]


def _normalized(path: Path, options: ReaderOptions) -> tuple[list[Station], ReadReport]:
    from evcorridor.stations import normalized

    return normalized.read(path)


READERS: dict[str, Reader] = {
    "afdc": afdc.read_locator,
    "afdc-api": afdc.read_api,
    "ocm": ocm.read,
    "geojson": geojson.read,
    "supercharge": supercharge.read,
    "evcorridor": _normalized,
}
FORMATS = tuple(READERS)


def detect_format(path: Path) -> str:
    """The reader for `path`, from its content (header row or JSON shape)."""
    if path.is_dir():
        if any(p.suffix.lower() == ".json" for p in path.iterdir()):
            return "ocm"
        raise InputError(f"{path}: folder has no .json files (Open Charge Map POI folder expected)")
    text = open_text(path)
    head = text.lstrip()[:1]
    if head in ("{", "["):
        data = loads_json(text, path)
        if geojson.looks_like(data):
            return "geojson"
        if ocm.looks_like(data):
            return "ocm"
        if data == [] or data == {}:
            raise InputError(f"{path}: empty JSON ({text.strip()})")
        raise InputError(f"{path}: JSON is neither GeoJSON nor Open Charge Map POIs; "
                         f"give --input-format ({', '.join(FORMATS)})")
    try:
        header = [h.strip() for h in next(csv.reader(io.StringIO(text)))]
    except (csv.Error, StopIteration):
        header = []
    from evcorridor.stations import normalized

    if normalized.looks_like(header):
        return "evcorridor"
    shape = afdc.looks_like(header)
    if shape:
        return shape
    if supercharge.looks_like(header):
        return "supercharge"
    raise InputError(f"{path}: unrecognised columns ({shown_header([repr(h) for h in header])}); "
                     f"give --input-format ({', '.join(FORMATS)})")


def read_stations(path: Path, fmt: str = "auto", options: ReaderOptions | None = None
                  ) -> tuple[list[Station], ReadReport]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in READERS:
        near = closest(fmt, FORMATS)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise UsageError(
            f"unknown station format {fmt!r}{hint} (known: auto, {', '.join(FORMATS)})")
    stations, report = READERS[fmt](path, options or ReaderOptions())
    report.format = fmt
    return stations, report


__all__ = ["FORMATS", "READERS", "ReaderOptions", "detect_format", "read_stations"]
