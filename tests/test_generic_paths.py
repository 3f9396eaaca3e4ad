"""`plan --network … --paths FILE`: each listed flow drives its given path (issue 12, coverage
mode for researchers), and `check` verifies the given path instead of shortest-ness.

SYNTHETIC network (hand-checkable, not real roads or traffic): a square 1 - 2 - 4 (100 km + 100
km) and 1 - 3 - 4 (120 km + 120 km); flow 1 -> 4 of 10 and 2 -> 4 of 5. Range 250 km, round
trips (leave with 125 km). The shortest path of 1 -> 4 is 1-2-4; a site at 2 covers it and
2 -> 4 (15). Given the path 1-3-4, a site at 3 covers 1 -> 4 (at 3 after 120 km, charge, 4 and
back to 3 is 240 km, then 120 km home) and 2 -> 4 stays on its shortest path (uncovered: 10).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run

from evcorridor.errors import InputError
from evcorridor.plan_model import load_plan
from evcorridor.siting.generic import (
    InputProblems,
    plan_generic,
    read_flows,
    read_network,
    read_paths,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def square(tmp_path: Path, oneway: bool = False) -> tuple[Path, Path]:
    folder = tmp_path / "square"
    folder.mkdir(exist_ok=True)
    write(folder / "nodes.csv", "# SYNTHETIC\nid,x,y\n1,0,0\n2,1,1\n3,1,-1\n4,2,0\n")
    write(folder / "edges.csv", "# SYNTHETIC\nu,v,length_m,oneway\n1,2,100000,\n2,4,100000,\n"
                                f"1,3,120000,\n3,4,120000,{'yes' if oneway else ''}\n")
    flows = write(folder / "flows.csv", "# SYNTHETIC\norigin,destination,flow\n1,4,10\n2,4,5\n")
    return folder, flows


def test_given_path_is_driven_and_recorded(tmp_path: Path) -> None:
    net, flows = square(tmp_path)
    free, _ = plan_generic(net, flows, budget=1, range_m=250_000.0)
    assert [s.node for s in free.sites] == [2] and free.coverage.covered_flow == 15.0
    assert [f.path_source for f in free.coverage.flows] == ["shortest", "shortest"]
    assert "given_paths" not in free.parameters
    paths = write(tmp_path / "paths.csv", "# SYNTHETIC\norigin,destination,path\n1,4,1 3 4\n")
    plan, _ = plan_generic(net, flows, budget=1, range_m=250_000.0, paths_path=paths)
    assert [s.node for s in plan.sites] == [3]
    f14, f24 = plan.coverage.flows
    assert (f14.nodes, f14.length_m, f14.covered, f14.path_source) == (
        [1, 3, 4, 3, 1], 480_000.0, True, "given")
    assert (f24.nodes, f24.covered, f24.path_source) == ([2, 4, 2], False, "shortest")
    assert plan.coverage.covered_flow == 10.0
    assert plan.parameters["given_paths"] == 1
    (ref,) = [r for r in plan.inputs if r.kind == "paths"]
    assert ref.path == str(paths.resolve())
    # the same in JSON, ids as numbers or text, separators ';' and '>' in CSV
    js = write(tmp_path / "paths.json", json.dumps([{"origin": 1, "destination": "4",
                                                     "path": [1, "3", 4]}]))
    again, _ = plan_generic(net, flows, budget=1, range_m=250_000.0, paths_path=js)
    assert again.coverage == plan.coverage
    g = read_network(net)
    fl = read_flows(flows, g)
    for cell in ("1;3;4", "1>3>4", " 1 > 3 > 4 "):
        got = read_paths(write(tmp_path / "p.csv", f"origin,destination,path\n1,4,{cell}\n"),
                         g, fl, round_trip=True)
        assert got == {(1, 4): (1, 3, 4)}


def test_bad_paths_name_file_row_and_field(tmp_path: Path) -> None:
    net, flows = square(tmp_path, oneway=True)
    g = read_network(net)
    fl = read_flows(flows, g)
    bad = write(tmp_path / "bad.csv", "origin,destination,path\n"
                "1,4,1 2 4\n"    # fine
                "1,4,1 3 4\n"    # a second path for the flow
                "4,1,4 2 1\n"    # not a flow
                "2,4,2 1 4\n"    # 1 -> 4 is no link
                "1,4\n"          # too few values
                "2,4,1 2 4\n"    # does not start at the origin
                "2,4,2 9 4\n"    # unknown node
                "2,4,2 1 2 4\n"  # a cycle
                "x,4,2 4\n")     # a bad id
    with pytest.raises(InputProblems) as err:
        read_paths(bad, g, fl, round_trip=True)
    assert err.value.problems == [
        f"{bad}:row 3: origin, destination: a second path for flow 1 -> 4 (first at row 2)",
        f"{bad}:row 4: origin, destination: 4 -> 1 is not a flow of the flows file",
        f"{bad}:row 5: path: 1 -> 4 is not a link of the network",
        f"{bad}:row 6: 2 values, header has 3 columns",
        f"{bad}:row 7: path: 1 2 4 does not run from the origin 2 to the destination 4",
        f"{bad}:row 8: path: unknown node id '9'; known ids: 1, 2, 3, 4",
        f"{bad}:row 9: path: visits node 2 twice",
        f"{bad}:row 10: origin: unknown node id 'x'; known ids: 1, 2, 3, 4",
    ]
    # 3 -> 4 is one-way: fine one way, but a round trip drives the path back reversed
    oneway = write(tmp_path / "oneway.csv", "origin,destination,path\n1,4,1 3 4\n")
    assert read_paths(oneway, g, fl, round_trip=False) == {(1, 4): (1, 3, 4)}
    with pytest.raises(InputProblems) as err:
        read_paths(oneway, g, fl, round_trip=True)
    assert str(err.value) == (f"{oneway}:row 2: path: the way back (the path reversed) needs "
                              "4 -> 3, which is not a link of the network (a one-way link); a "
                              "round trip drives its path back reversed")
    js = write(tmp_path / "p.json", json.dumps([{"origin": 1, "destination": 4},
                                                {"origin": 1, "destination": 4, "path": "1 2"},
                                                {"origin": True, "destination": 4,
                                                 "path": [1, 2]}]))
    with pytest.raises(InputProblems) as err:
        read_paths(js, g, fl, round_trip=False)
    assert err.value.problems == [
        f"{js}:item 1: expected an object with origin, destination and path",
        f"{js}:item 2: path: expected a list of node ids",
        f"{js}:item 3: origin, destination: expected node ids"]
    for text, msg in (('{"1": [1, 2]}', "expected a JSON list"), ("[1, ", "not valid JSON"),
                      ("[]", "no paths")):
        with pytest.raises(InputError, match=msg):
            read_paths(write(tmp_path / "q.json", text), g, fl, round_trip=False)
    with pytest.raises(InputError, match=r"missing column path"):
        read_paths(write(tmp_path / "r.csv", "origin,destination,nodes\n1,4,1 2 4\n"), g, fl,
                   round_trip=False)


def test_cli_paths_planned_and_checked(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    net, flows = square(tmp_path)
    paths = write(tmp_path / "paths.csv", "origin,destination,path\n1,4,1 3 4\n")
    out = tmp_path / "out"
    code, text, err = run(["plan", "--network", str(net), "--flows", str(flows), "--objective",
                           "coverage", "--budget", "1", "--range-km", "250", "--paths",
                           str(paths), "--format", "json", "--out", str(out)], capsys)
    assert code == 0, err
    assert json.loads(text)["plans"][0]["covered_flow"] == 10.0
    plan_path = out / "square" / "plan.json"
    inputs = ["--input", str(tmp_path)]
    code, text, _ = run(["check", str(plan_path), *inputs], capsys)
    assert code == 0, text
    original = plan_path.read_text(encoding="utf-8")

    def tampered(change: object) -> str:
        data = json.loads(original)
        change(data)  # type: ignore[operator]
        plan_path.write_text(json.dumps(data), encoding="utf-8")
        code, text, _ = run(["check", str(plan_path), *inputs], capsys)
        assert code == 1
        return text

    # the given flow claimed as a shortest path: check finds it is not one
    text = tampered(lambda d: d["coverage"]["flows"][0].update(path_source="shortest"))
    assert "the paths file gives its path 1 3 4, but the plan says it drives a shortest" in text
    assert "the path from node 1 to node 4 is 240000.0 m, not a shortest path (200000.0 m)" in text
    # a flow marked as given whose path is not the file's
    text = tampered(lambda d: d["coverage"]["flows"][0].update(
        nodes=[1, 2, 4, 2, 1], length_m=400_000.0))
    assert "drives 1 2 4 2 1, not the given path 1 3 4 3 1" in text
    # a shortest-path flow marked as given
    text = tampered(lambda d: d["coverage"]["flows"][1].update(path_source="given"))
    assert "marked as a given path, but the plan's paths file does not list it" in text
    # a flow left out of the plan: missing from the flows file's flows and the paths file's
    text = tampered(lambda d: d["coverage"].update(flows=d["coverage"]["flows"][1:],
                                                   covered_flow=0.0, total_flow=5.0))
    assert "flow 1 -> 4 of flows.csv is missing from the plan" in text
    assert "flow 1 -> 4: in the paths file paths.csv but not a flow of the plan" in text
    # a volume changed
    text = tampered(lambda d: d["coverage"]["flows"][1].update(flow=6.0))
    assert "volume 6.0 in the plan, 5 in flows.csv" in text
    # without the paths file in the inputs, a given path is not verifiable
    text = tampered(lambda d: d.update(inputs=[r for r in d["inputs"] if r["kind"] != "paths"]))
    assert "marked as a given path, but the plan names no paths file" in text
    # a changed paths file is the inputs rule's finding
    plan_path.write_text(original, encoding="utf-8")
    write(paths, "origin,destination,path\n1,4,1 2 4\n")
    code, text, _ = run(["check", str(plan_path), *inputs], capsys)
    assert code == 1 and "has changed since the plan was made" in text
    assert load_plan(plan_path).coverage is not None


def test_cli_paths_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    net, flows = square(tmp_path)
    bad = write(tmp_path / "paths.csv", "origin,destination,path\n1,4,1 4\n")
    base = ["--flows", str(flows), "--objective", "coverage", "--budget", "1", "--range-km",
            "250", "--out", str(tmp_path / "out")]
    code, out, err = run(["plan", "--network", str(net), *base, "--paths", str(bad)], capsys)
    assert code == 3 and out == ""
    assert err == f"error: {bad}:row 2: path: 1 -> 4 is not a link of the network\n"
    assert not (tmp_path / "out").exists()
    code, _, err = run(["plan", "I-5", "--paths", str(bad)], capsys)
    assert code == 2 and "--paths and --path-tie-break apply to a generic --network only" in err
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.truncate(64 * 1024 * 1024 + 1)
    code, _, err = run(["plan", "--network", str(net), *base, "--paths", str(huge)], capsys)
    assert code == 3 and err.startswith(f"error: {huge}: 67108865 bytes, over the 67108864-byte "
                                        "limit")


MATRIX = Path(__file__).parent / "fixtures" / "generic" / "matrix"


def test_docs_example_matrix_with_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command of docs/siting.md ("Per-flow paths") and README, on the shipped SYNTHETIC
    fixture: the same network as `square` given as a link matrix without coordinates."""
    out = tmp_path / "out"
    base = ["plan", "--network", str(MATRIX / "km.csv"), "--flows", str(MATRIX / "flows.csv"),
            "--objective", "coverage", "--budget", "1", "--range-km", "250", "--quiet",
            "--out", str(out)]
    assert run(base, capsys)[0] == 0
    plan = load_plan(out / "km" / "plan.json")
    assert [s.node for s in plan.sites] == [2] and plan.coverage.covered_flow == 15.0
    assert run([*base, "--paths", str(MATRIX / "paths.csv")], capsys)[0] == 0
    plan = load_plan(out / "km" / "plan.json")
    assert [s.node for s in plan.sites] == [3] and plan.coverage.covered_flow == 10.0
    assert [(f.nodes, f.path_source) for f in plan.coverage.flows] == [
        ([1, 3, 4, 3, 1], "given"), ([2, 4, 2], "shortest")]
    code, text, _ = run(["check", str(out / "km" / "plan.json"), "--input", str(MATRIX)], capsys)
    assert code == 0, text


def test_check_reads_a_forged_paths_file_in_one_line(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A plan edited to name a paths file nested too deeply to read (with its true hash): check
    says so in one line, never a traceback."""
    import hashlib

    net, flows = square(tmp_path)
    out = tmp_path / "out"
    assert run(["plan", "--network", str(net), "--flows", str(flows), "--objective", "coverage",
                "--budget", "1", "--range-km", "250", "--quiet", "--out", str(out)],
               capsys)[0] == 0
    deep = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    plan_path = out / "square" / "plan.json"
    data = json.loads(plan_path.read_text(encoding="utf-8"))
    data["inputs"].append({"kind": "paths", "id": "deep", "path": str(deep),
                           "sha256": hashlib.sha256(deep.read_bytes()).hexdigest(),
                           "data_date": None})
    plan_path.write_text(json.dumps(data), encoding="utf-8")
    code, text, err = run(["check", str(plan_path), "--input", str(tmp_path)], capsys)
    assert code == 3, text + err
    assert "JSON nested too deeply to read" in text + err
    assert "Traceback" not in text + err
