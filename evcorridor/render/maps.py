"""Render a plan's pictures to bytes, write them atomically, or check that files are up to date.

File layout for one plan (inside `<out>/<corridor>/`, or beside the plan file):

    map.png  map.svg   static map          (--png / --svg)
    map.html           interactive map     (--html)
    strip.png strip.svg strip chart        (--strip; formats follow --png/--svg when given)

Everything is rendered in memory first; only when every picture of every plan succeeded are the
files moved into place (`evcorridor.atomic.staged_dir`), so a failed render leaves no partial files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from shapely.geometry.base import BaseGeometry

from evcorridor.atomic import write_tree
from evcorridor.errors import OutputError
from evcorridor.outpaths import inside
from evcorridor.plan_model import Plan
from evcorridor.render.geodata import (
    gather,
    load_border_geometries,
    load_country_shapes,
    load_graph,
    mappable,
)

ALL_KINDS = ("png", "svg", "html", "strip")

#: a plan's sizing part of its report: (Markdown section, {file name: bytes}, its row of the
#: index (render/sizing_report.index_row) or None)
SizingPart = tuple[str, dict[str, bytes], "dict[str, object] | None"]


@dataclass(frozen=True)
class MapRequest:
    """Which pictures to render. No flag at all means everything."""

    png: bool = False
    svg: bool = False
    html: bool = False
    strip: bool = False
    basemap: str = "none"  # map.html background: "none" (offline) or "osm" (OpenStreetMap tiles)
    # also the sizing section and chart of the sizing.json beside the plan (for `report`: drawn
    # with the pictures, in the same worker process)
    sizing: bool = False

    @property
    def everything(self) -> bool:
        return not (self.png or self.svg or self.html or self.strip)

    def files(self) -> list[str]:
        if self.everything:
            return ["map.html", "map.png", "map.svg", "strip.png", "strip.svg"]
        out = []
        if self.html:
            out.append("map.html")
        if self.png:
            out.append("map.png")
        if self.svg:
            out.append("map.svg")
        if self.strip:
            fmts = [f for f, on in (("png", self.png), ("svg", self.svg)) if on] or ["png", "svg"]
            out += [f"strip.{f}" for f in fmts]
        return out


@dataclass
class Rendered:
    """The rendered files of one plan: relative name -> bytes."""

    plan: Plan
    plan_path: Path | None
    files: dict[str, bytes] = field(default_factory=dict)
    # what was not drawn and why (a generic network without coordinates has no map)
    notes: list[str] = field(default_factory=list)
    # with MapRequest.sizing: render/sizing_report.sizing_files of the plan (section, files,
    # sizing); None when not asked for
    sizing: SizingPart | None = None


def render_plan(
    plan: Plan,
    request: MapRequest | None = None,
    *,
    plan_path: Path | None = None,
    graph: nx.MultiDiGraph | None = None,
    countries: Mapping[str, BaseGeometry] | None = None,
    borders: Mapping[str, BaseGeometry] | None = None,
) -> Rendered:
    """Render the requested pictures of one plan to bytes (nothing is written).

    `graph` and `countries` default to the embedded corridor network and Natural Earth boundaries.
    """
    from evcorridor.render.style import figure_bytes

    request = request or MapRequest()
    names = request.files()
    result = Rendered(plan=plan, plan_path=plan_path)
    G = (graph if graph is not None else load_graph(plan, plan_path)) \
        if any(n.startswith("map.") for n in names) else None
    if G is not None and not mappable(G, plan):
        result.notes.append(f"{plan_path or plan.corridor}: map not drawn: no node of the "
                            "network has coordinates (a distance matrix); give a nodes file "
                            "with x,y (--network NODES.csv,MATRIX.csv) to map it")
    elif G is not None:
        if countries is None:
            countries = load_country_shapes()
            if borders is None:
                borders = load_border_geometries()
        data = gather(plan, G, countries, plan_path, borders)
        if "map.png" in names or "map.svg" in names:
            from evcorridor.render.static_map import draw_map

            fig = draw_map(data)
            for fmt in ("png", "svg"):
                if f"map.{fmt}" in names:
                    result.files[f"map.{fmt}"] = figure_bytes(fig, fmt)
        if "map.html" in names:
            from evcorridor.render.html_map import render_html

            result.files["map.html"] = render_html(data, basemap=request.basemap)
    if any(n.startswith("strip.") for n in names):
        from evcorridor.render.strip import draw_strip

        fig = draw_strip(plan)
        for fmt in ("png", "svg"):
            if f"strip.{fmt}" in names:
                result.files[f"strip.{fmt}"] = figure_bytes(fig, fmt)
    if request.sizing:
        from evcorridor.render.sizing_report import sizing_files

        result.sizing = sizing_files(plan_path, plan.corridor)
    return result


def target_dir(rendered: Rendered, out: Path | None) -> Path:
    """Where a plan's files go: `<out>/<corridor>/`, or beside the plan file without `out`."""
    if out is not None:
        return inside(out, rendered.plan.corridor)
    if rendered.plan_path is None:
        raise OutputError(f"{rendered.plan.corridor}: no output folder given")
    return rendered.plan_path.parent


def _layout(results: Iterable[Rendered], out: Path | None) -> dict[Path, dict[str, bytes]]:
    """Files grouped by a common root folder: {root: {relative path: bytes}}."""
    grouped: dict[Path, dict[str, bytes]] = {}
    for r in results:
        folder = target_dir(r, out)
        root, prefix = (Path(out), r.plan.corridor + "/") if out is not None else (folder, "")
        bucket = grouped.setdefault(root, {})
        for name, data in sorted(r.files.items()):
            rel = prefix + name
            if rel in bucket and bucket[rel] != data:
                raise OutputError(
                    f"{root / rel}: two plans of corridor {r.plan.corridor!r} would "
                    "write the same file; give them separate --out folders"
                )
            bucket[rel] = data
    return grouped


def write_plan_maps(
    plan: Plan,
    folder: Path,
    request: MapRequest | None = None,
    *,
    plan_path: Path | None = None,
    graph: nx.MultiDiGraph | None = None,
) -> list[Path]:
    """Render and write one plan's pictures straight into `folder` (for `plan --out`)."""
    rendered = render_plan(plan, request, plan_path=plan_path, graph=graph)
    return write_tree(Path(folder), rendered.files)


def write_rendered(results: Iterable[Rendered], out: Path | None) -> list[Path]:
    """Write every rendered file atomically (all or nothing per output root); the paths written."""
    written: list[Path] = []
    for root, files in sorted(_layout(results, out).items()):
        written += write_tree(root, files)
    return written


def stale_files(results: Iterable[Rendered], folder: Path) -> list[Path]:
    """Files under `folder` (`<folder>/<corridor>/...`) that are missing or differ from a render."""
    stale: list[Path] = []
    for root, files in sorted(_layout(results, Path(folder)).items()):
        for rel, data in sorted(files.items()):
            path = root / rel
            try:
                same = path.read_bytes() == data
            except OSError:
                same = False
            if not same:
                stale.append(path)
    return stale
