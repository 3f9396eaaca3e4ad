"""`evcorridor plan --border us-ca|us-mx|all`: every road port with traffic, one plan each.

Thin: the core run per port is `evcorridor.border.plan_port` (the same core as `plan`); ports run
one after the other, or as Dask tasks with `--dask-workers N` (`evcorridor.sweep.runner`). Writes
into OUT: per port `<id>/plan.json` ... and `corridors/<id>.yaml`; `border-summary.json` and
`border-summary.csv` (per crossing and vehicle: passable today, passable with the plan, cost),
`border-summary.md`, `border-map.png`, `border-map.html`, and `border-log.json` (wall times, the
only file that differs between two runs).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from evcorridor.atomic import write_bytes, write_text
from evcorridor.border import border_crossings, check_border, plan_port
from evcorridor.render.console import err, out, print_json, to_csv
from evcorridor.render.templating import md_escape


def plan_border(border: str, *, out_dir: Path, reach_km: float, profile_set: str,
                vehicles: list[str], scenario: str, cost_model: str, time_limit: float | None,
                fmt: str, quiet: bool, crossings: list[str] | None = None,
                dask_workers: int = 0) -> list[dict[str, Any]]:
    """Plan every port of `border` (or only `crossings`), write the border outputs, print."""
    from evcorridor.siting.build import BuildOptions
    from evcorridor.siting.plan import SolveOptions

    check_border(border)
    ports = [c.id for c in border_crossings(border)
             if crossings is None or c.id in crossings]
    opts = BuildOptions(profile_set=profile_set, vehicles=vehicles or None, scenario=scenario,
                        cost_model=cost_model)
    solve = SolveOptions(time_limit_s=time_limit)
    kwargs: dict[str, Any] = {"out_dir": out_dir, "reach_km": reach_km, "options": opts,
                              "solve": solve}
    if dask_workers > 0:
        from evcorridor.sweep.runner import map_tasks

        rows = map_tasks(plan_port, [((cid,), kwargs) for cid in ports],
                         scheduler="local", n_workers=dask_workers)
    else:
        rows = []
        for i, cid in enumerate(ports, start=1):
            if not quiet:
                err.print(f"[{i}/{len(ports)}] {cid}", markup=False, highlight=False)
            rows.append(plan_port(cid, **kwargs))
    rows.sort(key=lambda r: (r["border"], r["crossing"]))
    write_border_outputs(rows, border, out_dir)
    if fmt == "json":
        print_json({"ports": [_public(r) for r in rows]})
    elif fmt == "csv":  # the rows of border-summary.csv
        sys.stdout.write(summary_csv(rows))
    elif not quiet:
        _print(rows)
    bad = [r for r in rows if r["sites"] is not None and
           not (r["feasible"] and r["status"] == "optimal")]
    if bad:
        raise typer.Exit(1)
    return rows


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("wall_time_s", "out")}


def summary_csv(rows: list[dict[str, Any]]) -> str:
    header = ["crossing", "border", "corridor", "status", "vehicle", "passable_today",
              "passable_with_plan", "worst_gap_ratio", "new", "upgrade", "existing", "cost",
              "reason"]
    lines: list[list[Any]] = []
    for r in rows:
        sites = r["sites"] or {}
        base = [r["crossing"], r["border"], r["corridor"] or "", r["status"]]
        tail = [sites.get("new", ""), sites.get("upgrade", ""), sites.get("existing", ""),
                "" if r["cost"] is None else f"{r['cost']:g}", r["reason"]]
        if not r["vehicles"]:
            lines.append([*base, "", "", "", "", *tail])
        for vid, v in sorted(r["vehicles"].items()):
            lines.append([*base, vid, v["passable_today"], v["passable_with_plan"],
                          v["worst_gap_ratio"], *tail])
    return to_csv(header, lines)


def summary_md(rows: list[dict[str, Any]], border: str) -> str:
    """The Markdown summary table (data-derived text escaped)."""
    vehicles = sorted({v for r in rows for v in r["vehicles"]})
    planned = [r for r in rows if r["corridor"] and r["sites"] is not None]
    lines = [f"# Border-wide plan: {border}", "",
             f"{len(rows)} road port(s) with traffic; {len(planned)} planned, "
             f"{len(rows) - len(planned)} with too little road data (listed below).", "",
             "Per port and vehicle: passable today with the existing stations as they are / "
             "passable with the plan. Cost in cost-model units.", "",
             "| crossing | border | status | new | upgrade | cost | "
             + " | ".join(md_escape(v) for v in vehicles) + " |",
             "|---|---|---|---|---|---|" + "---|" * len(vehicles)]
    for r in planned:
        cells = []
        for v in vehicles:
            x = r["vehicles"].get(v)
            cells.append("–" if x is None else
                         f"{'yes' if x['passable_today'] else 'no'} / "
                         f"{'yes' if x['passable_with_plan'] else 'no'}")
        lines.append(f"| {md_escape(r['name'])} | {r['border']} | {md_escape(r['status'])} | "
                     f"{r['sites']['new']} | {r['sites']['upgrade']} | {r['cost']:g} | "
                     + " | ".join(cells) + " |")
    missing = [r for r in rows if r not in planned]
    if missing:
        lines += ["", "## Ports with too little road data", "",
                  "| crossing | border | reason |", "|---|---|---|"]
        for r in missing:
            lines.append(f"| {md_escape(r['name'])} | {r['border']} | {md_escape(r['reason'])} |")
    total = sum(r["cost"] for r in planned)
    lines += ["", f"Total cost: {total:g} (cost-model units).", ""]
    return "\n".join(lines)


def write_border_outputs(rows: list[dict[str, Any]], border: str, out_dir: Path) -> None:
    from evcorridor.network.continental import load_continental
    from evcorridor.plan_model import Plan
    from evcorridor.render.border_map import border_html, border_png

    cont = load_continental()

    def coords(n: int) -> tuple[float, float] | None:
        i = cont.index_of(int(n))
        return None if i is None else (float(cont.lat[i]), float(cont.lon[i]))

    plans: dict[str, Any] = {}
    for r in rows:
        if r.get("out") and (Path(r["out"]) / "plan.json").is_file():
            plans[r["crossing"]] = Plan.model_validate_json(
                (Path(r["out"]) / "plan.json").read_text(encoding="utf-8"))
    title = f"evcorridor: border-wide plan ({border}), {len(rows)} road ports"
    public = [_public(r) for r in rows]
    write_text(out_dir / "border-summary.json",
               json.dumps({"border": border, "ports": public}, indent=2, sort_keys=True) + "\n")
    write_text(out_dir / "border-summary.csv", summary_csv(rows))
    write_text(out_dir / "border-summary.md", summary_md(rows, border))
    write_bytes(out_dir / "border-map.png", border_png(rows, plans, coords, title))
    write_bytes(out_dir / "border-map.html", border_html(rows, plans, coords, title))
    write_text(out_dir / "border-log.json", json.dumps(
        {r["crossing"]: r.get("wall_time_s") for r in rows}, indent=2, sort_keys=True) + "\n")


def _print(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    t = Table(title="evcorridor plan --border: per port (passable today / with the plan)")
    for col in ("crossing", "status", "new", "upg", "cost", "vehicles today", "with plan"):
        t.add_column(col)
    for r in rows:
        vs = r["vehicles"]
        today = sum(1 for v in vs.values() if v["passable_today"])
        plan = sum(1 for v in vs.values() if v["passable_with_plan"])
        t.add_row(r["crossing"], r["status"], str((r["sites"] or {}).get("new", "")),
                  str((r["sites"] or {}).get("upgrade", "")),
                  "" if r["cost"] is None else f"{r['cost']:g}",
                  f"{today}/{len(vs)}" if vs else "-", f"{plan}/{len(vs)}" if vs else "-")
    out.print(t)
    for r in rows:
        if r["reason"]:
            out.print(f"{r['crossing']}: {r['reason']}", markup=False, highlight=False,
                      soft_wrap=True)
