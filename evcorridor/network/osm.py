"""Live OpenStreetMap pulls through osmnx / Overpass, cached as GraphML.

`pull_osm_network(corridor)` downloads the roads inside the corridor polygon (a buffer of
`corridor.buffer_km` around the polyline through its places, drawn in a metric projection) with a
highway filter (motorway, trunk, primary and their links by default), simplifies the graph while
keeping exit nodes and the points where a road's `ref` changes (the border, usually), and tags it
with the corridor graph contract (CONTRACTS.md "Corridor graph").

The result is cached as `<cache_dir>/osm/<sha256 of the query>.graphml` with a `.sha256` sidecar;
a cache file whose checksum or GraphML does not check out is rebuilt, never loaded. osmnx's own
HTTP response cache is switched off (its folder is set to `<cache_dir>/osm/overpass/` so nothing is
ever written to the working directory): the GraphML file is the cache, and every rebuild queries
Overpass again, so the graph always records the `timestamp_osm_base` of the data it holds.

This module (with the rest of `evcorridor.network`) is the only code that touches `osmnx.settings`.
`fetch_osm_features` serves the OpenStreetMap station reader with the same settings and errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import re
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import networkx as nx
import numpy as np
import osmnx as ox
import requests
import shapely
import shapely.ops
import urllib3
from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
    wait_exponential,
)
from tenacity.stop import stop_base
from urllib3.util import Retry

from evcorridor.atomic import ensure_dir, write_bytes, write_text
from evcorridor.errors import EvCorridorError, InputError, NetworkError, UsageError
from evcorridor.geodesy import haversine_array, haversine_m
from evcorridor.settings import get_settings

Progress = Callable[[str, float], None]

#: highway values pulled when the caller gives no filter
DEFAULT_HIGHWAYS = (
    "motorway", "trunk", "primary", "motorway_link", "trunk_link", "primary_link",
)
CACHE_FORMAT = 1  # bump when the graph tagging changes: old cache files then miss

_HINT = "use --source embedded, or a cached pull"


class CorridorLike(Protocol):
    """What this module reads of `evcorridor.corridors.Corridor`."""

    id: str
    crossings: list[str]
    us_side: list[Any]
    other_side: list[Any]
    buffer_km: float


# --------------------------------------------------------------------------------------------
# corridor polygon and query


def _project(t: Transformer) -> Callable[[np.ndarray], np.ndarray]:
    def f(xy: np.ndarray) -> np.ndarray:
        x, y = t.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return f


def _aeqd_projector(geom: BaseGeometry) -> Callable[[np.ndarray], np.ndarray]:
    """lon/lat → metres in an azimuthal equidistant projection centred on `geom`."""
    c = geom.centroid
    aeqd = f"+proj=aeqd +lat_0={c.y:.6f} +lon_0={c.x:.6f} +datum=WGS84 +units=m +no_defs"
    return _project(Transformer.from_crs("EPSG:4326", aeqd, always_xy=True))


def _expected_requests(polygon: Polygon | MultiPolygon) -> int:
    """About how many Overpass queries osmnx sends for `polygon` (for the progress bar).

    osmnx queries the 500 m buffer of the polygon; above `max_query_area_size` it takes the convex
    hull and cuts it along an even grid of cells at most sqrt(max size) wide: count those cells.
    """
    metric = shapely.transform(polygon, _aeqd_projector(polygon)).buffer(500)
    max_area = float(ox.settings.max_query_area_size)
    if metric.area <= max_area:
        return 1
    hull = metric.convex_hull
    left, bottom, right, top = hull.bounds
    width = math.sqrt(max_area)
    xs = np.linspace(left, right, max(int(math.ceil((right - left) / width) + 1), 3))
    ys = np.linspace(bottom, top, max(int(math.ceil((top - bottom) / width) + 1), 3))
    cells = shapely.box(*np.meshgrid(xs[:-1], ys[:-1]), *np.meshgrid(xs[1:], ys[1:]))
    return max(1, int(np.count_nonzero(shapely.area(shapely.intersection(cells, hull)) > 0)))


def corridor_polygon(corridor: CorridorLike) -> Polygon:
    """The buffer of `corridor.buffer_km` around the polyline through all its places (EPSG:4326).

    The buffer is drawn in an azimuthal equidistant projection centred on the corridor, so its
    width is true in metres along the whole corridor.
    """
    places = [*corridor.us_side, *corridor.other_side]
    coords = [(float(p.lon), float(p.lat)) for p in places]
    lon0 = sum(c[0] for c in coords) / len(coords)
    lat0 = sum(c[1] for c in coords) / len(coords)
    aeqd = f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m +no_defs"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    back = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    line: BaseGeometry = LineString(coords) if len(coords) > 1 else shapely.Point(coords[0])
    metric = shapely.transform(line, _project(fwd))
    buffered = metric.buffer(float(corridor.buffer_km) * 1000.0, quad_segs=8)
    poly = shapely.transform(buffered, _project(back))
    if not isinstance(poly, Polygon):  # pragma: no cover - a buffer of a line is one polygon
        raise EvCorridorError(f"corridor {corridor.id}: buffer is not a single polygon")
    return shapely.set_precision(poly, 1e-6)


def highway_way_filter(highway_filter: str | None = None) -> str:
    """The Overpass way filter: a raw filter (`["highway"~"..."]...`) is used as given; otherwise
    a comma- or `|`-separated list of highway values (default motorway|trunk|primary + links)."""
    if highway_filter is not None and highway_filter.strip().startswith("["):
        return highway_filter.strip()
    if highway_filter is None:
        values = list(DEFAULT_HIGHWAYS)
    else:
        values = [v.strip() for v in re.split(r"[,|]", highway_filter) if v.strip()]
        bad = [v for v in values if not re.fullmatch(r"[a-z_]+", v)]
        if not values or bad:
            raise UsageError(
                f"highway filter {highway_filter!r}: give highway values such as "
                f"'motorway,trunk,primary' or a raw Overpass filter starting with '['"
            )
    return f'["highway"~"^({"|".join(values)})$"]'


def cache_key(
    corridor: CorridorLike, way_filter: str, overpass_url: str,
    crossing_points: Mapping[str, tuple[float, float]],
) -> str:
    """sha256 of everything that determines the pull: polygon, filter, server, crossings, format."""
    payload = {
        "format": CACHE_FORMAT,
        "corridor": corridor.id,
        "polygon": corridor_polygon(corridor).wkt,
        "filter": way_filter,
        "overpass_url": overpass_url.rstrip("/"),
        "crossings": sorted(
            [cid, round(lat, 6), round(lon, 6)] for cid, (lat, lon) in crossing_points.items()
        ),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def cache_path(
    corridor: CorridorLike, *, highway_filter: str | None = None,
    crossing_points: Mapping[str, tuple[float, float]] | None = None,
) -> Path:
    """Where the GraphML cache of this pull lives (it may not exist). `crossing_points` default
    to the crossing registry's points of the corridor's crossings."""
    s = get_settings()
    points = crossing_points if crossing_points is not None else _crossing_points(corridor)
    key = cache_key(corridor, highway_way_filter(highway_filter), s.overpass_url, points)
    return Path(s.cache_dir) / "osm" / f"{key}.graphml"


# --------------------------------------------------------------------------------------------
# osmnx configuration and error handling


#: answers worth another try (rate limit, server errors); others fail at once
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: tries of one query in all (the first and the retries), all within the --timeout deadline
MAX_ATTEMPTS = 4
_READ_CHUNK = 1 << 16


class _HTTPStatusError(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code} {response.reason}".strip())
        self.status = response.status_code
        # seconds the server asks us to wait (Retry-After: seconds or an HTTP date)
        self.retry_after: float | None = None
        header = response.headers.get("Retry-After")
        if header:
            with contextlib.suppress(Exception):
                self.retry_after = max(0.0, float(Retry().parse_retry_after(header)))


class _DeadlineError(Exception):
    """The total --timeout deadline passed while Overpass was still sending."""


class _PullLog:
    """A requests response hook for every answer osmnx receives: reads the body against the
    total deadline (a server trickling bytes cannot hold the pull), refuses HTTP errors, and
    collects `osm3s.timestamp_osm_base`."""

    _TS = re.compile(rb'"timestamp_osm_base"\s*:\s*"([^"]+)"')

    def __init__(self, on_answer: Callable[[int], None] | None = None,
                 on_status: Callable[[], None] | None = None,
                 deadline: float | None = None) -> None:
        self.timestamps: list[str] = []
        self.answers = 0
        self.on_answer = on_answer
        self.on_status = on_status  # osmnx asked /status: it may now wait for a query slot
        self.deadline = deadline if deadline is not None else \
            time.monotonic() + get_settings().timeout_s

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _read_body(self, response: requests.Response) -> bytes:
        """The whole body, chunk by chunk, each socket read limited to the time left."""
        raw = response.raw
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        parts: list[bytes] = []
        try:
            while True:
                left = self.remaining()
                if left <= 0:
                    raise _DeadlineError()
                if sock is not None:
                    sock.settimeout(left)
                chunk = raw.read1(_READ_CHUNK, decode_content=True) \
                    if hasattr(raw, "read1") else raw.read(_READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                parts.append(chunk)
        except (TimeoutError, urllib3.exceptions.ReadTimeoutError) as exc:
            raise _DeadlineError() from exc
        except urllib3.exceptions.HTTPError as exc:
            raise requests.exceptions.ConnectionError(str(exc)) from exc
        return b"".join(parts)

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code >= 400:
            # osmnx would sleep 55 s and retry 429/504 forever, and return a 500's JSON as data;
            # `_with_osmnx` retries what is worth retrying, within the deadline
            raise _HTTPStatusError(response)
        if response.raw is not None and not getattr(response, "_content_consumed", False):
            response._content = self._read_body(response)
            response._content_consumed = True
        # the next request (osmnx sends several) waits no longer than the time left
        ox.settings.requests_timeout = max(1, math.ceil(self.remaining()))
        m = self._TS.search(response.content[:4096])
        if m:
            self.timestamps.append(m.group(1).decode())
        if "/interpreter" in (response.url or ""):
            self.answers += 1
            if self.on_answer is not None:
                self.on_answer(self.answers)
        elif "/status" in (response.url or "") and self.on_status is not None:
            self.on_status()


def _is_loopback(url: str) -> bool:
    return (urlparse(url).hostname or "") in {"127.0.0.1", "localhost", "::1"}


def configure_osmnx(log: _PullLog | None = None) -> None:
    """Point osmnx at the configured Overpass server, timeout and cache folder."""
    s = get_settings()
    ox.settings.overpass_url = s.overpass_url.rstrip("/")
    ox.settings.requests_timeout = math.ceil(s.timeout_s)  # Overpass wants whole seconds
    ox.settings.use_cache = False  # the GraphML file is our cache (see the module docstring)
    ox.settings.cache_folder = str(Path(s.cache_dir) / "osm" / "overpass")
    # a local test server has no slot management; the public servers do (be polite there)
    ox.settings.overpass_rate_limit = not _is_loopback(s.overpass_url)
    ox.settings.log_console = False
    ox.settings.requests_kwargs = {"hooks": {"response": [log.hook]}} if log else {}
    useful = list(ox.settings.useful_tags_node)
    for tag in ("highway", "ref"):
        if tag not in useful:
            useful.append(tag)
    ox.settings.useful_tags_node = useful


def _network_error(exc: BaseException, what: str, attempts: int = 1) -> NetworkError:
    url = get_settings().overpass_url
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    if isinstance(exc, _HTTPStatusError):
        why = f"Overpass at {url} answered {exc}{tries}"
        if exc.status in (429, 504):
            why += " (server busy; try again later)"
    elif isinstance(exc, (_DeadlineError, requests.exceptions.Timeout)):
        why = (f"Overpass at {url} did not finish within the {get_settings().timeout_s:g} s "
               f"deadline (--timeout){tries}")
    elif isinstance(exc, requests.exceptions.ConnectionError):
        why = f"cannot reach Overpass at {url}"
    elif isinstance(exc, requests.exceptions.RequestException):
        why = f"request to Overpass at {url} failed ({type(exc).__name__})"
    else:  # osmnx InsufficientResponseError / ResponseStatusCodeError: body is not JSON
        why = f"Overpass at {url} sent an unreadable (truncated or non-JSON) response"
    return NetworkError(f"{what}: {why}; {_HINT}")


def _transient(exc: BaseException) -> bool:
    """Worth another try: a busy or failing server (429, 5xx). A server that cannot be reached
    or that is too slow is reported at once."""
    return isinstance(exc, _HTTPStatusError) and exc.status in RETRY_STATUS


class _StopBefore(stop_base):
    """Stop retrying when the next wait would end past `deadline` (time.monotonic())."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, state: RetryCallState) -> bool:
        return time.monotonic() + (state.upcoming_sleep or 0.0) >= self.deadline


#: how retries wait (tests replace it to record the waits instead of sleeping)
_sleep: Callable[[float], None] = time.sleep


def _wait(state: RetryCallState) -> float:
    """The server's Retry-After when it sent one, else exponential backoff (1, 2, 4 ... s)."""
    exc = state.outcome.exception() if state.outcome is not None else None
    asked = getattr(exc, "retry_after", None)
    return float(asked) if asked is not None else float(wait_exponential(1, max=30)(state))


def _with_osmnx(call: Callable[[], Any], what: str, log: _PullLog | None = None) -> Any:
    """Run an osmnx download within the --timeout deadline (a total for every request and
    retry: `log.deadline`), retrying transient failures (429/5xx, with the server's
    Retry-After, else backoff; at most MAX_ATTEMPTS tries, and never a wait past the
    deadline) with tenacity; turn its failures into one-line NetworkErrors."""
    insufficient = (InsufficientResponseError, ResponseStatusCodeError)
    deadline = log.deadline if log is not None else time.monotonic() + get_settings().timeout_s
    attempts = 0

    def once() -> Any:
        nonlocal attempts
        attempts += 1
        ox.settings.requests_timeout = max(1, math.ceil(deadline - time.monotonic()))
        with warnings.catch_warnings():
            # osmnx warns that a big polygon becomes several queries: the progress bar says so
            warnings.simplefilter("ignore", UserWarning)
            return call()

    retrying = Retrying(retry=retry_if_exception(_transient), wait=_wait,
                        stop=stop_any(stop_after_attempt(MAX_ATTEMPTS), _StopBefore(deadline)),
                        reraise=True, sleep=lambda seconds: _sleep(seconds))
    try:
        return retrying(once)
    except (_HTTPStatusError, _DeadlineError, requests.exceptions.RequestException) as exc:
        raise _network_error(exc, what, attempts) from None
    except insufficient as exc:
        if "No data elements" in str(exc):
            raise NetworkError(
                f"{what}: Overpass returned no matching OpenStreetMap elements in the "
                f"corridor polygon; check the filter or {_HINT}"
            ) from None
        raise _network_error(exc, what) from None
    finally:
        ox.settings.requests_kwargs = {}  # drop this pull's response hook


def fetch_osm_features(
    polygon: Polygon | MultiPolygon, tags: dict[str, Any], *, progress: Progress | None = None
) -> tuple[Any, dt.date | None]:
    """osmnx `features_from_polygon` (a GeoDataFrame) with this project's settings and errors.

    Returns `(gdf, data_date)`: `gdf` is None when Overpass found no matching element (a valid,
    empty answer); `data_date` is the Overpass `timestamp_osm_base` date (None if none was sent).
    """
    s = get_settings()
    if s.offline:
        raise NetworkError(
            "offline mode: OpenStreetMap stations need a live Overpass query; "
            "use the embedded station snapshot (--source embedded)"
        )
    expected = _expected_requests(polygon)

    def answered(n: int) -> None:
        if progress is not None:
            progress(f"Overpass answer {n} of about {max(n, expected)}",
                     0.8 * min(1.0, n / expected))

    log = _PullLog(answered)
    configure_osmnx(log)
    what = "OpenStreetMap charging-station query failed"

    def call() -> Any:
        try:
            return ox.features_from_polygon(polygon, tags=tags)
        except InsufficientResponseError as exc:
            if "No matching features" in str(exc):
                return None
            raise

    gdf = _with_osmnx(call, what, log)
    return gdf, _osm_date(log.timestamps)


def _osm_date(timestamps: Iterable[str]) -> dt.date | None:
    dates = []
    for t in timestamps:
        with contextlib.suppress(ValueError):
            dates.append(dt.date.fromisoformat(t[:10]))
    return min(dates) if dates else None


# --------------------------------------------------------------------------------------------
# countries


@lru_cache(maxsize=1)
def _boundaries() -> tuple[tuple[str, BaseGeometry], ...]:
    """(ISO alpha-3, polygon) for USA, CAN, MEX.

    The project's boundaries (`evcorridor.network.boundaries.load_boundaries`, from
    `data/boundaries.geojson`); the raw Natural Earth 10m file in the shared data folder when the
    derived file is not there.
    """
    try:
        from evcorridor.network.boundaries import load_boundaries

        loaded = load_boundaries()
        if loaded:
            return tuple(sorted((str(k), v) for k, v in loaded.items()))
    except (ImportError, InputError):
        pass
    path = (
        Path(get_settings().shared_data_dir)
        / "boundaries"
        / "naturalearth-10m-admin0-USA-CAN-MEX.geojson"
    )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read country boundaries: {exc}") from None
    out: dict[str, BaseGeometry] = {}
    for feat in data.get("features", []):
        iso = feat.get("properties", {}).get("ISO_A3")
        if iso in ("USA", "CAN", "MEX"):
            geom = shape(feat["geometry"])
            out[iso] = out[iso].union(geom) if iso in out else geom
    return tuple(sorted(out.items()))


#: within this distance of a crossing, country lookups are shifted by the local offset between the
#: crossing point (the true border) and the Natural Earth border line
BORDER_ANCHOR_RADIUS_M = 10_000.0
MAX_BORDER_SHIFT_M = 3_000.0


def border_shifts(
    crossings: Iterable[tuple[float, float]],
) -> list[tuple[float, float, float, float]]:
    """(lon, lat, dx, dy) per crossing point: the vector from the true border point to the nearest
    point of the Natural Earth border line nearby (about 1 km at Blaine, where the 1:10m line runs
    at 48.9925 N instead of 49.0021 N)."""
    bounds = dict(_boundaries())
    out = []
    for lat, lon in crossings:
        box = shapely.box(lon - 0.2, lat - 0.2, lon + 0.2, lat + 0.2)
        point = shapely.Point(lon, lat)
        best: tuple[float, float] | None = None
        for other in ("CAN", "MEX"):
            if "USA" not in bounds or other not in bounds:
                continue
            usa_edge = bounds["USA"].intersection(box).boundary
            other_local = bounds[other].intersection(box)
            line = usa_edge.intersection(other_local.boundary)
            if line.is_empty or line.length == 0:  # polygons simplified apart: within ~10 m
                line = usa_edge.intersection(other_local.buffer(1e-4))
            if line.is_empty:
                continue
            q = shapely.ops.nearest_points(line, point)[0]
            best = (q.x - lon, q.y - lat)
        if best is None:
            continue
        d = haversine_m(lat, lon, lat + best[1], lon + best[0])
        if d <= MAX_BORDER_SHIFT_M:
            out.append((lon, lat, best[0], best[1]))
    return out


def countries_of(
    lons: np.ndarray,
    lats: np.ndarray,
    shifts: list[tuple[float, float, float, float]] | None = None,
) -> list[str]:
    """Country (USA/CAN/MEX) of each point; points in none (water) take the nearest country.

    With `shifts` (see `border_shifts`), points within `BORDER_ANCHOR_RADIUS_M` of a crossing are
    looked up after moving them by that crossing's offset, so the coarse 1:10m border line does not
    put a US exit 500 m south of the border into Canada.
    """
    bounds = _boundaries()
    lons = np.asarray(lons, dtype=float).copy()
    lats = np.asarray(lats, dtype=float).copy()
    if shifts:
        best = np.full(len(lons), np.inf)
        dx, dy = np.zeros(len(lons)), np.zeros(len(lons))
        for lon0, lat0, sx, sy in shifts:
            dist = haversine_array(lats, lons, lat0, lon0)
            take = (dist < BORDER_ANCHOR_RADIUS_M) & (dist < best)
            best[take], dx[take], dy[take] = dist[take], sx, sy
        lons, lats = lons + dx, lats + dy
    result = np.full(len(lons), "", dtype=object)
    for iso, geom in bounds:
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, lons, lats) & (result == "")
        result[inside] = iso
    missing = np.flatnonzero(result == "")
    if len(missing):
        pts = shapely.points(lons[missing], lats[missing])
        dists = np.array([shapely.distance(geom, pts) for _, geom in bounds])
        result[missing] = [bounds[i][0] for i in np.argmin(dists, axis=0)]
    return [str(c) for c in result]


# --------------------------------------------------------------------------------------------
# tagging


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(sorted({str(v) for v in value}))
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _crossing_points(corridor: CorridorLike) -> dict[str, tuple[float, float]]:
    from evcorridor.crossings import get_crossing

    return {cid: (get_crossing(cid).lat, get_crossing(cid).lon) for cid in corridor.crossings}


#: a crossing point farther than this from every node, but within `BORDER_EDGE_MAX_M` of a road,
#: gets a new node on that road (the edge is split there), so every crossing has a border node
BORDER_NODE_SNAP_M = 100.0
BORDER_EDGE_MAX_M = 1000.0


def _edge_line(G: nx.MultiDiGraph, u: int, v: int, d: dict[str, Any]) -> LineString:
    geom = d.get("geometry")
    if isinstance(geom, LineString):
        return geom
    return LineString([(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])])


def _line_m(line: LineString) -> float:
    xy = np.asarray(line.coords)
    if len(xy) < 2:
        return 0.0
    return float(np.sum(haversine_array(xy[:-1, 1], xy[:-1, 0], xy[1:, 1], xy[1:, 0])))


def _split_edge(G: nx.MultiDiGraph, u: int, v: int, k: int, q: shapely.Point, new: int) -> None:
    """Replace edge (u, v, k) by u→new→v at point q, lengths shared in proportion."""
    d = G.edges[u, v, k]
    line = _edge_line(G, u, v, d)
    at = line.project(q)
    first = shapely.ops.substring(line, 0, at)
    second = shapely.ops.substring(line, at, line.length)
    total = _line_m(line) or 1.0
    length = float(d["length"])
    G.remove_edge(u, v, k)
    for a, b, part in ((u, new, first), (new, v, second)):
        attrs = dict(d)
        attrs["length"] = length * _line_m(part) / total
        if "geometry" in d:
            attrs["geometry"] = part
        G.add_edge(a, b, **attrs)


#: roads within this much of the nearest road to a crossing point are split too (the other
#: carriageway of a dual carriageway, mapped as a separate one-way way)
CARRIAGEWAY_SPREAD_M = 60.0
#: nodes this close to a crossing point are candidates for its border node
CROSSING_CANDIDATE_M = 300.0


def add_border_nodes(G: nx.MultiDiGraph, crossings: Mapping[str, tuple[float, float]]) -> None:
    """Give each crossing point a node: when no node is within `BORDER_NODE_SNAP_M`, split the
    nearest road there (and every other road within `CARRIAGEWAY_SPREAD_M` of it, e.g. the other
    carriageway), at the point of each road nearest the crossing point."""
    for cid, (lat, lon) in sorted(crossings.items()):
        nodes = list(G.nodes)
        if not nodes:
            return
        xs = np.array([float(G.nodes[n]["x"]) for n in nodes])
        ys = np.array([float(G.nodes[n]["y"]) for n in nodes])
        if float(np.min(haversine_array(ys, xs, lat, lon))) <= BORDER_NODE_SNAP_M:
            continue
        q = shapely.Point(lon, lat)
        near: list[tuple[float, int, int, int]] = []
        for u, v, k, d in G.edges(keys=True, data=True):
            line = _edge_line(G, u, v, d)
            p = line.interpolate(line.project(q))
            dist = haversine_m(p.y, p.x, lat, lon)
            if dist <= BORDER_EDGE_MAX_M:
                near.append((dist, u, v, k))
        if not near:
            continue
        near.sort(key=lambda t: (t[0], str(t[1]), str(t[2]), t[3]))
        limit = near[0][0] + CARRIAGEWAY_SPREAD_M
        for dist, u, v, k in near:
            if dist > limit:
                break
            if not G.has_edge(u, v, k):  # already split as the twin of an earlier road
                continue
            line = _edge_line(G, u, v, G.edges[u, v, k])
            p = line.interpolate(line.project(q))
            new = min([0, *(n for n in G.nodes if isinstance(n, int))]) - 1  # negative: not OSM
            G.add_node(new, x=round(p.x, 7), y=round(p.y, 7), street_count=2, border_node_for=cid)
            twin_len = float(G.edges[u, v, k]["length"])
            _split_edge(G, u, v, k, p, new)
            # the other direction of the same road, when it is one two-way OSM way
            for k2, d2 in list(G.get_edge_data(v, u, default={}).items()):
                if abs(float(d2["length"]) - twin_len) < 0.01:
                    _split_edge(G, v, u, k2, p, new)
                    break


def choose_crossing_node(
    G: nx.MultiDiGraph, lat: float, lon: float,
    d_from_start: Mapping[Any, float] | None = None,
    d_to_end: Mapping[Any, float] | None = None,
) -> Any:
    """The border node for a crossing point.

    Among the nodes within `CROSSING_CANDIDATE_M` of the point, the one on the shortest directed
    path from the corridor start to its end (`d_from_start` / `d_to_end`: Dijkstra distances), so
    on a dual carriageway it is the forward (US → foreign) one; else simply the nearest node.
    """
    nodes = list(G.nodes)
    xs = np.array([float(G.nodes[n]["x"]) for n in nodes])
    ys = np.array([float(G.nodes[n]["y"]) for n in nodes])
    dist = haversine_array(ys, xs, lat, lon)
    order = np.argsort(dist, kind="stable")
    nearest = nodes[int(order[0])]
    if d_from_start is None or d_to_end is None:
        return nearest
    best: tuple[float, float] | None = None
    chosen = nearest
    for i in order:
        if dist[i] > CROSSING_CANDIDATE_M:
            break
        n = nodes[int(i)]
        if n in d_from_start and n in d_to_end:
            key = (d_from_start[n] + d_to_end[n], float(dist[i]))
            if best is None or key < best:
                best, chosen = key, n
    return chosen


def _route_distances(
    G: nx.MultiDiGraph, corridor: CorridorLike | None
) -> tuple[Mapping[Any, float] | None, Mapping[Any, float] | None]:
    if corridor is None or not corridor.us_side or not corridor.other_side or len(G) == 0:
        return None, None
    nodes = list(G.nodes)
    xs = np.array([float(G.nodes[n]["x"]) for n in nodes])
    ys = np.array([float(G.nodes[n]["y"]) for n in nodes])
    start, end = corridor.us_side[0], corridor.other_side[-1]
    s = nodes[int(np.argmin(haversine_array(ys, xs, float(start.lat), float(start.lon))))]
    e = nodes[int(np.argmin(haversine_array(ys, xs, float(end.lat), float(end.lon))))]
    d_start = nx.single_source_dijkstra_path_length(G, s, weight="length")
    d_end = nx.single_source_dijkstra_path_length(G.reverse(copy=False), e, weight="length")
    return d_start, d_end


def tag_graph(
    G: nx.MultiDiGraph, crossings: Mapping[str, tuple[float, float]],
    corridor: CorridorLike | None = None,
) -> nx.MultiDiGraph:
    """Add the corridor-graph contract attributes to an osmnx graph (in place; returned).

    With `corridor`, each crossing's border node is the candidate on the forward route (see
    `choose_crossing_node`)."""
    add_border_nodes(G, crossings)
    nodes = list(G.nodes)
    xs = np.array([float(G.nodes[n]["x"]) for n in nodes])
    ys = np.array([float(G.nodes[n]["y"]) for n in nodes])
    shifts = border_shifts(crossings.values())
    for n, country in zip(nodes, countries_of(xs, ys, shifts), strict=True):
        d = G.nodes[n]
        is_exit = _flat(d.get("highway")) == "motorway_junction" and bool(_flat(d.get("ref")))
        d["country"] = country
        d["label"] = _flat(d.get("ref")) if is_exit else ""
        d["interchange"] = is_exit
        d["crossing"] = ""
    if nodes and crossings:
        d_start, d_end = _route_distances(G, corridor)
        for cid, (lat, lon) in sorted(crossings.items()):
            G.nodes[choose_crossing_node(G, lat, lon, d_start, d_end)]["crossing"] = cid
    edges = list(G.edges(keys=True, data=True))
    mx, my = np.empty(len(edges)), np.empty(len(edges))
    for i, (u, v, _k, d) in enumerate(edges):
        geom = d.get("geometry")
        if geom is not None:
            mid = geom.interpolate(0.5, normalized=True)
            mx[i], my[i] = mid.x, mid.y
        else:
            mx[i] = (G.nodes[u]["x"] + G.nodes[v]["x"]) / 2
            my[i] = (G.nodes[u]["y"] + G.nodes[v]["y"]) / 2
    for (_u, _v, _k, d), country in zip(edges, countries_of(mx, my, shifts), strict=True):
        d["country"] = country
        d["highway"] = _flat(d.get("highway"))
        d["ref"] = _flat(d.get("ref"))
        if "name" in d:
            d["name"] = _flat(d["name"])
        d["length"] = float(d["length"])
        d["synthetic"] = False
    return G


# --------------------------------------------------------------------------------------------
# cache


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("True", "true", "1"):
        return True
    if value in ("False", "false", "0"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_cache(path: Path) -> nx.MultiDiGraph | None:
    """The cached graph, or None when absent, truncated, corrupt or of another format."""
    sidecar = path.with_name(path.name + ".sha256")
    try:
        data = path.read_bytes()
        expected = sidecar.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return None
    if _sha256(data) != expected:
        return None
    try:
        G = ox.load_graphml(
            graphml_str=data.decode("utf-8"),
            node_dtypes={"interchange": _bool},
            edge_dtypes={"synthetic": _bool},
        )
    except Exception:  # any parse failure means: rebuild, never load
        return None
    if G.graph.get("source") != "osm" or str(G.graph.get("cache_format")) != str(CACHE_FORMAT):
        return None
    return G


def write_cache(G: nx.MultiDiGraph, path: Path) -> None:
    """GraphML + `.sha256` sidecar, each written atomically."""
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp_path = Path(tmp)
    try:
        os.close(fd)
        ox.save_graphml(G, tmp_path)
        data = tmp_path.read_bytes()
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
    write_bytes(path, data)
    write_text(path.with_name(path.name + ".sha256"), f"{_sha256(data)}  {path.name}\n")


# --------------------------------------------------------------------------------------------
# the pull


def pull_osm_network(
    corridor: CorridorLike,
    *,
    highway_filter: str | None = None,
    progress: Progress | None = None,
    crossing_points: Mapping[str, tuple[float, float]] | None = None,
    refresh: bool = False,
) -> nx.MultiDiGraph:
    """The corridor graph from OpenStreetMap (cached; see the module docstring).

    `crossing_points` ({crossing id: (lat, lon)}) defaults to the crossing registry. `refresh`
    ignores a valid cache file and pulls again. Raises `NetworkError` (one line) when Overpass is
    unreachable or answers with an error, or in offline mode without a cache.
    """

    def step(message: str, fraction: float) -> None:
        if progress is not None:
            progress(message, fraction)

    s = get_settings()
    way_filter = highway_way_filter(highway_filter)
    points = dict(crossing_points) if crossing_points is not None else _crossing_points(corridor)
    path = cache_path(corridor, highway_filter=highway_filter, crossing_points=points)
    step("checking the cache", 0.0)
    if not refresh:
        cached = read_cache(path)
        if cached is not None:
            step("loaded from cache", 1.0)
            return cached
    if s.offline:
        state = "is corrupt" if path.exists() else "does not exist"
        raise NetworkError(
            f"offline mode: no usable cached OpenStreetMap pull for corridor {corridor.id} "
            f"({path} {state}); use --source embedded, or pull once online to fill the cache"
        )
    polygon = corridor_polygon(corridor)
    # osmnx splits the polygon into pieces of at most `max_query_area_size` m², one query each
    expected = _expected_requests(polygon)

    def answered(n: int) -> None:
        # say what comes next: the next answer, or osmnx building the graph from the answers
        after = (f"waiting for answer {n + 1}" if n < expected
                 else "osmnx is building the graph")
        step(f"Overpass answer {n} of about {max(n, expected)}; {after}",
             0.1 + 0.5 * min(1.0, n / expected))

    def slot() -> None:
        step(f"waiting for a free query slot at {s.overpass_url} (public Overpass servers "
             "ration queries per client)", 0.1)

    log = _PullLog(answered, on_status=slot)
    configure_osmnx(log)
    step(f"waiting for Overpass at {s.overpass_url}: answer 1 of about {expected} (deadline "
         f"{s.timeout_s:g} s in all)", 0.1)
    what = f"OpenStreetMap pull for corridor {corridor.id} failed"

    def download() -> nx.MultiDiGraph:
        return ox.graph_from_polygon(
            polygon, network_type="all", custom_filter=way_filter, simplify=False,
            retain_all=False, truncate_by_edge=False,
        )

    try:
        G = _with_osmnx(download, what, log)
    except ValueError as exc:  # osmnx: nothing inside the polygon after truncation
        raise NetworkError(f"{what}: {str(exc).splitlines()[0]}; {_HINT}") from None
    step("simplifying the graph", 0.6)
    # keep exit nodes (they carry `ref`) and the nodes where a road's ref changes
    G = ox.simplify_graph(G, node_attrs_include=["ref"], edge_attrs_differ=["ref"])
    step("tagging countries, exits and crossings", 0.8)
    tag_graph(G, points, corridor)
    osm_date = _osm_date(log.timestamps)
    G.graph.pop("created_date", None)
    G.graph.update({
        "crs": "EPSG:4326",
        "corridor": corridor.id,
        "source": "osm",
        "data_date": (osm_date or dt.datetime.now(dt.UTC).date()).isoformat(),
        "data_date_kind": "osm_base" if osm_date else "pull_date",
        "highway_filter": way_filter,
        "cache_format": CACHE_FORMAT,
        "provenance": (
            f"OpenStreetMap via Overpass {s.overpass_url.rstrip('/')} (osmnx "
            f"{ox.__version__}); filter {way_filter}; buffer {corridor.buffer_km:g} km around "
            f"the corridor places; © OpenStreetMap contributors, ODbL 1.0"
        ),
    })
    step("writing the cache", 0.95)
    write_cache(G, path)
    step("done", 1.0)
    return G
