"""Where the data comes from, for people. Stations: each raw file's short name, date, licence and
origin, as the data build recorded them in `data/station-sources.csv`
(evcorridor/build/station_data.py), and the names of the reader formats.

A station row lists its raw files in `source_file` (freshest first, space-separated); a file the
build did not read (a user's own export) is named after its reader format and dated from its rows.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the stations package is heavy (shapely); renderers import this module
    from evcorridor.stations.model import Station

#: a station's `source` code (its reader format) -> the source's name for people (reports,
#: popups, tables, plan data sources)
FORMAT_NAMES = {
    "afdc": "AFDC",
    "afdc-api": "AFDC API",
    "geojson": "AFDC (ev-map GeoJSON)",
    "ocm": "Open Charge Map",
    "osm": "OpenStreetMap",
    "supercharge": "supercharge.info",
    "tesla": "supercharge.info",
    "plan": "planned (new site)",
}

SOURCES_FILE = "station-sources.csv"  # under the data folder; written by `make data`


def format_name(code: str) -> str:
    """The name of a station source code for people (`afdc` -> `AFDC`); unknown codes as given."""
    return FORMAT_NAMES.get(code, code)


@dataclass(frozen=True)
class FileSource:
    """One raw station file: short name, date (None: unknown), licence and origin ("" when not
    recorded), the reader format."""

    file: str
    name: str
    fmt: str
    date: str | None
    licence: str
    origin: str


@lru_cache(maxsize=4)
def _read(path: Path) -> dict[str, FileSource]:
    out: dict[str, FileSource] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["file"]] = FileSource(row["file"], row["name"], row["format"],
                                          row["date"] or None, row["licence"], row["origin"])
    return out


def build_sources(data_dir: Path | None = None) -> dict[str, FileSource]:
    """The raw station files the data build read ({file name: source}); {} without the file."""
    if data_dir is None:
        from evcorridor.settings import get_settings

        data_dir = Path(get_settings().data_dir)
    path = (Path(data_dir) / SOURCES_FILE).resolve()
    return _read(path) if path.is_file() else {}


def files_of(station: Station) -> list[str]:
    """The raw files a station row comes from (freshest first)."""
    return (station.source_file or "").split()


def station_sources(stations: list[Station], data_dir: Path | None = None
                    ) -> list[tuple[FileSource, int]]:
    """Each raw file the `stations` come from, with how many of them it lists (most first).
    A file the data build did not record is named after the reader format of its rows
    (`AFDC (my-export.csv)`) and dated by the newest `data_date` of the rows it leads."""
    known = build_sources(data_dir)
    counts: dict[str, int] = {}
    fmt: dict[str, str] = {}
    newest: dict[str, date] = {}
    for s in stations:
        files = files_of(s) or [s.source]
        for i, f in enumerate(files):
            counts[f] = counts.get(f, 0) + 1
            if i == 0:
                fmt.setdefault(f, s.source)
                if s.data_date is not None and (f not in newest or s.data_date > newest[f]):
                    newest[f] = s.data_date
    out = []
    for f, n in counts.items():
        src = known.get(f)
        if src is None:
            code = fmt.get(f, "")
            d = newest.get(f)
            src = FileSource(f, f"{format_name(code)} ({f})" if code else f, code,
                             d.isoformat() if d else None, "", "")
        out.append((src, n))
    return sorted(out, key=lambda x: (-x[1], x[0].name, x[0].file))  # the largest first


# ----------------------------------------------------------------------------- networks, volumes
#: the network source of a corridor graph (its `built_from`, else `source` attribute) -> (name,
#: licence and attribution); as in data/README.md. The date and the file (with its commit) come
#: from the graph's own `data_date` and `provenance`, which the network build records.
NETWORK_SOURCES = {
    "travelmapping": ("Travel Mapping", "no licence file; coordinates from OpenStreetMap: "
                      "attribute \"Travel Mapping Project\" and \"© OpenStreetMap contributors\" "
                      "(ODbL)"),
    "osm": ("OpenStreetMap", "ODbL; attribute \"© OpenStreetMap contributors\""),
}

#: the crossing volumes of data/crossings.csv (`make data`, evcorridor/build/network_data.py):
#: name, licence, origin, as in data/README.md
VOLUMES_SOURCE = ("BTS", "US federal data (Bureau of Transportation Statistics), public domain",
                  "BTS / CBP Border Crossing Entry Data, inbound monthly counts per port; subset "
                  "from GitHub Jassi50/PythonPart2 @2f45d02")


def volume_period(annualised_from: Iterable[str]) -> str | None:
    """The period ("2020-01..2021-12") of the monthly counts crossings' annual volumes rest on,
    from their `annualised_from` ("cars: 2020-01..2020-02 x6 (pre-closure); trucks: 2021 12
    months"; a year counted over fewer months spans that year: which months is not recorded).
    None when no crossing has counts."""
    months: set[str] = set()
    for text in annualised_from:
        for a, b in re.findall(r"(\d{4}-\d{2})\.\.(\d{4}-\d{2})", text):
            months |= {a, b}
        for year in re.findall(r"(\d{4}) \d+ months", text):
            months |= {f"{year}-01", f"{year}-12"}
    if not months:
        return None
    first, last = min(months), max(months)
    return first if first == last else f"{first}..{last}"
