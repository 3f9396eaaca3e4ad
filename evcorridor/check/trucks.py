"""Rule family `trucks`: medium- and heavy-duty vehicles cross only where trucks may cross.

Recomputed from the crossing registry (`evcorridor.crossings`), not from the plan: a medium- or
heavy-duty vehicle has a run on a route exactly when the route's crossing has `commercial`
"true"; light-duty vehicles run every route. The plan's `crossing_trucks` must repeat the
registry, its `truck_vehicles` must name the medium/heavy vehicles, and a corridor whose
crossings include none that takes trucks must say so: the plan is not feasible and lists the
vehicle's infeasibility.
"""

from __future__ import annotations

from typing import Any

from evcorridor.errors import EvCorridorError
from evcorridor.plan_model import TRUCK_CLASSES, Plan


def registry(crossing_ids: list[str]) -> dict[str, Any]:
    """The registry rows of the plan's crossings (unknown ids are left out: the route family
    reports them)."""
    from evcorridor.crossings import get_crossing

    out = {}
    for cid in crossing_ids:
        try:
            out[cid] = get_crossing(cid)
        except EvCorridorError:
            continue
    return out


def planned_on(vehicle: Any, crossing: Any | None) -> bool:
    """True when the vehicle must have a run on routes through `crossing`."""
    if getattr(vehicle, "vehicle_class", "") not in TRUCK_CLASSES:
        return True
    return crossing is not None and crossing.commercial == "true"


def findings(plan: Plan, vehicles: dict[str, Any], crossings: dict[str, Any]
             ) -> list[tuple[str, str, str]]:
    """(rule, where, message) for every broken truck rule of the plan as a whole; which runs each
    route must have is checked per route with `planned_on`."""
    out: list[tuple[str, str, str]] = []
    if plan.coverage is not None and not plan.routes:
        return out
    trucks = sorted(v for v, p in vehicles.items()
                    if getattr(p, "vehicle_class", "") in TRUCK_CLASSES)
    if plan.routes and sorted(plan.truck_vehicles) != trucks:
        out.append(("trucks", "", f"truck_vehicles {plan.truck_vehicles} in the plan, the "
                                  f"vehicle profiles make {trucks} medium/heavy-duty"))
    said = {c.crossing: c for c in plan.crossing_trucks}
    for cid, c in crossings.items():
        mine = said.get(cid)
        if mine is None:
            if trucks:  # the status matters for (and is written with) medium/heavy vehicles
                out.append(("trucks", f"crossing {cid}", "no commercial status in the plan"))
        elif (mine.commercial, mine.source) != (c.commercial, c.commercial_source):
            out.append(("trucks", f"crossing {cid}",
                        f"commercial {mine.commercial} in the plan, the crossing registry says "
                        f"{c.commercial} ({c.commercial_source})"))
    if trucks and plan.routes and not any(c.commercial == "true" for c in crossings.values()):
        for vid in trucks:
            named = any(i.rule == f"vehicle:{vid}" and "commercial" in i.fix
                        for i in plan.infeasibilities)
            if not named:
                out.append(("trucks", f"vehicle {vid}", "no crossing of the corridor takes "
                                                        "trucks, but the plan does not say so"))
            if plan.feasible:
                out.append(("trucks", f"vehicle {vid}", "the plan says feasible but no "
                                                        "crossing of the corridor takes trucks"))
    return out
