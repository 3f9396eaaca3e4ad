"""Main routes through a corridor graph: US endpoint → crossing border node → foreign endpoint.

Endpoints are snapped to the nearest graph node (straight-line distance). Each leg is a shortest
path by `length`. Positions (`cum_m`) are metres from the US endpoint; the reverse direction is the
same node list reversed, with positions L - pos.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx
import numpy as np

from evcorridor.corridors import Corridor
from evcorridor.errors import EvCorridorError
from evcorridor.geodesy import haversine_array
from evcorridor.network.graph import closest_pair


@dataclass(frozen=True)
class CorridorRoute:
    crossing_id: str
    nodes: tuple[int, ...]  # forward: US endpoint node ... foreign endpoint node
    cum_m: tuple[float, ...]  # cumulative distance at each node, cum_m[0] == 0
    border_index: int  # index in nodes of the crossing's border node

    @property
    def length_m(self) -> float:
        return self.cum_m[-1]

    @property
    def border_pos_m(self) -> float:
        return self.cum_m[self.border_index]


def nearest_node(G: nx.MultiDiGraph, lat: float, lon: float) -> tuple[int, float]:
    """The node nearest to (lat, lon) and its straight-line distance in metres."""
    if G.number_of_nodes() == 0:
        raise EvCorridorError("the network has no nodes")
    ids = list(G.nodes)
    ys = np.fromiter((G.nodes[n]["y"] for n in ids), dtype=float, count=len(ids))
    xs = np.fromiter((G.nodes[n]["x"] for n in ids), dtype=float, count=len(ids))
    d = haversine_array(lat, lon, ys, xs)
    i = int(np.argmin(d))
    return ids[i], float(d[i])


def crossing_node(G: nx.MultiDiGraph, crossing_id: str) -> int:
    for n, cid in G.nodes(data="crossing"):
        if cid == crossing_id:
            return int(n)
    raise EvCorridorError(f"the {G.graph.get('corridor', '')} network has no border node for "
                          f"crossing {crossing_id!r}")


def _leg(G: nx.MultiDiGraph, a: int, b: int, what_a: str, what_b: str) -> list[int]:
    try:
        return list(nx.shortest_path(G, a, b, weight="length"))
    except nx.NetworkXNoPath:
        pass
    comp_a = nx.node_connected_component(G.to_undirected(as_view=True), a)
    comp_b = nx.node_connected_component(G.to_undirected(as_view=True), b)
    if comp_a == comp_b:
        raise EvCorridorError(f"no directed road from {what_a} (node {a}) to {what_b} (node {b})")
    u, v, dist = closest_pair(G, comp_a, comp_b)
    raise EvCorridorError(
        f"{what_a} (node {a}) and {what_b} (node {b}) are in different components of the "
        f"{G.graph.get('corridor', '')} network; the nearest nodes of the two components are "
        f"{u} and {v}, {dist / 1000:.2f} km apart")


def _edge_length(G: nx.MultiDiGraph, u: int, v: int) -> float:
    return float(min(d["length"] for d in G.get_edge_data(u, v).values()))


def one_side(G: nx.MultiDiGraph, country: str, border: int) -> nx.MultiDiGraph:
    """The subgraph of `country`'s nodes plus the border node (a view)."""
    keep = [n for n, c in G.nodes(data="country") if c == country or n == border]
    return G.subgraph(keep)


def corridor_routes(G: nx.MultiDiGraph, corridor: Corridor) -> list[CorridorRoute]:
    """One route per crossing, in `corridor.crossings` order."""
    start, _ = nearest_node(G, corridor.start.lat, corridor.start.lon)
    end, _ = nearest_node(G, corridor.end.lat, corridor.end.lon)
    for node, place, want, side in ((start, corridor.start, "USA", "US"),
                                    (end, corridor.end, corridor.other_country,
                                     corridor.other_country)):
        got = str(G.nodes[node].get("country", ""))
        if got != want:
            has = any(c == want for _, c in G.nodes(data="country"))
            raise EvCorridorError(
                f"corridor {corridor.id}: the route does not reach the {side} side: "
                f"{place.name!r} snaps to node {node} in {got or 'no country'}; "
                + (f"the {G.graph.get('source', '')} network has no {want} road connected to "
                   "the crossing" if not has else
                   f"the network's {want} roads do not come near {place.name!r}")
                + " (widen the corridor's buffer_km or use another network source)")
    out: list[CorridorRoute] = []
    for cid in corridor.crossings:
        border = crossing_node(G, cid)
        # a route crosses the border once, at its crossing: the US leg stays in the USA and the
        # foreign leg in the other country (else a crossing whose own roads join the network
        # farther away, e.g. Pacific Highway, would be routed back through its neighbour)
        first = _leg(one_side(G, "USA", border), start, border, f"{corridor.start.name!r}",
                     f"crossing {cid!r}")
        second = _leg(one_side(G, corridor.other_country, border), border, end,
                      f"crossing {cid!r}", f"{corridor.end.name!r}")
        nodes = [*first, *second[1:]]
        cum = [0.0]
        for u, v in itertools.pairwise(nodes):
            cum.append(cum[-1] + _edge_length(G, u, v))
        out.append(CorridorRoute(cid, tuple(nodes), tuple(round(c, 3) for c in cum),
                                 len(first) - 1))
    return out
