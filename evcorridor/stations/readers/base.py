"""What every reader shares: options, CSV/JSON loading with file-level errors, row bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evcorridor.errors import InputError
from evcorridor.inputs import csv_rows, delimiter_hint, loads_json, read_text, shown_header
from evcorridor.stations.common import country_of_state, date_from_filename
from evcorridor.stations.model import ReadReport, Station


@dataclass
class ReaderOptions:
    """Options a user can give a reader (CLI: `stations import --connector ... --country ...`)."""

    data_date: date | None = None  # date of the export; default: from the file name
    connector: str | None = None  # GeoJSON: the connector every row offers (default: file name)
    country: str | None = None  # GeoJSON: the country of every row (default: property / file name)
    id_prefix: str | None = None  # GeoJSON: id namespace, e.g. "afdc" for AFDC-derived maps
    properties: dict[str, str] = field(default_factory=dict)  # GeoJSON: field -> property name


def open_text(path: Path) -> str:
    """The text of `path` (UTF-8, BOM allowed); InputError for missing, unreadable, oversized
    (evcorridor.inputs.LIMITS["stations"]) and empty files."""
    text = read_text(path, "stations")
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return text


def load_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (row number, row) pairs, read as a stream; row numbers are line numbers (the
    header is row 1). Malformed CSV (an unterminated quote) is a one-line InputError."""
    header, rows = csv_rows(path, "stations")
    out = [(n, dict(zip(header, values, strict=False))) for n, values in rows]
    return header, out


def load_json(path: Path) -> Any:
    """A JSON station file: one-line InputErrors for bad syntax, nesting too deep, over-size."""
    return loads_json(open_text(path), path)


def require_columns(path: Path, header: Iterable[str], needed: Iterable[str], what: str) -> None:
    have = set(header)
    missing = [c for c in needed if c not in have]
    if missing:
        cols = list(header)
        raise InputError(
            f"{path}: not {what}: missing column(s) {', '.join(repr(m) for m in missing)} "
            f"(found {shown_header([repr(h) for h in cols])}){delimiter_hint(cols)}"
        )


def export_date(path: Path, options: ReaderOptions) -> date | None:
    return options.data_date or date_from_filename(path)


class SkipRow(ValueError):
    """Raised by a row parser for a valid row that is not a usable station (removed, not EV)."""


class RowCollector:
    """Runs a per-row parser; ValueError → rejected row with its message; duplicate ids rejected."""

    def __init__(self, report: ReadReport) -> None:
        self.report = report
        self.stations: list[Station] = []
        self._seen: dict[str, int] = {}

    def add(self, row: int, parse: Callable[[], Station | None]) -> None:
        self.report.rows_read += 1
        try:
            st = parse()
        except SkipRow as exc:
            self.report.skip(row, str(exc))
            return
        except ValueError as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.report.reject(row, msg)
            return
        if st is None:
            return
        if st.id in self._seen:
            self.report.reject(row, f"duplicate id {st.id} (first at row {self._seen[st.id]})")
            return
        self._seen[st.id] = row
        by_state = country_of_state(st.state)
        if by_state and by_state != st.country:
            self.report.warn(row, f"state {st.state} is in {by_state} but the row says "
                                  f"{st.country} (kept as {st.country})")
        self.stations.append(st)
        self.report.rows_kept += 1

    def skip(self, row: int, reason: str) -> None:
        """A row that is fine but not a charging station (e.g. an LPG row in an AFDC export)."""
        self.report.rows_read += 1
        self.report.skip(row, reason)
