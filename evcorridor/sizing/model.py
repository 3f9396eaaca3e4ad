"""The sizing file (`sizing.json`, schema "evcorridor.sizing/1") that `evcorridor size` writes.

Per site and year: the ports installed (`ports`) and needed (`ports_required`), the nameplate
power, the coincident peak for the grid connection, the peak-hour arrivals, the probability of
waiting longer than the target with the installed ports, the energy a year, capex and opex in
`currency`; per site, year and vehicle class (`pools`) the queue inputs — arrival rate and mean
service time — from which `evcorridor check` recomputes every queue figure independently.

Conventions: rates per hour, times in minutes, power in kW, energy in MWh a year, money in the
file's `parameters.currency`; floats rounded when written (see engine.ROUND).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from evcorridor.inputs import read_document

SCHEMA_VERSION: Final = "evcorridor.sizing/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputRef(_Model):
    kind: Literal["plan", "adoption", "cost_model", "volumes", "crossings"]
    id: str
    path: str
    sha256: str


class Pool(_Model):
    """The ports of one vehicle class at a site in one year: an M/M/c queue."""

    vehicle_class: str
    mcs: bool  # truck lanes with MCS dispensers
    port_kw: float
    min_ports: int  # the site's standard (or what an existing station already has)
    ports_required: int  # fewest ports meeting the target this year (never fewer than last year)
    ports: int  # installed at the end of the year (phasing; below required when unfunded)
    arrivals_peak_hour: float  # sessions per hour in the peak hour of the peak month
    mean_service_min: float  # mean plug-in time of a session (charging + overhead)
    mean_power_kw: float  # mean power drawn by a charging session
    p_wait_over_target: float  # P(wait > target) with `ports` (M/M/c, Erlang C)
    busy_ports: int  # ports in use at the busy quantile (for the coincident peak)
    sessions_year: float
    energy_mwh_year: float


class SiteYear(_Model):
    year: int
    open: bool
    ports: int
    ports_required: int
    power_kw: float  # nameplate: sum of ports x port power
    grid_kw: float  # coincident peak: sum over pools of busy ports x mean session power
    diversity_factor: float | None  # grid_kw / power_kw (None when no ports)
    grid_band: int | None  # index of the cost model's grid band paid for so far
    arrivals_peak_hour: float
    p_wait_over_target: float  # worst pool
    meets_target: bool
    energy_mwh_year: float
    capex: float  # spent this year
    opex: float  # O&M of the installed ports this year
    deferred_capex: float = 0.0  # what the unfunded needs of the year would cost
    currency: str
    built: list[str] = Field(default_factory=list)  # what was funded this year
    deferred: list[str] = Field(default_factory=list)  # needed but not funded this year
    pools: list[Pool]


class SiteSizing(_Model):
    id: str
    name: str
    kind: Literal["new", "upgrade", "existing"]
    country: str
    priority: Literal["coverage", "existing"]  # coverage sites open first under a budget
    plan_ports: int
    plan_power_kw: float
    plan_cost: float  # the siting objective's figure for the site, in `currency`
    years: list[SiteYear]


class DemandRow(_Model):
    crossing: str
    port_code: str
    vehicle_class: str
    annual_inbound: float | None  # BTS inbound vehicles a year (whole port)
    port_share: float  # share of the port's volume given to this crossing (bridges of one port)
    basis: str


class YearTotal(_Model):
    year: int
    country: str  # ISO alpha-3, or "ALL"
    sites_open: int
    ports: int
    ports_required: int
    ports_added: int
    power_kw: float
    grid_kw: float
    energy_mwh_year: float
    capex: float
    opex: float
    deferred_capex: float  # what the needs of the year would have cost beyond the budget
    sites_meeting_target: int
    sites: int


class Sizing(_Model):
    schema_version: Literal["evcorridor.sizing/1"] = SCHEMA_VERSION
    corridor: str
    corridor_name: str
    border: str
    inputs: list[InputRef]
    parameters: dict[str, str | int | float | bool | list[int] | None]
    demand: list[DemandRow]
    sites: list[SiteSizing]
    totals: list[YearTotal]
    notes: list[str] = Field(default_factory=list)
    unverified: dict[str, str] = Field(default_factory=dict)

    def dump(self) -> str:
        """Deterministic JSON text (sorted keys, 2-space indent, trailing newline)."""
        return (json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True,
                           ensure_ascii=False) + "\n")


def load_sizing(path: Path | str) -> Sizing:
    """Read a sizing.json; one-line InputError for unreadable, unknown-version or bad files."""
    return read_document(path, "sizing", SCHEMA_VERSION, Sizing)
