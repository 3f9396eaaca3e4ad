"""Crossing registry (data/crossings.csv) and its derivation from BTS + Travel Mapping."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evcorridor.build.network_data import ROAD_MEASURES, annualise, read_bts
from evcorridor.cli import app
from evcorridor.corridors import list_corridors
from evcorridor.crossings import COLUMNS, get_crossing, list_crossings, read_crossings_csv
from evcorridor.errors import InputError, NotFoundError
from evcorridor.network import load_network
from evcorridor.network.travelmapping import node_id


def test_annualise_real_blaine_rows(fixtures: Path) -> None:
    ports = read_bts(fixtures / "network" / "bts-blaine-rows.csv")
    blaine = ports["3004"]
    cars, trucks, how = annualise(blaine)
    assert cars == (260601 + 275045) * 6 == 3_213_876
    # only Jan-Feb 2021 truck rows in the fixture: scaled to 12 months and said so
    assert trucks == (29138 + 27540) * 6
    assert how == "cars: 2020-01..2020-02 x6 (pre-closure); trucks: 2021 2 months x12/2"


def test_registry_rows_and_borders() -> None:
    rows = list_crossings()
    assert len(rows) == 118
    assert len(list_crossings("us-ca")) == 86 and len(list_crossings("us-mx")) == 32
    assert len({c.id for c in rows}) == len(rows)
    blaine = get_crossing("blaine-peace-arch")
    assert (blaine.port_code, blaine.border, blaine.state) == ("3004", "us-ca", "WA")
    # the port's counts; its cars are not split between Peace Arch and Pacific Highway, its
    # trucks all use Pacific Highway (Peace Arch processes none)
    assert blaine.port_cars_per_year == 3_213_876 and blaine.port_trucks_per_year == 382_716
    assert blaine.cars_per_year is None and blaine.trucks_per_year == 0
    assert blaine.commercial == "false" and "Pacific Highway" in blaine.commercial_source
    pac = get_crossing("blaine-pacific-highway")
    assert pac.commercial == "true" and pac.trucks_per_year == 382_716
    assert pac.short_name == "pacific-highway" and blaine.short_name == "peace-arch"
    assert blaine.highways_us == ["I-5"] and blaine.highways_other == ["BC99"]
    assert blaine.volumes_scope == "port"  # shared with blaine-pacific-highway
    assert (blaine.lat, blaine.lon) == (49.002081, -122.75651)  # TM wa.i005 USA/CAN


def test_per_bridge_rows_never_copy_the_port_total() -> None:
    amb, gh = get_crossing("detroit-ambassador-bridge"), get_crossing("detroit-gordie-howe-bridge")
    assert amb.port_code == gh.port_code == "3801"
    assert (amb.cars_per_year, amb.trucks_per_year) == (gh.cars_per_year, gh.trucks_per_year) \
        == (None, None)
    assert (amb.port_trucks_per_year, amb.commercial, gh.commercial) == (1_398_577, "true",
                                                                         "unknown")
    assert amb.volumes_scope == gh.volumes_scope == "port"
    # Laredo: Juárez–Lincoln takes no trucks; the World Trade Bridge takes no cars; the port's
    # trucks are not split between World Trade and Colombia Solidarity
    jl, wt = get_crossing("laredo-juarez-lincoln"), get_crossing("laredo-world-trade-bridge")
    assert (jl.commercial, jl.trucks_per_year, jl.cars_per_year) == ("false", 0, None)
    assert (wt.commercial, wt.trucks_per_year, wt.cars_per_year) == ("true", None, 0)
    # no own count of a shared port's crossing equals the whole port's total
    for c in list_crossings():
        if c.volumes_scope == "port":
            assert c.trucks_per_year in (None, 0) or c.id in ("blaine-pacific-highway",
                                                              "nogales-mariposa",
                                                              "el-paso-bridge-of-the-americas")
            assert c.cars_per_year in (None, 0), c.id
    assert gh.tm_border_point == "mi.gorhowbri CAN/USA" and gh.highways_other == ["ON401"]
    by_port: dict[str, list[str]] = {}
    for c in list_crossings():
        by_port.setdefault(c.port_code, []).append(c.volumes_scope)
    for code, scopes in by_port.items():
        assert scopes == ["crossing"] or set(scopes) == {"port"}, code


def test_synthetic_crossings_say_so() -> None:
    sy = get_crossing("san-ysidro")
    assert sy.note.startswith("no Travel Mapping link across the border: synthetic link")
    assert sy.trucks_per_year is None  # San Ysidro has no truck rows in BTS: empty, not 0
    assert sy.commercial == "false"  # ... and trucks use Otay Mesa (source in the registry)
    assert get_crossing("laredo-juarez-lincoln").location_source == "synthetic-link"


def test_every_corridor_crossing_is_a_border_node_of_its_graph() -> None:
    for corridor in list_corridors():
        G = load_network(corridor.id)
        for cid in corridor.crossings:
            c = get_crossing(cid)
            n = node_id(c.lat, c.lon)
            assert G.nodes[n]["crossing"] == cid, (corridor.id, cid)


def test_unknown_crossing_did_you_mean() -> None:
    with pytest.raises(NotFoundError) as exc:
        get_crossing("sweetgrass")
    assert str(exc.value).startswith("unknown crossing 'sweetgrass'; did you mean "
                                     "'sweetgrass-coutts'")
    with pytest.raises(NotFoundError):
        list_crossings("us-cn")


def test_corrupt_csv_names_file_and_row(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[1] / "data" / "crossings.csv").read_text()
    lines = text.splitlines()
    lines[3] = lines[3].replace(",us-ca,", ",us-xx,", 1)
    p = tmp_path / "crossings.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        read_crossings_csv(p)
    assert str(exc.value).startswith(f"{p}:row 4: border: Input should be 'us-ca' or 'us-mx'")
    p.write_text("id,name\nx,y\n")
    with pytest.raises(InputError, match=r":row 1: missing column\(s\) port_code"):
        read_crossings_csv(p)


def test_cli_list_sorted_by_trucks_csv_and_show_json() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["crossings", "list", "--border", "us-mx", "--sort", "trucks",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 32
    # Laredo (2.57 M trucks in 2021) is the busiest; its three bridge rows come first
    assert [r["id"] for r in rows[:3]] == ["laredo-colombia-solidarity", "laredo-juarez-lincoln",
                                          "laredo-world-trade-bridge"]
    assert rows[0]["port_trucks_per_year"] == "2568471" and rows[0]["trucks_per_year"] == ""
    res = runner.invoke(app, ["crossings", "show", "pembina-emerson", "--format", "json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["highways_other"] == ["MB75"]


def test_every_bts_road_port_is_in_the_registry(shared_data: Path) -> None:
    ports = read_bts(shared_data / "ports" / "bts-border-crossing-entry-subset.csv")
    road = {c for c, p in ports.items() if any(m in p.monthly for m in ROAD_MEASURES)}
    assert len(road) == 108
    assert {c.port_code for c in list_crossings()} == road
    # trucks: the 12 months of 2021 summed, straight from the raw file
    laredo = ports["2304"].monthly["Trucks"]
    assert get_crossing("laredo-world-trade-bridge").port_trucks_per_year == sum(
        v for m, v in laredo.items() if m.startswith("2021"))


def test_every_crossing_says_whether_it_takes_trucks_and_why() -> None:
    for c in list_crossings():
        assert c.commercial in ("true", "false", "unknown") and c.commercial_source, c.id
    # a single-crossing port: from its own BTS truck count
    sw = get_crossing("sweetgrass-coutts")
    assert sw.commercial == "true" and sw.commercial_source.startswith(
        "BTS Border Crossing Entry Data: port 3310 counted")
    # every corridor has a crossing that processes trucks
    for corridor in list_corridors():
        assert any(get_crossing(c).takes_trucks for c in corridor.crossings), corridor.id


def test_state_province_pair_labels_locate_ports() -> None:
    # Alcan AK: Travel Mapping labels the border point "YT/AK" / "AK/YT", not "USA/CAN"
    alcan = get_crossing("alcan")
    assert alcan.location_source == "travelmapping"
    assert (alcan.lat, alcan.lon) == (62.615033, -141.001458)
    assert "AK2" in alcan.highways_us and alcan.highways_other == ["YT1"]


@pytest.mark.parametrize("width", [160, 100, 80, 60])
def test_cli_table_keeps_ids_and_figures_whole(width: int, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    # 160 = piped output (render.console.PIPE_WIDTH), 100 = a table whose highway lists wrap,
    # 80 = one highways column and no port, 60 = too narrow for a table: one block per crossing.
    # Never "…", never a cut id.
    from evcorridor.render import console

    monkeypatch.setattr(console.out, "width", width)
    res = CliRunner().invoke(app, ["crossings", "list", "--border", "us-mx", "--sort", "trucks"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout
    assert max(len(x) for x in res.stdout.splitlines()) <= width
    ids = [c.id for c in list_crossings("us-mx")]
    lines = res.stdout.splitlines()
    if width == 60:  # stacked: the id alone on a line, then its fields
        assert [x for x in lines if x in ids] == [
            c.id for c in sorted(list_crossings("us-mx"),
                                 key=lambda c: (-(c.port_trucks_per_year or -1),
                                                -(c.trucks_per_year or -1), c.id))]
        i = lines.index("laredo-world-trade-bridge")
        # no cars (commercial only); the port's trucks, not split between its two truck bridges
        assert lines[i + 1:i + 5] == ["  state                TX",
                                      "  highways US / other  I-69W TXLp20 US59 / MEX2",
                                      "  cars/yr              0",
                                      "  trucks/yr            2,568,471*"]
        return
    line = next(x for x in lines if "laredo-world-trade-bridge" in x)
    assert " 0 " in line and "2,568,471*" in line
    if width == 160:  # wide: whether it takes trucks
        assert line.rstrip().endswith("yes")
    if width == 160:  # wide: every highway on one line, in its own column
        assert "I-69W TXLp20 US59" in line and "MEX2" in line and "2304" in line
    if width == 80:  # narrow: no port column
        assert "2304" not in line and "I-69W" in line


def test_piped_console_is_wide_unless_columns_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from evcorridor.render import console

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert console._pipe_width() == console.PIPE_WIDTH == 160
    monkeypatch.setenv("COLUMNS", "100")
    assert console._pipe_width() is None  # rich reads COLUMNS itself
