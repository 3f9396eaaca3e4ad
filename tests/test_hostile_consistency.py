"""Issue 13, class "consistency": the same failure gives the same exit code and one line whatever
option names the file; one duplicate-id rule for every station input; generic plans that do not
depend on the working folder; check reads only the inputs a plan may name; CSV and GraphML errors
that say what is wrong and where.

Unreadable files: the tests run as root here, and chmod 000 does not stop root. The subprocess
test therefore runs the CLI with the capabilities that let root ignore file modes (dac_override,
dac_read_search) dropped from its bounding set (`setpriv`, util-linux), so the kernel really
refuses the read, as it would for any user; as a non-root user chmod 000 is enough on its own.
Networks and flows are the SYNTHETIC fixtures of tests/fixtures/generic; the station file is a
real supercharge.info row (tests/fixtures/stations/README.md) with its row repeated.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evcorridor.check import check_file
from evcorridor.errors import InputError
from evcorridor.inputs import HEADER_SHOWN
from evcorridor.siting.generic import read_flows, read_network
from tests.cli_run import run

FIX = Path(__file__).parent / "fixtures"
LINE = FIX / "generic" / "line"
PLAN = FIX / "render" / "plan.json"
LACEY = FIX / "stations" / "tesla-lacey-2023-06.csv"


# --- unreadable files: exit 3, one line, for every option ------------------------------------

def _no_dac() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and no setpriv (util-linux) to drop CAP_DAC_OVERRIDE, so "
                    "a mode-000 file stays readable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_unreadable_file_is_exit_3_one_line_for_every_option(tmp_path: Path) -> None:
    work = tmp_path / "w"
    shutil.copytree(LINE, work / "line")
    shutil.copy(PLAN, work / "plan.json")
    shutil.copy(LACEY, work / "st.csv")
    (work / "net.graphml").write_text("<graphml/>", encoding="utf-8")
    (work / "p.yaml").write_text("kind: vehicle\n", encoding="utf-8")
    (work / "km.csv").write_text(",1,2\n1,0,5\n2,5,0\n", encoding="utf-8")  # SYNTHETIC
    (work / "paths.csv").write_text("origin,destination,path\n1,3,1 2 3\n", encoding="utf-8")
    locked = [work / "plan.json", work / "line" / "flows.csv", work / "line" / "edges.csv",
              work / "st.csv", work / "net.graphml", work / "p.yaml", work / "km.csv",
              work / "paths.csv"]
    for f in locked:
        f.chmod(0)
    o = str(tmp_path / "out")
    cases = [
        (["map", str(work / "plan.json"), "--out", o], work / "plan.json"),
        (["report", str(work / "plan.json"), "--out", o], work / "plan.json"),
        (["check", str(work / "plan.json")], work / "plan.json"),
        (["plan", "--network", str(work / "line"), "--flows", str(LINE / "flows.csv"),
          "--objective", "coverage", "--budget", "1", "--range-km", "250", "--out", o],
         work / "line" / "edges.csv"),
        (["plan", "--network", str(LINE), "--flows", str(work / "line" / "flows.csv"),
          "--objective", "coverage", "--budget", "1", "--range-km", "250", "--out", o],
         work / "line" / "flows.csv"),
        (["plan", "--network", str(work / "net.graphml"), "--flows", str(LINE / "flows.csv"),
          "--objective", "coverage", "--budget", "1", "--range-km", "250", "--out", o],
         work / "net.graphml"),
        (["plan", "--network", str(work / "km.csv"), "--flows", str(LINE / "flows.csv"),
          "--objective", "coverage", "--budget", "1", "--range-km", "250", "--out", o],
         work / "km.csv"),
        (["plan", "--network", str(LINE), "--flows", str(LINE / "flows.csv"), "--paths",
          str(work / "paths.csv"), "--objective", "coverage", "--budget", "1", "--range-km",
          "250", "--out", o], work / "paths.csv"),
        (["plan", "i5-cascadia", "--stations", str(work / "st.csv"), "--out", o],
         work / "st.csv"),
        (["stations", "list", "i5-cascadia", "--source", str(work / "st.csv")],
         work / "st.csv"),
        (["network", "pull", "i5-cascadia", "--source", "file", "--path",
          str(work / "net.graphml")], work / "net.graphml"),
        (["profiles", "validate", str(work / "p.yaml")], work / "p.yaml"),
    ]
    script = ("import json, sys, subprocess\n"
              "out = []\n"
              "for argv in json.loads(sys.argv[1]):\n"
              "    r = subprocess.run([sys.executable, '-c', 'import sys; from evcorridor.cli "
              "import main; main(sys.argv[1:])', *argv],\n"
              "                       capture_output=True, text=True, timeout=300)\n"
              "    out.append([r.returncode, r.stdout, r.stderr])\n"
              "print(json.dumps(out))\n")
    env = {**os.environ, "EVCORRIDOR_CACHE_DIR": str(tmp_path / "cache"),
           "EVCORRIDOR_OFFLINE": "1"}
    res = subprocess.run([*_no_dac(), sys.executable, "-c", script,
                          json.dumps([argv for argv, _ in cases])],
                         capture_output=True, text=True, env=env, timeout=900, check=True)
    results = json.loads(res.stdout)
    for (argv, path), (code, _out, err) in zip(cases, results, strict=True):
        lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
        assert code == 3, (argv, code, err)
        assert lines and lines[0] == f"error: {path}: cannot read: permission denied", (argv, err)
        assert "Usage:" not in err and "╭" not in err, (argv, err)
    # and the stations import of an unreadable file says so and writes nothing
    assert not (tmp_path / "out").exists()


def test_a_folder_where_a_file_is_expected_is_exit_3(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plan.json").mkdir()
    code, _, err = run(["map", str(tmp_path / "plan.json"), "--out", str(tmp_path / "o")], capsys)
    assert (code, err) == (3, f"error: {tmp_path / 'plan.json'}: is a folder, not a file\n")
    flows = tmp_path / "flows.csv"
    flows.mkdir()
    with pytest.raises(InputError, match=r"flows\.csv: is a folder, not a file$"):
        read_flows(flows)


# --- one duplicate-id rule --------------------------------------------------------------------

def test_plan_stations_refuses_a_duplicate_id_like_stations_import(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = LACEY.read_text(encoding="utf-8").splitlines()
    dup = tmp_path / "tesla-dup-2023-06.csv"
    dup.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    code, _, err = run(["stations", "import", str(dup), "--out", str(tmp_path / "s.csv")], capsys)
    assert code == 3
    assert f"{dup}:row 3: duplicate id tesla:lacey-wa (first at row 2)" in err
    assert not (tmp_path / "s.csv").exists()
    code, out, err = run(["plan", "i5-cascadia", "--stations", str(dup), "--out",
                          str(tmp_path / "out"), "--quiet"], capsys)
    assert code == 3 and out == ""
    assert err == (f"error: {dup}:row 3: duplicate id tesla:lacey-wa (first at row 2) (1 row(s) "
                   "rejected); nothing used: fix the file, or keep its good rows with "
                   "`evcorridor stations import --keep-good` and use that\n")
    assert not (tmp_path / "out").exists()
    # the good rows, kept by import --keep-good, are a file plan uses
    code, _, _ = run(["stations", "import", str(dup), "--keep-good", "--out",
                      str(tmp_path / "s.csv")], capsys)
    assert code == 0 and (tmp_path / "s.csv").is_file()


# --- generic plans do not depend on the working folder ------------------------------------------

def _plan_generic(net: str, flows: str, out: str) -> list[str]:
    return ["plan", "--network", net, "--flows", flows, "--objective", "coverage", "--budget",
            "2", "--range-km", "250", "--out", out, "--quiet"]


def test_generic_plan_records_resolved_paths_and_same_bytes_from_any_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data" / "line"
    shutil.copytree(LINE, data)
    (tmp_path / "x" / "y").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert run(_plan_generic("data/line", "data/line/flows.csv", "out1"), capsys)[0] == 0
    monkeypatch.chdir(tmp_path / "x" / "y")
    assert run(_plan_generic("../../data/line", "../../data/line/flows.csv",
                             str(tmp_path / "out2")), capsys)[0] == 0
    first = (tmp_path / "out1" / "line" / "plan.json").read_bytes()
    assert first == (tmp_path / "out2" / "line" / "plan.json").read_bytes()
    inputs = {i["kind"]: i["path"] for i in json.loads(first)["inputs"]}
    assert inputs == {"network": f"{data / 'nodes.csv'},{data / 'edges.csv'}",
                      "flows": str(data / "flows.csv")}
    # check from a third folder finds them (given as --input: outside data/ and configs/)
    monkeypatch.chdir(tmp_path / "x")
    code, out, err = run(["check", str(tmp_path / "out1" / "line" / "plan.json"), "--input",
                          str(data)], capsys)
    assert code == 0, out + err


# --- check reads only what a plan may name ------------------------------------------------------

def test_check_does_not_read_or_hash_a_file_the_plan_points_anywhere(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_plan_generic(str(LINE), str(LINE / "flows.csv"), str(tmp_path / "out")),
               capsys)[0] == 0
    path = tmp_path / "out" / "line" / "plan.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the checker\n", encoding="utf-8")
    for ref in raw["inputs"]:
        if ref["kind"] == "flows":
            ref["path"] = str(secret)
    path.write_text(json.dumps(raw), encoding="utf-8")
    report = check_file(path, inputs=[LINE])
    found = [f.line("p") for f in report.findings]
    assert found == [f"p: inputs: flows flows: input file {secret} is outside the data and "
                     "configs folders; check reads it only when given with --input PATH"]
    # no part of its hash is printed; given with --input it is hashed (and differs)
    report = check_file(path, inputs=[LINE, secret])
    hashed = [f for f in report.findings if f.rule == "inputs"]
    assert len(hashed) == 1 and "has changed since the plan was made" in hashed[0].message


# --- what CSV and GraphML errors say -----------------------------------------------------------

def test_wrong_delimiter_shows_at_most_200_characters_of_header(tmp_path: Path) -> None:
    flows = tmp_path / "flows.csv"
    header = ";".join(["origin", "destination", "flow"] + [f"extra{i}" for i in range(200)])
    flows.write_text(header + "\n1;2;3\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_flows(flows)
    msg = str(err.value)
    shown = msg.split("(header has: ", 1)[1].split(")", 1)[0]
    assert len(shown) <= HEADER_SHOWN and shown.endswith("...")
    assert msg.startswith(f"{flows}:row 1: missing columns origin, destination, flow")
    assert msg.endswith("the header seems to use semicolons: the file must be comma-separated")
    assert len(msg) < HEADER_SHOWN + 250


def test_wrong_delimiter_station_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    st = tmp_path / "stations.csv"
    st.write_text("\t".join(f"column{i}" for i in range(100)) + "\n" + "\t".join("x" * 100) + "\n",
                  encoding="utf-8")
    code, _, err = run(["stations", "import", str(st), "--out", str(tmp_path / "s.csv")], capsys)
    assert code == 3
    first = err.splitlines()[0]
    assert first.startswith(f"error: {st}: unrecognised columns (")
    assert len(first) < HEADER_SHOWN + 200


def test_unterminated_quote_is_named(tmp_path: Path) -> None:
    shutil.copy(LINE / "nodes.csv", tmp_path / "nodes.csv")
    (tmp_path / "edges.csv").write_text('u,v,length_m\n1,2,100000\n2,3,"100000\n3,4,100000\n',
                                        encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_network(tmp_path)
    assert str(err.value) == (f"{tmp_path / 'edges.csv'}:row 3: unterminated quote: a quoted "
                              "field opened on this row is never closed")
    st = tmp_path / "tesla-2023-06.csv"
    lines = LACEY.read_text(encoding="utf-8").splitlines()
    st.write_text(lines[0] + "\n" + lines[1].replace('423019"', "423019") + "\n", encoding="utf-8")
    from evcorridor.stations import read_stations

    with pytest.raises(InputError, match=r"tesla-2023-06\.csv:row 2: unterminated quote"):
        read_stations(st)


def test_graphml_errors_name_a_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "net.graphml"
    bad.write_text('<?xml version="1.0"?>\n<graphml>\n  <graph edgedefault="directed">\n'
                   '    <node id="1">\n  </graph>\n</graphml>\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_network(bad)
    assert str(err.value).startswith(f"{bad}:5:4: not valid GraphML XML: mismatched tag")
    code, _, stderr = run(["network", "pull", "i5-cascadia", "--source", "file", "--path",
                           str(bad)], capsys)
    assert code == 3
    assert stderr.splitlines()[-1].startswith(
        f"error: {bad}:5:4: corrupt or truncated network file (not valid GraphML XML: "
        "mismatched tag)")
