"""`evcorridor profiles ...`: validate, show, list, compare and export schemas for
operating-standard profiles, vehicle profiles and profile sets."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from evcorridor.connectors import ocpi_name
from evcorridor.errors import EvCorridorError, InputError, UsageError, unknown_id
from evcorridor.profiles import (
    DEFAULT_SET,
    ProfileSet,
    StandardProfile,
    VehicleProfile,
    get_profile_set,
    get_standard,
    get_vehicle,
    list_profile_sets,
    list_standards,
    list_vehicles,
)
from evcorridor.profiles.compare import Citation, Comparison, RuleDiff, compare
from evcorridor.profiles.compare import rule_cite as compare_rule_cite
from evcorridor.profiles.loader import check_files, collect_files, get_registry
from evcorridor.profiles.models import CLIMATES_REQUIRED, MILE_M, SourcedRule
from evcorridor.profiles.schema import schemas, write_schemas
from evcorridor.render.console import out, print_csv, print_json, to_csv
from evcorridor.render.table import Column, print_table
from evcorridor.yamlio import iter_yaml_files

app = typer.Typer(
    help="Operating-standard profiles, vehicle profiles and profile sets: validate, show, list, "
         "compare across borders, export JSON Schema.",
    no_args_is_help=True,
)


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    github = "github"


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Kind(StrEnum):
    all = "all"
    standard = "standard"
    vehicle = "vehicle"
    set = "set"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(file: str, line: int, col: int, field: str, message: str) -> str:
    """A GitHub Actions workflow command: `::error file=F,line=L,col=C::field: message`."""
    body = f"{field}: {message}" if field else message
    return (f"::error file={_gh_escape(file, True)},line={line},col={col}::"
            f"{_gh_escape(body)}")


@app.command("validate")
def validate_cmd(
    paths: list[Path] = typer.Argument(..., metavar="PATH...",
                                       help="Profile, vehicle or profile-set YAML files, or "
                                       "folders (searched recursively for *.yaml / *.yml)."),
    fmt: ValidateFormat = typer.Option(ValidateFormat.text, "--format", "-f",
                                       help="text: one `file:line:col: field: message` per "
                                       "problem; json; csv (one row per problem); github: "
                                       "workflow annotations."),
) -> None:
    """Validate files; every file's problems are reported. Exit 0 if all valid, 1 otherwise.

    A folder is searched for YAML under profiles/, vehicles/ or profile-sets/ folders or with a
    `kind: standard|vehicle|profile-set` line; other YAML (corridors, scenarios) is skipped and
    counted. References (`recognizes`, profile-set ids) resolve against the files given plus the
    shipped configs. Exit 2 when a folder holds no profile files, 3 when a path does not exist.
    Example: `evcorridor profiles validate configs/ --format github`.
    """
    from evcorridor.inputs import check_readable

    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_file():
            check_readable(path)  # an unreadable file: exit 3 like every other input
        if path.is_dir() and not any(True for _ in iter_yaml_files([path])):
            raise UsageError(f"{path}: no .yaml or .yml files in this folder")
    files, skipped = collect_files(paths)
    if not files:
        raise UsageError(f"{', '.join(map(str, paths))}: no profile, vehicle or profile-set files "
                         f"found ({len(skipped)} other YAML file(s) skipped: none sits under a "
                         "profiles/, vehicles/ or profile-sets/ folder or declares kind: "
                         "standard|vehicle|profile-set)")
    results = check_files(paths)
    n_problems = sum(len(r.problems) for r in results)
    bad = [r for r in results if r.problems]
    if fmt is ValidateFormat.json:
        print_json({
            "files": [{
                "file": r.path, "kind": r.kind, "id": r.model.id if r.model else None,
                "valid": not r.problems,
                "problems": [{"line": p.line, "column": p.column, "field": p.field,
                              "message": p.message} for p in r.problems],
            } for r in results],
            "files_checked": len(results), "files_invalid": len(bad), "problems": n_problems,
            "files_skipped": [str(p) for p in skipped],
        })
    elif fmt is ValidateFormat.csv:
        sys.stdout.write(to_csv(["file", "line", "column", "field", "message"],
                                ([p.file, p.line, p.column, p.field, p.message]
                                 for r in results for p in r.problems)))
    else:
        for r in results:
            for p in r.problems:
                if fmt is ValidateFormat.github:
                    typer.echo(github_annotation(p.file, p.line, p.column, p.field, p.message))
                else:
                    typer.echo(str(p))
        summary = (f"{len(results)} file(s) checked: all valid" if not bad else
                   f"{len(results)} file(s) checked: {n_problems} problem(s) in {len(bad)} file(s)")
        if skipped:
            summary += f" ({len(skipped)} other YAML file(s) skipped: not profiles)"
        typer.echo(summary, err=True)
    if bad:
        raise typer.Exit(1)


def _find(item_id: str, kind: Kind) -> list[tuple[str, Any]]:
    reg = get_registry()
    found: list[tuple[str, Any]] = []
    if kind in (Kind.all, Kind.standard) and item_id in reg.standards:
        found.append(("standard", reg.standards[item_id]))
    if kind in (Kind.all, Kind.vehicle) and item_id in reg.vehicles:
        found.append(("vehicle", reg.vehicles[item_id]))
    if kind in (Kind.all, Kind.set) and item_id in reg.sets:
        found.append(("profile-set", reg.sets[item_id]))
    if not found:
        pool: list[str] = []
        if kind in (Kind.all, Kind.standard):
            pool += reg.standards
        if kind in (Kind.all, Kind.vehicle):
            pool += reg.vehicles
        if kind in (Kind.all, Kind.set):
            pool += reg.sets
        raise unknown_id("profile, vehicle or profile set" if kind is Kind.all else kind.value,
                         item_id, pool)
    return found


def _derived(model: Any) -> dict[str, Any]:
    if isinstance(model, VehicleProfile):
        return {"ocpi_connector_types": {c: ocpi_name(c) for c in model.connectors_usable},
                "usable_range_km": {c: round(model.usable_range_m(c) / 1000, 1)
                                    for c in sorted(model.climate)},
                "usable_range_mi": {c: round(model.usable_range_m(c) / MILE_M, 1)
                                    for c in sorted(model.climate)}}
    if isinstance(model, StandardProfile):
        site = model.standard_site()
        named = sorted({*model.all_connectors, *model.observed(), *model.universal_connectors})
        return {"standard_site": {"connectors": [list(c) for c in site.connectors],
                                  "ports": site.ports, "power_kw": site.power_kw},
                "ocpi_connector_types": {c: ocpi_name(c) for c in named}}
    return {}


def _record(kind: str, model: Any) -> dict[str, Any]:
    return {"kind": kind, "id": model.id, "file": model.source_file,
            "data": model.model_dump(mode="json", by_alias=True, exclude_none=True),
            "derived": _derived(model)}


def km_mi(m: float) -> str:
    """A distance for people: km first, as in every table and plan, miles after it for the US
    reader (`80.5 km (50 mi)`)."""
    return f"{round(m / 1000, 1):g} km ({round(m / MILE_M, 1):g} mi)"


def _fmt_value(name: str, value: Any) -> str:
    """Human form of a model attribute: quantities with units, lists joined."""
    if isinstance(value, float) and name.endswith("_m"):
        return km_mi(value)
    if isinstance(value, float) and name.endswith("_kw"):
        return f"{value:g} kW"
    if isinstance(value, float) and name.endswith("_kwh"):
        return f"{value:g} kWh"
    if isinstance(value, float) and name == "uptime_above_pct":
        return f"above {value:g} %"
    if isinstance(value, float) and name.endswith("_pct"):
        return f"{value:g} %"
    if isinstance(value, float) and name.endswith("_kwh_per_km"):
        return f"{value:.5g} kWh/km ({value * MILE_M / 1000:.5g} kWh/mi)"
    if isinstance(value, list):
        sep = " | " if any(hasattr(v, "model_dump") for v in value) else ", "
        return sep.join(_fmt_value(name, v) for v in value)
    if hasattr(value, "model_dump"):
        d = value.model_dump(mode="json", by_alias=True, exclude_none=True)
        return "; ".join(f"{k}: {_fmt_value(k, v)}" for k, v in d.items() if v not in ([], {}))
    if isinstance(value, dict):
        none = "no OCPI 2.2.1 type" if name == "ocpi_connector_types" else "none"
        return ", ".join(f"{k}: {none if v is None else v}" for k, v in value.items())
    return str(value)


def _rule_line(p: StandardProfile, r: SourcedRule) -> str:
    """One sourced rule for `profiles show`: topic, text, scope, source and dates."""
    text = f"{r.topic}: {r.text}" + (f" [{r.scope}]" if r.scope else "")
    cite = compare_rule_cite(p, r).text()
    if r.after_expiry:
        cite += f"; from {r.expires}: {r.after_expiry}"
    if r.on_expiry:
        cite += "; then " + ", ".join(f"{k}: {_fmt_value(k, v)}" for k, v in r.on_expiry.items())
    flag = " (UNVERIFIED)" if r.unverified else ""
    return text + flag + f"  — {cite}"


def _show_table(kind: str, model: Any) -> None:
    """`field value` rows (render/table.py, plain text: values from files are never markup)."""
    rows: list[list[str]] = []
    absent: list[str] = []
    for name, info in type(model).model_fields.items():
        if name in ("kind", "id", "title", "notes", "unverified", "sources", "source_file"):
            continue
        value = getattr(model, name)
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        if not info.is_required() and value == default:
            absent.append(info.alias or name)
            continue
        key = info.alias or name
        if name == "rules":
            rows += [[f"rule {r.id}", _rule_line(model, r)] for r in value]
            continue
        note = model.notes.get(key)
        flag = " (UNVERIFIED)" if key in model.unverified else ""
        rows.append([key, _fmt_value(name, value) + flag + (f"  — {note}" if note else "")])
    rows += [[k, _fmt_value(k, v)] for k, v in _derived(model).items()]
    if absent:
        rows.append(["not set (no rule / default)", ", ".join(absent)])
    rows.append(["sources", "; ".join(f"[{s.id}] {s.title}" for s in model.sources)])
    rows += [[f"unverified: {k}", why] for k, why in model.unverified.items()]
    rows.append(["file", str(model.source_file)])
    print_table(out, [Column("field", "words"), Column("value")], rows,
                title=f"{kind} {model.id} — {model.title}")


@app.command("show")
def show_cmd(
    item_id: str = typer.Argument(..., metavar="ID",
                                  help="Id of a standard profile, vehicle or profile set."),
    kind: Kind = typer.Option(Kind.all, "--kind", help="Look only at this kind."),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f",
                                    help="table for people, json (file data + derived values)."),
) -> None:
    """Show one profile, vehicle or profile set (with derived values and sources).

    Values the file marks as unverified are flagged UNVERIFIED. Vehicles show their usable range
    per climate; standards show the smallest compliant site. Exit 2 for an unknown id.
    """
    found = _find(item_id, kind)
    if fmt is TableFormat.json:
        recs = [_record(k, m) for k, m in found]
        print_json(recs[0] if len(recs) == 1 else recs)
        return
    if fmt is TableFormat.csv:  # field,value rows of the json record (kind, id, data.*)
        recs = [_record(k, m) for k, m in found]
        print_csv(recs[0] if len(recs) == 1 else recs)
        return
    for k, m in found:
        _show_table(k, m)


@app.command("list")
def list_cmd(
    kind: Kind = typer.Option(Kind.all, "--kind", help="standard, vehicle, set or all."),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f",
                                    help="table for people, json for machines."),
) -> None:
    """List the shipped standard profiles, vehicles and profile sets."""
    rows: list[dict[str, Any]] = []
    if kind in (Kind.all, Kind.standard):
        for s in list_standards():
            spacing = km_mi(s.max_spacing_m) if s.max_spacing_m else "no rule"
            rows.append({"kind": "standard", "id": s.id, "title": s.title, "status": s.status,
                         "where": ",".join(s.jurisdiction.applies_to),
                         "summary": (f"{s.min_ports} x {s.min_power_kw:g} kW" if s.min_ports
                                     else "no port/power rule") + "; "
                                    + ("/".join(s.required_connectors) or "no connector rule")
                                    + f"; spacing {spacing}"})
    if kind in (Kind.all, Kind.vehicle):
        for v in list_vehicles():
            rng = ", ".join(f"{c} {km_mi(v.usable_range_m(c))}"
                            for c in CLIMATES_REQUIRED if c in v.climate)
            rows.append({"kind": "vehicle", "id": v.id, "title": v.title,
                         "status": v.vehicle_class, "where": "",
                         "summary": f"{'/'.join(v.connectors_native)}; usable {rng}"})
    if kind in (Kind.all, Kind.set):
        for ps in list_profile_sets():
            rows.append({"kind": "profile-set", "id": ps.id, "title": ps.title,
                         "status": ps.status, "where": ",".join(ps.crosses),
                         "summary": ", ".join(f"{c}->{p}" for c, p in ps.profiles.items())})
    if fmt is TableFormat.json:
        print_json(rows)
        return
    if fmt is TableFormat.csv:
        print_csv(rows)
        return
    if not rows:
        from evcorridor.settings import get_settings

        cdir = get_settings().configs_dir
        typer.echo(f"nothing to list: no {kind.value if kind is not Kind.all else 'profile'} "
                   f"files under {cdir}/profiles, vehicles or profile-sets", err=True)
        return
    cols = [Column("kind", "whole"), Column("id", "whole"), Column("status", "words"),
            Column("where", "words"), Column("summary")]
    print_table(out, cols, [[r["kind"], r["id"], r["status"], r["where"].replace(",", ", "),
                             r["summary"]] for r in rows], title="profiles")


def _resolve_standard(name: str, set_id: str) -> StandardProfile:
    """A standard id, or a country code (USA/CAN/MEX) resolved through the profile set."""
    if name.upper() in ("USA", "CAN", "MEX"):
        pset: ProfileSet = get_profile_set(set_id)
        return get_standard(pset.profile_for(name.upper()))
    known = [s.id for s in list_standards()]
    if name not in known:
        err = unknown_id("standard profile", name, known)
        raise type(err)(f"{err} (or a country: USA, CAN, MEX)")
    return get_standard(name)


_STYLE = {"same": "green", "info": "cyan", "condition": "yellow", "broken": "red",
          "seamless": "green", "seamless with conditions": "yellow"}


def _cell(text: str, cites: list[Citation]) -> str:
    """A side's value with its sources and dates (dim) under it."""
    body = escape(text)
    for c in cites:
        body += f"\n[dim]{escape(c.text())}[/]"
    return body


def _rules_table(title: str, cmp: Comparison, rules: list[RuleDiff]) -> None:
    t = Table(title=title)
    for col in ("rule", cmp.a, cmp.b, "match", "assessment", "why"):
        t.add_column(escape(col), overflow="fold")
    for r in rules:
        t.add_row(escape(r.rule), _cell(r.a, r.a_sources), _cell(r.b, r.b_sources),
                  escape(r.match), f"[{_STYLE[r.level]}]{r.level}[/]", escape(r.why))
    out.print(t)


def _compare_table(cmp: Comparison) -> None:
    _rules_table(f"{cmp.a} -> {cmp.b} on {cmp.on}", cmp, cmp.rules)
    for vv in cmp.vehicles:
        _rules_table(f"{vv.vehicle}: [{_STYLE[vv.verdict]}]{vv.verdict}[/]", cmp, vv.rules)
        for reason in vv.reasons:
            out.print(f"  - {escape(reason)}", highlight=False)
        for note in vv.notes:
            out.print(f"  note: {escape(note)}", highlight=False)


@app.command("compare")
def compare_cmd(
    a: str = typer.Argument(..., metavar="FROM",
                            help="Profile where the trip starts (id, or USA/CAN/MEX)."),
    b: str = typer.Argument(..., metavar="TO",
                            help="Profile across the border (id, or USA/CAN/MEX)."),
    vehicle: list[str] = typer.Option([], "--vehicle", metavar="ID",
                                      help="Vehicle id (repeatable; default all shipped)."),
    set_id: str = typer.Option(DEFAULT_SET, "--set", metavar="ID",
                               help="Profile set for country codes."),
    on: datetime | None = typer.Option(None, "--on", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD",
                                       help="Evaluate the rules as on this day (YYYY-MM-DD; "
                                       "default today): effective and expiry dates apply."),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f",
                                    help="table for people, json for machines."),
) -> None:
    """Rule-by-rule transition from A to B with a verdict per vehicle: seamless, seamless with
    conditions, or broken, and why.

    Rows: status on the day, connectors the vehicle can use on each side, power, Plug & Charge,
    OCPP, ISO 15118, roaming (OCPI), payment, currency, pricing unit, price shown, uptime,
    uptime reporting, AC power, network switching, spacing, exit offset, recognition of the
    other side's stations, and every other sourced rule by topic (metering, billing, signage
    language, grid connection...). Each side shows its source and date; `match` says whether
    the rules are the same, differ, or one side has no rule. Verdicts follow from the evidence
    only (rules, the vehicle's native and adapter connectors, observed stations).
    Example: `evcorridor profiles compare USA CAN --on 2030-01-01 --vehicle nacs-car`.
    """
    pa, pb = _resolve_standard(a, set_id), _resolve_standard(b, set_id)
    vehicles = [get_vehicle(v) for v in vehicle] if vehicle else list_vehicles()
    cmp = compare(pa, pb, vehicles, on=on.date() if on else None)
    if fmt is TableFormat.json:
        print_json(cmp.to_dict())
    elif fmt is TableFormat.csv:  # one row per rule: vehicle ("" = the profiles), rule, a, b
        doc: dict[str, Any] = cmp.to_dict()
        print_csv([{"vehicle": "", **r} for r in doc["rules"]]
                  + [{"vehicle": v["vehicle"], **r} for v in doc["vehicles"] for r in v["rules"]])
    else:
        _compare_table(cmp)


@app.command("schema")
def schema_cmd(
    out_dir: Path | None = typer.Option(None, "--out", metavar="DIR",
                                        help="Folder for the three *.schema.json "
                                        "files; without it, print them as one JSON object."),
) -> None:
    """Export JSON Schema for standard-profile, vehicle and profile-set files."""
    if out_dir is None:
        print_json(schemas())
        return
    try:
        paths = write_schemas(out_dir)
    except OSError as exc:
        from evcorridor.errors import OutputError

        raise OutputError(f"{out_dir}: cannot write schemas: {exc.strerror}") from exc
    for p in paths:
        typer.echo(str(p), err=True)


__all__ = ["EvCorridorError", "app", "github_annotation"]
