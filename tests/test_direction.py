"""The direction rule: a station on one carriageway (its name says NB / SB / ..bound) serves only
the routes driving that way. SYNTHETIC line corridor (siting_synth: a straight road due north,
so the forward route is northbound and the reverse route southbound)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from siting_synth import plan_nacs_car, station

from evcorridor.check import check_plan
from evcorridor.check.direction import serves_from_name
from evcorridor.stations.carriageway import serves_from


def one_carriageway(name: str) -> str | None:
    return serves_from(name)[0]

HEADINGS = ["northbound", "southbound", "eastbound", "westbound"]
words = st.sampled_from(["Service Plaza", "Travel Plaza", "ONroute", "Rest Area", "Shell",
                         "NB", "SB", "EB", "WB", "nb", "Northbound", "south bound", "West-bound",
                         "NB Power", "Bend", "North", "-", "Supercharger"])


@given(st.lists(words, min_size=1, max_size=5))
def test_siting_and_check_read_a_name_the_same_way(parts: list[str]) -> None:
    name = " ".join(parts)
    got = one_carriageway(name)
    assert got == serves_from_name(name)
    assert got in (None, *HEADINGS)
    if got is not None:  # the name says that heading, and no other one
        assert sum(1 for h in HEADINGS if one_carriageway(f"{h} plaza") == h) == 4


def test_examples() -> None:
    assert one_carriageway("Brookdale Service Plaza - Northbound") == "northbound"
    assert one_carriageway("New Baltimore SB Travel Plaza") == "southbound"
    assert one_carriageway("NB Power") is None  # New Brunswick's utility, not a heading
    assert one_carriageway("Plaza NB and SB") is None  # both ways
    assert one_carriageway("North Bend Shell") is None


def _plan(tmp: Path, stations: list[Any]) -> Any:
    return plan_nacs_car(tmp, [0, 100, 200, 300.5, 400], stations, "no-wait")


@settings(max_examples=6, deadline=None)
@given(st.sampled_from(["NB", "SB", "Northbound", "Southbound", ""]),
       st.sampled_from([100.0, 200.0]))
def test_one_carriageway_station_serves_its_way_only(tmp_path_factory: Any, word: str,
                                                     km: float) -> None:
    tmp = tmp_path_factory.mktemp("dir")
    name = f"Thruway {word} Service Plaza".replace("  ", " ")
    st_ = station("plaza", km, [("NACS", 4, 250.0)], name=name)
    built, plan = _plan(tmp, [st_])
    serves = one_carriageway(name)
    want = {"northbound": {"forward"}, "southbound": {"reverse"},
            None: {"forward", "reverse"}}[serves]
    placed = {r.direction for r in plan.routes if st_.id in r.site_positions}
    assert placed == want
    site = next(s for s in plan.sites if s.id == st_.id)
    assert site.serves == serves
    assert {u.split(":")[1].split("/")[0] for u in site.used_by} <= want
    assert check_plan(plan, graph=built.graph, inputs=[tmp]).findings == []


def test_check_rejects_the_other_carriageway(tmp_path: Path) -> None:
    st_ = station("plaza", 200.0, [("NACS", 4, 250.0)], name="Thruway SB Service Plaza")
    built, plan = _plan(tmp_path, [st_])
    fwd = next(r for r in plan.routes if r.direction == "forward")
    assert st_.id not in fwd.site_positions
    fwd.site_positions[st_.id] = 200_000.0  # placed on the northbound route
    found = [f"{f.rule}: {f.where}: {f.message}" for f in check_plan(
        plan, graph=built.graph, inputs=[tmp_path]).findings]
    assert (f"direction: route {fwd.id}: site {st_.id} serves southbound traffic only; this "
            "route drives northbound there") in found
    plan.sites[[s.id for s in plan.sites].index(st_.id)].serves = None
    found = [f"{f.rule}: {f.where}: {f.message}" for f in check_plan(
        plan, graph=built.graph, inputs=[tmp_path]).findings]
    assert (f"direction: site {st_.id}: serves None in the plan; its name 'Thruway SB Service "
            "Plaza' gives southbound") in found
