"""`check` verifies plans written by `plan --border`: their corridor is not in configs/corridors
(it is OUT/corridors/<id>.yaml, beside the plan's folder) and their network is the continental
graph cut for that corridor. Offline: the continental graph and station data in data/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run

from evcorridor.check import check_file
from evcorridor.errors import InputError


@pytest.fixture(scope="module")
def border_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from evcorridor.cli.border_cmd import plan_border

    out_dir = tmp_path_factory.mktemp("border")
    rows = plan_border("us-ca", out_dir=out_dir, reach_km=120, profile_set="na-2023",
                       vehicles=["ccs1-long-range-car"], scenario="default",
                       cost_model="default", time_limit=None, fmt="json", quiet=True,
                       crossings=["pembina-emerson"])
    assert [r["status"] for r in rows] == ["optimal"]
    return out_dir


def test_check_passes_a_border_plan(border_out: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    plan_path = border_out / "pembina-emerson" / "plan.json"
    plan = json.loads(plan_path.read_text())
    assert plan["parameters"]["network_source"] == "continental"
    refs = {r["kind"]: r for r in plan["inputs"]}
    assert refs["corridor"]["path"].endswith("corridors/pembina-emerson.yaml")
    report = check_file(plan_path)
    assert report.lines() == []
    assert report.checked["routes"] == 2 and report.checked["sites"] == len(plan["sites"]) > 0
    # existing stations of the plan were found in the shipped station data by area
    used = [s for s in plan["sites"] if s["kind"] != "new"]
    assert report.checked["stations"] == len(used)
    capsys.readouterr()
    code, out, _ = run(["check", str(plan_path)], capsys)
    assert code == 0 and "1 passed, 0 failed, 0 unreadable; 0 finding(s)" in out


def test_check_fails_a_mutated_border_plan(border_out: Path, tmp_path: Path) -> None:
    plan_path = border_out / "pembina-emerson" / "plan.json"
    original = plan_path.read_text()
    plan = json.loads(original)
    removed = plan["sites"][0]["id"]
    plan["sites"] = plan["sites"][1:]
    try:
        plan_path.write_text(json.dumps(plan))
        report = check_file(plan_path)
    finally:
        plan_path.write_text(original)
    assert any(f.rule == "route" and removed in f.message for f in report.findings)
    # the corridor file changed since the plan was made: an inputs finding
    corridor = border_out / "corridors" / "pembina-emerson.yaml"
    text = corridor.read_text()
    try:
        corridor.write_text(text + "\n# edited\n")
        report = check_file(plan_path)
    finally:
        corridor.write_text(text)
    assert [(f.rule, f.where) for f in report.findings] == [
        ("inputs", "corridor pembina-emerson")]
    # a copy of the plan folder elsewhere cannot read the corridor file of another folder
    copy = tmp_path / "pembina-emerson"
    copy.mkdir()
    for f in (border_out / "pembina-emerson").iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    with pytest.raises(InputError, match="cannot reload the corridor 'pembina-emerson'"):
        check_file(copy / "plan.json")
