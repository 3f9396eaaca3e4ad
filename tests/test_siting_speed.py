"""The speed-ups of the cost model change no optimum (SYNTHETIC problems, made-up numbers):
leaving implied vehicles out of the model, the path-DP warm start, the light presolve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run
from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.cli.options import processes_for
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
from evcorridor.siting.warmstart import greedy_choice

LENGTH, BORDER = 400.0, 230.0
FWD, REV = "x:forward", "x:reverse"
VEHICLES = ("a", "b", "c")


def problem(sites: list[tuple[int, int, int, int]], ranges: list[int], waits: list[int],
            spacing: int | None) -> Problem:
    """Two directions of one route sharing the sites; each site: (km, offset, cost, mask) with
    `mask` picking which vehicles its first design serves (the second design serves all, at
    twice the cost); existing stations when the cost is 0."""
    routes = [RouteSpec(FWD, "x", "forward", LENGTH, BORDER, "USA", "CAN", 10.0),
              RouteSpec(REV, "x", "reverse", LENGTH, LENGTH - BORDER, "CAN", "USA", 20.0)]
    cands = []
    for i, (km, off, cost, mask) in enumerate(sites):
        users = frozenset(v for j, v in enumerate(VEHICLES) if mask >> j & 1)
        country = "USA" if km < BORDER else "CAN"
        profile = frozenset({"us"}) if mask & 1 else frozenset()
        at = {FWD: Placement(float(km), float(off)),
              REV: Placement(LENGTH - km, float(off))}
        if cost == 0:
            opts = (Option("existing", "existing", 0.0, users, profile),
                    Option("upgrade", "upgrade", 1.0, frozenset(VEHICLES), frozenset({"us"})))
        else:
            opts = (Option("new", "standard", float(cost), users, profile),
                    Option("new", "standard+all", 2.0 * cost, frozenset(VEHICLES),
                           frozenset({"us"})))
        cands.append(Candidate(f"s{i:02d}", country, at, opts, existing=cost == 0))
    vehicles = [VehicleRule(v, "mild", float(r), float(r), {FWD: float(w), REV: 2.0 * w})
                for v, r, w in zip(VEHICLES, ranges, waits, strict=True)]
    standards = [StandardRule("USA", "us", None if spacing is None else float(spacing)),
                 StandardRule("CAN", "ca", None)]
    return Problem(routes, cands, vehicles, standards)


site = st.tuples(st.integers(0, 400), st.sampled_from([0, 0, 3]), st.integers(0, 3),
                 st.integers(0, 7))


@settings(max_examples=40, deadline=None)
@given(sites=st.lists(site, min_size=1, max_size=9),
       ranges=st.lists(st.integers(90, 200), min_size=3, max_size=3),
       waits=st.lists(st.sampled_from([0, 5, 12]), min_size=3, max_size=3),
       spacing=st.sampled_from([None, None, 120]))
def test_speed_ups_keep_the_optimum(sites: list[tuple[int, int, int, int]], ranges: list[int],
                                    waits: list[int], spacing: int | None) -> None:
    p = problem(sites, ranges, waits, spacing)
    plain = cpsat.solve(p, time_limit_s=20, hint=False, drop_implied=False)
    fast = cpsat.solve(p, time_limit_s=20)
    assert fast.status == plain.status
    assert fast.objective == plain.objective
    if fast.status == "optimal":
        again = cpsat.solve(p, time_limit_s=20)
        assert again.chosen == fast.chosen  # deterministic
        # the fast model's plan meets every vehicle's rule: the full model accepts it
        check = cpsat.solve(p, time_limit_s=20, hint=False, drop_implied=False)
        assert check.objective == fast.objective


def test_implied_vehicle_left_out_and_hint_is_the_optimum() -> None:
    # a (range 150) can use only the site at km 150; b (range 200) can use every site: b is
    # implied by a on both directions, so only a's reach constraints are in the model
    sites = [(150, 0, 2, 0b111), (100, 0, 1, 0b110), (300, 0, 1, 0b110), (250, 0, 3, 0b111)]
    p = problem(sites, [150, 200, 150], [0, 0, 0], None)
    for route in p.routes:
        assert [v.id for v in cpsat.modelled_vehicles(p, route, set(), {})] == ["a"]
    assert cpsat.implies(p, p.routes[0], p.vehicles[0], p.vehicles[1])
    assert not cpsat.implies(p, p.routes[0], p.vehicles[1], p.vehicles[0])
    sol = cpsat.solve(p, time_limit_s=10)
    # a: start -> 150 (s00, 2) -> 300 (s02's all-vehicle design, 2) -> end; 100 km back
    assert sol.status == "optimal" and sol.objective == 4.0
    assert sol.chosen == {"s00": 0, "s02": 1}
    assert sol.model_size["implied_vehicle_runs"] == 4  # b and c, both directions
    assert greedy_choice(p) == {0: 0, 2: 1}


def test_corridors_in_parallel_processes_give_the_same_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = ["i91-stanstead", "i95-houlton", "i29-red-river"]
    for workers in ("1", "2"):
        code, _, err = run(["plan", *ids, "--out", str(tmp_path / workers), "--quiet",
                            "--workers", workers], capsys)
        assert code == 0, err
    for cid in ids:
        for name in ("plan.json", "sites.geojson", "sites.csv"):
            assert (tmp_path / "1" / cid / name).read_bytes() == \
                (tmp_path / "2" / cid / name).read_bytes()
        logs = [json.loads((tmp_path / w / cid / "solve-log.json").read_text()) for w in "12"]
        assert [log["processes"] for log in logs] == [1, 2]
        plan = json.loads((tmp_path / "2" / cid / "plan.json").read_text())
        assert plan["solver"]["name"] == "cp-sat" and plan["solver"]["status"] == "optimal"
        assert plan["solver"]["parameters"]["num_workers"] == 1  # CP-SAT, one per process
        assert plan["solver"]["best_bound"] == plan["solver"]["objective"]


def test_processes_for() -> None:
    assert processes_for(1, None) == 1 and processes_for(1, 4) == 1
    assert processes_for(16, 3) == 3 and processes_for(2, 8) == 2
    assert 1 <= processes_for(16, None) <= 16
