"""The exact branch and bound of coverage mode (evcorridor.siting.frlm_bnb) against brute force
and against the CP-SAT model it stands in for. Instances are SYNTHETIC (seeded random)."""

from __future__ import annotations

import itertools
import random

import pytest
from test_coverage_issue12 import KM, grid

from evcorridor.siting.frlm import CoverageNetwork, Flow
from evcorridor.siting.frlm_bnb import minimal_covers, solve_cover


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
