"""GIS layers of a plan, written beside plan.json for QGIS and kepler.gl (GeoJSON, WGS84):

- `routes.geojson`: one LineString per route (crossing and direction) along the corridor roads.
- `gaps.geojson`: one LineString per gap of every vehicle run and spacing rule, with its length,
  limit and slack (km) and whether it holds.
- `crossings.geojson`: one Point per border crossing of the plan (its data/crossings.csv port
  location and name; for a crossing not in the registry, where its routes cross the border).
- the sites are `sites.geojson` (evcorridor.outputs), Points with the columns of sites.csv.

Every layer has `corridor` in its properties; coordinates rounded to 5 decimals (~1 m); the same
plan and graph give the same bytes.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from evcorridor.errors import EvCorridorError
from evcorridor.network.routegeom import route_positions, sub_path
from evcorridor.outputs import feature_collection
from evcorridor.plan_model import Gap, Plan, RoutePlan

LAYER_FILES = ("routes.geojson", "gaps.geojson", "crossings.geojson")


def _km(m: float) -> float:
    return round(m / 1000, 3)


def _line(coords: tuple[tuple[float, float], ...]) -> dict[str, Any] | None:
    if len(coords) < 2:
        return None
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def _gap_feature(plan: Plan, route: RoutePlan, cum: list[float], G: nx.MultiDiGraph, gap: Gap,
                 rule: str, vehicle: str | None, profile: str | None) -> dict[str, Any]:
    props = {
        "corridor": plan.corridor, "route": route.id, "crossing": route.crossing,
        "direction": route.direction, "rule": rule, "vehicle": vehicle, "profile": profile,
        "from_id": gap.from_id, "to_id": gap.to_id, "from_km": _km(gap.from_pos_m),
        "to_km": _km(gap.to_pos_m), "length_km": _km(gap.length_m),
        "limit_km": _km(gap.limit_m), "slack_km": _km(gap.slack_m),
        "border_wait_km": _km(gap.border_wait_m), "crosses_border": gap.crosses_border,
        "holds": gap.slack_m >= 0,
    }
    geom = _line(sub_path(G, route, cum, gap.from_pos_m, gap.to_pos_m))
    return {"type": "Feature", "geometry": geom, "properties": props}


def plan_layers(plan: Plan, G: nx.MultiDiGraph) -> dict[str, str]:
    """{file name: GeoJSON text} of the routes, gaps and crossings layers of `plan` on `G`."""
    routes, gaps = [], []
    border_at: dict[str, tuple[float, float]] = {}  # crossing -> (lon, lat) where routes cross
    for route in plan.routes:
        cum = route_positions(G, route)
        geom = _line(sub_path(G, route, cum, 0.0, cum[-1]))
        routes.append({"type": "Feature", "geometry": geom, "properties": {
            "corridor": plan.corridor, "route": route.id, "crossing": route.crossing,
            "direction": route.direction, "from": route.from_name, "to": route.to_name,
            "length_km": _km(route.length_m), "border_km": _km(route.border_pos_m),
            "border_wait_min": route.border_wait_min}})
        if route.crossing not in border_at and route.nodes:
            i = min(range(len(cum)), key=lambda k: (abs(cum[k] - route.border_pos_m), k))
            n = G.nodes[route.nodes[i]]
            border_at[route.crossing] = (round(float(n["x"]), 5), round(float(n["y"]), 5))
        for run in route.vehicles:
            gaps += [_gap_feature(plan, route, cum, G, g, "vehicle", run.vehicle, None)
                     for g in run.gaps]
        for std in route.standards:
            gaps += [_gap_feature(plan, route, cum, G, g, "standard", None, std.profile)
                     for g in std.gaps]
    crossings = []
    for cid in plan.crossings:
        from evcorridor.crossings import get_crossing

        try:  # the registry's name and port location (data/crossings.csv)
            c = get_crossing(cid)
            name, port, where = c.name, c.port_code, (round(c.lon, 5), round(c.lat, 5))
        except EvCorridorError:  # a corridor of its own: where its routes cross the border
            if cid not in border_at:
                continue
            name, port, where = cid, None, border_at[cid]
        crossings.append({"type": "Feature", "geometry": {
            "type": "Point", "coordinates": list(where)},
            "properties": {"corridor": plan.corridor, "id": cid, "name": name,
                           "border": plan.border, "port_code": port}})
    return {
        "routes.geojson": feature_collection(f"{plan.corridor} routes", routes),
        "gaps.geojson": feature_collection(f"{plan.corridor} gaps", gaps),
        "crossings.geojson": feature_collection(f"{plan.corridor} crossings", crossings),
    }
