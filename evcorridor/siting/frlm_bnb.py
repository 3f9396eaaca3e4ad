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
  covered, not dead: a cover set with no candidate left); (c) the flows every improving set
  must cover (without one of them the rest falls short of the incumbent): their open cover sets,
  packed disjointly, need that many distinct sites; (d) a Lagrangian bound of the whole
  objective lex * weight - (big * count + rank sum), relaxing the cover rows y_q <= sum of x
  over the row with multipliers mu >= 0: at a node the rows the built sites hit are satisfied and
  a dead family keeps y_q = 0 (both get mu = 0), so the bound is lex * covered - cost(built) +
  sum over alive families of max(0, lex * w_q - sum of mu over its open rows) + the m largest
  pi_k - cost_k over the free sites (pi_k = sum of mu over the open rows through k). Weak
  duality makes it valid for any mu >= 0; the float sums are judged with a bound on their
  rounding error (4 x 2**-52 x terms x magnitudes), so floating point never makes it wrong, yet
  an equal-valued subtree (a tie) is still cut off when that bound is under one unit. The
  multipliers start from the duals of the root LP (GLOP) and are improved at every node by up
  to SUBGRADIENT_STEPS Polyak subgradient steps aimed under the incumbent's value,
  warm-started from the parent's (numpy over the open rows). The LP is only solved when the
  search without it needs more than NODES_BEFORE_LP nodes; then the LP's largest x values,
  improved by swaps, are another incumbent and the search starts again with the bound.
  A node is dropped when no m can beat the incumbent in (weight, then fewer sites, then least
  rank sum); with one site left the best completion is computed exactly.
- Deterministic: no time limit inside, a node limit instead; `proven` False when it is reached
  (the caller then falls back to CP-SAT with the incumbent as a hint). Every step (greedy,
  swaps, branching, subgradient) follows a fixed order, and an incumbent is only replaced by a
  strictly better one, so among sets equal in (weight, count, rank sum) the result is the first
  that this fixed search reaches: the same set for the same input on every run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: nodes of the search without the LP bound before the LP is solved
NODES_BEFORE_LP = 100
#: nodes of the whole search before giving up (the caller falls back to CP-SAT)
NODE_LIMIT = 200_000
#: subgradient steps per node on the Lagrangian multipliers (warm-started from the parent's),
#: Polyak steps theta * (bound - target) / |g|^2 with theta = STEP_START, times STEP_DECAY per
#: step (theta > 1 aims under the target: on the 100-node benchmark network at budget 8 about
#: 5x fewer nodes than theta = 1)
SUBGRADIENT_STEPS = 20
STEP_START = 3.0
STEP_DECAY = 0.85


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


def _heavier_than(desc: Sequence[int], limit: int) -> int:
    """How many of the descending `desc` are greater than `limit`."""
    lo, hi = 0, len(desc)
    while lo < hi:
        mid = (lo + hi) // 2
        if desc[mid] > limit:
            lo = mid + 1
        else:
            hi = mid
    return lo


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
        if len(by_value) <= top:
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
        total = 0
        for v, m in self.classes:
            total += v * (mask & m).bit_count()
        return total


@dataclass(frozen=True)
class _Lp:
    """The LP relaxation of the whole lexicographic objective, solved once: its duals and its
    x values."""

    mu: list[float]  # per cover row (layout order), in objective units (>= 0)
    x: list[float]  # per candidate
    flow: float  # the LP's covered weight


def _lp_solve(n: int, budget: int, families: Sequence[tuple[int, tuple[int, ...]]],
              lex: int, cost: Sequence[int]) -> _Lp | None:
    """The LP relaxation of max sum lex * w_q * y_q - sum cost_k * x_k (GLOP, OR-Tools' simplex:
    silent and deterministic). None when GLOP finds no optimum."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        return None
    scale = float(lex) * max((w for w, _ in families), default=1)
    x = [solver.NumVar(0.0, 1.0, "") for _ in range(n)]
    budget_row = solver.Constraint(-solver.infinity(), float(budget))
    objective = solver.Objective()
    for k, v in enumerate(x):
        budget_row.SetCoefficient(v, 1.0)
        objective.SetCoefficient(v, -cost[k] / scale)
    rows = []
    ys = []
    for w, covers in families:
        y = solver.NumVar(0.0, 1.0, "")
        ys.append(y)
        objective.SetCoefficient(y, lex * w / scale)
        for c in covers:
            row = solver.Constraint(0.0, solver.infinity())
            row.SetCoefficient(y, -1.0)
            for k in _bits(c):
                row.SetCoefficient(x[k], 1.0)
            rows.append(row)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    mu = [abs(float(row.dual_value())) * scale for row in rows]
    flow = sum(w * y.solution_value() for (w, _), y in zip(families, ys, strict=True))
    return _Lp(mu, [float(v.solution_value()) for v in x], flow)


class _NodeBound:
    """The Lagrangian bound of a node from fixed multipliers mu >= 0 (the root LP's duals) of
    the cover rows y_q <= sum of x over the row. At a node with the sites X built, some left out
    and the sites U still free, the rows X already hits are satisfied (multiplier 0) and a dead
    family (a row with no site left) keeps y_q = 0 (its rows' multipliers 0): for any m,
    lex * covered - cost(X) + sum over alive families of max(0, lex * w_q - sum of mu over its
    open rows) + the m largest pi_k - cost_k over U, pi_k = the sum of mu over the open rows of
    alive families that contain k. Weak duality: valid for any mu >= 0 (numpy floats; the
    caller allows a tolerance)."""

    def __init__(self, n: int, families: Sequence[tuple[int, tuple[int, ...]]],
                 block: dict[int, tuple[int, tuple[int, ...]]], mu: Sequence[float],
                 lex: int, cost: Sequence[int], nbits: int) -> None:
        import numpy as np

        row_bit, row_fam, fam_gap, ent_row, ent_cand = [], [], [], [], []
        r = 0
        for q, gap in enumerate(sorted(block)):
            first, covers = block[gap]
            fam_gap.append(gap)
            for j, c in enumerate(covers):
                row_bit.append(first + j)
                row_fam.append(q)
                for k in _bits(c):
                    ent_row.append(r)
                    ent_cand.append(k)
                r += 1
        self.np = np
        self.n = n
        self.nbytes = (nbits + 8) // 8
        self.row_bit = np.array(row_bit, dtype=np.int64)
        self.row_fam = np.array(row_fam, dtype=np.int64)
        self.fam_gap = np.array(fam_gap, dtype=np.int64)
        self.ent_row = np.array(ent_row, dtype=np.int64)
        self.ent_cand = np.array(ent_cand, dtype=np.int64)
        self.mu = np.array(mu, dtype=np.float64)
        self.lexw = np.array([float(lex * w) for w, _ in families], dtype=np.float64)
        self.cost = np.array(cost, dtype=np.float64)
        self.families = len(families)

    def _bitarray(self, mask: int) -> Any:
        np = self.np
        return np.unpackbits(np.frombuffer(mask.to_bytes(self.nbytes, "little"),
                                           dtype=np.uint8), bitorder="little")

    def __call__(self, hit: int, alive: int, free: Sequence[int], room: int, base: float,
                 target: float, mu: Any, steps: int
                 ) -> tuple[float, list[float], Any, bool, float]:
        """(sum over alive families of max(0, reduced weight), pi per candidate, the multipliers,
        pruned, the rounding tolerance of the bound): `steps` subgradient steps (Polyak, aimed
        under `target`) from `mu` lower the bound base + sigma + the `room` largest positive
        pi_k - cost_k over `free`; pruned when it falls under `target` minus the tolerance."""
        np = self.np
        alive_f = self._bitarray(alive)[self.fam_gap].astype(bool)
        rows = (self._bitarray(hit)[self.row_bit] == 0) & alive_f[self.row_fam]
        # the open rows of alive families and their entries on free sites, renumbered
        act = np.flatnonzero(rows)
        fam = self.row_fam[act]
        renum = np.full(len(self.row_bit), -1, dtype=np.int64)
        renum[act] = np.arange(len(act))
        free_k = np.zeros(self.n, dtype=bool)
        idx = np.array(free, dtype=np.int64)
        free_k[idx] = True
        ents = np.flatnonzero(rows[self.ent_row] & free_k[self.ent_cand])
        e_row = renum[self.ent_row[ents]]
        e_cand = self.ent_cand[ents]
        lexw = np.where(alive_f, self.lexw, 0.0)
        m = mu[act]
        fams = self.families
        lexw_sum = float(lexw.sum())
        cost_sum = float(self.cost.sum())
        terms = len(ents) + len(act) + fams + self.n
        best: tuple[float, float, Any, Any, float] | None = None
        theta = STEP_START
        for step in range(steps + 1):
            red = lexw - np.bincount(fam, weights=m, minlength=fams)
            yes = red > 0.0
            sigma = float(red[yes].sum())
            pi = np.bincount(e_cand, weights=m[e_row], minlength=self.n)
            gains = pi[idx] - self.cost[idx]
            top = np.argsort(-gains, kind="stable")[:room]
            top = top[gains[top] > 0.0]
            value = base + sigma + float(gains[top].sum())
            # rounding error bound of the float sums (first order: terms x 2**-52 x the sum of
            # the magnitudes, with a factor 4 to spare): values under target - tol are safely
            # under the integer target
            mass = (lexw_sum + float(m.sum()) + float(m[e_row].sum()) + cost_sum + abs(base))
            tol = 4.0 * 2.0 ** -52 * terms * mass + 1e-6
            if best is None or value - tol < best[0] - best[4]:
                best = (value, sigma, pi, m, tol)
            if value < target - tol:
                break
            if step == steps or not math.isfinite(target):
                break
            xs = np.zeros(self.n)
            xs[idx[top]] = 1.0
            g = np.bincount(e_row, weights=xs[e_cand], minlength=len(act)) - yes[fam]
            g = np.where((m > 0.0) | (g < 0.0), g, 0.0)
            norm = float((g * g).sum())
            if norm <= 0.0:
                break
            m = np.maximum(0.0, m - theta * (value - target) / norm * g)
            theta *= STEP_DECAY
        assert best is not None
        out = mu.copy()
        out[act] = best[3]
        return best[1], best[2].tolist(), out, best[0] < target - best[4], best[4]


class CoverModel:
    """The budget-independent part of the problem (flows merged, the bit layout), built once
    for every budget of a grid; `solve(budget)` finds the optimum."""

    def __init__(self, n: int, flows: Sequence[tuple[int, Sequence[int]]]) -> None:
        """Candidates 0..n-1 (rank = index + 1); `flows` are (weight >= 0, cover set bitmasks).
        A flow with an empty cover set is never covered; one with no cover set always is."""
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
        block: dict[int, tuple[int, tuple[int, ...]]] = {}  # gap bit index -> (offset, cover sets)
        off = 0
        for w, covers in families:
            block[off + len(covers)] = (off, covers)
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
        # families by weight, heaviest first: heavier[i] = gap bits of the families weighing at
        # least weights[i]
        weights = sorted({w for _, w in gw}, reverse=True)
        heavier: list[int] = []
        acc_mask = 0
        by_weight: dict[int, int] = {}
        for gap, w in gw:
            by_weight[w] = by_weight.get(w, 0) | gap
        for w in weights:
            acc_mask |= by_weight[w]
            heavier.append(acc_mask)
        total = sum(w for w, _ in families)
        useful = 0
        for k in range(n):
            if D[k]:
                useful |= 1 << k

        self.n = n
        self.free = free
        self.families = families
        self.D = D
        self.FK = FK
        self.CM = CM
        self.LOW = LOW
        self.GAP = GAP
        self.block = block
        # the distinct cover sets, each with the gap bits of the families that have it
        by_set: dict[int, int] = {}
        for gap, (_, covers) in block.items():
            for c in covers:
                by_set[c] = by_set.get(c, 0) | 1 << gap
        self.cover_sets = sorted(by_set.items(), key=lambda cs: (cs[0].bit_count(), cs[0]))
        self.weigh = weigh
        self.weights = weights
        self.heavier = heavier
        self.total = total
        self.useful = useful

    def solve(self, budget: int, *, nodes_before_lp: int = NODES_BEFORE_LP,
              node_limit: int = NODE_LIMIT, hint: int | None = None) -> BnbResult:
        """The lexicographic optimum (most weight, fewest candidates, least rank sum) over sets
        of at most `budget` candidates. `hint`: a candidate set to start from."""
        n, free, families, D, FK = self.n, self.free, self.families, self.D, self.FK
        CM, LOW, GAP, block, weigh = self.CM, self.LOW, self.GAP, self.block, self.weigh
        weights, heavier, total, useful = self.weights, self.heavier, self.total, self.useful
        everyone = (1 << n) - 1
        return _search(n, budget, free, families, D, FK, CM, LOW, GAP, block, self.cover_sets,
                       weigh, weights,
                       heavier, total, useful, everyone, nodes_before_lp, node_limit, hint)


def solve_cover(n: int, budget: int, flows: Sequence[tuple[int, Sequence[int]]], *,
                nodes_before_lp: int = NODES_BEFORE_LP, node_limit: int = NODE_LIMIT,
                hint: int | None = None) -> BnbResult:
    """`CoverModel(n, flows).solve(budget)`: the lexicographic optimum (most weight, fewest
    candidates, least rank sum) over sets of at most `budget` of the candidates 0..n-1."""
    return CoverModel(n, flows).solve(budget, nodes_before_lp=nodes_before_lp,
                                      node_limit=node_limit, hint=hint)


def _search(n: int, budget: int, free: int, families: list[tuple[int, tuple[int, ...]]],
            D: list[int], FK: list[int], CM: int, LOW: int, GAP: int,
            block: dict[int, tuple[int, tuple[int, ...]]], cover_sets: list[tuple[int, int]],
            weigh: _Weigher, weights: list[int],
            heavier: list[int], total: int, useful: int, everyone: int, nodes_before_lp: int,
            node_limit: int, hint: int | None) -> BnbResult:
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
        """Best-improvement local search: drop one site, add one, swap one for one, or two for
        one, while (weight, fewer sites, less rank sum) gets better."""
        best = key_of(mask)
        while True:
            members = _bits(mask)
            free = _bits(useful & ~mask)
            cnt = len(members)
            rs = sum(k + 1 for k in members)
            found: int | None = None
            # hit of the set without one member (prefix and suffix ORs)
            pre = [0]
            for k in members:
                pre.append(pre[-1] | D[k])
            suf = [0]
            for k in reversed(members):
                suf.append(suf[-1] | D[k])
            full = pre[-1]
            moves: list[tuple[int, int, int, int]] = []  # (mask, hit, count, rank sum)
            if cnt < budget:
                moves += [(mask | 1 << j, full | D[j], cnt + 1, rs + j + 1) for j in free]
            for i, a in enumerate(members):
                rest = pre[i] | suf[cnt - 1 - i]
                without = mask & ~(1 << a)
                moves.append((without, rest, cnt - 1, rs - a - 1))
                moves += [(without | 1 << j, rest | D[j], cnt, rs - a + j) for j in free]
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    without = mask & ~(1 << a) & ~(1 << b)
                    rest = 0
                    for k in members:
                        if k != a and k != b:
                            rest |= D[k]
                    moves += [(without | 1 << j, rest | D[j], cnt - 1, rs - a - b - 1 + j)
                              for j in free]
            for m, h, c, r in moves:
                v = (weigh(covered_of(h)), -c, -r)
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
    nb: _NodeBound | None = None  # the Lagrangian node bound, once the LP is solved
    big = n * (n + 1) // 2 + 1  # more than any rank sum
    lex = (n + 1) * big + 1  # more than any count x big + rank sum
    cost = [big + k + 1 for k in range(n)]

    class _Stop(Exception):
        pass

    def better(flow: int, cnt: int, rs: int) -> bool:
        return flow > best[0] or (flow == best[0] and (cnt, rs) < (best[1], best[2]))

    def rec(X: int, cnt: int, rs: int, U: int, hit: int, avail: int, limit: int,
            mu: Any = None) -> None:
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
        # families every improving completion must cover: without one of them the rest of
        # the alive flow falls short of the incumbent; their open cover sets need distinct sites
        # for disjoint sets (a packing: at least `need` more sites, ranks at least `need_rank`)
        need, need_rank = 1, 0
        short = tot - (best[0] - covered)
        i = _heavier_than(weights, short)
        if i > 0:
            essential = alive & heavier[i - 1]
            # their cover sets that X does not meet yet (each distinct set once)
            open_sets = [c & U for c, fams in cover_sets if fams & essential and not c & X]
            used = packed = 0
            open_sets.sort(key=int.bit_count)
            for c in open_sets:
                if not c & used:
                    used |= c
                    packed += 1
                    need_rank += (c & -c).bit_length()
            if packed > R:
                return
            need = max(1, packed)
        vals = sorted(credit.values(), reverse=True)
        ranks = [k + 1 for k in ks[:R]]
        bf, bc, br = best[0], best[1], best[2]

        def hopeful(dv: Sequence[float] | None, dacc: float) -> bool:
            """Whether some number m of further sites may beat the incumbent by the bounds
            (with `dv`, the Lagrangian gains, best first, and the node's value `dacc` too)."""
            acc, racc = covered, rs
            for m in range(1, R + 1):
                acc += vals[m - 1] if m <= len(vals) else 0
                racc += ranks[m - 1]
                if dv is not None:
                    dacc += dv[m - 1]
                if m < need or (dv is not None and dacc < target):
                    continue
                ub = min(acc, covered + tot)
                if ub > bf or (ub == bf and (cnt + m, max(racc, rs + need_rank)) < (bc, br)):
                    return True
            return False

        if not hopeful(None, 0.0):
            return
        if nb is not None:
            target = float(lex * bf - big * bc - br + 1)  # the incumbent's value, plus one
            dacc = float(lex * covered - big * cnt - rs)
            sigma, pi, mu, pruned, tol = nb(hit, alive, ks, R, dacc, target, mu,
                                            SUBGRADIENT_STEPS)
            if pruned:
                return
            target -= tol
            if not hopeful(sorted((pi[k] - cost[k] for k in ks), reverse=True), dacc + sigma):
                return
        k = max(credit, key=lambda j: (credit[j], -j))
        bit = 1 << k
        rec(X | bit, cnt + 1, rs + k + 1, U & ~bit, hit | D[k], avail, limit, mu)
        rest = (X | U) & ~bit
        rec(X, cnt, rs, U & ~bit, hit, hit_of(rest), limit, mu)

    lp_value: float | None = None
    proven = False
    try:
        rec(0, 0, 0, useful, 0, hit_of(useful), nodes_before_lp)
        proven = True
    except _Stop:
        lp = _lp_solve(n, budget, families, lex, cost)
        if lp is not None:
            lp_value = lp.flow
            nb = _NodeBound(n, families, block, lp.mu, lex, cost, GAP.bit_length())
            # the LP's largest x values, improved by swaps, as another start
            top = sorted(range(n), key=lambda k: (-lp.x[k], k))[:budget]
            cand = improve(sum(1 << k for k in top if useful >> k & 1))
            ck = key_of(cand)
            if ck > (best[0], -best[1], -best[2]):
                best[:] = [ck[0], -ck[1], -ck[2], cand]
        nodes = 0
        try:
            rec(0, 0, 0, useful, 0, hit_of(useful), node_limit,
                None if nb is None else nb.mu)
            proven = True
        except _Stop:
            proven = False
    return BnbResult(chosen=best[3], flow=best[0] + free, proven=proven, nodes=nodes,
                     lp_bound=None if lp_value is None else lp_value + free,
                     families=len(families))
