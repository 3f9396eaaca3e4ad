"""`evcorridor map` and `evcorridor report`: pictures and Markdown reports from plan files."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from evcorridor.errors import EvCorridorError, UsageError

_FORMATS = ("table", "json", "csv")


def _load(plans: list[Path]) -> list[tuple[Path, object]]:
    from evcorridor.plan_model import load_plan

    return [(p, load_plan(p)) for p in plans]


class _RenderJob:
    """Render one (plan path, plan) item with `request` (sent to worker processes)."""

    def __init__(self, request: object) -> None:
        self.request = request

    def __call__(self, item: tuple[Path, object]) -> object:
        from evcorridor.render.maps import render_plan

        path, plan = item
        return render_plan(plan, self.request, plan_path=path)  # type: ignore[arg-type]


def _render(items: list[tuple[Path, object]], request: object) -> list:
    """Every plan's pictures, in order; several plans are drawn in parallel processes (one per
    CPU core; drawing is deterministic, so the bytes do not depend on it or on the order)."""
    from evcorridor.cli.options import in_processes, processes_for, step_progress
    from evcorridor.render.maps import MapRequest

    assert isinstance(request, MapRequest)
    processes = processes_for(len(items), None)
    if processes > 1:  # imported once here, shared by the forked workers
        _import_for_workers(request)
    # the largest plans first (plan file size: routes, sites, gaps), so that no core is left
    # drawing one last big plan alone; the results go back into plan order
    order = sorted(range(len(items)), key=lambda i: (-_size(items[i][0]), i))
    results: list = [None] * len(items)
    reported = 0  # progress in plan order, as each plan and those before it are done
    with step_progress("rendering", len(items), show=len(items) > 1, after=True) as step:
        for i, got in zip(order, in_processes(_RenderJob(request), [items[i] for i in order],
                                              processes), strict=True):
            results[i] = got
            while reported < len(items) and results[reported] is not None:
                step(items[reported][1].corridor)  # type: ignore[attr-defined]
                reported += 1
    return results


def _import_for_workers(request: object) -> None:
    """What every worker needs, imported (and the map boundaries read) once, before forking;
    with the garbage collector paused (cli/gcpolicy.py)."""
    from evcorridor.cli.gcpolicy import paused
    from evcorridor.render.maps import MapRequest

    assert isinstance(request, MapRequest)
    with paused():
        from evcorridor.render import maps as _maps  # noqa: F401
        from evcorridor.render import static_map as _static  # noqa: F401
        from evcorridor.render import strip as _strip  # noqa: F401

        if request.sizing:
            from evcorridor.render import sizing_report as _sizing  # noqa: F401
        if any(name.endswith(".html") for name in request.files()):
            from evcorridor.render import html_map as _html  # noqa: F401
        if any(name.startswith("map.") for name in request.files()):
            import contextlib

            from evcorridor.render.geodata import load_border_geometries, load_country_shapes

            with contextlib.suppress(EvCorridorError):  # built once (cached); a worker says why
                load_country_shapes()
                load_border_geometries()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def map_cmd(
    plans: list[Path] = typer.Argument(..., metavar="PLAN.json...", show_default=False,
                                       help="plan.json file(s) written by `evcorridor plan`."),
    png: bool = typer.Option(False, "--png", help="Static map as PNG (map.png)."),
    svg: bool = typer.Option(False, "--svg", help="Static map as SVG (map.svg)."),
    html: bool = typer.Option(
        False, "--html", help="Interactive map that opens offline (map.html)."
    ),
    strip: bool = typer.Option(
        False,
        "--strip",
        help="Strip chart of the gaps (strip.png/strip.svg; "
        "only the formats chosen with --png/--svg when given).",
    ),
    out: Path | None = typer.Option(
        None, "--out", metavar="DIR",
        help="Write into OUT/<corridor>/ (default: beside each plan file)."
    ),
    check: Path | None = typer.Option(
        None,
        "--check",
        metavar="DIR",
        help="Write nothing; exit 1 and list the files under DIR/<corridor>/ that would change.",
    ),
    basemap: str = typer.Option("none", "--basemap", metavar="none|osm",
                                 help="map.html background: none (offline, the default) or osm "
                                 "(OpenStreetMap tiles with attribution; needs a network)."),
    fmt: str = typer.Option("table", "--format", "-f", metavar="table|json|csv",
                            help="Output: table, json or csv (one file per row)."),
) -> None:
    """Draw the maps of plan files: static PNG/SVG map, interactive HTML map, strip chart.

    Without a format flag every picture is drawn. Same plan, same bytes: CI runs --check.
    """
    from evcorridor.render.console import print_json, to_csv
    from evcorridor.render.maps import MapRequest, stale_files, write_rendered

    if fmt not in _FORMATS:
        raise UsageError(f"unknown --format {fmt!r}; use table, json or csv")
    if out is not None and check is not None:
        raise UsageError("--out and --check do not go together: --check writes nothing")
    if basemap not in ("none", "osm"):
        raise UsageError(f"unknown --basemap {basemap!r}; use none or osm")
    request = MapRequest(png=png, svg=svg, html=html, strip=strip, basemap=basemap)
    results = _render(_load(plans), request)
    for r in results:
        for note in r.notes:
            sys.stderr.write(f"note: {note}\n")
    if check is not None:
        stale = stale_files(results, check)
        total = sum(len(r.files) for r in results)
        if fmt == "json":
            print_json(
                {"checked": total, "stale": [str(p) for p in stale], "up_to_date": not stale}
            )
        elif fmt == "csv":
            sys.stdout.write(to_csv(["would_change"], ([str(p)] for p in stale)))
        else:
            for p in stale:
                sys.stdout.write(f"would change: {p}\n")
        if stale:
            raise EvCorridorError(
                f"{len(stale)} of {total} map file(s) under {check} would change; "
                f"regenerate them with `evcorridor map ... --out {check}`"
            )
        if fmt == "table":
            sys.stdout.write(f"{total} map file(s) under {check} are up to date\n")
        return
    written = write_rendered(results, out)
    if fmt == "json":
        print_json({"written": [str(p) for p in written]})
    elif fmt == "csv":
        sys.stdout.write(to_csv(["written"], ([str(p)] for p in written)))
    else:
        for p in written:
            sys.stdout.write(f"wrote {p}\n")


def report_cmd(
    plans: list[Path] = typer.Argument(..., metavar="PLAN.json...", show_default=False,
                                       help="plan.json file(s) written by `evcorridor plan`."),
    out: Path = typer.Option(
        ..., "--out", metavar="DIR",
        help="Folder for index.md and <corridor>/report.md with its pictures."
    ),
    fmt: str = typer.Option("table", "--format", "-f", metavar="table|json|csv",
                            help="Output: table, json or csv (one file per row)."),
) -> None:
    """Write a Markdown report per corridor and an index of all corridors.

    Each report (OUT/<corridor>/report.md) has the summary, the map, strip chart and interactive
    map, the solver status and the data sources and dates; OUT/index.md links them all.
    """
    from evcorridor.render.console import print_json, to_csv
    from evcorridor.render.maps import MapRequest
    from evcorridor.render.report import write_reports

    if fmt not in _FORMATS:
        raise UsageError(f"unknown --format {fmt!r}; use table, json or csv")
    items = _load(plans)
    seen: dict[str, Path] = {}
    for path, plan in items:
        corridor = plan.corridor  # type: ignore[attr-defined]
        if corridor in seen:
            raise UsageError(
                f"{path}: corridor {corridor!r} already comes from {seen[corridor]}; "
                "one plan per corridor in a report"
            )
        seen[corridor] = path
    results = _render(items, MapRequest(png=True, html=True, strip=True, sizing=True))
    written = write_reports(results, out)
    if fmt == "json":
        print_json({"written": [str(p) for p in written]})
    elif fmt == "csv":
        sys.stdout.write(to_csv(["written"], ([str(p)] for p in written)))
    else:
        sys.stdout.write(f"wrote {len(written)} files; index: {Path(out) / 'index.md'}\n")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("map", help=_MAP_HELP)(map_cmd)
    app.command("report", help=_REPORT_HELP)(report_cmd)


_MAP_HELP = (
    "Draw the maps of plan files: static PNG/SVG map, interactive HTML map (opens offline), "
    "strip chart of the gaps.\n\n"
    "Without a format flag every picture is drawn. The same plan always gives the same bytes, so "
    "CI can run `evcorridor map PLAN... --check docs/maps` to fail on a stale committed map."
)
_REPORT_HELP = (
    "Write a Markdown report per corridor and an index of all corridors.\n\n"
    "Each report (OUT/<corridor>/report.md) has the summary, the map, the strip chart, a link to "
    "the interactive map, the solver status and the data sources and dates; OUT/index.md links "
    "them all."
)
