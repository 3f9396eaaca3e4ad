"""The plan file (`plan.json`): what the siting engine writes and the checker and renderers read.

Versioned: `schema_version` is "evcorridor.plan/2" (2: the one `data_date` of version 1 became
`data_sources`, the name, date and licence of each source). Readers refuse other versions with a
one-line error; a version-1 plan is read as version 2 with its sources not recorded.
Everything needed to re-derive every gap is in the file: the route node sequences (to reload
the corridor graph and recompute distances), every chosen site (node, offset, what it offers) and
the inputs' ids and content hashes.

Conventions: distances in metres, positions measured from the route start in the route's own
direction; countries ISO alpha-3; floats rounded to 0.1 m / 0.001 kW when written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from evcorridor.connectors import notation
from evcorridor.headings import Heading
from evcorridor.inputs import read_document
from evcorridor.outpaths import SafeSlug

SCHEMA_VERSION: Final = "evcorridor.plan/2"
PREVIOUS_VERSION: Final = "evcorridor.plan/1"

SiteKind = Literal["new", "upgrade", "existing"]
Direction = Literal["forward", "reverse"]
SolverStatus = Literal[
    "optimal", "feasible", "infeasible", "time_limit", "model_invalid", "unknown"
]


class _Model(BaseModel):
    # NaN and infinities are no distances: a plan holding one is a bad input file (exit 3)
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False)


#: an id that names files and folders (the corridor, its crossings): see evcorridor.outpaths
SafeId = SafeSlug


class InputRef(_Model):
    """One input the plan depends on, with its content hash so a reader can detect drift."""

    kind: Literal[
        "corridor",
        "network",
        "stations",
        "profile",
        "profile_set",
        "vehicle",
        "scenario",
        "cost_model",
        "flows",
        "candidates",
        "existing",
        "paths",
    ]
    id: str
    path: str  # relative to the repository root where possible
    sha256: str
    data_date: str | None = None


class Connector(_Model):
    type: str  # canonical connector name (evcorridor.connectors)
    count: int
    max_kw: float | None  # None: the station data gives no power


class SiteExit(_Model):
    """The highway exit a site hangs off, from the Travel Mapping waypoint of its node."""

    highway: str  # the corridor highway at the node ("I-35", "MEX85")
    label: str  # the waypoint label on that highway: an exit number ("4A") or a junction ("US83")

    def text(self) -> str:
        """`I-35 exit 4A` for an exit number, `MEX85 at MEX2` for a junction label."""
        word = "exit" if self.label[:1].isdigit() else "at"
        return f"{self.highway} {word} {self.label}"



class SiteDirection(_Model):
    """A direction of travel a site serves: it lies on this route, driven this way."""

    route: str  # route id "<crossing>:<direction>"
    heading: Heading  # compass direction of travel on the route at the site
    toward: str  # the route's end place

    def text(self) -> str:
        return f"{self.heading} to {self.toward}"


#: `Site.truck_access_basis` of a new site whose design serves a medium- or heavy-duty vehicle
#: of the plan (truck lanes), and of one built for cars only
NEW_TRUCK_BASIS: Final = "new truck-designed site (MCS lanes, truck parking)"
NEW_CAR_BASIS: Final = "new site, car design (no truck lanes)"
#: vehicle classes that stop only at truck-accessible sites (and cross only where trucks may)
TRUCK_CLASSES: Final = frozenset({"medium-duty", "heavy-duty"})


class Site(_Model):
    """A charging site in the plan: built new, an existing station upgraded, or existing as is."""

    # stable and readable: a new site's id comes from its exit ("new-i35-tx-exit-4a"), an existing
    # station's is its station id ("afdc:12345")
    id: str
    kind: SiteKind
    name: str
    node: int  # corridor graph node the site hangs off
    lat: float | None  # None: a generic network's node without coordinates (a distance matrix)
    lon: float | None
    country: str
    offset_m: float  # travel distance highway exit -> site (counted twice in a gap)
    ports: int | None  # None: the station data gives no DC fast port count
    power_kw: float | None  # per port, simultaneous; None: the station data gives no power
    connectors: list[Connector]
    station_ids: list[str] = Field(default_factory=list)  # existing station ids (all sources)
    source: str = "plan"  # data source of an existing station, or "plan" for new builds
    # the source by name for people: the raw file its row comes from first ("AFDC (WA)", "AFDC
    # CCS map (US)"; plan.data_sources has its date); None for new sites
    source_name: str | None = None
    complies_with: list[str] = Field(default_factory=list)  # standard profile ids it meets
    # "<route id>/<vehicle>" of every vehicle run that stops here or charges here at the start
    used_by: list[str] = Field(default_factory=list)
    cost: float = 0.0
    exit: SiteExit | None = None  # None where the node has no highway label
    place: str | None = None  # nearest named place of the corridor (configs/corridors)
    place_distance_m: float | None = None  # straight-line distance to `place`
    directions: list[SiteDirection] = Field(default_factory=list)
    # a station on one carriageway only (its name, address, AFDC intersection directions or OSM
    # direction tag says so: evcorridor/stations/carriageway.py): the one heading it serves;
    # routes driving the other way do not pass it. `serves_basis`: the evidence ("name '...'",
    # "address 'Highway 401 Eastbound'", "OSM direction=N"); None when it serves both ways
    serves: Heading | None = None
    serves_basis: str | None = None
    # ISO 3166-2 subdivision of its node (Travel Mapping region: evcorridor/jurisdictions.py);
    # None where the node has none (a state line, no route id)
    subdivision: str | None = None
    # may a tractor-trailer use the site: an existing station's from the station data (AFDC
    # maximum vehicle class / facility type, OSM hgv; evcorridor/stations/truck.py), a new
    # site's from its design ("new truck-designed site ..." when it has truck lanes).
    # Medium- and heavy-duty vehicles stop only at sites where it is "true".
    truck_access: Literal["true", "false", "unknown"] = "unknown"
    truck_access_basis: str = ""  # the source field and value, or the design; "" when unknown

    def trucks_text(self) -> str:
        """Truck access for people: "yes: <basis>", "no: <basis>" or "unknown" (report, popup)."""
        word = {"true": "yes", "false": "no"}.get(self.truck_access, "unknown")
        return f"{word}: {self.truck_access_basis}" if self.truck_access_basis else word

    def connector_labels(self) -> list[str]:
        """One `CCS1 ×4 @150 kW` per connector type (the notation for people)."""
        return [notation(c.type, c.count, c.max_kw) for c in self.connectors]


class Gap(_Model):
    """One leg between consecutive usable stops (or route start/end) on one route, one vehicle."""

    from_id: str  # site id, or "start"
    to_id: str  # site id, or "end"
    from_pos_m: float
    to_pos_m: float
    length_m: float  # driving distance incl. detours (offsets twice) and border-wait equivalent
    border_wait_m: float = 0.0  # distance-equivalent of idling at the border inside this gap
    limit_m: float  # what the gap must not exceed (range, start range, or spacing)
    slack_m: float  # limit_m - length_m (negative = violation)
    crosses_border: bool = False


class TripRun(_Model):
    """A round trip (`--trip round`) driven as one: the route, then its reverse back to the
    origin, with no usable station at the far end, so the charge left on arriving there carries
    into the return leg. Positions in `gaps` run along the whole trip (the way back starts at
    the route's length); the start is the route's start range, the end is the origin."""

    out_stops: list[str]  # site ids on the way out, in driving order
    back_stops: list[str]  # site ids on the way back, in driving order
    gaps: list[Gap]
    feasible: bool


class VehicleRun(_Model):
    vehicle: str
    climate: str
    range_m: float  # usable range between charges
    start_range_m: float  # range when leaving the route start
    # why: the id of the station at the route start it charged at, "scenario:arrival_charge"
    # (no usable station there: the scenario's arrival charge) or "scenario:start_full"
    start_basis: str = "scenario:start_full"
    stops: list[str]  # site ids in driving order
    gaps: list[Gap]
    feasible: bool
    # stops whose power or port count the station data does not give (the vehicle is assumed
    # to charge there as at a DC fast station; no standard counts them as compliant)
    unknown_stops: list[str] = Field(default_factory=list)
    # --trip round only (None one way): what happens at the far end of the route. A station id
    # (the reverse route's start station: the vehicle charges there, so the way back is the
    # reverse route's own run), "scenario:start_full", or "carried" (no usable station there:
    # the charge carries into the way back, and `round_trip` is the whole trip)
    turn_basis: str | None = None
    round_trip: TripRun | None = None


def start_text(run: VehicleRun) -> str:
    """How a vehicle leaves the route start, in plain words ("start 148 km: arrives with the
    scenario's arrival charge"), for the strip chart and the report."""
    basis = run.start_basis
    if basis == "scenario:arrival_charge":
        why = "arrives with the scenario's arrival charge (no usable station at the start)"
    elif basis == "scenario:start_full":
        why = "leaves full (scenario)"
    else:
        why = f"charges at {basis} at the start"
    return f"start {run.start_range_m / 1000:.0f} km: {why}"


class StandardRun(_Model):
    """Spacing rule of one jurisdiction along one route (compliant stations only)."""

    country: str
    # the ISO 3166-2 subdivision whose own profile governs this side of the route (the profile
    # set maps it; the whole side lies in it); None = the country's profile
    jurisdiction: str | None = None
    profile: str
    max_spacing_m: float | None
    recognized_profiles: list[str]  # profiles whose compliant stations count across the border
    stops: list[str]
    gaps: list[Gap]
    feasible: bool


class RoutePlan(_Model):
    id: str  # "<crossing>:<direction>"
    crossing: str
    direction: Direction
    from_name: str
    to_name: str
    nodes: list[int]  # graph nodes in driving order
    length_m: float
    border_pos_m: float
    border_wait_min: float = 0.0
    site_positions: dict[str, float]  # site id -> position (m) of its node along this route
    vehicles: list[VehicleRun]
    standards: list[StandardRun]


class Infeasibility(_Model):
    """A stretch that cannot be covered, with what would fix it."""

    route: str
    direction: Direction
    rule: str  # "vehicle:<id>" or "standard:<profile>"
    from_label: str
    from_pos_m: float
    from_country: str
    to_label: str
    to_pos_m: float
    to_country: str
    length_m: float
    limit_m: float
    fix: str


class SolverResult(_Model):
    name: str  # "cp-sat", "path-dp", "none"
    status: SolverStatus
    objective: float | None
    best_bound: float | None
    gap: float | None  # relative optimality gap, 0 when optimal
    # Wall time varies run to run, so plan.json stores None here (plans must be byte-identical);
    # the measured time goes to the printed summary and to solve-log.json beside the plan.
    wall_time_s: float | None = None
    parameters: dict[str, str | int | float | bool]
    model_size: dict[str, int] = Field(default_factory=dict)


class ExistingSummary(_Model):
    qualified: int
    upgraded: int
    unused: int
    reasons: dict[str, int] = Field(default_factory=dict)  # reason -> count of stations


class StationData(_Model):
    """Per country: where the existing-station data came from and how old it is."""

    country: str
    stations: int
    sources: dict[str, int]  # station source code (reader format) -> stations
    # the same stations by source name ("AFDC (WA)": the raw file each row comes from first)
    source_names: dict[str, int] = Field(default_factory=dict)
    newest_date: str | None
    greenfield: bool  # True when this side has no station data at all
    note: str = ""


class Refuel(_Model):
    """Vehicles of a flow that refuel at the same stops (capacitated coverage)."""

    stops: list[int]  # indices into the flow's `nodes` where these vehicles charge, in order
    vehicles: float


class FlowResult(_Model):
    """One origin-destination flow in coverage mode (flow refuelling location model)."""

    origin: str
    destination: str
    flow: float
    covered: bool
    length_m: float
    nodes: list[int]  # path origin -> destination (round trips add the way back)
    # on a generic network, where the path comes from: "shortest" (a shortest path of the
    # network) or "given" (`plan --paths FILE`; need not be a shortest path); None on a corridor
    # (the flow drives its routes) and in plans made before issue 12's --paths
    path_source: Literal["shortest", "given"] | None = None
    # capacitated coverage (`plan --capacity N`, Upchurch, Kuby & Lim 2009): the vehicles of the
    # flow served (<= flow; `covered` when all are) and how they refuel: stop sequences (indices
    # into `nodes`) with their vehicles; None without a capacity
    served: float | None = None
    refuels: list[Refuel] | None = None


class CrossingTrucks(_Model):
    """Whether one of the plan's crossings processes commercial trucks (the crossing registry's
    `commercial` with its source). Medium- and heavy-duty vehicles are planned only through
    crossings with `commercial` "true"."""

    crossing: str
    short_name: str  # the crossing without its port's name ("pacific-highway"), for tables
    commercial: Literal["true", "false", "unknown"]
    source: str


DataKind = Literal["network", "stations", "crossing_volumes"]


class DataSource(_Model):
    """One source of the data a plan rests on, with its own date."""

    kind: DataKind
    name: str  # short, for people: "AFDC (WA)", "Travel Mapping", "BTS"
    # ISO date, month or period ("2025-02-09", "2020-01..2021-12"); None: not known
    date: str | None
    licence: str = ""  # licence and attribution as stated by the source ("" not recorded)
    provenance: str = ""  # where it comes from: file, repository and commit
    records: int | None = None  # stations: how many of the corridor's stations it lists


def data_text(plan: Plan) -> str:
    """The data line of reports and map footers: "Data: stations AFDC (WA) 2025-02-09, ...;
    network Travel Mapping 2026-08-22; crossing volumes BTS 2020-01..2021-12"."""
    words = {"stations": "stations", "network": "network", "crossing_volumes": "crossing volumes"}
    parts = []
    for kind in ("stations", "network", "crossing_volumes"):
        items = [f"{d.name} {d.date or 'date unknown'}" for d in plan.data_sources
                 if d.kind == kind]
        if items:
            parts.append(f"{words[kind]} " + ", ".join(items))
    if not parts:
        return "Data: sources and dates not recorded in this plan."
    return "Data: " + "; ".join(parts) + "."


class CoverageResult(_Model):
    budget: int
    trip: Literal["one-way", "round"]
    total_flow: float
    covered_flow: float
    flows: list[FlowResult]


class Plan(_Model):
    schema_version: Literal["evcorridor.plan/2"] = SCHEMA_VERSION
    corridor: SafeId  # the output folder's name: OUT/<corridor>/
    corridor_name: str
    border: str
    countries: list[str]
    crossings: list[SafeId]
    inputs: list[InputRef]
    parameters: dict[str, str | int | float | bool | list[str] | None]
    solver: SolverResult
    feasible: bool
    sites: list[Site]
    routes: list[RoutePlan]
    infeasibilities: list[Infeasibility] = Field(default_factory=list)
    existing: ExistingSummary
    station_data: list[StationData] = Field(default_factory=list)
    crossing_trucks: list[CrossingTrucks] = Field(default_factory=list)
    truck_vehicles: list[str] = Field(default_factory=list)  # planned only via commercial crossings
    # the data the plan rests on, each source with its own date (network, station files,
    # crossing volumes); empty for a version-1 plan (it recorded one `data_date`)
    data_sources: list[DataSource] = Field(default_factory=list)
    coverage: CoverageResult | None = None  # present for `--objective coverage`
    # SHA-256 of the files written beside plan.json (sites.csv, sites.geojson): `check` tells
    # a plan from siblings left by another run
    files: dict[str, str] = Field(default_factory=dict)

    def cost_unit(self) -> str:
        """What the site costs count: the currency of the cost model (`cost_currency`, recorded
        by the siting); "new sites" for a plan made before costs were currency amounts; "sites"
        for a plan without a cost model (a generic network's coverage plan counts sites)."""
        cur = self.parameters.get("cost_currency")
        if isinstance(cur, str) and cur:
            return cur
        return "new sites" if isinstance(self.parameters.get("cost_model"), str) else "sites"

    def dump(self) -> str:
        """Deterministic JSON text (sorted keys, 2-space indent, trailing newline)."""
        return (
            json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False)
            + "\n"
        )


#: the shipped JSON Schema of plan.json (`evcorridor schema plan`; tests keep it equal to
#: `plan_schema()` and validate every plan the tool writes against it)
PLAN_SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "plan.schema.json"


def plan_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of plan.json, from the `Plan` model."""
    schema = Plan.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "plan.schema.json", **schema}


def plan_schema_text() -> str:
    return json.dumps(plan_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_plan(path: Path | str) -> Plan:
    """Read a plan.json; one-line InputError for unreadable, oversized, unknown-version or malformed
    files, non-finite numbers (NaN, 1e400) and ids that are not safe names."""
    return read_document(path, "plan", SCHEMA_VERSION, Plan,
                         upgrade={PREVIOUS_VERSION: _from_version_1})


def _from_version_1(raw: dict[str, object]) -> dict[str, object]:
    """A version-1 plan as version 2: its one `data_date` is dropped (which source it dated is
    not known; the report says the sources were not recorded)."""
    out = {k: v for k, v in raw.items() if k != "data_date"}
    out["schema_version"] = SCHEMA_VERSION
    return out
