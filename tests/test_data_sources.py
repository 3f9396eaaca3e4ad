"""Each data source with its own date (issue 9 §5, issue 14 Reports): plan.json lists the network,
every raw station file and the crossing volumes with name, date, licence and provenance; reports
and both maps show them ("Data: stations AFDC (WA) 2025-02-09, ...; network Travel Mapping ...;
crossing volumes BTS ..."). Dates come from the data build's record (data/station-sources.csv,
the graph's own attributes, the crossings' `annualised_from`), checked here against data/README.md
and the station rows."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest

from evcorridor.build.station_data import SOURCES, sources_csv
from evcorridor.plan_model import Plan, data_text, load_plan
from evcorridor.provenance import build_sources, station_sources, volume_period
from evcorridor.stations import Station

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="module")
def cascadia(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    from evcorridor.siting.build import BuildOptions
    from evcorridor.siting.plan import SolveOptions, plan_corridor, write_outputs

    out = tmp_path_factory.mktemp("plans")
    outcome = plan_corridor("i5-cascadia", BuildOptions(), SolveOptions(num_workers=1))
    write_outputs(outcome, out)
    return outcome.plan, out / "i5-cascadia" / "plan.json"


def _readme_entries(corridor: str) -> set[tuple[str, str]]:
    """(source label, date) of the corridor's rows in data/README.md's stations block."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    found: set[tuple[str, str]] = set()
    for line in text.splitlines():
        if line.startswith(f"| {corridor} | ") and re.search(r"\| (USA|CAN|MEX) \|", line):
            cell = line.split("|")[4]
            found |= {(m[1].strip(), m[2])
                      for m in re.finditer(r"\d+ (.+?) \((\d{4}-\d\d-\d\d)\)", cell)}
    return found


def test_cascadia_plan_names_each_source_with_its_date(cascadia: tuple[Plan, Path]) -> None:
    plan, path = cascadia
    by_name = {d.name: d for d in plan.data_sources}
    wa = by_name["AFDC (WA)"]
    assert (wa.kind, wa.date) == ("stations", "2025-02-09")
    assert wa.provenance.startswith("afdc-WA-2025-02-09.csv (") and "d113711" in wa.provenance
    assert "U.S. DOE Alternative Fuels Data Center" in wa.licence
    assert by_name["AFDC API (BC)"].date == "2023-12-30"
    assert "AFDC (NY)" not in by_name  # no New York station on I-5
    net = by_name["Travel Mapping"]
    assert (net.kind, net.date) == ("network", "2026-08-22") and "3d7993c" in net.provenance
    bts = by_name["BTS"]
    assert (bts.kind, bts.date) == ("crossing_volumes", "2020-01..2021-12")
    # every station source and date data/README.md gives for the corridor is in the plan, by
    # the build's own label -> file -> name
    label_file = {s.label: Path(s.path).name for s in SOURCES}
    names = {Path(s.path).name: s.name for s in SOURCES}
    readme = _readme_entries("i5-cascadia")
    assert ("AFDC Washington export", "2025-02-09") in readme
    for label, when in readme:
        assert by_name[names[label_file[label]]].date == when, label
    # the station counts are the corridor's stations that list the file
    rows = list(csv.DictReader((DATA / "stations" / "i5-cascadia.csv").open(encoding="utf-8")))
    assert wa.records == sum("afdc-WA-2025-02-09.csv" in r["source_file"].split() for r in rows)
    # written as such, and read back
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["schema_version"] == "evcorridor.plan/2" and "data_date" not in raw
    assert load_plan(path).data_sources == plan.data_sources
    line = data_text(plan)
    assert line.startswith("Data: stations AFDC (WA) 2025-02-09, ")
    assert "; network Travel Mapping 2026-08-22; crossing volumes BTS 2020-01..2021-12." in line


def test_report_and_maps_show_the_sources(cascadia: tuple[Plan, Path], tmp_path: Path) -> None:
    from evcorridor.render.maps import MapRequest, render_plan
    from evcorridor.render.report import report_files

    plan, path = cascadia
    rendered = render_plan(plan, MapRequest(png=True, html=True), plan_path=path)
    report = report_files([rendered], tmp_path)["i5-cascadia/report.md"].decode()
    assert f"\n{data_text(plan)}\n" in report  # under the summary table
    assert re.search(r"\| stations \| AFDC \(WA\) \| 2025-02-09 \| \d+ \| AFDC/NREL", report)
    assert "| network | Travel Mapping | 2026-08-22 |" in report
    assert "| crossing volumes | BTS | 2020-01..2021-12 |" in report
    sites = report.split("## Data sources")[0].split("## Sites")[1]
    assert "geojson" not in sites.lower()  # station sources by name
    # per country by source name, with data/README.md's counts
    assert "| USA | 293 | AFDC (WA) 243, AFDC CCS map (US) 36, AFDC Tesla map (US) 11, " \
           "Tesla Superchargers (supercharge.info) 3 |" in report
    assert re.search(r"\| afdc:\d+ \| (existing|upgrade) \| .* \| AFDC \(WA\) \| ", sites)
    html = rendered.files["map.html"].decode()
    assert "Data: stations AFDC (WA) 2025-02-09" in html
    from evcorridor.render.geodata import gather
    from evcorridor.render.maps import load_country_shapes, load_graph
    from evcorridor.render.static_map import layout

    data = gather(plan, load_graph(plan, path), load_country_shapes(), path)
    footer = " ".join(layout(data).footer)
    assert "Data: stations AFDC (WA) 2025-02-09" in footer
    assert "network Travel Mapping 2026-08-22" in footer


def test_version_1_plans_still_load(cascadia: tuple[Plan, Path], tmp_path: Path) -> None:
    from evcorridor.render.report import corridor_report

    plan, _ = cascadia
    raw = json.loads(plan.dump())
    raw["schema_version"] = "evcorridor.plan/1"
    raw["data_date"] = "2026-08-22"
    del raw["data_sources"]
    old = tmp_path / "plan.json"
    old.write_text(json.dumps(raw), encoding="utf-8")
    loaded = load_plan(old)
    assert loaded.schema_version == "evcorridor.plan/2" and loaded.data_sources == []
    assert data_text(loaded) == "Data: sources and dates not recorded in this plan."
    assert "does not record its data sources" in corridor_report(loaded, [], None)


def _st(sid: str, files: str, when: date | None, source: str = "afdc") -> Station:
    """SYNTHETIC station rows (ids, places and files made up)."""
    return Station(id=sid, source=source, source_ids=[sid], name=sid, lat=48.0, lon=-122.0,
                   country="USA", data_date=when, source_file=files)


def test_a_users_own_export_is_named_by_format_and_dated_by_its_rows() -> None:
    rows = [_st("x:1", "my-export.csv afdc-WA-2025-02-09.csv", date(2026, 1, 5)),
            _st("x:2", "my-export.csv", date(2026, 3, 1)),
            _st("x:3", "afdc-WA-2025-02-09.csv", date(2025, 2, 9))]
    got = {src.file: (src.name, src.date, n) for src, n in station_sources(rows)}
    assert got == {"my-export.csv": ("AFDC (my-export.csv)", "2026-03-01", 2),
                   "afdc-WA-2025-02-09.csv": ("AFDC (WA)", "2025-02-09", 2)}


def test_build_records_each_raw_file() -> None:
    by_file = {Path(s.path).name: s for s in SOURCES}
    rows = [_st("a:1", "afdc-WA-2025-02-09.csv", date(2025, 2, 9)),
            _st("a:2", "us-ccs-dcfc-2022-11.geojson", date(2022, 11, 19), "geojson"),
            _st("a:3", "us-ccs-dcfc-2022-11.geojson", date(2022, 11, 19), "geojson")]
    used = {k: by_file[k] for k in ("afdc-WA-2025-02-09.csv", "us-ccs-dcfc-2022-11.geojson")}
    table = list(csv.DictReader(sources_csv(rows, used).splitlines()))
    assert [(r["file"], r["name"], r["date"], r["records"]) for r in table] == [
        ("afdc-WA-2025-02-09.csv", "AFDC (WA)", "2025-02-09", "1"),
        ("us-ccs-dcfc-2022-11.geojson", "AFDC CCS map (US)", "2022-11-19", "2")]
    assert table[1]["origin"] == "GitHub canadianveggie/ev-map @1f4e716"
    # the committed record covers every source the build reads, with the dates in data/README.md
    shipped = build_sources(DATA)
    assert set(shipped) == set(by_file)
    assert shipped["afdc-NY-2025-04-21.csv"].date == "2025-04-21"
    assert shipped["tesla-superchargers-NA-2023-06.csv"].date == "2023-06-03"
    assert shipped["stations_map_CA_J1772COMBO.geojson"].date == "2022-11-26"


def test_volume_period() -> None:
    assert volume_period(["cars: 2020-01..2020-02 x6 (pre-closure); trucks: 2021 12 months"]) \
        == "2020-01..2021-12"
    assert volume_period(["cars: 2020-01..2020-02 x6 (pre-closure); trucks: no data"]) \
        == "2020-01..2020-02"
    assert volume_period(["trucks: no data", ""]) is None


def test_network_source_names_the_network_and_its_date() -> None:
    import networkx as nx

    from evcorridor.siting.plan import network_source

    osm = network_source(nx.MultiDiGraph(source="osm", data_date="2026-11-30",
                                         data_date_kind="osm_base", provenance="Overpass"))
    assert (osm.name, osm.date, osm.provenance) == ("OpenStreetMap", "2026-11-30", "Overpass")
    assert "OpenStreetMap contributors" in osm.licence
    pulled = network_source(nx.MultiDiGraph(source="osm", data_date="2026-12-01",
                                            data_date_kind="pull_date"))
    assert pulled.provenance == "date: the day of the pull (Overpass sent no data timestamp)"
    tm = network_source(nx.MultiDiGraph(source="embedded", built_from="travelmapping",
                                        data_date="2026-08-22"))
    assert (tm.name, tm.date) == ("Travel Mapping", "2026-08-22")
    own = network_source(nx.MultiDiGraph(source="file", data_date=""), "my-corridor")
    assert (own.name, own.date, own.licence) == ("my-corridor", None, "")
