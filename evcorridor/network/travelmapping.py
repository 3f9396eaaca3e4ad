"""Corridor graphs from Travel Mapping (TM) HighwayData: a tarball or an unpacked tree.

How a corridor graph is built (`build_corridor_graph`):

1. Routes: every `usai` (Interstate) and `nasib` (international bridge) route, plus every route of
   any system (active or preview, e.g. `mexf`, `mexd`, `mexsf`) whose name (route + banner, e.g.
   "I-5", "BC99", "MEX15", "A-15") is listed in the corridor's `highways` for the route's country.
2. Clip: keep the waypoints inside the corridor polygon, the `buffer_km` buffer (in an azimuthal
   equidistant projection) around the polyline through the corridor's places; an edge joins two
   consecutive waypoints of a route file when both are kept.
3. Merge: waypoints with identical coordinates are one node (TM's own rule for concurrent routes
   and junctions). Node ids are derived from the coordinates (stable across rebuilds, < 2**53).
4. Labels: a waypoint whose primary label starts with "+" is a hidden shaping point; the other
   labels are visible waypoints. `interchange` is True for visible waypoints except region/country
   boundary points ("OR/WA", "USA/CAN", "MEX/USA"...). `route_labels` keeps every route's label
   ("wa.i005=276;wa.wa548=I-5") so exit numbers can be compared with graph distances.
5. Border links: TM joins most crossings through a shared border point. Where it has no link
   (San Ysidro, Otay Mesa, Calexico, El Paso Bridge of the Americas, Laredo Juárez–Lincoln) a
   documented straight link (`SYNTHETIC_LINKS`) joins the last TM point on each side, split at the
   Natural Earth border; its edges carry `synthetic: True`.
6. Lengths: straight segments between sparse TM points fall short of the road; `length` is the
   great-circle length times the region's correction factor (`length_factors`, measured against
   exit-number mileposts by `measure_length_factors`, documented in data/README.md).
7. Components: only the connected component(s) holding the corridor's crossing nodes are kept.
8. Countries: the Natural Earth polygon, except within NEAR_BORDER_KM of the border where the
   country of the waypoint's TM region file(s) wins (the 1:10m line is a few hundred metres off
   in places and misses some islands).
"""

from __future__ import annotations

import csv
import itertools
import re
import tarfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from evcorridor.corridors import Corridor
from evcorridor.errors import InputError, NetworkError
from evcorridor.geodesy import haversine_m
from evcorridor.network.boundaries import CountryLocator

Progress = Callable[[str, float], None]

POINT_RE = re.compile(r"lat=(-?[0-9.]+)&lon=(-?[0-9.]+)")
BORDER_TOKENS = {"USA/CAN", "CAN/USA", "USA/MEX", "MEX/USA"}
BOUNDARY_LABEL_RE = re.compile(r"^(?:[A-Z]{2,4}|Can|Mex)/(?:[A-Z]{2,4}|Can|Mex)$")
ALWAYS_SYSTEMS = ("usai", "nasib")
MOTORWAY_SYSTEMS = {"usai", "usaif", "canonf", "canqca", "cannba", "mexd", "mexsf", "usasf"}
TRUNK_SYSTEMS = {"usaus", "usaib", "mexf", "cantch", "nasib"}
NEAR_BORDER_KM = 3.0  # Natural Earth 1:10m vs Travel Mapping regions: measured up to 2.6 km


class Waypoint(NamedTuple):
    label: str  # primary label (starts with "+" when hidden)
    alts: tuple[str, ...]
    lat: float
    lon: float

    @property
    def hidden(self) -> bool:
        return self.label.startswith("+")

    @property
    def tokens(self) -> set[str]:
        return {self.label.lstrip("+"), *(a.lstrip("+") for a in self.alts)}

    @property
    def is_border(self) -> bool:
        return bool(self.tokens & BORDER_TOKENS)


@dataclass(frozen=True)
class Route:
    system: str
    region: str
    country: str
    name: str  # route + banner, e.g. "I-5", "US83Bus", "MEX15D"
    abbrev: str
    city: str
    root: str
    level: str  # "active" | "preview" | "devel"
    tier: int


@dataclass
class TMData:
    """The parts of a Travel Mapping HighwayData tree the builder needs."""

    source: str
    routes: dict[str, Route] = field(default_factory=dict)
    points: dict[str, list[Waypoint]] = field(default_factory=dict)
    data_date: str = ""
    region_country: dict[str, str] = field(default_factory=dict)

    def by_name(self, name: str) -> list[Route]:
        return [r for r in self.routes.values() if r.name == name]


# ---------------------------------------------------------------- reading


def parse_wpt(text: str, where: str = "") -> list[Waypoint]:
    out: list[Waypoint] = []
    search = POINT_RE.search
    for n, line in enumerate(text.splitlines(), start=1):
        at = line.find("lat=")
        url = line.rfind(" ", 0, at) + 1 if at > 0 else 0  # start of the URL token
        m = search(line, at) if url > 0 else None
        labels = line[:url].split() if m else []
        if not labels:
            if not line.strip():
                continue
            raise InputError(f"{where}:line {n}: not a waypoint line (label then URL)")
        out.append(Waypoint(labels[0], tuple(labels[1:]), float(m.group(1)),  # type: ignore[union-attr]
                            float(m.group(2))))  # type: ignore[union-attr]
    return out


def _csv_rows(text: str) -> list[dict[str, str]]:
    lines = [ln for ln in text.lstrip("\ufeff").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter=";"))


def read_tm(path: Path, progress: Progress | None = None) -> TMData:
    """Read a TM HighwayData tarball (.tar.gz) or unpacked tree (folder with hwy_data/)."""
    from evcorridor.inputs import KINDS, LIMITS

    files: dict[str, str] = {}
    left = LIMITS["travelmapping"]  # bytes of .wpt/.csv text still allowed (a bounded read)

    def take(data: bytes) -> str:
        nonlocal left
        left -= len(data)
        if left < 0:
            raise InputError(f"{path}: over the {LIMITS['travelmapping']}-byte limit for a "
                             f"{KINDS['travelmapping']}; refused (see README, Input limits)")
        return data.decode("utf-8", "replace")

    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and (p.suffix == ".wpt" or p.suffix == ".csv"):
                with p.open("rb") as one:
                    files[str(p.relative_to(path))] = take(one.read(max(0, left) + 1))
    elif path.is_file():
        try:
            size = max(1, path.stat().st_size)
            # one streaming pass (no seeking back in the gzip stream)
            with path.open("rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as tar:
                for i, m in enumerate(tar):
                    if m.isfile() and m.name.endswith((".wpt", ".csv")):
                        fh = tar.extractfile(m)
                        if fh is not None:
                            files[m.name.lstrip("./")] = take(fh.read(max(0, left) + 1))
                    if progress and i % 2000 == 0:
                        progress("reading Travel Mapping data", 0.8 * raw.tell() / size)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise InputError(f"{path}: not a readable Travel Mapping tarball: {exc}") from exc
    else:
        raise InputError(f"{path}: Travel Mapping data not found (a HighwayData .tar.gz or folder)")

    def find(suffix: str) -> str | None:
        hits = sorted(k for k in files if k == suffix or k.endswith("/" + suffix))
        return files[hits[0]] if hits else None

    systems_txt, regions_txt = find("systems.csv"), find("regions.csv")
    if systems_txt is None or regions_txt is None:
        raise InputError(f"{path}: no systems.csv / regions.csv: not a Travel Mapping "
                         "HighwayData tree")
    tm = TMData(source=str(path))
    tm.region_country = {r["code"]: r["country"] for r in _csv_rows(regions_txt)}
    systems: dict[str, tuple[str, int]] = {}
    for line in systems_txt.lstrip("\ufeff").splitlines()[1:]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cols = line.split(";")
        if len(cols) >= 6:
            systems[cols[0]] = (cols[5], int(cols[4]) if cols[4].isdigit() else 9)
    updates = find("updates.csv")
    if updates:
        dates = [r["date"] for r in _csv_rows(updates) if re.match(r"\d{4}-\d\d-\d\d$", r["date"])]
        tm.data_date = max(dates) if dates else ""
    wpt_by_root: dict[str, str] = {}
    for name, _text in files.items():
        if name.endswith(".wpt"):
            wpt_by_root[name.rsplit("/", 1)[-1][:-4]] = name
    for name in sorted(files):
        sm = re.search(r"_systems/([a-z0-9]+)\.csv$", name)
        if not sm or sm.group(1) not in systems:
            continue
        level, tier = systems[sm.group(1)]
        for r in _csv_rows(files[name]):
            root = r.get("root", "")
            if root not in wpt_by_root:
                continue
            tm.routes[root] = Route(
                system=r["systemName"], region=r["region"],
                country=tm.region_country.get(r["region"], r["region"]),
                name=r["route"] + r.get("banner", ""), abbrev=r.get("abbrev", ""),
                city=r.get("city", ""), root=root, level=level, tier=tier,
            )
    for root in tm.routes:
        tm.points[root] = parse_wpt(files[wpt_by_root[root]], wpt_by_root[root])
    if progress:
        progress("reading Travel Mapping data", 1.0)
    return tm


# ---------------------------------------------------------------- geometry


def corridor_polygon(corridor: Corridor, buffer_km: float | None = None) -> BaseGeometry:
    """The corridor's clip polygon (lon/lat): a buffer around the polyline through its places."""
    places = corridor.places
    lat0 = sum(p.lat for p in places) / len(places)
    lon0 = sum(p.lon for p in places) / len(places)
    from pyproj import Transformer  # here: pyproj is only needed to build networks

    aeqd = f"+proj=aeqd +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    back = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)

    def project(t: Transformer) -> Callable[[np.ndarray], np.ndarray]:
        return lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1]))

    line = LineString([(p.lon, p.lat) for p in places])
    buf = shapely.transform(line, project(fwd)).buffer(
        (buffer_km or corridor.buffer_km) * 1000.0, quad_segs=16)
    return shapely.transform(buf, project(back))


def node_id(lat: float, lon: float) -> int:
    """A stable integer id from coordinates in microdegrees, inside North America (lat 14..72,
    lon -170..-50), below 2**53 so that it survives JSON readers that use doubles."""
    if not (14.0 <= lat <= 72.0 and -170.0 <= lon <= -50.0):
        raise InputError(f"waypoint ({lat}, {lon}) is outside North America")
    return round((lat - 14.0) * 1e6) * 120_000_001 + round((lon + 170.0) * 1e6)


# ---------------------------------------------------------------- synthetic links


@dataclass(frozen=True)
class SyntheticLink:
    crossing: str
    us_root: str
    us_label: str
    other_root: str
    other_label: str
    note: str


SYNTHETIC_LINKS: tuple[SyntheticLink, ...] = (
    SyntheticLink("san-ysidro", "ca.i005", "MEX/USA", "mexbc.viarap", "AveInt",
                  "I-5 ends at the border; TM's Tijuana network starts at Vía Rápida / Avenida "
                  "Internacional 0.8 km south (the San Ysidro port's Mexican exit, El Chaparral)"),
    SyntheticLink("otay-mesa", "ca.ca905", "USA/MEX", "mexbc.viarapala", "AveMurMar",
                  "SR 905 ends at the Otay Mesa border point; TM has no Mexican route there: "
                  "straight link to Vía Rápida Alamar / Av. Murua Martínez (Garita de Otay road)"),
    SyntheticLink("calexico-west", "ca.ca111", "2ndSt", "mexbc.mex005", "AveFraMad",
                  "SR 111 ends at 2nd St next to the Calexico West port; MEX 5 ends at Av. "
                  "Francisco I. Madero on the Mexicali side, 0.45 km apart"),
    SyntheticLink("calexico-east", "ca.ca007", "End", "mexbc.mex002", "BlvdLazCar_E",
                  "SR 7 ends at the Calexico East port; TM has no street to the Garita "
                  "Mexicali II: straight link to MEX 2 at Blvd. Lázaro Cárdenas, its nearest "
                  "MEX 2 waypoint (8.5 km)"),
    SyntheticLink("el-paso-bridge-of-the-americas", "tx.i110", "MEX/USA", "mexchih.mex045",
                  "MEX2", "I-110 ends on the Bridge of the Americas; TM has no Ciudad Juárez "
                  "streets: straight link along Av. Abraham Lincoln / Eje Vial Juan Gabriel to "
                  "MEX 45's north end at MEX 2 (17.9 km)"),
    SyntheticLink("laredo-juarez-lincoln", "tx.i035", "HidSt", "mextam.mex085lar", "BlvdLuisCol",
                  "I-35 ends at Hidalgo St next to the Juárez–Lincoln bridge; TM has no Nuevo "
                  "Laredo streets north of MEX 85's end at Blvd. Luis Donaldo Colosio: "
                  "straight link (8.9 km)"),
)


def _find_point(tm: TMData, root: str, label: str) -> Waypoint:
    for w in tm.points.get(root, []):
        if w.label == label or label in w.alts:
            return w
    raise InputError(f"Travel Mapping data has no waypoint {label!r} on {root!r} (needed for a "
                     "synthetic border link)")


def border_point(a: Waypoint, b: Waypoint, usa: BaseGeometry) -> tuple[float, float]:
    """Where the straight link a→b leaves the USA polygon (lat, lon); a itself if on the border."""
    if a.is_border:
        return a.lat, a.lon
    seg = LineString([(a.lon, a.lat), (b.lon, b.lat)])
    cut = seg.intersection(usa.boundary)
    pts = [cut] if isinstance(cut, Point) else list(getattr(cut, "geoms", []))
    pts = [p for p in pts if isinstance(p, Point)]
    if not pts:
        # Natural Earth's 1:10m line can sit a few hundred metres off (Calexico): the link's
        # ends are on either side of the real border, so take its midpoint.
        pts = [seg.interpolate(0.5, normalized=True)]
    p = min(pts, key=lambda q: Point(a.lon, a.lat).distance(q))
    return round(p.y, 6), round(p.x, 6)


# ---------------------------------------------------------------- lengths


EXIT_RE = re.compile(r"^(\d+)[A-Z]?$")


def exit_number(label: str) -> int | None:
    m = EXIT_RE.match(label)
    return int(m.group(1)) if m else None


def measure_route(points: list[Waypoint], unit_m: float) -> tuple[float, float] | None:
    """(straight-line metres, exit-number metres) between the first and last numbered exits."""
    cum = [0.0]
    for p, q in itertools.pairwise(points):
        cum.append(cum[-1] + haversine_m(p.lat, p.lon, q.lat, q.lon))
    exits = [(exit_number(w.label), cum[i]) for i, w in enumerate(points)]
    numbered = [(n, c) for n, c in exits if n is not None]
    if len(numbered) < 5:
        return None
    (n0, c0), (n1, c1) = numbered[0], numbered[-1]
    if n1 <= n0:
        return None
    return c1 - c0, (n1 - n0) * unit_m


MILE_M = 1609.344
# Roads are never shorter than the chords between their points, so a ratio under 0.99 means exit
# numbers that are not distances; New York numbers its Interstate exits in sequence.
MIN_RATIO, MAX_RATIO = 0.99, 1.1
SEQUENTIAL_EXIT_REGIONS = frozenset({"NY"})


def measure_length_factors(tm: TMData, regions: Iterable[str]) -> dict[str, float]:
    """Per-region factor = exit-number distance / straight-line distance, over the region's
    Interstates (miles) or Ontario 400-series / Québec autoroutes (km) whose exits are numbered by
    distance. Routes whose ratio falls outside 0.9–1.1 (sequentially numbered exits) are skipped.
    Regions without a usable route get the median of the measured regions."""
    wanted = set(regions)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for root, r in sorted(tm.routes.items()):
        if r.region not in wanted or r.abbrev or r.name.endswith(("BL", "BS", "Trk")):
            continue
        unit = MILE_M if r.system == "usai" else 1000.0 if r.system in {"canonf", "canqca"} else 0
        if not unit:
            continue
        got = measure_route(tm.points[root], unit)
        if got is None:
            continue
        straight, marked = got
        if straight < 30_000 or not MIN_RATIO <= marked / straight <= MAX_RATIO:
            continue
        sums[r.region][0] += straight
        sums[r.region][1] += marked
    factors = {reg: round(max(1.0, m / s), 4) for reg, (s, m) in sums.items()
               if s > 0 and reg not in SEQUENTIAL_EXIT_REGIONS}
    fallback = float(np.median(list(factors.values()))) if factors else 1.0
    return {reg: factors.get(reg, round(fallback, 4)) for reg in sorted(wanted)}


# ---------------------------------------------------------------- building


def _highway_class(system: str) -> str:
    if system in MOTORWAY_SYSTEMS:
        return "motorway"
    if system in TRUNK_SYSTEMS:
        return "trunk"
    return "primary"


def select_routes(tm: TMData, corridor: Corridor) -> list[Route]:
    wanted = {c: set(refs) for c, refs in corridor.highways.items()}
    out = [r for r in tm.routes.values()
           if r.system in ALWAYS_SYSTEMS or r.name in wanted.get(r.country, set())]
    return sorted(out, key=lambda r: r.root)


def build_corridor_graph(
    tm: TMData,
    corridor: Corridor,
    *,
    locator: CountryLocator,
    usa_polygon: BaseGeometry,
    crossing_points: dict[str, tuple[float, float]],
    length_factors: dict[str, float] | None = None,
    progress: Progress | None = None,
) -> nx.MultiDiGraph:
    """The corridor graph (contract in `evcorridor.network`). `crossing_points` maps each of the
    corridor's crossing ids to its border point (lat, lon), as in data/crossings.csv."""
    poly = corridor_polygon(corridor)
    routes = select_routes(tm, corridor)
    factors = length_factors or {}
    main = [h for c in ("USA", corridor.other_country) for h in corridor.highways.get(c, [])]
    rank = {name: i for i, name in enumerate(main)}

    def route_rank(r: Route) -> tuple[int, int, str]:
        return (rank.get(r.name, len(rank) + (0 if r.system == "usai" else 1)), r.tier, r.root)

    nodes: dict[tuple[float, float], dict[str, object]] = {}
    node_routes: dict[tuple[float, float], list[tuple[Route, Waypoint]]] = defaultdict(list)
    Key = tuple[float, float]
    pair_routes: dict[tuple[Key, Key], list[Route]] = defaultdict(list)
    for i, r in enumerate(routes):
        pts = tm.points[r.root]
        inside = shapely.contains_xy(poly, np.array([p.lon for p in pts]),
                                     np.array([p.lat for p in pts]))
        for j, p in enumerate(pts):
            if inside[j]:
                node_routes[(p.lat, p.lon)].append((r, p))
        for j in range(len(pts) - 1):
            a, b = pts[j], pts[j + 1]
            ka, kb = (a.lat, a.lon), (b.lat, b.lon)
            if inside[j] and inside[j + 1] and ka != kb:
                pair_routes[(ka, kb) if ka < kb else (kb, ka)].append(r)
        if progress and i % 50 == 0:
            progress(f"{corridor.id}: clipping routes", 0.5 * i / max(1, len(routes)))

    extra_edges: list[tuple[tuple[float, float], tuple[float, float], str]] = []
    for link in SYNTHETIC_LINKS:
        if link.crossing not in corridor.crossings:
            continue
        a = _find_point(tm, link.us_root, link.us_label)
        b = _find_point(tm, link.other_root, link.other_label)
        for w, root in ((a, link.us_root), (b, link.other_root)):
            if (w.lat, w.lon) not in node_routes:
                raise InputError(f"corridor {corridor.id}: synthetic link end {root} {w.label} is "
                                 "outside the corridor buffer; widen buffer_km")
        # The registry's border point (data/crossings.csv) wins, so every source agrees on it.
        blat, blon = crossing_points.get(link.crossing) or border_point(a, b, usa_polygon)
        kb = (blat, blon)
        if kb not in node_routes:
            node_routes[kb] = []
        for pair in (((a.lat, a.lon), kb), (kb, (b.lat, b.lon))):
            if pair[0] != pair[1]:  # the US end may itself be the border point
                extra_edges.append((pair[0], pair[1], link.crossing))

    disagreements = 0
    usa_boundary = usa_polygon.boundary
    for key, entries in node_routes.items():
        lat, lon = key
        entries.sort(key=lambda e: route_rank(e[0]))
        visible = [(r, w) for r, w in entries if not w.hidden]
        label = visible[0][1].label if visible else ""
        interchange = any(not BOUNDARY_LABEL_RE.match(w.label) and not w.is_border
                          for _, w in visible)
        # Natural Earth decides, except close to the border where its 1:10m line can be a few
        # hundred metres off (or misses islands): there the country of the TM region file(s)
        # the waypoint comes from wins when they all agree. Off any polygon (water): region.
        route_countries = {r.country for r, _ in entries}
        polygon = locator.country(lon, lat)
        region = next(iter(route_countries)) if len(route_countries) == 1 else None
        if polygon is None:
            country = region or locator.nearest(lon, lat)
        elif region is not None and polygon != region and (
                usa_boundary.distance(Point(lon, lat)) * 111.0 <= NEAR_BORDER_KM):
            country = region
            disagreements += 1
        else:
            country = polygon
        nodes[key] = {
            "y": lat, "x": lon, "country": country, "label": label,
            "interchange": interchange, "crossing": "",
            "route_labels": ";".join(f"{r.root}={w.label}" for r, w in entries if not w.hidden),
            "routes": ";".join(sorted({r.root for r, _ in entries})),
        }

    G = nx.MultiDiGraph()
    for key in sorted(nodes):
        G.add_node(node_id(*key), **nodes[key])
    edges: list[tuple[int, int, dict[str, object]]] = []
    for (ka, kb), rs in sorted(pair_routes.items()):
        rs = sorted(set(rs), key=route_rank)
        best = rs[0]
        straight = haversine_m(ka[0], ka[1], kb[0], kb[1])
        f = factors.get(best.region, 1.0)
        attrs: dict[str, object] = {
            "length": round(straight * f, 2), "highway": _highway_class(best.system),
            "ref": ";".join(dict.fromkeys(r.name for r in rs)), "country": best.country,
            "synthetic": False, "system": best.system, "region": best.region,
        }
        edges.append((node_id(*ka), node_id(*kb), attrs))
    for ka, kb, crossing in extra_edges:
        straight = haversine_m(ka[0], ka[1], kb[0], kb[1])
        mid_country = locator.nearest((ka[1] + kb[1]) / 2, (ka[0] + kb[0]) / 2)
        f = float(np.median(list(factors.values()))) if factors else 1.0
        attrs = {"length": round(straight * f, 2), "highway": "trunk",
                 "ref": f"link:{crossing}", "country": mid_country, "synthetic": True,
                 "system": "synthetic", "region": ""}
        edges.append((node_id(*ka), node_id(*kb), attrs))
    for u, v, attrs in edges:
        G.add_edge(u, v, **attrs)
        G.add_edge(v, u, **attrs)

    G, dropped = keep_crossing_components(G, corridor, crossing_points,
                                          "the Travel Mapping graph")
    used_regions = {str(r) for _, _, r in G.edges(data="region") if r}
    if progress:
        progress(f"{corridor.id}: graph built", 1.0)
    G.graph.update({
        "crs": "EPSG:4326", "corridor": corridor.id, "source": "travelmapping",
        "data_date": tm.data_date,
        "provenance": "Travel Mapping Project HighwayData (travelmapping.net; coordinates from "
                      "OpenStreetMap, (c) OpenStreetMap contributors), "
                      f"{Path(tm.source).name}; countries: Natural Earth 1:10m admin-0 (public "
                      "domain)",
        "buffer_km": corridor.buffer_km,
        "length_factors": ";".join(f"{k}={v}" for k, v in sorted(factors.items())
                                   if k in used_regions),
        "dropped_nodes": dropped,
        "country_polygon_disagreements": disagreements,
        "synthetic_links": ";".join(sorted({c for _, _, c in extra_edges})),
    })
    return G


def keep_crossing_components(G: nx.MultiDiGraph, corridor: Corridor,
                             crossing_points: dict[str, tuple[float, float]], where: str
                             ) -> tuple[nx.MultiDiGraph, int]:
    """Tag each of the corridor's crossing border nodes (`crossing`, not an interchange) and keep
    only the components holding them: (the graph, how many nodes were dropped)."""
    for cid in corridor.crossings:
        if cid not in crossing_points:
            raise InputError(f"corridor {corridor.id}: crossing {cid!r} has no border point")
        lat, lon = crossing_points[cid]
        n = node_id(lat, lon)
        if n not in G:
            raise NetworkError(f"corridor {corridor.id}: crossing {cid!r} border point "
                               f"({lat}, {lon}) is not in {where}")
        G.nodes[n]["crossing"] = cid
        G.nodes[n]["interchange"] = False
    und = G.to_undirected(as_view=True)
    keep: set[int] = set()
    for n, cid in G.nodes(data="crossing"):
        if cid:
            keep |= nx.node_connected_component(und, n)
    return G.subgraph(sorted(keep)).copy(), G.number_of_nodes() - len(keep)


def crossing_side_routes(tm: TMData, lat: float, lon: float) -> tuple[list[str], list[str]]:
    """Highway names meeting at a border point, (US side, other side); for an international
    bridge (nasib) the routes at the bridge's far ends count."""
    us: set[str] = set()
    other: set[str] = set()
    key = (lat, lon)

    def add(r: Route) -> None:
        (us if r.country == "USA" else other).add(r.name)

    for root, pts in tm.points.items():
        r = tm.routes[root]
        if not any((p.lat, p.lon) == key for p in pts):
            continue
        if r.system == "nasib":
            for end in (pts[0], pts[-1]):
                if (end.lat, end.lon) == key:
                    continue
                for root2, pts2 in tm.points.items():
                    r2 = tm.routes[root2]
                    if r2.system != "nasib" and r2.country == r.country and any(
                            (p.lat, p.lon) == (end.lat, end.lon) for p in pts2):
                        add(r2)
        else:
            add(r)
    return sorted(us, key=_natural), sorted(other, key=_natural)


def _natural(s: str) -> tuple[str, int, str]:
    m = re.match(r"^([A-Za-z-]*)(\d*)(.*)$", s)
    if not m:
        return (s, 0, "")
    return (m.group(1), int(m.group(2) or 0), m.group(3))


def border_points(tm: TMData) -> list[tuple[float, float, list[str]]]:
    """Every TM border waypoint (lat, lon, ["root label", ...]), merged by coordinates."""
    found: dict[tuple[float, float], list[str]] = defaultdict(list)
    for root, pts in sorted(tm.points.items()):
        for p in pts:
            if p.is_border:
                found[(p.lat, p.lon)].append(f"{root} {p.label}")
    return [(k[0], k[1], v) for k, v in sorted(found.items())]


__all__ = [
    "SYNTHETIC_LINKS",
    "TMData",
    "border_points",
    "build_corridor_graph",
    "corridor_polygon",
    "crossing_side_routes",
    "measure_length_factors",
    "node_id",
    "read_tm",
]
