"""Siting core on SYNTHETIC routes (made-up positions and costs, no real data).

The exact single-route method (path DP), the CP-SAT model and brute force must agree on the
optimum; hand-checkable cases pin the gap convention (range boundary, offsets, border wait).
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.siting import cpsat
from evcorridor.siting.pathdp import Stop, min_cost_stops
from evcorridor.siting.problem import (
    Candidate,
    Option,
    Placement,
    Problem,
    RouteSpec,
    VehicleRule,
)

ROUTE = "x:forward"


def _route(length: float, border: float, wait_min: float = 0.0) -> RouteSpec:
    return RouteSpec(ROUTE, "x", "forward", length, border, "USA", "CAN", wait_min)


def _problem(length: float, border: float, rng: float, start: float, wait: float,
             stops: list[Stop], existing: frozenset[int] = frozenset(),
             resilience: str = "none") -> Problem:
    cands = []
    for i, s in enumerate(stops):
        country = "USA" if s.pos_m < border else "CAN"
        if i in existing:
            opts: tuple[Option, ...] = (Option("existing", "existing", 0.0, frozenset({"v"})),)
        else:
            opts = (Option("new", "standard", s.cost, frozenset({"v"})),)
        cands.append(Candidate(f"c{i:02d}", country, {ROUTE: Placement(s.pos_m, s.offset_m)},
                               opts, existing=i in existing))
    veh = VehicleRule("v", "mild", rng, start, {ROUTE: wait})
    return Problem([_route(length, border)], cands, [veh], resilience=resilience)  # type: ignore[arg-type]


def _feasible(length: float, border: float, rng: float, start: float, wait: float,
              stops: list[Stop], chosen: list[int]) -> bool:
    """Independent reachability over the chosen stops (brute-force helper)."""
    pts = sorted(chosen, key=lambda i: (stops[i].pos_m, i))

    def gap(a_pos: float, a_off: float, b_pos: float, b_off: float) -> float:
        w = wait if a_pos < border <= b_pos else 0.0
        return b_pos - a_pos + a_off + b_off + w

    reached = []
    for k in pts:
        s = stops[k]
        ok = gap(0.0, 0.0, s.pos_m, s.offset_m) <= start + 1e-6 or any(
            gap(stops[j].pos_m, stops[j].offset_m, s.pos_m, s.offset_m) <= rng + 1e-6
            for j in reached)
        if ok:
            reached.append(k)
    if gap(0.0, 0.0, length, 0.0) <= start + 1e-6:
        return True
    return any(gap(stops[j].pos_m, stops[j].offset_m, length, 0.0) <= rng + 1e-6
               for j in reached)


def _brute(length: float, border: float, rng: float, start: float, wait: float,
           stops: list[Stop]) -> float | None:
    best = None
    for r in range(len(stops) + 1):
        for sub in itertools.combinations(range(len(stops)), r):
            c = sum(stops[i].cost for i in sub)
            if (best is None or c < best) and _feasible(length, border, rng, start, wait, stops,
                                                        list(sub)):
                best = c
    return best


stop_st = st.builds(Stop, pos_m=st.integers(0, 400).map(float),
                    offset_m=st.sampled_from([0.0, 0.0, 2.0, 5.0]),
                    cost=st.integers(0, 4).map(float))


@settings(max_examples=60, deadline=None)
@given(stops=st.lists(stop_st, min_size=0, max_size=8),
       rng=st.integers(60, 160).map(float),
       start=st.integers(40, 160).map(float),
       border=st.integers(1, 399).map(float),
       wait=st.sampled_from([0.0, 0.0, 7.0, 25.0]))
def test_dp_cpsat_brute_agree(stops: list[Stop], rng: float, start: float, border: float,
                              wait: float) -> None:
    length = 400.0
    brute = _brute(length, border, rng, start, wait, stops)
    dp = min_cost_stops(length, rng, stops, start_range_m=start, border_pos_m=border,
                        wait_m=wait)
    sol = cpsat.solve(_problem(length, border, rng, start, wait, stops), time_limit_s=10)
    if brute is None:
        assert dp is None
        assert sol.status == "infeasible"
        return
    assert dp is not None
    assert dp.cost == brute
    assert _feasible(length, border, rng, start, wait, stops, list(dp.stops))
    assert sum(stops[i].cost for i in dp.stops) == brute
    assert sol.status == "optimal"
    assert sol.objective == brute
    chosen = [int(cid[1:]) for cid in sol.chosen]
    assert _feasible(length, border, rng, start, wait, stops, chosen)


@settings(max_examples=40, deadline=None)
@given(stops=st.lists(st.builds(Stop, pos_m=st.integers(0, 300).map(float),
                                cost=st.integers(1, 5).map(float)), max_size=10),
       rng=st.integers(50, 120).map(float))
def test_dp_fast_path_matches_brute(stops: list[Stop], rng: float) -> None:
    """Zero offsets, no wait: the O(n) monotone-deque path."""
    length = 300.0
    brute = _brute(length, 1e9, rng, rng, 0.0, stops)
    dp = min_cost_stops(length, rng, stops)
    assert (dp.cost if dp else None) == brute


def test_gap_exactly_at_range_is_allowed_one_metre_over_is_not() -> None:
    # 0 --100 km-- stop --100 km-- end, range 100 km: exactly at the range
    stops = [Stop(100_000.0, 0.0, 1.0)]
    ok = min_cost_stops(200_000.0, 100_000.0, stops)
    assert ok is not None and ok.cost == 1.0
    assert cpsat.solve(_problem(200_000.0, 1e12, 100_000.0, 100_000.0, 0.0, stops)).status \
        == "optimal"
    over = min_cost_stops(200_001.0, 100_000.0, stops)
    assert over is None
    assert cpsat.solve(_problem(200_001.0, 1e12, 100_000.0, 100_000.0, 0.0, stops)).status \
        == "infeasible"


def test_offset_counts_twice() -> None:
    # stop at 95 km, 2.5 km off the highway: 97.5 km in, 95 + 2.5 = 97.5 km out (range 100)
    stops = [Stop(95_000.0, 2_500.0, 1.0)]
    assert min_cost_stops(190_000.0, 100_000.0, stops) is not None
    # 3 km off: 98 in, 98 out is fine; end at 193 km: 98 + 3 = 101 > 100
    stops = [Stop(95_000.0, 3_000.0, 1.0)]
    assert min_cost_stops(192_000.0, 100_000.0, stops) is not None
    assert min_cost_stops(192_001.0, 100_000.0, stops) is None
    # between two off-highway stops the offsets of both count: 90 + 5 + 5 = 100 ok, 101 not
    two = [Stop(50_000.0, 5_000.0, 1.0), Stop(140_000.0, 5_000.0, 1.0)]
    assert min_cost_stops(190_000.0, 100_000.0, two, start_range_m=100_000.0) is not None
    two = [Stop(50_000.0, 5_000.0, 1.0), Stop(141_000.0, 5_000.0, 1.0)]
    assert min_cost_stops(191_000.0, 100_000.0, two, start_range_m=100_000.0) is None


def test_border_wait_needs_one_more_station() -> None:
    # stops every 50 km; range 100 km; border at 140 km. Without wait two stops (100, 200)
    # suffice for a 300 km route; a 20 km wait makes the 100 -> 200 leg 120 km.
    stops = [Stop(float(p) * 1000, 0.0, 1.0) for p in (50, 100, 150, 200, 250)]
    no_wait = min_cost_stops(300_000.0, 100_000.0, stops, border_pos_m=140_000.0)
    with_wait = min_cost_stops(300_000.0, 100_000.0, stops, border_pos_m=140_000.0,
                               wait_m=20_000.0)
    assert no_wait is not None and no_wait.cost == 2.0
    assert with_wait is not None and with_wait.cost == 3.0
    p = _problem(300_000.0, 140_000.0, 100_000.0, 100_000.0, 20_000.0, stops)
    sol = cpsat.solve(p)
    assert (sol.status, sol.objective) == ("optimal", 3.0)


def test_existing_free_station_used_and_determinism() -> None:
    stops = [Stop(float(p) * 1000, 0.0, 1.0) for p in (40, 60, 80, 100, 120, 140, 160)]
    p = _problem(200_000.0, 1e12, 100_000.0, 100_000.0, 0.0, stops, existing=frozenset({3}))
    a = cpsat.solve(p)
    b = cpsat.solve(p)
    assert a.objective == 0.0 and a.chosen == {}
    assert a.chosen == b.chosen
    # without the existing one: one new site, the tie broken by the lowest rank (first in order)
    p2 = _problem(200_000.0, 1e12, 100_000.0, 100_000.0, 0.0, stops)
    s2 = cpsat.solve(p2)
    assert s2.objective == 1.0
    assert s2.chosen == {"c03": 0}  # only km 100 reaches both the start and the end


def test_resilience_needs_a_second_sequence() -> None:
    stops = [Stop(float(p) * 1000, 0.0, 1.0) for p in (30, 60, 90, 120, 150, 180)]
    base = cpsat.solve(_problem(200_000.0, 1e12, 100_000.0, 100_000.0, 0.0, stops))
    res = cpsat.solve(_problem(200_000.0, 1e12, 100_000.0, 100_000.0, 0.0, stops,
                               resilience="n-1"))
    assert base.objective == 2.0  # no single stop is within 100 km of both start and end
    assert res.status == "optimal"
    chosen = sorted(int(c[1:]) for c in res.chosen)
    # every single removal keeps the route feasible
    for out in chosen:
        left = [i for i in chosen if i != out]
        assert _feasible(200_000.0, 1e12, 100_000.0, 100_000.0, 0.0, stops, left)


def _survives_n1(length: float, border: float, rng: float, start: float, wait: float,
                 stops: list[Stop], built: list[int]) -> bool:
    return all(_feasible(length, border, rng, start, wait, stops, [i for i in built if i != out])
               for out in [None, *built])


def _brute_n1(length: float, border: float, rng: float, start: float, wait: float,
              stops: list[Stop], existing: frozenset[int]) -> float | None:
    """Least cost of a plan that survives any one site out (every subset, every removal)."""
    best = None
    free = [i for i in range(len(stops)) if i not in existing]
    for r in range(len(free) + 1):
        for sub in itertools.combinations(free, r):
            c = sum(stops[i].cost for i in sub)
            if (best is None or c < best) and _survives_n1(
                    length, border, rng, start, wait, stops, sorted(set(sub) | existing)):
                best = c
    return best


def test_n1_is_exact_where_two_successors_per_stop_is_not() -> None:
    """Two site-disjoint sequences start-12-111-end and start-32-103-end survive any one site out,
    although km 32 (detour 25 km) reaches only km 103 (71 + 25 = 96 km; km 111 is 104 km away).
    A "every stop reaches two others" model calls this infeasible; the exact model costs 4."""
    km = 1000.0
    stops = [Stop(12 * km, 0.0, 1.0), Stop(32 * km, 25 * km, 1.0), Stop(103 * km, 0.0, 1.0),
             Stop(111 * km, 0.0, 1.0)]
    args = (200 * km, 1e12, 100 * km, 100 * km, 0.0)
    sol = cpsat.solve(_problem(*args, stops, resilience="n-1"), time_limit_s=10)
    assert (sol.status, sol.objective) == ("optimal", 4.0)
    assert _survives_n1(*args, stops, [0, 1, 2, 3])
    assert not any(_survives_n1(*args, stops, list(sub))
                   for sub in itertools.combinations(range(4), 3))


@settings(max_examples=40, deadline=None)
@given(stops=st.lists(stop_st, min_size=0, max_size=8),
       rng=st.integers(80, 200).map(float),
       existing=st.sets(st.integers(0, 7), max_size=3),
       wait=st.sampled_from([0.0, 15.0]))
def test_n1_plans_survive_every_single_removal(stops: list[Stop], rng: float,
                                               existing: set[int], wait: float) -> None:
    """The n-1 model is exact: its optimum equals the brute-force n-1 optimum (every subset,
    every single removal), and the plan survives any one site out."""
    length, border = 400.0, 200.0
    ex = frozenset(i for i in existing if i < len(stops))
    sol = cpsat.solve(_problem(length, border, rng, rng, wait, stops, existing=ex,
                               resilience="n-1"), time_limit_s=10)
    brute = _brute_n1(length, border, rng, rng, wait, stops, ex)
    if brute is None:
        assert sol.status == "infeasible"
        return
    assert (sol.status, sol.objective) == ("optimal", brute)
    built = sorted({int(c[1:]) for c in sol.chosen} | ex)
    assert _survives_n1(length, border, rng, rng, wait, stops, built)
