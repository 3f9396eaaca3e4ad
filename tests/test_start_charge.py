"""The start-charge rule: a vehicle leaves a route start full only where a station it can use is
at the start; otherwise with the scenario's arrival charge (`evcorridor.siting.problem.
endpoint_start`, recomputed independently by `check`). SYNTHETIC corridors (siting_synth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from siting_synth import plan_nacs_car, station

from evcorridor.check import check_plan
from evcorridor.profiles import get_vehicle
from evcorridor.siting.problem import ARRIVAL, START_FULL, endpoint_start

FULL, ARRIVE, LIMIT = 280_000.0, 140_000.0, 5_000.0

stations_st = st.lists(st.tuples(st.sampled_from("abcdef"),
                                 st.floats(0, 20_000), st.floats(0, 8_000)),
                       max_size=6, unique_by=lambda t: t[0])


@settings(deadline=None)
@given(stations_st, st.sampled_from([ARRIVE, None]))
def test_endpoint_start_rule(stations: list[tuple[str, float, float]],
                             arrival: float | None) -> None:
    start, basis = endpoint_start(FULL, arrival, stations, LIMIT)
    near = sorted((p + o, s, p, o) for s, p, o in stations if p + o <= LIMIT)
    assert start <= FULL
    if near:  # the nearest usable station at the start (ties by id) is where it charges
        _d, sid, pos, off = near[0]
        assert (start, basis) == (FULL - max(0.0, off - pos), sid)
    elif arrival is None:
        assert (start, basis) == (FULL, START_FULL)
    else:
        assert (start, basis) == (ARRIVE, ARRIVAL)
    # a station farther than the offset limit never changes the result
    far = [*stations, ("zz", LIMIT + 1.0, 0.0)]
    assert endpoint_start(FULL, arrival, far, LIMIT) == (start, basis)


def _plan(tmp: Path, stations: list[Any], scenario: str = "default") -> Any:
    return plan_nacs_car(tmp, [0, 1, 2, 3, 100, 200, 300.5, 400, 401, 402], stations, scenario)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 8.0), st.floats(0.0, 3000.0)), max_size=3))
def test_plans_follow_the_rule_and_check_agrees(tmp_path_factory: Any,
                                                near_start: list[tuple[float, float]]) -> None:
    # NACS stations near the south end (km 0..8, up to 3 km east of the road); the north end has
    # none, so the reverse route always starts with the arrival charge
    tmp = tmp_path_factory.mktemp("start")
    sts = [station(f"s{i}", km, [("NACS", 4, 250.0)], east_m=east)
           for i, (km, east) in enumerate(near_start)]
    built, plan = _plan(tmp, sts)
    veh = get_vehicle("nacs-car")
    arrival = veh.start_range_m("mild", 0.5)
    rev = next(r for r in plan.routes if r.direction == "reverse").vehicles[0]
    assert rev.start_basis == ARRIVAL and abs(rev.start_range_m - arrival) < 0.1
    fwd = next(r for r in plan.routes if r.direction == "forward").vehicles[0]
    rid = "synthetic-crossing:forward"
    near = sorted((c.at[rid].pos_m + c.at[rid].offset_m, c.id) for c in built.problem.candidates
                  if c.existing and rid in c.at
                  and c.at[rid].pos_m + c.at[rid].offset_m <= 5000.0)
    assert fwd.start_basis == (near[0][1] if near else ARRIVAL)
    assert check_plan(plan, graph=built.graph, inputs=[tmp]).findings == []


def test_check_rejects_a_wrong_start(tmp_path: Path) -> None:
    built, plan = _plan(tmp_path, [station("home", 1.0, [("NACS", 4, 250.0)])])
    fwd = next(r for r in plan.routes if r.direction == "forward").vehicles[0]
    rev = next(r for r in plan.routes if r.direction == "reverse").vehicles[0]
    assert fwd.start_basis == "synth:home" and rev.start_basis == ARRIVAL
    assert check_plan(plan, graph=built.graph, inputs=[tmp_path]).findings == []
    # 1. the far end claimed full: the basis and the start range are both wrong
    rev.start_basis, rev.start_range_m = START_FULL, fwd.start_range_m
    found = [f"{f.rule}: {f.message}" for f in check_plan(plan, graph=built.graph,
                                                          inputs=[tmp_path]).findings]
    assert "start: start basis scenario:start_full in the plan, the start-charge rule gives " \
           "scenario:arrival_charge" in found
    assert any(m.startswith("start: start range ") for m in found)
    # 2. the station at the start ignored: the plan says arrival charge
    built, plan = _plan(tmp_path, [station("home", 1.0, [("NACS", 4, 250.0)])])
    fwd = next(r for r in plan.routes if r.direction == "forward").vehicles[0]
    fwd.start_basis = ARRIVAL
    found = [f"{f.rule}: {f.message}" for f in check_plan(plan, graph=built.graph,
                                                          inputs=[tmp_path]).findings]
    assert "start: start basis scenario:arrival_charge in the plan, the start-charge rule " \
           "gives synth:home" in found


def test_a_scenario_may_say_every_start_is_full(tmp_path: Path) -> None:
    built, plan = _plan(tmp_path, [], scenario="no-wait")  # no-wait: start_full: true
    for r in plan.routes:
        assert [v.start_basis for v in r.vehicles] == [START_FULL]
    assert check_plan(plan, graph=built.graph, inputs=[tmp_path]).findings == []
