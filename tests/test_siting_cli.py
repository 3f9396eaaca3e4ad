"""`evcorridor plan` command line: exit codes, one-line errors, outputs (embedded data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run


def test_unknown_corridor_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["plan", "i5-cascadai"], capsys)
    assert code == 2
    assert err.strip() == ("error: unknown corridor 'i5-cascadai'; did you mean 'i5-cascadia' or "
                           "'i87-champlain'?")


def test_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _o, err = run(["plan", "--out", str(tmp_path)], capsys)
    assert code == 2 and "give one or more corridor ids, or --all" in err
    code, _o, err = run(["plan", "i91-stanstead", "--budget", "3", "--out", str(tmp_path)],
                        capsys)
    assert (code, err.strip()) == (2, "error: --budget applies to --objective coverage only")
    code, _o, err = run(["plan", "i91-stanstead", "--objective", "coverage", "--budget", "2",
                         "--out", str(tmp_path)], capsys)
    assert code == 2 and "give --vehicle ID once" in err
    code, _o, err = run(["plan", "i91-stanstead", "--scenario", "wintr"], capsys)
    assert (code, err.strip()) == (2, "error: unknown scenario 'wintr'; did you mean 'winter'?")
    assert not any(tmp_path.iterdir())


def test_plan_json_summary_and_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _err = run(["plan", "i91-stanstead", "--vehicle", "nacs-car", "--format", "json",
                           "--out", str(tmp_path)], capsys)
    assert code == 0
    data = json.loads(out)
    row = data["plans"][0]
    assert (row["corridor"], row["status"], row["feasible"]) == ("i91-stanstead", "optimal", True)
    folder = tmp_path / "i91-stanstead"
    assert sorted(p.name for p in folder.iterdir()) == [
        "crossings.geojson", "gaps.geojson", "plan.json", "routes.geojson", "sites.csv",
        "sites.geojson", "solve-log.json"]
    plan = json.loads((folder / "plan.json").read_text())
    assert plan["parameters"]["vehicles"] == ["nacs-car"]
    assert {r["direction"] for r in plan["routes"]} == {"forward", "reverse"}
    assert data["summary"]["optimal"] == 1


def test_generic_network_coverage(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                  fixtures: Path) -> None:
    """The SYNTHETIC line network of tests/fixtures/generic (coverage engineer's fixture)."""
    line = fixtures / "generic" / "line"
    code, out, _err = run(["plan", "--network", str(line), "--flows", str(line / "flows.csv"),
                           "--objective", "coverage", "--budget", "2", "--range-km", "100",
                           "--trip", "one-way", "--format", "json", "--out", str(tmp_path)],
                          capsys)
    assert code == 0
    row = json.loads(out)["plans"][0]
    assert (row["covered_flow"], row["total_flow"], row["sites"]["new"]) == (50.0, 150.0, 2)
    code, _o, err = run(["plan", "--network", str(line), "--out", str(tmp_path)], capsys)
    assert (code, err.strip()) == (2, "error: --network and --flows go together (a generic "
                                      "network and its O-D flows)")


def test_short_time_limit_is_accepted_and_never_reported_optimal_with_exit_0(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A 10 ms limit on a big corridor is a valid request; whatever CP-SAT manages, the exit code
    and the status agree (exit 0 only for a proven optimum) and an unproven plan has no zero gap."""
    code, out, err = run(["plan", "i87-champlain", "--profile-set", "na-2022-nevi",
                          "--time-limit", "0.01", "--format", "json", "--out", str(tmp_path)],
                         capsys)
    assert code in (0, 1), err
    row = json.loads(out)["plans"][0]
    plan = json.loads((tmp_path / "i87-champlain" / "plan.json").read_text())
    assert plan["parameters"]["time_limit_s"] == 0.01
    assert plan["solver"]["parameters"]["max_time_in_seconds"] == 0.01
    assert (code == 0) == (row["status"] == "optimal" and row["feasible"])
    if plan["solver"]["status"] == "time_limit":
        assert plan["solver"]["objective"] is None and not plan["feasible"]
        assert "raise --time-limit" in plan["infeasibilities"][0]["fix"]
    elif plan["solver"]["status"] == "feasible":
        assert plan["solver"]["gap"] is not None and plan["solver"]["best_bound"] is not None


def test_solver_failure_is_printed_as_its_fix_not_as_a_stretch(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from evcorridor.cli.plan_cmd import _print_table, summarize
    from evcorridor.plan_model import Infeasibility, load_plan

    code, _out, _err = run(["plan", "i91-stanstead", "--vehicle", "nacs-car", "--out",
                            str(tmp_path), "--quiet"], capsys)
    assert code == 0
    plan = load_plan(tmp_path / "i91-stanstead" / "plan.json")
    r = plan.routes[0]
    plan.infeasibilities = [Infeasibility(
        route=r.id, direction=r.direction, rule="solver", from_label="a", from_pos_m=0.0,
        from_country="USA", to_label="b", to_pos_m=r.length_m, to_country="CAN",
        length_m=r.length_m, limit_m=0.0,
        fix="no plan found within the time limit; raise --time-limit (solver status time_limit)")]
    _print_table([summarize(plan)], [plan])
    err = capsys.readouterr().err
    assert err.strip() == ("i91-stanstead: no plan found within the time limit; raise "
                           "--time-limit (solver status time_limit)")


def test_plan_reports_existing_stations_and_greenfield_sides(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # i8-calexico: the embedded snapshot has US stations only (no Mexican DC fast data near
    # Mexicali), so the MEX side is greenfield; every station on file is accounted for
    import csv

    repo = Path(__file__).resolve().parents[1]
    with (repo / "data" / "stations" / "i8-calexico.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["country"] for r in rows} == {"USA"}
    code, out, _err = run(["plan", "i8-calexico", "--out", str(tmp_path)], capsys)
    assert code == 0
    plan = json.loads((tmp_path / "i8-calexico" / "plan.json").read_text(encoding="utf-8"))
    ex = plan["existing"]
    assert ex["qualified"] + ex["upgraded"] + ex["unused"] == len(rows)
    line = next(x for x in out.splitlines() if x.startswith("i8-calexico: existing stations"))
    assert line.startswith(f"i8-calexico: existing stations {len(rows)}: {ex['qualified']} "
                           f"qualified, {ex['upgraded']} upgraded, {ex['unused']} could not "
                           "serve a vehicle; why: ")
    for reason, n in ex["reasons"].items():
        assert f"{reason} ({n})" in line
    assert line.endswith("; MEX: no station data, plans there are greenfield")
    code, out, _err = run(["plan", "i8-calexico", "--out", str(tmp_path), "--format", "json"],
                          capsys)
    summary = json.loads(out)["plans"][0]["existing_stations"]
    assert summary == {"stations": len(rows), "qualified": ex["qualified"],
                       "upgraded": ex["upgraded"], "could_not_serve": ex["unused"],
                       "reasons": ex["reasons"], "greenfield": ["MEX"], "tesla_only": []}


def test_plan_summary_says_the_mexican_side_has_only_tesla_station_data(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # i19-nogales: the only Mexican station on file is a Tesla Supercharger (supercharge.info)
    code, out, _err = run(["plan", "i19-nogales", "--out", str(tmp_path)], capsys)
    assert code == 0
    plan = json.loads((tmp_path / "i19-nogales" / "plan.json").read_text(encoding="utf-8"))
    mex = next(d for d in plan["station_data"] if d["country"] == "MEX")
    assert (mex["stations"], mex["sources"]) == (1, {"supercharge": 1})
    line = next(x for x in out.splitlines() if x.startswith("i19-nogales: existing stations"))
    assert line.endswith("; MEX: the project has no non-Tesla station data there (only Tesla "
                         "Superchargers), so the plan may build where other stations already "
                         "exist")
    assert "USA: the project has no non-Tesla" not in line


def test_unwritable_out_is_a_one_line_error_exit_5(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    code, out, err = run(["plan", "i91-stanstead", "--vehicle", "nacs-car", "--out",
                          str(blocker)], capsys)
    assert (code, out) == (5, "")
    assert err == (f"error: {blocker}: cannot create output folder: a file of that name "
                   "exists\n")
    assert blocker.read_text() == "not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_max_offset_km_leaves_farther_stations_out(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    code, _o, _e = run(["plan", "i8-calexico", "--out", str(tmp_path / "d"), "--quiet"], capsys)
    assert code == 0
    code, _o, _e = run(["plan", "i8-calexico", "--out", str(tmp_path / "n"), "--quiet",
                        "--max-offset-km", "0.5"], capsys)
    assert code == 0
    d, n = (json.loads((tmp_path / k / "i8-calexico" / "plan.json").read_text(encoding="utf-8"))
            for k in ("d", "n"))
    assert (d["parameters"]["max_offset_m"], n["parameters"]["max_offset_m"]) == (5000.0, 500.0)
    assert any("over the 5.0 km limit" in r for r in d["existing"]["reasons"])
    assert any("over the 0.5 km limit" in r for r in n["existing"]["reasons"])
    assert not any("within 5 km" in r or " 5.0 km limit" in r for r in n["existing"]["reasons"])
    # the same 95 stations, fewer of them close enough to use
    total = {k: p["existing"]["qualified"] + p["existing"]["upgraded"] + p["existing"]["unused"]
             for k, p in (("d", d), ("n", n))}
    assert total == {"d": 95, "n": 95}
    assert n["existing"]["unused"] > d["existing"]["unused"]


def test_plan_says_where_trucks_cross(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # i5-cascadia: Peace Arch takes no commercial trucks, so the heavy truck is planned through
    # the Pacific Highway crossing, and the summary says so in plain words
    code, out, _err = run(["plan", "i5-cascadia", "--out", str(tmp_path)], capsys)
    assert code == 0
    assert "i5-cascadia: trucks via pacific-highway" in out.splitlines()
    # the existing-stations column counts the stations the plan uses, of those it lists
    plan = json.loads((tmp_path / "i5-cascadia" / "plan.json").read_text(encoding="utf-8"))
    listed = [s for s in plan["sites"] if s["kind"] == "existing"]
    used = [s for s in listed if s["used_by"]]
    assert 0 < len(used) < len(listed)
    line = next(x for x in out.splitlines() if x.startswith("i5-cascadia "))
    assert f"used {len(used)} of {len(listed)}" in line
