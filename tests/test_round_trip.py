"""`plan --trip round` for the cost objective: each route is driven out and back; at a far end
without a station the vehicle can use, the charge it arrives with carries into the way back.
SYNTHETIC line corridors (tests/siting_synth.py: a made-up straight highway, border at km 300),
the nacs-car (usable range 283.7 km, arrival charge 152.8 km in the default scenario)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from siting_synth import plan_nacs_car, station

from evcorridor.check import check_plan
from evcorridor.siting.problem import (
    ROUND,
    Placement,
    RouteSpec,
    VehicleRule,
    round_trip,
    wait_between,
)

HOME = [station("home", 0.0, [("NACS", 4, 250.0)])]  # a usable station at the US end only
LINE = [0, 100, 150, 200, 300.5, 340]  # km marks; the far (Canadian) end at km 340


def _findings(built: Any, plan: Any, tmp: Path) -> list[str]:
    return [f"{f.rule}: {f.where}: {f.message}"
            for f in check_plan(plan, graph=built.graph, inputs=[tmp]).findings]


def _run(plan: Any, direction: str) -> Any:
    return next(r for r in plan.routes if r.direction == direction).vehicles[0]


def test_a_round_trip_needs_a_station_one_way_does_not(tmp_path: Path) -> None:
    b1, one = plan_nacs_car(tmp_path / "a", LINE, HOME, "default")
    b2, rnd = plan_nacs_car(tmp_path / "b", LINE, HOME, "default", "round")
    assert one.parameters["trip"] == "one-way" and rnd.parameters["trip"] == "round"
    new_one = sorted(s.id for s in one.sites if s.kind == "new")
    new_rnd = sorted(s.id for s in rnd.sites if s.kind == "new")
    # one way: the car leaves home full (283.7 km), stops at km 200, reaches km 340; the
    # reverse leaves km 340 with 152.8 km and stops at km 200 (140 km), then 200 km home
    assert new_one == ["new-i0-at-x200"]
    # round trip from home: no station at km 340, so it must get back from there on what it
    # has: km 100 -> 340 -> 300.5 (279.5 km) and km 300.5 -> 100 -> 0
    assert new_rnd == ["new-i0-at-x100", "new-i0-at-x300"]
    assert rnd.solver.objective is not None and one.solver.objective is not None
    assert rnd.solver.objective > one.solver.objective
    fwd, rev = _run(rnd, "forward"), _run(rnd, "reverse")
    assert fwd.turn_basis == "carried" and rev.turn_basis == "synth:home"
    assert fwd.round_trip is not None and rev.round_trip is None
    assert fwd.round_trip.out_stops == ["new-i0-at-x100"]
    assert fwd.round_trip.back_stops == ["new-i0-at-x300", "new-i0-at-x100"]
    # km 100 -> 340 -> 300.5 is 279.5 km, plus the wait into Canada (2182.7 m of idling; the
    # way back reaches the border at km 380 of the trip, after this stop)
    gap = fwd.round_trip.gaps[1]
    assert (gap.length_m, gap.border_wait_m) == (279500.0 + 2182.7, 2182.7)
    assert fwd.round_trip.gaps[-1].to_pos_m == 680000.0  # home again: 2 x 340 km
    assert _run(one, "forward").turn_basis is None and _run(one, "forward").round_trip is None
    assert rnd.feasible and _findings(b2, rnd, tmp_path / "b") == []
    assert one.feasible and _findings(b1, one, tmp_path / "a") == []


def test_round_trip_used_by_counts_the_way_back(tmp_path: Path) -> None:
    _b, rnd = plan_nacs_car(tmp_path, LINE, HOME, "default", "round")
    x300 = next(s for s in rnd.sites if s.id == "new-i0-at-x300")
    assert "synthetic-crossing:forward/nacs-car" in x300.used_by


def test_check_flags_round_trip_mutations(tmp_path: Path) -> None:
    def fresh() -> tuple[Any, Any, Any]:
        built, plan = plan_nacs_car(tmp_path, LINE, HOME, "default", "round")
        return built, plan, _run(plan, "forward")

    built, plan, fwd = fresh()
    # 1. the stop on the way back dropped: a gap of the round trip is over the range
    fwd.round_trip.back_stops = ["new-i0-at-x100"]
    found = _findings(built, plan, tmp_path)
    assert any(f.startswith("trip: ") and "over 283745.1 m" in f for f in found), found
    # 2. the far end said to have a station
    built, plan, fwd = fresh()
    fwd.turn_basis = "synth:home"
    found = _findings(built, plan, tmp_path)
    assert any("far-end basis synth:home in the plan, the start-charge rule at North End "
               "gives carried" in f for f in found), found
    # 3. the round trip left out
    built, plan, fwd = fresh()
    fwd.round_trip = None
    found = _findings(built, plan, tmp_path)
    assert any("no round trip although no station" in f for f in found), found
    # 4. the plan says one way but carries round trips
    built, plan, fwd = fresh()
    plan.parameters["trip"] = "one-way"
    found = _findings(built, plan, tmp_path)
    assert any("a one-way plan gives a far-end basis or a round trip" in f for f in found)
    # 5. the site the way back needs removed (the run lists are left as they were)
    built, plan, fwd = fresh()
    plan.sites = [s for s in plan.sites if s.id != "new-i0-at-x300"]
    for r in plan.routes:
        r.site_positions.pop("new-i0-at-x300", None)
    found = _findings(built, plan, tmp_path)
    assert any("round trip marked feasible but no stop sequence" in f for f in found), found
    # 6. a one-way plan's run given a round trip
    b1, one = plan_nacs_car(tmp_path / "one", LINE, HOME, "default")
    _run(one, "forward").turn_basis = "carried"
    assert any(f.startswith("trip: ") for f in _findings(b1, one, tmp_path / "one"))


def test_an_uncoverable_round_trip_is_named(tmp_path: Path) -> None:
    # the last interchange is km 300.5 (the far end, km 445, is none); from there to km 445
    # and back is 289 km > 283.7 km, while one way each direction is within range
    marks = [0, 100, 200, 300.5, 445]
    exits = {0, 100, 200, 300.5}
    _b1, one = plan_nacs_car(tmp_path / "a", marks, HOME, "default", exits=exits)
    built, rnd = plan_nacs_car(tmp_path / "b", marks, HOME, "default", "round", exits)
    assert one.feasible
    assert not rnd.feasible and rnd.solver.status == "infeasible"
    trips = [i for i in rnd.infeasibilities if i.route == "synthetic-crossing:forward" + ROUND]
    assert trips and trips[0].rule == "vehicle:nacs-car"
    assert trips[0].length_m > trips[0].limit_m
    # check finds the plan infeasible too: the status and the over-long gap of the round trip
    # (km 300.5 -> 445 -> 300.5), nothing else
    found = _findings(built, rnd, tmp_path / "b")
    assert all(f.startswith(("status: ", "trip: ")) for f in found), found
    assert ("trip: route synthetic-crossing:forward: vehicle nacs-car: round trip: gap "
            "new-i0-at-x300 -> new-i0-at-x300 is 289000.0 m, over 283745.1 m by 5254.9 m"
            in found), found


def test_round_trip_with_n1_is_refused(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from cli_run import run

    code, _out, err = run(["plan", "i5-cascadia", "--trip", "round", "--resilience", "n-1",
                           "--out", str(tmp_path)], capsys)
    assert code == 2
    assert "--trip round with --resilience n-1 is not modelled" in err


marks_st = st.lists(st.sampled_from([20.0, 60.0, 100.0, 140.0, 180.0, 220.0, 260.0, 320.0,
                                     360.0, 400.0]), min_size=2, max_size=7, unique=True)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marks=marks_st, far=st.sampled_from([340.0, 380.0, 420.0]),
       home=st.booleans(), away=st.booleans())
def test_round_trip_is_one_way_both_ways_and_costs_no_less(
        tmp_path_factory: Any, marks: list[float], far: float, home: bool, away: bool) -> None:
    tmp = tmp_path_factory.mktemp("round")
    km = sorted({0.0, far, *(m for m in marks if m < far)})
    sts = ([station("home", 0.0, [("NACS", 4, 250.0)])] if home else []) + (
        [station("away", far, [("NACS", 4, 250.0)], country="CAN")] if away else [])
    _b1, one = plan_nacs_car(tmp / "a", km, sts, "default")
    b2, rnd = plan_nacs_car(tmp / "b", km, sts, "default", "round")
    assert _findings(b2, rnd, tmp / "b") == [] or not rnd.feasible
    if rnd.feasible:
        assert one.feasible
        # every one-way run of the round-trip plan is within range, both directions
        assert all(v.feasible for r in rnd.routes for v in r.vehicles)
        assert rnd.solver.objective is not None and one.solver.objective is not None
        assert rnd.solver.objective >= one.solver.objective - 1e-6
    if home and away:  # a station at both ends: the round trip is two one-way trips
        assert all(v.round_trip is None and v.turn_basis is not None
                   for r in rnd.routes for v in r.vehicles)
        assert rnd.feasible == one.feasible
        if one.feasible:
            assert rnd.solver.objective == one.solver.objective


def test_wait_between_and_round_trip_spec() -> None:
    out = RouteSpec("x:forward", "x", "forward", 100.0, 40.0, "USA", "CAN", 10.0, "A", "B")
    back = RouteSpec("x:reverse", "x", "reverse", 100.0, 60.0, "CAN", "USA", 20.0, "B", "A")
    t = round_trip(out, back)
    assert (t.id, t.length_m, t.borders, t.start_label, t.end_label) == (
        "x:forward:round", 200.0, (40.0, 160.0), "A", "A")
    v = VehicleRule("car", "mild", 300.0, 150.0, {"x:forward": 3.0, "x:reverse": 5.0},
                    trips=frozenset({t.id}))
    waits = v.waits(t)
    assert waits == ((40.0, 3.0), (160.0, 5.0))
    assert wait_between(waits, 0.0, 40.0) == 3.0
    assert wait_between(waits, 40.0, 159.0) == 0.0
    assert wait_between(waits, 39.0, 160.0) == 8.0
    assert v.on(t.id) and not v.on("y:forward:round") and v.on("x:forward")
    assert Placement(1.0, 0.0).pos_m == 1.0


@pytest.mark.parametrize("trip", ["one-way", "round"])
def test_plan_records_the_trip_mode(tmp_path: Path, trip: str) -> None:
    _b, plan = plan_nacs_car(tmp_path, LINE, HOME, "default", trip)
    assert plan.parameters["trip"] == trip
