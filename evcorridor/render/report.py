"""Markdown reports: one per corridor (`<out>/<corridor>/report.md`) and `<out>/index.md`.

A report holds the summary table, the pictures (map, strip chart, interactive map link), the solver
status, the gaps per route/direction/rule, the sites (with their coordinates) and the data sources
with their dates. The text comes from the Jinja2 templates `report.md.j2` and `index.md.j2` in
`evcorridor/render/templates/` (see `templating`: every data-derived value is escaped for Markdown
there). It only depends on the plan and the footer's run date, which is `SOURCE_DATE_EPOCH`'s day
when that is set (reproducible builds), so the same plan gives the same bytes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from evcorridor import __version__
from evcorridor.atomic import write_tree
from evcorridor.outputs import directions_text
from evcorridor.plan_model import Gap, Plan, Site, data_text, start_text
from evcorridor.render import style
from evcorridor.render.geodata import LongestGap, longest_gaps
from evcorridor.render.maps import Rendered
from evcorridor.render.sizing_report import SizingRow, index_section, sizing_files
from evcorridor.render.static_map import attribution, counts
from evcorridor.render.templating import render

_PICTURES = (("Map", "map.png"), ("Gaps along each route", "strip.png"))
_KIND_ORDER = {"new": 0, "upgrade": 1, "existing": 2}


def run_date() -> str | None:
    """The footer's run date (UTC, YYYY-MM-DD): `SOURCE_DATE_EPOCH`'s day when it is set (so a
    reproducible build gets the same bytes), today otherwise; None for an unusable value."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None:
        return time.strftime("%Y-%m-%d", time.gmtime())
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(int(raw)))
    except (ValueError, OverflowError, OSError):
        return None


def data_kind(kind: str) -> str:
    """`crossing_volumes` -> "crossing volumes" (a data source's kind for people)."""
    return kind.replace("_", " ")


def _worst(gaps: list[Gap]) -> Gap | None:
    return min(gaps, key=lambda g: (g.slack_m, g.from_pos_m)) if gaps else None


def connectors(site: Site) -> str:
    """A site's connectors for people: `CCS1 ×4 @150 kW, NACS ×2 @250 kW` ("—" for none)."""
    return ", ".join(site.connector_labels()) or "—"


@dataclass(frozen=True)
class RuleRow:
    crossing: str
    direction: str
    rule: str
    limit_m: float | None
    longest_m: float | None
    slack_m: float | None
    stops: int
    holds: bool


def _rule_rows(plan: Plan) -> list[RuleRow]:
    rows = []
    for route in plan.routes:
        for run in route.vehicles:
            w = _worst(run.gaps)
            rows.append(RuleRow(route.crossing, route.direction,
                                f"vehicle {run.vehicle} ({run.climate}); {start_text(run)}",
                                run.range_m,
                                max((g.length_m for g in run.gaps), default=None),
                                w.slack_m if w else None, len(run.stops), run.feasible))
        for std in route.standards:
            w = _worst(std.gaps)
            rows.append(RuleRow(route.crossing, route.direction, f"{std.country} {std.profile}",
                                std.max_spacing_m,
                                max((g.length_m for g in std.gaps), default=None),
                                w.slack_m if w else None, len(std.stops), std.feasible))
    return rows


def _common(plans: Iterable[Plan] = ()) -> dict[str, Any]:
    units = sorted({p.cost_unit() for p in plans}) or ["sites"]
    return {"version": __version__, "run_date": run_date(), "cost_unit": ", ".join(units),
            "source_name": style.source_name, "site_source": style.site_source,
            "connectors": connectors, "data_kind": data_kind,
            "directions": directions_text}


def corridor_report(plan: Plan, files: Iterable[str], plan_link: str | None,
                    sizing: str = "", notes: Iterable[str] = ()) -> str:
    """The Markdown report of one plan; `files` are the picture names beside it; `sizing` the
    rendered sizing section (render/sizing_report.py), placed before the footer; `notes` what
    was not drawn and why (shown under Pictures)."""
    have = set(files)
    return render(
        "report.md.j2",
        plan=plan,
        counts=counts(plan),
        cost=sum(s.cost for s in plan.sites),
        longest=longest_gaps(plan),
        pictures=[(t, f) for t, f in _PICTURES if f in have],
        html_map="map.html" in have,
        picture_notes=[n.split(": ", 1)[-1] for n in notes],
        plan_link=plan_link,
        rule_rows=_rule_rows(plan),
        sites=sorted(plan.sites, key=lambda s: (_KIND_ORDER.get(s.kind, 9), s.country, s.id)),
        build=sorted((s for s in plan.sites if s.kind != "existing"),
                     key=lambda s: (_KIND_ORDER.get(s.kind, 9), s.country, s.id)),
        inputs=sorted(plan.inputs, key=lambda i: (i.kind, i.id)),
        attribution=attribution(plan),
        data_line=data_text(plan),
        sizing=Markup(sizing),
        **_common([plan]),
    )


@dataclass(frozen=True)
class IndexRow:
    plan: Plan
    link: str
    counts: dict[str, int]
    cost: float
    gaps: dict[str, LongestGap]


def index_report(items: list[tuple[Rendered, str]], sizing: str = "") -> str:
    """The index of all corridors: one table row each; `items` = (rendered, report link);
    `sizing` the rendered sizing section (render/sizing_report.py) or empty."""
    rows = [
        IndexRow(r.plan, link, counts(r.plan), sum(s.cost for s in r.plan.sites),
                 {x.direction: x for x in longest_gaps(r.plan)})
        for r, link in sorted(items, key=lambda x: x[0].plan.corridor)
    ]
    # each source with its date, and how many corridors rest on it
    dates: dict[tuple[str, str, str], set[str]] = {}
    order = {"stations": 0, "network": 1, "crossing_volumes": 2}
    for r, _ in items:
        for d in r.plan.data_sources:
            key = (data_kind(d.kind), d.name, d.date or "unknown")
            dates.setdefault(key, set()).add(r.plan.corridor)
        if not r.plan.data_sources:
            dates.setdefault(("—", "not recorded (plan file version 1)", "—"), set()).add(
                r.plan.corridor)
    return render(
        "index.md.j2",
        rows=rows,
        feasible=sum(1 for r in rows if r.plan.feasible),
        dates=[(k, name, d, len(v)) for (k, name, d), v in sorted(
            dates.items(), key=lambda x: (order.get(x[0][0].replace(" ", "_"), 9), -len(x[1]),
                                          x[0]))],
        attribution=attribution(items[0][0].plan) if items else None,
        sizing=Markup(sizing),
        **_common(r.plan for r, _ in items),
    )


def report_files(results: list[Rendered], out: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every report (`<corridor>/report.md`) and `index.md`."""
    files: dict[str, bytes] = {}
    items = []
    rows: list[SizingRow] = []
    for r in results:
        folder = Path(out) / r.plan.corridor
        link = None
        if r.plan_path is not None:
            link = os.path.relpath(Path(r.plan_path).resolve(), folder.resolve()).replace(
                os.sep, "/"
            )
        section, extra, row = (r.sizing if r.sizing is not None  # drawn with the pictures
                               else sizing_files(r.plan_path, r.plan.corridor))
        if row is not None:
            rows.append(row)
        text = corridor_report(r.plan, r.files, link, section, notes=r.notes)
        files.update({f"{r.plan.corridor}/{name}": data for name, data in extra.items()})
        files[f"{r.plan.corridor}/report.md"] = text.encode("utf-8")
        items.append((r, f"{r.plan.corridor}/report.md"))
    files["index.md"] = index_report(items, index_section(rows)).encode("utf-8")
    return files


def write_reports(results: list[Rendered], out: Path) -> list[Path]:
    """Write every plan's pictures, its report and the index under `out`, all or nothing."""
    files: dict[str, bytes] = {}
    for r in results:
        for name, data in r.files.items():
            files[f"{r.plan.corridor}/{name}"] = data
    files.update(report_files(results, out))
    return write_tree(Path(out), files)
