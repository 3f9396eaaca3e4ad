"""`evcorridor profiles ...`: exit codes, output formats, compare verdicts, JSON Schema export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_run import table_rows

from evcorridor.cli import main
from evcorridor.profiles import get_standard, get_vehicle
from evcorridor.profiles.compare import compare
from evcorridor.profiles.loader import CONTEXT, parse_file
from evcorridor.profiles.models import MODELS
from evcorridor.profiles.schema import SCHEMA_FILES
from evcorridor.yamlio import load_yaml

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "configs"
INVALID = Path(__file__).resolve().parent / "fixtures" / "profiles" / "invalid"
FOLDERS = {"standard": "profiles", "vehicle": "vehicles", "profile-set": "profile-sets"}
ON = dt.date(2026, 12, 3)  # a fixed day for the comparisons (rules with dates apply as then)


# the repository's configs/ whatever an earlier test set (fixture in conftest.py)
pytestmark = pytest.mark.usefixtures("shipped_configs")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    cap = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), cap.out, cap.err


# ----------------------------------------------------------------------------- validate
def test_validate_shipped_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "profiles", "validate", str(CONFIGS))
    assert code == 0
    assert out == ""
    assert err.startswith("14 file(s) checked: all valid")


def test_validate_invalid_exits_1_with_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    good = CONFIGS / "vehicles" / "pickup.yaml"
    bad = INVALID / "std-bare-number-power.yaml"
    bad2 = INVALID / "veh-typo-key.yaml"
    code, out, err = run(capsys, "profiles", "validate", str(good), str(bad), str(bad2))
    assert code == 1
    assert out.splitlines() == [
        f"{bad}:14:1: min_power: a unit is required: write e.g. '150 kW' "
        "(accepted units: kW, MW, W)",
        f"{bad2}:1:1: battery: required field is missing",
        f"{bad2}:7:1: batery: unknown key; did you mean 'battery'?",
    ]
    assert err.strip() == "3 file(s) checked: 3 problem(s) in 2 file(s)"


def test_validate_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    bad = INVALID / "std-unknown-connector.yaml"
    code, out, _ = run(capsys, "profiles", "validate", "--format", "github", str(bad))
    assert code == 1
    assert out == (f"::error file={bad},line=14,col=23::required_connectors.0: unknown connector "
                   "'CSS1'; did you mean 'CCS1'? (known: CCS1, J1772, CHAdeMO, NACS, MCS, CCS2, "
                   "NEMA520, NEMA515, NEMA1450)\n")


def test_validate_github_escapes_properties(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    bad = tmp_path / "a,b:c.yaml"
    bad.write_text("# SYNTHETIC\nkind: vehicle\nbattery: 80\n", encoding="utf-8")
    code, out, _ = run(capsys, "profiles", "validate", "-f", "github", str(bad))
    assert code == 1
    first = out.splitlines()[0]
    where = str(tmp_path).replace(":", "%3A") + "/a%2Cb%3Ac.yaml"
    assert first.startswith(f"::error file={where},line=")


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles", "validate", "--format", "json", str(INVALID))
    assert code == 1
    doc = json.loads(out)
    assert doc["files_checked"] >= 40 and doc["files_invalid"] == doc["files_checked"]
    by_name = {Path(f["file"]).name: f for f in doc["files"]}
    assert by_name["set-unknown-profile.yaml"]["problems"] == [{
        "line": 9, "column": 3, "field": "profiles.CAN",
        "message": "unknown profile 'ca-fedral'; did you mean 'ca-federal'?"}]


def test_validate_empty_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    code, _, err = run(capsys, "profiles", "validate", str(tmp_path))
    assert code == 2
    assert err.strip() == f"error: {tmp_path}: no .yaml or .yml files in this folder"


def test_validate_folder_without_profiles_is_a_usage_error_not_all_valid(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # synthetic: YAML that is not a profile (a list, a scenario) and a binary .yaml
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text("kind: scenario\nid: x\n", encoding="utf-8")
    (tmp_path / "blob.yaml").write_bytes(bytes(range(256)))
    code, out, err = run(capsys, "profiles", "validate", str(tmp_path))
    assert code == 2 and out == ""
    assert err.strip() == (
        f"error: {tmp_path}: no profile, vehicle or profile-set files found (3 other YAML "
        "file(s) skipped: none sits under a profiles/, vehicles/ or profile-sets/ folder or "
        "declares kind: standard|vehicle|profile-set)")


def test_validate_folder_checks_a_mistyped_kind_instead_of_skipping_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # synthetic: a vehicle file whose kind is misspelt, next to a scenario file
    (tmp_path / "car.yaml").write_text("# SYNTHETIC\nkind: vehicel\n", encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text("kind: scenario\n", encoding="utf-8")
    code, out, err = run(capsys, "profiles", "validate", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'car.yaml'}:2:1: kind: Input should be 'standard'" in out.splitlines()
    assert "(1 other YAML file(s) skipped: not profiles)" in err


def test_validate_never_tracebacks_on_odd_files(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    # synthetic odd inputs named directly: binary, top-level list, scalar, null quantity
    cases = {
        "blob.yaml": (b"\xff\xfe\x00garbage", "1:1: not UTF-8 text (invalid start byte at byte 0)"),
        "list.yaml": (b"- a\n", "1:1: expected a YAML mapping at the top level, got list"),
        "scalar.yaml": (b"hello\n", "1:1: expected a YAML mapping at the top level, got str"),
        "nul.yaml": (b"kind: vehicle\nbattery: ~\n",
                     "2:1: battery: expected an energy with a unit (kWh, MWh, Wh), got null"),
    }
    for name, (raw, expected) in cases.items():
        f = tmp_path / name
        f.write_bytes(raw)
        code, out, err = run(capsys, "profiles", "validate", str(f))
        assert code == 1, name
        assert f"{f}:{expected}" in out.splitlines(), out
        assert "Traceback" not in out + err


def test_validate_a_file_named_twice_or_also_through_its_folder_is_checked_once(
        capsys: pytest.CaptureFixture[str]) -> None:
    pickup = CONFIGS / "vehicles" / "pickup.yaml"
    code, out, err = run(capsys, "profiles", "validate", str(pickup), str(pickup),
                         str(CONFIGS / "vehicles"))
    assert code == 0 and out == ""
    assert err.strip() == "4 file(s) checked: all valid"


def test_validate_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run(capsys, "profiles", "validate", str(missing))
    # a path that does not exist is a bad input (exit 3, as documented), not a "no" (exit 1)
    assert (code, out) == (3, "")
    assert err.strip() == f"error: {missing}: no such file or folder"
    code, out, err = run(capsys, "profiles", "validate", str(CONFIGS / "vehicles"), str(missing))
    assert (code, out) == (3, "")


# ----------------------------------------------------------------------------- show / list
def test_show_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles", "show", "us-nevi-2022", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["kind"] == "standard" and doc["data"]["max_spacing"] == "80467.2 m"
    assert doc["derived"]["standard_site"] == {"connectors": [["CCS1", 4, 150.0]], "ports": 4,
                                               "power_kw": 150.0}
    code, out, _ = run(capsys, "profiles", "show", "pickup", "-f", "json")
    assert json.loads(out)["derived"]["usable_range_mi"]["mild"] == 175.5
    code, out, _ = run(capsys, "profiles", "list", "--kind", "set", "--format", "json")
    assert [r["id"] for r in json.loads(out)] == ["na-2022-nevi", "na-2023", "na-2023-qc",
                                                  "na-harmonised"]
    code, out, _ = run(capsys, "profiles", "show", "na-harmonised", "-f", "json")
    assert sorted(r["kind"] for r in json.loads(out)) == ["profile-set", "standard"]


def test_show_table_flags_unverified_and_names_ocpi_types(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "profiles", "show", "us-23cfr680")
    assert code == 0
    rows = table_rows(out)  # the shared table helper (render/table.py), plain text
    assert "[yellow]" not in out and "│" not in out
    assert rows["min_power"] == "150 kW  — cfr680 680.106 (DCFC, simultaneous)"
    assert rows["payment"] == ("contactless-card (UNVERIFIED)  — cfr680 680.106 (wording "
                               "UNVERIFIED)")
    assert rows["ocpi_connector_types"] == (
        "CCS1: IEC_62196_T1_COMBO, CHAdeMO: CHADEMO, J1772: IEC_62196_T1, "
        "MCS: no OCPI 2.2.1 type, NACS: TESLA_S")


def test_compare_unknown_profile_mentions_country_codes(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "profiles", "compare", "USA", "FRA")
    assert code == 2
    assert err.strip() == ("error: unknown standard profile 'FRA'; known: ca-federal, ca-qc, "
                           "mx-cre-a108-2024, na-harmonised, us-23cfr680, us-nevi-2022 "
                           "(or a country: USA, CAN, MEX)")


def test_show_unknown_id_exits_2_with_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "profiles", "show", "nacs-cra")
    assert code == 2
    assert err.strip() == ("error: unknown profile, vehicle or profile set 'nacs-cra'; did you "
                           "mean 'nacs-car'?")


# ----------------------------------------------------------------------------- compare
def test_compare_us_mexico_nacs_and_ccs1_cars_rest_on_the_same_mexican_evidence() -> None:
    us, mx = get_standard("us-23cfr680"), get_standard("mx-cre-a108-2024")
    cmp = compare(us, mx, [get_vehicle("nacs-car"), get_vehicle("ccs1-long-range-car")],
                  on=ON)
    nacs, ccs1 = cmp.vehicles
    # both rest on CCS1 being what Mexican sites offer and on no Mexican connector rule: the
    # same Mexican-side level and the same verdict
    assert nacs.verdict == ccs1.verdict == "seamless with conditions"
    assert (nacs.rules[0].a, nacs.rules[0].b) == ("CCS1 (condition)", "CCS1 (condition)")
    assert (ccs1.rules[0].a, ccs1.rules[0].b) == ("CCS1 (same)", "CCS1 (condition)")
    assert nacs.evidence["access_b"] == ("market", "adapter")
    assert ccs1.evidence["access_b"] == ("market", "native")
    assert nacs.reasons[0] == (
        "nacs-car needs its CCS1 adapter in us-23cfr680, which requires CCS1 (NACS is only "
        "allowed in addition, not guaranteed); mx-cre-a108-2024 requires no connector; nacs-car "
        "relies on its CCS1 adapter and on CCS1 being dominant there (market, not rule: EMA "
        "barometer Q1 2025: CCS1/J1772 dominate); its own NACS is only present there (32 Tesla "
        "Supercharger sites (170 stalls) in Mexico, June 2023); in common: CCS1")
    assert ccs1.reasons[0] == ("mx-cre-a108-2024 requires no connector; ccs1-long-range-car "
                               "relies on CCS1 being dominant there (market, not rule: EMA "
                               "barometer Q1 2025: CCS1/J1772 dominate); in common: CCS1")
    assert ("Plug & Charge is required in us-23cfr680 but not in mx-cre-a108-2024: carry a card "
            "or app there") in ccs1.reasons
    assert ("us-23cfr680 and mx-cre-a108-2024 set no maximum spacing: nothing guarantees a "
            "charger within range on that side of the border; plan the gap (evcorridor plan)"
            ) in ccs1.reasons
    assert len(ccs1.reasons) == len(nacs.reasons) == 7
    # the reasons after the connector row are the same for both cars (same evidence)
    assert [r.replace("nacs-car", "V") for r in nacs.reasons[1:]] == [
        r.replace("ccs1-long-range-car", "V") for r in ccs1.reasons[1:]]


def test_compare_us_canada_nacs_car_relies_on_common_tesla_network() -> None:
    cmp = compare(get_standard("us-23cfr680"), get_standard("ca-federal"),
                  [get_vehicle("nacs-car"), get_vehicle("heavy-truck-mcs")], on=ON)
    nacs, truck = cmp.vehicles
    assert nacs.verdict == "seamless with conditions"
    assert nacs.reasons[0] == (
        "nacs-car needs its CCS1 adapter in us-23cfr680, which requires CCS1 (NACS is only "
        "allowed in addition, not guaranteed); ca-federal requires no connector; nacs-car relies "
        "on NACS being common there (market, not rule: 232 Tesla (NACS) DC fast stations, AFDC "
        "country=CA Jun 2024); in common: CCS1")
    # the MCS truck: no rule anywhere guarantees MCS (new sites must be built)
    assert truck.verdict == "broken"


def test_compare_same_harmonised_profile_is_seamless_for_ccs1() -> None:
    h = get_standard("na-harmonised")
    cmp = compare(h, h, [get_vehicle("ccs1-long-range-car"), get_vehicle("nacs-car")], on=ON)
    assert [(v.vehicle, v.verdict) for v in cmp.vehicles] == [
        ("ccs1-long-range-car", "seamless"), ("nacs-car", "seamless with conditions")]
    assert cmp.vehicles[1].reasons == [
        "nacs-car needs its CCS1 adapter in na-harmonised, which requires CCS1 (NACS is only "
        "allowed in addition, not guaranteed); in common: CCS1"]


def test_compare_recognition_with_spacing() -> None:
    nevi, ca = get_standard("us-nevi-2022"), get_standard("ca-federal")
    rec = next(r for r in compare(nevi, ca, [], on=ON).rules if r.rule == "recognition")
    assert rec.level == "condition"
    assert rec.why == ("us-nevi-2022 does not count ca-federal stations toward its 50 mi "
                       "(80.5 km) spacing: the border gap must be closed by its own compliant "
                       "stations")
    # the harmonised profile counts Part 680 stations; Part 680 has no spacing rule to care
    h, us = get_standard("na-harmonised"), get_standard("us-23cfr680")
    rec = next(r for r in compare(h, us, [], on=ON).rules if r.rule == "recognition")
    assert (rec.a, rec.b, rec.level) == ("counts us-23cfr680 stations: yes",
                                         "counts na-harmonised stations: no", "info")


def test_compare_cli_json_and_country_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles", "compare", "USA", "MEX", "--vehicle", "nacs-car",
                       "--vehicle", "ccs1-long-range-car", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["a"], doc["b"]) == ("us-23cfr680", "mx-cre-a108-2024")
    assert {v["vehicle"]: v["verdict"] for v in doc["vehicles"]} == {
        "nacs-car": "seamless with conditions", "ccs1-long-range-car": "seamless with conditions"}
    assert doc["on"] == dt.date.today().isoformat()
    rules = {r["rule"]: r for r in doc["rules"]}
    assert rules["currency"]["a"] == "USD" and rules["currency"]["b"] == "MXN"
    assert rules["roaming (OCPI)"]["level"] == "condition"
    code, out, _ = run(capsys, "profiles", "compare", "us-23cfr680", "mx-cre-a108-2024",
                       "--vehicle", "pickup")
    assert code == 0 and "seamless with conditions" in out
    code, _, err = run(capsys, "profiles", "compare", "USA", "MEX", "--vehicle", "semi")
    assert code == 2 and "unknown vehicle 'semi'" in err


# ----------------------------------------------------------------------------- JSON Schema
def _plain(x: Any) -> Any:
    """YAML data as JSON would carry it (dates as ISO strings)."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


def test_schema_export_is_deterministic_and_round_trips_shipped_files(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = run(capsys, "profiles", "schema", "--out", str(tmp_path / "a"))
    assert code == 0
    run(capsys, "profiles", "schema", "--out", str(tmp_path / "b"))
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(SCHEMA_FILES.values())
    for n in names:
        assert (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes()
    checked = 0
    for kind, folder in FOLDERS.items():
        schema = json.loads((tmp_path / "a" / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for f in sorted((CONFIGS / folder).glob("*.yaml")):
            # the shipped YAML validates against the exported schema ...
            assert [e.message for e in validator.iter_errors(_plain(load_yaml(f).data))] == [], f
            # ... and so does the model's own dump, which loads back to an equal model
            model = parse_file(f).model
            assert model is not None
            dumped = model.model_dump(mode="json", by_alias=True, exclude_none=True)
            assert list(validator.iter_errors(dumped)) == [], f
            again = MODELS[kind].model_validate(dumped, context=CONTEXT)
            again.source_file = model.source_file
            assert again == model
            checked += 1
    assert checked == 14


def test_schema_rejects_what_the_loader_rejects() -> None:
    from evcorridor.profiles.schema import schema_for

    validator = jsonschema.Draft202012Validator(schema_for("standard"))
    for name, needle in (("std-bare-number-power.yaml", "is not of type 'string'"),
                         ("std-typo-key.yaml", "Additional properties are not allowed"),
                         ("std-bad-status.yaml", "is not one of")):
        data = _plain(load_yaml(INVALID / name).data)
        msgs = [e.message for e in validator.iter_errors(data)]
        assert any(needle in m for m in msgs), (name, msgs)


def test_schema_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles", "schema")
    assert code == 0
    doc = json.loads(out)
    assert sorted(doc) == ["profile-set", "standard", "vehicle"]
    assert doc["standard"]["properties"]["max_spacing"]["anyOf"][0]["pattern"].endswith(
        r"\s*([mM][iI][lL][eE][sS]|[mM][iI][lL][eE]|[kK][mM]|[mM][iI]|[mM])\s*$")
    assert doc["vehicle"]["additionalProperties"] is False


def test_schema_quantity_pattern_accepts_exactly_what_the_loader_parses() -> None:
    import re

    from evcorridor.profiles.quantity import CONSUMPTION, ENERGY, LENGTH, PERCENT, POWER, parse

    samples = ["50 mi", "50 miles", "1 mile", "80.5 KM", "250m", "150 kW", "150 kw", "3.75 MW",
               "80 kWh", "97 %", "97%", "0.19 kWh/km", "300 Wh/mi", "50", "50 furlongs",
               "one mile", "150 kWh", "1e3 m", ".5 mi"]
    for kind in (LENGTH, POWER, ENERGY, PERCENT, CONSUMPTION):
        for text in samples:
            try:
                parse(kind, text)
                parsed = True
            except ValueError:
                parsed = False
            assert bool(re.match(kind.pattern, text)) == parsed, (kind.name, text)



def test_list_with_an_empty_configs_folder_says_so(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from evcorridor import settings

    monkeypatch.setenv("EVCORRIDOR_CONFIGS_DIR", str(tmp_path))
    settings.get_settings.cache_clear()
    code, out, err = run(capsys, "profiles", "list")
    assert code == 0 and out == ""
    assert err.strip() == (f"nothing to list: no profile files under {tmp_path}/profiles, "
                           "vehicles or profile-sets")
    code, _, err = run(capsys, "profiles", "compare", "USA", "MEX")
    assert code == 2
    assert err.strip() == ("error: unknown profile set 'na-2023'; there is no profile set to "
                           "choose from")


def test_a_problem_is_one_line_even_for_a_key_with_a_newline(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    bad = tmp_path / "nl.yaml"
    bad.write_text('# SYNTHETIC\nkind: vehicle\n"bat\\nery": 80 kWh\n', encoding="utf-8")
    code, out, _ = run(capsys, "profiles", "validate", str(bad))
    assert code == 1
    assert f"{bad}:3:1: bat\\nery: unknown key; did you mean 'battery'?" in out.splitlines()
    assert all(line.startswith(f"{bad}:") for line in out.splitlines())
