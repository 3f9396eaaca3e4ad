"""The checker derives a node's subdivision itself (evcorridor/check/subdivisions.py, its own
table from Travel Mapping's regions.csv), so a bug in evcorridor/jurisdictions.py (the siting's
table) is a finding of `check`, not a shared mistake. Corridors: the SYNTHETIC line of
tests/siting_synth.py with Travel Mapping region codes given to its nodes."""

from __future__ import annotations

import csv
import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from siting_synth import plan_nacs_car

from evcorridor import jurisdictions
from evcorridor.check import check_plan
from evcorridor.check.subdivisions import REGION_ISO, TM_REGIONS, governing, subdivision_of


@pytest.mark.parametrize(("data", "expected"), [
    ({"country": "CAN", "routes": "ny.i087;qc.a015"}, "CA-QC"),  # the border waypoint, in Canada
    ({"country": "USA", "routes": "ny.i087;qc.a015"}, "US-NY"),
    ({"country": "USA", "routes": "nj.i080;ny.i087"}, None),  # a state line: none
    ({"country": "MEX", "routes": "mexbc.mex001;ca.i005"}, "MX-BCN"),
    ({"country": "MEX", "routes": "mexchih.mex045"}, "MX-CHH"),
    ({"country": "MEX", "routes": "mexcoah.mex057"}, "MX-COA"),
    ({"country": "MEX", "routes": "mexdf.mex085"}, "MX-CMX"),
    ({"country": "USA", "routes": "dc.i395"}, "US-DC"),
    ({"country": "USA", "routes": "pr.pr052"}, None),  # a territory: not on the list
    ({"country": "USA", "routes": ""}, None),
    ({"country": "CAN", "routes": "yt.yt001"}, "CA-YT"),
])
def test_subdivision_of(data: dict[str, str], expected: str | None) -> None:
    assert subdivision_of(data) == expected


def test_the_two_derivations_agree_on_every_region() -> None:
    # the siting's table (evcorridor/jurisdictions.py) and the checker's give the same code for
    # every region of the checker's table, and the siting maps no region the checker does not
    # (the two tables are written separately on purpose; this test may import both)
    assert len(REGION_ISO) == 51 + 13 + 32  # 50 states and DC, 13 provinces/territories, 32
    for (country, region), iso in sorted(REGION_ISO.items()):
        assert jurisdictions.region_subdivision(country, region) == iso, (country, region)
        assert jurisdictions.region_subdivision(country, region.upper()) == iso
    siting = {("USA", r) for r in jurisdictions.US_STATES}
    siting |= {("CAN", r) for r in jurisdictions.CA_PROVINCES}
    siting |= {("MEX", r) for r in jurisdictions.MX_STATES}
    assert siting == set(REGION_ISO)
    assert len(set(jurisdictions.MX_STATES.values())) == 32  # no ISO code given twice
    # a region of another country is none of this one's
    assert jurisdictions.region_subdivision("USA", "mexbc") is None
    assert jurisdictions.region_subdivision("MEX", "ca") is None


def _regions_csv(shared_data: Path) -> list[list[str]]:
    """The rows of Travel Mapping's regions.csv in the shared tarball (header dropped)."""
    tar = shared_data / "travelmapping" / "HighwayData-USA-CAN-MEX-3d7993c.tar.gz"
    with tarfile.open(tar) as tf:
        member = tf.extractfile("./regions.csv")
        assert member is not None
        text = member.read().decode("utf-8-sig")
    return [r for r in csv.reader(io.StringIO(text), delimiter=";")][1:]


def test_siting_table_covers_every_region_of_regions_csv(shared_data: Path) -> None:
    # every USA / CAN / MEX region below the country in regions.csv gets its subdivision from
    # the siting's table, except the US territories (no corridor reaches them: none, as in check)
    rows = [r for r in _regions_csv(shared_data)
            if r[2] in ("USA", "CAN", "MEX") and r[4] != "Country"]
    assert len(rows) == 51 + 13 + 32 + 6  # + AS, GU, MP, PR, UM, VI
    for code, name, country, _continent, kind in rows:
        region = code.replace("-", "").lower()
        got = jurisdictions.region_subdivision(country, region)
        if country == "USA" and kind == "Territory":
            assert got is None, (code, got)
            continue
        assert got is not None, (code, name)
        assert jurisdictions.SUBDIVISION_RE.match(got), got
        if country != "MEX":  # US / CA region codes are the ISO 3166-2 suffixes
            assert got == f"{jurisdictions.ISO2[country]}-{code}"


def test_governing() -> None:
    mapped = {"CAN": "ca-federal", "CA-QC": "ca-qc"}
    assert governing(["CA-QC", None, "CA-QC"], "CAN", mapped) == "CA-QC"
    assert governing(["CA-ON"], "CAN", mapped) == "CAN"
    assert governing(["CA-ON", "CA-QC"], "CAN", mapped) == "CAN"
    assert governing([None], "CAN", mapped) == "CAN"


def test_table_is_travel_mappings_regions_csv(shared_data: Path) -> None:
    rows = _regions_csv(shared_data)
    want = sorted((r[0], r[1], r[2], r[4]) for r in rows
                  if r[2] in ("USA", "CAN", "MEX") and r[4] != "Country"
                  and not (r[2] == "USA" and r[4] == "Territory"))
    assert sorted(TM_REGIONS) == want


def _findings(built: Any, plan: Any, tmp: Path) -> list[str]:
    return [f"{f.rule}: {f.where}: {f.message}"
            for f in check_plan(plan, graph=built.graph, inputs=[tmp]).findings]


MARKS = [0, 100, 200, 300.5, 400]


def test_check_agrees_with_a_correct_subdivision(tmp_path: Path) -> None:
    built, plan = plan_nacs_car(tmp_path, MARKS, [], "default", profile_set="na-2023-qc",
                                regions=("vt", "qc"))
    assert {s.subdivision for s in plan.sites} == {"US-VT", "CA-QC"}
    quebec = [sr for r in plan.routes for sr in r.standards if sr.country == "CAN"]
    assert quebec and all(sr.jurisdiction == "CA-QC" and sr.profile == "ca-qc" for sr in quebec)
    assert _findings(built, plan, tmp_path) == []


def test_check_flags_a_bug_in_the_siting_table(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # a mutated siting table: Quebec's region read as Ontario
    real = jurisdictions.region_subdivision

    def wrong(country: str, region: str) -> str | None:
        return "CA-ON" if region.lower() == "qc" else real(country, region)

    monkeypatch.setattr(jurisdictions, "region_subdivision", wrong)
    built, plan = plan_nacs_car(tmp_path, MARKS, [], "default", profile_set="na-2023-qc",
                                regions=("vt", "qc"))
    monkeypatch.undo()
    canadian = [s for s in plan.sites if s.country == "CAN"]
    assert canadian and all(s.subdivision == "CA-ON" for s in canadian)
    found = _findings(built, plan, tmp_path)
    for s in canadian:
        assert (f"site: site {s.id}: subdivision CA-ON but its node {s.node} is in CA-QC "
                "(Travel Mapping region)") in found, found
    # the Canadian side is governed by the Quebec profile, which the plan left out
    assert any(f.startswith("route: ") and "no run for the standard ca-qc of CA-QC" in f
               for f in found), found


def test_check_flags_a_mutated_site_subdivision(tmp_path: Path) -> None:
    built, plan = plan_nacs_car(tmp_path, MARKS, [], "default", regions=("wa", "bc"))
    site = next(s for s in plan.sites if s.country == "USA")
    assert site.subdivision == "US-WA"
    site.subdivision = "US-OR"
    found = _findings(built, plan, tmp_path)
    assert (f"site: site {site.id}: subdivision US-OR but its node {site.node} is in US-WA "
            "(Travel Mapping region)") in found
