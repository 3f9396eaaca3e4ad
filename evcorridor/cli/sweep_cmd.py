"""`evcorridor sweep SWEEP.yaml --out DIR [--scheduler local|tcp://HOST:PORT]`."""

from __future__ import annotations

from pathlib import Path

import typer

SUMMARY = ("Run the product of the lists in a sweep file (corridors or border, profile sets, "
           "scenarios, vehicles, resilience) as Dask tasks; results in one Parquet table.")


def register(app: typer.Typer) -> None:
    @app.command("sweep", short_help=SUMMARY)
    def sweep(
        sweep_file: Path = typer.Argument(..., metavar="SWEEP.yaml", help="Sweep file."),
        out_dir: Path = typer.Option(Path("sweep-out"), "--out", "-o", metavar="DIR",
                                     help="Output folder."),
        scheduler: str = typer.Option("local", "--scheduler", metavar="local|tcp://HOST:PORT",
                                      help="local (a LocalCluster of worker processes) or an "
                                           "existing Dask scheduler tcp://HOST:PORT."),
        workers: int | None = typer.Option(None, "--workers", min=1, metavar="N",
                                           help="Local cluster size (default: every core)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No table."),
    ) -> None:
        """Run every combination of the sweep file's lists, one `plan` run per Dask task.

        Writes OUT/results.parquet (one row per run: input hashes, status, cost, new / upgrade
        / used sites, worst gap per country, wall time), OUT/runs/<run>/<corridor>/plan.json
        ..., OUT/summary.md and OUT/summary.png. A rerun skips runs already there with the same
        input hashes; a failed run is a row with its error. Exit 0 when every run planned
        (feasible and optimal), 1 otherwise.
        """
        from rich.table import Table

        from evcorridor.atomic import write_bytes, write_text
        from evcorridor.cli.options import progress_bar
        from evcorridor.render.console import out
        from evcorridor.render.sweep_report import summary_md, summary_png
        from evcorridor.sweep import load_sweep, run_sweep

        spec = load_sweep(sweep_file)
        with progress_bar("sweep") as progress:
            rows, skipped = run_sweep(spec, out_dir, scheduler=scheduler, n_workers=workers,
                                      progress=progress)
        write_text(out_dir / "summary.md", summary_md(rows, skipped))
        write_bytes(out_dir / "summary.png", summary_png(rows))
        if not quiet:
            t = Table(title=f"evcorridor sweep: {len(rows)} run(s), {skipped} reused")
            for col in ("run", "status", "cost", "new", "upg", "used", "wall s", "error"):
                t.add_column(col)
            for r in rows:
                t.add_row(r["run_id"], str(r["status"]), "" if r.get("cost") is None
                          else f"{r['cost']:g}", str(r.get("new") or 0),
                          str(r.get("upgrade") or 0), str(r.get("used") or 0),
                          "" if r.get("wall_time_s") is None else f"{r['wall_time_s']:.1f}",
                          str(r.get("error") or ""))
            out.print(t)
            out.print(f"results: {out_dir / 'results.parquet'}", markup=False, highlight=False)
        if not all(r["status"] == "optimal" and r.get("feasible") for r in rows):
            raise typer.Exit(1)
