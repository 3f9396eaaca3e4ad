"""The checker's own arithmetic: distances, cumulative route lengths, the gap convention,
and the exact drives used by the resilience and coverage rules. Shares no code with
`evcorridor.siting` on purpose (the straight-line distance here is a deliberate second copy of
the project's distance helper, so that a bug there cannot hide itself in the check)."""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

#: how far a recomputed distance may differ from the plan's figure (plans round to 0.1 m)
TOL_M = 0.5
#: mean Earth radius used for straight-line distances (same value as osmnx's great_circle).
#: On purpose not evcorridor.geodesy's 6 371 008.8 m and not its code: the checker recomputes
#: with its own arithmetic (the difference, 2e-8 relative, is far inside TOL_M).
EARTH_RADIUS_M = 6_371_009.0


# --------------------------------------------------------------------------- arithmetic helpers


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def straight_line_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres: the checker's own copy, kept independent of
    evcorridor.geodesy (the project's one distance helper) on purpose."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def edge_length_m(G: nx.MultiDiGraph, u: int, v: int) -> float | None:
    """Shortest `length` among the parallel edges u -> v; None when there is no such edge."""
    if not G.has_edge(u, v):
        return None
    return min(float(d.get("length", math.inf)) for d in G[u][v].values())


def cumulative_m(G: nx.MultiDiGraph, nodes: Sequence[int]) -> tuple[list[float], list[str]]:
    """Cumulative distance at each node of a path, and the problems found walking it."""
    problems: list[str] = []
    missing = [n for n in nodes if n not in G]
    if missing:
        shown = ", ".join(str(n) for n in missing[:5]) + (" ..." if len(missing) > 5 else "")
        problems.append(f"{len(missing)} route node(s) not in the graph: {shown}")
        return [], problems
    cum = [0.0]
    for u, v in itertools.pairwise(nodes):
        length = edge_length_m(G, u, v)
        if length is None or not math.isfinite(length):
            problems.append(f"no road edge from node {u} to node {v} "
                            f"(step {len(cum)} of the route)")
            return [], problems
        cum.append(cum[-1] + length)
    return cum, problems


def sha256_files(paths: Sequence[Path]) -> str:
    """sha256 of the files' bytes, one after the other (a nodes/edges CSV pair is one input)."""
    h = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def differ(plan_value: float, recomputed: float) -> bool:
    """True when a plan figure is not within TOL_M of the recomputed one (NaN never is)."""
    return not abs(plan_value - recomputed) <= TOL_M


def _m(x: float) -> str:
    return f"{x:.1f} m"


@dataclass(frozen=True)
class Leg:
    """A recomputed gap."""

    from_id: str
    to_id: str
    from_pos_m: float
    to_pos_m: float
    length_m: float
    border_wait_m: float
    crosses_border: bool
    limit_m: float


def spans_border(from_pos: float, to_pos: float, border_pos: float) -> bool:
    """A leg spans the crossing when the border lies strictly after its start and at or before
    its end (a stop exactly at the border node waits at the border after charging)."""
    return from_pos < border_pos <= to_pos


def leg_length(from_pos: float, from_off: float, to_pos: float, to_off: float,
               border_pos: float, wait_m: float) -> tuple[float, bool]:
    """Gap convention (CONTRACTS.md): (pos_k - pos_i) + off_i + off_k (+ wait when it spans)."""
    crosses = spans_border(from_pos, to_pos, border_pos)
    return (to_pos - from_pos) + from_off + to_off + (wait_m if crosses else 0.0), crosses



Point = tuple[str, float, float]  # (site id / "start" / "end" / "border", position, offset)


@dataclass
class _Geo:
    """What the checker recomputed for one route."""

    cum: list[float]
    border_pos: float
    start_country: str
    end_country: str
    wait_min: float = 0.0  # the scenario's border wait for this crossing and direction

    @property
    def length(self) -> float:
        return self.cum[-1]



def drive(nodes: Sequence[int], cum: Sequence[float], stations: set[int], start: float,
          rng: float, stops: Collection[int] | None = None) -> str | None:
    """Drive a trip node by node, charging to the full range at every station (at the road,
    no detour on a user's network), or only at the points `stops` (indices into `nodes`):
    None when it completes, else where the charge runs out."""
    charge = start
    for i, n in enumerate(nodes):
        if (i in stops) if stops is not None else (n in stations):
            charge = max(charge, rng)
        if i + 1 < len(nodes):
            charge -= cum[i + 1] - cum[i]
            if charge < 0:
                return f"between node {n} and node {nodes[i + 1]} (km {cum[i] / 1000:.1f})"
    return None


def drive_route(geo: _Geo, stops: list[Point], wait: float, charge: float,
                rng: float) -> tuple[float, str | None]:
    """Drive one route arriving with `charge`, charging where it helps: a stop `off` metres off
    the road is reachable with at least `off` left and sends the vehicle back to the road with
    `rng - off`. Returns (charge at the end, None) or (.., where it ran out)."""
    b = geo.border_pos

    def at(p: float) -> float:  # position with the border wait added past the crossing
        return p + wait if spans_border(0.0, p, b) else p

    here = 0.0
    for sid, p, off in sorted(stops, key=lambda t: (t[1], t[0])):
        charge -= at(p) - here
        here = at(p)
        if charge < 0:
            return charge, f"before {sid} at {_m(p)}"
        if charge >= off:
            charge = max(charge, rng - off)
    charge -= at(geo.length) - here
    if charge < 0:
        return charge, f"before the end at {_m(geo.length)}"
    return charge, None




def reach(geo: _Geo, stops: list[Point], wait: float, start_range: float,
          rng: float) -> str | None:
    """Exact reachability along a route charging fully at each stop: None when the end can be
    reached, else where the vehicle is stranded.

    A stop is reachable from the start or from a reachable earlier stop. Leaving stop i costs
    its detour back to the highway, so the best stop to come from is the reached one with the
    largest `pos - offset` (kept separately before and after the border, since only legs that
    span the border pay the wait). This is exact where "drive to the farthest stop" is not
    (a far stop with a long detour can be worse than a nearer one at the exit)."""
    b, L = geo.border_pos, geo.length
    if leg_length(0.0, 0.0, L, 0.0, b, wait)[0] <= start_range:
        return None
    best: dict[bool, Point | None] = {True: None, False: None}  # after border? -> best launch
    last: Point | None = None

    def fits(frm: Point | None, p: float, off: float) -> bool:
        return frm is not None and leg_length(frm[1], frm[2], p, off, b, wait)[0] <= rng

    for pt in sorted(stops, key=lambda t: (t[1], t[0])):
        _, p, off = pt
        if (leg_length(0.0, 0.0, p, off, b, wait)[0] <= start_range
                or fits(best[False], p, off) or fits(best[True], p, off)):
            side = p >= b
            cur = best[side]
            if cur is None or p - off > cur[1] - cur[2]:
                best[side] = pt
            last = pt
    if fits(best[False], L, 0.0) or fits(best[True], L, 0.0):
        return None
    if last is None:
        return "no usable stop is within the start range"
    return f"stranded after {last[0]} at {_m(last[1])} of {_m(L)}"


