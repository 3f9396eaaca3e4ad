"""Sites a planner can find (issue 14): exit, nearest place, directions, readable ids, one
connector notation, sites.csv and sites.geojson with the same columns; the file writers live in
evcorridor/outputs.py (solving never imports the rendering layer).

The i35-laredo plan uses the embedded (REAL) Travel Mapping graph and station snapshot.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from cli_run import run

from evcorridor.outputs import LIST_SEP, SITE_COLUMNS, sites_csv, sites_geojson
from evcorridor.plan_model import Plan, SiteExit, load_plan
from evcorridor.siting.locate import (
    _ref_key,
    direction_at,
    highway_exit,
    nearest_place,
    new_site_id,
    unique_ids,
)


@pytest.fixture(scope="module")
def laredo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    from evcorridor.siting.plan import plan_corridor, write_outputs

    out = tmp_path_factory.mktemp("laredo")
    outcome = plan_corridor("i35-laredo")
    folder = write_outputs(outcome, out)
    return outcome.plan, folder


def test_new_site_is_findable(laredo: tuple[Plan, Path]) -> None:
    plan, _ = laredo
    new = [s for s in plan.sites if s.kind == "new"]
    # Monterrey has no usable station (vehicles arrive with the arrival charge) and the heavy
    # truck needs MCS: one site on I-35 and one on MEX 85D serve every route
    assert [s.id for s in new] == ["new-i35-tx-exit-77", "new-mex85d-nl-at-nl4"]
    s = new[0]
    # Travel Mapping: the waypoint of I-35 at this node is exit "77"
    assert s.exit == SiteExit(highway="I-35", label="77")
    assert s.name == "New site, I-35 exit 77"
    assert (s.lat, s.lon) == (28.578092, -99.197526)
    # nearest of the corridor's named places (configs/corridors/i35-laredo.yaml)
    assert s.place == "Cotulla, TX" and s.place_distance_m == 16100.0
    texts = sorted({d.text() for d in s.directions})
    assert texts == ["northbound to San Antonio, TX", "southbound to Monterrey, NL"]
    assert {d.route for d in s.directions} == {f"{c}:{d}" for c in plan.crossings
                                              for d in ("forward", "reverse")}
    station = next(s for s in plan.sites if s.id == "afdc:316163")
    assert station.exit == SiteExit(highway="I-35", label="127")
    assert station.exit.text() == "I-35 exit 127" and station.place == "Devine, TX"


def test_sites_csv_and_geojson_have_the_same_columns(laredo: tuple[Plan, Path]) -> None:
    plan, folder = laredo
    text = (folder / "sites.csv").read_text(encoding="utf-8")
    assert text == sites_csv(plan)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(SITE_COLUMNS)
    fc = json.loads((folder / "sites.geojson").read_text(encoding="utf-8"))
    assert fc == json.loads(sites_geojson(plan))
    assert len(fc["features"]) == len(rows) == len(plan.sites)
    for row, feat in zip(rows, fc["features"], strict=True):
        props = feat["properties"]
        assert sorted(props) == sorted(SITE_COLUMNS)
        assert props["corridor"] == row["corridor"] == "i35-laredo"
        for k in SITE_COLUMNS:  # the same value, written as CSV text
            v = props[k]
            assert row[k] == ("" if v is None else str(v) if not isinstance(v, float)
                              else f"{v:.7f}".rstrip("0").rstrip(".")), k
        assert feat["geometry"]["coordinates"] == [props["lon"], props["lat"]]
    new = next(r for r in rows if r["kind"] == "new")
    assert new["exit"] == "I-35 exit 77" and new["place"] == "Cotulla, TX"
    # an existing station's source by name (the raw file its row comes from first)
    devine = next(r for r in rows if r["id"] == "afdc:316163")
    assert (devine["source"], devine["source_name"]) == ("geojson", "AFDC Tesla map (US)")
    assert new["source_name"] == ""
    assert new["place_km"] == "16.1"
    assert new["directions"] == LIST_SEP.join(["southbound to Monterrey, NL",
                                               "northbound to San Antonio, TX"])
    # one notation for people, the structured list for machines
    assert new["connectors"] == "CCS1 ×4 @150 kW; MCS ×4 @350 kW"
    assert json.loads(new["connectors_json"]) == [
        {"count": 4, "max_kw": 150.0, "type": "CCS1"}, {"count": 4, "max_kw": 350.0, "type": "MCS"}]
    # only profiles with station rules are "complied with" (ca-federal and mx-cre-a108-2024 have
    # none the station fields express)
    assert new["complies_with"] == "us-23cfr680"


def test_report_names_where_to_build(laredo: tuple[Plan, Path],
                                     capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _, folder = laredo
    code, _o, err = run(["report", str(folder / "plan.json"), "--out", str(tmp_path)], capsys)
    assert code == 0, err
    text = (tmp_path / "i35-laredo" / "report.md").read_text(encoding="utf-8")
    assert ("| new-i35-tx-exit-77 | new | I-35 exit 77 | Cotulla, TX (16.1 km) | "
            "28.57809 | -99.19753 | southbound to Monterrey, NL; northbound to San Antonio, TX |"
            ) in text
    assert "| I-35 exit 127 |" not in text  # Devine's station serves as it is: nothing to build
    assert "CCS1 ×4 @150 kW, MCS ×4 @350 kW" in text  # the sites table, same notation
    # the source by name (the raw file the row comes from first), not "geojson"
    sites = text.split("## Sites")[1].split("## Data sources")[0]
    assert "| — | AFDC CCS map (US) | 0 |" in sites and "geojson" not in sites.lower()
    # truck access with its basis, in the sites table and the map popup
    assert ("| CCS1 ×4 @150 kW, MCS ×4 @350 kW | yes: new truck-designed site (MCS lanes, truck "
            "parking) | us-23cfr680 | planned (new site) |") in sites
    assert "| NACS ×8 @150 kW | unknown | — | AFDC Tesla map (US) | 0 |" in sites
    page = (tmp_path / "i35-laredo" / "map.html").read_text(encoding="utf-8")
    assert "yes: new truck-designed site (MCS lanes, truck parking)" in page
    from evcorridor.render.html_map import popup_html

    plan = load_plan(folder / "plan.json")
    built = next(s for s in plan.sites if s.id == "new-i35-tx-exit-77")
    assert ("<td><b>Trucks</b></td><td>yes: new truck-designed site (MCS lanes, truck parking)"
            "</td>") in popup_html(built, plan)
    assert "I-35 exit 77" in page and "Cotulla, TX (16.1 km)" in page


def test_locate_helpers() -> None:
    assert _ref_key("I-35") == _ref_key("tx.i035") == ("i", 35, "")
    assert _ref_key("mextam.mex085lar") == ("mex", 85, "lar") and _ref_key("HidSt") is None
    assert new_site_id(SiteExit(highway="I-5", label="254"), "WA", 1) == "new-i5-wa-exit-254"
    assert new_site_id(SiteExit(highway="BC99", label="20"), "BC", 2) == "new-bc99-bc-exit-20"
    assert new_site_id(None, "", 7) == "new-node-7"
    assert unique_ids({9: "new-a", 3: "new-a", 5: "new-b"}) == {3: "new-a", 5: "new-b",
                                                                 9: "new-a-2"}
    place = type("P", (), {})

    def p(name: str, lat: float, lon: float) -> object:
        o = place()
        o.name, o.lat, o.lon = name, lat, lon  # type: ignore[attr-defined]
        return o

    assert nearest_place([p("A", 45.0, -100.0), p("B", 46.0, -100.0)], 45.9, -100.0) == (
        "B", 11100.0)
    assert nearest_place([], 45.0, -100.0) == (None, None)
    # SYNTHETIC 3-node line heading east, the middle node labelled on route "xx.i010"
    G = nx.MultiDiGraph()
    for n, x in ((1, -100.0), (2, -99.9), (3, -99.8)):
        G.add_node(n, x=x, y=45.0, label="12" if n == 2 else "", route_labels=(
            "xx.i010=12;xx.us002=I-10" if n == 2 else ""))
    for a, b in ((1, 2), (2, 3)):
        G.add_edge(a, b, ref="I-10;US2", region="XX", length=7.9)
        G.add_edge(b, a, ref="I-10;US2", region="XX", length=7.9)
    assert highway_exit(G, 2, [[1, 2, 3]]) == (SiteExit(highway="I-10", label="12"), "XX")
    d = direction_at(G, "r:forward", [1, 2, 3], 2, "East end")
    assert d is not None and d.text() == "eastbound to East end"
    d = direction_at(G, "r:reverse", [3, 2, 1], 2, "West end")
    assert d is not None and d.heading == "westbound"


def test_solving_does_not_import_the_rendering_layer(tmp_path: Path) -> None:
    """Writing a plan folder (plan.json, sites.csv, sites.geojson) loads nothing of render/."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "render" / "plan.json"
    code = ("import sys; from pathlib import Path; "
            "from evcorridor.plan_model import load_plan; "
            "from evcorridor.siting.plan import PlanOutcome, write_outputs; "
            "import evcorridor.siting.generic, evcorridor.stations.normalized; "
            f"write_outputs(PlanOutcome(load_plan({str(fixture)!r})), Path({str(tmp_path)!r})); "
            "bad = sorted(m for m in sys.modules if m.startswith('evcorridor.render')); "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "synthetic-blaine" / "sites.csv").is_file()


def test_gis_layers_beside_the_plan(laredo: tuple[Plan, Path]) -> None:
    from evcorridor.crossings import get_crossing
    from evcorridor.layers import plan_layers
    from evcorridor.network import load_network

    plan, folder = laredo
    G = load_network("i35-laredo")
    layers = plan_layers(plan, G)
    assert layers == plan_layers(plan, G)  # deterministic
    for name, text in layers.items():
        assert (folder / name).read_text(encoding="utf-8") == text
    saved = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    assert sorted(saved["files"]) == ["crossings.geojson", "gaps.geojson", "routes.geojson",
                                      "sites.csv", "sites.geojson"]
    routes = json.loads(layers["routes.geojson"])["features"]
    assert [f["properties"]["route"] for f in routes] == [r.id for r in plan.routes]
    for f, r in zip(routes, plan.routes, strict=True):
        first, last = G.nodes[r.nodes[0]], G.nodes[r.nodes[-1]]
        line = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "LineString"
        assert line[0] == [round(first["x"], 5), round(first["y"], 5)]
        assert line[-1] == [round(last["x"], 5), round(last["y"], 5)]
        assert f["properties"]["length_km"] == round(r.length_m / 1000, 3)
        assert f["properties"]["corridor"] == "i35-laredo"
    gaps = json.loads(layers["gaps.geojson"])["features"]
    expected = [(r.id, run.vehicle, g) for r in plan.routes for run in r.vehicles
                for g in run.gaps]
    expected += [(r.id, None, g) for r in plan.routes for s in r.standards for g in s.gaps]
    assert len(gaps) == len(expected) > 0
    for f, (rid, vehicle, g) in zip(gaps, expected, strict=True):
        p = f["properties"]
        assert (p["route"], p["vehicle"], p["from_id"], p["to_id"]) == (rid, vehicle, g.from_id,
                                                                       g.to_id)
        assert (p["length_km"], p["limit_km"], p["slack_km"]) == (
            round(g.length_m / 1000, 3), round(g.limit_m / 1000, 3), round(g.slack_m / 1000, 3))
        assert p["holds"] == (g.slack_m >= 0)
        assert f["geometry"]["type"] == "LineString" and len(f["geometry"]["coordinates"]) >= 2
    crossings = json.loads(layers["crossings.geojson"])["features"]
    assert [f["properties"]["id"] for f in crossings] == plan.crossings
    c = get_crossing(plan.crossings[0])
    assert crossings[0]["properties"]["name"] == c.name
    assert crossings[0]["geometry"]["coordinates"] == [round(c.lon, 5), round(c.lat, 5)]
