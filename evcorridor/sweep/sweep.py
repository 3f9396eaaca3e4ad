"""Run a sweep: skip runs already done with the same input hashes, run the rest as Dask tasks,
keep one Parquet table of results (rewritten atomically after every finished run, so a sweep
stopped half-way restarts where it was)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evcorridor.errors import InputError, OutputError
from evcorridor.sweep.run import COUNTRIES, RunSpec, input_hashes, run_one
from evcorridor.sweep.spec import SweepSpec, expand

RESULTS_FILE = "results.parquet"


def schema() -> Any:
    import pyarrow as pa

    fields = [
        ("run_id", pa.string()), ("target", pa.string()), ("profile_set", pa.string()),
        ("scenario", pa.string()), ("vehicles", pa.string()), ("resilience", pa.string()),
        ("reach_km", pa.float64()), ("inputs_sha256", pa.string()),
        ("configs_sha256", pa.string()), ("corridor_sha256", pa.string()),
        ("network_sha256", pa.string()), ("stations_sha256", pa.string()),
        ("status", pa.string()), ("feasible", pa.bool_()), ("cost", pa.float64()),
        ("new", pa.int64()), ("upgrade", pa.int64()), ("used", pa.int64()),
        *[(f"worst_gap_km_{c}", pa.float64()) for c in (*COUNTRIES, "border")],
        *[(f"worst_gap_ratio_{c}", pa.float64()) for c in (*COUNTRIES, "border")],
        ("wall_time_s", pa.float64()), ("plan_dir", pa.string()), ("error", pa.string()),
    ]
    return pa.schema(fields)


def read_results(path: Path) -> list[dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.is_file():
        return []
    try:
        return list(pq.read_table(path).to_pylist())
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: unreadable sweep results ({exc}); move it away to start "
                         "the sweep afresh") from exc


def write_results(path: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sch = schema()
    table = pa.Table.from_pylist([{k: r.get(k) for k in sch.names} for r in rows], schema=sch)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the results: {exc.strerror}") from exc


def _error_row(run: RunSpec, hashes: dict[str, str], exc: BaseException) -> dict[str, Any]:
    return {**asdict(run), **hashes, "status": "error", "error":
            f"task failed: {type(exc).__name__}: {exc}", "wall_time_s": None}


def run_sweep(spec: SweepSpec, out_dir: Path, *, scheduler: str = "local",
              n_workers: int | None = None,
              progress: Callable[[str, float], None] | None = None
              ) -> tuple[list[dict[str, Any]], int]:
    """(one row per run in run order, how many runs were skipped as already done)."""
    from evcorridor.sweep.runner import map_tasks

    out_dir = Path(out_dir)
    runs = expand(spec)
    hashes = {r.run_id: input_hashes(r) for r in runs}
    path = out_dir / RESULTS_FILE
    done = {row["run_id"]: row for row in read_results(path)}
    keep: dict[str, dict[str, Any]] = {}
    todo: list[RunSpec] = []
    for r in runs:
        old = done.get(r.run_id)
        if old and old.get("inputs_sha256") == hashes[r.run_id]["inputs_sha256"] and (
                old.get("status") != "error"):
            keep[r.run_id] = old
        else:
            todo.append(r)
    skipped = len(keep)
    order = [r.run_id for r in runs]

    def save(i: int, row: dict[str, Any]) -> None:
        keep[row["run_id"]] = row
        write_results(path, [keep[k] for k in order if k in keep])
        if progress:
            progress(f"{len(keep) - skipped}/{len(todo)} runs done", (len(keep) - skipped)
                     / max(1, len(todo)))

    map_tasks(run_one, [((r, str(out_dir), None, hashes[r.run_id]), {}) for r in todo],
              scheduler=scheduler, n_workers=n_workers,
              on_error=lambda i, exc: _error_row(todo[i], hashes[todo[i].run_id], exc),
              on_result=save)
    rows = [keep[k] for k in order if k in keep]
    write_results(path, rows)
    return rows, skipped


__all__ = ["RESULTS_FILE", "read_results", "run_sweep", "schema", "write_results"]
