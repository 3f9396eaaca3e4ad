"""Truck stops are truck-capable (issue 9, section 3): station truck access, where heavy trucks
stop, what truck lanes cost."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from evcorridor.plan_model import Plan
from evcorridor.scenarios import get_cost_model
from evcorridor.settings import REPO_ROOT
from evcorridor.stations.truck import afdc_truck_access, osm_truck_access

STATIONS = REPO_ROOT / "data" / "stations"


@pytest.mark.parametrize(("max_class", "facility", "want"), [
    ("HD", "CAR_DEALER", (True, "AFDC maximum_vehicle_class=HD")),
    ("", "TRUCK_STOP", (True, "AFDC facility_type=TRUCK_STOP")),
    ("LD", "TRAVEL_CENTER", (True, "AFDC facility_type=TRAVEL_CENTER; maximum_vehicle_class=LD")),
    ("LD", "BANK", (False, "AFDC maximum_vehicle_class=LD")),
    ("MD", "", (False, "AFDC maximum_vehicle_class=MD")),
    ("", "CAR_DEALER", (None, "")),
    ("", "", (None, "")),
])
def test_afdc_rule(max_class: str, facility: str, want: tuple[bool | None, str]) -> None:
    assert afdc_truck_access(max_class, facility) == want


def test_afdc_rule_refuses_an_unknown_class() -> None:
    with pytest.raises(ValueError, match="'XL' is not LD, MD or HD"):
        afdc_truck_access("XL", "")


def test_osm_rule() -> None:
    assert osm_truck_access("designated") == (True, "OSM hgv=designated")
    assert osm_truck_access("no") == (False, "OSM hgv=no")
    assert osm_truck_access("") == (None, "")
    assert osm_truck_access("destination") == (None, "")


def _rows(corridor: str) -> dict[str, dict[str, str]]:
    with open(STATIONS / f"{corridor}.csv", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_station_files_carry_truck_access() -> None:
    rows = _rows("i5-cascadia")
    assert Counter(r["truck_access"] for r in rows.values()) == {
        "unknown": 294, "false": 82, "true": 3}
    truck = {i: (r["name"], r["truck_access_basis"]) for i, r in rows.items()
             if r["truck_access"] == "true"}
    assert truck == {
        "afdc:154791": ("Pilot Travel Center - Tesla Supercharger",
                        "AFDC facility_type=TRUCK_STOP"),
        "afdc:156745": ("Cullen Western Star Trucks Ltd", "AFDC maximum_vehicle_class=HD"),
        "afdc:333466": ("Ben's Truck Stop - Tesla Supercharger",
                        "AFDC facility_type=TRAVEL_CENTER; maximum_vehicle_class=LD"),
    }
    # unknown has no basis; the map exports and the Tesla list carry no truck facts
    assert all(r["truck_access_basis"] == "" for r in rows.values()
               if r["truck_access"] == "unknown")
    assert {r["truck_access"] for r in _rows("i5-tijuana").values()} == {"unknown"}


def test_truck_lanes_cost_by_component() -> None:
    cm = get_cost_model("default")
    t = cm.truck_lanes(4, 350.0, 600.0)
    assert t is not None
    # USD: 4 MCS dispensers, 4 pull-through bays, grid band <= 1 MW -> <= 3 MW
    assert (t.dispensers, t.parking, t.grid, t.grid_bands) == (567772.0, 240000.0, 450000.0,
                                                               (0, 1))
    assert t.total == 1_257_772.0
    assert "truck_site.parking_bay" in cm.unverified


@pytest.fixture(scope="module")
def cascadia(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    from evcorridor.siting.build import BuildOptions
    from evcorridor.siting.plan import plan_corridor

    return plan_corridor("i5-cascadia", BuildOptions()).plan


def test_heavy_truck_stops_only_at_truck_sites(cascadia: Plan) -> None:
    sites = {s.id: s for s in cascadia.sites}
    stops = {r.id: next(v.stops for v in r.vehicles if v.vehicle == "heavy-truck-mcs")
             for r in cascadia.routes if any(v.vehicle == "heavy-truck-mcs" for v in r.vehicles)}
    assert stops == {
        "blaine-pacific-highway:forward": ["new-i405-or-exit-2", "afdc:154791",
                                           "new-i5-wa-exit-246"],
        "blaine-pacific-highway:reverse": ["new-i5-wa-exit-246", "afdc:154791"],
    }
    used = {sid for s in stops.values() for sid in s}
    assert {sid: (sites[sid].kind, sites[sid].truck_access, sites[sid].truck_access_basis)
            for sid in used} == {
        "afdc:154791": ("upgrade", "true", "AFDC facility_type=TRUCK_STOP"),
        "new-i405-or-exit-2": ("new", "true", "new truck-designed site (MCS lanes, truck parking)"),
        "new-i5-wa-exit-246": ("new", "true", "new truck-designed site (MCS lanes, truck parking)"),
    }
    # the Pilot truck stop's upgrade is its truck lanes alone (its 8 Tesla stalls stay as they
    # are): 4 MCS dispensers + 4 truck bays + the grid band step, 1,257,772 USD
    pilot = sites["afdc:154791"]
    assert pilot.cost == 1_257_772.0
    assert [(c.type, c.count, c.max_kw) for c in pilot.connectors] == [
        ("MCS", 4, 350.0), ("NACS", 8, 250.0)]
    assert (pilot.ports, pilot.power_kw) == (8, 250.0)
    assert sites["new-i5-wa-exit-246"].cost == 1_825_544.0
    # every site says its truck access; existing ones as the station data does
    rows = _rows("i5-cascadia")
    for s in cascadia.sites:
        if s.kind != "new":
            assert (s.truck_access, s.truck_access_basis) == (
                rows[s.id]["truck_access"], rows[s.id]["truck_access_basis"])
    reasons = cascadia.existing.reasons
    assert reasons["heavy-truck-mcs: not truck-accessible (unknown)"] == 173
    assert reasons["heavy-truck-mcs: not truck-accessible (false)"] == 43


def test_cars_are_unaffected(cascadia: Plan) -> None:
    # light vehicles still use the bank and shop lots the trucks may not
    light = {sid for r in cascadia.routes for v in r.vehicles if v.vehicle != "heavy-truck-mcs"
             for sid in v.stops}
    sites = {s.id: s for s in cascadia.sites}
    assert any(sites[sid].truck_access != "true" for sid in light)


def test_old_station_files_read_as_unknown(tmp_path: Path) -> None:
    from evcorridor.stations.normalized import read

    text = (STATIONS / "i5-cascadia.csv").read_text(encoding="utf-8").splitlines()
    old = [",".join(line.split(",")[:-2]) for line in text[:3]]  # no truck columns
    path = tmp_path / "old.csv"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    stations, report = read(path)
    assert report.rows_rejected == 0 and len(stations) == 2
    assert {(s.truck_access, s.truck_access_basis) for s in stations} == {(None, "")}


# --------------------------------------------------------------------------- check mutations

def _truck_findings(report: object) -> list[str]:
    return [f"{f.where}: {f.message}" for f in report.findings  # type: ignore[attr-defined]
            if f.rule == "truck-access"]


def test_check_passes_the_real_plan(cascadia: Plan) -> None:
    from evcorridor.check import check_plan

    report = check_plan(cascadia, label="i5-cascadia")
    assert report.findings == []
    assert report.checked["truck_stops"] == 5  # 3 + 2 stops, both starts on arrival charge


def test_check_finds_a_truck_access_record_that_is_not_the_station_data(cascadia: Plan) -> None:
    from evcorridor.check import check_plan

    plan = cascadia.model_copy(deep=True)
    site = next(s for s in plan.sites if s.id == "afdc:154791")
    site.truck_access_basis = "AFDC maximum_vehicle_class=HD"
    assert _truck_findings(check_plan(plan, label="mutated")) == [
        "site afdc:154791: truck_access true (AFDC maximum_vehicle_class=HD) in the plan, the "
        "station data gives true (AFDC facility_type=TRUCK_STOP)"]


def test_check_finds_a_car_site_claimed_truck_accessible(cascadia: Plan) -> None:
    from evcorridor.check import check_plan

    plan = cascadia.model_copy(deep=True)
    site = next(s for s in plan.sites if s.id == "afdc:373069")  # Whole Foods Seattle (Westlake)
    site.truck_access, site.truck_access_basis = "true", "AFDC facility_type=TRUCK_STOP"
    assert _truck_findings(check_plan(plan, label="mutated")) == [
        "site afdc:373069: truck_access true (AFDC facility_type=TRUCK_STOP) in the plan, the "
        "station data gives unknown (no basis)"]


def test_check_finds_a_new_site_without_truck_lanes_called_truck_designed(cascadia: Plan
                                                                          ) -> None:
    from evcorridor.check import check_plan

    plan = cascadia.model_copy(deep=True)
    site = next(s for s in plan.sites if s.id == "new-i5-wa-exit-246")
    site.connectors = [c for c in site.connectors if c.type != "MCS"]  # a car design
    found = _truck_findings(check_plan(plan, label="mutated"))
    assert found[0] == ("site new-i5-wa-exit-246: truck_access true (new truck-designed site "
                        "(MCS lanes, truck parking)) in the plan, its design gives false (new "
                        "site, car design (no truck lanes))")
    assert ("route blaine-pacific-highway:forward: vehicle heavy-truck-mcs: stops at "
            "new-i5-wa-exit-246 (New site, I-5 exit 246), which is not truck-accessible "
            "(false: new site, car design (no truck lanes))") in found


def test_check_rederives_truck_access_from_the_station_file(tmp_path: Path) -> None:
    """The Pilot truck stop loses its truck-stop facility type in the station data: the plan made
    with it still stops the truck there, and check says so from the file alone."""
    from evcorridor.check import check_plan
    from evcorridor.siting.build import BuildOptions
    from evcorridor.siting.plan import plan_corridor

    src = STATIONS / "i5-cascadia.csv"
    path = tmp_path / "i5-cascadia-stations.csv"
    path.write_bytes(src.read_bytes())
    plan = plan_corridor("i5-cascadia", BuildOptions(stations=path)).plan
    assert "afdc:154791" in {s.id for s in plan.sites if s.kind == "upgrade"}
    text = path.read_text(encoding="utf-8")
    # the truck columns, then the (empty) direction-of-service columns
    assert text.count(",true,AFDC facility_type=TRUCK_STOP,,\n") == 1
    path.write_text(text.replace(",true,AFDC facility_type=TRUCK_STOP,,\n", ",unknown,,,\n"),
                    encoding="utf-8")
    report = check_plan(plan, label="stale", inputs=[tmp_path])
    assert _truck_findings(report) == [
        "site afdc:154791: truck_access true (AFDC facility_type=TRUCK_STOP) in the plan, the "
        "station data gives unknown (no basis)",
        "route blaine-pacific-highway:forward: vehicle heavy-truck-mcs: stops at afdc:154791 "
        "(Pilot Travel Center - Tesla Supercharger), which is not truck-accessible (unknown)",
        "route blaine-pacific-highway:reverse: vehicle heavy-truck-mcs: stops at afdc:154791 "
        "(Pilot Travel Center - Tesla Supercharger), which is not truck-accessible (unknown)",
    ]
    assert {f.rule for f in report.findings} == {"truck-access", "inputs"}  # and the hash


def test_bad_truck_access_and_serves_cells_are_rejected_rows_named_by_file_row_and_field(
        tmp_path: Path) -> None:
    """A station file's truck_access / serves cells are input: a value outside the vocabulary
    rejects that row with one line naming file, row and field, and the other rows still load
    (counted, not dropped silently)."""
    from evcorridor.stations.normalized import read

    with (STATIONS / "i5-cascadia.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:3]
    rows[0]["truck_access"] = "maybe"
    rows[1]["serves"] = "uphill"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    stations, report = read(path)
    assert [s.id for s in stations] == [rows[2]["id"]]
    assert report.rows_rejected == 2
    lines = report.messages()
    assert lines[0] == f"{path}:row 2: truck_access: 'maybe' is not true, false or unknown", lines
    assert lines[1].startswith(f"{path}:row 3: serves: 'uphill' is not one of "), lines
