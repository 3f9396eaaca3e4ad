"""Strip chart: each route drawn as a straight line, one row per vehicle and per jurisdiction rule.

Per route (crossing x direction) one panel; x is the distance from the route start in km (miles on
the US side on the top axis); the border is a dashed vertical line. In every row each stop is a
marker and each gap a bar: the coloured bar is the gap's length as the plan counts it (road
distance + detour offsets twice + border-wait equivalent), the grey bar behind it the limit (the
vehicle's range, or the jurisdiction's maximum spacing). Violations are red.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import Any

import matplotlib
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from evcorridor.plan_model import Gap, Plan, RoutePlan, start_text
from evcorridor.render import style
from evcorridor.render.geodata import COUNTRY_NAMES, KM_PER_MILE

ROW_H = 0.62  # inches per row
# the start basis in a row label (the report has the long form, `plan_model.start_text`)
_START_SHORT = {"scenario:arrival_charge": "arrival charge", "scenario:start_full": "full"}
PANEL_EXTRA = 1.05  # inches per panel for title and axes


def _rows(route: RoutePlan) -> list[tuple[str, str, list[str], list[Gap]]]:
    rows = []
    for run in route.vehicles:
        basis = _START_SHORT.get(run.start_basis, "station")
        label = (f"{run.vehicle}\nrange {run.range_m / 1000:.0f} km ({run.climate})\n"
                 f"{start_text(run).split(':')[0]} ({basis})")
        rows.append(("vehicle", label, run.stops, run.gaps))
    for std in route.standards:
        spacing = (
            "no spacing rule"
            if std.max_spacing_m is None
            else f"spacing ≤ {std.max_spacing_m / 1000:.0f} km"
        )
        rows.append(("standard", f"{std.country}: {std.profile}\n{spacing}", std.stops, std.gaps))
    return rows


def _us_span(route: RoutePlan, plan: Plan) -> tuple[float, float] | None:
    if "USA" not in plan.countries:
        return None
    if route.direction == "forward":
        return (0.0, route.border_pos_m / 1000)
    return (route.border_pos_m / 1000, route.length_m / 1000)


def _other(plan: Plan) -> str:
    return next(
        (c for c in plan.countries if c != "USA"), "CAN" if plan.border == "us-ca" else "MEX"
    )


def draw_strip(plan: Plan) -> Figure:
    """The strip chart figure of one plan (one panel per route)."""
    kinds = {s.id: s.kind for s in plan.sites}
    routes = list(plan.routes)
    heights = [max(1, len(_rows(r))) * ROW_H + PANEL_EXTRA for r in routes] or [1.0]
    title = textwrap.wrap(f"{plan.corridor_name}: gaps along each route", width=100)
    header, footer = 0.7 + 0.27 * len(title), 0.55
    total = sum(heights) + header + footer
    with matplotlib.rc_context(style.RC):
        fig = style.new_figure(14.0, total)
        y = total - 0.38
        for line in title:
            fig.text(0.015, y / total, line, fontsize=14, weight="bold", ha="left", va="baseline")
            y -= 0.27
        fig.text(
            0.015,
            (y - 0.03) / total,
            "Bars: gap as counted by the plan (road + detours twice + border wait) against the "
            "limit in grey (vehicle range or the jurisdiction's maximum spacing); red = violation.",
            fontsize=9,
            ha="left",
            va="baseline",
            color="#333333",
        )
        top = total - header
        if not routes:
            fig.text(0.16, (top - 0.5) / total, "This plan has no routes to draw.", fontsize=10)
        for route, h in zip(routes, heights, strict=False):
            bottom = top - h
            _panel(fig, (0.16, (bottom + 0.55) / total, 0.82, (h - 1.0) / total), plan, route,
                   kinds)
            top = bottom
        handles: list[Any] = [
            Patch(facecolor=style.LIMIT_FILL, edgecolor="#999999", label="limit"),
            Patch(facecolor=style.OK, label="gap within limit"),
            Patch(facecolor=style.VIOLATION, label="gap over limit"),
        ]
        for kind in style.KIND_ORDER:
            handles.append(style.kind_handle(kind, style.KIND_STYLE[kind]["label"], 7))
        handles.append(Line2D([], [], color=style.BORDER, ls="--", lw=1.2, label="border"))
        style.draw_legend(fig, handles, anchor=(0.015, 0.0), loc="lower left", ncol=7,
                          fontsize=8.5)
    return fig


def _panel(fig: Figure, rect: tuple[float, float, float, float], plan: Plan, route: RoutePlan,
           kinds: Mapping[str, str]) -> None:
    """One route's panel, in `rect` (figure fractions). Speed (issue 12): the panel is a
    `style.Panel` drawn on the figure, not an Axes; its bars are two PolyCollections and its
    stops one line of markers per kind; its scales are plain texts and tick markers."""
    rows = _rows(route)
    length_km = route.length_m / 1000
    n = max(1, len(rows))
    ax = style.Panel(fig, rect, (-0.01 * length_km, length_km * 1.015), (n - 0.5, -0.6))
    border_km = route.border_pos_m / 1000
    ax.plot([border_km, border_km], [0, 1], transform=ax.get_xaxis_transform(),
            color=style.BORDER, ls="--", lw=1.2, zorder=1)
    other = COUNTRY_NAMES.get(_other(plan), _other(plan))
    left, right = (
        ("United States", other) if route.direction == "forward" else (other, "United States")
    )
    for x, text, ha in ((border_km - length_km * 0.005, f"← {left}", "right"),
                        (border_km + length_km * 0.005, f"{right} →", "left")):
        ax.text(x, -0.5, text, ha=ha, va="center", fontsize=8, color="#333333")
    ax.add(LineCollection([[(0, i), (length_km, i)] for i in range(len(rows))],
                          colors="#888888", linewidths=0.8, zorder=2))
    limits: list[tuple[float, float, float, float]] = []
    bars: list[tuple[float, float, float, float]] = []
    bar_colours: list[str] = []
    stops_by_kind: dict[str, list[tuple[float, int]]] = {}
    for i, (kind, label, stops, gaps) in enumerate(rows):
        ax.text(-0.012, i, label, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontsize=8, color="#555555" if kind == "standard" else "black")
        if not gaps:
            note = (
                "no spacing rule to check on this route"
                if kind == "standard"
                else "no gaps recorded"
            )
            ax.text(length_km / 2, i - 0.2, note, ha="center", va="center", fontsize=7.5,
                    style="italic", color="#777777", zorder=5)
        for j, gap in enumerate(gaps):
            lane = i - 0.18 if j % 2 == 0 else i + 0.18
            x0 = gap.from_pos_m / 1000
            limits.append((x0, lane - 0.13, min(gap.limit_m / 1000, length_km * 1.015 - x0),
                           0.26))
            bad = gap.slack_m < 0
            bars.append((x0, lane - 0.09, gap.length_m / 1000, 0.18))
            bar_colours.append(style.VIOLATION if bad else style.OK)
            if gap.length_m / 1000 >= length_km * 0.07 or bad:
                txt = f"{gap.length_m / 1000:.0f}" + (
                    f"/{gap.limit_m / 1000:.0f} km" if bad else ""
                )
                ax.text(x0 + gap.length_m / 2000, lane, txt, ha="center", va="center",
                        fontsize=7, color="white", weight="bold", zorder=5, clip_on=True)
        for sid in stops:
            pos = route.site_positions.get(sid)
            if pos is not None:
                stops_by_kind.setdefault(kinds.get(sid, "new"), []).append((pos / 1000, i))
    if limits:  # clipped to the panel, as an Axes clips its collections
        ax.add(PolyCollection(style.rectangles(limits), facecolors=style.LIMIT_FILL,
                              edgecolors="#aaaaaa", linewidths=0.5, zorder=3), clip_on=True)
        ax.add(PolyCollection(style.rectangles(bars), facecolors=bar_colours,
                              edgecolors="none", zorder=4), clip_on=True)
    for kind, points in sorted(stops_by_kind.items()):
        st = style.KIND_STYLE.get(kind, style.KIND_STYLE["new"])
        style.markers(ax, [x for x, _ in points], [y for _, y in points], marker=st["marker"],
                      size=st["size"] * 0.7, facecolor=st["color"], edgecolor="black",
                      linewidth=0.6, zorder=6)
    # the left and bottom edges (an Axes' spines)
    ax.plot([0, 0, 1], [1, 0, 0], transform=ax.transAxes, color="black", lw=0.8,
            solid_capstyle="projecting", solid_joinstyle="miter", zorder=2.5)
    _km_scale(ax, -0.01 * length_km, length_km * 1.015)
    span = _us_span(route, plan)
    title = (f"{route.from_name} → {route.to_name}  ({route.direction}, via {route.crossing}; "
             f"{length_km:.1f} km, border at km {border_km:.1f}"
             + (f", border wait {route.border_wait_min:g} min" if route.border_wait_min else "")
             + ")")
    ax.text(0.0, 1.0, title, transform=offset_copy(ax.transAxes, fig, y=21 if span else 6,
                                                   units="points"),
            fontsize=9.5, weight="bold", ha="left", va="baseline")
    if span is not None:
        _mile_scale(ax, span)


def _km_scale(ax: style.Panel, lo: float, hi: float) -> None:
    """The km scale under a panel: the ticks matplotlib's own locator would choose (at most 9
    intervals of 1, 2, 2.5 or 5 x 10^k), drawn as one line of tick marks and a text each."""
    ticks = style.nice_ticks(lo, hi, 9)
    style.draw_ticks(ax, "bottom", ticks, [f"{t:g}" for t in ticks], fontsize=8)
    ax.text(0.5, 0.0, "km from route start", ha="center", va="top", fontsize=8,
            transform=offset_copy(ax.transAxes, ax.figure, y=-19, units="points"))


def _mile_scale(ax: style.Panel, span: tuple[float, float]) -> None:
    """Miles over the US part of the route (`span`, in km) along the top of a panel: tick marks
    and their numbers, and "miles (US side)" in the row-label column on the same line."""
    mi_lo, mi_hi = span[0] / KM_PER_MILE, span[1] / KM_PER_MILE
    step = style.nice_length(max((mi_hi - mi_lo) / 6, 1e-6))
    ticks = [k * step for k in range(math.ceil(mi_lo / step), math.floor(mi_hi / step) + 1)]
    blue = style.COUNTRY_ROAD["USA"]
    style.draw_ticks(ax, "top", [t * KM_PER_MILE for t in ticks], [f"{t:g}" for t in ticks],
                     fontsize=7, color=blue, length=3, pad=1)
    ax.text(-0.012, 1.0, "miles (US side)", ha="right", va="bottom", fontsize=7, color=blue,
            transform=offset_copy(ax.transAxes, ax.figure, y=4, units="points"))
