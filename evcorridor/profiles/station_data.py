"""What the project's own station data holds per country (data/stations/*.csv, built by
`make data`), so a comparison can say where a verdict rests on market reports instead of station
records: the Mexican side, for one, has only Tesla Supercharger sites in the project.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COUNTRY_NAMES = {"USA": "the United States", "CAN": "Canada", "MEX": "Mexico"}
TESLA_SOURCES = frozenset({"supercharge", "tesla"})  # station sources listing Tesla sites only


@dataclass(frozen=True)
class CountryStations:
    """Distinct station sites of one country in the project's station data."""

    country: str
    sites: int
    tesla_sites: int  # operated by Tesla or listed only by the Supercharger list
    newest: dt.date | None  # newest data date of those sites

    @property
    def non_tesla_sites(self) -> int:
        return self.sites - self.tesla_sites


def _is_tesla(operator: str | None, source: str) -> bool:
    return source in TESLA_SOURCES or "tesla" in (operator or "").lower()


@lru_cache(maxsize=8)
def _load(folder: Path) -> dict[str, CountryStations]:
    from evcorridor.stations import read_stations

    seen: dict[str, tuple[str, bool, dt.date | None]] = {}
    for path in sorted(folder.glob("*.csv")):
        stations, _ = read_stations(path, "evcorridor")
        for s in stations:
            seen.setdefault(s.id, (s.country, _is_tesla(s.operator, s.source), s.data_date))
    out: dict[str, CountryStations] = {}
    for country in sorted({c for c, _, _ in seen.values()}):
        rows = [(t, d) for c, t, d in seen.values() if c == country]
        dates = [d for _, d in rows if d is not None]
        out[country] = CountryStations(country, len(rows), sum(1 for t, _ in rows if t),
                                       max(dates) if dates else None)
    return out


def station_data(data_dir: Path | None = None) -> dict[str, CountryStations]:
    """Sites per country in `data_dir`/stations (default: the settings' data folder). A
    country with no site is absent; an absent folder gives {}."""
    if data_dir is None:
        from evcorridor.settings import get_settings

        data_dir = Path(get_settings().data_dir)
    folder = (data_dir / "stations").resolve()
    return _load(folder) if folder.is_dir() else {}


def gap_sentence(country: str, data: dict[str, CountryStations], profile_id: str,
                 cited: bool = True) -> str | None:
    """One plain sentence when the project has no non-Tesla station data for `country`
    (None when it has some). `cited`: the profile cites market reports for that country."""
    name = COUNTRY_NAMES.get(country, country)
    cs = data.get(country)
    if cs is not None and cs.non_tesla_sites > 0:
        return None
    if cs is None:
        held = f"it has no station in {name} at all"
    else:
        when = cs.newest.isoformat() if cs.newest else "unknown date"
        what = ("1 station site in {n} is a Tesla Supercharger" if cs.sites == 1 else
                f"{cs.sites} station sites in {{n}} are all Tesla Superchargers")
        held = f"its {what.format(n=name)} (data of {when})"
    tail = (f"rests on the market reports cited in {profile_id}, not on station records"
            if cited else "is not backed by any station record")
    return (f"The project has no non-Tesla station data for {name}: {held}, so what this verdict "
            f"says about stations there {tail}.")
