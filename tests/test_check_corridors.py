"""`check` against real plans of the embedded corridors (planned here with the siting engine).

The checker itself never imports `evcorridor.siting` (see test_check_arith.py); this test does, to
produce plans. Planning every corridor takes minutes, so by default two corridors are planned once
per module (niagara: US-Canada, two crossings; i19-nogales: US-Mexico); set
EVCORRIDOR_TEST_ALL_CORRIDORS=1 to plan and check all of them.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evcorridor.check import check_plan
from evcorridor.cli import app
from evcorridor.connectors import CONNECTORS
from evcorridor.plan_model import Connector, Plan
from evcorridor.profiles import get_vehicle

DEFAULT = ("niagara", "i19-nogales")
ALL = os.environ.get("EVCORRIDOR_TEST_ALL_CORRIDORS") == "1"


def _corridor_ids() -> list[str]:
    if not ALL:
        return list(DEFAULT)
    from evcorridor.corridors import list_corridors

    return [c.id for c in list_corridors()]


_CACHE: dict[str, Plan] = {}


def planned(corridor_id: str) -> Plan:
    """The default plan of a corridor (all shipped vehicles, default scenario), planned once."""
    if corridor_id not in _CACHE:
        from evcorridor.siting.plan import plan_corridor

        _CACHE[corridor_id] = plan_corridor(corridor_id).plan
    return _CACHE[corridor_id].model_copy(deep=True)


def messages(plan: Plan) -> list[str]:
    return [f"{f.rule}: {f.where}: {f.message}" for f in check_plan(plan).findings]


@pytest.mark.parametrize("corridor_id", _corridor_ids())
def test_embedded_corridor_plan_passes_check(corridor_id: str) -> None:
    plan = planned(corridor_id)
    assert plan.feasible and plan.solver.status == "optimal"
    report = check_plan(plan, label=corridor_id)
    assert report.lines() == []
    assert report.checked["routes"] == len(plan.routes) >= 2
    assert report.checked["gaps"] == sum(len(v.gaps) for r in plan.routes for v in r.vehicles)


def _first_stop(plan: Plan) -> tuple[str, str, str]:
    """(route id, vehicle id, site id) of the first vehicle stop in the plan."""
    for r in plan.routes:
        for v in r.vehicles:
            if v.stops:
                return r.id, v.vehicle, v.stops[0]
    raise AssertionError("the plan has no vehicle stop")


@pytest.mark.parametrize("corridor_id", DEFAULT)
def test_mutated_embedded_plans_are_rejected(corridor_id: str) -> None:
    rid, vid, sid = _first_stop(planned(corridor_id))
    where = f"route {rid}: vehicle {vid}"

    # 1. a stop removed from the vehicle's stop list
    plan = planned(corridor_id)
    run = next(v for r in plan.routes if r.id == rid for v in r.vehicles if v.vehicle == vid)
    run.stops.remove(sid)
    found = messages(plan)
    assert any(m.startswith(f"vehicle: {where}: the plan's gaps (start -> {sid}, ") for m in found)

    # 2. the site removed from the plan altogether
    plan = planned(corridor_id)
    plan.sites = [s for s in plan.sites if s.id != sid]
    found = messages(plan)
    assert f"vehicle: {where}: stop {sid} is not a site of the plan" in found
    assert f"route: route {rid}: site_positions names {sid}, which is not a site of the plan" \
        in found

    # 3. the site moved to a node at least 5 km farther along the route
    plan = planned(corridor_id)
    site = next(s for s in plan.sites if s.id == sid)
    route = next(r for r in plan.routes if r.id == rid)
    at = route.site_positions[sid]
    old = site.node
    site.node = next(n for n, p in _node_positions(plan, rid) if p >= at + 5000.0)
    found = messages(plan)
    assert any(m.startswith(f"route: route {rid}: site {sid}: position {at:.1f} m in the plan, ")
               for m in found), found
    assert any(m.startswith(f"site: site {sid}: (") and "farther than its offset" in m
               for m in found), found
    assert old != site.node

    # 4. its connectors changed to one the vehicle cannot use
    plan = planned(corridor_id)
    vehicle = get_vehicle(vid)
    other = next(c for c in CONNECTORS if c not in vehicle.connectors_usable)
    site = next(s for s in plan.sites if s.id == sid)
    site.connectors = [Connector(type=other, count=max(1, site.ports), max_kw=site.power_kw)]
    found = messages(plan)
    assert any(m.startswith(f"vehicle: {where}: stop {sid} cannot be used by {vid}: no "
                            f"connector {vid} can use") for m in found), found


def _node_positions(plan: Plan, rid: str) -> list[tuple[int, float]]:
    """Cumulative positions of a route's nodes along the reloaded graph (shortest parallel
    edge), computed here so the mutation does not lean on the checker's own arithmetic."""
    from evcorridor.network import load_network

    G = load_network(plan.corridor)
    route = next(r for r in plan.routes if r.id == rid)
    out, pos = [(route.nodes[0], 0.0)], 0.0
    for u, v in itertools.pairwise(route.nodes):
        pos += min(float(d["length"]) for d in G[u][v].values())
        out.append((v, pos))
    return out


def test_n_minus_1_on_an_embedded_corridor() -> None:
    """i19-nogales: the default plan is not resilient to losing a station; the n-1 plan is."""
    plan = planned("i19-nogales")
    plan.parameters["resilience"] = "n-1"
    report = check_plan(plan)
    assert report.checked["resilience_cases"] > 0
    assert any(f.rule == "resilience" and "cannot complete the route" in f.message
               for f in report.findings)

    from evcorridor.siting.build import BuildOptions
    from evcorridor.siting.plan import plan_corridor

    resilient = plan_corridor("i19-nogales", BuildOptions(resilience="n-1")).plan
    assert resilient.feasible and resilient.parameters["resilience"] == "n-1"
    report = check_plan(resilient)
    assert report.lines() == []
    assert report.checked["resilience_cases"] > 0


def test_plan_then_check_on_the_command_line(tmp_path: Path) -> None:
    """`evcorridor plan niagara --out DIR` then `evcorridor check DIR/niagara/plan.json`; a copy
    whose first stop offers only a connector its vehicle cannot use fails with exit 1."""
    runner = CliRunner()
    res = runner.invoke(app, ["plan", "niagara", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    path = tmp_path / "niagara" / "plan.json"
    res = runner.invoke(app, ["check", str(path)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1] == "1 plan(s): 1 passed, 0 failed, 0 unreadable; " \
                                          "0 finding(s)"

    raw = json.loads(path.read_text(encoding="utf-8"))
    plan = Plan.model_validate(raw)
    rid, vid, sid = _first_stop(plan)
    other = next(c for c in CONNECTORS if c not in get_vehicle(vid).connectors_usable)
    for s in raw["sites"]:
        if s["id"] == sid:
            s["connectors"] = [{"type": other, "count": max(1, s["ports"]),
                                "max_kw": s["power_kw"]}]
    bad = tmp_path / "mutated.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    res = runner.invoke(app, ["check", str(bad), "--format", "json"])
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["summary"]["failed"] == 1
    assert any(f["where"] == f"route {rid}: vehicle {vid}"
               and f["message"].startswith(f"stop {sid} cannot be used by {vid}")
               for f in out["plans"][0]["findings"])


def test_corridor_coverage_plan_flows_rederived() -> None:
    """Coverage objective on i19-nogales for the CCS1 car, round trips, budget 0: no flow can
    complete its round trip (it leaves with half a range); with budget 1 every flow can. The
    checker re-derives each flow's covered flag by driving the routes itself."""
    from evcorridor.siting.build import BuildOptions, build
    from evcorridor.siting.plan import plan_built_coverage

    built = build("i19-nogales", BuildOptions())
    for budget, covered in ((0, False), (1, True)):
        plan = plan_built_coverage(built, vehicle="ccs1-long-range-car", budget=budget,
                                   trip="round").plan
        assert plan.coverage is not None
        assert [f.covered for f in plan.coverage.flows] == [covered] * len(plan.coverage.flows)
        report = check_plan(plan)
        assert report.checked["flows"] == len(plan.coverage.flows) == 4
        assert [f for f in report.findings if f.rule == "coverage"] == []
    flow = plan.coverage.flows[0]
    flow.covered = False  # the budget-1 plan covers it
    plan.coverage.covered_flow -= flow.flow
    assert [f"{f.where}: {f.message}" for f in check_plan(plan).findings] == [
        f"flow 1 {flow.origin} -> {flow.destination}: marked not covered but "
        "ccs1-long-range-car completes the trip"]


def test_trucks_cross_only_where_trucks_may_cross() -> None:
    """i19-nogales: DeConcini takes no commercial trucks (registry source), Mariposa does; the
    heavy truck is planned through Mariposa only, and check rejects each way of hiding that."""
    plan = planned("i19-nogales")
    runs = {r.crossing: {v.vehicle for v in r.vehicles} for r in plan.routes}
    assert "heavy-truck-mcs" in runs["nogales-mariposa"]
    assert "heavy-truck-mcs" not in runs["nogales-deconcini"]
    assert "nacs-car" in runs["nogales-deconcini"]
    assert plan.truck_vehicles == ["heavy-truck-mcs"]
    facts = {c.crossing: c.commercial for c in plan.crossing_trucks}
    assert facts == {"nogales-deconcini": "false", "nogales-mariposa": "true"}

    # 1. a truck run copied onto the route through DeConcini
    plan = planned("i19-nogales")
    src = next(r for r in plan.routes if r.id == "nogales-mariposa:forward")
    dst = next(r for r in plan.routes if r.id == "nogales-deconcini:forward")
    dst.vehicles.append(next(v for v in src.vehicles if v.vehicle == "heavy-truck-mcs"))
    assert any(m.startswith("trucks: route nogales-deconcini:forward: heavy-duty vehicle "
                            "heavy-truck-mcs is planned through nogales-deconcini, which does "
                            "not take commercial trucks (commercial: false)")
               for m in messages(plan))

    # 2. the truck run dropped from the commercial crossing
    plan = planned("i19-nogales")
    src = next(r for r in plan.routes if r.id == "nogales-mariposa:reverse")
    src.vehicles = [v for v in src.vehicles if v.vehicle != "heavy-truck-mcs"]
    assert ("route: route nogales-mariposa:reverse: no run for vehicle heavy-truck-mcs"
            in messages(plan))

    # 3. the plan's copy of the registry claims DeConcini takes trucks
    plan = planned("i19-nogales")
    fact = next(c for c in plan.crossing_trucks if c.crossing == "nogales-deconcini")
    fact.commercial = "true"
    assert any(m.startswith("trucks: crossing nogales-deconcini: commercial true in the plan, "
                            "the crossing registry says false") for m in messages(plan))

    # 4. the truck vehicle is not named as one
    plan = planned("i19-nogales")
    plan.truck_vehicles = []
    assert any(m.startswith("trucks: : truck_vehicles [] in the plan") for m in messages(plan))


def test_used_by_names_exactly_the_runs_that_stop_or_start_there() -> None:
    plan = planned("i19-nogales")
    rid, vid, sid = _first_stop(plan)
    site = next(s for s in plan.sites if s.id == sid)
    assert f"{rid}/{vid}" in site.used_by
    unused = [s for s in plan.sites if s.kind == "existing" and not s.used_by]
    # 1. a use dropped
    site.used_by.remove(f"{rid}/{vid}")
    assert any(m.startswith(f"used: site {sid}: used_by ") for m in messages(plan))
    # 2. an available station claimed as used
    if unused:
        plan = planned("i19-nogales")
        spare = next(s for s in plan.sites if s.id == unused[0].id)
        spare.used_by = [f"{rid}/{vid}"]
        assert any(m.startswith(f"used: site {spare.id}: used_by ") for m in messages(plan))


def test_unknown_station_facts_stay_unknown_and_never_comply() -> None:
    plan = planned("niagara")
    unknown = [s for s in plan.sites if s.kind == "existing" and s.power_kw is None]
    assert unknown  # the 2022 AFDC maps give no power: null in the plan, not 50 kW
    assert all(c.max_kw is None for s in unknown for c in s.connectors)
    assert not any(s.complies_with for s in unknown)
    # profiles without station rules are never "complied with"
    assert not any(p in s.complies_with for s in plan.sites
                   for p in ("ca-federal", "mx-cre-a108-2024"))
    runs = [(r.id, v) for r in plan.routes for v in r.vehicles]
    assert all(v.unknown_stops == [sid for sid in v.stops if sid in {s.id for s in unknown}]
               for _, v in runs)
    # 1. a station of unknown power claimed compliant with a 150 kW minimum
    sid = unknown[0].id
    next(s for s in plan.sites if s.id == sid).complies_with = ["us-23cfr680"]
    assert any(m.startswith(f"site: site {sid}: claims to comply with us-23cfr680 but does not")
               and "power unknown" in m for m in messages(plan))
    # 2. a profile with no station rules claimed
    plan = planned("niagara")
    site = next(s for s in plan.sites if s.kind == "new" or s.kind == "upgrade")
    site.complies_with = sorted([*site.complies_with, "ca-federal"])
    assert (f"site: site {site.id}: claims to comply with ca-federal, which has no station rules"
            in messages(plan))
    # 3. a stop resting on an unknown not named as such
    plan = planned("niagara")
    on_unknown = [(rid, v) for rid, v in ((r.id, v) for r in plan.routes for v in r.vehicles)
                  if v.unknown_stops]
    if on_unknown:
        rid, run = on_unknown[0]
        run.unknown_stops = []
        assert any(m.startswith(f"unknown: route {rid}: vehicle {run.vehicle}: unknown_stops []")
                   for m in messages(plan))
