"""Make a corridor definition for any crossing of the registry from the continental road graph.

`create_corridor(crossing_id, reach_km=300, to=[...])`:

1. The crossing's border point must be a node of the continental graph (a Travel Mapping border
   point); a crossing located only by its BTS port location has no road data and is refused.
2. Around it, the continental graph within `reach_km` (straight line, plus a margin) is searched
   from the border point by a cost that prefers main highways (length × 1.0 on motorways, × 1.2
   on trunk roads such as US highways and federal highways, × 1.5 on other roads).
3. On each side the endpoint is the place reached along those highways within `reach_km` of road
   that lies farthest (straight line) from the border, weighted by the share of motorway on the
   way (road km / cost): the far end of the main highway leaving the crossing. `to` names
   places instead (one per side at most; see `resolve_place`).
   A side without any road beyond `MIN_SIDE_KM` from the border is refused with the reason.
4. The corridor's places are points along the two paths every `PLACE_STEP_KM` of road (named by
   the highway and Travel Mapping waypoint label there), its `highways` the route names the paths
   use per country, `buffer_km` = `BUFFER_KM`. The result is checked by cutting the corridor's
   graph out of the continental graph and routing it (both sides must be reached).
5. When the registry says the crossing does not process commercial trucks (`commercial`
   "false") and another crossing of the same BTS port does ("true"), that one is added as the
   corridor's second crossing with the highways joining it to the two endpoints (if it routes).

Pure: returns the corridor and its YAML text; the CLI writes the file.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from evcorridor.corridors import COUNTRIES, Corridor, Place
from evcorridor.errors import EvCorridorError, UsageError
from evcorridor.geodesy import haversine_array, haversine_m

COST_FACTOR = {"motorway": 1.0, "trunk": 1.2, "primary": 1.5}
MIN_SIDE_KM = 10.0
PLACE_STEP_KM = 25.0
BUFFER_KM = 15.0
MARGIN_KM = 30.0
NEAR_BORDER_KM = 3.0
LATLON_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


class NoRoadError(EvCorridorError):
    """A crossing whose road data cannot make a corridor (exit 1: a "no", with the reason)."""


@dataclass
class Created:
    corridor: Corridor
    yaml_text: str
    side_km: dict[str, float]  # road km from the border to each endpoint, per country


def known_places() -> dict[str, Place]:
    """Places named in the shipped corridors (lower-case name -> place)."""
    from evcorridor.corridors import list_corridors

    out: dict[str, Place] = {}
    for c in list_corridors():
        for p in c.places:
            out.setdefault(p.name.lower(), p)
    return out


def resolve_place(text: str) -> Place:
    """A `--to` value: "NAME=LAT,LON", "LAT,LON", or the name of a place of a shipped corridor
    ("Winnipeg, MB")."""
    name, _, coords = text.partition("=")
    m = LATLON_RE.match(coords if coords else text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        label = name.strip() if coords else f"{lat:.4f}, {lon:.4f}"
        try:
            return Place(name=label or f"{lat:.4f}, {lon:.4f}", lat=lat, lon=lon)
        except ValueError as exc:
            raise UsageError(f"--to {text!r}: not a place in North America ({exc})") from exc
    places = known_places()
    if text.strip().lower() in places:
        return places[text.strip().lower()]
    from evcorridor.errors import unknown_id

    raise unknown_id("place (use NAME=LAT,LON for others)", text, sorted(
        p.name for p in places.values()))


def create_corridor(crossing_id: str, *, reach_km: float = 300.0, to: list[str] | None = None,
                    corridor_id: str | None = None) -> Created:
    """The corridor through `crossing_id` (see the module docstring)."""
    from evcorridor.crossings import get_crossing
    from evcorridor.network.boundaries import default_locator
    from evcorridor.network.continental import COUNTRIES as CC
    from evcorridor.network.continental import corridor_graph, load_continental
    from evcorridor.network.routes import corridor_routes
    from evcorridor.network.travelmapping import node_id

    if reach_km <= MIN_SIDE_KM:
        raise UsageError(f"--reach-km must be more than {MIN_SIDE_KM:g}")
    crossing = get_crossing(crossing_id)
    other = "CAN" if crossing.border == "us-ca" else "MEX"
    if crossing.location_source == "bts":
        raise NoRoadError(f"crossing {crossing.id!r}: too little road data: no Travel Mapping "
                          f"border point ({crossing.note or 'BTS port location only'})")
    cont = load_continental()
    b = cont.index_of(node_id(crossing.lat, crossing.lon))
    if b is None:
        raise NoRoadError(f"crossing {crossing.id!r}: its border point ({crossing.lat}, "
                          f"{crossing.lon}) is not on the continental road graph")
    targets: dict[str, Place] = {}
    loc = default_locator()
    for t in to or []:
        place = resolve_place(t)
        country = loc.nearest(place.lon, place.lat)
        if country not in ("USA", other):
            raise UsageError(f"--to {t!r} is in {country}, not on either side of "
                             f"{crossing.id} (USA / {other})")
        if country in targets:
            raise UsageError(f"--to names two places in {country}; give one per side")
        targets[country] = place
    radius_m = max([reach_km * 1000.0] + [
        float(haversine_array(crossing.lat, crossing.lon, np.array([p.lat]), np.array([p.lon]))[0])
        * 1.5 for p in targets.values()]) + MARGIN_KM * 1000.0
    H, local = _region(cont, b, radius_m)
    straight = haversine_array(crossing.lat, crossing.lon, cont.lat[local], cont.lon[local])
    far = dict(zip(local.tolist(), straight.tolist(), strict=True))
    names = {c: i for i, c in enumerate(CC)}
    sides: dict[str, list[int]] = {}
    side_km: dict[str, float] = {}
    reals: dict[int, float] = {}
    for country in ("USA", other):
        ci = names[country]
        # each side's search stays in its own country, except close to the border point where
        # the country line of the data can be a few hundred metres off (Sweetgrass–Coutts)
        S = H.subgraph([n for n in H if int(cont.country[n]) == ci
                        or far.get(n, 0.0) <= NEAR_BORDER_KM * 1000.0])
        pred, cost = nx.dijkstra_predecessor_and_distance(S, b, weight="cost")
        real: dict[int, float] = {b: 0.0}
        for n in sorted(cost, key=lambda x: (cost[x], x)):
            if n != b:
                p = min(pred[n])
                real[n] = real[p] + S[p][n]["length"]
        reached = [n for n in real if n != b and int(cont.country[n]) == ci]
        if not reached:
            raise NoRoadError(_no_road(crossing.id, country, cont, b))
        if country in targets:
            place = targets[country]
            d = haversine_array(place.lat, place.lon, cont.lat[reached], cont.lon[reached])
            end = reached[int(np.argmin(d))]
        else:
            cands = [n for n in reached if real[n] <= reach_km * 1000.0 and _visible(cont, n)]
            if not cands:
                raise NoRoadError(_no_road(crossing.id, country, cont, b))
            # farthest from the border, weighted by the share of main highway on the way
            # (real / cost is 1 on motorways only): the far end of the main highway leaving
            # the crossing
            end = max(cands, key=lambda n: (round(far[n] * real[n] / max(cost[n], 1.0)), -n))
        if far[end] < MIN_SIDE_KM * 1000.0:
            raise NoRoadError(f"crossing {crossing.id!r}: too little road data on the "
                              f"{country} side: the roads of the continental graph reach only "
                              f"{far[end] / 1000:.1f} km from the border")
        path = [end]
        while path[-1] != b:
            path.append(min(pred[path[-1]]))
        sides[country] = path[::-1]  # border ... endpoint
        side_km[country] = round(real[end] / 1000.0, 1)
        for n in path:
            reals[n] = real[n]
    us_path, other_path = sides["USA"], sides[other]
    us_places = _places(cont, us_path, reals, targets.get("USA"))[::-1]
    other_places = _places(cont, other_path, reals, targets.get(other))
    highways = {"USA": _highways(cont, H, us_path, "USA"),
                other: _highways(cont, H, other_path, other)}
    cid = corridor_id or crossing.id

    def make(crossings: list[str], hw: dict[str, list[str]]) -> Corridor:
        return Corridor(
            id=cid, name=f"{crossing.name}: {us_places[0].name} – {other_places[-1].name}",
            border=crossing.border, crossings=crossings, other_country=other,  # type: ignore[arg-type]
            us_side=us_places, other_side=other_places, highways=hw, buffer_km=BUFFER_KM)

    corridor = make([crossing.id], highways)
    G = corridor_graph(cont, corridor)
    try:
        corridor_routes(G, corridor)
    except EvCorridorError as exc:
        raise NoRoadError(f"crossing {crossing.id!r}: the corridor made for it does not route: "
                          f"{exc}") from exc
    truck = commercial_alternative(crossing)
    if truck is not None:
        alt = _with_crossing(cont, H, truck, sides, highways, other)
        if alt is not None:
            try:
                bigger = make([crossing.id, truck.id], alt)
                corridor_routes(corridor_graph(cont, bigger), bigger)
                corridor = bigger
            except EvCorridorError:
                pass  # the commercial crossing does not route on these highways: left out
    return Created(corridor, corridor_yaml(corridor, crossing, reach_km, side_km), side_km)


def commercial_alternative(crossing: Any) -> Any | None:
    """The crossing of the same BTS port that processes commercial trucks when `crossing` does
    not (registry field `commercial`: "true" / "false" / "unknown"; None without that field).
    Where a port has several (Laredo: World Trade Bridge and Colombia Solidarity), the one
    nearest to `crossing` serves the same city pair; ties go to the smaller id."""
    from evcorridor.crossings import list_crossings

    if getattr(crossing, "commercial", None) != "false":
        return None
    mates = [c for c in list_crossings(crossing.border) if c.port_code == crossing.port_code
             and c.id != crossing.id and getattr(c, "commercial", None) == "true"
             and c.location_source != "bts"]
    return min(mates, key=lambda c: (haversine_m(crossing.lat, crossing.lon, c.lat, c.lon),
                                    c.id)) if mates else None


def _with_crossing(cont: Any, H: nx.Graph, truck: Any, sides: dict[str, list[int]],
                   highways: dict[str, list[str]], other: str) -> dict[str, list[str]] | None:
    """The corridor's highways plus those joining the commercial crossing `truck` to the two
    endpoints (None when its border point is off the graph or cannot reach them)."""
    from evcorridor.network.travelmapping import node_id

    t = cont.index_of(node_id(truck.lat, truck.lon))
    if t is None or t not in H:
        return None
    out = {k: list(v) for k, v in highways.items()}
    for country in ("USA", other):
        try:
            path = nx.shortest_path(H, t, sides[country][-1], weight="cost")
        except nx.NetworkXNoPath:
            return None
        for c in ("USA", other):  # the path may run on either side
            for h in _highways(cont, H, path, c):
                if h != "?" and h not in out[c]:
                    out[c].append(h)
    return out


def _region(cont: Any, b: int, radius_m: float) -> tuple[nx.Graph, np.ndarray]:
    """Undirected graph of the continental edges with both ends within `radius_m` of node b."""
    from evcorridor.network.travelmapping import _highway_class

    lat0, lon0 = float(cont.lat[b]), float(cont.lon[b])
    dlat = radius_m / 111_000.0
    dlon = dlat / max(np.cos(np.radians(min(abs(lat0) + dlat, 89.0))), 0.05)
    box = np.nonzero((np.abs(cont.lat - lat0) <= dlat) & (np.abs(cont.lon - lon0) <= dlon))[0]
    d = haversine_array(lat0, lon0, cont.lat[box], cont.lon[box])
    local = box[d <= radius_m]
    inside = np.zeros(len(cont.ids), dtype=bool)
    inside[local] = True
    routes = cont.routes
    H = nx.Graph()
    H.add_node(b)
    for e in np.nonzero(inside[cont.edge_u] & inside[cont.edge_v])[0].tolist():
        u, v = int(cont.edge_u[e]), int(cont.edge_v[e])
        length = float(cont.edge_length_m[e])
        rs = cont.edge_route_list(e)
        cls = _highway_class(str(routes[rs[0]][2])) if rs else "trunk"
        c = length * COST_FACTOR.get(cls, 1.5)
        if not H.has_edge(u, v) or H[u][v]["cost"] > c:
            H.add_edge(u, v, cost=c, length=length, edge=e)
    return H, local


def _visible(cont: Any, n: int) -> bool:
    return any(lab is not None for _, lab in cont.node_entries(n))


def _no_road(crossing_id: str, country: str, cont: Any, b: int) -> str:
    mine = sorted({str(cont.routes[r][1]) for r, _ in cont.node_entries(b)
                   if cont.routes[r][4] == country})
    return (f"crossing {crossing_id!r}: no road on the {country} side in the continental road "
            "graph (Travel Mapping " + (f"routes {', '.join(mine)} end at the border"
                                        if mine else f"has no {country} route at the border")
            + ")")


def _name(cont: Any, n: int) -> str:
    """"I-75 at 392 (MI)": the highest-tier visible route label at node n."""
    entries = [(r, lab) for r, lab in cont.node_entries(n) if lab is not None]
    if not entries:
        entries = [(r, "") for r, _ in cont.node_entries(n)]
    if not entries:
        return f"{float(cont.lat[n]):.4f}, {float(cont.lon[n]):.4f}"
    r, lab = min(entries, key=lambda e: (cont.routes[e[0]][5], cont.routes[e[0]][0]))
    route = cont.routes[r]
    region = str(route[3]).removeprefix("MEX-")
    return f"{route[1]} at {lab} ({region})" if lab else f"{route[1]} ({region})"


def _places(cont: Any, path: list[int], real: dict[int, float], target: Place | None
            ) -> list[Place]:
    """Places along a border-to-endpoint path: the first node past the border, then one every
    PLACE_STEP_KM of road, then the endpoint (or the named target)."""
    picks = [path[1] if len(path) > 1 else path[0]]
    step = PLACE_STEP_KM * 1000.0
    nxt = step
    for n in path[2:-1]:
        if real[n] >= nxt and _visible(cont, n):  # a named waypoint (exit), not a shape point
            picks.append(n)
            nxt = real[n] + step
    if path[-1] not in picks:
        picks.append(path[-1])
    out = [Place(name=_name(cont, n), lat=round(float(cont.lat[n]), 6),
                 lon=round(float(cont.lon[n]), 6)) for n in picks]
    if target is not None:
        out[-1] = target
    return out


def _highways(cont: Any, H: nx.Graph, path: list[int], country: str) -> list[str]:
    """Route names the path uses in `country`, longest first (one name per edge: the edge's
    highest-tier route of that country)."""
    km: dict[str, float] = {}
    for u, v in itertools.pairwise(path):
        e = int(H[u][v]["edge"])
        for r in cont.edge_route_list(e):
            route = cont.routes[r]
            if route[4] == country or route[2] == "nasib":
                km[str(route[1])] = km.get(str(route[1]), 0.0) + float(cont.edge_length_m[e])
                break
    return [k for k, _ in sorted(km.items(), key=lambda kv: (-kv[1], kv[0]))] or ["?"]


def corridor_yaml(c: Corridor, crossing: Any, reach_km: float, side_km: dict[str, float]) -> str:
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    def place(p: Place) -> str:
        return f"  - {{name: {q(p.name)}, lat: {p.lat}, lon: {p.lon}}}"

    lines = [
        f"# Corridor {c.id}: made by `evcorridor corridors create --crossing {crossing.id} "
        f"--reach-km {reach_km:g}` from the continental road graph",
        "# (Travel Mapping, data/networks/continental.npz); road km from the border: "
        + ", ".join(f"{k} {v:.1f}" for k, v in side_km.items()) + ".",
        f"id: {c.id}", f"name: {q(c.name)}", f"border: {c.border}",
        f"other_country: {c.other_country}", f"crossings: [{', '.join(c.crossings)}]",
        "# US endpoint first ... last US place before the border", "us_side:",
        *[place(p) for p in c.us_side],
        "# first place after the border ... foreign endpoint last", "other_side:",
        *[place(p) for p in c.other_side], "highways:",
        *[f"  {k}: [{', '.join(q(h) for h in v)}]" for k, v in c.highways.items()],
        f"buffer_km: {c.buffer_km:g}", ""]
    return "\n".join(lines)


__all__ = [
    "COUNTRIES",
    "Created",
    "NoRoadError",
    "corridor_yaml",
    "create_corridor",
    "known_places",
    "resolve_place",
]
