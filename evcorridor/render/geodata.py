"""Geometry a map needs, gathered once per plan: road lines per country, country shapes, crossings,
route positions and the longest gap per direction.

Inputs are the plan, its corridor graph (`evcorridor.network.load_network(plan.corridor)`) and the
country boundaries (`evcorridor.network.load_boundaries()`); both can be passed in directly (tests,
or a caller that already holds them). Everything is sorted so the pictures are deterministic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from shapely.geometry import LineString, MultiLineString, box, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, unary_union

from evcorridor.errors import EvCorridorError, InputError
from evcorridor.network.routegeom import (
    as_geometry,
    edge_coords,
    round_coords,
    route_positions,
    sub_path,
)
from evcorridor.plan_model import Gap, Plan, RoutePlan, Site

COUNTRY_NAMES = {"USA": "United States", "CAN": "Canada", "MEX": "Mexico"}
KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class LongestGap:
    """The longest vehicle gap of one direction, with the road geometry it spans."""

    direction: str
    route: str
    vehicle: str
    gap: Gap
    from_name: str
    to_name: str
    coords: tuple[tuple[float, float], ...]  # (lon, lat) along the road


@dataclass
class MapData:
    plan: Plan
    roads: dict[str, list[tuple[tuple[float, float], ...]]]  # country -> polylines (lon, lat)
    countries: dict[str, BaseGeometry]  # country -> polygon(s), clipped to the view
    border: list[tuple[tuple[float, float], ...]]  # the international border inside the view
    crossings: list[tuple[str, float, float]]  # (crossing id, lon, lat)
    bbox: tuple[float, float, float, float]  # view: min lon, min lat, max lon, max lat
    longest: list[LongestGap] = field(default_factory=list)
    countries_wide: dict[str, BaseGeometry] = field(default_factory=dict)  # for browser views
    network_source: str = ""
    network_date: str = ""
    crossing_names: dict[str, str] = field(default_factory=dict)  # id -> name (data/crossings)
    endpoints: list[tuple[str, float, float]] = field(default_factory=list)  # (place, lon, lat)
    # what the map leaves out and why ("3 of 5 nodes ... have no coordinates: not drawn")
    notes: list[str] = field(default_factory=list)

    @property
    def mid_lat(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


def crossing_names(ids: Iterable[str]) -> dict[str, str]:
    """Crossing id -> its name in data/crossings.csv (the id where the registry has none)."""
    from evcorridor.crossings import get_crossing

    out = {}
    for cid in ids:
        try:
            out[cid] = get_crossing(cid).name
        except EvCorridorError:
            out[cid] = cid
    return out


def route_endpoints(plan: Plan, G: nx.MultiDiGraph) -> list[tuple[str, float, float]]:
    """(place name, lon, lat) of where the routes start and end, once per name."""
    seen: dict[str, tuple[str, float, float]] = {}
    for r in plan.routes:
        for name, node in ((r.from_name, r.nodes[0] if r.nodes else None),
                           (r.to_name, r.nodes[-1] if r.nodes else None)):
            if name and node is not None and node in G and name not in seen:
                d = G.nodes[node]
                seen[name] = (name, round(float(d["x"]), 5), round(float(d["y"]), 5))
    return sorted(seen.values())


def located(site: Site) -> bool:
    """Whether a site has coordinates (a distance matrix's node has none: maps leave it out)."""
    return site.lat is not None and site.lon is not None


def lon_lat(site: Site) -> tuple[float, float]:
    """(lon, lat) of a site that has coordinates (see `located`)."""
    if site.lat is None or site.lon is None:
        raise ValueError(f"site {site.id} has no coordinates")
    return site.lon, site.lat


def mappable(G: nx.MultiDiGraph, plan: Plan) -> bool:
    """Whether a map can show anything of the plan: a node or a site with coordinates."""
    return any(d.get("x") is not None and d.get("y") is not None for _, d in G.nodes(data=True)) \
        or any(located(s) for s in plan.sites)


def unplaced_note(G: nx.MultiDiGraph, plan: Plan) -> tuple[nx.MultiDiGraph, list[str]]:
    """The part of `G` a map can draw (nodes with x/y) and a note on what is left out: nodes of
    a generic network given as a distance matrix have no coordinates."""
    drawable = [n for n, d in G.nodes(data=True)
                if d.get("x") is not None and d.get("y") is not None]
    nodes = G.number_of_nodes() - len(drawable)
    sites = sum(1 for s in plan.sites if not located(s))
    if not nodes and not sites:
        return G, []
    note = (f"Not drawn (no coordinates): {nodes} of {G.number_of_nodes()} network node(s), "
            f"{sites} of {len(plan.sites)} site(s)")
    return G.subgraph(drawable), [note]


def road_label(country: str) -> str:
    name = COUNTRY_NAMES.get(country, country)
    return f"Road network, {name}" if name and name != "?" else "Road network"


def _generic_network(plan: Plan) -> str | None:
    """The `--network` file(s) of a generic (non-corridor) plan, as recorded in its inputs."""
    from evcorridor.settings import REPO_ROOT

    for ref in plan.inputs:
        if ref.kind == "network" and ref.path:
            parts = [Path(p) for p in ref.path.split(",")]
            found = [p if p.is_absolute() or p.exists() else REPO_ROOT / p for p in parts]
            readable = all(p.suffix.lower() in (".graphml", ".xml", ".csv") for p in found)
            if readable and all(p.is_file() for p in found):
                return ",".join(str(p) for p in found)
    return None


def load_graph(plan: Plan, plan_path: Path | str | None = None) -> nx.MultiDiGraph:
    """The plan's graph: the embedded corridor network, or for a plan made with `--network` the
    network file recorded in its inputs; a one-line error when it is missing."""
    from evcorridor.errors import NotFoundError

    where = f"{plan_path}: " if plan_path else ""
    try:
        from evcorridor.network import load_network

        return load_network(plan.corridor)
    except NotFoundError as exc:
        generic = _generic_network(plan)
        if generic is None:
            raise InputError(
                f"{where}corridor data for {plan.corridor!r} is missing: {exc}"
            ) from exc
        from evcorridor.siting.generic import read_network

        try:
            return read_network(generic)
        except EvCorridorError as exc2:
            raise InputError(
                f"{where}network of plan {plan.corridor!r} ({generic}) cannot be read: {exc2}"
            ) from exc2
    except EvCorridorError as exc:
        raise InputError(f"{where}corridor data for {plan.corridor!r} is missing: {exc}") from exc
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(
            f"{where}corridor data for {plan.corridor!r} is missing or unreadable: {exc}"
        ) from exc


def load_country_shapes() -> dict[str, BaseGeometry]:
    """Country polygons from `evcorridor.network.load_boundaries()` (Natural Earth, derived)."""
    try:
        from evcorridor.network import load_boundaries
    except ImportError as exc:
        raise EvCorridorError(f"country boundaries are not available: {exc}") from exc
    try:
        return country_shapes(load_boundaries())
    except EvCorridorError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"country boundaries are missing or unreadable: {exc}") from exc


def load_border_geometries() -> dict[str, BaseGeometry]:
    """Land border lines keyed by border id ("us-ca", "us-mx"); {} when the data has none."""
    try:
        from evcorridor.network.boundaries import load_border_lines
    except ImportError:
        return {}
    try:
        return {str(k): as_geometry(v) for k, v in sorted(load_border_lines().items())}
    except EvCorridorError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"border lines are missing or unreadable: {exc}") from exc


def country_shapes(obj: Any) -> dict[str, BaseGeometry]:
    """Normalise boundary data to {ISO alpha-3: geometry}.

    Accepts a mapping country -> geometry (shapely / GeoJSON mapping / WKT), a GeoJSON
    FeatureCollection (dict or path), a GeoDataFrame with an ISO_A3-like column, or pairs.
    """
    if isinstance(obj, str | Path) and Path(obj).suffix in (".geojson", ".json"):
        obj = json.loads(Path(obj).read_text(encoding="utf-8"))
    if isinstance(obj, Mapping) and obj.get("type") == "FeatureCollection":
        out: dict[str, list[BaseGeometry]] = {}
        for feat in obj["features"]:
            props = feat.get("properties") or {}
            code = next(
                (props[k] for k in ("ISO_A3", "iso_a3", "country", "ADM0_A3") if k in props), None
            )
            if code:
                out.setdefault(str(code), []).append(shape(feat["geometry"]))
        return {k: unary_union(v) for k, v in sorted(out.items())}
    if isinstance(obj, Mapping):
        return {str(k): as_geometry(v) for k, v in sorted(obj.items())}
    if hasattr(obj, "iterrows"):  # GeoDataFrame
        cols = [c for c in ("ISO_A3", "iso_a3", "country", "ADM0_A3") if c in obj.columns]
        if not cols:
            raise ValueError("boundary table has no ISO_A3/country column")
        pairs = [(str(row[cols[0]]), row["geometry"]) for _, row in obj.iterrows()]
    else:
        pairs = [(str(k), v) for k, v in obj]
    grouped: dict[str, list[BaseGeometry]] = {}
    for k, v in pairs:
        grouped.setdefault(k, []).append(as_geometry(v))
    return {k: unary_union(v) for k, v in sorted(grouped.items())}


def road_lines(G: nx.MultiDiGraph) -> dict[str, list[tuple[tuple[float, float], ...]]]:
    """Road polylines per country: each undirected road once, merged into long lines, sorted."""
    seen: set[tuple[int, int, tuple[tuple[float, float], ...]]] = set()
    per: dict[str, list[LineString]] = {}
    for u, v, data in sorted(
        G.edges(data=True), key=lambda e: (e[0], e[1], float(e[2].get("length", 0)))
    ):
        coords = round_coords(edge_coords(G, u, v, data))
        a, b = (u, v) if u <= v else (v, u)
        key_coords = coords if u <= v else coords[::-1]
        key = (a, b, key_coords)
        if key in seen:
            continue
        seen.add(key)
        country = str(data.get("country") or G.nodes[u].get("country") or "?")
        per.setdefault(country, []).append(LineString(key_coords))
    out: dict[str, list[tuple[tuple[float, float], ...]]] = {}
    for country, lines in sorted(per.items()):
        merged = linemerge(MultiLineString(lines)) if len(lines) > 1 else lines[0]
        parts = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
        out[country] = sorted(round_coords(p.coords) for p in parts)
    return out


def site_name(plan: Plan, site_id: str, route: RoutePlan) -> str:
    if site_id == "start":
        return route.from_name
    if site_id == "end":
        return route.to_name
    for s in plan.sites:
        if s.id == site_id:
            return s.name
    return site_id


def longest_gaps(
    plan: Plan, G: nx.MultiDiGraph | None = None, cums: Mapping[str, list[float]] | None = None
) -> list[LongestGap]:
    """Per direction, the longest vehicle gap over all routes and vehicles (ties: first found)."""
    best: dict[str, tuple[float, RoutePlan, str, Gap]] = {}
    for route in plan.routes:
        for run in route.vehicles:
            for gap in run.gaps:
                cur = best.get(route.direction)
                if cur is None or gap.length_m > cur[0]:
                    best[route.direction] = (gap.length_m, route, run.vehicle, gap)
    out = []
    for direction in ("forward", "reverse"):
        if direction not in best:
            continue
        _, route, vehicle, gap = best[direction]
        coords: tuple[tuple[float, float], ...] = ()
        if G is not None and cums is not None and route.id in cums:
            coords = sub_path(G, route, cums[route.id], gap.from_pos_m, gap.to_pos_m)
        out.append(
            LongestGap(
                direction,
                route.id,
                vehicle,
                gap,
                site_name(plan, gap.from_id, route),
                site_name(plan, gap.to_id, route),
                coords,
            )
        )
    return out


def _lines(geom: BaseGeometry) -> list[tuple[tuple[float, float], ...]]:
    if geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [round_coords(geom.coords)]
    if hasattr(geom, "geoms"):
        out: list[tuple[tuple[float, float], ...]] = []
        for g in geom.geoms:
            out.extend(_lines(g))
        return out
    return []


def border_lines(
    countries: Mapping[str, BaseGeometry], a: str, b: str, view: BaseGeometry
) -> list[tuple[tuple[float, float], ...]]:
    """The shared boundary of countries a and b inside `view` (robust to tiny mismatches)."""
    if a not in countries or b not in countries:
        return []
    ga, gb = countries[a].intersection(view), countries[b].intersection(view)
    if ga.is_empty or gb.is_empty:
        return []
    shared = ga.boundary.intersection(gb.buffer(0.002)).intersection(view.buffer(-1e-9))
    merged = (
        linemerge(shared)
        if shared.geom_type in ("MultiLineString", "GeometryCollection") and not shared.is_empty
        else shared
    )
    try:
        return sorted(p for p in _lines(merged) if len(p) >= 2)
    except TypeError:
        return sorted(p for p in _lines(shared) if len(p) >= 2)


def view_box(
    points: Iterable[tuple[float, float]], pad: float = 0.08, min_deg: float = 0.3
) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = max(x1 - x0, min_deg) * (1 + 2 * pad)
    h = max(y1 - y0, min_deg) * (1 + 2 * pad)
    return (round(cx - w / 2, 4), round(cy - h / 2, 4), round(cx + w / 2, 4), round(cy + h / 2, 4))


def gather(
    plan: Plan,
    G: nx.MultiDiGraph,
    countries: Mapping[str, BaseGeometry] | None,
    plan_path: Path | str | None = None,
    borders: Mapping[str, BaseGeometry] | None = None,
) -> MapData:
    """Everything the static and interactive maps draw, deterministic and view-clipped. Nodes
    and sites without coordinates are left out, with a note (`MapData.notes`)."""
    G, notes = unplaced_note(G, plan)
    roads = road_lines(G)
    pts = [pt for lines in roads.values() for line in lines for pt in line]
    pts += [lon_lat(s) for s in plan.sites if located(s)]
    if not pts and notes:
        raise InputError(f"{plan_path or plan.corridor}: no node of the network has coordinates "
                         "(a distance matrix): nothing to draw; give a nodes file with x,y "
                         "(--network NODES.csv,MATRIX.csv) to map the plan")
    if not pts:
        raise InputError(f"{plan_path or plan.corridor}: the corridor network has no roads to draw")
    bbox = view_box(pts)
    mid = (bbox[1] + bbox[3]) / 2
    # countries and border are clipped generously: the static map widens the view to its own
    # shape and a browser window can show more than the corridor
    wide = unary_union([box(*fit_box(bbox, mid, r)) for r in (0.6, 1.7)]).envelope.buffer(
        1.0, join_style="mitre"
    )
    clipped: dict[str, BaseGeometry] = {}
    clipped_wide: dict[str, BaseGeometry] = {}
    wider = wide.buffer(3.0, join_style="mitre")
    border: list[tuple[tuple[float, float], ...]] = []
    if countries:
        for code, geom in sorted(countries.items()):
            part = geom.intersection(wide)
            if not part.is_empty:
                clipped[code] = part.simplify(0.002, preserve_topology=True)
            part = geom.intersection(wider)
            if not part.is_empty:
                clipped_wide[code] = part.simplify(0.004, preserve_topology=True)
    if borders and plan.border in borders:
        border = sorted(p for p in _lines(borders[plan.border].intersection(wide)) if len(p) >= 2)
    elif countries:
        others = [c for c in plan.countries if c != "USA"] or ["CAN", "MEX"]
        for other in others:
            border += border_lines(countries, "USA", other, wide)
    crossings: list[tuple[str, float, float]] = []
    seen: set[str] = set()
    for _n, d in sorted(G.nodes(data=True)):
        cid = d.get("crossing") or ""
        if cid and cid not in seen and (not plan.crossings or cid in plan.crossings):
            seen.add(cid)
            crossings.append((cid, round(float(d["x"]), 5), round(float(d["y"]), 5)))
    cums = {r.id: route_positions(G, r, plan_path) for r in plan.routes}
    return MapData(
        crossing_names=crossing_names([cid for cid, _, _ in crossings]),
        endpoints=route_endpoints(plan, G),
        plan=plan,
        roads=roads,
        countries=clipped,
        border=border,
        crossings=sorted(crossings),
        bbox=bbox,
        longest=longest_gaps(plan, G, cums),
        countries_wide=clipped_wide,
        network_source=str(G.graph.get("source") or ""),
        network_date=str(G.graph.get("data_date") or ""),
        notes=notes,
    )


def fit_box(
    bbox: tuple[float, float, float, float], mid_lat: float, ratio: float
) -> tuple[float, float, float, float]:
    """Grow `bbox` (degrees) so that its width/height in km equals `ratio` (the axes' shape)."""
    x0, y0, x1, y1 = bbox
    kx, ky = km_per_deg_lon(mid_lat), 111.32
    w_km, h_km = (x1 - x0) * kx, (y1 - y0) * ky
    if w_km / h_km < ratio:
        grow = (h_km * ratio / kx - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (w_km / ratio / ky - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    return (round(x0, 5), round(y0, 5), round(x1, 5), round(y1, 5))


def km_per_deg_lon(lat: float) -> float:
    return 111.32 * math.cos(math.radians(lat))
