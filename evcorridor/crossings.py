"""Border-crossing registry: `data/crossings.csv` (built by `make data`, see data/README.md).

One row per US–Canada / US–Mexico road port in the BTS Border Crossing Entry data; where one BTS
port
covers several bridges that corridors use separately (Detroit, Buffalo–Niagara Falls, Laredo, El
Paso, Nogales, Hidalgo/Pharr, Blaine...), one row per bridge that shares the port's code, with
`volumes_scope` = "port". `port_cars_per_year` / `port_trucks_per_year` are the whole port's
annual counts; `cars_per_year` / `trucks_per_year` are the crossing's own, empty (unknown) where
a shared port's count cannot be split by a source (a port total is never copied onto each of its
crossings; `note` says how a count was assigned).
`commercial` says whether the crossing processes commercial trucks (true / false / unknown) and
`commercial_source` why (a port description, or the port's BTS truck count).
`lat`/`lon` is the Travel Mapping border point where one is known (`location_source`), else the BTS
port location.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from evcorridor.errors import InputError, unknown_id
from evcorridor.settings import get_settings

COLUMNS = [
    "id", "name", "port_code", "port_name", "border", "state", "lat", "lon", "location_source",
    "tm_border_point", "highways_us", "highways_other", "cars_per_year", "trucks_per_year",
    "port_cars_per_year", "port_trucks_per_year", "annualised_from", "volumes_scope",
    "commercial", "commercial_source", "note",
]
LIST_FIELDS = ("highways_us", "highways_other")


class Crossing(BaseModel):
    """One row of data/crossings.csv."""

    id: str
    name: str
    port_code: str
    port_name: str = ""
    border: Literal["us-ca", "us-mx"]
    state: str
    lat: float
    lon: float
    location_source: str = ""
    tm_border_point: str = ""
    highways_us: list[str]
    highways_other: list[str]
    cars_per_year: int | None
    trucks_per_year: int | None
    port_cars_per_year: int | None
    port_trucks_per_year: int | None
    annualised_from: str
    volumes_scope: Literal["port", "crossing"] = "crossing"
    commercial: Literal["true", "false", "unknown"]
    commercial_source: str
    note: str = ""

    @property
    def short_name(self) -> str:
        """For one of a port's several crossings, the id without the words it shares with the
        start of its port's name:
        "pacific-highway" (blaine-pacific-highway, port Blaine), "peace-bridge"
        (buffalo-peace-bridge, port Buffalo Niagara Falls); the whole id when nothing is left."""
        if self.volumes_scope != "port":  # the port's only crossing: its id is its name
            return self.id
        words, port = self.id.split("-"), slug(self.port_name).split("-")
        n = 0
        while n < min(len(words), len(port)) and words[n] == port[n]:
            n += 1
        return "-".join(words[n:]) or self.id

    @property
    def takes_trucks(self) -> bool:
        """True only when a source says the crossing processes commercial trucks."""
        return self.commercial == "true"


def slug(text: str) -> str:
    """A crossing id from a name: lower case, runs of other characters become one "-"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def crossings_path() -> Path:
    return get_settings().data_dir / "crossings.csv"


def read_crossings_csv(path: Path) -> list[Crossing]:
    """Parse a crossings CSV; InputError `file:row N: ...` on a bad row."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found (run `make data`)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}:row 1: missing column(s) {', '.join(missing)}")
    out: list[Crossing] = []
    seen: set[str] = set()
    for n, row in enumerate(reader, start=2):
        data: dict[str, object] = dict(row)
        for f in LIST_FIELDS:
            data[f] = [h for h in (row[f] or "").split(";") if h]
        for f in ("cars_per_year", "trucks_per_year", "port_cars_per_year",
                  "port_trucks_per_year"):
            data[f] = row[f] or None
        try:
            c = Crossing.model_validate(data)
        except (ValidationError, ValueError) as exc:
            first = exc.errors()[0] if isinstance(exc, ValidationError) else None
            what = (f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}" if first
                    else str(exc))
            raise InputError(f"{path}:row {n}: {what}") from exc
        if c.id in seen:
            raise InputError(f"{path}:row {n}: duplicate crossing id {c.id!r}")
        seen.add(c.id)
        out.append(c)
    return out


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[Crossing, ...]:
    return tuple(read_crossings_csv(Path(path)))


def _all() -> tuple[Crossing, ...]:
    path = crossings_path()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise InputError(f"{path}: file not found (run `make data`)") from exc
    return _load(str(path), mtime)


def list_crossings(border: str | None = None) -> list[Crossing]:
    """All crossings (file order: border, state, name), optionally only one border."""
    if border is not None and border not in ("us-ca", "us-mx"):
        raise unknown_id("border", border, ["us-ca", "us-mx"])
    return [c for c in _all() if border is None or c.border == border]


def get_crossing(crossing_id: str) -> Crossing:
    """One crossing by id; NotFoundError with did-you-mean for an unknown id."""
    for c in _all():
        if c.id == crossing_id:
            return c
    raise unknown_id("crossing", crossing_id, [c.id for c in _all()])
