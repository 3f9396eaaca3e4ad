"""Pieces of the snapshot build: supersession by newer complete exports, README block update."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from evcorridor.build.station_data import BEGIN, END, SOURCES, supersede, update_readme
from evcorridor.stations import Station


def _st(sid: str, state: str, when: date, fname: str) -> Station:
    """SYNTHETIC station records (ids and places made up) for the supersession rule."""
    return Station(id=sid, source="x", source_ids=[sid], name=sid, lat=48.0, lon=-122.0,
                   country="USA", state=state, data_date=when, source_file=fname)


def test_supersede_drops_older_map_rows_missing_from_newer_complete_export() -> None:
    by_file = {s.path.split("/")[-1]: s for s in SOURCES}
    wa = "afdc-WA-2025-02-09.csv"
    us_ccs = "us-ccs-dcfc-2022-11.geojson"
    rows = [
        _st("afdc:1", "WA", date(2025, 2, 9), wa),
        _st("afdc:2", "WA", date(2022, 11, 19), us_ccs),  # gone from the 2025 WA export
        _st("afdc:3", "OR", date(2022, 11, 19), us_ccs),  # Oregon: no complete export
        _st("tesla:x-wa", "WA", date(2023, 6, 3), "tesla-superchargers-NA-2023-06.csv"),
    ]
    kept, dropped = supersede(rows, by_file)
    assert [s.id for s in kept] == ["afdc:1", "afdc:3", "tesla:x-wa"]
    assert dropped == ["afdc:2 (us-ccs-dcfc-2022-11.geojson, 2022-11-19): not in the newer "
                       "complete export of WA (2025-02-09)"]


def test_update_readme_replaces_only_the_stations_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# data\n\nnetwork text\n\n{BEGIN}\nold\n{END}\n\n## more\n",
                      encoding="utf-8")
    update_readme(readme, f"{BEGIN}\nnew block\n{END}\n")
    assert readme.read_text(encoding="utf-8") == (
        f"# data\n\nnetwork text\n\n{BEGIN}\nnew block\n{END}\n\n## more\n")
    fresh = tmp_path / "NEW.md"
    update_readme(fresh, f"{BEGIN}\nx\n{END}\n")
    assert fresh.read_text(encoding="utf-8") == f"{BEGIN}\nx\n{END}\n"
