"""A corridor graph in numbers (for `evcorridor network info` / `pull`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from evcorridor.corridors import Corridor
from evcorridor.errors import EvCorridorError
from evcorridor.network.routes import corridor_routes


def _edge_km(G: nx.MultiDiGraph) -> dict[str, float]:
    """Road km per country; each road edge is stored in both directions, so count each pair once
    (one-way edges, as osmnx may give, count fully)."""
    km: dict[str, float] = defaultdict(float)
    for u, v, data in G.edges(data=True):
        share = 0.5 if G.has_edge(v, u) else 1.0
        km[str(data.get("country") or "?")] += float(data["length"]) * share / 1000
    return {k: round(v, 1) for k, v in sorted(km.items())}


def network_summary(G: nx.MultiDiGraph, corridor: Corridor) -> dict[str, Any]:
    nodes_by_country: dict[str, int] = defaultdict(int)
    for _, c in G.nodes(data="country"):
        nodes_by_country[str(c or "?")] += 1
    comps = sorted((len(c) for c in nx.weakly_connected_components(G)), reverse=True)
    crossings = [
        {"crossing": str(cid), "node": int(n), "lat": G.nodes[n]["y"], "lon": G.nodes[n]["x"]}
        for n, cid in sorted(G.nodes(data="crossing"), key=lambda t: str(t[1])) if cid
    ]
    routes: list[dict[str, Any]] = []
    try:
        for r in corridor_routes(G, corridor):
            per: dict[str, float] = defaultdict(float)
            for i, (u, v) in enumerate(zip(r.nodes, r.nodes[1:], strict=False)):
                data = min(G.get_edge_data(u, v).values(), key=lambda d: d["length"])
                per[str(data.get("country") or "?")] += r.cum_m[i + 1] - r.cum_m[i]
            routes.append({"crossing": r.crossing_id, "length_km": round(r.length_m / 1000, 1),
                           "border_km": round(r.border_pos_m / 1000, 1),
                           "km_per_country": {k: round(v / 1000, 1)
                                              for k, v in sorted(per.items())},
                           "nodes": len(r.nodes)})
        route_error = ""
    except EvCorridorError as exc:
        route_error = str(exc)
    synthetic = sum(1 for _, _, s in G.edges(data="synthetic") if s) // 2
    return {
        "corridor": corridor.id,
        "source": G.graph.get("source", ""),
        "built_from": G.graph.get("built_from", ""),
        "data_date": G.graph.get("data_date", ""),
        "provenance": G.graph.get("provenance", ""),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "nodes_per_country": dict(sorted(nodes_by_country.items())),
        "km_per_country": _edge_km(G),
        "components": len(comps),
        "component_sizes": comps[:5],
        "interchanges": sum(1 for _, i in G.nodes(data="interchange") if i),
        "synthetic_links": synthetic,
        "crossing_nodes": crossings,
        "routes": routes,
        "route_error": route_error,
    }
