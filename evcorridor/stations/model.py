"""The one station model every reader produces (contract: /work/team/CONTRACTS.md "Stations").

Countries are ISO 3166 alpha-3 ("USA", "CAN", "MEX"); connector types are canonical names from
`evcorridor.connectors` (CCS1, J1772, CHAdeMO, NACS, MCS, ...); power in kW per port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["open", "planned", "temporarily_unavailable"]
Access = Literal["public", "restricted"]


class ConnectorInfo(BaseModel):
    """One connector type at a station: how many ports offer it and their maximum power."""

    model_config = ConfigDict(frozen=True)

    type: str = Field(description="canonical connector name (evcorridor.connectors)")
    count: int | None = Field(default=None, description="ports with this connector; None = unknown")
    max_kw: float | None = Field(default=None, description="maximum kW per port; None = unknown")


class Station(BaseModel):
    """An existing (or planned) charging station, normalised from any source."""

    id: str = Field(description='source-prefixed id, e.g. "afdc:12345", "ocm:106519"')
    source: str = Field(description="afdc, afdc-api, ocm, geojson, supercharge, osm")
    source_ids: list[str] = Field(default_factory=list, description="all merged source ids")
    name: str
    lat: float
    lon: float
    country: str = Field(description="ISO alpha-3: USA, CAN, MEX")
    state: str | None = None
    operator: str | None = Field(default=None, description="operator or network, e.g. Tesla")
    status: Status = "open"
    access: Access = "public"
    connectors: list[ConnectorInfo] = Field(default_factory=list)
    dc_fast_ports: int | None = Field(default=None, description="DC fast ports; None = unknown")
    open_date: date | None = None
    last_confirmed: date | None = None
    data_date: date | None = Field(default=None, description="date of the export the row came from")
    source_file: str | None = Field(default=None, description="file the row was read from")

    @property
    def connector_types(self) -> list[str]:
        return [c.type for c in self.connectors]

    @property
    def freshness(self) -> date | None:
        """The newest date we know the station's data to be true."""
        dates = [d for d in (self.last_confirmed, self.data_date) if d is not None]
        return max(dates) if dates else None


@dataclass
class ReadReport:
    """What a reader did with a file: rows read, kept, and every rejected row with its reason."""

    source_file: str
    format: str = ""
    rows_read: int = 0
    rows_kept: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # fine rows that are no station
    warnings: list[tuple[int, str]] = field(default_factory=list)  # kept rows with a caveat
    notes: list[str] = field(default_factory=list)  # file-level remarks (not rejections)

    def reject(self, row: int, reason: str) -> None:
        self.rejected.append((row, reason))

    def skip(self, row: int, reason: str) -> None:
        """A valid row that is not a charging station (e.g. LPG in an AFDC all-fuels export)."""
        self.skipped.append((row, reason))

    def warn(self, row: int, message: str) -> None:
        self.warnings.append((row, message))

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    def messages(self) -> list[str]:
        """One line per rejected row: `file:row N: reason`."""
        return [f"{self.source_file}:row {n}: {why}" for n, why in self.rejected]

    def warning_messages(self) -> list[str]:
        return [f"{self.source_file}:row {n}: warning: {why}" for n, why in self.warnings]

    def summary(self) -> str:
        skipped = f", skipped {len(self.skipped)}" if self.skipped else ""
        return (f"{self.source_file}: {self.format or 'unknown format'}: read {self.rows_read}, "
                f"kept {self.rows_kept}, rejected {self.rows_rejected}{skipped}")
