"""Scenarios (configs/scenarios/<id>.yaml) and cost models (configs/costs/<id>.yaml).

A scenario fixes what the siting assumes about the trip: the vehicle climate scenario (a name the
vehicle profiles define: "mild", "highway-summer", "deep-winter"), the state of charge at the route
start (a fraction; absent = the vehicle's own `start_charge`, else its `charge_to`) and the border
wait in minutes per direction (into / out of the USA) with optional per-crossing overrides. The
wait costs energy at the vehicle's idle auxiliary power; the siting adds that distance to the gap
spanning the crossing.

A cost model prices plan options in its `currency` (USD, CAD or MXN): a new site, an upgrade of
an existing station, an extra per port beyond the standard design, an extra for a car design
variant (another connector), and, for truck lanes (MCS for heavy-duty trucks), what they are
made of: MCS dispensers, truck parking bays (`truck_site`) and the grid band step
(`CostModel.truck_lanes`). Its `sizing` block holds the component costs that
`evcorridor size` uses (per port by power class, MCS dispenser, grid-connection bands, annual O&M,
each a currency amount) and `exchange_rates` the dated rates between the currencies.

Both are read with `evcorridor.yamlio` so a bad file is reported as `file:line:column: field:
message`; unknown ids raise NotFoundError with "did you mean". The checker imports this module
(it is not part of `evcorridor.siting`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evcorridor.errors import unknown_id
from evcorridor.money import Amount, Currency, ExchangeRates, Money
from evcorridor.settings import get_settings
from evcorridor.yamlio import YamlProblems, load_yaml, validation_problems

DEFAULT_SCENARIO = "default"
DEFAULT_COST_MODEL = "default"

Minutes = Annotated[float, Field(ge=0, le=24 * 60)]
Fraction = Annotated[float, Field(ge=0, le=1)]
VehicleClass = Literal["light-duty", "medium-duty", "heavy-duty"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    id: str
    title: str
    url: str | None = None


class Wait(_Model):
    into_usa: Minutes
    out_of_usa: Minutes


class BorderWait(_Model):
    default: Wait
    crossings: dict[str, Wait] = Field(default_factory=dict)


class Scenario(_Model):
    kind: str = Field(default="scenario", pattern="^scenario$")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    climate: str = Field(min_length=1)
    start_soc: float | None = Field(default=None, ge=0, le=1)
    # state of charge (fraction) on arrival at a route endpoint with no usable station there
    arrival_charge: dict[VehicleClass, Fraction] = Field(default_factory=dict)
    start_full: bool = False  # True: every vehicle leaves every endpoint with its start charge
    border_wait_min: BorderWait
    sources: list[Source] = Field(default_factory=list)
    notes: dict[str, str] = Field(default_factory=dict)
    unverified: dict[str, str] = Field(default_factory=dict)
    source_file: str = Field(default="", exclude=True)

    def arrival_soc(self, vehicle_class: str) -> float | None:
        """The state of charge (fraction) a vehicle of `vehicle_class` has at a route endpoint
        without a station it can use; None when the scenario says it starts full there
        (`start_full`, or no `arrival_charge` for the class)."""
        if self.start_full:
            return None
        return self.arrival_charge.get(vehicle_class)  # type: ignore[call-overload]

    def wait_min(self, crossing_id: str, into_usa: bool) -> float:
        """Border wait in minutes at `crossing_id` in the given direction."""
        w = self.border_wait_min.crossings.get(crossing_id, self.border_wait_min.default)
        return float(w.into_usa if into_usa else w.out_of_usa)


class PortCost(_Model):
    """Cost of one charging port of a power class (up to `max_kw` per port)."""

    max_kw: float = Field(gt=0)
    capex: Money  # hardware and installation of one port, without the grid connection
    om_year: Money  # operation and maintenance per port and year (not the energy)


class GridBand(_Model):
    """Make-ready and utility connection for a site whose coincident peak is up to `max_kw`."""

    max_kw: float | None = Field(default=None, gt=0)  # None: any larger connection
    capex: Money


class SizingCosts(_Model):
    ports: list[PortCost] = Field(min_length=1)  # by increasing max_kw
    mcs_dispenser: PortCost
    grid: list[GridBand] = Field(min_length=1)  # by increasing max_kw, the last open-ended

    def port(self, kw: float, mcs: bool = False) -> PortCost:
        """The cost class of a port of `kw` (the MCS dispenser for a truck lane)."""
        if mcs:
            return self.mcs_dispenser
        for p in sorted(self.ports, key=lambda p: p.max_kw):
            if kw <= p.max_kw + 1e-9:
                return p
        return max(self.ports, key=lambda p: p.max_kw)

    def band(self, kw: float) -> tuple[int, GridBand]:
        """(index, band) of the grid-connection band that covers a coincident peak of `kw`."""
        for i, b in enumerate(self.grid):
            if b.max_kw is None or kw <= b.max_kw + 1e-9:
                return i, b
        return len(self.grid) - 1, self.grid[-1]


class TruckSiteCosts(_Model):
    """What a site takes to serve tractor-trailers besides its car chargers: per MCS lane one
    dispenser (`sizing.mcs_dispenser`) and one pull-through truck bay (`parking_bay`), and the
    step up in grid band (`sizing.grid`) that the lanes' power needs."""

    parking_bay: Money  # one pull-through truck bay: pavement, approach, striping, signs


@dataclass(frozen=True)
class TruckLanesCost:
    """The cost of adding truck lanes to a site, in the cost model's currency, by component."""

    lanes: int
    lane_kw: float
    dispensers: float  # lanes x MCS dispenser
    parking: float  # lanes x parking bay
    grid: float  # grid band of (site + lanes) minus grid band of the site
    grid_bands: tuple[int, int]  # (index before, index after) in sizing.grid

    @property
    def total(self) -> float:
        return self.dispensers + self.parking + self.grid


class CostModel(_Model):
    kind: str = Field(default="cost-model", pattern="^cost-model$")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    currency: Currency = "USD"  # of new_site, upgrade, per_port and extra_design
    new_site: float = Field(gt=0)
    upgrade: float = Field(ge=0)
    per_port: float = Field(default=0.0, ge=0)
    extra_design: float = Field(default=0.0, ge=0)  # a car design variant (another connector)
    exchange_rates: ExchangeRates | None = None
    sizing: SizingCosts | None = None
    #: truck lanes (MCS dispensers, truck bays, grid step); without it (or without `sizing`) a
    #: truck design variant costs `extra_design` like any other variant
    truck_site: TruckSiteCosts | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: dict[str, str] = Field(default_factory=dict)
    unverified: dict[str, str] = Field(default_factory=dict)
    source_file: str = Field(default="", exclude=True)

    def amount(self, a: Amount) -> float:
        """A config amount in this model's `currency` (through `exchange_rates`)."""
        if a.currency == self.currency:
            return a.value
        if self.exchange_rates is None:
            raise ValueError(f"cost model {self.id!r} has no exchange_rates to convert "
                             f"{a.currency} into {self.currency}")
        return self.exchange_rates.amount(a, self.currency)

    def truck_lanes(self, lanes: int, lane_kw: float, site_kw: float) -> TruckLanesCost | None:
        """What adding `lanes` MCS truck lanes of `lane_kw` each costs at a site whose other
        chargers have `site_kw` nameplate: lanes x (MCS dispenser + truck bay) plus the grid band
        of site_kw + lanes x lane_kw less the band of site_kw. None without `truck_site` and
        `sizing` (the variant then costs `extra_design`)."""
        if self.truck_site is None or self.sizing is None or lanes <= 0:
            return None
        before, b0 = self.sizing.band(site_kw)
        after, b1 = self.sizing.band(site_kw + lanes * lane_kw)
        return TruckLanesCost(
            lanes=lanes, lane_kw=lane_kw,
            dispensers=lanes * self.amount(self.sizing.mcs_dispenser.capex),
            parking=lanes * self.amount(self.truck_site.parking_bay),
            grid=max(0.0, self.amount(b1.capex) - self.amount(b0.capex)),
            grid_bands=(before, after))


def _folder(kind: str) -> Path:
    return Path(get_settings().configs_dir) / kind


def _files(kind: str) -> dict[str, Path]:
    folder = _folder(kind)
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(get_settings().configs_dir).resolve().parent))
    except ValueError:
        return str(path)


_M = TypeVar("_M", bound=BaseModel)


def _load(path: Path, model: type[_M]) -> _M:
    located = load_yaml(path, display=_display(path))
    data = dict(located.data)
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise YamlProblems(validation_problems(located, exc)) from exc
    stem = path.stem
    if getattr(obj, "id", stem) != stem:
        raise YamlProblems([located.problem(("id",), f"id {getattr(obj, 'id', '')!r} does not "
                                            f"match the file name {stem!r}")])
    return obj.model_copy(update={"source_file": str(path)})


def list_scenarios() -> list[Scenario]:
    return [get_scenario(i) for i in _files("scenarios")]


def get_scenario(scenario_id: str) -> Scenario:
    return _get("scenarios", "scenario", scenario_id, Scenario)


def list_cost_models() -> list[CostModel]:
    return [get_cost_model(i) for i in _files("costs")]


def get_cost_model(cost_id: str) -> CostModel:
    return _get("costs", "cost model", cost_id, CostModel)


def config_ids(folder: str) -> list[str]:
    """The ids (file stems) of configs/<folder>/*.yaml."""
    return list(_files(folder))


def get_config(folder: str, kind: str, item_id: str, model: type[_M]) -> _M:
    """Any id-named config of configs/<folder> (e.g. configs/adoption) loaded as `model`."""
    return _get(folder, kind, item_id, model)


def _get(folder: str, kind: str, item_id: str, model: type[_M]) -> _M:
    """The `item_id` file of configs/<folder> loaded as `model`; unknown id: "did you mean"."""
    files = _files(folder)
    if item_id not in files:
        raise unknown_id(kind, item_id, files)
    return _load(files[item_id], model)
