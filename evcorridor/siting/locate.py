"""Where a site is, in words a planner can find: exit, nearest place, directions served, and a
readable id for new sites.

All of it comes from data: the Travel Mapping waypoint labels and route refs of the corridor graph
(node `route_labels` "root=label;...", edge `ref` and `region`) and the named places of the
corridor definition (configs/corridors). Nothing is invented: a node without a highway label has no
exit (None), a corridor without places gives no place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from evcorridor.geodesy import haversine_m
from evcorridor.headings import Heading
from evcorridor.plan_model import SiteDirection, SiteExit

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_REF = re.compile(r"^([a-z]+)0*(\d+)([a-z]*)$")


def slug(text: str) -> str:
    """Lower-case letters and digits joined by single dashes."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")


def _ref_key(text: str) -> tuple[str, int, str] | None:
    """("i", 35, "") for "I-35" and for the TM route root "tx.i035"; None if not of that form."""
    m = _REF.match(re.sub(r"[^a-z0-9]", "", text.rsplit(".", 1)[-1].lower()))
    return (m.group(1), int(m.group(2)), m.group(3)) if m else None


def _edge(G: nx.MultiDiGraph, u: int, v: int) -> Mapping[str, Any] | None:
    data = G.get_edge_data(u, v) or G.get_edge_data(v, u)
    if not data:
        return None
    return data[min(data)]


def _route_edges(G: nx.MultiDiGraph, seq: Sequence[int], node: int) -> list[Mapping[str, Any]]:
    """The edges of route `seq` into and out of `node` (none when the node is not on it)."""
    try:
        i = list(seq).index(node)
    except ValueError:
        return []
    out = []
    for a, b in ((i - 1, i), (i, i + 1)):
        if a >= 0 and b < len(seq):
            e = _edge(G, seq[a], seq[b])
            if e is not None:
                out.append(e)
    return out


def highway_exit(G: nx.MultiDiGraph, node: int,
                 routes: Iterable[Sequence[int]]) -> tuple[SiteExit | None, str]:
    """The exit of `node` on the corridor highway that the first route through it drives, and
    that highway's region ("TX", "MEX-TAM"; "" unknown). The label is the node's Travel Mapping
    waypoint label on that highway's route (else the node's own label)."""
    d = G.nodes[node]
    edges: list[Mapping[str, Any]] = []
    for seq in routes:
        edges = _route_edges(G, seq, node)
        if edges:
            break
    if not edges:
        edges = [e for _, _, e in G.out_edges(node, data=True)]
    sets = [[r for r in str(e.get("ref") or "").split(";") if r and not r.startswith("link:")]
            for e in edges]
    sets = [x for x in sets if x]
    if not sets:
        return None, ""
    # the highway the route stays on through the node first (concurrent refs are "A;B")
    refs = [r for r in sets[0] if all(r in x for x in sets)] + sets[0]
    region = str(next((e.get("region") for e in edges if e.get("region")), "") or "")
    labels = {}
    for part in str(d.get("route_labels") or "").split(";"):
        root, _, label = part.partition("=")
        if label:
            labels[root] = label
    for ref in dict.fromkeys(refs):
        want = _ref_key(ref)
        if want is None:
            continue
        exact = [lab for root, lab in labels.items() if _ref_key(root) == want]
        loose = [lab for root, lab in labels.items()
                 if (k := _ref_key(root)) is not None and k[:2] == want[:2]]
        if exact or loose:
            return SiteExit(highway=ref, label=(exact or loose)[0]), region
    if len(labels) <= 1 and d.get("label"):
        return SiteExit(highway=refs[0], label=str(d["label"])), region
    return None, region


def new_site_id(exit_: SiteExit | None, region: str, node: int) -> str:
    """`new-i35-tx-exit-4a`, `new-mex85-tam-at-mex2`; `new-node-<node>` without an exit."""
    if exit_ is None:
        return f"new-node-{node}"
    ref = re.sub(r"(?<=[a-z])-(?=\d)", "", slug(exit_.highway))
    where = slug(region.split("-")[-1]) if region else ""
    kind = "exit" if exit_.label[:1].isdigit() else "at"
    return "-".join(p for p in ("new", ref, where, kind, slug(exit_.label)) if p)


def unique_ids(wanted: Mapping[int, str]) -> dict[int, str]:
    """Node -> id with repeats told apart by `-2`, `-3`... in node order (deterministic)."""
    seen: dict[str, int] = {}
    out = {}
    for node in sorted(wanted):
        base = wanted[node]
        seen[base] = seen.get(base, 0) + 1
        out[node] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return out


def nearest_place(places: Iterable[Any], lat: float, lon: float) -> tuple[str | None, float | None]:
    """The nearest of the corridor's named places (`.name`, `.lat`, `.lon`) and its distance (m)."""
    best: tuple[float, str] | None = None
    for p in places:
        d = haversine_m(lat, lon, p.lat, p.lon)
        if best is None or d < best[0]:
            best = (d, p.name)
    if best is None:
        return None, None
    return best[1], round(best[0], -2)


def _heading(dlat: float, dlon: float, mid_lat: float) -> Heading:
    x = dlon * math.cos(math.radians(mid_lat))
    if abs(dlat) >= abs(x):
        return "northbound" if dlat >= 0 else "southbound"
    return "eastbound" if x >= 0 else "westbound"


def direction_at(G: nx.MultiDiGraph, route_id: str, seq: Sequence[int], node: int,
                 toward: str, span: int = 3) -> SiteDirection | None:
    """How route `seq` runs at `node`: the compass heading from a few nodes before to a few after
    (None when the node is not on the route)."""
    try:
        i = list(seq).index(node)
    except ValueError:
        return None
    a, b = G.nodes[seq[max(0, i - span)]], G.nodes[seq[min(len(seq) - 1, i + span)]]
    dlat, dlon = float(b["y"]) - float(a["y"]), float(b["x"]) - float(a["x"])
    if dlat == 0 and dlon == 0:
        return None
    heading = _heading(dlat, dlon, (float(a["y"]) + float(b["y"])) / 2)
    return SiteDirection(route=route_id, heading=heading, toward=toward)
