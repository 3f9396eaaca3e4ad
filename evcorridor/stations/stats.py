"""Station statistics: counts per country, connector and power class; data age."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from evcorridor.connectors import is_dc_fast
from evcorridor.stations.model import Station

POWER_CLASSES = ("<50 kW", "50–149 kW", "150–349 kW", "≥350 kW", "unknown", "no DC")


def power_class(s: Station) -> str:
    dc = [c for c in s.connectors if is_dc_fast(c.type)]
    if not dc:
        return "no DC"
    kws = [c.max_kw for c in dc if c.max_kw is not None]
    if not kws:
        return "unknown"
    kw = max(kws)
    if kw < 50:
        return "<50 kW"
    if kw < 150:
        return "50–149 kW"
    if kw < 350:
        return "150–349 kW"
    return "≥350 kW"


def station_stats(stations: Sequence[Station], *, as_of: date,
                  countries: Sequence[str] = ()) -> dict[str, Any]:
    """Counts per country / connector / power class (each split by country) and data age."""
    by_country: dict[str, Counter[str]] = {"stations": Counter()}
    by_conn: dict[str, Counter[str]] = defaultdict(Counter)
    by_power: dict[str, Counter[str]] = {k: Counter() for k in POWER_CLASSES}
    for s in stations:
        by_country["stations"][s.country] += 1
        for c in s.connectors:
            by_conn[c.type][s.country] += 1
        by_power[power_class(s)][s.country] += 1
    ages: dict[str, list[Station]] = defaultdict(list)
    for s in stations:
        primary = (s.source_file or s.source).split()[0]
        ages[primary].append(s)
    data_age = []
    for f in sorted(ages):
        dates = [s.data_date for s in ages[f] if s.data_date]
        d = max(dates) if dates else None
        data_age.append({"source_file": f, "stations": len(ages[f]),
                         "data_date": d.isoformat() if d else None,
                         "age_days": (as_of - d).days if d else None})
    present = set(by_country["stations"])
    return {
        "as_of": as_of.isoformat(),
        "stations": len(stations),
        "dc_fast_ports_known": sum(s.dc_fast_ports or 0 for s in stations),
        "stations_ports_unknown": sum(1 for s in stations if s.dc_fast_ports is None),
        "by_country": {k: dict(sorted(v.items())) for k, v in by_country.items()},
        "by_connector": {k: dict(sorted(by_conn[k].items())) for k in sorted(by_conn)},
        "by_power_class": {k: dict(sorted(v.items())) for k, v in by_power.items() if v},
        "data_age": data_age,
        "empty_sides": [c for c in countries if c not in present],
    }
