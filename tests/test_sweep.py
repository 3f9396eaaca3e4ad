"""`evcorridor sweep`: real Dask clusters (a LocalCluster of 2 worker processes; a `dask
scheduler` + `dask worker` started as subprocesses on 127.0.0.1), rows checked against single
`plan` runs, restart, failed runs as rows."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import run

from evcorridor.sweep import expand, load_sweep, run_sweep
from evcorridor.sweep.sweep import read_results

CAR = "ccs1-long-range-car"


def _sweep_file(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "sweep.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _single_plan(cid: str, vehicle: str, scenario: str, out: Path,
                 capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, stdout, err = run(["plan", cid, "--vehicle", vehicle, "--scenario", scenario, "--out",
                             str(out), "--format", "json"], capsys)
    assert code in (0, 1), err
    return dict(json.loads(stdout)["plans"][0])


def test_sweep_spec_defaults_product_and_errors(tmp_path: Path) -> None:
    spec = load_sweep(_sweep_file(tmp_path, "corridors: [i29-red-river, i95-houlton]\n"
                                            "scenarios: [default, winter]\n"))
    runs = expand(spec)
    assert len(runs) == 4
    assert {(r.target, r.scenario, r.vehicles, r.profile_set, r.resilience) for r in runs} == {
        (c, s, "all", "na-2023", "none") for c in ("i29-red-river", "i95-houlton")
        for s in ("default", "winter")}
    assert len({r.run_id for r in runs}) == 4
    from evcorridor.errors import EvCorridorError

    bad = _sweep_file(tmp_path, "corridors: [i29-red-river]\nborder: us-ca\n")
    with pytest.raises(EvCorridorError, match=r"sweep\.yaml:1"):
        load_sweep(bad)
    bad.write_text("corridors: [i29-red-river]\nresilience: [n-2]\n", encoding="utf-8")
    with pytest.raises(EvCorridorError, match=r"sweep\.yaml:2:\d+: resilience"):
        load_sweep(bad)


def test_local_cluster_two_processes_matches_single_plans_and_restarts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = _sweep_file(tmp_path, f"corridors: [i29-red-river, i95-houlton]\n"
                                  f"vehicles: [{CAR}]\nscenarios: [default, nope]\n")
    out = tmp_path / "out"
    rows, skipped = run_sweep(load_sweep(sweep), out, scheduler="local", n_workers=2)
    assert skipped == 0 and len(rows) == 4
    table = read_results(out / "results.parquet")
    assert [r["run_id"] for r in table] == [r["run_id"] for r in rows]
    for r in table:
        if r["scenario"] == "nope":  # a failed run is a row with its error
            assert r["status"] == "error" and "scenario" in r["error"] and r["cost"] is None
            continue
        single = _single_plan(r["target"], CAR, "default", tmp_path / "single", capsys)
        assert r["status"] == single["status"] == "optimal"
        assert r["cost"] == single["cost"]
        sites = single["sites"]
        assert (r["new"], r["upgrade"], r["used"]) == (sites["new"], sites["upgrade"],
                                                       sites["existing"])
        assert len(r["inputs_sha256"]) == 64 and r["wall_time_s"] > 0
        assert r["worst_gap_km_USA"] is not None and r["worst_gap_km_CAN"] is not None
        assert r["worst_gap_km_MEX"] is None
        plan = json.loads((Path(r["plan_dir"]) / "plan.json").read_text())
        mine = json.loads((tmp_path / "single" / r["target"] / "plan.json").read_text())
        assert plan == mine  # the same core function: the same plan file
    # restart: the finished runs are skipped, the failed ones run again
    rows2, skipped2 = run_sweep(load_sweep(sweep), out, scheduler="local", n_workers=1)
    assert skipped2 == 2
    assert [r["wall_time_s"] for r in rows2 if r["status"] != "error"] == [
        r["wall_time_s"] for r in rows if r["status"] != "error"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """`dask scheduler` + one `dask worker` (one process, one thread) on 127.0.0.1."""
    bindir = Path(sys.executable).parent
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ)
    log = (tmp_path / "dask.log").open("w")
    sched = subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1",
                              "--port", str(port), "--no-dashboard", "--no-show"],
                             stdout=log, stderr=subprocess.STDOUT, env=env,
                             start_new_session=True)
    worker = subprocess.Popen([str(bindir / "dask"), "worker", address, "--nworkers", "1",
                               "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                              stdout=log, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5) as c:
                    if c.scheduler_info()["workers"]:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("dask scheduler/worker did not start within 60 s: "
                            + (tmp_path / "dask.log").read_text()[-2000:])
            time.sleep(0.5)
        yield address
    finally:
        for p in (worker, sched):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in (worker, sched):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
        log.close()


def test_existing_scheduler_and_worker_subprocesses(
        dask_cluster: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = _sweep_file(tmp_path, f"corridors: [i29-red-river]\nvehicles: [{CAR}]\n")
    out = tmp_path / "out"
    code, _, err = run(["sweep", str(sweep), "--out", str(out), "--scheduler", dask_cluster,
                        "-q"], capsys)
    assert code == 0, err
    (row,) = read_results(out / "results.parquet")
    single = _single_plan("i29-red-river", CAR, "default", tmp_path / "single", capsys)
    assert (row["status"], row["cost"], row["new"]) == (single["status"], single["cost"],
                                                        single["sites"]["new"])
    assert (out / "summary.md").is_file() and (out / "summary.png").is_file()
    assert "| i29-red-river-" in (out / "summary.md").read_text()
