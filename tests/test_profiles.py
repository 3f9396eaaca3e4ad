"""Profile models, units, shipped files, derived ranges, compliance and the registry API."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.errors import InputError, NotFoundError
from evcorridor.profiles import (
    SiteSpec,
    StandardProfile,
    VehicleProfile,
    check_files,
    clear_cache,
    get_profile_set,
    get_standard,
    get_vehicle,
    list_profile_sets,
    list_standards,
    list_vehicles,
)
from evcorridor.profiles.quantity import CONSUMPTION, ENERGY, LENGTH, PERCENT, POWER, parse
from evcorridor.settings import get_settings

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "configs"
MI = 1609.344


# the repository's configs/ whatever an earlier test set (fixture in conftest.py)
pytestmark = pytest.mark.usefixtures("shipped_configs")


# ----------------------------------------------------------------------------- shipped files
def test_shipped_files_validate_without_problems() -> None:
    results = check_files([CONFIGS / "profiles", CONFIGS / "vehicles", CONFIGS / "profile-sets"])
    assert [str(p) for r in results for p in r.problems] == []
    kinds = sorted((r.kind or "", r.model.id if r.model else "") for r in results)
    assert kinds == [
        ("profile-set", "na-2022-nevi"), ("profile-set", "na-2023"),
        ("profile-set", "na-2023-qc"), ("profile-set", "na-harmonised"),
        ("standard", "ca-federal"), ("standard", "ca-qc"), ("standard", "mx-cre-a108-2024"),
        ("standard", "na-harmonised"), ("standard", "us-23cfr680"), ("standard", "us-nevi-2022"),
        ("vehicle", "ccs1-long-range-car"), ("vehicle", "heavy-truck-mcs"), ("vehicle", "nacs-car"),
        ("vehicle", "pickup"),
    ]


def test_every_shipped_file_cites_sources_and_marks_unverified() -> None:
    for m in [*list_standards(), *list_vehicles(), *list_profile_sets()]:
        assert m.sources, m.id
    # the payment wording of 680.106 is UNVERIFIED in standards-facts.md: the file must say so
    assert "payment" in get_standard("us-23cfr680").unverified
    assert "status" in get_standard("na-harmonised").unverified
    # bilingual signage as a ZEVIP condition is UNVERIFIED in standards-facts.md; the Quebec
    # Charter rule is not flagged there
    ca_rules = {r.id: r for r in get_standard("ca-federal").rules}
    assert ca_rules["bilingual-signage"].unverified == "as a ZEVIP condition (standards-facts.md)"
    assert ca_rules["quebec-french-signage"].unverified is None


def _numbers_set(m: StandardProfile | VehicleProfile) -> list[str]:
    """File keys of the fields holding numbers (quantities, counts, versions, factors, sizes)
    that the file sets away from their default."""
    keys = []
    for name, info in type(m).model_fields.items():
        value = getattr(m, name)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if name in ("protocols", "climate", "new_build"):
            numeric = True
        if not numeric:
            continue
        if not info.is_required() and value == info.get_default(call_default_factory=True):
            continue
        keys.append(info.alias or name)
    return keys


def test_every_number_in_a_shipped_file_cites_a_source_or_is_marked_unverified() -> None:
    uncited = []
    for m in [*list_standards(), *list_vehicles()]:
        for key in _numbers_set(m):
            if key not in m.notes and key not in m.unverified:
                uncited.append(f"{m.id}: {key}")
    assert uncited == []
    # a note names one of the file's own sources (by id)
    loose = [f"{m.id}: {k}" for m in [*list_standards(), *list_vehicles(), *list_profile_sets()]
             for k, text in m.notes.items() if not any(s.id in text for s in m.sources)]
    assert loose == []
    assert _numbers_set(get_standard("us-nevi-2022")) == [
        "min_ports", "min_power", "min_ac_power", "max_spacing", "max_offset", "protocols",
        "uptime_above"]
    assert _numbers_set(get_vehicle("nacs-car")) == [
        "battery", "rated_range", "highway_consumption", "charge_to", "arrive_with",
        "max_dc_power", "min_charge_power", "idle_aux_power", "climate"]


def test_in_force_us_profile_has_no_spacing_rule_but_nevi_2022_has() -> None:
    us = get_standard("us-23cfr680")
    assert us.status == "in-force"
    assert us.max_spacing_m is None and us.max_offset_m is None
    assert (us.min_ports, us.min_power_kw, us.power_simultaneous) == (4, 150.0, True)
    assert us.required_connectors == ["CCS1"] and us.uptime_above_pct == 97.0
    assert us.protocols.ocpp_min == "2.0.1" and us.protocols.ocpi == "2.2.1"
    nevi = get_standard("us-nevi-2022")
    assert nevi.status == "rescinded" and str(nevi.rescinded) == "2025-02-06"
    assert nevi.max_spacing_m == pytest.approx(50 * MI)
    assert nevi.max_offset_m == pytest.approx(1 * MI)


def test_mexican_profile_has_no_station_rules() -> None:
    mx = get_standard("mx-cre-a108-2024")
    assert mx.max_spacing_m is None and mx.max_offset_m is None
    assert (mx.min_ports, mx.min_power_kw, mx.required_connectors) == (0, 0.0, [])
    assert mx.uptime_above_pct is None and mx.protocols.ocpi is None
    assert mx.currencies == ["MXN"]
    # market observations, not rules
    assert [(o.connector, o.prevalence) for o in mx.observed_connectors] == [
        ("CCS1", "dominant"), ("J1772", "dominant"), ("CHAdeMO", "common"), ("NACS", "present")]
    assert mx.observed("dominant", "common") == ["CCS1", "J1772", "CHAdeMO"]


# ----------------------------------------------------------------------------- quantities
def test_quantities_are_normalised_to_the_canonical_unit() -> None:
    assert parse(LENGTH, "50 mi") == pytest.approx(80467.2)
    assert parse(LENGTH, "80.5 km") == pytest.approx(80500.0)
    assert parse(LENGTH, "250m") == 250.0
    assert parse(POWER, "150 kW") == 150.0
    assert parse(POWER, "3.75 MW") == pytest.approx(3750.0)
    assert parse(POWER, "7200 W") == pytest.approx(7.2)
    assert parse(ENERGY, "438 kWh") == 438.0
    assert parse(PERCENT, "97 %") == 97.0
    assert parse(PERCENT, "97%") == 97.0
    assert parse(CONSUMPTION, "300 Wh/mi") == pytest.approx(0.3 / 1.609344)


def test_bare_number_names_the_accepted_units() -> None:
    with pytest.raises(ValueError) as exc:
        parse(LENGTH, 50)
    assert str(exc.value) == "a unit is required: write e.g. '50 mi' (accepted units: mi, km, m)"
    with pytest.raises(ValueError) as exc:
        parse(POWER, "150 kWh")
    assert str(exc.value) == "unknown unit 'kWh' for a power (accepted units: kW, MW, W)"
    # Python callers may pass canonical numbers directly
    assert parse(LENGTH, 80467.2, units_required=False) == 80467.2


# ----------------------------------------------------------------------------- vehicles
def test_usable_range_arithmetic_ccs1_car() -> None:
    v = get_vehicle("ccs1-long-range-car")
    # 80 kWh x (80 % - 15 %) = 52 kWh; 0.30476 kWh/mi = 0.189369 kWh/km -> 274.596 km
    kwh_per_km = 0.30476 / 1.609344
    assert v.highway_consumption_kwh_per_km == pytest.approx(kwh_per_km)
    assert v.usable_range_m("mild") == pytest.approx(52 / kwh_per_km * 1000)
    assert round(v.usable_range_m("mild")) == 274596
    # deep winter: consumption x 1.6949 (AAA -41 %) -> 162.013 km, about 100.7 mi (the planner
    # example of standards-facts.md: 300 mi x 0.65 x 0.875 x 0.59 = about 100 mi)
    assert round(v.usable_range_m("deep-winter")) == 162013
    assert v.usable_range_m("deep-winter") / MI == pytest.approx(300 * 0.65 * 0.875 * 0.59, abs=0.1)
    assert round(v.usable_range_m("highway-summer")) == 227918


def test_start_range_and_idle_distance() -> None:
    v = get_vehicle("ccs1-long-range-car")
    kwh_per_km = 0.30476 / 1.609344
    # default start = charge_to (80 %): same as the usable range
    assert v.start_range_m("mild") == pytest.approx(v.usable_range_m("mild"))
    # start at 50 %: 80 kWh x 0.35 = 28 kWh -> 147.859 km
    assert round(v.start_range_m("mild", 0.5)) == round(28 / kwh_per_km * 1000) == 147859
    # start below the reserve: nothing to drive
    assert v.start_range_m("mild", 0.10) == 0.0
    # 1.5 kW for 60 min = 1.5 kWh -> 7.921 km mild, 4.673 km deep winter
    assert round(v.idle_distance_m("mild", 60)) == 7921
    assert round(v.idle_distance_m("deep-winter", 60)) == 4673
    with pytest.raises(ValueError, match="fraction between 0 and 1"):
        v.start_range_m("mild", 50)


def test_pickup_and_truck_ranges_from_cited_tests() -> None:
    pickup = get_vehicle("pickup")
    # 131 kWh x 0.65 / (131 kWh / 270 mi) = 175.5 mi (Consumer Reports 70 mph: 270 mi)
    assert pickup.usable_range_m("mild") / MI == pytest.approx(131 * 0.65 / 0.48519, rel=1e-9)
    assert round(pickup.usable_range_m("mild") / MI, 1) == 175.5
    truck = get_vehicle("heavy-truck-mcs")
    # 438 kWh x 0.65 / (438 kWh / 230 mi) = 149.5 mi
    assert round(truck.usable_range_m("mild") / MI, 1) == 149.5


def test_unknown_climate_suggests() -> None:
    v = get_vehicle("nacs-car")
    with pytest.raises(NotFoundError) as exc:
        v.usable_range_m("deep-wintr")
    assert str(exc.value) == ("unknown climate scenario for vehicle nacs-car 'deep-wintr'; did you "
                              "mean 'deep-winter'?")


def test_can_charge_at() -> None:
    us_site = get_standard("us-23cfr680").standard_site()
    assert us_site == SiteSpec((("CCS1", 4, 150.0),), 4, 150.0, 0.0)
    assert get_vehicle("ccs1-long-range-car").can_charge_at(us_site) is None
    assert get_vehicle("nacs-car").can_charge_at(us_site) is None  # with its CCS1 adapter
    assert get_vehicle("heavy-truck-mcs").can_charge_at(us_site) == (
        "no connector heavy-truck-mcs can use (MCS); site offers CCS1")
    slow = SiteSpec((("CCS1", 2, 24.0), ("J1772", 4, 7.2)), 2, 24.0, 300.0)
    assert get_vehicle("pickup").can_charge_at(slow) == (
        "CCS1 offers 24 kW, below the 50 kW pickup needs")


# ----------------------------------------------------------------------------- standards
def test_compliance_reasons() -> None:
    nevi = get_standard("us-nevi-2022")
    assert nevi.compliance(nevi.standard_site()) == []
    site = SiteSpec((("CHAdeMO", 1, 50.0), ("CCS1", 1, 50.0)), 2, 50.0, 2500.0)
    assert nevi.compliance(site) == [
        "1 CCS1 connector(s) for 2 ports (us-nevi-2022 requires CCS1 on every port)",
        "2 DC fast port(s), fewer than the 4 us-nevi-2022 requires",
        "50 kW per port with all ports in use, below the 150 kW us-nevi-2022 requires "
        "simultaneously",
        "2.5 km (1.6 mi) from the highway exit, beyond the 1.6 km (1.0 mi) us-nevi-2022 allows",
    ]
    # Mexico has no station rules: anything complies
    assert get_standard("mx-cre-a108-2024").compliance(site) == []
    # Canada: the earlier ZEVIP universal-connector share was a funding condition, not applied to
    # every station; a synthetic ZEVIP-funded profile applies it
    tesla_only = SiteSpec((("NACS", 8, 250.0),), 8, 250.0, 0.0)
    assert get_standard("ca-federal").compliance(tesla_only) == []
    zevip = StandardProfile.model_validate({
        "id": "synthetic-zevip", "title": "synthetic", "jurisdiction": {"country": "CAN"},
        "programme": "test", "status": "proposed", "sources": [{"id": "xx", "title": "synthetic"}],
        "currencies": ["CAD"], "units": "metric", "universal_connectors": ["J1772", "CCS1"],
        "min_universal_share_pct": 25.0})
    assert zevip.compliance(tesla_only) == [
        "0 of 8 connectors are universal (J1772, CCS1); synthetic-zevip requires at least 25 %"]
    mixed = SiteSpec((("NACS", 6, 250.0), ("CCS1", 2, 150.0)), 8, 150.0, 0.0)
    assert zevip.compliance(mixed) == []
    # AC Level 2 (J1772) next to the DC ports is allowed by 23 CFR 680
    us = get_standard("us-23cfr680")
    with_ac = SiteSpec((("CCS1", 4, 150.0), ("J1772", 2, 7.2)), 4, 150.0, 0.0)
    assert us.compliance(with_ac) == []


def test_standard_site_adds_a_connector_the_vehicle_can_use() -> None:
    truck = get_vehicle("heavy-truck-mcs")
    for prof in list_standards():
        site = prof.standard_site(truck)
        assert truck.can_charge_at(site) is None, prof.id
        assert prof.compliance(site) == [], prof.id
        assert ("MCS", 4, 350.0) in site.connectors
    # Mexico's new build is the file's planning assumption (4 x 150 kW CCS1), not a CRE rule
    mx = get_standard("mx-cre-a108-2024")
    assert mx.standard_site() == SiteSpec((("CCS1", 4, 150.0),), 4, 150.0, 0.0)


def test_python_construction_accepts_canonical_numbers() -> None:
    p = StandardProfile.model_validate({
        "id": "synthetic-test", "title": "synthetic", "jurisdiction": {"country": "USA"},
        "programme": "test", "status": "proposed", "sources": [{"id": "xx", "title": "synthetic"}],
        "currencies": ["USD"], "units": "metric", "max_spacing_m": 50000.0, "min_power_kw": 50.0,
        "required_connectors": ["J1772COMBO"],
    })
    assert (p.max_spacing_m, p.min_power_kw, p.required_connectors) == (50000.0, 50.0, ["CCS1"])


# ----------------------------------------------------------------------------- registry API
def test_registry_lookups_and_did_you_mean() -> None:
    assert get_profile_set().id == "na-2023"
    s = get_profile_set("na-2023")
    assert [s.profile_for(c) for c in ("USA", "CAN", "MEX")] == [
        "us-23cfr680", "ca-federal", "mx-cre-a108-2024"]
    with pytest.raises(NotFoundError, match="unknown country in profile set na-2023 'FRA'"):
        s.profile_for("FRA")
    with pytest.raises(NotFoundError) as exc:
        get_standard("us-23cfr860")
    assert str(exc.value) == "unknown standard profile 'us-23cfr860'; did you mean 'us-23cfr680'?"
    with pytest.raises(NotFoundError, match="did you mean 'pickup'"):
        get_vehicle("pikcup")
    assert isinstance(get_vehicle("pickup"), VehicleProfile)
    assert get_profile_set("na-harmonised").profiles == {
        "USA": "na-harmonised", "CAN": "na-harmonised", "MEX": "na-harmonised"}


def test_broken_configs_folder_raises_input_error_with_location(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "x.yaml").write_text(
        "# SYNTHETIC broken file\nkind: standard\nid: x1\nmin_power: 150\n", encoding="utf-8")
    monkeypatch.setenv("EVCORRIDOR_CONFIGS_DIR", str(tmp_path))
    get_settings.cache_clear()
    clear_cache()
    try:
        with pytest.raises(InputError) as exc:
            get_standard("x1")
        assert str(exc.value).endswith("x.yaml:1:1: currencies: required field is missing")
        assert any("x.yaml:4:1: min_power: a unit is required" in str(p)
                   for p in exc.value.problems)  # type: ignore[attr-defined]
    finally:
        monkeypatch.delenv("EVCORRIDOR_CONFIGS_DIR")
        get_settings.cache_clear()
        clear_cache()


def test_oversized_profile_is_refused_with_a_located_problem(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    # SYNTHETIC: 15 + 8 + 2 + 1,000,100 + 1 = 1,000,126 bytes, past the 1 MB limit
    big.write_text("kind: standard\nid: big\n# " + "x" * 1_000_100 + "\n", encoding="utf-8")
    [res] = check_files([big])
    assert [str(p) for p in res.problems] == [
        f"{big}:1:1: file is 1000126 bytes, over the 1000000-byte limit; refused"]


def test_protocol_versions_accept_common_spellings() -> None:
    from evcorridor.profiles.models import Protocols

    p = Protocols.model_validate({"ocpp_min": "OCPP 2.0.1", "iso15118": ["ISO 15118-2", 20],
                                  "ocpi": "OCPI 2.2.1"})
    assert (p.ocpp_min, p.iso15118, p.ocpi) == ("2.0.1", ["2", "20"], "2.2.1")
    assert Protocols.model_validate({"ocpp_min": 1.6}).ocpp_min == "1.6J"


@settings(max_examples=60, deadline=None)
@given(x=st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
       unit=st.sampled_from(["m", "km", "mi"]))
def test_length_parse_matches_the_unit_factor(x: float, unit: str) -> None:
    factor = {"m": 1.0, "km": 1000.0, "mi": 1609.344}[unit]
    assert parse(LENGTH, f"{x!r} {unit}") == pytest.approx(x * factor, rel=1e-12, abs=1e-9)
    # and the canonical form written by the models parses back to the same metres
    assert parse(LENGTH, f"{x * factor!r} m") == pytest.approx(x * factor, rel=1e-12, abs=1e-9)


def test_connector_vocabulary_maps_to_ocpi_and_accepts_ocpi_names() -> None:
    from evcorridor.connectors import CONNECTORS, normalize, ocpi_name

    # OCPI 2.2.1 ConnectorType: NEMA 5-15 is DOMESTIC_B ("type B, NEMA 5-15, 3 pins")
    assert ocpi_name("NEMA515") == "DOMESTIC_B"
    assert ocpi_name("NEMA520") == "NEMA_5_20"
    assert ocpi_name("NACS") == "TESLA_S" and ocpi_name("MCS") is None
    # every OCPI name of the vocabulary is accepted on input, in any case
    for canon, (ocpi, _, _) in CONNECTORS.items():
        if ocpi:
            assert normalize(ocpi) == canon
            assert normalize(ocpi.lower()) == canon
    assert normalize("NEMA_14_50") == "NEMA1450"
    assert normalize("DOMESTIC_B") == "NEMA515"


def test_unknown_id_with_nothing_to_choose_from_says_so() -> None:
    from evcorridor.errors import unknown_id

    assert str(unknown_id("profile set", "na-2023", [])) == (
        "unknown profile set 'na-2023'; there is no profile set to choose from")
