"""Small helpers shared by the station readers: coordinates, dates, countries, distances."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from evcorridor import jurisdictions
from evcorridor.connectors import UnknownConnector, normalize

#: Bounding box of North America used to reject misplaced rows (swapped lat/lon, 0/0, other
#: continents): lat 14..84 N, lon -170..-50 (Hawaii, Alaska, Newfoundland and the Yucatán included).
NA_LAT = (14.0, 84.0)
NA_LON = (-170.0, -50.0)

#: state, territory and province codes of station files (upper case), from evcorridor.jurisdictions
US_STATES = frozenset(code.upper() for code in
                      jurisdictions.US_STATES | jurisdictions.US_TERRITORIES)
CA_PROVINCES = frozenset(code.upper() for code in jurisdictions.CA_PROVINCES)

_COUNTRY_ALIASES = {
    "usa": "USA", "us": "USA", "united states": "USA", "united states of america": "USA",
    "can": "CAN", "ca": "CAN", "canada": "CAN",
    "mex": "MEX", "mx": "MEX", "mexico": "MEX", "méxico": "MEX",
}


def country_code(value: str) -> str | None:
    """ISO alpha-3 (USA/CAN/MEX) for a country name or ISO code; None if not one of the three."""
    return _COUNTRY_ALIASES.get(str(value).strip().lower())


def country_of_state(state: str | None) -> str | None:
    """USA or CAN from a two-letter state/province code; None when it is neither."""
    if not state:
        return None
    s = state.strip().upper()
    if s in US_STATES:
        return "USA"
    if s in CA_PROVINCES:
        return "CAN"
    return None


def parse_coord_pair(lat_text: object, lon_text: object) -> tuple[float, float]:
    """(lat, lon) as floats, checked to lie in North America; ValueError with the reason."""
    try:
        lat = float(str(lat_text).strip())
        lon = float(str(lon_text).strip())
    except ValueError:
        raise ValueError(f"unparsable coordinates lat={lat_text!r} lon={lon_text!r}") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"unparsable coordinates lat={lat_text!r} lon={lon_text!r}")
    if not (NA_LAT[0] <= lat <= NA_LAT[1] and NA_LON[0] <= lon <= NA_LON[1]):
        raise ValueError(f"coordinates ({lat:g}, {lon:g}) are outside North America")
    return lat, lon


def parse_date(text: object) -> date | None:
    """A date from ISO (2024-02-12, 2023-10-12T19:39:16Z, '2024-02-12 15:25:05 UTC') or M/D/YYYY.

    Empty → None; anything else raises ValueError.
    """
    s = "" if text is None else str(text).strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", s)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    if m:
        return date(int(m[3]), int(m[1]), int(m[2]))
    try:
        return datetime.fromisoformat(s).date()
    except ValueError:
        raise ValueError(f"unparsable date {s!r}") from None


def date_from_filename(path: Path) -> date | None:
    """The export date written in a file name (`...-2025-02-09.csv`, `...-2023-06.csv`)."""
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", path.name)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"(?<!\d)(\d{4})-(\d{2})(?!\d)", path.name)
    if m and 1 <= int(m[2]) <= 12:
        return date(int(m[1]), int(m[2]), 1)
    return None


_T = TypeVar("_T")


def in_column(column: str, parse: Callable[[str], _T], text: str) -> _T:
    """`parse(text)`; a ValueError it raises is prefixed with the column name."""
    try:
        return parse(text)
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def parse_int(text: object) -> int | None:
    """'4', '4.0' → 4; empty → None; ValueError otherwise (negative or fractional counts too)."""
    s = "" if text is None else str(text).strip()
    if not s:
        return None
    try:
        f = float(s)
    except ValueError:
        raise ValueError(f"not a count: {s!r}") from None
    if not math.isfinite(f) or f < 0 or f != int(f):
        raise ValueError(f"not a count: {s!r}")
    return int(f)


def parse_float(text: object) -> float | None:
    s = "" if text is None else str(text).strip()
    if not s:
        return None
    try:
        f = float(s)
    except ValueError:
        raise ValueError(f"not a number: {s!r}") from None
    if not math.isfinite(f) or f < 0:
        raise ValueError(f"not a number: {s!r}")
    return f


def connector(code: str) -> str:
    """Canonical connector for a source code; ValueError (with the suggestion) when unknown."""
    try:
        return normalize(code)
    except UnknownConnector as exc:
        raise ValueError(str(exc)) from None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
