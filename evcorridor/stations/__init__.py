"""Existing charging stations: readers, one model, de-duplication, snapping, embedded snapshots.

    corridor_stations(corridor_id, source="embedded")  the stations near a corridor
    read_stations(path, fmt="auto")                    one file -> (stations, ReadReport)
    dedupe(stations)                                   merge duplicates across sources
    snap_stations(stations, G)                         nearest exit node, offset, country
    site_spec(station)                                 what a station offers, as a SiteSpec
"""

from __future__ import annotations

from pathlib import Path

from evcorridor.errors import InputError, unknown_id
from evcorridor.settings import get_settings
from evcorridor.stations.merge import dedupe
from evcorridor.stations.model import ConnectorInfo, ReadReport, Station
from evcorridor.stations.readers import FORMATS, ReaderOptions, read_stations
from evcorridor.stations.sitespec import SiteInfo, describe_site, site_spec
from evcorridor.stations.snap import SnappedStation, snap_stations

__all__ = [
    "FORMATS", "ConnectorInfo", "ReadReport", "ReaderOptions", "SiteInfo", "SnappedStation",
    "Station", "corridor_stations", "dedupe", "describe_site", "embedded_path", "read_stations",
    "site_spec", "snap_stations",
]


def embedded_path(corridor_id: str) -> Path:
    return get_settings().data_dir / "stations" / f"{corridor_id}.csv"


def corridor_stations(corridor_id: str, source: str | Path = "embedded") -> list[Station]:
    """Stations near a corridor: the embedded snapshot (default) or any station file / folder.

    A file with stations from several sources is de-duplicated. Raises NotFoundError for an
    unknown corridor, InputError when the file cannot be read or holds no usable station.
    """
    if isinstance(source, str) and source == "embedded":
        path = embedded_path(corridor_id)
        if not path.is_file():
            folder = path.parent
            known = sorted(p.stem for p in folder.glob("*.csv")) if folder.is_dir() else []
            try:
                from evcorridor.corridors import list_corridors

                known = sorted(set(known) | {c.id for c in list_corridors()})
            except Exception:  # corridor configs unreadable: the embedded files still name ids
                pass
            if corridor_id in known:
                raise InputError(f"{path}: no embedded station snapshot for corridor "
                                 f"{corridor_id!r} (run `make data`)")
            raise unknown_id("corridor", corridor_id, known)
        stations, report = read_stations(path, "evcorridor")
        if report.rejected:  # the embedded snapshot is generated: any bad row means corruption
            raise InputError(f"{report.messages()[0]} ({report.rows_rejected} bad row(s))")
        return stations
    stations, report = read_stations(Path(source))
    if not stations:
        why = report.messages()[0] if report.rejected else f"{report.source_file}: no stations"
        raise InputError(f"{why} (no usable station; {report.rows_rejected} row(s) rejected)")
    stations, _ = dedupe(stations)
    return stations
