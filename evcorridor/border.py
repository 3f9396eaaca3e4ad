"""Border-wide planning: every road port with traffic on one border (or both), one run each.

`plan_port(crossing_id, out_dir=..., reach_km=..., options=..., solve=...)` is one run, the same
core as `plan`: the corridor is made from the continental road graph (`corridor_create`), its
YAML written to `OUT/corridors/<id>.yaml` (the plan's corridor input), its graph cut from the
continental graph, its stations taken from the shipped station data by area, then
`siting.build.build_for` + `siting.plan.plan_built` + `write_outputs` into `OUT/<id>/`.
A port whose road data cannot make a corridor (no Travel Mapping border point, no road on one
side, too little road) is a row with the reason, never dropped.

`passable_today(built)` says per vehicle whether the existing stations alone (as they are, no
upgrades) already carry it across in both directions on every route.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from evcorridor.errors import EvCorridorError, UsageError

BORDERS = ("us-ca", "us-mx", "all")


def border_crossings(border: str) -> list[Any]:
    """Registry crossings with traffic (BTS cars or trucks per year > 0) on `border`."""
    from evcorridor.crossings import list_crossings

    if border not in BORDERS:
        from evcorridor.errors import unknown_id

        raise unknown_id("border", border, BORDERS)
    return [c for c in list_crossings(None if border == "all" else border)
            if (c.port_cars_per_year or 0) > 0 or (c.port_trucks_per_year or 0) > 0]


def passable_today(built: Any) -> dict[str, bool]:
    """Vehicle id -> every route and direction is covered by the existing stations as they are."""
    from evcorridor.siting.cpsat import Solution
    from evcorridor.siting.sequence import vehicle_legs

    p = built.problem
    none = Solution(status="existing", objective=None, best_bound=None, gap=None, chosen={},
                    wall_time_s=0.0, parameters={})
    # a vehicle planned on no route (a truck where no crossing takes trucks) cannot pass
    return {v.id: any(v.on(rs.id) for rs in p.routes)
            and all(leg.ok for rs in p.routes if v.on(rs.id)
                    for leg in vehicle_legs(p, none, rs, v))
            for v in p.vehicles}


def plan_port(crossing_id: str, *, out_dir: Path, reach_km: float, options: Any,
              solve: Any) -> dict[str, Any]:
    """Plan one port (see the module docstring); one summary row, JSON-able."""
    from evcorridor.atomic import write_text
    from evcorridor.corridor_create import NoRoadError, create_corridor
    from evcorridor.corridors import load_corridor_file
    from evcorridor.crossings import get_crossing
    from evcorridor.network.continental import continental_path, corridor_graph, load_continental
    from evcorridor.outpaths import inside
    from evcorridor.siting.build import build_for
    from evcorridor.siting.plan import plan_built, write_outputs
    from evcorridor.stations import area_stations

    t0 = time.perf_counter()
    c = get_crossing(crossing_id)
    row: dict[str, Any] = {"crossing": c.id, "name": c.name, "border": c.border,
                           "state": c.state, "lat": c.lat, "lon": c.lon,
                           "cars_per_year": c.cars_per_year,
                           "trucks_per_year": c.trucks_per_year, "corridor": None,
                           "status": "no-road-data", "reason": "", "feasible": None,
                           "cost": None, "sites": None, "vehicles": {}, "side_km": {}}
    try:
        made = create_corridor(c.id, reach_km=reach_km)
    except NoRoadError as exc:
        row["reason"] = str(exc)
        row["wall_time_s"] = round(time.perf_counter() - t0, 3)
        return row
    path = inside(out_dir, f"corridors/{made.corridor.id}.yaml")
    write_text(path, made.yaml_text)
    corridor = load_corridor_file(path)
    cont = load_continental()
    opts = dataclasses.replace(options, network_source="continental",
                               network_path=continental_path())
    try:
        G = corridor_graph(cont, corridor)
        stations = (area_stations(corridor) if str(options.stations) == "embedded" else None)
        built = build_for(corridor, opts, graph=G, stations=stations)
    except EvCorridorError as exc:
        row.update(status="no-road-data", reason=str(exc), corridor=corridor.id)
        row["wall_time_s"] = round(time.perf_counter() - t0, 3)
        return row
    today = passable_today(built)
    outcome = plan_built(built, solve)
    folder = write_outputs(outcome, out_dir)
    plan = outcome.plan
    kinds = {"new": 0, "upgrade": 0, "existing": 0}
    for s in plan.sites:
        kinds[s.kind] += 1
    veh: dict[str, Any] = {}
    for v in built.vehicles:
        worst = 0.0
        ok = True
        for r in plan.routes:
            for vr in r.vehicles:
                if vr.vehicle == v.id:
                    for g in vr.gaps:
                        worst = max(worst, g.length_m / g.limit_m if g.limit_m else 0.0)
                        ok = ok and g.length_m <= g.limit_m + 1e-6
        veh[v.id] = {"passable_today": today[v.id], "passable_with_plan": ok and plan.feasible,
                     "worst_gap_ratio": round(worst, 4)}
    row.update(corridor=corridor.id, status=plan.solver.status, feasible=plan.feasible,
               cost=round(sum(s.cost for s in plan.sites), 6), sites=kinds, vehicles=veh,
               side_km=made.side_km, out=str(folder))
    row["wall_time_s"] = round(time.perf_counter() - t0, 3)
    return row


def check_border(border: str) -> str:
    if border not in BORDERS:
        raise UsageError(f"unknown --border {border!r} (choose from {', '.join(BORDERS)})")
    return border


__all__ = ["BORDERS", "border_crossings", "check_border", "passable_today", "plan_port"]
