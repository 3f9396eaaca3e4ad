"""Interactive HTML map (folium / Leaflet) that opens offline from the file alone.

- No CDN: Leaflet 1.9.4 (vendored in `assets/leaflet/`, BSD-2-Clause, see its LICENSE) is inlined,
  with its images as data: URIs; folium's other CDN assets (jQuery, Bootstrap, Font Awesome,
  awesome-markers) are not used and not referenced.
- No basemap tiles by default (no network): the country polygons, the border and the road network
  are drawn as layers; sites are CircleMarkers (no icon images). `basemap="osm"` adds the
  OpenStreetMap standard tiles (with their attribution) under those layers and makes the country
  fills translucent; without a network the tiles fail and the page is the offline map.
- Deterministic: folium names elements with uuid4; every `_id` is replaced by a counter before
  rendering, coordinates are rounded, layers are added in a fixed order.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from branca.element import Element, MacroElement
from jinja2 import Template

from evcorridor.outputs import directions_text
from evcorridor.plan_model import Plan, Site
from evcorridor.render import style
from evcorridor.render.geodata import MapData, located, lon_lat, road_label
from evcorridor.render.lightfolium import folium
from evcorridor.render.templating import render

ASSETS = Path(__file__).resolve().parent / "assets" / "leaflet"
LEAFLET_VERSION = "1.9.4"


_EXTRA_CSS = """<style>
.leaflet-container{background:#dfe9f2;}
.leaflet-pane > svg path.evc-static{pointer-events:none;}
.evc-popup td{padding:1px 6px 1px 0;vertical-align:top;}
.evc-popup{font:12px/1.35 'DejaVu Sans',Arial,sans-serif;}
.leaflet-control-attribution{max-width:55vw;}
</style>"""


@lru_cache(maxsize=1)
def leaflet_inline() -> str:
    """Leaflet's CSS and JS as inline <style>/<script>, images as data: URIs."""
    css = (ASSETS / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match[str]) -> str:
        img = ASSETS / m.group(1)
        return f"url(data:image/png;base64,{base64.b64encode(img.read_bytes()).decode('ascii')})"

    css = re.sub(r"url\((images/[a-z0-9-]+\.png)\)", data_uri, css)
    js = (ASSETS / "leaflet.js").read_text(encoding="utf-8")
    return (
        f"<!-- Leaflet {LEAFLET_VERSION} (BSD-2-Clause, (c) Volodymyr Agafonkin, CloudMade), "
        f"inlined so the map opens offline -->\n<style>{css}</style>\n<script>{js}</script>\n"
        + _EXTRA_CSS
    )


def _walk(el: Any) -> Iterator[Any]:
    yield el
    for child in list(getattr(el, "_children", {}).values()):
        yield from _walk(child)


def _reset_ids(root: Any) -> None:
    for i, el in enumerate(_walk(root)):
        el._id = f"{i:06d}"


def _latlon(coords: Any) -> list[list[float]]:
    return [[round(float(y), 5), round(float(x), 5)] for x, y, *_ in coords]


class JsPopup(MacroElement):
    """A Leaflet popup bound with plain `bindPopup` (folium's Popup needs jQuery; this does not)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindPopup({{ this.content|tojson }}, "
        "{{ this.options|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, content: str, max_width: int = 380) -> None:
        super().__init__()
        self._name = "JsPopup"
        self.content = content
        self.options = {"maxWidth": max_width}


def _tip(text: str) -> str:
    """Tooltip text for folium (inserted into a JS template literal: no backticks or ${)."""
    return html.escape(text).replace("`", "'").replace("${", "$ {")


def popup_html(site: Site, plan: Plan) -> str:
    """The popup table of one site (template `popup.html.j2`): where it is, what it offers, who
    uses it, where its data comes from."""
    kind = {
        "new": "new site (planned)",
        "upgrade": "existing station, upgraded",
        "existing": "existing station (qualifies as is)",
    }.get(site.kind, site.kind)
    positions = [
        (route.id, route.site_positions[site.id] / 1000)
        for route in plan.routes
        if site.id in route.site_positions
    ]
    used_by = sorted(
        {run.vehicle for r in plan.routes for run in r.vehicles if site.id in run.stops}
    )
    return render(
        "popup.html.j2",
        site=site,
        kind=kind,
        connectors=site.connector_labels(),
        directions=directions_text(site),
        positions=positions,
        used_by=used_by,
        source=style.site_source(site),
        cost_unit=plan.cost_unit(),
    ).strip()


#: OpenStreetMap's standard tile layer (tile usage policy: attribution, no heavy use)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
BASEMAPS = ("none", "osm")


def build_map(data: MapData, basemap: str = "none") -> folium.Map:
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r} (choose from {', '.join(BASEMAPS)})")
    plan = data.plan
    x0, y0, x1, y1 = data.bbox
    m = folium.Map(
        location=[round((y0 + y1) / 2, 5), round((x0 + x1) / 2, 5)],
        zoom_start=8,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    m.default_js = []
    m.default_css = []
    root: Any = m.get_root()
    root.header.add_child(Element(leaflet_inline()), name="leaflet_inline")
    root.header.add_child(
        Element(f"<title>{html.escape(plan.corridor_name)}</title>"), name="page_title"
    )

    if basemap == "osm":
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19,
                         control=True).add_to(m)
    countries = folium.FeatureGroup(name="Countries (Natural Earth)", control=True)
    for code, geom in sorted((data.countries_wide or data.countries).items()):
        polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        for poly in polys:
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            folium.Polygon(
                locations=_latlon(poly.exterior.coords),
                color="#b0b0b0",
                weight=0.6,
                fill=True,
                fill_color=style.COUNTRY_FILL.get(code, "#f2f2f2"),
                fill_opacity=1.0 if basemap == "none" else 0.25,
                class_name="evc-static",
            ).add_to(countries)
    countries.add_to(m)
    if data.border:
        border = folium.FeatureGroup(name="International border")
        for line in data.border:
            folium.PolyLine(
                _latlon(line),
                color=style.BORDER,
                weight=2,
                dash_array="8 4 2 4",
                class_name="evc-static",
            ).add_to(border)
        border.add_to(m)
    for code, lines in sorted(data.roads.items()):
        fg = folium.FeatureGroup(name=html.escape(road_label(code)))
        for line in lines:
            folium.PolyLine(
                _latlon(line),
                color=style.COUNTRY_ROAD.get(code, "#555555"),
                weight=2.5,
                class_name="evc-static",
            ).add_to(fg)
        fg.add_to(m)
    if data.longest:
        fg = folium.FeatureGroup(name="Longest gap per direction")
        for lg in data.longest:
            if len(lg.coords) < 2:
                continue
            tip = (
                f"Longest gap {lg.direction} ({lg.vehicle}): {lg.from_name} → {lg.to_name}, "
                f"{lg.gap.length_m / 1000:.1f} km of {lg.gap.limit_m / 1000:.1f} km"
            )
            folium.PolyLine(
                _latlon(lg.coords),
                color=style.LONGEST[lg.direction],
                weight=12 if lg.direction == "forward" else 6,
                opacity=0.7,
                class_name=f"evc-longest evc-{lg.direction}",
                tooltip=_tip(tip),
            ).add_to(fg)
        fg.add_to(m)
    if data.crossings:
        fg = folium.FeatureGroup(name="Border crossings")
        for cid, lon, lat in data.crossings:
            folium.CircleMarker(
                [lat, lon],
                radius=7,
                color="black",
                weight=2.5,
                fill=True,
                fill_color="white",
                fill_opacity=1.0,
                class_name="evc-crossing",
                tooltip=_tip(f"Border crossing: {data.crossing_names.get(cid, cid)}"),
            ).add_to(fg)
        fg.add_to(m)
    from evcorridor.render.static_map import SPARE_FILL, used_ids

    used = used_ids(plan)
    groups = [  # (layer name, kind, sites, spare)
        ("Existing stations, qualify, used", "existing", True, False),
        ("Existing stations, qualify, not needed", "existing", False, True),
        ("Existing stations, upgraded", "upgrade", None, False),
        ("New sites", "new", None, False),
    ]
    for layer, kind, want_used, spare in groups:
        sites = sorted(
            (
                s
                for s in plan.sites
                if s.kind == kind and located(s)
                and (want_used is None or (s.id in used) == want_used)
            ),
            key=lambda s: s.id,
        )
        if not sites:
            continue
        fg = folium.FeatureGroup(name=f"{layer} ({len(sites)})")
        colour = style.KIND_STYLE[kind]["color"]
        for s in sites:
            folium.CircleMarker(
                [round(lon_lat(s)[1], 5), round(lon_lat(s)[0], 5)],
                radius=4 if spare else 8 if kind == "new" else 7,
                color=colour if spare else "black",
                weight=1.2,
                fill=True,
                fill_color=SPARE_FILL if spare else colour,
                fill_opacity=1.0,
                class_name=f"evc-site evc-{kind}",
                tooltip=_tip(s.name),
            ).add_child(JsPopup(popup_html(s, plan))).add_to(fg)
        fg.add_to(m)
    by_id = {s.id: s for s in plan.sites}
    vehicles = sorted({run.vehicle for r in plan.routes for run in r.vehicles})
    for vehicle in vehicles:
        stops = sorted(
            {
                sid
                for r in plan.routes
                for run in r.vehicles
                if run.vehicle == vehicle
                for sid in run.stops
                if sid in by_id
            }
        )
        fg = folium.FeatureGroup(
            name=html.escape(f"Stops of vehicle {vehicle} ({len(stops)})"), show=False
        )
        for sid in stops:
            s = by_id[sid]
            if not located(s):
                continue
            folium.CircleMarker(
                [round(lon_lat(s)[1], 5), round(lon_lat(s)[0], 5)],
                radius=13,
                color="#111111",
                weight=2,
                fill=False,
                class_name="evc-stop",
                tooltip=_tip(f"{vehicle} stops at {s.name}"),
            ).add_to(fg)
        fg.add_to(m)
    m.fit_bounds([[y0, x0], [y1, x1]])
    folium.LayerControl(collapsed=False).add_to(m)
    title = html.escape(plan.corridor_name)
    attribution = html.escape(_attribution(data))
    root.html.add_child(Element(_OVERLAY.format(title=title)), name="evc_overlay")
    root.html.add_child(Element(legend_html(data)), name="evc_legend")
    m.add_child(MapSetup(attribution, [[y0, x0], [y1, x1]]))
    return m


_OVERLAY = """<div style="position:fixed;top:10px;left:60px;z-index:1000;
background:rgba(255,255,255,.9);padding:4px 8px;font:bold 15px DejaVu Sans,Arial,sans-serif;
border-radius:4px">{title}</div>"""


def legend_html(data: MapData) -> str:
    """A fixed colour key (bottom left) for the site kinds, crossings, roads and longest gaps."""

    def dot(fill: str, edge: str = "#000", size: int = 12) -> str:
        return (
            f'<span style="display:inline-block;width:{size}px;height:{size}px;'
            f"border-radius:50%;background:{fill};border:1.5px solid {edge};"
            'vertical-align:middle;margin-right:6px"></span>'
        )

    def bar(colour: str, height: int = 4) -> str:
        return (
            f'<span style="display:inline-block;width:22px;height:{height}px;'
            f'background:{colour};vertical-align:middle;margin-right:6px"></span>'
        )

    from evcorridor.render.static_map import SPARE_FILL, used_ids

    used = used_ids(data.plan)
    n = {k: sum(1 for s in data.plan.sites if s.kind == k) for k in style.KIND_ORDER}
    spare = sum(1 for s in data.plan.sites if s.kind == "existing" and s.id not in used)
    green = style.KIND_STYLE["existing"]["color"]
    rows = [f"{dot(green)}Existing station, qualifies, used ({n['existing'] - spare})"]
    if spare:
        rows.append(f"{dot(SPARE_FILL, green, 8)}Existing station, qualifies, not needed ({spare})")
    rows += [
        f"{dot(style.KIND_STYLE[k]['color'])}{html.escape(style.KIND_STYLE[k]['label'])} ({n[k]})"
        for k in ("upgrade", "new")
    ]
    if data.crossings:
        rows.append(f"{dot('#fff', '#000')}Border crossing")
    rows += [
        f"{bar(style.COUNTRY_ROAD.get(c, '#555'))}{html.escape(road_label(c))}"
        for c in sorted(data.roads)
    ]
    rows += [
        f"{bar(style.LONGEST[lg.direction], 8)}Longest gap, {lg.direction}: "
        f"{lg.gap.length_m / 1000:.1f} km"
        for lg in data.longest
    ]
    rows += [html.escape(note) for note in data.notes]
    return (
        '<div class="evc-legend" style="position:fixed;bottom:60px;left:10px;z-index:1000;'
        "background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;"
        "font:12px/1.7 'DejaVu Sans',Arial,sans-serif\">" + "<br>".join(rows) + "</div>"
    )


class MapSetup(MacroElement):
    """Data attribution in Leaflet's attribution control, and a re-fit once the page has its
    final size (a window resized before the first paint would otherwise leave layers clipped)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});"
        "window.addEventListener('load', function () {"
        " {{ this._parent.get_name() }}.invalidateSize(false);"
        " {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }});"
        " });"
        "{% endmacro %}"
    )

    def __init__(self, text: str, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.text = text
        self.bounds = bounds


def _attribution(data: MapData) -> str:
    """Credits and the data line (each source with its date), in Leaflet's attribution box."""
    from evcorridor.render.static_map import attribution, data_dates

    return f"{attribution(data.plan)} {data_dates(data.plan, data)}"


class LiteralTemplate:
    """What `jinja2.Template(text)` renders for a `text` without Jinja syntax: the text less one
    trailing newline (Jinja's default keep_trailing_newline=False); see `literal_templates`."""

    def __init__(self, text: str) -> None:
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text


def template_or_literal(text: str) -> Any:
    """A LiteralTemplate when `text` has nothing Jinja would act on (no `{{`, `{%`, `{#` and no
    carriage return, which Jinja turns into a newline), else the compiled Jinja template."""
    if "{{" in text or "{%" in text or "{#" in text or "\r" in text:
        return Template(text)
    return LiteralTemplate(text)


@contextmanager
def literal_templates() -> Iterator[None]:
    """While folium renders a map, text without Jinja syntax is not compiled as a template.

    branca's MacroElement.render wraps each element's rendered JavaScript (every polyline with
    its coordinates, every marker) in `Element(text)`, whose constructor compiles `text` as a
    Jinja template only to render it back unchanged: four fifths of the time of an HTML map. For
    the duration, branca.element's `Template` makes a LiteralTemplate of such text (the same
    output, tests/test_render_speed.py) and compiles the rest as before."""
    import branca.element as branca_element

    saved = branca_element.Template
    branca_element.Template = template_or_literal  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        branca_element.Template = saved  # type: ignore[misc]


def render_html(data: MapData, basemap: str = "none") -> bytes:
    """The interactive map as one self-contained HTML document (deterministic bytes); `basemap`
    "osm" adds OpenStreetMap tiles (online only)."""
    with literal_templates():
        m = build_map(data, basemap)
        root = m.get_root()
        _reset_ids(root)
        text = root.render()
    text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    return text.encode("utf-8")
