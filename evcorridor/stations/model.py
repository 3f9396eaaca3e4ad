"""The one station model every reader produces (contract: /work/team/CONTRACTS.md "Stations").

Countries are ISO 3166 alpha-3 ("USA", "CAN", "MEX"); connector types are canonical names from
`evcorridor.connectors` (CCS1, J1772, CHAdeMO, NACS, MCS, ...); power in kW per port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from evcorridor.headings import Heading
from evcorridor.inputs import MAX_KEPT
from evcorridor.stations.carriageway import serves_from

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
    #: may a tractor-trailer use the site (evcorridor.stations.truck); None = unknown
    truck_access: bool | None = Field(default=None, description="truck access; None = unknown")
    truck_access_basis: str = Field(default="", description="source field and value, e.g. "
                                    "'AFDC maximum_vehicle_class=HD'; empty when unknown")
    #: the one carriageway the station serves (evcorridor.stations.carriageway); None = both
    serves: Heading | None = Field(default=None, description="northbound, southbound, eastbound "
                                   "or westbound when on one carriageway only; None = both")
    serves_basis: str = Field(default="", description="the evidence, e.g. \"address 'Highway "
                              "401 Eastbound'\"; empty when it serves both ways")

    @model_validator(mode="after")
    def _name_says(self) -> Station:
        """A station without a direction read from its source: the name rule (every reader,
        and station files without the columns, get the same answer)."""
        if self.serves is None and not self.serves_basis:
            self.serves, self.serves_basis = serves_from(self.name)
        return self

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
    # (row number, reason) of the first MAX_KEPT rejected rows; `rows_rejected` counts them all
    rejected: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # fine rows that are no station
    # kept rows with a caveat: the first MAX_KEPT; `warning_count` counts them all
    warnings: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # file-level remarks (not rejections)
    rejected_count: int = 0
    warning_count: int = 0

    def reject(self, row: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_KEPT:
            self.rejected.append((row, reason))

    def skip(self, row: int, reason: str) -> None:
        """A valid row that is not a charging station (e.g. LPG in an AFDC all-fuels export)."""
        self.skipped.append((row, reason))

    def warn(self, row: int, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT:
            self.warnings.append((row, message))

    @property
    def rows_rejected(self) -> int:
        return self.rejected_count

    def messages(self) -> list[str]:
        """One line per rejected row (`file:row N: reason`) for the first MAX_KEPT, then one
        line with how many more there are."""
        return self._listed(self.rejected, self.rejected_count, "", "rejected row(s)")

    def warning_messages(self) -> list[str]:
        return self._listed(self.warnings, self.warning_count, "warning: ", "warning(s)")

    def _listed(self, kept: list[tuple[int, str]], count: int, tag: str, what: str
                ) -> list[str]:
        """`file:row N: <tag>reason` per kept row, then how many more there are."""
        lines = [f"{self.source_file}:row {n}: {tag}{why}" for n, why in kept]
        if count > len(kept):
            lines.append(f"{self.source_file}: and {count - len(kept)} more {what} (the first "
                         f"{len(kept)} are listed)")
        return lines

    def summary(self) -> str:
        skipped = f", skipped {len(self.skipped)}" if self.skipped else ""
        return (f"{self.source_file}: {self.format or 'unknown format'}: read {self.rows_read}, "
                f"kept {self.rows_kept}, rejected {self.rows_rejected}{skipped}")
