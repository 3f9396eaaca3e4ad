"""The continental road graph (USA, Canada, Mexico) from Travel Mapping, and corridor graphs cut
out of it.

Built by `make data` (`build_continental`) into `data/networks/continental.npz` (the
`evcorridor.network.compact` container, loads in well under a second). Which routes:

- every Travel Mapping system of the three countries at tiers 1–4 that is `active` or `preview`
  (Interstates `usai`, US highways `usaus`, their business/spur `usaib`, select freeways `usasf`,
  `usaif`, turnpikes, every state, provincial and territorial highway system, the Trans-Canada
  `cantch`, Canadian freeways `canonf`/`canqca`/`cannba`/`cannsf`, Mexican federal `mexf`, toll
  `mexd`/`mexsf`/`mexed`, Mexican state systems at tier 4), plus the international bridges `nasib`;
- plus any other active or preview route that passes a crossing's border point (for instance
  Montana secondary 409 and Alberta 880 at Whitlash), so every crossing with a Travel Mapping
  border point is on the graph;
- not: `devel` systems (unfinished), the other tier-5 routes (historic and named trails, local
  networks), and the islands that have no land border (Hawaii, Puerto Rico, Guam, American Samoa,
  Northern Marianas, US Virgin Islands).

The steps are those of the corridor builder (`evcorridor.network.travelmapping`): identical
coordinates are one node, hidden `+` points are shaping points, node ids encode the coordinates,
lengths are great-circle × the region's length factor measured against exit numbers, node
countries come from Natural Earth except within 3 km of the border (Travel Mapping region wins),
and the documented synthetic border links are added.

`corridor_graph(cont, corridor)` cuts a corridor graph (the graph contract of `evcorridor.network`)
out of it exactly as the corridor builder does from the raw data: the routes of the corridor's
`highways` plus every Interstate and international bridge, inside the corridor's buffer, the
components holding its crossings.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from evcorridor.errors import InputError
from evcorridor.geodesy import haversine_array
from evcorridor.network import compact
from evcorridor.network.boundaries import CountryLocator
from evcorridor.network.travelmapping import (
    ALWAYS_SYSTEMS,
    BOUNDARY_LABEL_RE,
    NEAR_BORDER_KM,
    SYNTHETIC_LINKS,
    TMData,
    Waypoint,
    _find_point,
    _highway_class,
    border_point,
    corridor_polygon,
    keep_crossing_components,
)
from evcorridor.settings import get_settings

Progress = Callable[[str, float], None]
FILE_NAME = "continental.npz"
FORMAT = "evcorridor.continental/1"
MAX_TIER = 4
LEVELS = ("active", "preview")
ISLAND_REGIONS = frozenset({"HI", "PR", "GU", "AS", "MP", "VI", "UM"})
COUNTRIES = ("USA", "CAN", "MEX")
CLASSES = ("motorway", "trunk", "primary")
NO_ROUTE = -1


def continental_path() -> Path:
    return get_settings().data_dir / "networks" / FILE_NAME


def selected_systems(tm: TMData) -> list[str]:
    """The Travel Mapping systems the continental graph holds (see the module docstring)."""
    out = {r.system for r in tm.routes.values()
           if r.country in COUNTRIES and r.level in LEVELS and r.tier <= MAX_TIER
           and r.region not in ISLAND_REGIONS}
    return sorted(out | set(ALWAYS_SYSTEMS))


# ---------------------------------------------------------------- building


def build_continental(tm: TMData, *, polygons: dict[str, BaseGeometry],
                      crossing_points: dict[str, tuple[float, float]],
                      length_factors: dict[str, float], progress: Progress | None = None
                      ) -> bytes:
    """The continental graph as compact container bytes (deterministic)."""
    systems = set(selected_systems(tm))
    locator = CountryLocator(polygons)
    usa_polygon = polygons["USA"]
    at_crossing = set(crossing_points.values())
    routes = sorted((r for r in tm.routes.values()
                     if r.region not in ISLAND_REGIONS and r.country in COUNTRIES and (
                         r.system in systems or (r.level in LEVELS and any(
                             (p.lat, p.lon) in at_crossing for p in tm.points[r.root])))),
                    key=lambda r: (r.tier, r.root))
    rindex = {r.root: i for i, r in enumerate(routes)}
    Key = tuple[float, float]
    entries: dict[Key, list[tuple[int, Waypoint]]] = defaultdict(list)
    pair_routes: dict[tuple[Key, Key], set[int]] = defaultdict(set)
    for i, r in enumerate(routes):
        pts = tm.points[r.root]
        for p in pts:
            entries[(p.lat, p.lon)].append((i, p))
        for a, b in itertools.pairwise(pts):
            ka, kb = (a.lat, a.lon), (b.lat, b.lon)
            if ka != kb:
                pair_routes[(ka, kb) if ka < kb else (kb, ka)].add(i)
        if progress and i % 500 == 0:
            progress("continental graph: routes", 0.4 * i / len(routes))
    synthetic: list[tuple[Key, Key, str]] = []
    for link in SYNTHETIC_LINKS:
        if link.us_root not in rindex or link.other_root not in rindex:
            continue
        a = _find_point(tm, link.us_root, link.us_label)
        b = _find_point(tm, link.other_root, link.other_label)
        blat, blon = crossing_points.get(link.crossing) or border_point(a, b, usa_polygon)
        kb = (blat, blon)
        entries.setdefault(kb, [])
        for pair in (((a.lat, a.lon), kb), (kb, (b.lat, b.lon))):
            if pair[0] != pair[1]:
                synthetic.append((pair[0], pair[1], link.crossing))

    keys = sorted(entries)
    lat = np.array([k[0] for k in keys])
    lon = np.array([k[1] for k in keys])
    country = _countries(keys, entries, routes, polygons, locator, lat, lon)
    entry_count: list[int] = []
    entry_route: list[int] = []
    entry_label: list[str | None] = []
    for k in keys:
        es = sorted(entries[k], key=lambda e: (e[0], e[1].label))
        entry_count.append(len(es))
        for ri, w in es:
            entry_route.append(ri)
            entry_label.append(None if w.hidden else w.label)
    table = sorted({x for x in entry_label if x is not None})
    tpos = {x: i for i, x in enumerate(table)}
    if progress:
        progress("continental graph: nodes", 0.7)
    pos = {k: j for j, k in enumerate(keys)}
    eu: list[int] = []
    ev: list[int] = []
    ecount: list[int] = []
    eroutes: list[int] = []
    for (ka, kb), rs in sorted(pair_routes.items()):
        eu.append(pos[ka])
        ev.append(pos[kb])
        ecount.append(len(rs))
        eroutes.extend(sorted(rs))
    links = sorted({c for _, _, c in synthetic})
    u = np.array(eu, dtype=np.int64)
    lat_e6 = np.round(lat * 1e6).astype(np.int64)
    arrays: dict[str, np.ndarray] = {
        # nodes are sorted by (lat, lon): latitudes and edge starts are stored as differences
        "lat_e6_delta": np.diff(lat_e6, prepend=0).astype(np.int32),
        "lon_e6": np.round(lon * 1e6).astype(np.int32),
        "country": country.astype(np.uint8),
        "entry_count": np.array(entry_count, dtype=np.uint8),
        "entry_route": np.array(entry_route, dtype=np.int16),
        "entry_label": np.array([-1 if x is None else tpos[x] for x in entry_label],
                                dtype=np.int32),
        "label_table": compact.pack_strings(table),
        "edge_u_delta": np.diff(u, prepend=0).astype(np.int32),
        "edge_v": (np.array(ev, dtype=np.int64) - u).astype(np.int32),
        "edge_route_count": np.array(ecount, dtype=np.uint8),
        "edge_routes": np.array(eroutes, dtype=np.int16),
        "link_u": np.array([pos[a] for a, _, _ in synthetic], dtype=np.int32),
        "link_v": np.array([pos[b] for _, b, _ in synthetic], dtype=np.int32),
        "link_crossing": np.array([links.index(c) for _, _, c in synthetic], dtype=np.int16),
        "link_country": np.array([COUNTRIES.index(locator.nearest((a[1] + b[1]) / 2,
                                                                  (a[0] + b[0]) / 2))
                                  for a, b, _ in synthetic], dtype=np.uint8),
    }
    meta = {
        "format": FORMAT, "nodes": len(keys), "edges": len(eu) + len(synthetic),
        "labels": len(table), "data_date": tm.data_date,
        "source": Path(tm.source).name, "systems": sorted(systems),
        "crossing_routes": sorted(r.root for r in routes if r.system not in systems),
        "routes": [[r.root, r.name, r.system, r.region, r.country, r.tier] for r in routes],
        "links": links,
        "length_factors": {k: v for k, v in sorted(length_factors.items())},
        "provenance": "Travel Mapping Project HighwayData (travelmapping.net; coordinates from "
                      "OpenStreetMap, (c) OpenStreetMap contributors), "
                      f"{Path(tm.source).name}; countries: Natural Earth 1:10m admin-0 (public "
                      "domain)",
    }
    if progress:
        progress("continental graph: done", 1.0)
    return compact.arrays_to_bytes(arrays, meta)


def _countries(keys: list[tuple[float, float]], entries: dict[Any, list[tuple[int, Waypoint]]],
               routes: list[Any], polys: dict[str, BaseGeometry], locator: CountryLocator,
               lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Country code index per node: the Natural Earth polygon, except within NEAR_BORDER_KM of
    the border where the country of the Travel Mapping region file(s) wins when they agree."""
    polygon = np.full(len(keys), -1, dtype=np.int8)
    for ci, code in enumerate(COUNTRIES):
        inside = shapely.contains_xy(polys[code], lon, lat) & (polygon < 0)
        polygon[inside] = ci
    boundary = polys["USA"].boundary
    shapely.prepare(boundary)
    out = np.zeros(len(keys), dtype=np.int8)
    for j, k in enumerate(keys):
        rc = {routes[ri].country for ri, _ in entries[k]}
        region = COUNTRIES.index(next(iter(rc))) if len(rc) == 1 else None
        p = int(polygon[j])
        if p < 0:
            out[j] = region if region is not None else COUNTRIES.index(
                locator.nearest(float(lon[j]), float(lat[j])))
        elif region is not None and p != region and (
                boundary.distance(Point(lon[j], lat[j])) * 111.0 <= NEAR_BORDER_KM):
            out[j] = region
        else:
            out[j] = p
    return out


# ---------------------------------------------------------------- loading


@dataclass
class ContinentalGraph:
    """The continental graph as arrays (nodes sorted by id; each road edge stored once; the
    synthetic border links last)."""

    lat: np.ndarray
    lon: np.ndarray
    ids: np.ndarray
    country: np.ndarray  # index into COUNTRIES
    entry_ptr: np.ndarray  # node j's route entries: entry_ptr[j]:entry_ptr[j + 1]
    entry_route: np.ndarray  # route index (meta["routes"])
    entry_label: np.ndarray  # index into labels, -1 for a hidden shaping point
    labels: list[str]
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length_m: np.ndarray
    edge_route_ptr: np.ndarray
    edge_routes: np.ndarray
    edge_link: np.ndarray  # index into meta["links"] for a synthetic link, else -1
    link_country: np.ndarray  # per edge: the country of a synthetic link's midpoint
    meta: dict[str, Any]
    path: Path

    @property
    def routes(self) -> list[list[Any]]:
        """[root, name, system, region, country, tier] per route."""
        return list(self.meta["routes"])

    @property
    def data_date(self) -> str:
        return str(self.meta.get("data_date", ""))

    def index_of(self, nid: int) -> int | None:
        i = int(np.searchsorted(self.ids, nid))
        return i if i < len(self.ids) and int(self.ids[i]) == nid else None

    def node_entries(self, j: int) -> list[tuple[int, str | None]]:
        """(route index, visible label or None) of every route through node j."""
        a, b = int(self.entry_ptr[j]), int(self.entry_ptr[j + 1])
        return [(int(r), None if int(x) < 0 else self.labels[int(x)])
                for r, x in zip(self.entry_route[a:b], self.entry_label[a:b], strict=True)]

    def edge_route_list(self, e: int) -> list[int]:
        return [int(x) for x in self.edge_routes[self.edge_route_ptr[e]:self.edge_route_ptr[e + 1]]]


def load_continental(path: Path | None = None) -> ContinentalGraph:
    """The continental graph (cached per file and modification time)."""
    p = Path(path) if path is not None else continental_path()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise InputError(f"{p}: no continental road graph (run `make data`)") from exc
    return _load(str(p), mtime)


def _ptr(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts.astype(np.int64))])


@lru_cache(maxsize=2)
def _load(path: str, mtime: int) -> ContinentalGraph:
    arrays, meta = compact.read_arrays(Path(path))
    if meta.get("format") != FORMAT:
        raise InputError(f"{path}: not a continental road graph ({meta.get('format')!r}); "
                         "rebuild it (`make data`)")
    try:
        lat_e6 = np.cumsum(arrays["lat_e6_delta"].astype(np.int64))
        lon_e6 = arrays["lon_e6"].astype(np.int64)
        lat, lon = lat_e6 / 1e6, lon_e6 / 1e6
        ids = (lat_e6 - 14_000_000) * 120_000_001 + (lon_e6 + 170_000_000)
        u = np.cumsum(arrays["edge_u_delta"].astype(np.int64))
        v = u + arrays["edge_v"].astype(np.int64)
        routes = meta["routes"]
        factors = meta.get("length_factors", {})
        route_factor = np.array([float(factors.get(r[3], 1.0)) for r in routes])
        eptr = _ptr(arrays["edge_route_count"])
        eroutes = arrays["edge_routes"].astype(np.int64)
        best = eroutes[eptr[:-1]]
        median = float(np.median(list(factors.values()))) if factors else 1.0
        lu, lv = arrays["link_u"].astype(np.int64), arrays["link_v"].astype(np.int64)
        all_u, all_v = np.concatenate([u, lu]), np.concatenate([v, lv])
        f = np.concatenate([route_factor[best], np.full(len(lu), median)])
        length = np.round(haversine_array(lat[all_u], lon[all_u], lat[all_v], lon[all_v]) * f, 2)
        links = np.concatenate([np.full(len(u), -1, dtype=np.int64),
                                arrays["link_crossing"].astype(np.int64)])
        return ContinentalGraph(
            lat=lat, lon=lon, ids=ids, country=arrays["country"],
            entry_ptr=_ptr(arrays["entry_count"]), entry_route=arrays["entry_route"],
            entry_label=arrays["entry_label"],
            labels=compact.unpack_strings(arrays["label_table"], int(meta["labels"])),
            edge_u=all_u, edge_v=all_v, edge_length_m=length,
            edge_route_ptr=np.concatenate([eptr, np.full(len(lu), eptr[-1])]),
            edge_routes=eroutes, edge_link=links,
            link_country=np.concatenate([np.zeros(len(u), dtype=np.uint8),
                                         arrays["link_country"].astype(np.uint8)]),
            meta=meta, path=Path(path))
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(f"{path}: corrupt continental road graph ({exc}); rebuild it "
                         "(`make data`)") from exc


# ---------------------------------------------------------------- corridor graphs


BORDER_LABELS = frozenset({"USA/CAN", "CAN/USA", "USA/MEX", "MEX/USA"})


def corridor_graph(cont: ContinentalGraph, corridor: Any,
                   crossing_points: dict[str, tuple[float, float]] | None = None
                   ) -> nx.MultiDiGraph:
    """A corridor graph (contract of `evcorridor.network`) cut out of the continental graph:
    the corridor's highways plus every Interstate and international bridge, inside its buffer,
    the components holding its crossings. `crossing_points` defaults to the registry's."""
    if crossing_points is None:
        from evcorridor.crossings import get_crossing

        crossing_points = {c: (get_crossing(c).lat, get_crossing(c).lon)
                           for c in corridor.crossings}
    routes = cont.routes
    wanted = {c: set(v) for c, v in corridor.highways.items()}
    selected = np.array([r[2] in ALWAYS_SYSTEMS or r[1] in wanted.get(r[4], set())
                         for r in routes], dtype=bool)
    main = [h for c in ("USA", corridor.other_country) for h in corridor.highways.get(c, [])]
    rank_of = {name: i for i, name in enumerate(main)}
    route_rank = [(rank_of.get(r[1], len(rank_of) + (0 if r[2] == "usai" else 1)), r[5], r[0])
                  for r in routes]
    links = list(cont.meta["links"])
    wanted_links = {links.index(c) for c in corridor.crossings if c in links}

    poly = corridor_polygon(corridor)
    x0, y0, x1, y1 = poly.bounds
    box = (cont.lon >= x0) & (cont.lon <= x1) & (cont.lat >= y0) & (cont.lat <= y1)
    inside = np.zeros(len(cont.ids), dtype=bool)
    idx = np.nonzero(box)[0]
    inside[idx] = shapely.contains_xy(poly, cont.lon[idx], cont.lat[idx])
    cand = np.nonzero(inside[cont.edge_u] & inside[cont.edge_v])[0]
    keep_edges: list[tuple[int, list[int]]] = []  # (edge, selected routes sorted by rank)
    for e in (int(x) for x in cand):
        li = int(cont.edge_link[e])
        if li >= 0:
            if li in wanted_links:
                keep_edges.append((e, []))
            continue
        rs = [ri for ri in cont.edge_route_list(e) if selected[ri]]
        if rs:
            keep_edges.append((e, sorted(rs, key=lambda ri: route_rank[ri])))
    nodes = sorted({int(cont.edge_u[e]) for e, _ in keep_edges}
                   | {int(cont.edge_v[e]) for e, _ in keep_edges})
    G = nx.MultiDiGraph()
    for j in nodes:
        mine = sorted(((ri, lab) for ri, lab in cont.node_entries(j) if selected[ri]),
                      key=lambda t: route_rank[t[0]])
        visible = [(ri, lab) for ri, lab in mine if lab is not None]
        interchange = any(not BOUNDARY_LABEL_RE.match(lab) and lab not in BORDER_LABELS
                          for _, lab in visible if lab is not None)
        G.add_node(int(cont.ids[j]), y=float(cont.lat[j]), x=float(cont.lon[j]),
                   country=COUNTRIES[int(cont.country[j])],
                   label=str(visible[0][1]) if visible else "", interchange=interchange,
                   crossing="",
                   route_labels=";".join(f"{routes[ri][0]}={lab}" for ri, lab in visible),
                   routes=";".join(sorted({str(routes[ri][0]) for ri, _ in mine})))
    used_regions: set[str] = set()
    for e, rs in keep_edges:
        u, v = int(cont.ids[cont.edge_u[e]]), int(cont.ids[cont.edge_v[e]])
        length = float(cont.edge_length_m[e])
        if rs:
            b = routes[rs[0]]
            attrs: dict[str, Any] = {
                "length": length, "highway": _highway_class(b[2]),
                "ref": ";".join(dict.fromkeys(routes[ri][1] for ri in rs)), "country": b[4],
                "synthetic": False, "system": b[2], "region": b[3]}
            used_regions.add(b[3])
        else:
            mid = COUNTRIES[int(cont.link_country[e])]
            attrs = {"length": length, "highway": "trunk",
                     "ref": f"link:{links[int(cont.edge_link[e])]}", "country": mid,
                     "synthetic": True, "system": "synthetic", "region": ""}
        G.add_edge(u, v, **attrs)
        G.add_edge(v, u, **attrs)
    G, dropped = keep_crossing_components(
        G, corridor, crossing_points, "the corridor's highways in the continental road graph")
    factors = cont.meta.get("length_factors", {})
    G.graph.update({
        "crs": "EPSG:4326", "corridor": corridor.id, "source": "continental",
        "built_from": "travelmapping", "data_date": cont.data_date,
        "provenance": str(cont.meta.get("provenance", "")), "buffer_km": corridor.buffer_km,
        "length_factors": ";".join(f"{k}={v}" for k, v in sorted(factors.items())
                                   if k in used_regions),
        "dropped_nodes": dropped, "path": str(cont.path),
        "synthetic_links": ";".join(sorted(links[i] for i in wanted_links)),
    })
    return G


def is_continental_file(path: Path) -> bool:
    """True for a continental graph file (a compact container of this module's format)."""
    meta = compact.read_meta(Path(path))
    return meta is not None and meta.get("format") == FORMAT


__all__ = ["COUNTRIES", "FILE_NAME", "ContinentalGraph", "build_continental",
           "continental_path", "corridor_graph", "is_continental_file", "load_continental",
           "selected_systems"]
