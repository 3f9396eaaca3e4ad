"""The exact branch and bound of coverage mode (evcorridor.siting.frlm_bnb) against brute force
and against the CP-SAT model it stands in for. Instances are SYNTHETIC (seeded random)."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import numpy as np
import pytest
from test_coverage_issue12 import KM, grid

from evcorridor.siting.frlm import CoverageNetwork, Flow
from evcorridor.siting.frlm_bnb import (
    CoverModel,
    _lp_solve,
    _NodeBound,
    minimal_covers,
    solve_cover,
)


def brute(n: int, budget: int, flows: list[tuple[int, list[int]]]) -> tuple[int, int, int]:
    """(most weight, fewest candidates, least rank sum) over every set of <= budget candidates."""
    best: tuple[int, int, int] | None = None
    for size in range(budget + 1):
        for combo in itertools.combinations(range(n), size):
            mask = sum(1 << k for k in combo)
            weight = sum(w for w, covers in flows if all(c & mask for c in covers))
            key = (weight, -size, -sum(k + 1 for k in combo))
            if best is None or key > best:
                best = key
    assert best is not None
    return best[0], -best[1], -best[2]


def random_flows(rng: random.Random, n: int, count: int) -> list[tuple[int, list[int]]]:
    """Flows as trips along random paths: the cover sets are windows of consecutive nodes of a
    random sequence of candidates (as arc cover sets are), sometimes one empty (never covered)."""
    flows = []
    for _ in range(count):
        seq = [rng.randrange(n) for _ in range(rng.randint(2, 7))]
        width = rng.randint(1, 3)
        covers = []
        for j in range(rng.randint(0, 3)):
            window = seq[j:j + width]
            covers.append(sum(1 << k for k in set(window)) if window else 0)
        flows.append((rng.choice([1, 1, 2, 3, 10]), covers))
    return flows


@pytest.mark.parametrize("seed", range(12))
def test_branch_and_bound_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(4, 9)
    budget = rng.randint(1, 4)
    flows = random_flows(rng, n, rng.randint(3, 25))
    want = brute(n, budget, flows)
    for before_lp in (0, 300):  # with the LP bound from the start, and without it
        got = solve_cover(n, budget, flows, nodes_before_lp=before_lp)
        assert got.proven
        size = got.chosen.bit_count()
        ranks = sum(k + 1 for k in range(n) if got.chosen >> k & 1)
        assert (got.flow, size, ranks) == want
        assert size <= budget


def test_node_limit_returns_the_best_found_unproven() -> None:
    rng = random.Random(5)
    flows = random_flows(rng, 12, 60)
    got = solve_cover(12, 3, flows, nodes_before_lp=0, node_limit=0)
    assert not got.proven
    mask = got.chosen
    assert mask.bit_count() <= 3
    assert got.flow == sum(w for w, covers in flows if all(c & mask for c in covers))
    assert got.flow <= brute(12, 3, flows)[0]


def test_minimal_covers_drop_supersets_and_repeats() -> None:
    assert minimal_covers([0b111, 0b011, 0b011, 0b100, 0b110]) == (0b100, 0b011)


@pytest.mark.parametrize(("range_km", "budget", "trip"),
                         [(250, 2, "round"), (250, 4, "round"), (320, 3, "one-way"),
                          (400, 5, "round")])
def test_same_optimum_and_tie_break_as_cp_sat(range_km: float, budget: int, trip: str) -> None:
    g = grid(4, 100)
    rng = random.Random(range_km * 10 + budget)
    flows = [Flow(a, b, float(rng.randint(1, 9)))
             for a, b in itertools.permutations(sorted(g.nodes), 2) if rng.random() < 0.3]
    net = CoverageNetwork(g, flows, trip=trip)
    ours = net.solve(range_m=range_km * KM, budget=budget)
    cpsat = net.solve(range_m=range_km * KM, budget=budget, method="cp-sat")
    assert ours[2].name == "branch-and-bound" and cpsat[2].name == "cp-sat"
    assert ours[2].status == cpsat[2].status == "optimal"
    assert ours[1].covered_flow == cpsat[1].covered_flow
    # fewest sites, then the least rank sum (rank: position among the model's candidates)
    (prep,) = net._prepared.values()
    rank = {k: i for i, k in enumerate(prep.relevant, start=1)}
    assert len(ours[0]) == len(cpsat[0])
    assert sum(rank[k] for k in ours[0]) == sum(rank[k] for k in cpsat[0])


@pytest.mark.parametrize(("side", "range_km", "existing", "trip"),
                         [(4, 250, (), "round"), (4, 320, (6,), "round"),
                          (4, 180, (1, 11), "round"), (5, 300, (), "one-way"),
                          (4, 150, (), "one-way")])
def test_bitmask_preparation_equals_the_set_one(side: int, range_km: float,
                                                existing: tuple[int, ...], trip: str) -> None:
    from evcorridor.siting import frlm

    g = grid(side, 100)
    flows = [Flow(a, b, 1.0) for a, b in itertools.permutations(sorted(g.nodes), 2)]
    net = CoverageNetwork(g, flows, trip=trip, existing=existing)
    args = (net.trips, net.candidates, set(net.existing))
    start = range_km * KM / 2 if trip == "round" else range_km * KM
    fast = frlm._prepare(*args, range_m=range_km * KM, start=start, point_bits=net._bits)
    slow = frlm._prepare(*args, range_m=range_km * KM, start=start)
    assert net._bits is not None and fast.masks is not None and slow.masks is not None
    assert fast.base == slow.base and fast.relevant == slow.relevant
    assert fast.dominated == slow.dominated
    assert bool(fast.dominated) == (trip == "one-way")  # both forms of dominance exercised
    assert [t.result.nodes for t in fast.contested] == [t.result.nodes for t in slow.contested]
    kept = set(fast.relevant)  # the set form keeps dominated candidates in its cover sets
    assert [{s & kept for s in c or ()} for c in fast.covers] == \
        [{s & kept for s in c or ()} for c in slow.covers]
    assert [sorted(m) for m in fast.masks] == [sorted(m) for m in slow.masks]


def node_state(model: CoverModel, X: int, U: int) -> tuple[int, int, int]:
    """(hit, alive gap bits, covered weight) of the node with X built and U still free."""
    hit = avail = 0
    for k in range(model.n):
        if X >> k & 1:
            hit |= model.D[k]
        if (X | U) >> k & 1:
            avail |= model.D[k]
    cov = ((hit & model.CM) + model.LOW) & model.GAP
    dead = ((model.CM & ~avail) + model.CM) & model.GAP
    return hit, model.GAP & ~cov & ~dead, model.weigh(cov)


@pytest.mark.parametrize("seed", range(8))
def test_lagrangian_node_bound_is_an_upper_bound(seed: int) -> None:
    """At random nodes (some sites built, some left out), the Lagrangian bound from the root LP's
    duals, from random multipliers and after subgradient steps is at least the best value
    lex * weight - (big * count + rank sum) of every completion with exactly m more sites
    (brute force). SYNTHETIC random instances."""
    rng = random.Random(100 + seed)
    n = rng.randint(6, 9)
    budget = rng.randint(2, 4)
    model = CoverModel(n, random_flows(rng, n, rng.randint(8, 30)))
    big = n * (n + 1) // 2 + 1
    lex = (n + 1) * big + 1
    cost = [big + k + 1 for k in range(n)]
    lp = _lp_solve(n, budget, model.families, lex, cost)
    assert lp is not None
    rows = len(lp.mu)
    bound = _NodeBound(n, model.families, model.block, lp.mu, lex, cost,
                       model.GAP.bit_length())
    for _ in range(12):
        X = sum(1 << k for k in rng.sample(range(n), rng.randint(0, budget - 1)))
        U = sum(1 << k for k in range(n) if not X >> k & 1 and rng.random() < 0.7)
        hit, alive, covered = node_state(model, X, U)
        room = budget - X.bit_count()
        base = float(lex * covered - sum(cost[k] for k in range(n) if X >> k & 1))
        free = [k for k in range(n) if U >> k & 1]
        best_by_m: dict[int, int] = {}
        for m in range(min(room, len(free)) + 1):
            for combo in itertools.combinations(free, m):
                mask = X | sum(1 << k for k in combo)
                got = sum(w for w, covers in model.families if all(c & mask for c in covers))
                value = lex * got - sum(cost[k] for k in range(n) if mask >> k & 1)
                best_by_m[m] = max(best_by_m.get(m, value), value)
        tol = 1e-6 * lex * (model.total + 1)
        for mu, steps in ((np.array(lp.mu), 0), (np.array(lp.mu), 20),
                          (np.array([rng.random() * lex for _ in range(rows)]), 5)):
            low = min(best_by_m.values()) - lex * (model.total + 1)  # steps aim far below
            sigma, pi, _, pruned, eps = bound(hit, alive, free, room, base, low, mu, steps)
            assert 0 < eps < 1e-3
            assert not pruned
            gains = sorted((pi[k] - cost[k] for k in free), reverse=True)
            for m, want in best_by_m.items():
                assert base + sigma + sum(gains[:m]) >= want - tol
            # told the incumbent is worth more than every completion, it prunes; told less, never
            top = max(best_by_m.values())
            assert not bound(hit, alive, free, room, base, top - tol, mu, steps)[3]


@pytest.mark.parametrize("seed", range(10))
def test_lp_search_matches_brute_force_with_many_equal_optima(seed: int) -> None:
    """Unit weights: many sets with the most weight, the fewest sites and even the least rank
    sum; the search with the LP bound from the root finds the same lexicographic optimum as
    brute force, and the same set on every run (deterministic). SYNTHETIC instances."""
    rng = random.Random(1000 + seed)
    n = rng.randint(8, 11)
    budget = rng.randint(2, 5)
    flows = [(1, covers) for _, covers in random_flows(rng, n, rng.randint(10, 40))]
    want = brute(n, budget, flows)
    runs = {solve_cover(n, budget, flows, nodes_before_lp=0).chosen for _ in range(2)}
    assert len(runs) == 1
    (mask,) = runs
    assert (sum(w for w, covers in flows if all(c & mask for c in covers)), mask.bit_count(),
            sum(k + 1 for k in range(n) if mask >> k & 1)) == want
    got = solve_cover(n, budget, flows, nodes_before_lp=0)
    assert got.proven and got.lp_bound is not None and got.lp_bound >= got.flow - 1e-6


def random_network(rng: random.Random, nodes: int) -> nx.MultiDiGraph:
    """SYNTHETIC connected road network: a random tree plus a few extra roads, lengths 40 to
    160 km, both directions."""
    g = nx.MultiDiGraph()
    edges = [(rng.randrange(i), i) for i in range(1, nodes)]
    edges += [tuple(rng.sample(range(nodes), 2)) for _ in range(nodes // 3)]
    for a, b in edges:
        km = rng.choice([40.0, 60.0, 80.0, 100.0, 120.0, 160.0])
        g.add_edge(a + 1, b + 1, length=km * KM)
        g.add_edge(b + 1, a + 1, length=km * KM)
    return g


@pytest.mark.parametrize(("seed", "range_km", "budget", "unit"),
                         [(1, 150, 2, True), (2, 200, 3, True), (3, 150, 4, False),
                          (4, 250, 3, True), (5, 120, 5, False), (6, 300, 2, True)])
def test_branch_and_bound_matches_plain_cbc_and_cp_sat(seed: int, range_km: float, budget: int,
                                                       unit: bool) -> None:
    """Random SYNTHETIC networks with all-pairs round trips (unit flows: many equal optima):
    the branch and bound covers as much as the plain PuLP/CBC MIP, picks as many sites with the
    same rank sum as CP-SAT's tie-broken model, and every flow it reports covered (from the
    cover-set masks) is covered by simulating the trip with the chosen sites."""
    from evcorridor.siting.frlm import trip_feasible
    from evcorridor.siting.frlm_mip import solve_plain_mip

    rng = random.Random(seed)
    g = random_network(rng, rng.randint(9, 13))
    flows = [Flow(a, b, 1.0 if unit else float(rng.randint(1, 6)))
             for a, b in itertools.combinations(sorted(g.nodes), 2)]
    net = CoverageNetwork(g, flows, trip="round")
    chosen, cov, res = net.solve(range_m=range_km * KM, budget=budget)
    assert res.name == "branch-and-bound" and res.status == "optimal"
    cbc = solve_plain_mip(g, flows, range_m=range_km * KM, budget=budget, trip="round")
    assert cbc.proven and cbc.objective == cov.covered_flow
    assert 0 < cov.covered_flow < sum(f.flow for f in flows)
    cp_chosen, cp_cov, cp_res = net.solve(range_m=range_km * KM, budget=budget, method="cp-sat")
    assert cp_res.status == "optimal" and cp_cov.covered_flow == cov.covered_flow
    (prep,) = net._prepared.values()
    rank = {k: i for i, k in enumerate(prep.relevant, start=1)}
    assert len(chosen) == len(cp_chosen) <= budget
    assert sum(rank[k] for k in chosen) == sum(rank[k] for k in cp_chosen)
    for t, fr in zip(net.trips, cov.flows, strict=True):
        assert fr.covered == trip_feasible(t.keys, t.pos, t.offs, set(chosen),
                                           range_m=range_km * KM, start_range_m=range_km * KM / 2)
