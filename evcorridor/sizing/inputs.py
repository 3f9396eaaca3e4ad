"""Sizing inputs: the adoption scenario (configs/adoption/<id>.yaml) and BTS monthly volumes.

An adoption file gives, per vehicle class, border and year, the percentage of the vehicles crossing
that are battery-electric (`shares`), the demand factors (peak month and peak hour, share of EV
crossings that charge at each stop of the plan's stop sequence, charging taper, overhead), the
service target (wait target and probability) and the phasing years and budget. Read with
`evcorridor.yamlio`: a bad value is `file:line:column: field: message`.

Volumes: data/crossing-volumes.csv (built by `make data` from the BTS Border Crossing Entry data)
has every monthly inbound count per port and measure; `annual_volume` turns it into a yearly count
on a stated basis (see docs/sizing.md, "Demand base year").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from evcorridor.errors import InputError
from evcorridor.money import Money
from evcorridor.scenarios import Source, config_ids, get_config
from evcorridor.settings import get_settings
from evcorridor.yamlio import YamlProblems, load_yaml

VehicleClass = Literal["light-duty", "medium-duty", "heavy-duty"]
Border = Literal["us-ca", "us-mx"]
Pct = Annotated[float, Field(ge=0, le=100)]
Factor = Annotated[float, Field(gt=0, le=10)]
Share = Annotated[float, Field(gt=0, le=1)]

#: which BTS measure counts the vehicles of a class
MEASURE: dict[str, str] = {"light-duty": "Personal Vehicles", "medium-duty": "Trucks",
                           "heavy-duty": "Trucks"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Demand(_Model):
    peak_month_factor: dict[VehicleClass, Factor]  # busiest month / average month
    peak_hour_share: dict[VehicleClass, Share]  # peak hour / day (design-hour factor K)
    charging_share: dict[VehicleClass, Pct]  # % of EV crossings that charge at each stop
    mean_power_share: Share  # mean session power / min(vehicle max, port power)
    overhead_min: float = Field(ge=0, le=120)  # plug-in, payment, leaving the stall
    busy_quantile: float = Field(gt=0, lt=1)  # coincident ports for the grid connection


class Service(_Model):
    wait_target_min: float = Field(ge=0, le=24 * 60)
    wait_prob: float = Field(gt=0, le=1)


class Phasing(_Model):
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)
    budget_per_year: Money | None = None


class Adoption(_Model):
    kind: str = Field(default="adoption", pattern="^adoption$")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    shares: dict[VehicleClass, dict[Border, dict[int, Pct]]]
    demand: Demand
    service: Service
    phasing: Phasing
    sources: list[Source] = Field(default_factory=list)
    notes: dict[str, str] = Field(default_factory=dict)
    unverified: dict[str, str] = Field(default_factory=dict)
    source_file: str = Field(default="", exclude=True)

    def share_pct(self, vclass: str, border: str, year: int) -> float:
        """EV share (%) of the class at a crossing of `border` in `year`; InputError naming the
        file, line and field when the file does not cover it."""
        by_border = self.shares.get(vclass)  # type: ignore[call-overload]
        loc: tuple[str | int, ...] = ("shares",)
        if by_border is None:
            raise self.problem(loc, f"no shares for vehicle class {vclass!r}")
        years = by_border.get(border)
        loc = ("shares", vclass)
        if years is None:
            raise self.problem(loc, f"no shares for border {border!r}")
        if year not in years:
            raise self.problem((*loc, border), f"no share for year {year} (the file covers "
                               f"{min(years)}-{max(years)})")
        return float(years[year])

    def problem(self, loc: tuple[str | int, ...], message: str) -> InputError:
        """A located one-line error about this file."""
        path = Path(self.source_file)
        located = load_yaml(path, display=_display(path))
        return YamlProblems([located.problem(loc, message)])


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(get_settings().configs_dir).resolve().parent))
    except ValueError:
        return str(path)


DEFAULT_ADOPTION = "baseline"


def get_adoption(adoption_id: str) -> Adoption:
    return get_config("adoption", "adoption scenario", adoption_id, Adoption)


def list_adoptions() -> list[Adoption]:
    return [get_adoption(i) for i in config_ids("adoption")]


# ---------------------------------------------------------------- BTS volumes


def volumes_path() -> Path:
    return get_settings().data_dir / "crossing-volumes.csv"


@lru_cache(maxsize=2)
def _read_volumes(path: str, mtime: float) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc} (run `make data`)") from exc
    reader = csv.DictReader(text.splitlines())
    for n, row in enumerate(reader, start=2):
        try:
            value = int(row["value"])
            if value < 0:
                raise ValueError("negative count")
            month = row["month"]
            if len(month) != 7 or month[4] != "-":
                raise ValueError(f"month {month!r} is not YYYY-MM")
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{p}:row {n}: {exc}") from exc
        out.setdefault((row["port_code"], row["measure"]), {})[month] = value
    return out


def monthly(port_code: str, measure: str) -> dict[str, int]:
    """Monthly inbound counts {YYYY-MM: vehicles} of one port and BTS measure."""
    path = volumes_path()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise InputError(f"{path}: file not found (run `make data`)") from exc
    return dict(_read_volumes(str(path), mtime).get((port_code, measure), {}))


@dataclass(frozen=True)
class Volume:
    annual: float | None  # inbound vehicles per year; None when BTS has no count
    basis: str  # how it was annualised


def annual_volume(port_code: str, vclass: str, demand_year: int | None) -> Volume:
    """Inbound vehicles a year of the class's BTS measure at a port.

    `demand_year` None: the deliberate default — personal vehicles from January + February 2020
    x 6 (the months before the March 2020 closure to non-essential travel), trucks from the 12
    months of 2021 (trucks were exempt). A year: that calendar year's months, scaled by 12/n when
    some are missing (said in the basis)."""
    measure = MEASURE[vclass]
    months = monthly(port_code, measure)
    if demand_year is None:
        if measure == "Personal Vehicles" and "2020-01" in months and "2020-02" in months:
            return Volume((months["2020-01"] + months["2020-02"]) * 6.0,
                          "BTS 2020-01..02 x 6 (pre-closure)")
        demand_year = 2021
    sel = sorted(m for m in months if m.startswith(f"{demand_year}-"))
    if not sel:
        return Volume(None, f"BTS {measure}: no {demand_year} months")
    total = sum(months[m] for m in sel) * 12.0 / len(sel)
    scale = "" if len(sel) == 12 else f" x 12/{len(sel)}"
    return Volume(total, f"BTS {demand_year} {len(sel)} months{scale}")
