"""Border-wide maps of a `plan --border` run: one static figure (PNG) and one offline HTML map.

Each port is a marker coloured by its state: green = every vehicle passable today (existing
stations as they are), orange = passable with the plan, red = not passable even with the plan,
grey cross = too little road data. Planned corridors are drawn as their main routes; new sites
and upgrades as dots. Same inputs => same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from branca.element import Element
from matplotlib.figure import Figure

from evcorridor.network import load_border_lines, load_boundaries
from evcorridor.render.html_map import JsPopup, _reset_ids, _tip, leaflet_inline
from evcorridor.render.lightfolium import folium
from evcorridor.render.style import figure_bytes

Coords = Callable[[int], tuple[float, float] | None]  # node id -> (lat, lon)
COLOURS = {"today": "#2e7d32", "plan": "#ef6c00", "no": "#c62828", "nodata": "#757575"}
SITE_COLOURS = {"new": "#c62828", "upgrade": "#ef6c00"}


def state(row: dict[str, Any]) -> str:
    if not row.get("vehicles"):
        return "nodata"
    vs = row["vehicles"].values()
    if all(v["passable_today"] for v in vs):
        return "today"
    if all(v["passable_with_plan"] for v in vs):
        return "plan"
    return "no"


def _lines(plan: Any, coords: Coords) -> list[list[tuple[float, float]]]:
    out = []
    for r in plan.routes:
        if r.direction != "forward":
            continue
        pts = [p for p in (coords(n) for n in r.nodes) if p is not None]
        if len(pts) > 1:
            out.append(pts)
    return out


def border_png(rows: list[dict[str, Any]], plans: dict[str, Any], coords: Coords,
               title: str) -> bytes:
    fig = Figure(figsize=(14, 8))
    ax = fig.add_subplot(1, 1, 1)
    for code, geom in sorted(load_boundaries().items()):
        for poly in getattr(geom, "geoms", [geom]):
            x, y = poly.exterior.xy
            ax.fill(list(x), list(y), color={"USA": "#f3f3f3", "CAN": "#e8eef7",
                                             "MEX": "#f4eee6"}.get(code, "#eee"), lw=0)
    for _, line in sorted(load_border_lines().items()):
        for part in getattr(line, "geoms", [line]):
            x, y = part.xy
            ax.plot(list(x), list(y), color="#555", lw=0.8)
    for row in rows:
        plan = plans.get(row["crossing"])
        if plan is not None:
            for pts in _lines(plan, coords):
                ax.plot([p[1] for p in pts], [p[0] for p in pts], color="#1f4e79", lw=1.0)
            for s in plan.sites:
                if s.kind in SITE_COLOURS:
                    ax.plot(s.lon, s.lat, "o", ms=3, color=SITE_COLOURS[s.kind])
    for row in rows:
        st = state(row)
        lat, lon = row["lat"], row["lon"]
        if st == "nodata":
            ax.plot(lon, lat, "x", ms=6, color=COLOURS[st])
        else:
            ax.plot(lon, lat, "^", ms=7, color=COLOURS[st], markeredgecolor="black", mew=0.5)
    lats = [r["lat"] for r in rows] or [40.0]
    lons = [r["lon"] for r in rows] or [-100.0]
    ax.set_xlim(min(lons) - 4, max(lons) + 4)
    ax.set_ylim(min(lats) - 5, max(lats) + 5)
    ax.set_aspect(1.3)
    ax.set_title(title)
    handles = [ax.plot([], [], "^", color=COLOURS[k], label=lab)[0] for k, lab in (
        ("today", "passable today (every vehicle)"), ("plan", "passable with the plan"),
        ("no", "not passable even with the plan"))]
    handles.append(ax.plot([], [], "x", color=COLOURS["nodata"], label="too little road data")[0])
    handles += [ax.plot([], [], "o", color=c, label=f"{k} site")[0]
                for k, c in SITE_COLOURS.items()]
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    ax.text(0.99, 0.01, "Travel Mapping Project; (c) OpenStreetMap contributors; U.S. DOE AFDC; "
            "Natural Earth; U.S. BTS", transform=ax.transAxes, ha="right", fontsize=6)
    return figure_bytes(fig, "png")


def border_html(rows: list[dict[str, Any]], plans: dict[str, Any], coords: Coords,
                title: str) -> bytes:
    lats = [r["lat"] for r in rows] or [40.0]
    lons = [r["lon"] for r in rows] or [-100.0]
    m = folium.Map(location=[round(sum(lats) / len(lats), 4), round(sum(lons) / len(lons), 4)],
                   zoom_start=4, tiles=None, control_scale=True)
    m.default_js = []
    m.default_css = []
    root: Any = m.get_root()
    root.header.add_child(Element(leaflet_inline()), name="leaflet_inline")
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="page_title")
    for code, geom in sorted(load_boundaries().items()):
        folium.GeoJson(geom.__geo_interface__, name=code,
                       style_function=lambda _f: {"color": "#999", "weight": 1,
                                                  "fillOpacity": 0.05}).add_to(m)
    routes = folium.FeatureGroup(name="planned corridors")
    sites = folium.FeatureGroup(name="new sites and upgrades")
    for row in rows:
        plan = plans.get(row["crossing"])
        if plan is None:
            continue
        for pts in _lines(plan, coords):
            folium.PolyLine([[round(a, 5), round(b, 5)] for a, b in pts], weight=2,
                            color="#1f4e79").add_to(routes)
        for s in plan.sites:
            if s.kind in SITE_COLOURS:
                folium.CircleMarker([round(s.lat, 5), round(s.lon, 5)], radius=3,
                                    color=SITE_COLOURS[s.kind], fill=True,
                                    tooltip=_tip(f"{s.kind}: {s.name}")).add_to(sites)
    routes.add_to(m)
    sites.add_to(m)
    ports = folium.FeatureGroup(name="ports")
    for row in rows:
        st = state(row)
        lines = [f"<b>{html.escape(row['name'])}</b>", html.escape(f"status: {row['status']}")]
        if row.get("reason"):
            lines.append(html.escape(row["reason"]))
        for vid, v in sorted(row.get("vehicles", {}).items()):
            lines.append(html.escape(f"{vid}: today {'yes' if v['passable_today'] else 'no'}, "
                                     f"with plan {'yes' if v['passable_with_plan'] else 'no'}"))
        if row.get("cost") is not None:
            lines.append(html.escape(f"cost {row['cost']:g}"))
        marker = folium.CircleMarker([round(row["lat"], 5), round(row["lon"], 5)], radius=6,
                                     color="black", weight=1, fill=True,
                                     fill_color=COLOURS[st], fill_opacity=0.9)
        marker.add_child(JsPopup("<br>".join(lines)))
        marker.add_to(ports)
    ports.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    _reset_ids(root)
    text = root.render()
    return ("\n".join(line.rstrip() for line in text.splitlines()) + "\n").encode("utf-8")


__all__ = ["border_html", "border_png", "state"]
