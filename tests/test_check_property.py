"""Property test: `check` accepts hand-built plans on random SYNTHETIC single routes and rejects
mutated copies (a stop removed, a site moved, its connectors changed, a gap figure altered).

Random synthetic corridor: a straight road along longitude -100 with 4-10 nodes 1-55 km apart,
the border at an interior node (USA up to it, Canada after), a CCS1 site at every other interior
node with a random detour of 0-2 km. With 55 km edges, skipping the border node, 2 km detours and
a 30 min (30 km) wait, no gap exceeds the synthetic car's 150 km range, so every plan is feasible.
The plan figures are computed here with the contract's gap rule written out plainly; profiles,
vehicle and scenario are the synthetic fixtures in tests/fixtures/check/configs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from evcorridor import settings
from evcorridor.check import check_plan
from evcorridor.plan_model import (
    NEW_CAR_BASIS,
    Connector,
    ExistingSummary,
    Gap,
    Plan,
    RoutePlan,
    Site,
    SolverResult,
    StandardRun,
    VehicleRun,
)

CONFIGS = Path(__file__).resolve().parent / "fixtures" / "check" / "configs"
DEG_M = 6_371_009.0 * math.pi / 180.0
RANGE = 150_000.0
WAIT = {"forward": 15_000.0, "reverse": 30_000.0}  # 30 min out of / 60 min into the USA


@pytest.fixture(scope="module", autouse=True)
def synthetic_configs() -> Iterator[None]:
    saved = dict(settings._overrides)
    settings.configure(configs_dir=CONFIGS)
    yield
    settings._overrides.clear()
    settings._overrides.update(saved)
    settings.get_settings.cache_clear()


def build(lengths: list[float], border: int, offsets: list[float]) -> tuple[nx.MultiDiGraph, Plan]:
    n = len(lengths) + 1
    cum = [0.0]
    for x in lengths:
        cum.append(cum[-1] + x)
    G = nx.MultiDiGraph()
    for i in range(n):
        G.add_node(i, x=-100.0, y=45.0 + cum[i] / DEG_M, country="USA" if i <= border else "CAN",
                   crossing="synth-crossing" if i == border else "",
                   interchange=0 < i < n - 1 and i != border)
    for i, x in enumerate(lengths):
        G.add_edge(i, i + 1, length=x)
        G.add_edge(i + 1, i, length=x)
    site_nodes = [i for i in range(1, n - 1) if i != border]
    sites = [Site(id=f"new:{i}", kind="new", name=f"X{i}", node=i, lat=45.0 + cum[i] / DEG_M,
                  lon=-100.0, country="USA" if i <= border else "CAN", offset_m=offsets[i],
                  ports=2, power_kw=100.0, connectors=[Connector(type="CCS1", count=2,
                                                                 max_kw=100.0)],
                  truck_access="false", truck_access_basis=NEW_CAR_BASIS)
             for i in site_nodes]
    L = cum[-1]
    routes = []
    for direction in ("forward", "reverse"):
        order = list(range(n)) if direction == "forward" else list(range(n - 1, -1, -1))
        pos = {i: (cum[i] if direction == "forward" else L - cum[i]) for i in range(n)}
        bpos = pos[border]
        stops = [i for i in order if i in site_nodes]
        pts = [("start", 0.0, 0.0)] + [(f"new:{i}", pos[i], offsets[i]) for i in stops] + [
            ("end", L, 0.0)]
        gaps = []
        for (a, pa, oa), (b, pb, ob) in itertools.pairwise(pts):
            crosses = pa < bpos <= pb
            wait = WAIT[direction] if crosses else 0.0
            length = pb - pa + oa + ob + wait
            gaps.append(Gap(from_id=a, to_id=b, from_pos_m=pa, to_pos_m=pb, length_m=length,
                            border_wait_m=wait, limit_m=RANGE, slack_m=RANGE - length,
                            crosses_border=crosses))
        routes.append(RoutePlan(
            id=f"synth-crossing:{direction}", crossing="synth-crossing", direction=direction,
            from_name="a", to_name="b", nodes=order, length_m=L, border_pos_m=bpos,
            border_wait_min=30.0 if direction == "forward" else 60.0,
            site_positions={f"new:{i}": pos[i] for i in site_nodes},
            vehicles=[VehicleRun(vehicle="synth-ccs-car", climate="mild", range_m=RANGE,
                                 start_range_m=RANGE, stops=[f"new:{i}" for i in stops],
                                 gaps=gaps, feasible=True)],
            standards=[StandardRun(country=c, profile=p, max_spacing_m=None,
                                   recognized_profiles=[], stops=[], gaps=[], feasible=True)
                       for c, p in (("CAN", "synth-can"), ("USA", "synth-usa-basic"))]))
    for s in sites:
        s.used_by = sorted(f"{r.id}/{v.vehicle}" for r in routes for v in r.vehicles
                           if s.id in v.stops)
    plan = Plan(
        corridor="synth-corridor", corridor_name="synthetic", border="us-ca",
        countries=["CAN", "USA"], crossings=["synth-crossing"], inputs=[],
        parameters={"scenario": "synth-scenario", "profile_set": "synth-basic",
                    "vehicles": ["synth-ccs-car"]},
        solver=SolverResult(name="hand", status="feasible", objective=None, best_bound=None,
                            gap=None, parameters={}),
        feasible=True, sites=sites, routes=routes,
        existing=ExistingSummary(qualified=0, upgraded=0, unused=0))
    return G, plan


@st.composite
def corridors(draw: st.DrawFn) -> tuple[list[float], int, list[float]]:
    n_edges = draw(st.integers(3, 9))
    lengths = [float(draw(st.integers(1_000, 55_000))) for _ in range(n_edges)]
    border = draw(st.integers(1, n_edges - 1))
    offsets = [float(draw(st.sampled_from([0, 0, 250, 1000, 2000]))) for _ in range(n_edges + 1)]
    return lengths, border, offsets


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corridors(), st.data())
def test_check_accepts_plans_and_rejects_mutations(
        corridor: tuple[list[float], int, list[float]], data: st.DataObject) -> None:
    lengths, border, offsets = corridor
    G, plan = build(lengths, border, offsets)
    report = check_plan(plan, graph=G)
    assert report.lines() == []
    assert report.checked["gaps"] == 2 * (len(plan.sites) + 1)

    sid = data.draw(st.sampled_from([s.id for s in plan.sites]))
    rid = data.draw(st.sampled_from(["synth-crossing:forward", "synth-crossing:reverse"]))
    kind = data.draw(st.sampled_from(["remove", "move", "connectors", "gap"]))
    bad = plan.model_copy(deep=True)
    route = next(r for r in bad.routes if r.id == rid)
    site = next(s for s in bad.sites if s.id == sid)
    if kind == "remove":
        route.vehicles[0].stops.remove(sid)
    elif kind == "move":
        site.node = data.draw(st.sampled_from([n for n in G.nodes if n != site.node]))
    elif kind == "connectors":
        site.connectors = [Connector(type="NACS", count=2, max_kw=100.0)]
    else:
        g = data.draw(st.sampled_from(route.vehicles[0].gaps))
        g.length_m += data.draw(st.sampled_from([-1000.0, -0.6, 0.6, 1000.0]))
    found = check_plan(bad, graph=G).findings
    assert found, f"mutation {kind} of {sid} on {rid} was not caught"
    rules = {f.rule for f in found}
    assert rules & {"vehicle", "route", "site"}
