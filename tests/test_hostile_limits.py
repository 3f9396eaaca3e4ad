"""Issue 13, class "unbounded memory": every input has a documented size limit checked before it
is parsed (evcorridor.inputs.LIMITS, README "Input limits"), files without a size (a character
device) are cut off at the limit while read, CSV is streamed, the problems kept per file are the
first MAX_KEPT plus a count, and JSON nested too deep is a one-line error (exit 3), not a
RecursionError. Large files are sparse (truncate), so the tests write almost nothing to disk.
Network and flow rows are SYNTHETIC.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from evcorridor.errors import InputError
from evcorridor.inputs import KINDS, LIMITS, MAX_KEPT, read_bytes
from evcorridor.network.graph import read_graphml
from evcorridor.plan_model import load_plan
from evcorridor.siting.generic import InputProblems, read_flows, read_network
from evcorridor.stations import read_stations
from tests.cli_run import run

FIX = Path(__file__).parent / "fixtures"
LINE = FIX / "generic" / "line"


def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


def over(kind: str) -> int:
    return LIMITS[kind] + 1


def test_a_200_mb_edges_csv_is_refused_before_reading(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    net = tmp_path / "net"
    net.mkdir()
    (net / "nodes.csv").write_bytes((LINE / "nodes.csv").read_bytes())
    edges = sparse(net / "edges.csv", 200 * 1024 * 1024, b"u,v,length_m\n1,2,1\n")
    code, out, err = run(["plan", "--network", str(net), "--flows", str(LINE / "flows.csv"),
                          "--objective", "coverage", "--budget", "1", "--range-km", "250",
                          "--out", str(tmp_path / "out")], capsys)
    assert (code, out) == (3, "")
    assert err == (f"error: {edges}: 209715200 bytes, over the {LIMITS['network']}-byte limit "
                   "for a network file; refused (see README, Input limits)\n")


@pytest.mark.parametrize(("kind", "name", "reader"), [
    ("flows", "flows.csv", lambda p: read_flows(p)),
    ("network", "big.graphml", lambda p: read_network(p)),
    ("network", "corridor.graphml", lambda p: read_graphml(p)),
    ("stations", "afdc-2025-01-01.csv", lambda p: read_stations(p)),
    ("stations", "ocm.json", lambda p: read_stations(p, "ocm")),
    ("plan", "plan.json", lambda p: load_plan(p)),
])
def test_every_input_kind_has_a_limit(tmp_path: Path, kind: str, name: str,
                                      reader: object) -> None:
    path = sparse(tmp_path / name, over(kind), b"x")
    with pytest.raises(InputError) as err:
        reader(path)  # type: ignore[operator]
    assert str(err.value) == (f"{path}: {over(kind)} bytes, over the {LIMITS[kind]}-byte limit "
                              f"for a {KINDS[kind]}; refused (see README, Input limits)")


def test_a_file_without_a_size_is_cut_off_at_the_limit() -> None:
    with pytest.raises(InputError, match=r"^/dev/zero: longer than that, over the \d+-byte limit"):
        read_bytes("/dev/zero", "plan")


def test_a_small_gzip_that_expands_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.graphml.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        block = b"\0" * (1 << 20)
        for _ in range(LIMITS["network"] // len(block) + 1):
            fh.write(block)
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(InputError, match=r"bomb\.graphml\.gz: expands to over \d+ bytes"):
        read_graphml(bomb)


def test_repeated_flow_rows_keep_the_first_problems_and_count_the_rest(tmp_path: Path) -> None:
    flows = tmp_path / "flows.csv"
    rows = 200_000
    flows.write_text("origin,destination,flow\n" + "1,5,10\n" * rows, encoding="utf-8")
    graph = read_network(LINE)
    with pytest.raises(InputProblems) as err:
        read_flows(flows, graph)
    assert err.value.count == rows - 1
    assert len(err.value.problems) == MAX_KEPT
    assert err.value.problems[0] == f"{flows}:row 3: duplicate O-D pair 1 -> 5 (first at row 2)"
    assert str(err.value) == f"{err.value.problems[0]} (and {rows - 2} more problems)"


def test_bad_station_rows_keep_the_first_messages_and_count_the_rest(tmp_path: Path) -> None:
    head = "Supercharger,Street Address,City,State,Zip,Country,Stalls,kW,GPS,Elev(m),Open Date\n"
    path = tmp_path / "tesla-2023-06.csv"
    path.write_text(head + "".join(f"S{i},a,b,WA,1,USA,x,250,\"n/a\",1,10/30/2020\n"
                                   for i in range(1000)), encoding="utf-8")
    stations, report = read_stations(path)
    assert stations == [] and report.rows_rejected == 1000
    assert len(report.rejected) == MAX_KEPT
    msgs = report.messages()
    assert len(msgs) == MAX_KEPT + 1
    assert msgs[-1] == f"{path}: and 900 more rejected row(s) (the first 100 are listed)"


def deep(n: int) -> str:
    return "[" * n + "]" * n


def test_json_nested_100000_deep_is_one_line_exit_3(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    st = tmp_path / "ocm-deep.json"
    st.write_text(deep(100_000), encoding="utf-8")
    code, _, err = run(["stations", "import", str(st), "--out", str(tmp_path / "s.csv")], capsys)
    assert code == 3
    assert err.splitlines()[0] == (f"error: {st}: JSON nested too deeply to read (arrays/objects "
                                   "inside each other hundreds of levels deep); refused")
    plan = tmp_path / "plan.json"
    plan.write_text('{"schema_version": "evcorridor.plan/2", "parameters": ' + deep(100_000)
                    + "}", encoding="utf-8")
    for argv in (["check", str(plan)], ["map", str(plan), "--out", str(tmp_path / "m")]):
        code, _, err = run(argv, capsys)
        assert code == 3 and "JSON nested too deeply" in err and "Traceback" not in err
    geo = tmp_path / "deep.geojson"
    geo.write_text('{"type": "FeatureCollection", "features": ' + deep(50_000) + "}",
                   encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply"):
        read_stations(geo)


def test_a_long_field_is_an_error_not_a_memory_sink(tmp_path: Path) -> None:
    flows = tmp_path / "flows.csv"
    flows.write_text('origin,destination,flow\n1,5,"' + "9" * 300_000 + '"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"flows\.csv:row 2: a field longer than \d+ characters"):
        read_flows(flows)


def test_plan_json_limit_also_guards_report(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    plan = sparse(tmp_path / "plan.json", over("plan"), json.dumps({"a": 1}).encode())
    code, _, err = run(["report", str(plan), "--out", str(tmp_path / "r")], capsys)
    assert code == 3 and "over the" in err and err.count("\n") == 1


def test_travel_mapping_data_is_read_within_its_limit(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import tarfile

    from evcorridor.network.travelmapping import read_tm

    tm = FIX / "network" / "tm-mini"
    assert read_tm(tm).source == str(tm)  # the fixture fits the real limit
    tarball = tmp_path / "tm.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(tm, arcname="HighwayData")
    monkeypatch.setitem(LIMITS, "travelmapping", 1000)
    for source in (tm, tarball):
        with pytest.raises(InputError, match=r"over the 1000-byte limit for a Travel Mapping"):
            read_tm(source)
