"""`profiles compare`: verdicts from evidence only, sourced rules with dates, "no rule" versus
"differs", `--on DATE`, and the sentence on the missing Mexican station data."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from cli_run import run as cli_run
from cli_run import table_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.profiles import (
    StandardProfile,
    VehicleProfile,
    check_files,
    get_standard,
    get_vehicle,
    list_standards,
    list_vehicles,
)
from evcorridor.profiles.compare import (
    Comparison,
    compare,
    connector_access,
    vehicle_evidence,
    verdict_from,
)
from evcorridor.profiles.station_data import CountryStations, station_data

pytestmark = pytest.mark.usefixtures("shipped_configs")

ON = dt.date(2026, 12, 3)
CONNECTORS = ["CCS1", "NACS", "CHAdeMO", "J1772", "MCS"]
MEX_SENTENCE = (
    "The project has no non-Tesla station data for Mexico: its 8 station sites in Mexico are all "
    "Tesla Superchargers (data of 2023-06-03), so what this verdict says about stations there "
    "rests on the market reports cited in mx-cre-a108-2024, not on station records.")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return cli_run(list(argv), capsys)


def _rule(cmp: Comparison, name: str) -> Any:
    return next(r for r in cmp.rules if r.rule == name)


# ----------------------------------------------------------------------------- evidence
def _synthetic_vehicle(native: list[str], adapter: list[str], min_kw: float,
                       pnc: bool) -> VehicleProfile:
    """A SYNTHETIC vehicle: the shipped CCS1 car with other connectors, need and Plug & Charge."""
    base = get_vehicle("ccs1-long-range-car")
    return base.model_copy(update={"id": "synthetic-vehicle", "connectors_native": native,
                                   "connectors_adapter": adapter, "min_charge_power_kw": min_kw,
                                   "plug_and_charge": pnc})


@st.composite
def vehicles(draw: st.DrawFn) -> VehicleProfile:
    """A shipped vehicle, or a synthetic one with any native / adapter connectors."""
    if draw(st.booleans()):
        return draw(st.sampled_from(list_vehicles()))
    native = draw(st.lists(st.sampled_from(CONNECTORS), min_size=1, max_size=2, unique=True))
    adapter = draw(st.lists(st.sampled_from([c for c in CONNECTORS if c not in native]),
                            max_size=2, unique=True))
    return _synthetic_vehicle(native, adapter, draw(st.sampled_from([50.0, 150.0, 350.0])),
                              draw(st.booleans()))


SHIPPED = ["ca-federal", "ca-qc", "mx-cre-a108-2024", "na-harmonised", "us-23cfr680",
           "us-nevi-2022"]
_STANDARDS = st.sampled_from(SHIPPED)


def _verdict(a: str, b: str, v: VehicleProfile, on: dt.date = ON) -> str:
    return compare(get_standard(a), get_standard(b), [v], on=on, stations={}).vehicles[0].verdict


def test_the_shipped_standards_are_the_ones_the_property_tests_draw() -> None:
    assert sorted(s.id for s in list_standards()) == SHIPPED


@settings(max_examples=150, deadline=None)
@given(a1=_STANDARDS, b1=_STANDARDS, v1=vehicles(), a2=_STANDARDS, b2=_STANDARDS, v2=vehicles())
def test_equal_evidence_gives_equal_verdicts(a1: str, b1: str, v1: VehicleProfile, a2: str,
                                             b2: str, v2: VehicleProfile) -> None:
    e1 = vehicle_evidence(get_standard(a1), get_standard(b1), v1, ON)
    e2 = vehicle_evidence(get_standard(a2), get_standard(b2), v2, ON)
    r1, r2 = _verdict(a1, b1, v1), _verdict(a2, b2, v2)
    assert r1 == verdict_from(e1) and r2 == verdict_from(e2)
    if e1 == e2:
        assert r1 == r2


def test_every_shipped_vehicle_and_profile_pair_has_an_evidence_based_verdict() -> None:
    """Exhaustive over the shipped files: same evidence -> same verdict; the verdict does not
    depend on the direction of travel."""
    by_evidence: dict[Any, set[str]] = {}
    ids = [s.id for s in list_standards()]
    for v in list_vehicles():
        for a, b in itertools.product(ids, ids):
            ev = vehicle_evidence(get_standard(a), get_standard(b), v, ON)
            verdict = _verdict(a, b, v)
            by_evidence.setdefault(ev, set()).add(verdict)
            assert verdict == _verdict(b, a, v), (v.id, a, b)
    assert all(len(verdicts) == 1 for verdicts in by_evidence.values())
    assert len(by_evidence) > 10  # the pairs do differ in evidence


def _relabel(p: StandardProfile, perm: dict[str, str]) -> StandardProfile:
    obs = [o.model_copy(update={"connector": perm[o.connector]}) for o in p.observed_connectors]
    return p.model_copy(update={
        "required_connectors": [perm[c] for c in p.required_connectors],
        "allowed_connectors": [perm[c] for c in p.allowed_connectors],
        "observed_connectors": obs})


@settings(max_examples=80, deadline=None)
@given(a=_STANDARDS, b=_STANDARDS, v=vehicles(), order=st.permutations(CONNECTORS))
def test_connector_names_do_not_matter_only_the_evidence(a: str, b: str, v: VehicleProfile,
                                                         order: list[str]) -> None:
    perm = dict(zip(CONNECTORS, order, strict=True))
    pa, pb = get_standard(a), get_standard(b)
    v2 = v.model_copy(update={"connectors_native": [perm[c] for c in v.connectors_native],
                              "connectors_adapter": [perm[c] for c in v.connectors_adapter]})
    ra, rb = _relabel(pa, perm), _relabel(pb, perm)
    assert vehicle_evidence(pa, pb, v, ON) == vehicle_evidence(ra, rb, v2, ON)
    assert (compare(pa, pb, [v], on=ON, stations={}).vehicles[0].verdict
            == compare(ra, rb, [v2], on=ON, stations={}).vehicles[0].verdict)


_RANK = {"seamless": 0, "seamless with conditions": 1, "broken": 2}


@settings(max_examples=80, deadline=None)
@given(a=_STANDARDS, b=_STANDARDS, c=st.sampled_from(CONNECTORS),
       min_kw=st.sampled_from([50.0, 350.0]), pnc=st.booleans())
def test_a_native_connector_never_gives_a_worse_verdict_than_the_same_by_adapter(
        a: str, b: str, c: str, min_kw: float, pnc: bool) -> None:
    other = next(x for x in CONNECTORS if x != c)
    by_adapter = _synthetic_vehicle([other], [c], min_kw, pnc)
    native = _synthetic_vehicle([other, c], [], min_kw, pnc)
    assert _RANK[_verdict(a, b, native)] <= _RANK[_verdict(a, b, by_adapter)]


def test_mexican_side_rests_on_the_same_evidence_for_the_nacs_and_ccs1_cars() -> None:
    mx = get_standard("mx-cre-a108-2024")
    nacs = connector_access(mx, get_vehicle("nacs-car"))
    ccs1 = connector_access(mx, get_vehicle("ccs1-long-range-car"))
    assert (nacs.basis, nacs.via, nacs.connectors) == ("market", "adapter", ("CCS1",))
    assert (ccs1.basis, ccs1.via, ccs1.connectors) == ("market", "native", ("CCS1",))
    assert nacs.level == ccs1.level == "condition"
    for a in ("us-23cfr680", "ca-federal", "mx-cre-a108-2024"):
        assert _verdict(a, mx.id, get_vehicle("nacs-car")) == _verdict(
            a, mx.id, get_vehicle("ccs1-long-range-car")), a
    # an MCS truck has nothing in Mexico: no rule, no station seen
    truck = connector_access(mx, get_vehicle("heavy-truck-mcs"))
    assert (truck.basis, truck.level) == ("none", "broken")


# ----------------------------------------------------------------------------- sourced rules
def test_measurement_canada_rules_carry_their_dates_and_what_changes() -> None:
    us, ca = get_standard("us-23cfr680"), get_standard("ca-federal")
    before = compare(us, ca, [], on=dt.date(2029, 12, 31), stations={})
    billing = _rule(before, "billing")
    assert (billing.a, billing.match, billing.level) == ("no rule", "no rule", "info")
    assert billing.b == ("charging may be billed by time or as a flat fee instead of by the kWh "
                         "(until 2029-12-31; from 2030-01-01: time-based and flat billing are no "
                         "longer allowed: charging is sold by the kWh)")
    assert billing.why == (
        "no counterpart in us-23cfr680: only ca-federal makes a rule on billing; changes on "
        "2030-01-01 in ca-federal: time-based and flat billing are no longer allowed: charging "
        "is sold by the kWh")
    [cite] = billing.b_sources
    assert (cite.source, cite.date, cite.expires) == ("measurement-canada", None, "2030-01-01")
    assert cite.text() == "measurement-canada; date not in the sources; until 2029-12-31"
    assert _rule(before, "pricing unit").b == "kWh, time, session"
    assert _rule(before, "pricing unit").match == "differs"
    metering = _rule(before, "metering")
    assert "temporary dispensations let Level 1, Level 2 and DC ('Level 3+', 200-1000 V DC " \
           "output) chargers sell by the kWh without a type-approved meter (until 2029-12-31; " \
           "from 2030-01-01: dispensations have expired" in metering.b
    # from 1 Jan 2030 the dispensations and time-based billing are gone
    after = compare(us, ca, [], on=dt.date(2030, 1, 1), stations={})
    assert _rule(after, "billing").b == ("since 2030-01-01: time-based and flat billing are no "
                                         "longer allowed: charging is sold by the kWh")
    assert _rule(after, "billing").b_sources[0].date == "2030-01-01"
    assert _rule(after, "billing").b_sources[0].expires is None
    assert _rule(after, "pricing unit").b == "kWh"
    assert _rule(after, "pricing unit").match == "same"
    assert "temporary dispensations" not in _rule(after, "metering").b
    assert ca.as_of(dt.date(2030, 1, 1)).pricing_units == ["kWh"]
    assert ca.as_of(dt.date(2029, 12, 31)).pricing_units == ["kWh", "time", "session"]


def test_signage_rules_for_canada_with_unverified_flag_and_quebec() -> None:
    cmp = compare(get_standard("na-harmonised"), get_standard("ca-federal"), [], on=ON,
                  stations={})
    sign = _rule(cmp, "signage language")
    assert sign.a == "signs in en, fr, es"
    assert sign.b == ("bilingual (English/French) signage can be required [sites under a federal "
                      "contribution agreement] | public signage is governed by the Charter of the "
                      "French Language [Quebec]")
    assert (sign.match, sign.level) == ("differs", "info")
    assert [c.unverified for c in sign.b_sources] == [
        "as a ZEVIP condition (standards-facts.md)", None]
    assert [c.source for c in sign.b_sources] == ["official-languages", "charter-french-language"]
    assert sign.a_sources[0].period == "proposed, not adopted"


def test_cre_rules_beyond_connectors_are_rows_with_their_dof_date() -> None:
    cmp = compare(get_standard("us-23cfr680"), get_standard("mx-cre-a108-2024"), [], on=ON,
                  stations={})
    rows = {r.rule: r for r in cmp.rules}
    for name, text in (
            ("grid connection", "technical and administrative rules for connecting chargers to "
                                "the grid"),
            ("supply contract", "a separate electricity supply contract per charger"),
            ("public registry", "chargers are listed on the public Plataforma Electromovilidad "
                                "with connector type, number of chargers and price"),
            ("charging modes", "the rules cover charging modes 1 to 4")):
        r = rows[name]
        assert (r.a, r.b, r.match) == ("no rule", text, "no rule"), name
        assert r.why == ("no counterpart in us-23cfr680: only mx-cre-a108-2024 makes a rule on "
                         + name)
        assert [(c.source, c.date) for c in r.b_sources] == [("cre-a108-2024", "2024-09-10")]
    nom = rows["installation code"]
    assert nom.b_sources[0].date == "2012-11-29"
    assert nom.b_sources[0].unverified.startswith("article 625")  # type: ignore[union-attr]
    # before the DOF publication, the CRE rules do not apply yet
    early = compare(get_standard("us-23cfr680"), get_standard("mx-cre-a108-2024"), [],
                    on=dt.date(2024, 9, 9), stations={})
    status = _rule(early, "status on 2024-09-09")
    assert status.b == "not yet in force (from 2024-09-10)"
    assert status.why == ("mx-cre-a108-2024 is not yet in force on 2024-09-09: its rules do not "
                          "apply yet")


def test_every_sourced_rule_row_shows_its_source_and_a_date_or_says_there_is_none() -> None:
    ids = [s.id for s in list_standards()]
    for a, b in itertools.product(ids, ids):
        cmp = compare(get_standard(a), get_standard(b), [], on=ON, stations={})
        for r in cmp.rules:
            for side, cites in (("a", r.a_sources), ("b", r.b_sources)):
                text = getattr(r, side)
                if text == "no rule" or r.rule.startswith(("status", "recognition")):
                    continue
                assert cites, (a, b, r.rule, side)
                for c in cites:
                    assert c.source, (a, b, r.rule)
                    shown = c.text()
                    assert (f"since {c.date}" in shown if c.date else
                            "date not in the sources" in shown
                            or "proposed, not adopted" in shown), shown


# ----------------------------------------------------------------------------- uptime wording
def test_uptime_is_above_97_percent_in_profile_and_compare(
        capsys: pytest.CaptureFixture[str]) -> None:
    us = get_standard("us-23cfr680")
    assert us.uptime_above_pct == 97.0
    assert "above 97 %" in us.notes["uptime_above"]
    cmp = compare(us, get_standard("us-nevi-2022"), [], on=ON, stations={})
    up = _rule(cmp, "uptime")
    assert (up.a, up.b, up.match, up.level) == ("above 97 %", "above 97 %", "same", "same")
    code, out, _ = run(capsys, "profiles", "show", "us-23cfr680")
    assert code == 0
    assert table_rows(out)["uptime_above"] == ("above 97 %  — cfr680 680.116 (uptime per port "
                                               "above 97 %)")
    code, out, _ = run(capsys, "profiles", "show", "us-23cfr680", "-f", "json")
    assert code == 0 and json.loads(out)["data"]["uptime_above"] == "97.0 %"
    text = (Path(us.source_file)).read_text(encoding="utf-8")
    assert "uptime_above: 97 %" in text and "above 97 %" in text
    assert "min_uptime" not in text


# ----------------------------------------------------------------------------- match
def test_no_rule_is_told_apart_from_a_rule_that_differs(
        capsys: pytest.CaptureFixture[str]) -> None:
    cmp = compare(get_standard("us-23cfr680"), get_standard("ca-federal"), [], on=ON,
                  stations={})
    assert _rule(cmp, "uptime").match == "no rule"
    assert _rule(cmp, "uptime").why.startswith("no counterpart: ca-federal sets no uptime rule")
    assert _rule(cmp, "uptime reporting").match == "differs"
    assert _rule(cmp, "currency").match == "differs"
    assert _rule(cmp, "spacing").match == "neither"
    assert _rule(cmp, "metering").match == "no rule"
    code, out, _ = run(capsys, "profiles", "compare", "USA", "CAN", "--vehicle", "pickup", "--on",
                       "2026-12-03", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    rows = {r["rule"]: r for r in doc["rules"]}
    assert (rows["uptime"]["match"], rows["uptime"]["b"]) == ("no rule", "no rule")
    assert rows["uptime"]["a_sources"][0]["date"] == "2023-03-30"
    assert rows["uptime reporting"]["match"] == "differs"
    code, out, _ = run(capsys, "profiles", "compare", "USA", "CAN", "--vehicle", "pickup", "--on",
                       "2026-12-03")
    assert code == 0
    header = next(line for line in out.splitlines() if "match" in line)
    assert [c.strip() for c in header.split("┃")[1:-1]] == [
        "rule", "us-23cfr680", "ca-federal", "match", "assessment", "why"]
    lines = [line for line in out.splitlines() if line.startswith("│ uptime ")]
    assert lines and "│ no rule │" in lines[0].replace("  ", " ").replace("  ", " ")


# ----------------------------------------------------------------------------- --on DATE
def test_compare_on_date_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles", "compare", "CAN", "USA", "--vehicle", "pickup", "-f",
                       "json")
    assert code == 0 and json.loads(out)["on"] == dt.date.today().isoformat()
    code, out, _ = run(capsys, "profiles", "compare", "CAN", "USA", "--vehicle", "pickup", "-f",
                       "json", "--on", "2030-01-01")
    doc = json.loads(out)
    assert doc["on"] == "2030-01-01"
    assert {r["rule"]: r["a"] for r in doc["rules"]}["pricing unit"] == "kWh"
    code, _, err = run(capsys, "profiles", "compare", "CAN", "USA", "--on", "1 Jan 2030")
    assert code == 2 and "--on" in err
    # the rescinded 2022 guidance: shown, and said to be rescinded on the day
    code, out, _ = run(capsys, "profiles", "compare", "us-nevi-2022", "CAN", "-f", "json",
                       "--on", "2025-02-06", "--vehicle", "pickup")
    status = json.loads(out)["rules"][0]
    assert (status["rule"], status["a"], status["level"]) == (
        "status on 2025-02-06", "rescinded 2025-02-06", "info")
    code, out, _ = run(capsys, "profiles", "compare", "us-nevi-2022", "CAN", "-f", "json",
                       "--on", "2025-02-05", "--vehicle", "pickup")
    assert json.loads(out)["rules"][0]["level"] == "same"


# ----------------------------------------------------------------------------- Mexican data
def test_every_verdict_that_depends_on_mexican_stations_says_the_data_is_tesla_only() -> None:
    data = station_data()
    assert data["MEX"] == CountryStations("MEX", 8, 8, dt.date(2023, 6, 3))
    assert data["CAN"].non_tesla_sites > 0 and data["USA"].non_tesla_sites > 0
    ids = [s.id for s in list_standards()]
    seen: dict[str, int] = {}
    for a, b in itertools.product(ids, ids):
        cmp = compare(get_standard(a), get_standard(b), list_vehicles(), on=ON)
        for vv in cmp.vehicles:
            v = get_vehicle(vv.vehicle)
            expected = []
            for p in (get_standard(a), get_standard(b)):
                if "MEX" in p.jurisdiction.applies_to and connector_access(p, v).basis != "rule":
                    sentence = (MEX_SENTENCE if p.id == "mx-cre-a108-2024" else
                                MEX_SENTENCE.split(", so ")[0] + ", so what this verdict says "
                                "about stations there is not backed by any station record.")
                    if sentence not in expected:
                        expected.append(sentence)
                        seen[p.id] = seen.get(p.id, 0) + 1
            assert vv.notes == expected, (a, b, vv.vehicle)
    # every vehicle with the Mexican profile on one side or both (11 pairs of 6 profiles); the
    # harmonised profile guarantees CCS1, so only the MCS truck rests on Mexican stations there
    assert seen == {"mx-cre-a108-2024": 4 * 11, "na-harmonised": 11}
    # CLI: the sentence is printed with the verdict
    cmp = compare(get_standard("us-23cfr680"), get_standard("mx-cre-a108-2024"),
                  [get_vehicle("pickup")], on=ON)
    assert cmp.vehicles[0].notes == [MEX_SENTENCE]


def test_mexican_sentence_follows_the_station_data() -> None:
    us, mx = get_standard("us-23cfr680"), get_standard("mx-cre-a108-2024")
    pickup = [get_vehicle("pickup")]
    # SYNTHETIC station summaries
    with_ccs = {"MEX": CountryStations("MEX", 10, 8, dt.date(2025, 1, 1))}
    assert compare(us, mx, pickup, on=ON, stations=with_ccs).vehicles[0].notes == []
    none = compare(us, mx, pickup, on=ON, stations={}).vehicles[0].notes
    assert none == ["The project has no non-Tesla station data for Mexico: it has no station in "
                    "Mexico at all, so what this verdict says about stations there rests on the "
                    "market reports cited in mx-cre-a108-2024, not on station records."]


def test_cli_prints_the_mexican_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles", "compare", "USA", "MEX", "--vehicle", "nacs-car")
    assert code == 0
    flat = " ".join(out.split())
    assert "note: " + MEX_SENTENCE in flat


# ----------------------------------------------------------------------------- loader checks
def test_rule_problems_are_located(tmp_path: Path) -> None:
    f = tmp_path / "rules.yaml"
    f.write_text(
        "# SYNTHETIC profile with broken rules\nkind: standard\nid: synthetic-rules\n"
        "title: synthetic\njurisdiction: {country: CAN}\nprogramme: test\nstatus: in-force\n"
        "sources:\n  - id: src\n    title: synthetic\ncurrencies: [CAD]\nunits: metric\n"
        "rules:\n"
        "  - id: r1\n    topic: billing\n    text: a\n    source: srx\n"
        "  - id: r1\n    topic: billing\n    text: b\n    source: src\n"
        "    effective: 2030-01-01\n    expires: 2029-01-01\n"
        "  - id: r3\n    topic: billing\n    text: c\n    source: src\n    after_expiry: d\n"
        "    on_expiry: {pricing_unit: [kWh]}\n"
        "  - id: r4\n    topic: billing\n    text: c\n    source: src\n    expires: 2030-01-01\n"
        "    on_expiry: {pricing_units: [litre]}\n",
        encoding="utf-8")
    [res] = check_files([f])
    got = [str(p)[len(str(f)) + 1:] for p in res.problems]
    assert got == [
        "17:5: rules.0.source: 'srx' is not an id in this file's sources; did you mean 'src'?",
        "18:5: rules.1.id: rule id 'r1' is used twice",
        "23:5: rules.1.expires: expires 2029-01-01 is not after the effective date 2030-01-01",
        "28:5: rules.2.after_expiry: after_expiry needs an 'expires' date",
        "29:5: rules.2.on_expiry: on_expiry needs an 'expires' date",
        "29:17: rules.2.on_expiry.pricing_unit: 'pricing_unit' is not a field a rule can change; "
        "did you mean 'pricing_units'?",
        "35:5: rules.3.on_expiry: pricing_units.0: Input should be 'kWh', 'time' or 'session'",
    ]


# ----------------------------------------------------------------------------- README
def test_readme_profiles_section_shows_every_sourced_rule_topic() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Comparing standards across a border", 1)[1].split("\n## ", 1)[0]
    topics = sorted({r.topic.replace("-", " ") for s in list_standards() for r in s.rules})
    assert [t for t in topics if t not in section] == []
    for text in ("above 97 %", "until 2029-12-31", "since 2030-01-01", "`--on 2030-01-01`",
                 "UNVERIFIED as a ZEVIP condition", "Charter of the French Language",
                 "no non-Tesla station data for Mexico", "| differs |", "| no rule |"):
        assert text in section, text
