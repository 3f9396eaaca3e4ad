"""Corridor definitions: the 16 shipped corridors and the errors for bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evcorridor.cli import app, main
from evcorridor.corridors import get_corridor, list_corridors, load_corridor_file
from evcorridor.crossings import get_crossing
from evcorridor.errors import InputError, NotFoundError
from evcorridor.geodesy import haversine_m

ISSUE_CORRIDORS = {
    "i5-cascadia": ("Portland", "Vancouver"), "i15-alberta": ("Great Falls", "Calgary"),
    "i29-red-river": ("Fargo", "Winnipeg"), "i94-blue-water": ("Lansing", "London"),
    "i75-detroit-windsor": ("Toledo", "London"), "niagara": ("Erie", "Toronto"),
    "i87-champlain": ("New York", "Montréal"), "i81-thousand-islands": ("Syracuse", "Ottawa"),
    "i91-stanstead": ("White River Junction", "Sherbrooke"),
    "i95-houlton": ("Bangor", "Fredericton"),
    "i5-tijuana": ("Los Angeles", "Ensenada"), "i8-calexico": ("San Diego", "Mexicali"),
    "i19-nogales": ("Phoenix", "Hermosillo"), "i10-el-paso": ("Las Cruces", "Chihuahua"),
    "i35-laredo": ("San Antonio", "Monterrey"),
    "rio-grande-valley": ("Corpus Christi", "Monterrey"),
}

GOOD = """\
id: demo
name: "Demo"
border: us-ca
other_country: CAN
crossings: [blaine-peace-arch]
us_side:
  - {name: "Seattle, WA", lat: 47.6062, lon: -122.3321}
other_side:
  - {name: "Vancouver, BC", lat: 49.2827, lon: -123.1207}
highways: {USA: [I-5], CAN: [BC99]}
buffer_km: 20
"""


def test_all_issue_corridors_ship_with_their_endpoints() -> None:
    corridors = {c.id: c for c in list_corridors()}
    assert set(corridors) == set(ISSUE_CORRIDORS)
    for cid, (start, end) in ISSUE_CORRIDORS.items():
        c = corridors[cid]
        assert c.start.name.startswith(start), cid
        assert c.end.name.startswith(end), cid
        assert c.source_file.endswith(f"{cid}.yaml")


def test_crossings_exist_on_the_right_border_and_lie_between_the_sides() -> None:
    for c in list_corridors():
        for cid in c.crossings:
            x = get_crossing(cid)
            assert x.border == c.border
            # every crossing is within 80 km of one of the corridor's US places
            near = min(haversine_m(p.lat, p.lon, x.lat, x.lon) for p in c.us_side)
            assert near < 80_000, (c.id, cid, near)


def test_alternative_crossings() -> None:
    assert get_corridor("i75-detroit-windsor").crossings == [
        "detroit-ambassador-bridge", "detroit-gordie-howe-bridge"]
    assert get_corridor("niagara").crossings == [
        "buffalo-peace-bridge", "buffalo-lewiston-queenston-bridge"]
    assert get_corridor("i5-tijuana").crossings == ["san-ysidro", "otay-mesa"]


def test_unknown_corridor_suggests_the_closest() -> None:
    with pytest.raises(NotFoundError) as exc:
        get_corridor("i5-cascadya")
    assert str(exc.value) == "unknown corridor 'i5-cascadya'; did you mean 'i5-cascadia'?"


def _write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_loads(tmp_path: Path) -> None:
    c = load_corridor_file(_write(tmp_path, GOOD))
    assert (c.id, c.start.name, c.end.name, c.buffer_km) == ("demo", "Seattle, WA",
                                                             "Vancouver, BC", 20.0)


@pytest.mark.parametrize(("old", "new", "where"), [
    ("buffer_km: 20", "buffer_km: -5", "11:1: buffer_km: Input should be greater than 0"),
    ("  - {name: \"Seattle, WA\", lat: 47.6062", "  - {name: \"Seattle, WA\", lat: 147.6",
     "7:27: us_side.0.lat: Input should be less than or equal to 72"),
    ("border: us-ca", "border: us-xx", "3:1: border: Input should be 'us-ca' or 'us-mx'"),
    ("other_country: CAN", "other_country: MEX",
     "1:1: other_country must be CAN for border us-ca"),
    ("crossings: [blaine-peace-arch]", "crossings: [blaine-peace]",
     "5:13: crossings.0: unknown crossing 'blaine-peace'; did you mean 'blaine-peace-arch'"),
    ("buffer_km: 20", "buffer_km: 20\ncolour: red", "12:1: colour: unknown key"),
])
def test_malformed_corridor_names_file_line_and_field(tmp_path: Path, old: str, new: str,
                                                       where: str) -> None:
    p = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(InputError) as exc:
        load_corridor_file(p)
    assert str(exc.value).startswith(f"{p}:{where}"), str(exc.value)


def test_yaml_syntax_error_and_id_mismatch(tmp_path: Path) -> None:
    p = _write(tmp_path, GOOD.replace("highways: {USA: [I-5], CAN: [BC99]}",
                                      "highways: {USA: [I-5], CAN: [BC99]"))
    with pytest.raises(InputError) as exc:
        load_corridor_file(p)
    assert str(exc.value).startswith(f"{p}:11:") and "YAML syntax error" in str(exc.value)
    q = _write(tmp_path, GOOD, name="other.yaml")
    with pytest.raises(InputError) as exc:
        load_corridor_file(q)
    assert str(exc.value) == f"{q}:1:1: id: id 'demo' must match the file name 'other'"


def test_cli_list_and_show() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["corridors", "list", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert [c["id"] for c in json.loads(res.stdout)] == sorted(ISSUE_CORRIDORS)
    res = runner.invoke(app, ["corridors", "show", "i29-red-river", "--format", "json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["crossings"] == ["pembina-emerson"] and data["highways"]["CAN"] == ["MB75", "Rte42"]
    res = runner.invoke(app, ["corridors", "show", "i29-red-rivr"])
    assert isinstance(res.exception, NotFoundError)


def test_main_exit_code_and_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["corridors", "show", "i29-red-rivr"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == ("error: unknown corridor 'i29-red-rivr'; did you mean "
                                       "'i29-red-river'?\n")
