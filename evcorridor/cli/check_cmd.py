"""`evcorridor check` command(s)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def expand(paths: list[Path]) -> list[Path]:
    """Folders stand for the plan and sizing files in them (`DIR/plan.json`, `DIR/*/plan.json`,
    and `sizing.json` beside each)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = ([p / "plan.json"] if (p / "plan.json").is_file() else []) + sorted(
                q for q in p.glob("*/plan.json")  # not a writer's hidden staging folder
                if not q.parent.name.startswith("."))
            sizings = [f.parent / "sizing.json" for f in found
                       if (f.parent / "sizing.json").is_file()]
            out.extend(found or [p / "plan.json"])  # none: reported as a missing plan file
            out.extend(sizings)
        else:
            out.append(p)
    return out


class _CheckJob:
    """Check one plan or sizing file (sent to worker processes: every file is checked on its own,
    one process per CPU core): ("report", CheckReport) or ("unreadable", message)."""

    def __init__(self, inputs: list[Path]) -> None:
        self.inputs = inputs

    def __call__(self, path: Path) -> tuple[str, object]:
        from evcorridor.check import check_file
        from evcorridor.check.sizing import check_sizing_file, is_sizing
        from evcorridor.errors import InputError

        try:
            return ("report", check_sizing_file(path, inputs=self.inputs) if is_sizing(path)
                    else check_file(path, inputs=self.inputs))
        except InputError as exc:
            return ("unreadable", str(exc))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command("check", help=(
        "Verify plan files independently: reload the corridor graph, profiles, vehicles and "
        "scenario, and recompute every route, gap, spacing, resilience and coverage rule from "
        "the plan alone.\n\n"
        "A sizing.json (from `evcorridor size`; a folder includes those beside its plans) is "
        "verified too: every queue figure recomputed from the recorded arrival rates, "
        "service times and ports, power sums, totals and budget.\n\n"
        "Exit 0 when every rule holds, 1 when a finding is reported (one line each), 3 when a "
        "plan file is unreadable or of an unknown schema version, or an input it names "
        "(corridor graph, profile, vehicle, scenario) cannot be reloaded."))
    def check(
        plans: list[Path] = typer.Argument(
            ..., metavar="PLAN.json...", show_default=False,
            help="Plan file(s) written by `evcorridor plan`; a folder stands for every "
                 "<folder>/*/plan.json in it (e.g. `out/`)."),
        fmt: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f",
                                        help="table: one line per finding and a summary; "
                                             "json; csv: one row per finding (a plan without "
                                             "one: one row, ok true)."),
        inputs: list[Path] = typer.Option(
            None, "--input", metavar="PATH",
            help="An input file or folder outside data/ and configs/ that the plans name (a "
                 "generic network, flows, a station file); repeat. check reads no other file."),
    ) -> None:
        """`evcorridor check PLAN.json... [--format table|json]` (help text above)."""
        from evcorridor.check import CheckReport
        from evcorridor.check.sizing import is_sizing
        from evcorridor.cli.options import in_processes, processes_for, step_progress
        from evcorridor.errors import InputError
        from evcorridor.render.console import err, out, print_csv, print_json

        plans = expand(plans)
        reports: list[CheckReport] = []
        unreadable: list[tuple[str, str]] = []
        processes = processes_for(len(plans), None)
        if processes > 1:  # imported once here, shared by the forked workers
            import evcorridor.network
            import evcorridor.stations  # noqa: F401
        job = _CheckJob(list(inputs or []))
        with step_progress("checking", len(plans), show=len(plans) > 1, after=True) as step:
            for path, (kind, got) in zip(plans, in_processes(job, plans, processes),
                                         strict=True):
                step(str(path))
                if kind == "unreadable":
                    assert isinstance(got, str)
                    unreadable.append((str(path), got))
                else:
                    assert isinstance(got, CheckReport)
                    reports.append(got)

        n_findings = sum(len(r.findings) for r in reports)
        failed = sum(1 for r in reports if not r.ok)
        if fmt is CheckFormat.json:
            print_json({
                "plans": [r.to_dict() for r in reports],
                "unreadable": [{"plan": p, "error": m} for p, m in unreadable],
                "summary": {"plans": len(plans), "passed": len(reports) - failed,
                            "failed": failed, "unreadable": len(unreadable),
                            "findings": n_findings},
            })
        elif fmt is CheckFormat.csv:
            rows: list[dict[str, object]] = [
                {"plan": p, "corridor": "", "ok": False, "rule": "unreadable", "where": "",
                 "message": m} for p, m in unreadable]
            for r in reports:
                rows += [{"plan": r.plan, "corridor": r.corridor, "ok": False, **f.to_dict()}
                         for f in r.findings] or [
                    {"plan": r.plan, "corridor": r.corridor, "ok": True, "rule": "", "where": "",
                     "message": ""}]
            print_csv(rows)
        else:
            for _p, m in unreadable:
                err.print(f"error: {m}", markup=False, highlight=False, soft_wrap=True)
            for r in reports:
                for line in r.lines():
                    out.print(line, markup=False, highlight=False, soft_wrap=True)
            for r in reports:
                c = r.checked
                if "site_years" in c:  # a sizing file
                    out.print(f"{r.plan}: {'ok' if r.ok else 'FAILED'}: {c['sites']} sites, "
                              f"{c['site_years']} site-years, {c['pools']} queues, "
                              f"{c['totals']} totals checked", markup=False, highlight=False,
                              soft_wrap=True)
                    continue
                status = "ok" if r.ok else f"FAILED ({len(r.findings)} finding"\
                    f"{'s' if len(r.findings) != 1 else ''})"
                out.print(f"{r.plan}: {status}: {c.get('routes', 0)} routes, "
                          f"{c.get('sites', 0)} sites, {c.get('gaps', 0)} vehicle gaps, "
                          f"{c.get('spacing_gaps', 0)} spacing gaps, "
                          f"{c.get('resilience_cases', 0)} resilience cases"
                          + (f", {c['flows']} flows" if c.get("flows") else "") + " checked",
                          markup=False, highlight=False, soft_wrap=True)
            n_sizing = sum(1 for p in plans if is_sizing(p))
            what = (f"{len(plans) - n_sizing} plan(s), {n_sizing} sizing file(s)" if n_sizing
                    else f"{len(plans)} plan(s)")
            out.print(f"{what}: {len(reports) - failed} passed, {failed} failed, "
                      f"{len(unreadable)} unreadable; {n_findings} finding(s)",
                      markup=False, highlight=False, soft_wrap=True)
        if unreadable:
            raise typer.Exit(InputError.exit_code)
        if failed:
            raise typer.Exit(1)
