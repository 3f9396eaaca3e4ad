"""Issue 9, section 6: state and provincial rules (ISO 3166-2 subdivisions).

A profile set may map a subdivision (`CA-QC`) to its own profile, which overrides the national
one there. Network nodes know their subdivision from the Travel Mapping region of their route
ids; the siting runs each route side's standard under its jurisdiction and the checker
re-derives it from the graph. The shipped example is Quebec (profile ca-qc, set na-2023-qc).
"""

from __future__ import annotations

import pytest

from evcorridor.check import check_plan
from evcorridor.errors import UsageError
from evcorridor.jurisdictions import node_subdivision, side_jurisdiction
from evcorridor.plan_model import Plan
from evcorridor.profiles import get_profile_set, get_standard
from evcorridor.siting.problem import (
    Candidate,
    Option,
    Placement,
    Problem,
    RouteSpec,
    StandardRule,
    standard_chain,
)


@pytest.mark.parametrize(("data", "expected"), [
    ({"country": "CAN", "routes": "ny.i087;qc.a015"}, "CA-QC"),  # the border waypoint, in Canada
    ({"country": "USA", "routes": "qc.a055;vt.i091"}, "US-VT"),
    ({"country": "USA", "routes": "nj.i080;ny.i087"}, None),  # on a state line: national rules
    ({"country": "MEX", "routes": "mexbc.mex001"}, "MX-BCN"),
    ({"country": "USA", "routes": ""}, None),
])
def test_node_subdivision_from_travel_mapping_regions(data: dict[str, str],
                                                      expected: str | None) -> None:
    assert node_subdivision(data) == expected


def test_side_jurisdiction() -> None:
    mapped = {"CAN": "ca-federal", "CA-QC": "ca-qc"}
    assert side_jurisdiction(["CA-QC", None, "CA-QC"], "CAN", mapped) == ("CA-QC", False)
    assert side_jurisdiction(["CA-ON", "CA-ON"], "CAN", mapped) == ("CAN", False)
    assert side_jurisdiction(["CA-ON", "CA-QC"], "CAN", mapped) == ("CAN", True)


def test_quebec_profile_set_overrides_the_national_profile() -> None:
    pset = get_profile_set("na-2023-qc")
    assert pset.profile_for("CAN", "CA-QC") == "ca-qc"
    assert pset.profile_for("CAN", "CA-ON") == "ca-federal"
    assert pset.profile_for("CAN") == "ca-federal"
    qc = get_standard("ca-qc")
    assert qc.jurisdiction.subdivision == "CA-QC" and qc.signage_languages == ["fr"]
    assert {r.topic for r in qc.rules} >= {"signage-language", "metering", "billing"}
    assert not qc.has_station_rules  # Quebec makes no spacing / power / port rule of its own


def _route(rid: str, end_j: str) -> RouteSpec:
    return RouteSpec(rid, "x", "forward", 200_000.0, 100_000.0, "USA", "CAN",
                     end_jurisdiction=end_j)


def test_spacing_chains_run_per_jurisdiction() -> None:
    """SYNTHETIC problem: a route whose Canadian side lies in CA-QC is chained by the CA-QC rule
    only; one whose side is not in a mapped subdivision by the national rule only."""
    opt = Option("new", "standard", 1.0, frozenset(), frozenset({"p-qc", "p-ca"}))
    cand = Candidate("c1", "CAN", {"r-qc": Placement(150_000.0, 0.0),
                                   "r-on": Placement(150_000.0, 0.0)}, (opt,))
    qc_rule = StandardRule("CAN", "p-qc", 80_000.0, (), "CA-QC")
    ca_rule = StandardRule("CAN", "p-ca", 80_000.0, ())
    r_qc, r_on = _route("r-qc", "CA-QC"), _route("r-on", "")
    prob = Problem([r_qc, r_on], [cand], [], [qc_rule, ca_rule])
    assert standard_chain(prob, r_qc, qc_rule) is not None
    assert standard_chain(prob, r_qc, ca_rule) is None
    assert standard_chain(prob, r_on, qc_rule) is None
    chain = standard_chain(prob, r_on, ca_rule)
    assert chain is not None and [p.key for p in chain.inner] == ["c1"]


def test_a_spacing_rule_across_a_provincial_line_is_refused() -> None:
    from types import SimpleNamespace

    from evcorridor.siting.build import _no_partial_spacing

    # SYNTHETIC profile set: the rescinded NEVI spacing rule mapped to a state
    pset = SimpleNamespace(id="synthetic",
                           profiles={"USA": "us-23cfr680", "US-NY": "us-nevi-2022"})
    standards = {p: get_standard(p) for p in pset.profiles.values()}
    with pytest.raises(UsageError, match="us-nevi-2022 has a spacing rule"):
        _no_partial_spacing(pset, standards, "USA", "r:forward")
    _no_partial_spacing(pset, standards, "CAN", "r:forward")  # no spacing in Canada: fine


_CACHE: dict[str, Plan] = {}


def planned() -> Plan:
    """i87-champlain (New York - Quebec, Lacolle) planned with the Quebec profile set."""
    if "p" not in _CACHE:
        from evcorridor.siting.build import BuildOptions
        from evcorridor.siting.plan import plan_corridor

        _CACHE["p"] = plan_corridor("i87-champlain",
                                    BuildOptions(profile_set="na-2023-qc")).plan
    return _CACHE["p"].model_copy(deep=True)


def _findings(plan: Plan) -> list[str]:
    return [f"{f.rule}: {f.where}: {f.message}" for f in check_plan(plan).findings]


def test_quebec_side_runs_under_the_quebec_profile_and_passes_check() -> None:
    plan = planned()
    for r in plan.routes:
        runs = {(sr.country, sr.jurisdiction, sr.profile) for sr in r.standards}
        assert runs == {("CAN", "CA-QC", "ca-qc"), ("USA", None, "us-23cfr680")}
    subs = {(s.country, s.subdivision) for s in plan.sites}
    assert ("CAN", "CA-QC") in subs and ("USA", "US-NY") in subs
    assert {s.subdivision for s in plan.sites if s.country == "CAN"} == {"CA-QC"}
    assert check_plan(plan).lines() == []


def test_check_catches_the_national_profile_on_the_quebec_side() -> None:
    plan = planned()
    r = plan.routes[0]
    sr = next(sr for sr in r.standards if sr.country == "CAN")
    sr.profile, sr.jurisdiction = "ca-federal", None
    found = _findings(plan)
    where = f"standard: route {r.id}: standard ca-federal"
    assert f"{where}: the profile set na-2023-qc uses ca-qc in CA-QC" in found, found
    assert any(f.startswith(f"{where}: jurisdiction CAN in the plan; the CAN side of the route "
                            "lies in CA-QC") for f in found), found


def test_check_catches_a_wrong_site_subdivision() -> None:
    plan = planned()
    site = next(s for s in plan.sites if s.country == "CAN")
    site.subdivision = "CA-ON"
    assert any(f.startswith(f"site: site {site.id}: subdivision CA-ON but its node") and
               f.endswith("is in CA-QC (Travel Mapping region)") for f in _findings(plan))
