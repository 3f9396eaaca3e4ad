"""`plan --network … --candidates FILE --existing FILE` (issue 12, coverage mode for researchers).

The network is the SYNTHETIC five-node line of tests/fixtures/generic/line (100 km between
neighbours; flows 1->5: 100, 2->4: 30, 1->3: 20). With a 250 km range on round trips (leaving
with 125 km) a station at 2 covers 1->3, one at 3 covers 2->4, and 1->5 needs 2 and 4.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from evcorridor.plan_model import load_plan
from evcorridor.siting.generic import InputProblems, plan_generic, read_network, read_node_list

LINE = Path(__file__).parent / "fixtures" / "generic" / "line"
FLOWS = LINE / "flows.csv"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def covered(plan: object) -> list[tuple[str, str]]:
    cov = plan.coverage  # type: ignore[attr-defined]
    return sorted((f.origin, f.destination) for f in cov.flows if f.covered)


def test_candidates_restrict_the_new_sites(tmp_path: Path) -> None:
    free, _ = plan_generic(LINE, FLOWS, budget=1, range_m=250_000.0)
    assert [s.node for s in free.sites] == [3]
    assert covered(free) == [("2", "4")] and free.coverage.covered_flow == 30.0
    cands = write(tmp_path / "cands.txt", "# SYNTHETIC candidate list\n2\n4\n")
    plan, _ = plan_generic(LINE, FLOWS, budget=1, range_m=250_000.0, candidates_path=cands)
    assert [s.node for s in plan.sites] == [2]
    assert covered(plan) == [("1", "3")] and plan.coverage.covered_flow == 20.0
    plan2, _ = plan_generic(LINE, FLOWS, budget=2, range_m=250_000.0, candidates_path=cands)
    assert [s.node for s in plan2.sites] == [2, 4]
    # 2->4 too: the vehicle charges at its origin 2 and at its destination 4
    assert covered(plan2) == [("1", "3"), ("1", "5"), ("2", "4")]
    assert plan2.coverage.covered_flow == 150.0
    assert plan.parameters["candidate_nodes"] == ["2", "4"]
    ref = [r for r in plan.inputs if r.kind == "candidates"]
    assert len(ref) == 1 and ref[0].path == str(cands.resolve())
    assert ref[0].sha256 == hashlib.sha256(cands.read_bytes()).hexdigest()


def test_existing_stations_count_for_free(tmp_path: Path) -> None:
    cands = write(tmp_path / "cands.txt", "2\n4\n")
    exist = write(tmp_path / "existing.csv", "# SYNTHETIC\nnode,note\n3,a station\n")
    plan, _ = plan_generic(LINE, FLOWS, budget=1, range_m=250_000.0, candidates_path=cands,
                           existing_path=exist)
    assert [s.node for s in plan.sites] == [2]
    assert covered(plan) == [("1", "3"), ("2", "4")] and plan.coverage.covered_flow == 50.0
    assert plan.parameters["existing_nodes"] == ["3"]
    assert {r.kind for r in plan.inputs} >= {"network", "flows", "candidates", "existing"}


def test_node_list_formats_and_errors(tmp_path: Path) -> None:
    g = read_network(LINE)
    assert read_node_list(write(tmp_path / "a.txt", "5\n\n1\n"), g, "--candidates") == [5, 1]
    assert read_node_list(write(tmp_path / "b.csv", "label,NODE\nx,4\ny,2\n"), g,
                          "--existing") == [4, 2]
    bad = write(tmp_path / "c.txt", "2\n9\n2\n")
    with pytest.raises(InputProblems) as exc:
        read_node_list(bad, g, "--candidates")
    assert str(exc.value) == (f"{bad}:row 2: node: unknown node id '9'; known ids: 1, 2, 3, 4, 5"
                              " (and 1 more problem)")
    assert exc.value.problems[1] == f"{bad}:row 3: node: duplicate node id 2 (first at row 1)"


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from evcorridor.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_cli_candidates_existing_planned_and_checked(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cands = write(tmp_path / "cands.txt", "2\n4\n")
    exist = write(tmp_path / "existing.txt", "3\n")
    out = tmp_path / "out"
    code, text, _ = run_cli(["plan", "--network", str(LINE), "--flows", str(FLOWS),
                             "--objective", "coverage", "--budget", "1", "--range-km", "250",
                             "--candidates", str(cands), "--existing", str(exist),
                             "--format", "json", "--out", str(out)], capsys)
    assert code == 0
    assert json.loads(text)["plans"][0]["covered_flow"] == 50.0
    plan_path = out / "line" / "plan.json"
    assert [s.node for s in load_plan(plan_path).sites] == [2]
    inputs = ["--input", str(LINE), "--input", str(tmp_path)]
    code, text, _ = run_cli(["check", str(plan_path), *inputs], capsys)
    assert code == 0, text
    # without --input for the lists, check says they are outside the data folders
    code, text, _ = run_cli(["check", str(plan_path), "--input", str(LINE)], capsys)
    assert code == 1 and "candidates cands" in text and "outside the data" in text
    # a changed list is found
    write(cands, "2\n3\n4\n")
    code, text, _ = run_cli(["check", str(plan_path), *inputs], capsys)
    assert code == 1 and "has changed since the plan was made" in text


def test_check_finds_a_new_site_outside_the_candidates(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _, _ = run_cli(["plan", "--network", str(LINE), "--flows", str(FLOWS), "--objective",
                          "coverage", "--budget", "1", "--range-km", "250", "--quiet",
                          "--out", str(out)], capsys)
    assert code == 0
    plan_path = out / "line" / "plan.json"
    data = json.loads(plan_path.read_text(encoding="utf-8"))
    assert [s["node"] for s in data["sites"]] == [3]
    cands = write(tmp_path / "cands.txt", "2\n4\n")
    data["inputs"].append({"kind": "candidates", "id": "cands", "path": str(cands),
                           "sha256": hashlib.sha256(cands.read_bytes()).hexdigest(),
                           "data_date": None})
    plan_path.write_text(json.dumps(data), encoding="utf-8")
    code, text, _ = run_cli(["check", str(plan_path), "--input", str(LINE), "--input",
                             str(tmp_path)], capsys)
    assert code == 1 and "new site at node 3, which is not in the candidates file" in text


def test_cli_list_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "cands.txt", "2\n7\n")
    base = ["plan", "--network", str(LINE), "--flows", str(FLOWS), "--objective", "coverage",
            "--budget", "1", "--range-km", "250", "--out", str(tmp_path / "out")]
    code, _, err = run_cli([*base, "--candidates", str(bad)], capsys)
    assert code == 3
    assert err == f"error: {bad}:row 2: node: unknown node id '7'; known ids: 1, 2, 3, 4, 5\n"
    assert not (tmp_path / "out").exists()
    code, _, err = run_cli(["plan", "I-5", "--existing", str(bad)], capsys)
    assert code == 2 and "apply to a generic --network only" in err


# --- ties between equal shortest paths ----------------------------------------------------------

def diamond(tmp_path: Path) -> Path:
    """SYNTHETIC diamond: 1 -> 4 via 2 or via 3, both 200 km (two equal shortest paths)."""
    folder = tmp_path / "diamond"
    folder.mkdir()
    write(folder / "nodes.csv", "# SYNTHETIC\nid,x,y\n1,0,0\n2,1,1\n3,1,-1\n4,2,0\n")
    write(folder / "edges.csv", "# SYNTHETIC\nu,v,length_m\n1,2,100000\n2,4,100000\n"
                                "1,3,100000\n3,4,100000\n")
    write(folder / "flows.csv", "# SYNTHETIC\norigin,destination,flow\n1,4,10\n")
    return folder


@pytest.mark.parametrize(("rule", "middle"), [("lowest-ids", 2), ("highest-ids", 3)])
def test_path_tie_break_selects_the_path_and_the_site(tmp_path: Path, rule: str, middle: int,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    net = diamond(tmp_path)
    out = tmp_path / "out"
    code, _, _ = run_cli(["plan", "--network", str(net), "--flows", str(net / "flows.csv"),
                          "--objective", "coverage", "--budget", "1", "--range-km", "250",
                          "--path-tie-break", rule, "--quiet", "--out", str(out)], capsys)
    assert code == 0
    plan = load_plan(out / "diamond" / "plan.json")
    assert plan.parameters["path_tie_break"] == rule
    assert [s.node for s in plan.sites] == [middle]
    (flow,) = plan.coverage.flows
    assert flow.covered and flow.nodes == [1, middle, 4, middle, 1]
    code, text, _ = run_cli(["check", str(out / "diamond" / "plan.json"), "--input", str(net)],
                            capsys)
    assert code == 0, text


def test_unknown_path_tie_break_is_a_usage_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    net = diamond(tmp_path)
    code, _, err = run_cli(["plan", "--network", str(net), "--flows", str(net / "flows.csv"),
                            "--objective", "coverage", "--budget", "1", "--range-km", "250",
                            "--path-tie-break", "shortest-first", "--out",
                            str(tmp_path / "out")], capsys)
    assert code == 2 and "unknown path tie-break 'shortest-first'" in err
    assert not (tmp_path / "out").exists()
