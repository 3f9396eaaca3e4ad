"""Static corridor map (PNG / SVG) with matplotlib.

Drawn in longitude/latitude with the aspect set for the corridor's middle latitude (an
equirectangular view; the scale bar is computed for that latitude).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from shapely.geometry.base import BaseGeometry

from evcorridor.plan_model import Plan, data_text
from evcorridor.render import style
from evcorridor.render.geodata import (
    MapData,
    fit_box,
    km_per_deg_lon,
    located,
    lon_lat,
    road_label,
)


def _polygon_path(geom: BaseGeometry) -> MplPath | None:
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    for poly in polys:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            pts = list(ring.coords)
            if len(pts) < 3:
                continue
            verts.extend((round(x, 5), round(y, 5)) for x, y, *_ in pts)
            codes.extend(
                [int(MplPath.MOVETO)]
                + [int(MplPath.LINETO)] * (len(pts) - 2)
                + [int(MplPath.CLOSEPOLY)]
            )
    return MplPath(verts, codes) if verts else None


@dataclass(frozen=True)
class Layout:
    """Figure geometry in inches (the map's shape follows the corridor's, within limits)."""

    width: float
    height: float
    left: float
    bottom: float
    map_w: float
    map_h: float
    gap: float
    side_w: float
    title: tuple[str, ...]
    footer: tuple[str, ...]

    def rect(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return (x / self.width, y / self.height, w / self.width, h / self.height)


def layout(data: MapData) -> Layout:
    x0, y0, x1, y1 = data.bbox
    ratio = (x1 - x0) * km_per_deg_lon(data.mid_lat) / ((y1 - y0) * 111.32)
    map_h = 7.2
    map_w = round(min(1.7, max(0.62, ratio)) * map_h, 2)
    left, gap, side_w, right = 0.45, 0.35, 4.3, 0.2
    width = round(left + map_w + gap + side_w + right, 2)
    title = tuple(textwrap.wrap(data.plan.corridor_name, width=max(30, int(width * 7.0))))
    footer_text = [
        attribution(data.plan),
        data_dates(data.plan, data),
    ]
    footer = tuple(line for t in footer_text for line in textwrap.wrap(t, int(width * 15.5)))
    bottom = 0.42 + 0.15 * len(footer)
    height = round(bottom + map_h + 0.35 + 0.28 * len(title) + 0.45, 2)
    return Layout(width, height, left, bottom, map_w, map_h, gap, side_w, title, footer)


SPARE_FILL = "#c9ebd0"


def used_ids(plan: Plan) -> set[str]:
    """Sites the plan uses: a stop of some vehicle or spacing rule on any route, or where a
    vehicle starts (`used_by`). The map, its legend, the subtitle and the report count these."""
    used = {sid for r in plan.routes for v in r.vehicles for sid in v.stops}
    used |= {sid for r in plan.routes for st in r.standards for sid in st.stops}
    return used | {s.id for s in plan.sites if s.used_by}


def counts(plan: Plan) -> dict[str, int]:
    out = {k: 0 for k in style.KIND_ORDER}
    for s in plan.sites:
        out[s.kind] = out.get(s.kind, 0) + 1
    used = used_ids(plan)  # existing stations the plan uses, of those listed
    out["used"] = sum(1 for s in plan.sites if s.kind == "existing" and s.id in used)
    return out


def subtitle(plan: Plan) -> str:
    c = counts(plan)
    verdict = "feasible" if plan.feasible else "NOT feasible"
    return (
        f"{c['new']} new · {c['upgrade']} upgraded · used {c['used']} of {c['existing']} existing"
        "   ·   "
        f"solver {plan.solver.name}: {plan.solver.status}   ·   plan {verdict}"
    )


def data_dates(plan: Plan, data: MapData | None = None) -> str:
    """The footer's data line: each source with its date (plan_model.data_text); for a plan made
    before the sources were recorded, the date of the network drawn."""
    if plan.data_sources or data is None or not data.network_date:
        return data_text(plan)
    return (f"{data_text(plan)[:-1]}; network drawn: {data.network_source or '?'} "
            f"{data.network_date}.")


# station data sources whose rows are AFDC data (already credited) or OpenStreetMap (credited)
_CREDITED = {"afdc", "afdc-api", "geojson", "osm", "plan"}
_SOURCE_NAMES = {  # the credit line of a source that ATTRIBUTION does not name already
    "ocm": "Open Charge Map contributors (CC BY 4.0)",
    "supercharge": "supercharge.info (Tesla Superchargers)",
    "tesla": "supercharge.info (Tesla Superchargers)",
}


def attribution(plan: Plan) -> str:
    """The credits line of maps and reports: the roads of the plan's network (Travel Mapping
    and OpenStreetMap, or OpenStreetMap alone for a network pulled from Overpass), AFDC and any
    other station source, Natural Earth; for a plan on a user's network (`--network`), that
    network by its name and the boundaries drawn, not the shipped roads and stations it does
    not use. A plan without recorded sources (version 1) credits Travel Mapping."""
    networks = sorted({d.name for d in plan.data_sources if d.kind == "network"})
    roads = [style.ROAD_CREDITS[n] for n in networks if n in style.ROAD_CREDITS]
    if networks and not roads:
        return (f"Network: {', '.join(networks)} (the file given with --network). "
                "Boundaries: Natural Earth.")
    sources = {src for sd in plan.station_data for src in sd.sources}
    sources |= {s.source for s in plan.sites}
    names = sorted({_SOURCE_NAMES.get(s, s) for s in sources - _CREDITED})
    return style.ATTRIBUTION.format(
        roads="; ".join(roads) or style.ROAD_CREDITS["Travel Mapping"],
        extra=(", " + ", ".join(names)) if names else "")


def _scale_bar(ax: matplotlib.axes.Axes, data: MapData) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    kpd = km_per_deg_lon(data.mid_lat)
    width_km = (x1 - x0) * kpd
    length = style.nice_length(width_km / 4)
    seg = length / 2 / kpd
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    h = (y1 - y0) * 0.008
    for i, colour in enumerate(("#222222", "white")):
        ax.add_patch(
            Rectangle(
                (bx + i * seg, by),
                seg,
                h,
                facecolor=colour,
                edgecolor="#222222",
                linewidth=0.8,
                zorder=20,
            )
        )
    label = f"{length:g} km ({length / 1.609344:.1f} mi) at {data.mid_lat:.1f}°N"
    ax.text(
        bx,
        by + h * 2.2,
        label,
        fontsize=8,
        zorder=20,
        va="bottom",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5},
    )


def _degree_ticks(ax: matplotlib.axes.Axes, lon: tuple[float, float], lat: tuple[float, float],
                  lay: Layout) -> None:
    """Longitude and latitude ticks (0.1° labels) along the bottom and the left of the map, as
    matplotlib's locator would place them (at most one per ~0.3 inch, nice steps)."""
    for which, (lo, hi), inches in (("bottom", lon, lay.map_w), ("left", lat, lay.map_h)):
        ticks = style.nice_ticks(lo, hi, max(3, min(9, int(inches / 0.6))))
        style.draw_ticks(ax, which, ticks, [f"{t:.1f}°" for t in ticks], fontsize=7,
                         color="#555555")


def draw_map(data: MapData) -> Figure:
    """The static map figure of one plan."""
    plan = data.plan
    with matplotlib.rc_context(style.RC):
        lay = layout(data)
        fig = style.new_figure(lay.width, lay.height)
        ax = fig.add_axes(lay.rect(lay.left, lay.bottom, lay.map_w, lay.map_h))
        # the side panel (legend and summary) is drawn on the figure in this box: no Axes
        side = lay.rect(lay.left + lay.map_w + lay.gap, lay.bottom, lay.side_w, lay.map_h)
        x0, y0, x1, y1 = fit_box(data.bbox, data.mid_lat, lay.map_w / lay.map_h)
        ax.set_facecolor("#dfe9f2")  # water / outside the three countries
        for code, geom in sorted(data.countries.items()):
            path = _polygon_path(geom)
            if path is not None:  # add_artist: the view is set below, so the patch need not
                # widen the data limits (add_patch walks every vertex to do that)
                ax.add_artist(
                    PathPatch(
                        path,
                        facecolor=style.COUNTRY_FILL.get(code, "#f2f2f2"),
                        edgecolor="#b0b0b0",
                        linewidth=0.5,
                        zorder=1,
                    )
                )
        if data.border:
            ax.add_collection(
                LineCollection(
                    list(data.border),
                    colors=style.BORDER,
                    linewidths=1.4,
                    linestyles="dashdot",
                    zorder=3,
                )
            )
        for lg in data.longest:
            if len(lg.coords) >= 2:
                width, alpha = (10.0, 0.65) if lg.direction == "forward" else (4.5, 0.9)
                ax.add_collection(
                    LineCollection(
                        [lg.coords],
                        colors=style.LONGEST[lg.direction],
                        linewidths=width,
                        alpha=alpha,
                        zorder=4,
                        capstyle="round",
                    )
                )
        for code, lines in sorted(data.roads.items()):
            ax.add_collection(
                LineCollection(
                    lines,
                    colors=style.COUNTRY_ROAD.get(code, "#555555"),
                    linewidths=1.3,
                    zorder=5,
                    capstyle="round",
                )
            )
        # labels of neighbouring crossings go up (northern one) and down (southern one)
        by_lat = sorted(data.crossings, key=lambda c: (-c[2], c[0]))
        for i, (cid, lon, lat) in enumerate(by_lat):
            style.markers(ax, [lon], [lat], marker="s", size=70, facecolor="white",
                          edgecolor="black", linewidth=1.6, zorder=8)
            ax.annotate(
                textwrap.fill(data.crossing_names.get(cid, cid), 26),
                (lon, lat),
                xytext=(7, 4) if i % 2 == 0 else (7, -4),
                textcoords="offset points",
                va="bottom" if i % 2 == 0 else "top",
                fontsize=8,
                zorder=9,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.0},
            )
        for name, lon, lat in data.endpoints:  # where the trip starts and ends, by name
            style.markers(ax, [lon], [lat], marker="o", size=22, facecolor="black",
                          edgecolor="white", linewidth=0.8, zorder=8)
            ax.annotate(name, (lon, lat), xytext=(-6, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=8, fontweight="bold", zorder=9,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75,
                              "pad": 1.0})
        used = used_ids(plan)
        spare = sorted(
            (s for s in plan.sites if s.kind == "existing" and s.id not in used and located(s)),
            key=lambda s: s.id,
        )
        if spare:  # qualifying existing stations no vehicle needs to stop at: small, behind
            style.markers(ax, [lon_lat(s)[0] for s in spare], [lon_lat(s)[1] for s in spare],
                          marker="o", size=14, facecolor=SPARE_FILL,
                          edgecolor=style.KIND_STYLE["existing"]["color"], linewidth=0.6,
                          zorder=9)
        for kind in style.KIND_ORDER:
            sites = sorted(
                (s for s in plan.sites if s.kind == kind and located(s)
                 and (kind != "existing" or s.id in used)),
                key=lambda s: s.id,
            )
            if sites:
                st = style.KIND_STYLE[kind]
                style.markers(ax, [lon_lat(s)[0] for s in sites],
                              [lon_lat(s)[1] for s in sites], marker=st["marker"],
                              size=st["size"], facecolor=st["color"], edgecolor="black",
                              linewidth=0.7, zorder=10 + style.KIND_ORDER.index(kind))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1.0 / max(0.2, km_per_deg_lon(data.mid_lat) / 111.32), adjustable="box")
        _degree_ticks(ax, (x0, x1), (y0, y1), lay)
        _scale_bar(ax, data)

        handles: list[Line2D] = []
        for code in sorted(data.roads):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=style.COUNTRY_ROAD.get(code, "#555555"),
                    lw=2,
                    label=road_label(code),
                )
            )
        if data.border:
            handles.append(
                Line2D(
                    [], [], color=style.BORDER, lw=1.4, ls="dashdot", label="International border"
                )
            )
        if data.crossings:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="s",
                    ls="",
                    markersize=8,
                    markerfacecolor="white",
                    markeredgecolor="black",
                    markeredgewidth=1.6,
                    label="Border crossing",
                )
            )
        n = counts(plan)
        for kind in style.KIND_ORDER:
            st = style.KIND_STYLE[kind]
            count = n[kind] - (len(spare) if kind == "existing" else 0)
            label = f"{st['label']} ({count})"
            if kind == "existing":
                label = f"Existing station, qualifies, used ({count})"
            handles.append(style.kind_handle(kind, label, 8))
            if kind == "existing" and spare:
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        ls="",
                        markersize=4.5,
                        markerfacecolor=SPARE_FILL,
                        markeredgecolor=st["color"],
                        label=f"Existing station, qualifies, not needed ({len(spare)})",
                    )
                )
        for lg in data.longest:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=style.LONGEST[lg.direction],
                    lw=6,
                    alpha=0.75,
                    label=f"Longest gap, {lg.direction}: {lg.gap.length_m / 1000:.1f} km",
                )
            )
        style.draw_legend(fig, handles, anchor=(side[0], side[1] + side[3]), loc="upper left",
                          fontsize=9, title="Legend", title_fontsize=10)
        fig.text(
            side[0],
            side[1] + 0.60 * side[3],
            summary_text(data),
            va="top",
            ha="left",
            fontsize=8.2,
            linespacing=1.45,
            wrap=False,
        )

        top = lay.height - 0.42
        for line in lay.title:
            fig.text(
                lay.left / lay.width,
                top / lay.height,
                line,
                fontsize=15,
                weight="bold",
                ha="left",
                va="baseline",
            )
            top -= 0.28
        fig.text(
            lay.left / lay.width,
            (top - 0.02) / lay.height,
            subtitle(plan),
            fontsize=10,
            ha="left",
            va="baseline",
            color="#333333",
        )
        foot = [*lay.footer]
        for k, line in enumerate(foot):
            fig.text(
                lay.left / lay.width,
                (0.12 + 0.15 * (len(foot) - 1 - k)) / lay.height,
                line,
                fontsize=7.5,
                ha="left",
                va="baseline",
                color="#444444",
            )
    return fig


def summary_text(data: MapData) -> str:
    plan = data.plan
    lines: list[str] = []
    for lg in data.longest:
        lines.append(f"Longest gap {lg.direction} ({lg.vehicle}):")
        lines.append(f"  {_short(lg.from_name)} → {_short(lg.to_name)}")
        lines.append(
            f"  {lg.gap.length_m / 1000:.1f} km of {lg.gap.limit_m / 1000:.1f} km allowed"
            + ("  VIOLATION" if lg.gap.slack_m < 0 else "")
        )
    lines.append("")
    # crossings and endpoints by name, as on the map (their ids are in plan.json)
    for crossing in dict.fromkeys(r.crossing for r in plan.routes):
        name = data.crossing_names.get(crossing, crossing)
        lines += textwrap.wrap(f"Via {name}:", 46, subsequent_indent="  ")
        for route in (r for r in plan.routes if r.crossing == crossing):
            bad = sum(1 for r in route.vehicles if not r.feasible) + sum(
                1 for s in route.standards if not s.feasible
            )
            lines.append(f"  {route.direction}: {_short(route.from_name, 20)} → "
                         f"{_short(route.to_name, 20)}")
            lines.append(
                f"    {route.length_m / 1000:.1f} km, border at km "
                f"{route.border_pos_m / 1000:.1f}"
                + (f", {bad} rule(s) broken" if bad else ", all rules hold")
            )
    if plan.solver.objective is not None:
        lines.append("")
        lines.append(
            f"Cost (objective): {plan.solver.objective:g}"
            + (f", bound {plan.solver.best_bound:g}" if plan.solver.best_bound is not None else "")
        )
    if plan.infeasibilities:
        lines.append(f"Uncoverable stretches: {len(plan.infeasibilities)}")
    if plan.coverage is not None:
        cov = plan.coverage
        share = cov.covered_flow / cov.total_flow if cov.total_flow else 0.0
        lines.append(f"Flow covered: {cov.covered_flow:g} of {cov.total_flow:g} ({share:.1%})")
        lines.append(f"  budget {cov.budget} new site(s), {cov.trip} trips")
    for note in data.notes:
        lines.append("")
        lines.append(note)
    return "\n".join(lines)


def _short(name: str, n: int = 30) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"
