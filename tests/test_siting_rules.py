"""Siting rules on SYNTHETIC problems: spacing chains, `recognizes`, shared sites on two routes.

Positions, costs and profiles ids here are made up; CP-SAT is compared with brute force written
out independently in this file.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.siting import cpsat
from evcorridor.siting.problem import (
    Candidate,
    Option,
    Placement,
    Problem,
    RouteSpec,
    StandardRule,
    VehicleRule,
)

FWD, REV = "x:forward", "x:reverse"


def _cand(cid: str, country: str, pos: float, length: float, *, cost: float = 1.0,
          existing: bool = False, complies: frozenset[str] = frozenset(),
          usable: frozenset[str] = frozenset(), off: float = 0.0) -> Candidate:
    kind = "existing" if existing else "new"
    opt = Option(kind, kind, 0.0 if existing else cost, usable, complies)  # type: ignore[arg-type]
    return Candidate(cid, country, {FWD: Placement(pos, off), REV: Placement(length - pos, off)},
                     (opt,), existing=existing)


def _routes(length: float, border: float) -> list[RouteSpec]:
    return [RouteSpec(FWD, "x", "forward", length, border, "USA", "CAN"),
            RouteSpec(REV, "x", "reverse", length, length - border, "CAN", "USA")]


def test_recognizes_changes_the_result() -> None:
    # USA rule, S = 80 km on a 300 km route with the border at km 100. US sites at km 40, 70;
    # a CAN site at km 150 complying with "ca".
    L, b = 300_000.0, 100_000.0
    cands = [_cand("us40", "USA", 40_000.0, L, complies=frozenset({"us"})),
             _cand("us70", "USA", 70_000.0, L, complies=frozenset({"us"})),
             _cand("ca150", "CAN", 150_000.0, L, complies=frozenset({"ca"}))]
    alone = StandardRule("USA", "us", 80_000.0, ())
    sol = cpsat.solve(Problem(_routes(L, b), cands, [], [alone]))
    # the chain ends at the border: start -> 40 -> border (60 km) is enough
    assert (sol.status, sol.objective, sorted(sol.chosen)) == ("optimal", 1.0, ["us40"])
    recog = StandardRule("USA", "us", 80_000.0, ("ca",))
    sol = cpsat.solve(Problem(_routes(L, b), cands, [], [recog]))
    # the chain must reach the first recognized CAN site: only km 70 is within 80 km of km 150
    assert (sol.status, sol.objective, sorted(sol.chosen)) == ("optimal", 2.0,
                                                               ["ca150", "us70"])


def test_spacing_exactly_at_limit_and_one_metre_over() -> None:
    L, b = 200_000.0, 160_000.0
    ok = [_cand("us80", "USA", 80_000.0, L, complies=frozenset({"us"}))]
    rule = StandardRule("USA", "us", 80_000.0, ())
    assert cpsat.solve(Problem(_routes(L, b), ok, [], [rule])).objective == 1.0
    over = [_cand("us80", "USA", 80_000.0, L, complies=frozenset({"us"}))]
    assert cpsat.solve(Problem(_routes(L, 160_001.0), over, [], [rule])).status == "infeasible"


def _chain_ok(chosen: set[str], cands: list[Candidate], L: float, b: float, S: float,
              rec: bool) -> bool:
    """Brute-force spacing rule for USA, written out again, on both directions. Forward (USA
    first): start, chosen US sites, then the first chosen recognized CAN site after the border
    (or the route end) when recognizing, else the border. Reverse (USA last): the last chosen
    recognized CAN site before the border (or the route start) when recognizing, else the
    border, then the US sites, then the end."""
    for route, bb in ((FWD, b), (REV, L - b)):
        pts = sorted((c.at[route].pos_m, c.at[route].offset_m, c.id) for c in cands
                     if c.id in chosen)
        us = [(p, o) for p, o, cid in pts if cid.startswith("us")]
        if route == FWD:
            ca = [(p, o) for p, o, cid in pts if cid.startswith("ca") and p >= bb]
            chain = [(0.0, 0.0), *us, (ca[0] if ca else (L, 0.0)) if rec else (bb, 0.0)]
        else:
            ca = [(p, o) for p, o, cid in pts if cid.startswith("ca") and p <= bb]
            chain = [(ca[-1] if ca else (0.0, 0.0)) if rec else (bb, 0.0), *us, (L, 0.0)]
        if not all(abs(q - p) + o1 + o2 <= S + 1e-6
                   for (p, o1), (q, o2) in itertools.pairwise(chain)):
            return False
    return True


@settings(max_examples=60, deadline=None)
@given(us=st.lists(st.tuples(st.integers(0, 99), st.sampled_from([0, 0, 3])), max_size=5),
       ca=st.lists(st.tuples(st.integers(101, 200), st.booleans()), max_size=3),
       spacing=st.integers(30, 90), rec=st.booleans())
def test_spacing_chain_matches_brute_force(us: list[tuple[int, int]],
                                           ca: list[tuple[int, bool]], spacing: int,
                                           rec: bool) -> None:
    L, b, S = 200.0, 100.0, float(spacing)
    cands = [_cand(f"us{i}", "USA", float(p), L, off=float(o), complies=frozenset({"us"}))
             for i, (p, o) in enumerate(us)]
    cands += [_cand(f"ca{i}", "CAN", float(p), L, existing=ex, complies=frozenset({"ca"}))
              for i, (p, ex) in enumerate(ca)]
    rule = StandardRule("USA", "us", S, ("ca",) if rec else ())
    routes = _routes(L, b)
    fixed = {c.id for c in cands if c.existing}
    free = [c for c in cands if not c.existing]
    best = None
    for r in range(len(free) + 1):
        for sub in itertools.combinations(free, r):
            chosen = fixed | {c.id for c in sub}
            if _chain_ok(chosen, cands, L, b, S, rec):
                best = r if best is None else min(best, r)
    sol = cpsat.solve(Problem(routes, cands, [], [rule]))
    if best is None:
        assert sol.status == "infeasible"
    else:
        assert sol.status == "optimal"
        assert sol.objective == best
        assert _chain_ok(fixed | set(sol.chosen), cands, L, b, S, rec)


def _vehicle_ok(chosen: set[str], cands: list[Candidate], route: str, L: float, b: float,
                rng: float, start: float, wait: float) -> bool:
    pts = sorted((c.at[route].pos_m, c.at[route].offset_m) for c in cands if c.id in chosen)
    reached: list[tuple[float, float]] = []

    def gap(a: tuple[float, float], c: tuple[float, float]) -> float:
        return c[0] - a[0] + a[1] + c[1] + (wait if a[0] < b <= c[0] else 0.0)

    for p in pts:
        if gap((0.0, 0.0), p) <= start + 1e-6 or any(gap(q, p) <= rng + 1e-6 for q in reached):
            reached.append(p)
    return gap((0.0, 0.0), (L, 0.0)) <= start + 1e-6 or any(
        gap(q, (L, 0.0)) <= rng + 1e-6 for q in reached)


@settings(max_examples=40, deadline=None)
@given(sites=st.lists(st.tuples(st.integers(0, 300), st.sampled_from([0, 0, 4]),
                                st.integers(1, 3)), max_size=7),
       rng=st.integers(70, 150), start=st.integers(40, 150), wait_in=st.sampled_from([0, 20]),
       wait_out=st.sampled_from([0, 10]), border=st.integers(1, 299))
def test_two_directions_share_sites(sites: list[tuple[int, int, int]], rng: int, start: int,
                                    wait_in: int, wait_out: int, border: int) -> None:
    """A small network: one line driven both ways (different waits per direction) with shared
    sites; CP-SAT equals brute force over every subset."""
    L, b = 300.0, float(border)
    cands = [_cand(f"s{i}", "USA", float(p), L, cost=float(c), off=float(o),
                   usable=frozenset({"v"})) for i, (p, o, c) in enumerate(sites)]
    veh = VehicleRule("v", "mild", float(rng), float(start), {FWD: float(wait_out),
                                                                REV: float(wait_in)})
    routes = _routes(L, b)
    best = None
    for r in range(len(cands) + 1):
        for sub in itertools.combinations(cands, r):
            chosen = {c.id for c in sub}
            cost = sum(c.options[0].cost for c in sub)
            if (best is None or cost < best) and all(
                    _vehicle_ok(chosen, cands, rs.id, L, rs.border_pos_m, veh.range_m,
                                veh.start_range_m, veh.wait_m(rs.id)) for rs in routes):
                best = cost
    sol = cpsat.solve(Problem(routes, cands, [veh]))
    if best is None:
        assert sol.status == "infeasible"
    else:
        assert (sol.status, sol.objective) == ("optimal", best)
        assert all(_vehicle_ok(set(sol.chosen), cands, rs.id, L, rs.border_pos_m, veh.range_m,
                               veh.start_range_m, veh.wait_m(rs.id)) for rs in routes)


def test_spacing_break_explained() -> None:
    from evcorridor.siting.precheck import describe, standard_stretches

    # US sites only at km 30 and km 150: the 120 km between them breaks an 80 km spacing
    L, b = 300_000.0, 200_000.0
    cands = [_cand("us30", "USA", 30_000.0, L, complies=frozenset({"us"})),
             _cand("us150", "USA", 150_000.0, L, complies=frozenset({"us"}))]
    rule = StandardRule("USA", "us", 80_000.0, ())
    routes = _routes(L, b)
    prob = Problem(routes, cands, [], [rule])
    st = standard_stretches(prob, routes[0], rule)
    assert [describe(s) for s in st] == [
        "x:forward standard:us: us30 (km 30.0, USA) -> us150 (km 150.0, USA): 120.0 km > "
        "80.0 km; fix: a site complying with us between km 70.0 and km 110.0, or a maximum "
        "spacing of at least 120.0 km"]
    assert cpsat.solve(prob).status == "infeasible"
