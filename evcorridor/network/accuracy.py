"""Distance accuracy: graph distances between exits versus exit-number (milepost) differences.

Most US states number Interstate exits by milepost, so along one route the difference of two exit
numbers is an independent measure of the road distance between them (to about ±1 mile from the
rounding of both numbers). `measure_exit_errors` walks a route through a corridor graph (the nodes
that carry the route's Travel Mapping root in their `routes` attribute) and compares.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import networkx as nx

from evcorridor.errors import EvCorridorError

MILE_M = 1609.344
EXIT_RE = re.compile(r"^(\d+)[A-Z]?$")
WINDOW_M = 160_000.0


def _factors(G: nx.MultiDiGraph) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in str(G.graph.get("length_factors", "")).split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k] = float(v)
    return out


def measure_exit_errors(G: nx.MultiDiGraph, root: str, unit_m: float = MILE_M) -> dict[str, Any]:
    """Compare graph distance with exit-number distance along TM route `root` (e.g. "wa.i005").

    Returns first/last exit, marked and graph km, the signed error in % (graph vs exit numbers),
    the same for the uncorrected straight-line length, and the worst error over all exit pairs at
    least 160 km (100 miles) apart."""
    on_route = [n for n, r in G.nodes(data="routes") if root in str(r or "").split(";")]
    if not on_route:
        raise EvCorridorError(f"route {root!r} is not in the {G.graph.get('corridor')} graph")
    exits: dict[int, int] = {}
    for n in on_route:
        for part in str(G.nodes[n].get("route_labels", "")).split(";"):
            if part.startswith(root + "="):
                m = EXIT_RE.match(part.split("=", 1)[1])
                if m:
                    exits.setdefault(int(m.group(1)), n)
    if len(exits) < 2:
        raise EvCorridorError(f"route {root!r} has fewer than two numbered exits in the graph")
    S = G.subgraph(on_route).to_undirected(as_view=True)
    numbers = sorted(exits)
    first, last = numbers[0], numbers[-1]
    path = nx.shortest_path(S, exits[first], exits[last], weight="length")
    factors = _factors(G)
    pos: dict[int, tuple[float, float]] = {path[0]: (0.0, 0.0)}
    cum = straight = 0.0
    for u, v in itertools.pairwise(path):
        data = min(S.get_edge_data(u, v).values(), key=lambda d: d["length"])
        cum += data["length"]
        straight += data["length"] / factors.get(str(data.get("region", "")), 1.0)
        pos[v] = (cum, straight)
    marked = (last - first) * unit_m
    pts = sorted((num, pos[n][0]) for num, n in exits.items() if n in pos)
    worst: float | None = None
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            want = (pts[j][0] - pts[i][0]) * unit_m
            if want >= WINDOW_M:
                err = ((pts[j][1] - pts[i][1]) - want) / want * 100
                if worst is None or abs(err) > abs(worst):
                    worst = err
    return {
        "first_exit": first, "last_exit": last, "exits": len(pts),
        "marked_km": round(marked / 1000, 2), "graph_km": round(cum / 1000, 2),
        "error_pct": round((cum - marked) / marked * 100, 2),
        "straight_error_pct": round((straight - marked) / marked * 100, 2),
        "worst_window_pct": None if worst is None else round(worst, 2),
    }
