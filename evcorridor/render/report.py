"""Markdown reports: one per corridor (`<out>/<corridor>/report.md`) and `<out>/index.md`.

A report holds the summary table, the pictures (map, strip chart, interactive map link), the solver
status, the gaps per route/direction/rule, the sites and the data sources with their dates. Text
only depends on the plan, so the same plan gives the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from evcorridor.plan_model import Gap, Plan
from evcorridor.render.geodata import longest_gaps
from evcorridor.render.maps import Rendered, write_tree
from evcorridor.render.static_map import attribution, counts


def _cell(v: object) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _km(m: float | None) -> str:
    return "—" if m is None else f"{m / 1000:.1f}"


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def _worst(gaps: list[Gap]) -> Gap | None:
    return min(gaps, key=lambda g: (g.slack_m, g.from_pos_m)) if gaps else None


def solver_line(plan: Plan) -> str:
    s = plan.solver
    parts = [
        f"{s.name}: **{s.status}**",
        f"objective {_num(s.objective)}",
        f"best bound {_num(s.best_bound)}",
        f"gap {_num(s.gap)}",
    ]
    return ", ".join(parts)


def corridor_report(plan: Plan, files: Iterable[str], plan_link: str | None) -> str:
    """The Markdown report of one plan; `files` are the picture names beside it."""
    have = set(files)
    c = counts(plan)
    cost = sum(s.cost for s in plan.sites)
    out: list[str] = [f"# {plan.corridor_name}", ""]
    out.append(
        f"Corridor `{plan.corridor}` · border {plan.border} · crossings "
        + ", ".join(f"`{x}`" for x in plan.crossings)
        + " · countries "
        + ", ".join(plan.countries)
    )
    out.append("")
    out.append(
        f"**Plan {'feasible' if plan.feasible else 'NOT feasible'}** · solver "
        f"{solver_line(plan)}" + (f" · plan file: [{plan_link}]({plan_link})" if plan_link else "")
    )
    out += ["", "## Summary", ""]
    out.append(
        _table(
            [
                "New sites",
                "Upgrades",
                "Existing (qualify)",
                "Total cost",
                "Existing qualified",
                "Existing unused",
                "Data date",
            ],
            [
                [
                    c["new"],
                    c["upgrade"],
                    c["existing"],
                    f"{cost:g}",
                    plan.existing.qualified,
                    plan.existing.unused,
                    plan.data_date or "—",
                ]
            ],
        )
    )
    longest = longest_gaps(plan)
    if longest:
        out += [
            "",
            "Longest gap per direction: "
            + "; ".join(
                f"{lg.direction} {_km(lg.gap.length_m)} km of {_km(lg.gap.limit_m)} km allowed "
                f"({lg.vehicle}, {lg.from_name} → {lg.to_name})"
                for lg in longest
            ),
        ]
    pics = [("Map", "map.png"), ("Gaps along each route", "strip.png")]
    shown = [(t, f) for t, f in pics if f in have]
    if shown or "map.html" in have:
        out += ["", "## Pictures", ""]
        for title, f in shown:
            out += [f"![{title}]({f})", ""]
        if "map.html" in have:
            out += ["Interactive map (opens offline): [map.html](map.html)", ""]
        if out[-1] == "":
            out.pop()
    out += ["", "## Gaps per route, direction and rule", ""]
    rows = []
    for route in plan.routes:
        for run in route.vehicles:
            w = _worst(run.gaps)
            rows.append(
                [
                    route.crossing,
                    route.direction,
                    f"vehicle {run.vehicle} ({run.climate})",
                    _km(run.range_m),
                    _km(max((g.length_m for g in run.gaps), default=None)),
                    _km(w.slack_m if w else None),
                    len(run.stops),
                    "yes" if run.feasible else "**NO**",
                ]
            )
        for std in route.standards:
            w = _worst(std.gaps)
            rows.append(
                [
                    route.crossing,
                    route.direction,
                    f"{std.country} {std.profile}",
                    _km(std.max_spacing_m),
                    _km(max((g.length_m for g in std.gaps), default=None)),
                    _km(w.slack_m if w else None),
                    len(std.stops),
                    "yes" if std.feasible else "**NO**",
                ]
            )
    out.append(
        _table(
            [
                "Crossing",
                "Direction",
                "Rule",
                "Limit km",
                "Longest gap km",
                "Least slack km",
                "Stops",
                "Holds",
            ],
            rows,
        )
    )
    if plan.infeasibilities:
        out += ["", "## Stretches that cannot be covered", ""]
        out.append(
            _table(
                ["Route", "Direction", "Rule", "From", "To", "Length km", "Limit km", "Fix"],
                [
                    [
                        i.route,
                        i.direction,
                        i.rule,
                        f"{i.from_label} (km {_km(i.from_pos_m)}, {i.from_country})",
                        f"{i.to_label} (km {_km(i.to_pos_m)}, {i.to_country})",
                        _km(i.length_m),
                        _km(i.limit_m),
                        i.fix,
                    ]
                    for i in plan.infeasibilities
                ],
            )
        )
    if plan.coverage is not None:
        cov = plan.coverage
        share = cov.covered_flow / cov.total_flow if cov.total_flow else 0.0
        out += ["", "## Flow coverage", ""]
        out.append(
            f"Budget {cov.budget} new site(s), {cov.trip} trips: {cov.covered_flow:g} of "
            f"{cov.total_flow:g} flow covered ({share:.1%})."
        )
        out += [""]
        out.append(
            _table(
                ["Origin", "Destination", "Flow", "Length km", "Covered"],
                [
                    [
                        f.origin,
                        f.destination,
                        f"{f.flow:g}",
                        _km(f.length_m),
                        "yes" if f.covered else "no",
                    ]
                    for f in sorted(cov.flows, key=lambda f: (f.origin, f.destination))
                ],
            )
        )
    out += ["", "## Sites", ""]
    order = {"new": 0, "upgrade": 1, "existing": 2}
    out.append(
        _table(
            [
                "Id",
                "Kind",
                "Name",
                "Country",
                "Ports",
                "kW/port",
                "Connectors",
                "Complies with",
                "Source",
                "Cost",
            ],
            [
                [
                    s.id,
                    s.kind,
                    s.name,
                    s.country,
                    s.ports,
                    f"{s.power_kw:g}",
                    ", ".join(f"{c.type}×{c.count}@{c.max_kw:g}kW" for c in s.connectors),
                    ", ".join(s.complies_with) or "—",
                    s.source,
                    f"{s.cost:g}",
                ]
                for s in sorted(plan.sites, key=lambda s: (order.get(s.kind, 9), s.country, s.id))
            ],
        )
    )
    if plan.existing.reasons:
        out += [
            "",
            f"Existing stations: {plan.existing.qualified} qualified, "
            f"{plan.existing.upgraded} upgraded, {plan.existing.unused} unused. "
            "Why unused: "
            + "; ".join(f"{k}: {v}" for k, v in sorted(plan.existing.reasons.items()))
            + ".",
        ]
    out += ["", "## Data sources and dates", ""]
    out.append(
        _table(
            ["Kind", "Id", "Path", "Data date", "sha256"],
            [
                [i.kind, i.id, f"`{i.path}`", i.data_date or "—", f"`{i.sha256[:12]}`"]
                for i in sorted(plan.inputs, key=lambda i: (i.kind, i.id))
            ],
        )
    )
    if plan.station_data:
        out += [""]
        out.append(
            _table(
                ["Country", "Stations", "Sources", "Newest", "Note"],
                [
                    [
                        d.country,
                        d.stations,
                        ", ".join(f"{k} {v}" for k, v in sorted(d.sources.items())) or "—",
                        d.newest_date or "—",
                        ("greenfield (no station data). " if d.greenfield else "") + d.note,
                    ]
                    for d in plan.station_data
                ],
            )
        )
    out += ["", "## Solver", ""]
    s = plan.solver
    out.append(
        _table(
            ["Solver", "Status", "Objective", "Best bound", "Gap", "Parameters", "Model size"],
            [
                [
                    s.name,
                    s.status,
                    _num(s.objective),
                    _num(s.best_bound),
                    _num(s.gap),
                    ", ".join(f"{k}={v}" for k, v in sorted(s.parameters.items())) or "—",
                    ", ".join(f"{k}={v}" for k, v in sorted(s.model_size.items())) or "—",
                ]
            ],
        )
    )
    if plan.parameters:
        out += [
            "",
            "Plan parameters: "
            + ", ".join(
                f"{k}={','.join(v) if isinstance(v, list) else v}"
                for k, v in sorted(plan.parameters.items())
            )
            + ".",
        ]
    out += ["", "---", "", attribution(plan), ""]
    return "\n".join(out)


def index_report(items: list[tuple[Rendered, str]]) -> str:
    """The index of all corridors: one table row each; `items` = (rendered, report link)."""
    out = ["# evcorridor: corridor charging plans", ""]
    rows = []
    for r, link in sorted(items, key=lambda x: x[0].plan.corridor):
        p = r.plan
        c = counts(p)
        lg = {x.direction: x for x in longest_gaps(p)}

        def gap(d: str, lg: dict = lg) -> str:
            x = lg.get(d)
            return "—" if x is None else f"{_km(x.gap.length_m)} / {_km(x.gap.limit_m)}"

        rows.append(
            [
                f"[{p.corridor}]({link})",
                p.border,
                ", ".join(p.crossings),
                c["new"],
                c["upgrade"],
                c["existing"],
                f"{sum(s.cost for s in p.sites):g}",
                gap("forward"),
                gap("reverse"),
                f"{p.solver.name} {p.solver.status}",
                "yes" if p.feasible else "**NO**",
            ]
        )
    out.append(
        _table(
            [
                "Corridor",
                "Border",
                "Crossings",
                "New",
                "Upgrades",
                "Existing",
                "Cost",
                "Longest gap fwd km (of limit)",
                "Longest gap rev km (of limit)",
                "Solver",
                "Feasible",
            ],
            rows,
        )
    )
    feasible = sum(1 for r, _ in items if r.plan.feasible)
    out += ["", f"{len(items)} corridor(s), {feasible} feasible.", ""]
    dates: dict[tuple[str, str], set[str]] = {}
    for r, _ in items:
        for i in r.plan.inputs:
            if i.kind in ("network", "stations"):
                dates.setdefault((i.kind, i.data_date or "—"), set()).add(r.plan.corridor)
    if dates:
        out += ["## Data sources and dates", ""]
        out.append(
            _table(
                ["Input", "Data date", "Corridors"],
                [[k, d, len(v)] for (k, d), v in sorted(dates.items())],
            )
        )
        out.append("")
    if items:
        out += [attribution(items[0][0].plan), ""]
    return "\n".join(out)


def report_files(results: list[Rendered], out: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every report (`<corridor>/report.md`) and `index.md`."""
    files: dict[str, bytes] = {}
    items = []
    for r in results:
        folder = Path(out) / r.plan.corridor
        link = None
        if r.plan_path is not None:
            link = os.path.relpath(Path(r.plan_path).resolve(), folder.resolve()).replace(
                os.sep, "/"
            )
        text = corridor_report(r.plan, r.files, link)
        files[f"{r.plan.corridor}/report.md"] = text.encode("utf-8")
        items.append((r, f"{r.plan.corridor}/report.md"))
    files["index.md"] = index_report(items).encode("utf-8")
    return files


def write_reports(results: list[Rendered], out: Path) -> list[Path]:
    """Write every plan's pictures, its report and the index under `out`, all or nothing."""
    files: dict[str, bytes] = {}
    for r in results:
        for name, data in r.files.items():
            files[f"{r.plan.corridor}/{name}"] = data
    files.update(report_files(results, out))
    return write_tree(Path(out), files)
