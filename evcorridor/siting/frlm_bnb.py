"""Exact branch and bound for the arc-cover flow refuelling location model (issue 12).

The problem as `frlm._solve` hands it over: candidates 0..n-1 in tie-break order (rank =
index + 1); families (flows with the same cover sets, merged) with an integer weight and their
cover sets as bitmasks over the candidates. A set X of candidates covers a family when it meets
every one of the family's cover sets (Capar et al. 2013 arc cover). Wanted: |X| <= budget with
the most covered weight, then the fewest candidates, then the least rank sum -- the same
lexicographic optimum as the CP-SAT model of frlm.py, found exactly (every comparison on
integers).

How:
- Bit-sliced evaluation. The cover sets of all families are laid out side by side in one
  integer, each family's block followed by a spare "gap" bit; D[k] has the bits of the cover sets
  that contain candidate k. With hit = OR of D[k] over X, adding the lowest bit of every block
  to (hit & blocks) carries into a family's gap bit exactly when all its cover sets are hit: the
  covered families of X in a few big-integer operations, whatever the number of flows. Weighted
  sums are popcounts per weight class (or per bit of the weights).
- Incumbent: greedy (most covered weight, then the most potential) and a swap local search.
- Depth-first branch and bound, branching on the candidate of most potential (built first, then
  left out). Bounds at a node, for every number m of further sites: (a) the covered weight plus
  the m largest credits p_k, where a family that k alone completes credits k its whole weight
  and every other site on its trips half of it (a family completed by one site has it among
  its single completers; otherwise two or more of its sites are built); (b) the alive weight (not
  covered, not dead: a cover set with no candidate left); (c) with the LP duals mu >= 0 of the
  cover rows: sum_q max(0, w_q - sum mu) + sum over built and the m best remaining sites of
  pi_k = sum of mu over k's cover rows -- weak duality, valid for any mu >= 0, so the LP's
  precision never makes the bound wrong (float tolerance 1e-9 of the total weight). The LP
  (GLOP) is only solved when the search without it needs more than a few hundred nodes.
  A node is dropped when no m can beat the incumbent in (weight, then fewer sites, then least
  rank sum); with one site left the best completion is computed exactly.
- Deterministic: no time limit inside, a node limit instead; `proven` False when it is reached
  (the caller then falls back to CP-SAT with the incumbent as a hint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: nodes of the search without the LP bound before the LP is solved
NODES_BEFORE_LP = 300
#: nodes of the whole search before giving up (the caller falls back to CP-SAT)
NODE_LIMIT = 200_000


@dataclass(frozen=True)
class BnbResult:
    chosen: int  # bitmask over the candidates
    flow: int  # covered weight
    proven: bool  # the lexicographic optimum (False: node limit reached, `chosen` the best found)
    nodes: int
    lp_bound: float | None  # the LP relaxation's value when it was solved
    families: int  # after merging flows with the same cover sets


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def minimal_covers(covers: Sequence[int]) -> tuple[int, ...]:
    """The inclusion-minimal cover sets, without repeats, by (size, mask): a superset of another
    cover set is implied by it."""
    kept: list[int] = []
    for c in sorted(set(covers), key=lambda m: (m.bit_count(), m)):
        if not any(k & c == k for k in kept):
            kept.append(c)
    return tuple(kept)


class _Weigher:
    """Weighted popcount over gap bits: per distinct weight when there are few, else per bit of
    the weights."""

    def __init__(self, gaps_weights: Sequence[tuple[int, int]]) -> None:
        by_value: dict[int, int] = {}
        for gap, w in gaps_weights:
            by_value[w] = by_value.get(w, 0) | gap
        top = max((w for _, w in gaps_weights), default=0).bit_length()
        if len(by_value) <= max(4, top):
            self.classes = sorted(by_value.items())
        else:
            self.classes = []
            for b in range(top):
                mask = 0
                for gap, w in gaps_weights:
                    if w >> b & 1:
                        mask |= gap
                self.classes.append((1 << b, mask))

    def __call__(self, mask: int) -> int:
        return sum(v * (mask & m).bit_count() for v, m in self.classes)


def _lp_duals(n: int, budget: int, families: Sequence[tuple[int, tuple[int, ...]]]
              ) -> tuple[float, list[float], float] | None:
    """(sum_q max(0, w_q - sum of its cover rows' mu), pi_k, LP value) from the LP relaxation
    (GLOP, OR-Tools' simplex: silent and deterministic); None when it finds no optimum."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        return None
    scale = max((w for w, _ in families), default=1)
    x = [solver.NumVar(0.0, 1.0, "") for _ in range(n)]
    budget_row = solver.Constraint(-solver.infinity(), float(budget))
    for v in x:
        budget_row.SetCoefficient(v, 1.0)
    rows: list[tuple[int, int, object]] = []
    objective = solver.Objective()
    for q, (w, covers) in enumerate(families):
        y = solver.NumVar(0.0, 1.0, "")
        objective.SetCoefficient(y, w / scale)
        for c in covers:
            row = solver.Constraint(0.0, solver.infinity())
            row.SetCoefficient(y, -1.0)
            for k in _bits(c):
                row.SetCoefficient(x[k], 1.0)
            rows.append((q, c, row))
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    pi = [0.0] * n
    reduced = [float(w) for w, _ in families]
    for q, c, row in rows:
        mu = abs(float(row.dual_value())) * scale  # type: ignore[attr-defined]
        if mu <= 0.0:  # weak duality holds for any mu >= 0
            continue
        reduced[q] -= mu
        for k in _bits(c):
            pi[k] += mu
    sigma = sum(r for r in reduced if r > 0.0)
    return sigma, pi, float(objective.Value()) * scale


def solve_cover(n: int, budget: int, flows: Sequence[tuple[int, Sequence[int]]], *,
                nodes_before_lp: int = NODES_BEFORE_LP, node_limit: int = NODE_LIMIT,
                hint: int | None = None) -> BnbResult:
    """The lexicographic optimum (most weight, fewest candidates, least rank sum) over sets of at
    most `budget` of the candidates 0..n-1; `flows` are (weight >= 0, cover set bitmasks). A flow
    with an empty cover set is never covered; one with no cover set always is (counted in the
    flow). `hint`: a candidate set to start from."""
    merged: dict[tuple[int, ...], int] = {}
    free = 0
    for w, covers in flows:
        if not covers:
            free += w
        elif all(covers) and w > 0:
            key = minimal_covers(covers)
            merged[key] = merged.get(key, 0) + w
    families = sorted(((w, key) for key, w in merged.items()), key=lambda f: f[1])
    # bit layout: per family its cover sets, then a gap bit
    D = [0] * n
    FK = [0] * n  # gap bits of the families with k on one of their cover sets
    CM = LOW = GAP = 0
    gw: list[tuple[int, int]] = []
    off = 0
    for w, covers in families:
        LOW |= 1 << off
        union = 0
        for j, c in enumerate(covers):
            b = 1 << (off + j)
            CM |= b
            union |= c
            for k in _bits(c):
                D[k] |= b
        gap = 1 << (off + len(covers))
        GAP |= gap
        gw.append((gap, w))
        for k in _bits(union):
            FK[k] |= gap
        off += len(covers) + 1
    weigh = _Weigher(gw)
    total = sum(w for w, _ in families)
    everyone = (1 << n) - 1
    useful = 0
    for k in range(n):
        if D[k]:
            useful |= 1 << k

    def covered_of(hit: int) -> int:
        return ((hit & CM) + LOW) & GAP

    def hit_of(mask: int) -> int:
        h = 0
        for k in _bits(mask):
            h |= D[k]
        return h

    def rank_sum(mask: int) -> int:
        return sum(k + 1 for k in _bits(mask))

    def key_of(mask: int) -> tuple[int, int, int]:
        return (weigh(covered_of(hit_of(mask))), -mask.bit_count(), -rank_sum(mask))

    # incumbent: greedy, then swaps
    def greedy() -> int:
        mask, hit = 0, 0
        for _ in range(min(budget, n)):
            cov = covered_of(hit)
            alive = GAP & ~cov
            best_k, best_v = -1, (0, 0)
            for k in _bits(useful & ~mask):
                gain = weigh(covered_of(hit | D[k]) & alive)
                v = (gain, weigh(alive & FK[k]))
                if v > best_v:
                    best_k, best_v = k, v
            if best_k < 0:
                break
            mask |= 1 << best_k
            hit |= D[best_k]
        return mask

    def improve(mask: int) -> int:
        best = key_of(mask)
        while True:
            moves = [mask & ~(1 << k) for k in _bits(mask)]
            if mask.bit_count() < budget:
                moves += [mask | 1 << j for j in _bits(useful & ~mask)]
            moves += [(mask & ~(1 << k)) | 1 << j for k in _bits(mask)
                      for j in _bits(useful & ~mask)]
            found = None
            for m in moves:
                v = key_of(m)
                if v > best:
                    best, found = v, m
            if found is None:
                return mask
            mask = found

    start = improve(greedy())
    if hint is not None and key_of(hint & everyone) > key_of(start):
        start = improve(hint & everyone)
    inc_key = key_of(start)
    best = [inc_key[0], -inc_key[1], -inc_key[2], start]  # flow, count, rank sum, mask
    nodes = 0
    dual: tuple[float, list[float], float] | None = None
    tol = 1e-9 * total + 1e-6

    class _Stop(Exception):
        pass

    def better(flow: int, cnt: int, rs: int) -> bool:
        return flow > best[0] or (flow == best[0] and (cnt, rs) < (best[1], best[2]))

    def rec(X: int, cnt: int, rs: int, U: int, hit: int, avail: int, dsum: float,
            limit: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > limit:
            raise _Stop
        cov = covered_of(hit)
        covered = weigh(cov)
        if better(covered, cnt, rs):
            best[:] = [covered, cnt, rs, X]
        U &= useful
        R = min(budget - cnt, U.bit_count())
        if R <= 0:
            return
        dead = ((CM & ~avail) + CM) & GAP
        alive = GAP & ~cov & ~dead
        if not alive:
            return
        tot = weigh(alive)
        if covered + tot < best[0]:
            return
        ks = _bits(U)
        single: dict[int, int] = {}
        credit: dict[int, int] = {}
        for k in ks:
            touched = weigh(alive & FK[k])
            if not touched:
                continue
            one = weigh(covered_of(hit | D[k]) & alive)
            single[k] = one
            credit[k] = one + (touched - one + 1) // 2
        if not credit:
            return
        if R == 1:  # the best single addition, exactly
            kb, gb = -1, 0
            for k in ks:
                g = single.get(k, 0)
                if g > gb:
                    kb, gb = k, g
            if kb >= 0 and better(covered + gb, cnt + 1, rs + kb + 1):
                best[:] = [covered + gb, cnt + 1, rs + kb + 1, X | 1 << kb]
            return
        vals = sorted(credit.values(), reverse=True)
        ranks = [k + 1 for k in ks[:R]]
        dv = sorted((dual[1][k] for k in ks), reverse=True) if dual is not None else []
        acc, racc = covered, rs
        dacc = (dual[0] + dsum) if dual is not None else 0.0
        bf, bc, br = best[0], best[1], best[2]
        hopeful = False
        for m in range(1, R + 1):
            acc += vals[m - 1] if m <= len(vals) else 0
            racc += ranks[m - 1]
            ub = min(acc, covered + tot)
            if dual is not None:
                dacc += dv[m - 1]
                if dacc + tol < ub:
                    ub = min(ub, int(dacc + tol))
            if ub > bf or (ub == bf and (cnt + m, racc) < (bc, br)):
                hopeful = True
                break
        if not hopeful:
            return
        k = max(credit, key=lambda j: (credit[j], -j))
        bit = 1 << k
        pk = dual[1][k] if dual is not None else 0.0
        rec(X | bit, cnt + 1, rs + k + 1, U & ~bit, hit | D[k], avail, dsum + pk, limit)
        rest = (X | U) & ~bit
        rec(X, cnt, rs, U & ~bit, hit, hit_of(rest), dsum, limit)

    lp_value: float | None = None
    proven = False
    try:
        rec(0, 0, 0, useful, 0, hit_of(useful), 0.0, nodes_before_lp)
        proven = True
    except _Stop:
        dual = _lp_duals(n, budget, families)
        if dual is not None:
            lp_value = dual[2]
        nodes = 0
        try:
            rec(0, 0, 0, useful, 0, hit_of(useful), 0.0, node_limit)
            proven = True
        except _Stop:
            proven = False
    return BnbResult(chosen=best[3], flow=best[0] + free, proven=proven, nodes=nodes,
                     lp_bound=None if lp_value is None else lp_value + free,
                     families=len(families))
