"""Plans on a SYNTHETIC straight corridor (tests/siting_synth.py) with the shipped profiles, and
on the embedded corridors. The synthetic highway, its exits and its stations are made up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from siting_synth import line_corridor, station

from evcorridor.check import check_plan
from evcorridor.profiles import get_profile_set, get_standard, get_vehicle, list_vehicles
from evcorridor.scenarios import get_cost_model, get_scenario
from evcorridor.siting.build import BuildOptions, Built, build_from_graph
from evcorridor.siting.plan import PlanOutcome, plan_built, plan_corridor, write_outputs
from evcorridor.siting.precheck import describe, vehicle_stretches
from evcorridor.stations.normalized import write_stations


def _built(marks: list[float], border_km: float, stations: list[Any], vehicles: list[str], *,
           scenario: str = "no-wait", profile_set: str = "na-2023",
           tmp: Path | None = None, min_spacing_m: float = 2000.0,
           start_full: bool = False) -> Built:
    """The SYNTHETIC line corridor; stations are written to `tmp`/stations.csv so that the
    checker can reload them from the plan's inputs."""
    cor, G, routes = line_corridor(marks, border_km)
    source: str | Path = "embedded"
    if stations:
        assert tmp is not None
        source = tmp / "stations.csv"
        write_stations(source, stations)
    pset = get_profile_set(profile_set)
    stds: dict[str, Any] = {}
    todo = list(pset.profiles.values())
    while todo:
        pid = todo.pop()
        if pid not in stds:
            stds[pid] = get_standard(pid)
            todo.extend(stds[pid].recognizes)
    return build_from_graph(cor, G, routes, stations, profile_set=pset,
                            vehicles=[get_vehicle(v) for v in vehicles],
                            scenario=get_scenario(scenario).model_copy(
                                update={"start_full": True}) if start_full
                            else get_scenario(scenario), cost_model=get_cost_model("default"),
                            standards=stds, options=BuildOptions(scenario=scenario,
                                                                 profile_set=profile_set,
                                                                 stations=source,
                                                                 min_spacing_m=min_spacing_m))


def _plan(built: Built) -> PlanOutcome:
    out = plan_built(built)
    return out


def _new_site_kms(built: Built) -> list[float]:
    rid = "synthetic-crossing:forward"
    return sorted(c.at[rid].pos_m / 1000 for c in built.problem.candidates if not c.existing)


def test_interchange_candidates_thinned_by_minimum_spacing() -> None:
    # exits at km 0, 1, 1.5, 3, 3.9, 5, 8 and 101, 102.5 (border at km 100): scanning in route
    # order, an exit is kept when it is at least the minimum spacing past the last kept one
    marks = [0, 1, 1.5, 3, 3.9, 5, 8, 101, 102.5]
    assert _new_site_kms(_built(marks, 100.0, [], ["nacs-car"])) == [0, 3, 5, 8, 101]
    assert _new_site_kms(_built(marks, 100.0, [], ["nacs-car"], min_spacing_m=0.0)) == marks
    assert _new_site_kms(_built(marks, 100.0, [], ["nacs-car"], min_spacing_m=4000.0)) == [
        0, 5, 101]


def test_usable_existing_station_is_reused_and_checked(tmp_path: Path) -> None:
    # nacs-car range 283.7 km (mild); a 400 km line, exits every 100 km, border at km 300;
    # an existing NACS station (4 x 250 kW) at the km 200 exit: no new site needed.
    built = _built([0, 100, 200, 300.5, 400], 300.0,
                   [station("nacs200", 200, [("NACS", 4, 250.0)])], ["nacs-car"], tmp=tmp_path)
    out = _plan(built)
    p = out.plan
    assert (p.solver.status, p.solver.objective, p.feasible) == ("optimal", 0.0, True)
    assert [(s.id, s.kind) for s in p.sites] == [("synth:nacs200", "existing")]
    fwd = next(r for r in p.routes if r.direction == "forward").vehicles[0]
    assert fwd.stops == ["synth:nacs200"]
    assert [g.length_m for g in fwd.gaps] == [200000.0, 200000.0]
    assert check_plan(p, graph=built.graph, inputs=[tmp_path]).findings == []


def _sites(n: float) -> float:
    """`n` new standard car sites in the default cost model's currency (upgrade 1/2)."""
    return n * get_cost_model("default").new_site


def test_connector_incompatible_station_does_not_count(tmp_path: Path) -> None:
    # the same station offering only CHAdeMO: nacs-car (NACS, CCS1 adapter) cannot use it, so
    # the plan upgrades it (0.5) rather than building new (1.0)
    built = _built([0, 100, 200, 300.5, 400], 300.0,
                   [station("chademo200", 200, [("CHAdeMO", 2, 50.0)])], ["nacs-car"],
                   tmp=tmp_path)
    p = _plan(built).plan
    assert (p.solver.status, p.solver.objective) == ("optimal", _sites(0.5))
    assert [(s.id, s.kind) for s in p.sites] == [("synth:chademo200", "upgrade")]
    assert "CCS1" in [c.type for c in p.sites[0].connectors]
    assert p.existing.reasons["nacs-car: no connector nacs-car can use (NACS, CCS1)"] == 1
    assert (p.existing.qualified, p.existing.upgraded) == (0, 1)
    assert check_plan(p, graph=built.graph, inputs=[tmp_path]).findings == []


def test_infeasible_stretch_named_with_fix() -> None:
    # exits at 0, 50, 100, 400, 450, 500 km: 300 km between km 100 and km 400 > 283.7 km
    built = _built([0, 50, 100, 400, 450, 500], 250.0, [], ["nacs-car"])
    route = built.problem.routes[0]
    st = vehicle_stretches(built.problem, route, built.problem.vehicles[0])
    assert len(st) == 1
    assert describe(st[0]) == (
        "synthetic-crossing:forward vehicle:nacs-car: X100 (km 100.0, USA) -> X400 (km 400.0, "
        "CAN): 300.0 km > 283.7 km; fix: a site usable by nacs-car between km 116.3 and "
        "km 383.7, or a vehicle with at least 300.0 km range")
    p = _plan(built).plan
    assert p.feasible is False and p.solver.status == "infeasible"
    assert p.solver.objective is None
    infs = [(i.route, i.from_label, i.to_label, i.length_m, i.limit_m) for i in p.infeasibilities]
    assert infs == [("synthetic-crossing:forward", "X100", "X400", 300000.0, 283745.1),
                    ("synthetic-crossing:reverse", "X400", "X100", 300000.0, 283745.1)]
    run = next(r for r in p.routes if r.direction == "forward").vehicles[0]
    assert run.feasible is False
    assert min(g.slack_m for g in run.gaps) == pytest.approx(283745.1 - 300000.0, abs=0.2)


def test_border_wait_needs_one_more_station() -> None:
    # heavy-truck-mcs: 240.6 km range (mild); exits every 40 km on a 480 km line, border at
    # km 250. Without a wait one MCS site at km 240 covers both directions (240 km each side).
    # The default scenario's waits (15 min out of / 30 min into the USA at 3 kW idle: 0.63 km /
    # 1.27 km) push the leg spanning the border over the range: two sites are needed. (Both
    # start full, so that only the wait differs: see test_start_charge for the arrival charge.)
    marks = [float(k) for k in range(0, 481, 40)]
    no_wait = _plan(_built(marks, 250.0, [], ["heavy-truck-mcs"], scenario="no-wait")).plan
    waits = _plan(_built(marks, 250.0, [], ["heavy-truck-mcs"], scenario="default",
                         start_full=True)).plan
    fwd = next(r for r in no_wait.routes if r.direction == "forward").vehicles[0]
    assert fwd.stops == ["new-i0-at-x240"]  # km 240 (SYNTHETIC waypoint label X240 on I0)
    # one new truck-designed site (USD): the standard design 567,772 + 4 MCS lanes x (dispenser
    # 141,943 + truck bay 60,000) + grid band step 600,000 - 150,000 (600 -> 2,000 kW)
    assert no_wait.solver.objective == 1_825_544.0
    assert no_wait.sites[0].truck_access == "true"
    assert no_wait.sites[0].truck_access_basis.startswith("new truck-designed site")
    fwd_w = next(r for r in waits.routes if r.direction == "forward")
    assert fwd_w.border_wait_min == 15.0
    assert len(fwd_w.vehicles[0].stops) == 2
    assert waits.solver.objective == 2 * 1_825_544.0


def test_outputs_deterministic_and_written(tmp_path: Path) -> None:
    built = _built([float(k) for k in range(0, 601, 25)], 333.0,
                   [station("a", 150, [("CCS1", 4, 150.0)], east_m=400),
                    station("b", 425, [("NACS", 8, 250.0)], country="CAN")],
                   ["ccs1-long-range-car", "heavy-truck-mcs", "nacs-car"], tmp=tmp_path)
    a = write_outputs(plan_built(built), tmp_path / "a")
    b = write_outputs(plan_built(built), tmp_path / "b")
    for name in ("plan.json", "sites.geojson", "sites.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    plan = json.loads((a / "plan.json").read_text())
    assert plan["solver"]["wall_time_s"] is None
    assert json.loads((a / "solve-log.json").read_text())["wall_time_s"] >= 0
    gj = json.loads((a / "sites.geojson").read_text())
    assert len(gj["features"]) == len(plan["sites"])
    assert (a / "sites.csv").read_text().count("\n") == len(plan["sites"]) + 1


def test_n1_resilience_survives_any_single_outage() -> None:
    built = _built([float(k) for k in range(0, 501, 25)], 260.0, [], ["nacs-car"])
    built.problem.resilience = "n-1"
    built.options.resilience = "n-1"
    p = _plan(built).plan
    assert p.feasible and p.solver.status == "optimal"
    base = _plan(_built([float(k) for k in range(0, 501, 25)], 260.0, [], ["nacs-car"])).plan
    assert p.solver.objective is not None and base.solver.objective is not None
    assert p.solver.objective > base.solver.objective
    assert check_plan(p, graph=built.graph).findings == []


EMBEDDED = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "data" / "networks")
                  .glob("*.graphml.gz"))


@pytest.mark.slow
@pytest.mark.parametrize("corridor", [c.replace(".graphml", "") for c in EMBEDDED])
def test_embedded_corridor_plans_optimal_for_every_vehicle(corridor: str) -> None:
    out = plan_corridor(corridor, BuildOptions())
    p = out.plan
    assert p.solver.status == "optimal", out.log
    assert p.feasible
    assert sorted({vr.vehicle for r in p.routes for vr in r.vehicles}) == sorted(
        v.id for v in list_vehicles())
    assert all(vr.feasible for r in p.routes for vr in r.vehicles)
    assert check_plan(p).findings == []


@pytest.mark.slow
def test_embedded_plan_bytes_identical_across_runs(tmp_path: Path) -> None:
    a = write_outputs(plan_corridor("i19-nogales"), tmp_path / "a")
    b = write_outputs(plan_corridor("i19-nogales"), tmp_path / "b")
    for name in ("plan.json", "sites.geojson", "sites.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_station_off_the_route_hangs_off_the_nearest_route_node(tmp_path: Path) -> None:
    """A SYNTHETIC spur: node 9000 is 3 km east of the km 200 node; a station sits on it."""
    import networkx as nx

    from evcorridor.siting import build as build_mod

    cor, G, routes = line_corridor([0, 100, 200, 300.5, 400], 300.0)
    junction = 1002  # the km 200 node
    st = station("spur", 200, [("NACS", 4, 250.0)], east_m=3000.0)
    G.add_node(9000, x=st.lon, y=st.lat, country="USA", label="SPUR", interchange=True,
               crossing="")
    for u, v in ((junction, 9000), (9000, junction)):
        G.add_edge(u, v, length=3000.0, highway="primary", ref="SR-1", country="USA",
                   synthetic=True)
    assert isinstance(G, nx.MultiDiGraph)
    path = tmp_path / "stations.csv"
    write_stations(path, [st])
    pset = get_profile_set("na-2023")
    stds = {pid: get_standard(pid) for pid in pset.profiles.values()}
    built = build_mod.build_from_graph(
        cor, G, routes, [st], profile_set=pset, vehicles=[get_vehicle("nacs-car")],
        scenario=get_scenario("no-wait"), cost_model=get_cost_model("default"), standards=stds,
        options=BuildOptions(scenario="no-wait", stations=path))
    cand = next(c for c in built.problem.candidates if c.id == "synth:spur")
    assert cand.node == junction
    # snapped to the spur node (0 m straight-line, circuity 1.3 -> 0) plus 3 km of road
    assert cand.at["synthetic-crossing:forward"] == build_mod.Placement(200_000.0, 3000.0)
    assert cand.at["synthetic-crossing:reverse"] == build_mod.Placement(200_000.0, 3000.0)
    p = plan_built(built).plan
    fwd = next(r for r in p.routes if r.direction == "forward").vehicles[0]
    assert fwd.stops == ["synth:spur"]
    assert [g.length_m for g in fwd.gaps] == [203000.0, 203000.0]  # the offset counts each way


def test_n1_infeasible_names_the_single_point_of_failure() -> None:
    # exits at km 0, 200 and 400 only: every trip needs the km 200 site (nacs-car, 283.7 km)
    built = _built([0, 200, 300.5, 400], 300.0, [], ["nacs-car"])
    built.problem.resilience = "n-1"
    built.options.resilience = "n-1"
    p = _plan(built).plan
    assert (p.feasible, p.solver.status) == (False, "infeasible")
    fixes = sorted({i.fix for i in p.infeasibilities})
    assert fixes[0].startswith("without X200 (km 200.0) the vehicle is stranded: a second site "
                               "usable by nacs-car between km ")
    assert {i.route for i in p.infeasibilities} == {"synthetic-crossing:forward",
                                                    "synthetic-crossing:reverse"}


def _built_with(scenario: Any, marks: list[float], border_km: float, vehicle: str) -> Built:
    """The SYNTHETIC line corridor under a scenario object (not a shipped file)."""
    cor, G, routes = line_corridor(marks, border_km)
    pset = get_profile_set("na-2023")
    stds = {pid: get_standard(pid) for pid in ("us-23cfr680", "ca-federal")}
    return build_from_graph(cor, G, routes, [], profile_set=pset,
                            vehicles=[get_vehicle(vehicle)], scenario=scenario,
                            cost_model=get_cost_model("default"), standards=stds,
                            options=BuildOptions())


def test_scenario_start_soc_and_per_crossing_direction_waits_reach_the_rules() -> None:
    # nacs-car: 75 kWh, 0.2765 kWh/mi (5.8204 km/kWh), arrive with 15 %, idle 1.5 kW (SYNTHETIC
    # line, scenario built here). Start at 50 %: 75 x 0.35 kWh = 152.79 km to the first charge.
    # Crossing override: 40 min into the USA (1.0 kWh = 5.82 km), 10 min out (0.25 kWh = 1.46 km).
    from evcorridor.scenarios import BorderWait, Scenario, Wait

    scen = Scenario(id="half", title="SYNTHETIC", climate="mild", start_soc=0.5,
                    border_wait_min=BorderWait(default=Wait(into_usa=0, out_of_usa=0),
                                               crossings={"synthetic-crossing": Wait(
                                                   into_usa=40, out_of_usa=10)}))
    marks = [float(k) for k in range(0, 401, 50)]
    built = _built_with(scen, marks, 250.0, "nacs-car")
    (rule,) = built.problem.vehicles
    assert rule.range_m == pytest.approx(283_745.1, abs=0.1)
    assert rule.start_range_m == pytest.approx(152_785.8, abs=0.1)
    assert rule.wait_m("synthetic-crossing:forward") == pytest.approx(1_455.1, abs=0.1)
    assert rule.wait_m("synthetic-crossing:reverse") == pytest.approx(5_820.4, abs=0.1)
    assert built.routes["synthetic-crossing:reverse"].border_wait_min == 40.0
    # full start (80 %, 283.7 km): the km 200 exit alone serves both directions; at 50 % the
    # first stop must be within 152.8 km of each end (km <= 150 and km >= 300): two sites
    half = plan_built(built).plan
    full = plan_built(_built_with(scen.model_copy(update={"start_soc": None}), marks, 250.0,
                                  "nacs-car")).plan
    assert (half.solver.status, full.solver.status) == ("optimal", "optimal")
    assert full.solver.objective == _sites(1)  # km 200: 200 km from the south end, 200 north
    assert half.solver.objective == _sites(2)
    for r in half.routes:
        assert r.vehicles[0].gaps[0].length_m <= 152_785.8


def test_corridor_without_a_commercial_crossing_says_so(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """I-5 Cascadia through Peace Arch only (its registry row: no commercial trucks): the heavy
    truck gets no run, the plan is infeasible and names why; the cars are still planned, and
    check agrees."""
    import shutil

    from evcorridor.settings import get_settings

    configs = tmp_path / "configs"
    shutil.copytree(Path(__file__).resolve().parents[1] / "configs", configs)
    f = configs / "corridors" / "i5-cascadia.yaml"
    f.write_text(f.read_text().replace("crossings: [blaine-peace-arch, blaine-pacific-highway]",
                                       "crossings: [blaine-peace-arch]"))
    monkeypatch.setenv("EVCORRIDOR_CONFIGS_DIR", str(configs))
    get_settings.cache_clear()
    try:
        p = plan_corridor("i5-cascadia", BuildOptions()).plan
        assert not p.feasible and p.solver.status == "infeasible"
        assert {vr.vehicle for r in p.routes for vr in r.vehicles} == {
            "ccs1-long-range-car", "nacs-car", "pickup"}
        (inf,) = [i for i in p.infeasibilities if i.rule == "vehicle:heavy-truck-mcs"]
        assert inf.fix.startswith("no crossing of this corridor is known to process commercial "
                                  "trucks (blaine-peace-arch: commercial false)")
        # an infeasible plan never passes check; the only finding is the named infeasibility
        assert [(f.rule, "commercial" in f.message) for f in check_plan(p).findings] == [
            ("status", True)]
        # hiding it is caught
        p.infeasibilities = [i for i in p.infeasibilities if i is not inf]
        assert any(f.rule == "trucks" and "does not say so" in f.message
                   for f in check_plan(p).findings)
    finally:
        get_settings.cache_clear()
