"""`evcorridor stations list|import|stats` on fixture rows (real rows + SYNTHETIC broken rows)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import run

from evcorridor.settings import _overrides, get_settings
from evcorridor.stations import read_stations
from evcorridor.stations.normalized import stations_csv

F = Path(__file__).resolve().parent / "fixtures" / "stations"


@pytest.fixture(autouse=True)
def _reset_settings() -> Iterator[None]:
    saved = dict(_overrides)
    yield
    _overrides.clear()
    _overrides.update(saved)
    get_settings.cache_clear()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    stations = []
    for name in ("afdc-WA-sample-2025-02-09.csv", "tesla-superchargers-sample-2023-06.csv",
                 "afdc-api-BC-sample-2023-12-30.csv"):
        stations += read_stations(F / name)[0]
    (tmp_path / "stations").mkdir()
    (tmp_path / "stations" / "demo-corridor.csv").write_text(stations_csv(stations),
                                                            encoding="utf-8")
    return tmp_path


def test_import_writes_normalised_csv_and_reports(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run(["stations", "import", str(F / "afdc-WA-sample-2025-02-09.csv"),
                        str(F / "tesla-superchargers-sample-2023-06.csv"), "--out", str(out)],
                       capsys)
    assert code == 0, err
    assert (f"{F / 'afdc-WA-sample-2025-02-09.csv'}: skipped 2 row(s) (2, 5): fuel type LPG is "
            "not electric (ELEC); not a charging station") in err
    wa = F / "afdc-WA-sample-2025-02-09.csv"
    assert f"{wa}: afdc: read 7, kept 5, rejected 0, skipped 2" in err
    assert "merged 11 records into 8 stations (3 groups)" in err
    _, report = read_stations(out)
    assert report.rows_kept == 8 and report.format == "evcorridor"


def test_import_bad_rows_need_keep_good(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.geojson"
    bad = F / "broken-supercharge-2023-06.csv"
    code, _, err = run(["stations", "import", str(bad), "--out", str(out)], capsys)
    assert code == 3 and not out.exists()
    assert f"{bad}:row 4: Country: 'France' is not USA, Canada or Mexico" in err.splitlines()
    assert err.strip().endswith("error: 4 row(s) rejected, 0 file(s) unreadable; nothing written "
                                "(use --keep-good to write the 1 good stations)")
    code, _, err = run(["stations", "import", str(bad), "--out", str(out), "--keep-good"], capsys)
    assert code == 0 and out.exists()
    feats = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["id"] for f in feats] == ["tesla:buellton-ca"]
    assert feats[0]["geometry"]["coordinates"] == [-120.188387, 34.61456]


def test_import_nothing_usable_exits_3(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run(["stations", "import", str(F / "broken-empty.csv"),
                        str(F / "broken-wrong-columns.csv"), "--out", str(out), "--keep-good"],
                       capsys)
    assert code == 3 and not out.exists()
    assert f"error: {F / 'broken-empty.csv'}: empty file" in err
    assert "error: no usable station read from 2 file(s); nothing written" in err


def test_import_geojson_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.csv"
    code, _, err = run(["stations", "import", str(F / "excerpt_stations_map_CA_CHADEMO.geojson"),
                        "--input-format", "geojson", "--id-prefix", "afdc", "--connector",
                        "CHADEMO", "--property", "name=city", "--data-date", "2022-11-05", "--out",
                        str(out)], capsys)
    assert code == 0, err
    rows = read_stations(out)[0]
    assert [(s.id, s.name, str(s.data_date)) for s in rows] == [
        ("afdc:82843", "Winnipeg", "2022-11-05"), ("afdc:83023", "Burlington", "2022-11-05")]
    # --format always names an output format: the old spelling says where the input format went
    code, _, err = run(["stations", "import", str(F / "excerpt_stations_map_CA_CHADEMO.geojson"),
                        "--format", "geojson", "--out", str(tmp_path / "p.csv")], capsys)
    assert (code, err.strip()) == (2, "error: stations import: the input format is "
                                      "--input-format (-i) geojson; --format always names an "
                                      "output format")
    assert not (tmp_path / "p.csv").exists()


def test_list_json_csv_and_unknown_corridor(data_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--data-dir", str(data_dir), "stations", "list", "demo-corridor",
                        "--format", "json", "--country", "MEX"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["tesla:cuernavaca-mexico"]
    code, out, _ = run(["--data-dir", str(data_dir), "stations", "list", "demo-corridor",
                        "--format", "csv"], capsys)
    assert code == 0 and len(out.splitlines()) == 1 + 5 + 6 + 4
    code, _, err = run(["--data-dir", str(data_dir), "stations", "list", "demo-corridr"], capsys)
    assert code == 2 and "unknown corridor 'demo-corridr'; did you mean 'demo-corridor'?" in err


def test_stats_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--data-dir", str(data_dir), "stations", "stats", "demo-corridor",
                        "--format", "json", "--as-of", "2025-06-01"], capsys)
    assert code == 0
    st = json.loads(out)
    assert st["stations"] == 15
    assert st["by_country"]["stations"] == {"CAN": 5, "MEX": 1, "USA": 9}
    assert st["by_connector"]["NACS"] == {"CAN": 1, "MEX": 1, "USA": 7}
    assert st["by_power_class"]["150–349 kW"] == {"MEX": 1, "USA": 4}
    age = {r["source_file"]: (r["data_date"], r["age_days"]) for r in st["data_age"]}
    assert age["afdc-WA-sample-2025-02-09.csv"] == ("2025-02-09", 112)
    code, out, _ = run(["--data-dir", str(data_dir), "stations", "stats", "demo-corridor"], capsys)
    assert code == 0 and "by country" in out


def test_import_into_an_unwritable_folder_is_one_line_exit_5(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a folder that os.access calls writable but refuses files (root in a read-only folder,
    # /proc): tempfile.mkstemp fails; this used to escape as "internal error: PermissionError"
    import tempfile

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "ro" / "out.csv"
    code, _, err = run(["stations", "import", str(F / "afdc-WA-sample-2025-02-09.csv"),
                        "--out", str(out)], capsys)
    assert code == 5
    assert err.splitlines()[-1] == f"error: {out}: cannot write: Permission denied"
    assert "Traceback" not in err and list((tmp_path / "ro").iterdir()) == []
