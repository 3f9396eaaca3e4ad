"""Road geometry along a plan's routes, from the corridor graph (shared by the map renderers and
the GIS layers that `plan` writes; no drawing here).

- `edge_coords(G, u, v, data)`: the (lon, lat) polyline of one edge (its `geometry` if any).
- `route_positions(G, route)`: cumulative length (m) at each node of a route.
- `sub_path(G, route, cum, a, b)`: the road polyline between positions `a` and `b` (m).
- `round_coords(coords)`: coordinates rounded to 5 decimals (~1 m; deterministic output).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import networkx as nx
from shapely import wkt
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from evcorridor.errors import InputError

Coords = tuple[tuple[float, float], ...]


class RouteNodes(Protocol):
    id: str
    nodes: list[int]


def as_geometry(obj: Any) -> BaseGeometry:
    """A shapely geometry from a geometry, a GeoJSON mapping or WKT text."""
    if isinstance(obj, BaseGeometry):
        return obj
    if isinstance(obj, Mapping):
        return shape(obj)
    if isinstance(obj, str):
        return wkt.loads(obj)
    raise ValueError(f"not a geometry: {type(obj).__name__}")


def edge_coords(G: nx.MultiDiGraph, u: int, v: int, data: Mapping[str, Any]) -> Coords:
    geom = data.get("geometry")
    if geom is not None:
        try:
            line = as_geometry(geom)
            coords = tuple((float(x), float(y)) for x, y, *_ in line.coords)
            if len(coords) >= 2:
                return coords
        except (ValueError, TypeError, AttributeError):
            pass
    a, b = G.nodes[u], G.nodes[v]
    return ((float(a["x"]), float(a["y"])), (float(b["x"]), float(b["y"])))


def round_coords(coords: Iterable[tuple[float, float]], nd: int = 5) -> Coords:
    return tuple((round(x, nd), round(y, nd)) for x, y in coords)


def route_positions(G: nx.MultiDiGraph, route: RouteNodes,
                    plan_path: Path | str | None = None) -> list[float]:
    """Cumulative distance (m) at each node of the route, from the graph's edge lengths."""
    where = f"{plan_path}: " if plan_path else ""
    missing = [n for n in route.nodes if n not in G]
    if missing:
        raise InputError(
            f"{where}route {route.id}: node {missing[0]} is not in the corridor network "
            f"({len(missing)} missing); the plan is older than the network data"
        )
    cum = [0.0]
    for u, v in zip(route.nodes, route.nodes[1:], strict=False):
        data = G.get_edge_data(u, v)
        if not data:
            raise InputError(
                f"{where}route {route.id}: no road from node {u} to node {v} in the "
                f"corridor network; the plan is older than the network data"
            )
        cum.append(cum[-1] + min(float(d.get("length", 0.0)) for d in data.values()))
    return cum


def sub_path(G: nx.MultiDiGraph, route: RouteNodes, cum: Sequence[float], a: float,
             b: float) -> Coords:
    """The road between positions `a` and `b` (m) of the route: the edges between the nodes at
    those positions (1 m tolerance); one point when they are the same node, () when none is."""
    tol = 1.0
    idx = [i for i, c in enumerate(cum) if a - tol <= c <= b + tol]
    if not idx:
        return ()
    lo, hi = idx[0], idx[-1]
    coords: list[tuple[float, float]] = []
    for i in range(lo, hi):
        u, v = route.nodes[i], route.nodes[i + 1]
        data = min(G.get_edge_data(u, v).values(), key=lambda d: float(d.get("length", 0.0)))
        seg = edge_coords(G, u, v, data)
        coords.extend(seg if not coords else seg[1:])
    if not coords:
        n = G.nodes[route.nodes[lo]]
        coords = [(float(n["x"]), float(n["y"]))]
    return round_coords(coords)
