"""Direction of service from names, addresses, AFDC intersection directions and OSM tags
(evcorridor/stations/carriageway.py), re-derived by `check` (evcorridor/check/direction.py).

Real stations (AFDC ids, the texts as the exports give them): afdc:356178 / afdc:356179 New
Baltimore SB / NB Travel Plaza (NY Thruway; both with the address "Milepost 127 South NY State
Thruway"), afdc:256121 Indian Castle Service Area ("NYS Thruway Milepost 210 Eastbound"),
afdc:167633 Modena Travel Plaza ("Milepost 66 Southbound"), afdc:220731 / afdc:220732 Ivy -
ONroute Tilbury South / North ("62 Highway 401 Eastbound", "58 Highway 401 Westbound"), and two
texts that must not be read: the BC AFDC address "Westbound Airport Way at Highway 97" and the NY
directions "Enter parking lot from eastbound Congers Rd" (CLARKSTOWN TOC)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from siting_synth import plan_nacs_car, station

from evcorridor.check import check_plan
from evcorridor.check import direction as check_direction
from evcorridor.stations.carriageway import serves_from, tag_heading, text_headings

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("name", "kw", "expected"), [
    ("New Baltimore SB Travel Plaza", {"address": "Milepost 127 South NY State Thruway"},
     ("southbound", "name 'New Baltimore SB Travel Plaza'")),
    ("New Baltimore NB Travel Plaza", {"address": "Milepost 127 South NY State Thruway"},
     ("northbound", "name 'New Baltimore NB Travel Plaza'")),
    ("Indian Castle Service Area", {"address": "NYS Thruway Milepost 210 Eastbound"},
     ("eastbound", "address 'NYS Thruway Milepost 210 Eastbound'")),
    ("Modena Travel Plaza", {"address": "Milepost 66 Southbound"},
     ("southbound", "address 'Milepost 66 Southbound'")),
    ("Ivy - ONroute Tilbury South", {"address": "62 Highway 401 Eastbound"},
     ("eastbound", "address '62 Highway 401 Eastbound'")),
    ("Ivy - ONroute Tilbury North", {"address": "58 Highway 401 Westbound"},
     ("westbound", "address '58 Highway 401 Westbound'")),
    ("Kelowna station", {"address": "Westbound Airport Way at Highway 97"}, (None, "")),
    ("CLARKSTOWN TOC 1 & 2", {"directions": "Enter parking lot from eastbound Congers Rd"},
     (None, "")),
    ("C.H. Warlow Rest Area NB/SB Route 99", {},
     (None, "conflicting: name 'C.H. Warlow Rest Area NB/SB Route 99'")),
    # SYNTHETIC texts for the other forms of the rule
    ("Station", {"directions": "I-5 NB exit 2"},
     ("northbound", "intersection directions 'I-5 NB exit 2'")),
    ("Station", {"directions_fr": "Autoroute 15 direction sud, sortie 6"},
     ("southbound", "intersection directions (French) 'Autoroute 15 direction sud, sortie 6'")),
    ("Halte routière direction nord", {}, ("northbound", "name 'Halte routière direction nord'")),
    ("Sideling Hill Service Plaza (North)", {},
     ("northbound", "name 'Sideling Hill Service Plaza (North)'")),
    ("Oakwood Plaza - North", {}, (None, "")),  # a shopping plaza
    ("North Bend Shell", {}, (None, "")),
    ("NB Power", {}, (None, "")),
    ("Station", {"osm_direction": "S"}, ("southbound", "OSM direction=S")),
    ("Station", {"osm_direction": "forward"}, (None, "")),
    ("Station", {"osm_direction": "90"}, (None, "")),
])
def test_serves_from(name: str, kw: dict[str, str], expected: tuple[str | None, str]) -> None:
    assert serves_from(name, **kw) == expected
    # the checker reads the name and the quoted evidence itself, to the same heading
    assert check_direction.serves_from(name, expected[1] or None) == expected[0]


texts = st.lists(st.sampled_from(["I-5", "Highway 401", "Milepost 66", "NB", "SB", "nb",
                                  "Eastbound", "west bound", "South", "from", "Rd", "exit 2",
                                  "direction nord", "on", ",", "-", "Airport Way", "at"]),
                 min_size=1, max_size=6)


@given(texts)
def test_readers_and_check_read_an_address_the_same_way(parts: list[str]) -> None:
    text = " ".join(parts)
    assert text_headings(text) == check_direction.text_says(text)


@given(st.sampled_from(["N", "s", "East", "west", "northbound", "SB", "forward", "90", "",
                        "NE", "up"]))
def test_readers_and_check_read_an_osm_tag_the_same_way(value: str) -> None:
    mine = tag_heading(value)
    assert ({mine} if mine else set()) == check_direction.tag_says(value)


def _rows(corridor: str) -> dict[str, dict[str, str]]:
    with open(REPO / "data" / "stations" / f"{corridor}.csv", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_shipped_station_data_says_the_carriageway() -> None:
    i75 = _rows("i75-detroit-windsor")
    assert (i75["afdc:220731"]["serves"], i75["afdc:220731"]["serves_basis"]) == (
        "eastbound", "address '62 Highway 401 Eastbound'")
    assert i75["afdc:220732"]["serves"] == "westbound"
    i87 = _rows("i87-champlain")
    assert {sid: r["serves"] for sid, r in i87.items() if r["serves"]} == {
        "afdc:102095": "southbound", "afdc:102096": "northbound", "afdc:167633": "southbound",
        "afdc:228798": "northbound", "afdc:356178": "southbound", "afdc:356179": "northbound"}


def test_afdc_reader_reads_address_and_directions(shared_data: Path) -> None:
    from evcorridor.stations.readers import read_stations

    sts = {s.id: s for s in read_stations(shared_data / "stations" / "afdc-NY-2025-04-21.csv")[0]}
    assert (sts["afdc:256121"].serves, sts["afdc:256121"].serves_basis) == (
        "eastbound", "address 'NYS Thruway Milepost 210 Eastbound'")
    assert sts["afdc:356179"].serves == "northbound"
    assert all(sts[i].serves is None for i in sts if sts[i].name.startswith("CLARKSTOWN TOC"))


def test_plan_places_onroute_tilbury_on_its_carriageway_only(tmp_path: Path) -> None:
    from evcorridor.siting.plan import plan_corridor

    plan = plan_corridor("i75-detroit-windsor").plan
    sites = {s.id: s for s in plan.sites}
    south, north = sites["afdc:220731"], sites["afdc:220732"]
    assert (south.serves, south.serves_basis) == ("eastbound", "address '62 Highway 401 "
                                                               "Eastbound'")
    assert north.serves == "westbound"
    on = {sid: sorted(r.id for r in plan.routes if sid in r.site_positions)
          for sid in ("afdc:220731", "afdc:220732")}
    assert on == {"afdc:220731": ["detroit-ambassador-bridge:forward",
                                  "detroit-gordie-howe-bridge:forward"],
                  "afdc:220732": ["detroit-ambassador-bridge:reverse",
                                  "detroit-gordie-howe-bridge:reverse"]}
    assert {d.heading for d in south.directions} == {"eastbound"}  # plain words, no codes
    assert check_plan(plan).findings == []
    # mutations: the other carriageway, and a basis that says another heading
    south.serves = "westbound"
    found = [f"{f.rule}: {f.where}: {f.message}" for f in check_plan(plan).findings]
    assert ("direction: site afdc:220731: serves westbound in the plan, the station data says "
            "eastbound (afdc:220731)") in found, found
    south.serves, south.serves_basis = "eastbound", "address '62 Highway 401 Westbound'"
    found = [f"{f.rule}: {f.where}: {f.message}" for f in check_plan(plan).findings]
    assert any(f.startswith("direction: site afdc:220731: serves eastbound in the plan; its name "
                            "'Ivy - ONroute Tilbury South' and address") for f in found), found


def test_an_address_heading_decides_the_routes(tmp_path: Path) -> None:
    # SYNTHETIC line (due north): a station whose address says "Highway 0 Southbound"
    sts = [station("plaza", 200.0, [("NACS", 4, 250.0)], name="SYNTHETIC plaza",
                   address="Highway 0 Southbound")]
    built, plan = plan_nacs_car(tmp_path, [0, 100, 200, 300.5, 400], sts, "no-wait")
    site: Any = next(s for s in plan.sites if s.id == "synth:plaza")
    assert (site.serves, site.serves_basis) == ("southbound", "address 'Highway 0 Southbound'")
    assert [r.direction for r in plan.routes if "synth:plaza" in r.site_positions] == ["reverse"]
    assert check_plan(plan, graph=built.graph, inputs=[tmp_path]).findings == []
