"""Exact least-cost stops for ONE route and ONE vehicle (no standard rule): a shortest path.

Stops are ordered by position; f(i) = cost of the cheapest feasible stop sequence ending at stop
i = c_i + min(0 if the start reaches i, min f(j) over earlier j with gap(j, i) <= range). The
answer is min f(i) over the stops that reach the end (0 if the start reaches the end).

Complexity (stated honestly):
- offsets all zero and no border wait: gap(j, i) = p_i - p_j, so the feasible predecessors of i
  form a sliding window whose left edge only moves right; a monotone deque gives the window
  minimum in amortised O(1): O(n) for positions already sorted (O(n log n) with the sort).
- with offsets or a border wait: gap(j, i) <= R  <=>  p_j - off_j >= p_i + off_i - R (+ wait
  when j is before the border and i after it); the thresholds are no longer monotone, so the
  minimum over keys >= threshold comes from a prefix-minimum Fenwick tree over the keys (one for
  stops before the border, one after): O(n log n).

Used by the tests to cross-check the CP-SAT model (and brute force); the gap convention is the
plan's (see `evcorridor.siting.problem`).
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass

from evcorridor.siting.problem import EPS_M

INF = math.inf


@dataclass(frozen=True)
class Stop:
    pos_m: float
    offset_m: float = 0.0
    cost: float = 0.0


@dataclass(frozen=True)
class PathResult:
    cost: float
    stops: tuple[int, ...]  # indices into the input list, in driving order


class _MinFenwick:
    """Prefix minimum of (value, index) over positions 1..n; values only ever decrease."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.tree: list[tuple[float, int]] = [(INF, -1)] * (n + 1)

    def update(self, pos: int, item: tuple[float, int]) -> None:
        i = pos + 1
        while i <= self.n:
            if item < self.tree[i]:
                self.tree[i] = item
            i += i & -i

    def query(self, count: int) -> tuple[float, int]:
        """Minimum over the first `count` positions."""
        best: tuple[float, int] = (INF, -1)
        i = count
        while i > 0:
            if self.tree[i] < best:
                best = self.tree[i]
            i -= i & -i
        return best


def min_cost_stops(length_m: float, range_m: float, stops: list[Stop], *,
                   start_range_m: float | None = None, border_pos_m: float = INF,
                   wait_m: float = 0.0) -> PathResult | None:
    """The cheapest stop sequence covering the route, or None when none exists."""
    s0 = range_m if start_range_m is None else start_range_m
    order = sorted(range(len(stops)), key=lambda i: (stops[i].pos_m, i))
    pos = [stops[i].pos_m for i in order]
    off = [stops[i].offset_m for i in order]
    cost = [stops[i].cost for i in order]
    n = len(order)
    b = border_pos_m

    def spans(a: float, c: float) -> bool:
        return a < b <= c

    def w(a: float, c: float) -> float:
        return wait_m if wait_m and spans(a, c) else 0.0

    f = [INF] * n
    pred = [-2] * n  # -1 = from the start
    simple = all(o == 0.0 for o in off) and (wait_m == 0.0 or not (0 < b <= length_m))
    if simple:
        window: deque[int] = deque()
        nxt = 0  # next stop to enter the window
        for i in range(n):
            while nxt < i:
                while window and f[window[-1]] > f[nxt]:
                    window.pop()
                if f[nxt] < INF:
                    window.append(nxt)
                nxt += 1
            while window and pos[window[0]] < pos[i] - range_m - EPS_M:
                window.popleft()
            if pos[i] <= s0 + EPS_M:
                f[i], pred[i] = cost[i], -1
            elif window:
                f[i], pred[i] = cost[i] + f[window[0]], window[0]
    else:
        keys = [pos[j] - off[j] for j in range(n)]
        desc = sorted(set(keys), reverse=True)
        neg = [-k for k in desc]  # ascending, for bisect
        rank = {k: r for r, k in enumerate(desc)}
        before, after = _MinFenwick(len(desc)), _MinFenwick(len(desc))

        def count_ge(t: float) -> int:
            return bisect.bisect_right(neg, -(t - EPS_M))

        for i in range(n):
            t = pos[i] + off[i] - range_m
            best: tuple[float, int] = (INF, -1)
            if pos[i] >= b:
                best = min(best, after.query(count_ge(t)))
                best = min(best, before.query(count_ge(t + wait_m)))
            else:
                best = min(best, before.query(count_ge(t)))
            if pos[i] + off[i] + w(0.0, pos[i]) <= s0 + EPS_M:
                f[i], pred[i] = cost[i], -1
            elif best[0] < INF:
                f[i], pred[i] = cost[i] + best[0], best[1]
            if f[i] < INF:
                tree = after if pos[i] >= b else before
                tree.update(rank[keys[i]], (f[i], i))
    best_end: tuple[float, int] = (INF, -2)
    if length_m + w(0.0, length_m) <= s0 + EPS_M:
        best_end = (0.0, -1)
    for i in range(n):
        if f[i] < INF and (length_m - pos[i]) + off[i] + w(pos[i], length_m) <= range_m + EPS_M:
            best_end = min(best_end, (f[i], i))
    if best_end[0] == INF:
        return None
    seq: list[int] = []
    i = best_end[1]
    while i >= 0:
        seq.append(order[i])
        i = pred[i]
    return PathResult(best_end[0], tuple(reversed(seq)))
