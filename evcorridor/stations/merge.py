"""De-duplicate stations across sources.

Two records describe the same site when
1. they carry the same id (e.g. `afdc:83023` in both the CHAdeMO and the CCS map of Canada, or an
   AFDC row and the AFDC-derived GeoJSON), or
2. they come from different id namespaces (afdc / tesla / ocm / osm ...), lie within
   `distance_m` (default 150 m) of each other, and their names or operators are compatible:
   the same operator/network (case- and punctuation-insensitive; "Tesla" matches a
   supercharge.info site), or, when an operator is unknown, names sharing at least half of the
   shorter name's words (two words, or all of a one-word name).
Records of the same namespace with different ids are never merged: the source itself says they
are different stations (e.g. two networks in one car park).

A merged station keeps, field by field, the value of its freshest record (newest `data_date` /
`last_confirmed`) that knows the field, and lists every source id in `source_ids`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from evcorridor.geodesy import EARTH_RADIUS_M, haversine_m
from evcorridor.stations.model import ConnectorInfo, Station

DEFAULT_DISTANCE_M = 150.0
_STOP = {"the", "of", "and", "at", "ev", "station", "charging", "charger", "chargers",
         "dc", "fast", "level", "inc", "ltd", "llc", "-", "&"}


@dataclass
class MergeReport:
    """What merging did: groups of ids merged into one station (and why)."""

    merged: list[tuple[str, list[str], str]] = field(default_factory=list)  # (kept id, ids, why)
    input_count: int = 0
    output_count: int = 0


def _namespace(sid: str) -> str:
    return sid.split(":", 1)[0]


def _norm_operator(op: str | None) -> str | None:
    if not op:
        return None
    key = re.sub(r"[^a-z0-9]", "", op.lower())
    for suffix in ("network", "networks"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
    if key in ("", "nonnetworked", "unknown", "none"):
        return None
    if key.startswith("tesla"):
        return "tesla"
    return key


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _STOP and len(w) > 1}


def compatible(a: Station, b: Station) -> str | None:
    """Why `a` and `b` can be the same site (operator or name), or None."""
    oa, ob = _norm_operator(a.operator), _norm_operator(b.operator)
    if oa and ob:
        return f"same operator {a.operator}" if oa == ob else None
    wa, wb = _words(a.name), _words(b.name)
    if wa and wb:
        shared = len(wa & wb)
        # at least half of the shorter name, and either two shared words or the whole shorter
        # name (one shared place name, e.g. "Salem", is not enough)
        if shared / min(len(wa), len(wb)) >= 0.5 and (shared >= 2 or shared == min(len(wa),
                                                                                 len(wb))):
            return f"similar names {a.name!r} / {b.name!r}"
    tesla = [s for s in (a, b) if _norm_operator(s.operator) == "tesla"]
    other = b if tesla and tesla[0] is a else a
    if tesla and ("tesla" in other.name.lower() or "supercharger" in other.name.lower()):
        return "Tesla site named as such"
    return None


def _fresh_key(s: Station) -> tuple[int, str]:
    f = s.freshness
    return (-(f.toordinal() if f else 0), s.id)


def combine(group: Sequence[Station]) -> Station:
    """One station from records of the same site: freshest known value per field."""
    members = sorted(group, key=_fresh_key)
    if len(members) == 1:
        return members[0]
    best = members[0]

    def first(attr: str) -> object:
        for m in members:
            v = getattr(m, attr)
            if v is not None:
                return v
        return None

    # connectors: the types listed by the freshest records that list any (records of the same
    # freshness are unioned: per-connector GeoJSON maps each list one type); counts and kW filled
    # in from older records when the fresher ones do not know them.
    with_conn = [m for m in members if m.connectors]
    types: list[str] = []
    if with_conn:
        top = with_conn[0].freshness
        for m in with_conn:
            if m.freshness == top:
                types.extend(c.type for c in m.connectors if c.type not in types)
    conns: list[ConnectorInfo] = []
    for t in types:
        count = next((c.count for m in members for c in m.connectors
                      if c.type == t and c.count is not None), None)
        kw = next((c.max_kw for m in members for c in m.connectors
                   if c.type == t and c.max_kw is not None), None)
        conns.append(ConnectorInfo(type=t, count=count, max_kw=kw))
    ids = sorted({i for m in members for i in (m.source_ids or [m.id])})
    # truck access: the freshest record that knows it, with its basis
    truck = next((m for m in members if m.truck_access is not None), None)
    # direction of service: the one heading the records say (the freshest record's basis);
    # records saying different headings: both ways, the conflict kept as the basis
    said = [m for m in members if m.serves is not None]
    ways = {m.serves for m in said}
    if len(ways) == 1:
        serves, serves_basis = said[0].serves, said[0].serves_basis
    elif said:
        serves, serves_basis = None, "conflicting: " + "; ".join(f"{m.id} {m.serves_basis}"
                                                                  for m in said)
    else:
        serves, serves_basis = None, next((m.serves_basis for m in members if m.serves_basis), "")
    return best.model_copy(update={
        "serves": serves, "serves_basis": serves_basis,
        "truck_access": truck.truck_access if truck else None,
        "truck_access_basis": truck.truck_access_basis if truck else "",
        "source_ids": ids,
        "state": first("state"), "operator": first("operator"),
        "connectors": conns, "dc_fast_ports": first("dc_fast_ports"),
        "open_date": min((m.open_date for m in members if m.open_date), default=None),
        "last_confirmed": first("last_confirmed"), "data_date": first("data_date"),
        # the freshest record's file first (it supplied most fields), then the others
        "source_file": " ".join(dict.fromkeys(
            f for m in members if m.source_file for f in m.source_file.split())) or None,
    })


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def near_pairs(lats: Sequence[float], lons: Sequence[float], reach_m: float
               ) -> list[tuple[int, int, float]]:
    """Every pair of points (i < j, in index order) at most `reach_m` apart (great circle), with
    the distance. A shapely STRtree finds the candidates in a lat/lon box around each point (wide
    enough at its latitude); the haversine decides. Longitudes are not wrapped: pairs across the
    antimeridian (no North American station) are not looked for."""
    import numpy as np
    from shapely import STRtree, box, points

    if not len(lats):
        return []
    lat, lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    dlat = reach_m / (EARTH_RADIUS_M * math.pi / 180.0) * 1.001  # metres along a meridian
    # a degree of longitude is shortest on the box's poleward edge
    poleward = np.minimum(np.abs(lat) + dlat, 89.9)
    dlon = dlat / np.maximum(np.cos(np.radians(poleward)), 1e-3)
    tree = STRtree(points(lon, lat))
    left, right = tree.query(box(lon - dlon, lat - dlat, lon + dlon, lat + dlat))
    found = sorted((int(i), int(j)) for i, j in zip(left, right, strict=True) if i < j)
    out: list[tuple[int, int, float]] = []
    for i, j in found:
        d = haversine_m(lat[i], lon[i], lat[j], lon[j])
        if d <= reach_m:
            out.append((i, j, d))
    return out


def dedupe(stations: Sequence[Station], *, distance_m: float = DEFAULT_DISTANCE_M,
           same_operator_distance_m: float | None = None,
           ) -> tuple[list[Station], MergeReport]:
    """Merge duplicate records; returns stations sorted by id and what was merged.

    `same_operator_distance_m` (default: `distance_m`) widens the distance for records whose
    operators are known and equal (sources place one big site, e.g. a Supercharger in a mall car
    park, up to a couple of hundred metres apart).
    """
    reach = max(distance_m, same_operator_distance_m or 0.0)
    report = MergeReport(input_count=len(stations))
    # 1. identical ids
    by_id: dict[str, list[Station]] = {}
    for s in stations:
        by_id.setdefault(s.id, []).append(s)
    step1: list[Station] = []
    for sid in sorted(by_id):
        grp = by_id[sid]
        if len(grp) > 1:
            report.merged.append((sid, [sid] * len(grp), "same id"))
        step1.append(combine(grp))
    # 2. nearby records from different namespaces with compatible names/operators
    n = len(step1)
    uf = _UnionFind(n)
    why: dict[tuple[int, int], str] = {}
    pairs: list[tuple[float, int, int, str]] = []
    for i, j, d in near_pairs([s.lat for s in step1], [s.lon for s in step1], reach):
        s, t = step1[i], step1[j]
        if {_namespace(x) for x in s.source_ids or [s.id]} & {
                _namespace(x) for x in t.source_ids or [t.id]}:
            continue
        if d > distance_m and not (
                _norm_operator(s.operator)
                and _norm_operator(s.operator) == _norm_operator(t.operator)):
            continue
        reason = compatible(s, t)
        if reason:
            pairs.append((d, i, j, reason))
    # closest pairs first; a cluster never holds two ids of one namespace (no chaining of two
    # AFDC stations through a Tesla site between them)
    spaces = [{_namespace(x) for x in s.source_ids or [s.id]} for s in step1]
    for _d, i, j, reason in sorted(pairs):
        a, b = uf.find(i), uf.find(j)
        if a == b or spaces[a] & spaces[b]:
            continue
        uf.union(a, b)
        spaces[min(a, b)] = spaces[a] | spaces[b]
        why[(i, j)] = reason
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    out: list[Station] = []
    for root in sorted(groups):
        members = groups[root]
        merged = combine([step1[k] for k in members])
        if len(members) > 1:
            reasons = sorted({r for (a, b), r in why.items() if a in members and b in members})
            report.merged.append((merged.id, sorted(step1[k].id for k in members),
                                  "; ".join(reasons)))
        out.append(merged)
    out.sort(key=lambda s: s.id)
    report.output_count = len(out)
    return out, report
