"""`corridors create --crossing ID`: corridors for any crossing from the continental graph; plans
on them (network: continental cut, stations: the shipped data by area); pulled networks that
`plan` uses next; `plan --border`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_run import run

from evcorridor.corridor_create import create_corridor, resolve_place
from evcorridor.corridors import load_corridor_file
from evcorridor.errors import EvCorridorError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def configs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of configs/ (created corridors are written into it)."""
    from evcorridor import settings

    dst = tmp_path / "configs"
    shutil.copytree(REPO / "configs", dst)
    monkeypatch.setattr(settings, "_overrides", {k: v for k, v in settings._overrides.items()
                                                 if k != "configs_dir"})
    monkeypatch.setenv("EVCORRIDOR_CONFIGS_DIR", str(dst))
    settings.get_settings.cache_clear()
    return dst


def test_create_follows_the_main_highways_on_both_sides() -> None:
    made = create_corridor("pembina-emerson", reach_km=120)
    c = made.corridor
    assert (c.id, c.border, c.other_country, c.crossings) == (
        "pembina-emerson", "us-ca", "CAN", ["pembina-emerson"])
    assert c.highways["USA"] == ["I-29"]  # straight down I-29 from the border
    assert "MB75" in c.highways["CAN"]
    assert 100 < made.side_km["USA"] <= 120 and 100 < made.side_km["CAN"] <= 120
    assert c.start.name.startswith("I-29 at ") and c.start.lat < 48.2
    assert c.us_side[-1].lat < c.other_side[0].lat  # the places run across the border


def test_create_to_a_named_place_and_refusals() -> None:
    made = create_corridor("pembina-emerson", reach_km=120, to=["Winnipeg, MB"])
    assert made.corridor.end.name == "Winnipeg, MB"
    assert made.side_km["CAN"] > 100
    with pytest.raises(EvCorridorError, match=r"crossing 'sault-sainte-marie': no road on the "
                                              r"CAN side in the continental road graph"):
        create_corridor("sault-sainte-marie")
    # Campobello Island (NB 774) has 13.6 km of road: fine for 300 km, too little for 12 km
    assert create_corridor("eastport-me").side_km["CAN"] == 13.6
    with pytest.raises(EvCorridorError, match=r"too little road data on the USA side: the roads "
                                              r"of the continental graph reach only 8\.7 km"):
        create_corridor("eastport-me", reach_km=12)
    with pytest.raises(EvCorridorError, match="too little road data: no Travel Mapping border "
                                              "point"):
        create_corridor("hannah")
    assert resolve_place("Home=45.5,-122.6").name == "Home"
    with pytest.raises(EvCorridorError, match="unknown place"):
        resolve_place("Nowhere Town")


def test_cli_create_then_plan_and_check_offline(configs: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--offline", "corridors", "create", "--crossing", "pembina-emerson",
                          "--reach-km", "120", "--id", "pembina-test", "--format", "json"],
                         capsys)
    assert code == 0, err
    info = json.loads(out)
    path = configs / "corridors" / "pembina-test.yaml"
    assert info["file"] == str(path)
    c = load_corridor_file(path)
    assert c.crossings == ["pembina-emerson"]
    # a second create refuses to overwrite
    code, _, err = run(["corridors", "create", "--crossing", "pembina-emerson", "--id",
                        "pembina-test"], capsys)
    assert code == 2 and "exists" in err
    code, _, err = run(["corridors", "create", "--crossing", "sault-sainte-marie"], capsys)
    assert code == 1 and "no road on the CAN side" in err
    out_dir = tmp_path / "out"
    code, out, err = run(["--offline", "plan", "pembina-test", "--vehicle", "ccs1-long-range-car",
                          "--out", str(out_dir), "--format", "json"], capsys)
    assert code == 0, err
    plan = json.loads((out_dir / "pembina-test" / "plan.json").read_text())
    assert plan["parameters"]["network_source"] == "continental"
    refs = {r["kind"]: r for r in plan["inputs"]}
    assert refs["network"]["path"] == "data/networks/continental.npz"
    assert refs["stations"]["path"] == "data/stations/all/stations.csv"
    assert plan["feasible"] is True
    # the stations of a created corridor: the shipped data inside its polygon, both sides
    assert json.loads(out)["plans"][0]["existing_stations"]["stations"] > 0
    code, out, err = run(["check", str(out_dir / "pembina-test" / "plan.json")], capsys)
    assert code == 0, out + err


def test_pulled_network_is_what_plan_uses_next(tmp_path: Path, fixtures: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from evcorridor.network.pulled import latest_pulled

    assert latest_pulled("i29-red-river") is None  # each test has its own cache folder
    code, _out, err = run(["network", "pull", "i29-red-river", "--source", "travelmapping",
                          "--path", str(fixtures / "network" / "tm-mini"), "--format", "json"],
                         capsys)
    assert code == 0, err
    pulled = latest_pulled("i29-red-river")
    assert pulled is not None and pulled.source == "travelmapping"
    out_dir = tmp_path / "out"
    code, _, err = run(["plan", "i29-red-river", "--vehicle", "ccs1-long-range-car", "--out",
                        str(out_dir), "-q"], capsys)
    plan = json.loads((out_dir / "i29-red-river" / "plan.json").read_text())
    assert plan["parameters"]["network_source"] == "pulled:travelmapping"
    net = next(r for r in plan["inputs"] if r["kind"] == "network")
    assert net["path"].endswith("i29-red-river.travelmapping.graphml.gz")
    assert net["sha256"] == pulled.sha256
    # the 15-node pulled graph (the last 8 I-29 and first 8 MB 75 waypoints): 56.8 km
    assert max(r["length_m"] for r in plan["routes"]) == 56830.4
    # --network-source embedded still picks the shipped graph
    code, _, err = run(["plan", "i29-red-river", "--vehicle", "ccs1-long-range-car", "--out",
                        str(out_dir), "-q", "--network-source", "embedded"], capsys)
    assert code == 0, err
    plan = json.loads((out_dir / "i29-red-river" / "plan.json").read_text())
    assert plan["parameters"]["network_source"] == "embedded"
    assert max(r["length_m"] for r in plan["routes"]) > 300_000
    code, _, err = run(["plan", "i95-houlton", "--network-source", "pulled", "--out",
                        str(out_dir)], capsys)
    assert code == 2 and "no pulled network for corridor 'i95-houlton'" in err


def test_plan_border_subset_writes_summary_maps_and_lists_ports_without_roads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from evcorridor.cli.border_cmd import plan_border

    out_dir = tmp_path / "b"
    rows = plan_border("us-ca", out_dir=out_dir, reach_km=120, profile_set="na-2023",
                       vehicles=["ccs1-long-range-car"], scenario="default",
                       cost_model="default", time_limit=None, fmt="json", quiet=True,
                       crossings=["pembina-emerson", "antler", "hannah"])
    by = {r["crossing"]: r for r in rows}
    assert set(by) == {"pembina-emerson", "antler", "hannah"}
    assert by["pembina-emerson"]["status"] == "optimal"
    v = by["pembina-emerson"]["vehicles"]["ccs1-long-range-car"]
    assert v["passable_with_plan"] is True
    assert by["antler"]["status"] == "no-road-data"
    assert "no road on the CAN side" in by["antler"]["reason"]
    assert "no Travel Mapping border point" in by["hannah"]["reason"]
    for name in ("border-summary.json", "border-summary.csv", "border-summary.md",
                 "border-map.png", "border-map.html", "corridors/pembina-emerson.yaml",
                 "pembina-emerson/plan.json"):
        assert (out_dir / name).is_file(), name
    md = (out_dir / "border-summary.md").read_text()
    assert "## Ports with too little road data" in md and "Antler, ND" in md
    csv_rows = (out_dir / "border-summary.csv").read_text().splitlines()
    assert csv_rows[0].startswith("crossing,border,corridor,status,vehicle,passable_today")
    assert len(csv_rows) == 4
    # same inputs, same bytes (the wall times go to border-log.json only), also when the ports
    # run as Dask tasks on a local cluster of 2 worker processes
    first = {n: (out_dir / n).read_bytes() for n in ("border-summary.json", "border-map.html",
                                                    "border-map.png",
                                                    "pembina-emerson/plan.json")}
    plan_border("us-ca", out_dir=out_dir, reach_km=120, profile_set="na-2023",
                vehicles=["ccs1-long-range-car"], scenario="default", cost_model="default",
                time_limit=None, fmt="json", quiet=True,
                crossings=["pembina-emerson", "antler", "hannah"], dask_workers=2)
    capsys.readouterr()
    assert {n: (out_dir / n).read_bytes() for n in first} == first


def test_commercial_crossing_of_the_same_port_joins_when_different() -> None:
    """The registry says Juárez–Lincoln takes no commercial trucks; of Laredo's commercial
    bridges the nearest, the World Trade Bridge (about 11 km; Colombia Solidarity is about 25 km),
    serves the same city pair, so the corridor gets both crossings. A commercial crossing stays
    alone."""
    from evcorridor.corridor_create import commercial_alternative
    from evcorridor.crossings import get_crossing

    jl = get_crossing("laredo-juarez-lincoln")
    assert jl.commercial == "false"
    assert commercial_alternative(jl).id == "laredo-world-trade-bridge"
    made = create_corridor("laredo-juarez-lincoln", reach_km=150)
    assert made.corridor.crossings == ["laredo-juarez-lincoln", "laredo-world-trade-bridge"]
    assert "I-69W" in made.corridor.highways["USA"]
    wtb = get_crossing("laredo-world-trade-bridge")
    assert wtb.commercial == "true" and commercial_alternative(wtb) is None
    assert create_corridor("laredo-world-trade-bridge", reach_km=150).corridor.crossings == [
        "laredo-world-trade-bridge"]

