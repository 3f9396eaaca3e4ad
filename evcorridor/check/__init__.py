"""Independent verifier for plan files: re-derive every gap and rule from the plan alone.

`check_plan(plan)` reloads the corridor graph, the vehicle and standard profiles, the profile set,
the scenario and the station data the plan names, then recomputes, with its own arithmetic,
everything the plan claims. Findings by rule:

- inputs: every input file still has the sha256 the plan recorded (else the plan is stale);
- route: the corridor's crossings are all planned in both directions; each route's nodes are a
  path of the graph between the nodes nearest the corridor's endpoints (forward: along the
  shortest roads to and from the crossing); cumulative distances (edge `length`, the shortest of
  parallel edges) give the route length, the border position (the node whose `crossing` is the
  route's crossing) and every site position; the border wait is the scenario's; every planned
  vehicle and every jurisdiction's standard has its run;
- site: each sits where it says (the straight-line distance from its node to its coordinates is
  at most its declared offset), in its node's country, new sites at interchanges, with consistent
  ports / power / connectors, really complying with every standard it claims
  (`StandardProfile.compliance`); existing and upgraded sites are open public stations of the
  station data, at their place;
- vehicle: usable range and start range from the vehicle profile and the scenario (climate,
  start state of charge), the border wait distance from the scenario's minutes and the vehicle's
  idle consumption, every stop usable by the vehicle (`can_charge_at`), and every gap
  (start -> first stop, stop -> stop, last stop -> end) equal to the plan's figure within 0.5 m and
  within the range exactly (no tolerance in the vehicle's favour);
- truck-access: every site's `truck_access` and basis re-derived (an existing or upgraded
  station's from the station data file's `truck_access` column, a new site's from its design: a
  medium- or heavy-duty vehicle of the plan can charge there), and every stop and start charge
  of a medium- or heavy-duty vehicle at a site that is truck-accessible by that re-derived value;
- standard: the spacing chain of compliant sites per route and jurisdiction, re-derived from all
  the plan's sites (see `_Checker.spacing_chain`), and its gaps against the maximum spacing;
- resilience ("n-1" plans): with any one site out, every vehicle still completes every route on
  the remaining sites (an exact reachability pass, see `reach`);
- coverage (coverage plans): budget and flow totals, and every flow's path, length and covered
  flag, re-derived by driving it (on a user's network node by node; on a corridor route by route
  with the planned vehicle, detours and the border wait);
- status: the plan's `feasible` flag, its infeasibilities, the solver status (optimal means gap 0
  and objective = bound) and the objective (= the sites' costs) agree; the infeasibilities of an
  infeasible plan are reported as findings.

Gap convention (CONTRACTS.md, written out again here): gap i -> k = (p_k - p_i) + off_i + off_k,
plus the border-wait distance when p_i < border <= p_k; "start" is p = 0 and "end" p = L, both
without offset. It shares no code with `evcorridor.siting` (tests assert that no siting module is
even loaded). Findings are returned, never printed; a plan that cannot be verified at all (an
unreadable file, an input that cannot be reloaded) raises `InputError`.
"""

from evcorridor.check.arith import (
    TOL_M,
    _Geo,
    cumulative_m,
    edge_length_m,
    leg_length,
    reach,
    spans_border,
    straight_line_m,
)
from evcorridor.check.checker import _Checker, check_file, check_paths, check_plan
from evcorridor.check.findings import RULES, CheckReport, Finding

__all__ = [
    "RULES", "TOL_M", "CheckReport", "Finding", "_Checker", "_Geo", "check_file", "check_paths",
    "check_plan", "cumulative_m", "edge_length_m", "leg_length", "reach", "spans_border",
    "straight_line_m",
]
