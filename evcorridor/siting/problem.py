"""The abstract siting problem: routes, candidate sites, vehicle rules and standard rules.

Plain dataclasses, no graph: `evcorridor.siting.build` turns a corridor into a `Problem`; the
solvers (`cpsat`, `pathdp`), the pre-check (`precheck`) and the stop sequences (`sequence`) work
on this form only, so they are easy to test with synthetic routes.

Conventions (shared with the plan file, see `evcorridor/plan_model.py`):

- A route is one crossing in one driving direction; positions are metres from the route start in
  driving order. The reverse direction is the mirrored route (position L - p).
- A candidate hangs off a route node at position `pos_m` with a detour `offset_m` (highway exit to
  the site); the offset counts twice in a gap (off the highway and back on).
- Gap from stop i to stop k = (p_k - p_i) + off_i + off_k, plus the vehicle's border-wait distance
  when the gap spans the border, i.e. when p_i < border_pos <= p_k (a site exactly at the border
  node is on the arrival side of the queue). From "start" (p = 0, no offset) and to "end"
  (p = L, no offset) the same formula holds. A vehicle leaves the start of a route with
  `VehicleRule.start_m(route)` (`endpoint_start`: full where a usable station is at the start,
  else the scenario's arrival charge).
- A candidate offers options: for an existing station, option 0 is the station as it is (kind
  "existing", cost 0, always present) and further options are upgrades; for a new site (an
  interchange) each option is one design (the jurisdiction's standard site, and variants a vehicle
  class needs). At most one non-existing option is chosen per candidate.
- Which vehicles can use an option and which standard profiles it complies with is decided by the
  builder (from `VehicleProfile.can_charge_at` and `StandardProfile.compliance`) and stored here as
  plain id sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: Distances within this many metres of a limit count as within it (float noise only).
EPS_M = 1e-6

OptionKind = Literal["existing", "upgrade", "new"]
Resilience = Literal["none", "n-1"]
TripMode = Literal["one-way", "round"]
#: suffix of a round trip's id: "<route id>:round" drives that route and then its reverse
ROUND = ":round"
#: the far-end basis of a round trip that carries its charge into the return leg
CARRIED = "carried"
#: (border position along the route or trip, border-wait distance) of each crossing it passes
Waits = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Option:
    """One way a candidate can be part of the plan."""

    kind: OptionKind
    design: str  # "existing", "standard", "standard+<vehicle>", ... (shown in the plan)
    cost: float  # in cost-model units (0 for an existing station as it is)
    usable_by: frozenset[str] = frozenset()  # vehicle rule ids that can charge here
    complies_with: frozenset[str] = frozenset()  # standard profile ids it complies with
    spec: Any = None  # the SiteSpec it offers (opaque to the solvers)


@dataclass(frozen=True)
class Placement:
    """Where a candidate sits along one route."""

    pos_m: float
    offset_m: float


@dataclass(frozen=True, eq=False)
class Candidate:
    """A candidate site: an existing station or a new site at an interchange."""

    id: str
    country: str
    at: Mapping[str, Placement]  # route id -> placement along that route
    options: tuple[Option, ...]
    existing: bool = False  # True: options[0] is the station as it is (free, always present)
    label: str = ""  # exit label of its node ("275", "I-90", ...)
    name: str = ""
    node: int = -1
    lat: float = 0.0
    lon: float = 0.0
    station_ids: tuple[str, ...] = ()
    source: str = "plan"
    meta: Mapping[str, Any] = field(default_factory=dict)
    subdivision: str | None = None  # ISO 3166-2 of its node (Travel Mapping region)
    # an existing station's truck access from the station data (None = unknown) and its basis;
    # a new site's depends on the design chosen (`evcorridor.siting.build.truck_access`)
    truck_access: bool | None = None
    truck_access_basis: str = ""

    def choosable(self) -> list[int]:
        """Indices of the options the solver decides on (all but the present existing one)."""
        start = 1 if self.existing else 0
        return list(range(start, len(self.options)))


@dataclass(frozen=True)
class RouteSpec:
    """One crossing in one direction."""

    id: str  # "<crossing>:<direction>"
    crossing: str
    direction: str  # "forward" | "reverse"
    length_m: float
    border_pos_m: float
    start_country: str
    end_country: str
    border_wait_min: float = 0.0
    start_label: str = "start"
    end_label: str = "end"
    # the jurisdiction whose rules govern each side: an ISO 3166-2 subdivision the profile set
    # overrides the country with (the whole side lies in it), else "" = the country
    start_jurisdiction: str = ""
    end_jurisdiction: str = ""
    # a round trip (`--trip round`): the routes driven one after the other (out, then back);
    # positions run on from the out route's length into the back route
    legs: tuple[RouteSpec, ...] = ()

    @property
    def borders(self) -> tuple[float, ...]:
        """Position of each border crossing along the route (two on a round trip)."""
        if not self.legs:
            return (self.border_pos_m,)
        out, back = self.legs
        return (out.border_pos_m, out.length_m + back.border_pos_m)

    def jurisdiction(self, country: str) -> str:
        """The jurisdiction of the side of the route in `country` ("" when not on it)."""
        if country == self.start_country:
            return self.start_jurisdiction or country
        if country == self.end_country:
            return self.end_jurisdiction or country
        return ""

    def spans_border(self, a_pos: float, b_pos: float) -> bool:
        """True when a leg from position a to position b (a <= b) passes a border queue."""
        return any(a_pos < b <= b_pos for b in self.borders)


def round_trip(out: RouteSpec, back: RouteSpec) -> RouteSpec:
    """The round trip that drives `out` and comes back by `back` (its reverse) without a charge
    at the far end: one route of both lengths, from the origin back to the origin."""
    return RouteSpec(out.id + ROUND, out.crossing, out.direction, out.length_m + back.length_m,
                     out.border_pos_m, out.start_country, out.start_country,
                     out.border_wait_min, out.start_label, out.start_label,
                     legs=(out, back))


def wait_between(waits: Waits, a_pos: float, b_pos: float) -> float:
    """The border-wait distance of a leg from position a to position b (a <= b)."""
    return sum(w for bp, w in waits if a_pos < bp <= b_pos)


START_FULL = "scenario:start_full"
ARRIVAL = "scenario:arrival_charge"


def endpoint_start(full_m: float, arrival_m: float | None,
                   stations: list[tuple[str, float, float]], max_offset_m: float
                   ) -> tuple[float, str]:
    """(start range, basis) of one vehicle at one route start.

    `stations`: (id, position along the route, offset) of the existing stations the vehicle can
    use as they are. The nearest one (position + offset, then id) within `max_offset_m` of the
    start is where the vehicle charges to `full_m`: it leaves the start with
    full - max(0, offset - position) (the detour back to the road; never more than full). With
    none, it leaves with `arrival_m` (the scenario's arrival charge), or full when the scenario
    gives none (`arrival_m` None)."""
    near = sorted((pos + off, sid, pos, off) for sid, pos, off in stations
                  if pos + off <= max_offset_m + EPS_M)
    if near:
        _d, sid, pos, off = near[0]
        return full_m - max(0.0, off - pos), sid
    if arrival_m is None:
        return full_m, START_FULL
    return min(full_m, arrival_m), ARRIVAL


@dataclass(frozen=True)
class VehicleRule:
    """A vehicle class under a climate: no gap between usable stops may exceed its range.

    `routes`: the route ids the rule applies to (None = every route); medium- and heavy-duty
    vehicles are planned only through crossings that process commercial trucks."""

    id: str
    climate: str
    range_m: float
    start_range_m: float
    border_wait_m: Mapping[str, float] = field(default_factory=dict)  # route id -> metres
    routes: frozenset[str] | None = None
    # route id -> (start range, basis): a station id at the route start, "scenario:start_full"
    # or "scenario:arrival_charge" (see `endpoint_start`); absent = start_range_m, start_full
    start: Mapping[str, tuple[float, str]] = field(default_factory=dict)
    # round trips (`--trip round`) this vehicle drives as one: ids "<route id>:round" of the
    # routes whose far end has no station it can use, so the charge it arrives with there
    # carries into the return leg (their start is the out route's)
    trips: frozenset[str] = frozenset()

    def wait_m(self, route_id: str) -> float:
        return float(self.border_wait_m.get(route_id, 0.0))

    def waits(self, route: RouteSpec) -> Waits:
        """(border position, wait distance) of each crossing of `route` (two on a round trip)."""
        if not route.legs:
            return ((route.border_pos_m, self.wait_m(route.id)),)
        return tuple((b, self.wait_m(leg.id)) for b, leg in zip(route.borders, route.legs,
                                                                 strict=True))

    def start_m(self, route_id: str) -> float:
        """Range when leaving the start of `route_id`."""
        return float(self.start.get(route_id, (self.start_range_m, ""))[0])

    def start_basis(self, route_id: str) -> str:
        """Why the vehicle leaves the start of `route_id` with `start_m`."""
        return self.start.get(route_id, (0.0, START_FULL))[1]

    def on(self, route_id: str) -> bool:
        """True when this vehicle is planned on `route_id` (a route, or a round trip)."""
        if route_id.endswith(ROUND):
            return route_id in self.trips
        return self.routes is None or route_id in self.routes


@dataclass(frozen=True)
class StandardRule:
    """A jurisdiction's spacing rule: its compliant sites are chained no farther apart than S.

    `recognized`: profile ids whose compliant sites on the other side of the border continue the
    chain. With none, the chain ends at the border (last site -> border <= S). Route endpoints
    are chain points (endpoint -> first compliant site <= S): conservative, because the corridor
    goes on beyond the endpoint city and its next station there is unknown to the plan.
    """

    country: str
    profile: str
    max_spacing_m: float | None
    recognized: tuple[str, ...] = ()
    jurisdiction: str = ""  # an ISO 3166-2 subdivision of `country`; "" = the country

    @property
    def where(self) -> str:
        return self.jurisdiction or self.country

    def applies_on(self, route: RouteSpec) -> bool:
        """True when the rule governs a side of `route` (its country's side, in its
        jurisdiction)."""
        return route.jurisdiction(self.country) == self.where


@dataclass
class Problem:
    routes: list[RouteSpec]
    candidates: list[Candidate]
    vehicles: list[VehicleRule]
    standards: list[StandardRule] = field(default_factory=list)
    resilience: Resilience = "none"
    trip: TripMode = "one-way"
    # round trips without a charge at the far end (`round_trip`); each vehicle drives those in
    # its `trips` besides every route one way
    trips: list[RouteSpec] = field(default_factory=list)

    def route(self, route_id: str) -> RouteSpec:
        for r in self.routes:
            if r.id == route_id:
                return r
        raise KeyError(route_id)


# --- points along a route, shared by the pre-check, the CP-SAT model and the stop sequences ---

@dataclass(frozen=True)
class Point:
    """A stop candidate, the route start or end (or the border) as seen along one route."""

    key: str  # candidate id, "start", "end" or "border"
    pos_m: float
    offset_m: float = 0.0
    index: int = -1  # candidate index in Problem.candidates (-1 for anchors)
    label: str = ""
    country: str = ""
    leg: int = 0  # on a round trip: 0 on the way out, 1 on the way back


def leg_m(route: RouteSpec, waits: Waits, a: Point, b: Point) -> tuple[float, float]:
    """(gap length, border-wait part) from point a to a later point b, by the plan convention
    (`waits`: `VehicleRule.waits(route)`)."""
    wait = wait_between(waits, a.pos_m, b.pos_m)
    return (b.pos_m - a.pos_m) + a.offset_m + b.offset_m + wait, wait


def spacing_m(a: Point, b: Point) -> float:
    """Distance between two chain points of a standard rule: offsets count twice, no wait."""
    return abs(b.pos_m - a.pos_m) + a.offset_m + b.offset_m


def on_route(c: Candidate, route: RouteSpec) -> bool:
    """True when candidate `c` is on `route` (on either leg of a round trip)."""
    return any(r.id in c.at for r in (route.legs or (route,)))


def route_points(problem: Problem, route: RouteSpec, keep: Any = None) -> list[Point]:
    """Candidates on `route` (optionally filtered by `keep(candidate)`), sorted by (pos, id).
    On a round trip: those of the way out, then those of the way back (positions after the out
    route's length), a site on both legs once on each."""
    if route.legs:
        out, back = route.legs
        pts_out = route_points(problem, out, keep)
        pts_back = [Point(p.key, out.length_m + p.pos_m, p.offset_m, p.index, p.label,
                          p.country, 1) for p in route_points(problem, back, keep)]
        return pts_out + pts_back
    pts = []
    for i, c in enumerate(problem.candidates):
        pl = c.at.get(route.id)
        if pl is None or (keep is not None and not keep(c)):
            continue
        pts.append(Point(c.id, pl.pos_m, pl.offset_m, i, c.label, c.country))
    pts.sort(key=lambda p: (p.pos_m, p.key))
    return pts


def start_point(route: RouteSpec) -> Point:
    return Point("start", 0.0, 0.0, -1, route.start_label, route.start_country)


def end_point(route: RouteSpec) -> Point:
    return Point("end", route.length_m, 0.0, -1, route.end_label, route.end_country,
                 len(route.legs) - 1 if route.legs else 0)


def usable_options(c: Candidate, vehicle_id: str) -> list[int]:
    return [i for i, o in enumerate(c.options) if vehicle_id in o.usable_by]


def compliant_options(c: Candidate, profiles: set[str] | frozenset[str] | tuple[str, ...]
                      ) -> list[int]:
    ps = set(profiles)
    return [i for i, o in enumerate(c.options) if o.complies_with & ps]


@dataclass(frozen=True)
class Chain:
    """The points of one jurisdiction's spacing chain along one route, in driving order.

    Rule: every chosen chain element has a later chain element within S (so consecutive
    compliant sites are at most S apart). The entry is `entry_anchor` (route start in J, or the
    border when J recognizes no foreign profile), or the last chosen recognized foreign site
    before the border (`entry_foreign`, with the foreign route start as fallback anchor when
    `entry_fallback`). The exit is `exit_anchor` (route end in J, or the border) or the first
    chosen recognized foreign site after the border (`exit_foreign`).
    """

    rule: StandardRule
    entry_anchor: Point
    entry_fallback: bool
    entry_foreign: tuple[Point, ...]
    inner: tuple[Point, ...]
    exit_foreign: tuple[Point, ...]
    exit_anchor: Point


def standard_chain(problem: Problem, route: RouteSpec, rule: StandardRule) -> Chain | None:
    """The chain of `rule` on `route`, or None when the rule has no spacing or J is not on it."""
    if rule.max_spacing_m is None:
        return None
    j = rule.country
    j_start, j_end = route.start_country == j, route.end_country == j
    if not (j_start or j_end) or not rule.applies_on(route):
        return None
    own = (rule.profile,)
    inner = route_points(problem, route, lambda c: c.country == j and bool(
        compliant_options(c, own)))
    rec = tuple(p for p in rule.recognized)
    foreign = route_points(problem, route, lambda c: c.country != j and bool(
        rec and compliant_options(c, rec)))
    b = route.border_pos_m
    border = Point("border", b, 0.0, -1, "border", "")
    start, end = start_point(route), end_point(route)
    entry: Point
    exit_: Point
    entry_foreign: tuple[Point, ...] = ()
    exit_foreign: tuple[Point, ...] = ()
    fallback = False
    if j_start and j_end:
        entry, exit_ = start, end
    elif j_start:
        entry = start
        if rec:
            exit_foreign = tuple(p for p in foreign if p.pos_m >= b)
            exit_ = end
        else:
            exit_ = border
    else:
        exit_ = end
        if rec:
            entry_foreign = tuple(p for p in foreign if p.pos_m <= b)
            entry = start
            fallback = True
        else:
            entry = border
    return Chain(rule, entry, fallback, entry_foreign, tuple(inner), exit_foreign, exit_)
