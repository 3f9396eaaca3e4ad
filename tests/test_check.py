"""`evcorridor check` on hand-made plans over a SYNTHETIC corridor (not real data).

The synthetic corridor `synth-corridor` is a straight 550 km road along longitude -100: nodes 1..7
at 0, 100, 200, 250 (the border crossing `synth-crossing`), 300, 400 and 550 km; USA up to the
border node, Canada after it; node 8 is a 120 km detour between nodes 2 and 3. Its GraphML is
written to a temporary data folder by the fixture; profiles, vehicle, scenario and corridor YAML
are the synthetic files in tests/fixtures/check/.

The plans are built by hand (no solver): every figure below is hand-computed from the layout.
Vehicle synth-ccs-car: range and start range 150 km; border wait 30 min out of the USA = 15 km,
60 min into the USA = 30 km. Sites: new:2 (100 km), afdc:900 (200 km, 1 km detour), new:5
(300 km), new:6 (400 km).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner, Result

from evcorridor import settings
from evcorridor.check import CheckReport, check_file, check_plan
from evcorridor.cli import app
from evcorridor.errors import InputError
from evcorridor.plan_model import (
    NEW_CAR_BASIS,
    Connector,
    CoverageResult,
    ExistingSummary,
    FlowResult,
    Gap,
    Infeasibility,
    InputRef,
    Plan,
    RoutePlan,
    Site,
    SolverResult,
    StandardRun,
    VehicleRun,
)

REPO = Path(__file__).resolve().parents[1]
FIX = Path(__file__).resolve().parent / "fixtures" / "check"
CONFIGS = FIX / "configs"
DEG_M = 6_371_009.0 * math.pi / 180.0  # metres per degree of latitude (checker's Earth radius)
CAR = "synth-ccs-car"
FWD, REV = "synth-crossing:forward", "synth-crossing:reverse"

# node -> position along the forward route (m)
POS = {1: 0.0, 2: 100_000.0, 3: 200_000.0, 4: 250_000.0, 5: 300_000.0, 6: 400_000.0, 7: 550_000.0}


def lat_at(pos_m: float) -> float:
    return 45.0 + pos_m / DEG_M


def synthetic_graph() -> nx.MultiDiGraph:
    """SYNTHETIC corridor graph (both directions of every edge)."""
    G = nx.MultiDiGraph(crs="EPSG:4326", corridor="synth-corridor", source="embedded",
                        data_date="2026-01-01", provenance="synthetic test fixture")
    for n, pos in POS.items():
        G.add_node(n, x=-100.0, y=lat_at(pos), country="USA" if n <= 4 else "CAN",
                   label=f"X{n}", interchange=n not in (1, 4, 7),
                   crossing="synth-crossing" if n == 4 else "")
    for u in range(1, 7):
        length = POS[u + 1] - POS[u]
        for a, b in ((u, u + 1), (u + 1, u)):
            G.add_edge(a, b, length=length, highway="motorway", ref="SYN-1",
                       country="USA" if u < 4 else "CAN", synthetic=True)
    # a longer parallel edge: the checker must take the shortest one
    G.add_edge(1, 2, length=100_400.0, highway="primary", ref="SYN-OLD", country="USA",
               synthetic=True)
    # a detour 2 -> 8 -> 3 of 120 km beside the 100 km road 2 -> 3
    G.add_node(8, x=-99.5, y=lat_at(150_000.0), country="USA", label="X8", interchange=True,
               crossing="")
    for a, b in ((2, 8), (8, 2), (8, 3), (3, 8)):
        G.add_edge(a, b, length=60_000.0, highway="primary", ref="SYN-2", country="USA",
                   synthetic=True)
    return G


def write_graphml(G: nx.MultiDiGraph, path: Path) -> None:
    """GraphML the way osmnx writes it: every attribute as a string."""
    H = nx.MultiDiGraph(**{k: str(v) for k, v in G.graph.items()})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: str(v) for k, v in d.items()})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **{a: str(b) for a, b in d.items()})
    nx.write_graphml(H, path)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary data folder with the synthetic crossing registry and corridor graph; settings
    pointed at it and at the synthetic configs. Yields the GraphML path."""
    data = tmp_path / "data"
    (data / "networks").mkdir(parents=True)
    shutil.copy(FIX / "data" / "crossings.csv", data / "crossings.csv")
    shutil.copytree(FIX / "data" / "stations", data / "stations")
    graphml = data / "networks" / "synth-corridor.graphml"
    write_graphml(synthetic_graph(), graphml)
    monkeypatch.setattr(settings, "_overrides", {})
    settings.configure(data_dir=data, configs_dir=CONFIGS)
    yield graphml
    settings.get_settings.cache_clear()


def inputs(graphml: Path) -> list[InputRef]:
    def ref(kind: str, ident: str, path: Path) -> InputRef:
        return InputRef(kind=kind, id=ident, path=str(path), sha256=sha(path))  # type: ignore[arg-type]

    return [
        ref("network", "synth-corridor", graphml),
        ref("corridor", "synth-corridor", CONFIGS / "corridors" / "synth-corridor.yaml"),
        ref("profile_set", "synth-set", CONFIGS / "profile-sets" / "synth-set.yaml"),
        ref("profile", "synth-usa", CONFIGS / "profiles" / "synth-usa.yaml"),
        ref("profile", "synth-can", CONFIGS / "profiles" / "synth-can.yaml"),
        ref("vehicle", CAR, CONFIGS / "vehicles" / f"{CAR}.yaml"),
        ref("scenario", "synth-scenario", CONFIGS / "scenarios" / "synth-scenario.yaml"),
    ]


def site(sid: str, node: int, *, kind: str = "new", offset: float = 0.0, ports: int = 4,
         kw: float = 150.0, conn: str = "CCS1", complies: tuple[str, ...] = ("synth-usa",),
         dlat_m: float = 0.0) -> Site:
    return Site(id=sid, kind=kind, name=f"X{node}", node=node,  # type: ignore[arg-type]
                lat=lat_at(POS[node] + dlat_m), lon=-100.0,
                country="USA" if node <= 4 else "CAN", offset_m=offset, ports=ports, power_kw=kw,
                connectors=[Connector(type=conn, count=ports, max_kw=kw)],
                complies_with=list(complies), cost=0.0 if kind == "existing" else 1.0,
                source="afdc" if kind == "existing" else "plan",
                station_ids=[sid] if kind == "existing" else [],
                # a car-only new site is not truck-designed; a station's access is unknown
                truck_access="unknown" if kind != "new" else "false",
                truck_access_basis="" if kind != "new" else NEW_CAR_BASIS)


def gap(a: str, b: str, pa: float, pb: float, length: float, limit: float = 150_000.0,
        wait: float = 0.0, crosses: bool = False) -> Gap:
    return Gap(from_id=a, to_id=b, from_pos_m=pa, to_pos_m=pb, length_m=length,
               border_wait_m=wait, limit_m=limit, slack_m=limit - length,
               crosses_border=crosses or wait > 0)


def valid_plan(graphml: Path) -> Plan:
    """The hand-made plan; every gap fits, two of them exactly at the range."""
    sites = [
        site("new:2", 2),
        site("afdc:900", 3, kind="existing", offset=1000.0, dlat_m=500.0),  # 500 m from its exit
        site("new:5", 5, ports=2, kw=100.0, complies=("synth-can",)),
        site("new:6", 6, ports=2, kw=100.0, complies=("synth-can",)),
    ]
    fwd_vehicle = VehicleRun(
        vehicle=CAR, climate="mild", range_m=150_000.0, start_range_m=150_000.0,
        stops=["new:2", "afdc:900", "new:5", "new:6"], feasible=True, gaps=[
            gap("start", "new:2", 0.0, 100_000.0, 100_000.0),
            gap("new:2", "afdc:900", 100_000.0, 200_000.0, 101_000.0),  # detour in
            gap("afdc:900", "new:5", 200_000.0, 300_000.0, 116_000.0, wait=15_000.0),  # out+wait
            gap("new:5", "new:6", 300_000.0, 400_000.0, 100_000.0),
            gap("new:6", "end", 400_000.0, 550_000.0, 150_000.0),  # exactly the range
        ])
    rev_vehicle = VehicleRun(
        vehicle=CAR, climate="mild", range_m=150_000.0, start_range_m=150_000.0,
        stops=["new:6", "new:5", "afdc:900", "new:2"], feasible=True, gaps=[
            gap("start", "new:6", 0.0, 150_000.0, 150_000.0),  # exactly the start range
            gap("new:6", "new:5", 150_000.0, 250_000.0, 100_000.0),
            gap("new:5", "afdc:900", 250_000.0, 350_000.0, 131_000.0, wait=30_000.0),
            gap("afdc:900", "new:2", 350_000.0, 450_000.0, 101_000.0),
            gap("new:2", "end", 450_000.0, 550_000.0, 100_000.0),
        ])
    s = 120_000.0
    fwd_std = [
        StandardRun(country="CAN", profile="synth-can", max_spacing_m=None, recognized_profiles=[],
                    stops=[], gaps=[], feasible=True),
        StandardRun(country="USA", profile="synth-usa", max_spacing_m=s,
                    recognized_profiles=["synth-can"], stops=["new:2", "afdc:900", "new:5"],
                    feasible=True, gaps=[
                        gap("start", "new:2", 0.0, 100_000.0, 100_000.0, s),
                        gap("new:2", "afdc:900", 100_000.0, 200_000.0, 101_000.0, s),
                        # spans the border (250 km) but a spacing gap has no wait
                        gap("afdc:900", "new:5", 200_000.0, 300_000.0, 101_000.0, s,
                            crosses=True),
                    ]),
    ]
    rev_std = [
        fwd_std[0],
        StandardRun(country="USA", profile="synth-usa", max_spacing_m=s,
                    recognized_profiles=["synth-can"], stops=["new:5", "afdc:900", "new:2"],
                    feasible=True, gaps=[
                        gap("new:5", "afdc:900", 250_000.0, 350_000.0, 101_000.0, s,
                            crosses=True),
                        gap("afdc:900", "new:2", 350_000.0, 450_000.0, 101_000.0, s),
                        gap("new:2", "end", 450_000.0, 550_000.0, 100_000.0, s),
                    ]),
    ]
    routes = [
        RoutePlan(id=FWD, crossing="synth-crossing", direction="forward",
                  from_name="Synthetic US end", to_name="Synthetic CAN end",
                  nodes=[1, 2, 3, 4, 5, 6, 7], length_m=550_000.0, border_pos_m=250_000.0,
                  border_wait_min=30.0,
                  site_positions={"new:2": 100_000.0, "afdc:900": 200_000.0, "new:5": 300_000.0,
                                  "new:6": 400_000.0},
                  vehicles=[fwd_vehicle], standards=fwd_std),
        RoutePlan(id=REV, crossing="synth-crossing", direction="reverse",
                  from_name="Synthetic CAN end", to_name="Synthetic US end",
                  nodes=[7, 6, 5, 4, 3, 2, 1], length_m=550_000.0, border_pos_m=300_000.0,
                  border_wait_min=60.0,
                  site_positions={"new:6": 150_000.0, "new:5": 250_000.0, "afdc:900": 350_000.0,
                                  "new:2": 450_000.0},
                  vehicles=[rev_vehicle], standards=rev_std),
    ]
    for s in sites:  # used_by: the runs that stop at the site
        s.used_by = sorted(f"{r.id}/{v.vehicle}" for r in routes for v in r.vehicles
                           if s.id in v.stops)
    return Plan(
        corridor="synth-corridor", corridor_name="Synthetic test corridor", border="us-ca",
        countries=["CAN", "USA"], crossings=["synth-crossing"], inputs=inputs(graphml),
        parameters={"scenario": "synth-scenario", "profile_set": "synth-set", "resilience": "none",
                    "anchor_ends": True, "network_source": "embedded", "vehicles": [CAR]},
        solver=SolverResult(name="hand", status="optimal", objective=3.0, best_bound=3.0, gap=0.0,
                            parameters={}),
        feasible=True, sites=sites, routes=routes,
        existing=ExistingSummary(qualified=1, upgraded=0, unused=0))


def messages(report: CheckReport, *, used: bool = False) -> list[str]:
    """The findings as text; a mutated run also makes its sites' `used_by` wrong, which is left
    out unless `used` (the used_by rule has its own test: test_used_by_follows_the_runs)."""
    return [f"{f.rule}: {f.where}: {f.message}" if f.where else f"{f.rule}: {f.message}"
            for f in report.findings if used or f.rule != "used"]


def saved(plan: Plan, path: Path) -> Path:
    """`plan` written to `path` as the CLI reads it; returns `path`."""
    path.write_text(plan.dump(), encoding="utf-8")
    return path


def assert_unreadable(path: Path, msg: str) -> Result:
    """check_file raises InputError(msg); `evcorridor check` exits 3 with `error: msg`."""
    with pytest.raises(InputError) as exc:
        check_file(path)
    assert str(exc.value) == msg
    res = CliRunner().invoke(app, ["check", str(path)])
    assert res.exit_code == 3
    assert res.stderr.strip() == f"error: {msg}"
    return res


def site_of(plan: Plan, sid: str) -> Site:
    return next(s for s in plan.sites if s.id == sid)


def route_of(plan: Plan, rid: str) -> RoutePlan:
    return next(r for r in plan.routes if r.id == rid)


V_FWD = f"vehicle: route {FWD}: vehicle {CAR}"
V_REV = f"vehicle: route {REV}: vehicle {CAR}"


# --------------------------------------------------------------------------- the valid plan


def test_valid_plan_passes_with_gaps_exactly_at_the_range(env: Path) -> None:
    report = check_plan(valid_plan(env), label="synthetic")
    assert messages(report) == []
    assert report.ok
    assert report.checked == {"routes": 2, "sites": 4, "vehicle_runs": 2, "gaps": 10,
                              "standard_runs": 4, "spacing_gaps": 6, "resilience_cases": 0,
                              "flows": 0, "stations": 1, "truck_stops": 0}


def test_network_data_source_must_be_the_graph_the_plan_was_made_on(env: Path) -> None:
    """plan.data_sources names the network and its date; check compares them with the reloaded
    graph (the SYNTHETIC graph: source "embedded", so recorded under the corridor's own name,
    dated 2026-01-01)."""
    from evcorridor.plan_model import DataSource

    def with_network(name: str, date: str | None) -> Plan:
        return valid_plan(env).model_copy(update={"data_sources": [
            DataSource(kind="network", name=name, date=date),
            DataSource(kind="stations", name="AFDC (WA)", date="2025-02-09")]})

    assert messages(check_plan(with_network("synth-corridor", "2026-01-01"))) == []
    assert messages(check_plan(with_network("synth-corridor", "2025-06-30"))) == [
        "data_sources: network: the plan dates its network 2025-06-30; the graph it was made on "
        "is dated 2026-01-01"]
    assert messages(check_plan(with_network("Travel Mapping", None))) == [
        "data_sources: network: the plan names its network 'Travel Mapping'; the graph it was "
        "made on is 'synth-corridor'",
        "data_sources: network: the plan dates its network none; the graph it was made on is "
        "dated 2026-01-01"]
    two = with_network("synth-corridor", "2026-01-01")
    two = two.model_copy(update={"data_sources": [*two.data_sources, two.data_sources[0]]})
    assert messages(check_plan(two)) == [
        "data_sources: network: 2 network sources (synth-corridor, synth-corridor); a plan "
        "rests on one network"]


def test_cli_accepts_valid_plan_file(env: Path, tmp_path: Path) -> None:
    path = saved(valid_plan(env), tmp_path / "plan.json")
    res = CliRunner().invoke(app, ["check", str(path)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [
        f"{path}: ok: 2 routes, 4 sites, 10 vehicle gaps, 6 spacing gaps, 0 resilience cases "
        "checked",
        "1 plan(s): 1 passed, 0 failed, 0 unreadable; 0 finding(s)",
    ]
    res = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["summary"] == {"plans": 1, "passed": 1, "failed": 0, "unreadable": 0,
                              "findings": 0}
    assert out["plans"][0]["ok"] is True and out["plans"][0]["checked"]["gaps"] == 10


# --------------------------------------------------------------------------- mutations


def test_site_removed_from_stop_list(env: Path) -> None:
    plan = valid_plan(env)
    route_of(plan, FWD).vehicles[0].stops.remove("afdc:900")  # the gaps are left as they were
    assert messages(check_plan(plan), used=True) == [
        f"{V_FWD}: the plan's gaps (start -> new:2, new:2 -> afdc:900, afdc:900 -> new:5, "
        "new:5 -> new:6, new:6 -> end) are not the recomputed ones (start -> new:2, "
        "new:2 -> new:5, new:5 -> new:6, new:6 -> end)",
        # 200 km + the 15 km border wait
        f"{V_FWD}: gap new:2 -> new:5 is 215000.0 m, over the range 150000.0 m by 65000.0 m",
        f"{V_FWD}: marked feasible but a gap exceeds the range",
        f"used: site afdc:900: used_by ['{FWD}/{CAR}', '{REV}/{CAR}'] in the plan, the vehicle "
        f"runs give ['{REV}/{CAR}']",
    ]


def test_used_by_follows_the_runs(env: Path) -> None:
    plan = valid_plan(env)
    site_of(plan, "new:5").used_by = [f"{FWD}/{CAR}"]
    assert messages(check_plan(plan), used=True) == [
        f"used: site new:5: used_by ['{FWD}/{CAR}'] in the plan, the vehicle runs give "
        f"['{FWD}/{CAR}', '{REV}/{CAR}']"]


def test_site_moved_to_another_node(env: Path) -> None:
    plan = valid_plan(env)
    site_of(plan, "afdc:900").node = 2  # claims to hang off exit X2, coordinates unchanged
    found = messages(check_plan(plan))
    assert "site: site afdc:900: (46.803137, -100.000000) is 100500.0 m from its node 2, " \
           "farther than its offset 1000.0 m" in found
    assert f"route: route {FWD}: site afdc:900: position 200000.0 m in the plan, 100000.0 m " \
           "recomputed at node 2" in found
    assert f"route: route {REV}: site afdc:900: position 350000.0 m in the plan, 450000.0 m " \
           "recomputed at node 2" in found
    # new:2 -> afdc:900 is now 0 m apart + the 1 km detour
    assert f"{V_FWD}: gap new:2 -> afdc:900: length 101000.0 m in the plan, 1000.0 m " \
           "recomputed" in found
    assert f"{V_FWD}: gap afdc:900 -> new:5 is 216000.0 m, over the range 150000.0 m by " \
           "66000.0 m" in found


def test_new_site_moved_keeps_its_old_name(env: Path) -> None:
    plan = valid_plan(env)
    s = site_of(plan, "new:5")
    s.node, s.lat = 6, lat_at(POS[6])
    found = messages(check_plan(plan))
    assert ("site: site new:5: a new site's id must be 'new-' and a slug (lower-case letters, "
            "digits, single dashes) or 'new:6'") in found
    assert f"route: route {FWD}: site new:5: position 300000.0 m in the plan, 400000.0 m " \
           "recomputed at node 6" in found


def test_connectors_changed_so_the_vehicle_cannot_use_the_site(env: Path) -> None:
    plan = valid_plan(env)
    site_of(plan, "new:5").connectors = [Connector(type="NACS", count=2, max_kw=100.0)]
    reason = "no connector synth-ccs-car can use (CCS1); site offers NACS"
    assert messages(check_plan(plan)) == [
        f"{V_FWD}: stop new:5 cannot be used by {CAR}: {reason}",
        f"{V_REV}: stop new:5 cannot be used by {CAR}: {reason}",
    ]


def test_power_below_vehicle_minimum(env: Path) -> None:
    plan = valid_plan(env)
    s = site_of(plan, "new:6")
    s.power_kw = 40.0
    s.connectors = [Connector(type="CCS1", count=2, max_kw=40.0)]
    found = messages(check_plan(plan))
    assert f"{V_FWD}: stop new:6 cannot be used by {CAR}: CCS1 offers 40 kW, below the 50 kW " \
           f"{CAR} needs" in found


def test_gap_one_metre_over_the_range(env: Path) -> None:
    plan = valid_plan(env)
    site_of(plan, "new:6").offset_m = 1.0  # a 1 m detour: the 150 km legs become 150001 m
    fwd, rev = route_of(plan, FWD).vehicles[0], route_of(plan, REV).vehicles[0]
    fwd.gaps[3] = gap("new:5", "new:6", 300_000.0, 400_000.0, 100_001.0)
    fwd.gaps[4] = gap("new:6", "end", 400_000.0, 550_000.0, 150_001.0)
    rev.gaps[0] = gap("start", "new:6", 0.0, 150_000.0, 150_001.0)
    rev.gaps[1] = gap("new:6", "new:5", 150_000.0, 250_000.0, 100_001.0)
    assert messages(check_plan(plan)) == [
        f"{V_FWD}: gap new:6 -> end is 150001.0 m, over the range 150000.0 m by 1.0 m",
        f"{V_FWD}: marked feasible but a gap exceeds the range",
        f"{V_REV}: gap start -> new:6 is 150001.0 m, over the start range 150000.0 m by 1.0 m",
        f"{V_REV}: marked feasible but a gap exceeds the range",
    ]


def test_wrong_border_wait(env: Path) -> None:
    plan = valid_plan(env)
    r = route_of(plan, FWD)
    r.border_wait_min = 20.0  # the scenario says 30 min out of the USA
    r.vehicles[0].gaps[2] = gap("afdc:900", "new:5", 200_000.0, 300_000.0, 111_000.0,
                                wait=10_000.0)
    assert messages(check_plan(plan)) == [
        f"route: route {FWD}: border wait 20 min in the plan, the scenario synth-scenario says "
        "30 min out of the USA",
        f"{V_FWD}: gap afdc:900 -> new:5: length 111000.0 m in the plan, 116000.0 m recomputed",
        f"{V_FWD}: gap afdc:900 -> new:5: border wait 10000.0 m in the plan, 15000.0 m "
        "recomputed",
    ]


def test_offset_counted_once_instead_of_twice(env: Path) -> None:
    plan = valid_plan(env)
    # afdc:900's 1 km detour counted on the way in (new:2 -> afdc:900) but not on the way out
    route_of(plan, FWD).vehicles[0].gaps[2] = gap("afdc:900", "new:5", 200_000.0, 300_000.0,
                                                  115_000.0, wait=15_000.0)
    assert messages(check_plan(plan)) == [
        f"{V_FWD}: gap afdc:900 -> new:5: length 115000.0 m in the plan, 116000.0 m recomputed",
    ]


def test_false_compliance_claim_and_broken_spacing_chain(env: Path) -> None:
    plan = valid_plan(env)
    s = site_of(plan, "afdc:900")
    s.ports, s.connectors = 2, [Connector(type="CCS1", count=2, max_kw=150.0)]
    found = messages(check_plan(plan))
    assert "site: site afdc:900: claims to comply with synth-usa but does not: 2 DC fast " \
           "port(s), fewer than the 4 synth-usa requires" in found
    std = f"standard: route {FWD}: standard synth-usa"
    assert f"{std}: stop afdc:900 (USA) complies with none of synth-usa" in found
    assert f"{std}: the plan's chain (new:2, afdc:900, new:5) is not the recomputed one " \
           "(new:2, new:5)" in found
    # without afdc:900 the chain new:2 (100 km) -> new:5 (300 km) is 200 km > 120 km
    assert f"{std}: spacing new:2 -> new:5 is 200000.0 m, over the maximum 120000.0 m by " \
           "80000.0 m" in found


def test_stops_out_of_order_and_unknown_stop(env: Path) -> None:
    plan = valid_plan(env)
    v = route_of(plan, FWD).vehicles[0]
    v.stops = ["afdc:900", "new:2", "new:5", "new:6"]
    found = messages(check_plan(plan))
    assert f"{V_FWD}: stops out of driving order: afdc:900 at 200000.0 m is listed before " \
           "new:2 at 100000.0 m" in found
    v.stops = ["new:2", "afdc:999", "new:5", "new:6"]
    assert f"{V_FWD}: stop afdc:999 is not a site of the plan" in messages(check_plan(plan))


def test_route_length_and_border_position_recomputed(env: Path) -> None:
    plan = valid_plan(env)
    r = route_of(plan, REV)
    r.length_m, r.border_pos_m = 549_000.0, 250_000.0
    found = messages(check_plan(plan))
    assert f"route: route {REV}: length 549000.0 m in the plan, 550000.0 m recomputed from the " \
           "graph" in found
    assert f"route: route {REV}: border position 250000.0 m in the plan, 300000.0 m recomputed " \
           "from the graph" in found
    r.nodes = [7, 6, 4, 3, 2, 1]  # skips node 5: no road from 6 to 4
    assert f"route: route {REV}: no road edge from node 6 to node 4 (step 2 of the route)" in \
        messages(check_plan(plan))


def test_site_country_must_match_its_node(env: Path) -> None:
    plan = valid_plan(env)
    site_of(plan, "new:5").country = "USA"
    assert "site: site new:5: country USA but its node 5 is in CAN" in messages(check_plan(plan))


def test_resilience_n_minus_1(env: Path) -> None:
    plan = valid_plan(env)
    plan.parameters["resilience"] = "n-1"
    report = check_plan(plan)
    found = messages(report)
    assert report.checked["resilience_cases"] == 8  # 4 sites x 2 routes, one vehicle
    assert f"resilience: route {FWD}: vehicle {CAR}: without new:2 the vehicle cannot complete " \
           "the route: no usable stop is within the start range" in found
    # without new:5: afdc:900 -> new:6 = 200 km + 1 km + 15 km wait
    assert f"resilience: route {FWD}: vehicle {CAR}: without new:5 the vehicle cannot complete " \
           "the route: stranded after afdc:900 at 200000.0 m of 550000.0 m" in found
    assert len(found) == 8  # this plan has no spare station anywhere


def test_status_consistency(env: Path) -> None:
    plan = valid_plan(env)
    plan.solver.gap, plan.solver.best_bound = 0.25, 2.0
    assert messages(check_plan(plan)) == [
        "status: solver status optimal with a relative gap of 0.25",
        "status: solver status optimal but the objective 3 is not the best bound 2",
    ]


def test_infeasible_plan_reports_its_infeasibilities(env: Path, tmp_path: Path) -> None:
    plan = valid_plan(env)
    # only new:2 and new:6 exist for the car going forward: new:2 -> new:6 = 300 km + 15 km wait
    v = route_of(plan, FWD).vehicles[0]
    v.stops, v.feasible = ["new:2", "new:6"], False
    for sid in ("afdc:900", "new:5"):  # no longer used going forward
        site_of(plan, sid).used_by = [f"{REV}/{CAR}"]
    v.gaps = [gap("start", "new:2", 0.0, 100_000.0, 100_000.0),
              gap("new:2", "new:6", 100_000.0, 400_000.0, 315_000.0, wait=15_000.0),
              gap("new:6", "end", 400_000.0, 550_000.0, 150_000.0)]
    plan.feasible = False
    plan.solver.status, plan.solver.objective, plan.solver.best_bound = "infeasible", None, None
    plan.solver.gap = None
    plan.infeasibilities = [Infeasibility(
        route=FWD, direction="forward", rule=f"vehicle:{CAR}", from_label="X2",
        from_pos_m=100_000.0, from_country="USA", to_label="X6", to_pos_m=400_000.0,
        to_country="CAN", length_m=315_000.0, limit_m=150_000.0,
        fix="add a usable site between X2 and X6")]
    report = check_plan(plan)
    assert messages(report) == [
        f"{V_FWD}: gap new:2 -> new:6 is 315000.0 m, over the range 150000.0 m by 165000.0 m",
        f"status: route {FWD}: infeasible (vehicle:{CAR}): X2 (USA, 100.0 km) -> X6 "
        "(CAN, 400.0 km) is 315000.0 m against 150000.0 m; fix: add a usable site between X2 "
        "and X6",
    ]
    path = saved(plan, tmp_path / "infeasible.json")
    res = CliRunner().invoke(app, ["check", str(path)])
    assert res.exit_code == 1
    assert res.stdout.splitlines()[-1] == "1 plan(s): 0 passed, 1 failed, 0 unreadable; " \
                                          "2 finding(s)"


def test_network_drift_is_reported(env: Path) -> None:
    plan = valid_plan(env)
    G = synthetic_graph()
    for _, _, d in G.edges(6, data=True):
        d["length"] += 1.0  # one metre more between 6 and 7
    write_graphml(G, env)
    found = messages(check_plan(plan))
    assert found[0].startswith(f"inputs: network synth-corridor: {env} has changed since the "
                               "plan was made (sha256 ")
    assert found[0].endswith(f"the plan has {plan.inputs[0].sha256[:12]}); re-run "
                             "`evcorridor plan`")
    assert f"route: route {FWD}: length 550000.0 m in the plan, 550001.0 m recomputed from the " \
           "graph" in found
    assert f"{V_FWD}: gap new:6 -> end is 150001.0 m, over the range 150000.0 m by 1.0 m" in found


# --------------------------------------------------------------------------- unreadable inputs


def test_unknown_schema_version_exits_3(env: Path, tmp_path: Path) -> None:
    raw = json.loads(valid_plan(env).dump())
    raw["schema_version"] = "evcorridor.plan/3"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    msg = (f"{path}: unknown plan schema version 'evcorridor.plan/3'; this evcorridor reads "
           "'evcorridor.plan/2' and 'evcorridor.plan/1'")
    res = assert_unreadable(path, msg)
    assert res.stdout.splitlines()[-1] == "1 plan(s): 0 passed, 0 failed, 1 unreadable; " \
                                          "0 finding(s)"
    good = saved(valid_plan(env), tmp_path / "good.json")
    res = CliRunner().invoke(app, ["check", str(good), str(path), "--format", "json"])
    assert res.exit_code == 3  # an unreadable plan outranks the others passing
    out = json.loads(res.stdout)
    assert out["unreadable"] == [{"plan": str(path), "error": msg}]
    assert out["summary"] == {"plans": 2, "passed": 1, "failed": 0, "unreadable": 1,
                              "findings": 0}


def test_missing_corridor_data_exits_3(env: Path, tmp_path: Path) -> None:
    path = saved(valid_plan(env), tmp_path / "plan.json")
    env.unlink()
    missing = env.parent / "synth-corridor.graphml.gz"  # where the network module looks first
    msg = (f"{path}: cannot reload the corridor graph of 'synth-corridor': {missing}: no "
           "embedded network for corridor 'synth-corridor' (run `make data`)")
    assert_unreadable(path, msg)


def test_unknown_vehicle_exits_3(env: Path, tmp_path: Path) -> None:
    plan = valid_plan(env)
    route_of(plan, FWD).vehicles[0].vehicle = "synth-ccs-kar"
    with pytest.raises(InputError, match="cannot reload vehicle 'synth-ccs-kar' named by the "
                                         "plan: unknown vehicle 'synth-ccs-kar'; did you mean "
                                         "'synth-ccs-car'"):
        check_plan(plan)


def test_several_plans_one_bad(env: Path, tmp_path: Path) -> None:
    good = saved(valid_plan(env), tmp_path / "good.json")
    bad_plan = valid_plan(env)
    site_of(bad_plan, "new:5").connectors = [Connector(type="NACS", count=2, max_kw=100.0)]
    bad = saved(bad_plan, tmp_path / "bad.json")
    res = CliRunner().invoke(app, ["check", str(good), str(bad), "--format", "json"])
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["summary"] == {"plans": 2, "passed": 1, "failed": 1, "unreadable": 0,
                              "findings": 2}
    assert [f["rule"] for f in out["plans"][1]["findings"]] == ["vehicle", "vehicle"]


# --------------------------------------------------------------------------- coverage plans


def coverage_plan(tmp_path: Path) -> Plan:
    """SYNTHETIC user network (nodes.csv + edges.csv): five nodes on a line 100 km apart, two-way
    roads. Range 250 km, round trips (leave with 125 km), budget 1, one site at node 3.
    2 -> 4 -> 2: charge at 3 (100 km), 4 (200 km), back at 3 (300 km): covered.
    1 -> 3 -> 1: 125 km at the start cannot reach node 3 (200 km): not covered."""
    nodes, edges = tmp_path / "nodes.csv", tmp_path / "edges.csv"
    nodes.write_text("# SYNTHETIC test network\nid,x,y,country\n"
                     + "".join(f"{i},{-100 + i * 1.2713},45.0,USA\n" for i in range(1, 6)),
                     encoding="utf-8")
    edges.write_text("# SYNTHETIC test network\nu,v,length_m\n"
                     + "".join(f"{i},{i + 1},100000\n" for i in range(1, 5)), encoding="utf-8")
    digest = hashlib.sha256(nodes.read_bytes() + edges.read_bytes()).hexdigest()
    flows = [
        FlowResult(origin="2", destination="4", flow=30.0, covered=True, length_m=400_000.0,
                   nodes=[2, 3, 4, 3, 2]),
        FlowResult(origin="1", destination="3", flow=20.0, covered=False, length_m=400_000.0,
                   nodes=[1, 2, 3, 2, 1]),
    ]
    return Plan(
        corridor="synthetic-line", corridor_name="synthetic-line", border="", countries=["USA"],
        crossings=[],
        inputs=[InputRef(kind="network", id="synthetic-line", path=f"{nodes},{edges}",
                         sha256=digest)],
        parameters={"objective": "coverage", "budget": 1, "trip": "round", "range_m": 250_000.0,
                    "existing_nodes": []},
        solver=SolverResult(name="cp-sat", status="optimal", objective=30.0, best_bound=30.0,
                            gap=0.0, parameters={}),
        feasible=True,
        sites=[Site(id="new:3", kind="new", name="node 3", node=3, lat=45.0,
                    lon=round(-100 + 3 * 1.2713, 6), country="USA", offset_m=0.0, ports=0,
                    power_kw=0.0, connectors=[])],
        routes=[], existing=ExistingSummary(qualified=0, upgraded=0, unused=0),
        coverage=CoverageResult(budget=1, trip="round", total_flow=50.0, covered_flow=30.0,
                                flows=flows))


def test_coverage_plan_on_a_user_network(tmp_path: Path) -> None:
    plan = coverage_plan(tmp_path)
    report = check_plan(plan, inputs=[tmp_path])
    assert messages(report) == []
    assert report.checked["flows"] == 2
    assert plan.coverage is not None
    plan.coverage.flows[1].covered, plan.coverage.covered_flow = True, 50.0
    assert messages(check_plan(plan, inputs=[tmp_path])) == [
        "coverage: flow 2 1 -> 3: marked covered but the vehicle runs out between node 2 and "
        "node 3 (km 100.0)",
    ]
    plan = coverage_plan(tmp_path)
    plan.sites.append(plan.sites[0].model_copy(update={"id": "new:4", "node": 4,
                                                       "lon": round(-100 + 4 * 1.2713, 6)}))
    assert plan.coverage is not None
    plan.coverage.flows[1].length_m = 300_000.0
    assert messages(check_plan(plan, inputs=[tmp_path])) == [
        "coverage: 2 new or upgraded sites, over the budget of 1",
        "coverage: flow 2 1 -> 3: length 300000.0 m in the plan, 400000.0 m recomputed",
    ]


def test_missing_vehicle_and_standard_runs(env: Path) -> None:
    plan = valid_plan(env)
    r = route_of(plan, FWD)
    r.standards = [sr for sr in r.standards if sr.profile != "synth-usa"]
    r.vehicles = []
    assert messages(check_plan(plan)) == [
        f"route: route {FWD}: no run for vehicle {CAR}",
        f"route: route {FWD}: no run for the standard synth-usa of USA (profile set synth-set)",
    ]


def test_objective_must_equal_the_sites_costs(env: Path) -> None:
    plan = valid_plan(env)
    plan.sites = [s for s in plan.sites if s.id != "new:6"]  # its cost (1) goes with it
    found = messages(check_plan(plan))
    assert "status: objective 3 but the sites' costs add up to 2" in found
    assert f"{V_FWD}: stop new:6 is not a site of the plan" in found


def test_site_missing_from_a_routes_positions(env: Path) -> None:
    plan = valid_plan(env)
    del route_of(plan, FWD).site_positions["new:5"]
    assert messages(check_plan(plan)) == [
        f"route: route {FWD}: site new:5 hangs off node 5 of this route but has no position on it",
        f"{V_FWD}: stop new:5 has no position on this route",
    ]


def test_a_full_check_loads_no_solver_module(env: Path, tmp_path: Path) -> None:
    """Run a whole check in a fresh interpreter and list the evcorridor.siting modules loaded."""
    path = saved(valid_plan(env), tmp_path / "plan.json")
    code = ("import sys\n"
            "from evcorridor.check import check_file\n"
            f"report = check_file({str(path)!r})\n"
            "print(report.ok, report.checked['gaps'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('evcorridor.siting')))\n")
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
        env={**os.environ, "EVCORRIDOR_DATA_DIR": str(env.parents[1]),
             "EVCORRIDOR_CONFIGS_DIR": str(CONFIGS)})
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["True 10", "[]"]


def test_truncated_or_detoured_route(env: Path) -> None:
    plan = valid_plan(env)
    route_of(plan, FWD).nodes = [2, 3, 4, 5, 6, 7]  # starts 100 km late: a gap would hide there
    assert f"route: route {FWD}: starts at node 2, 100000.0 m from Synthetic US end; node 1 is " \
           "nearer (0.0 m)" in messages(check_plan(plan))
    plan = valid_plan(env)
    route_of(plan, FWD).nodes = [1, 2, 8, 3, 4, 5, 6, 7]
    found = messages(check_plan(plan))
    assert f"route: route {FWD}: 570000.0 m long, 20000.0 m longer than the shortest road " \
           "through the crossing (each leg in its country) (550000.0 m)" in found
    assert f"route: route {FWD}: length 550000.0 m in the plan, 570000.0 m recomputed from the " \
           "graph" in found


def test_existing_sites_are_open_public_stations_of_the_station_data(env: Path) -> None:
    plan = valid_plan(env)
    s = site_of(plan, "afdc:900")
    s.connectors.append(Connector(type="NACS", count=2, max_kw=150.0))
    assert "site: site afdc:900: offers NACS as is, but station afdc:900 has only CCS1" in \
        messages(check_plan(plan))
    plan = valid_plan(env)
    s = site_of(plan, "afdc:900")
    s.id = s.name = "afdc:999"  # an invented station
    found = messages(check_plan(plan))
    assert "site: site afdc:999: existing site but no station afdc:999 in the station data " \
           "(embedded)" in found
    plan = valid_plan(env)
    s = site_of(plan, "afdc:900")
    s.id = "afdc:901"  # a planned (not yet open) station at 50 km
    found = messages(check_plan(plan))
    assert "site: site afdc:901: station afdc:901 is planned with public access; only open " \
           "public stations count" in found
    assert "site: site afdc:901: 150500.0 m from station afdc:901 at (45.449660, -100.000000)" \
        in found


def test_new_site_only_at_an_interchange(env: Path) -> None:
    plan = valid_plan(env)
    s = site_of(plan, "new:2")
    s.id, s.node, s.lat = "new:4", 4, lat_at(POS[4])  # the border node has no exit
    assert "site: site new:4: a new site at node 4, which is not an interchange (no exit to " \
           "build at)" in messages(check_plan(plan))


def test_every_crossing_in_both_directions(env: Path) -> None:
    plan = valid_plan(env)
    plan.routes = [r for r in plan.routes if r.id != REV]
    assert messages(check_plan(plan)) == [
        "route: no route synth-crossing:reverse: every crossing is planned in both directions"]


def test_non_finite_figures_are_never_within_tolerance(env: Path, tmp_path: Path) -> None:
    plan = valid_plan(env)
    route_of(plan, FWD).vehicles[0].gaps[1].length_m = math.nan
    site_of(plan, "new:6").offset_m = math.nan
    path = tmp_path / "nan.json"
    path.write_text(plan.dump(), encoding="utf-8")  # Python's json writes NaN
    # the plan loader refuses non-finite numbers (a bad input file, exit 3), so no NaN ever
    # reaches a comparison
    with pytest.raises(InputError, match=r"nan\.json: not valid JSON: NaN is not a JSON number"):
        check_file(path)


def test_a_folder_stands_for_its_plans(env: Path, tmp_path: Path) -> None:
    for name in ("b", "a"):
        (tmp_path / "out" / name).mkdir(parents=True)
        (tmp_path / "out" / name / "plan.json").write_text(valid_plan(env).dump(),
                                                            encoding="utf-8")
    res = CliRunner().invoke(app, ["check", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert [ln.split(":")[0] for ln in lines[:2]] == [str(tmp_path / "out" / "a" / "plan.json"),
                                                      str(tmp_path / "out" / "b" / "plan.json")]
    assert lines[-1] == "2 plan(s): 2 passed, 0 failed, 0 unreadable; 0 finding(s)"
    res = CliRunner().invoke(app, ["check", str(tmp_path)])  # no plan in it
    assert res.exit_code == 3
    assert res.stderr.strip() == f"error: {tmp_path / 'plan.json'}: file not found"
