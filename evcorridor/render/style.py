"""Shared look and the deterministic-output settings of every matplotlib picture.

No pyplot: figures are built with `matplotlib.figure.Figure` on a TextCachingCanvas (Agg, see
render/agg.py), inside `rc_context(RC)`, so no global state leaks between renders. The font is
DejaVu Sans (shipped with matplotlib); SVG text is text (svg.fonttype "none": no glyph outlines
to build, and the words stay searchable), the SVG id salt is fixed and the PNG/SVG metadata carry
no date or software version: the same plan gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from evcorridor.provenance import format_name
from evcorridor.render.geodata import KM_PER_MILE

DPI = 110
RC: Any = {
    # DejaVu Sans (shipped with matplotlib) draws every PNG; SVG text names the viewer's
    # sans-serif fonts after it, for a viewer without DejaVu
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 9.0,
    "svg.hashsalt": "evcorridor",
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "path.simplify": True,
    "text.parse_math": False,
    "axes.unicode_minus": True,
    "image.interpolation": "nearest",
}
# zlib level of PNG files: 1 encodes several times faster than 6 for ~8 % larger files (issue
# 12: PNG encoding was a large share of `report`'s time); bytes stay deterministic
PNG_COMPRESS_LEVEL = 1
SVG_META: dict[str, Any] = {"Date": None, "Creator": None}

COUNTRY_ROAD = {"USA": "#1f5fa8", "CAN": "#c8102e", "MEX": "#007a3d"}
COUNTRY_FILL = {"USA": "#eef2f8", "CAN": "#f8eeee", "MEX": "#edf5ef"}
KIND_STYLE: dict[str, dict[str, Any]] = {
    # kind -> marker style (matplotlib) and colour; also used for the HTML map's circle markers
    "existing": {
        "marker": "o",
        "color": "#2e9e44",
        "size": 46,
        "label": "Existing station (qualifies)",
    },
    "upgrade": {
        "marker": "D",
        "color": "#8e44ad",
        "size": 46,
        "label": "Existing station, upgraded",
    },
    "new": {"marker": "^", "color": "#f07d00", "size": 80, "label": "New site"},
}
KIND_ORDER = ("existing", "upgrade", "new")
LONGEST = {"forward": "#ffbf00", "reverse": "#19b5c4"}
VIOLATION = "#d62728"
OK = "#5b8c5a"
LIMIT_FILL = "#e6e6e6"
BORDER = "#222222"
ATTRIBUTION = "Roads: {roads}. Stations: AFDC (NREL, U.S. DOE){extra}. Boundaries: Natural Earth."
#: the roads credit of each network source the tool ships (provenance.NETWORK_SOURCES names)
ROAD_CREDITS = {"Travel Mapping": "Travel Mapping Project; © OpenStreetMap contributors",
                "OpenStreetMap": "© OpenStreetMap contributors"}


#: a site's or station's `source` code -> the source's name for people (one table, in stations)
source_name = format_name


def site_source(site: Any) -> str:
    """A site's station source by name ("AFDC (WA)"); plans without one: its format's name."""
    return str(site.source_name or format_name(site.source))


def new_figure(width_in: float, height_in: float) -> Figure:
    """A figure on a TextCachingCanvas (render/agg.py: Agg that remembers rasterised text)."""
    from evcorridor.render.agg import TextCachingCanvas

    fig = Figure(figsize=(round(width_in, 2), round(height_in, 2)), dpi=DPI)
    TextCachingCanvas(fig)
    return fig


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """PNG or SVG bytes of a figure, deterministic (fixed dpi, no metadata dates)."""
    if fmt == "png":
        return png_bytes(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=SVG_META, facecolor="white")
    return buf.getvalue()


def png_bytes(fig: Figure) -> bytes:
    """The figure drawn by Agg at `DPI` on white, as an RGB PNG with the resolution and no other
    metadata. Written by pypng: rows unfiltered, zlib level `PNG_COMPRESS_LEVEL`; Pillow
    tries five row filters per row, about half of what a strip chart cost (issue 12). No alpha
    channel: the pictures are opaque."""
    import numpy as np
    import png  # pypng
    from PIL import Image

    with matplotlib.rc_context(RC):
        fig.patch.set_facecolor("white")
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        canvas.draw()
        rgba = canvas.buffer_rgba()
        height, width = rgba.shape[:2]
        # RGBA -> RGB by Pillow (a third of numpy's time for the strided copy)
        rgb = np.asarray(Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
                         .convert("RGB"))
    per_metre = round(DPI / 0.0254)
    writer = png.Writer(width, height, greyscale=False, bitdepth=8,
                        compression=PNG_COMPRESS_LEVEL, x_pixels_per_unit=per_metre,
                        y_pixels_per_unit=per_metre, unit_is_meter=True)
    buf = io.BytesIO()
    writer.write(buf, rgb.reshape(height, width * 3))
    return buf.getvalue()


def rectangles(rects: Sequence[tuple[float, float, float, float]]
               ) -> list[list[tuple[float, float]]]:
    """Rectangles (x, y, width, height) as the polygons of one PolyCollection (one artist for
    many bars, instead of a Rectangle patch each)."""
    return [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)] for x, y, w, h in rects]


def nice_ticks(lo: float, hi: float, bins: int, *,
               steps: Sequence[float] | None = (1, 2, 2.5, 5, 10),
               integer: bool = False) -> list[float]:
    """The tick values matplotlib's MaxNLocator picks in [lo, hi]: at most `bins` intervals of a
    step in `steps` x 10^k (None: any whole step 1..10, matplotlib's default), whole numbers only
    with `integer`."""
    from matplotlib.ticker import MaxNLocator

    located = MaxNLocator(nbins=bins, steps=steps, integer=integer).tick_values(lo, hi)
    return [float(t) for t in located if lo <= t <= hi]


class Panel:
    """A rectangle of a figure with its own data limits, drawn on the figure itself: the part of
    an Axes a panel of many (the strip chart's routes) uses, without the Axes. An Axes builds two
    axis objects with their ticks, three titles and four spines, and draws them all again for
    every picture: about half of a strip chart's time (issue 12).

    `rect` is (left, bottom, width, height) in figure fractions; `xlim` and `ylim` are the data
    values at the left/right and bottom/top edges (a reversed pair flips the direction). Its
    transforms have the Axes' names; `text` and `plot` take the same arguments as the Axes'
    (data coordinates unless `transform` is given; `clip_on=True` clips to the panel)."""

    def __init__(self, fig: Figure, rect: tuple[float, float, float, float],
                 xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        from matplotlib.transforms import Bbox, BboxTransformFrom, BboxTransformTo, TransformedBbox

        self.figure = fig
        self.bbox = TransformedBbox(Bbox.from_bounds(*rect), fig.transFigure)
        self.transAxes = BboxTransformTo(self.bbox)
        self.transData = BboxTransformFrom(Bbox([[xlim[0], ylim[0]], [xlim[1], ylim[1]]])
                                           ) + self.transAxes

    def get_xaxis_transform(self) -> Any:
        """x in data, y in panel fractions (as Axes.get_xaxis_transform)."""
        from matplotlib.transforms import blended_transform_factory

        return blended_transform_factory(self.transData, self.transAxes)

    def get_yaxis_transform(self) -> Any:
        """x in panel fractions, y in data (as Axes.get_yaxis_transform)."""
        from matplotlib.transforms import blended_transform_factory

        return blended_transform_factory(self.transAxes, self.transData)

    def add(self, artist: Any, *, clip_on: bool = False) -> Any:
        """`artist` on the figure, in data coordinates unless it has a transform."""
        if not artist.is_transform_set():
            artist.set_transform(self.transData)
        if clip_on:
            artist.set_clip_box(self.bbox)
        else:
            artist.set_clip_on(False)
        return self.figure.add_artist(artist)

    def text(self, x: float, y: float, s: str, *, clip_on: bool = False, **kwargs: Any) -> Any:
        from matplotlib.text import Text

        kwargs.setdefault("transform", self.transData)
        return self.add(Text(x, y, s, **kwargs), clip_on=clip_on)

    def plot(self, xs: Sequence[float], ys: Sequence[float], *, clip_on: bool = False,
             **kwargs: Any) -> Any:
        kwargs.setdefault("transform", self.transData)
        return self.add(Line2D(xs, ys, **kwargs), clip_on=clip_on)


def draw_legend(fig: Figure, handles: Sequence[Any], *, anchor: tuple[float, float],
                loc: str = "upper left", fontsize: float, ncol: int = 1,
                title: str | None = None, title_fontsize: float | None = None) -> None:
    """A legend without a frame, drawn as plain artists on the figure where `fig.legend` with
    the same arguments (bbox_to_anchor=`anchor`, a point in figure fractions; `loc` "upper left",
    "lower left", "upper right" or "lower right") puts its entries, in matplotlib's default
    spacings: each handle (a Line2D or a Patch with a label, as for `fig.legend`) in a box 2 font
    sizes wide and 0.7 high, its label 0.8 after it, rows 0.5 apart, columns 2 apart and filled
    one after the other (as matplotlib splits the entries), 0.9 from the anchor; a title above,
    on the left. A Legend lays out a tree of offset boxes again for every picture: a third of a
    strip chart's or map's drawing (issue 12).

    Sizes are measured once as Agg measures them at the figure's dpi (the PNG's); positions are
    in points from the figure's lower left, so the SVG has the same layout."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.transforms import Affine2D

    vertical, _, horizontal = loc.partition(" ")
    if vertical not in ("upper", "lower") or horizontal not in ("left", "right"):
        raise ValueError(f"draw_legend: loc {loc!r} is not upper/lower left/right")
    if ncol < 1:
        raise ValueError(f"draw_legend: ncol {ncol} is not a positive number of columns")
    from evcorridor.render.agg import TextCachingRenderer

    # text metrics do not depend on the canvas size: a 1x1 renderer at the figure's dpi measures
    # them (from the per-process cache) without allocating a figure-sized buffer for an SVG
    renderer = TextCachingRenderer(1, 1, fig.dpi)
    to_pt = 72.0 / fig.dpi  # the renderer measures in pixels

    def measure(text: str, size: float) -> tuple[float, float, float]:
        w, h, d = renderer.get_text_width_height_descent(text, FontProperties(size=size), False)
        return w * to_pt, h * to_pt, d * to_pt

    where = Affine2D().scale(1 / 72.0) + fig.dpi_scale_trans  # points from the lower left
    f = fontsize
    _, lp_h, lp_d = measure("lp", f)  # matplotlib's line height and descent for one line
    # the entries split into `ncol` columns as numpy's array_split (and so matplotlib) splits
    # them: the first len % ncol columns one longer
    n, extra = divmod(len(handles), ncol)
    sizes = [n + 1] * extra + [n] * (ncol - extra)
    starts = [sum(sizes[:i]) for i in range(ncol)]
    columns = [list(handles[a:a + k]) for a, k in zip(starts, sizes, strict=True) if k]
    labels = [[str(h.get_label()) for h in column] for column in columns]
    widths = [2.8 * f + max(measure(label, f)[0] for label in column) for column in labels]
    rows = max((len(c) for c in columns), default=0)
    title_w, title_h, title_d = (measure(title, title_fontsize or f) if title
                                 else (0.0, 0.0, 0.0))
    width = max(sum(widths) + 2.0 * f * max(0, len(widths) - 1), title_w)
    height = rows * lp_h + max(0, rows - 1) * 0.5 * f + (title_h + 0.5 * f if title else 0.0)
    ax_pt, ay_pt = anchor[0] * fig.bbox.width * to_pt, anchor[1] * fig.bbox.height * to_pt
    x = ax_pt + 0.9 * f if horizontal == "left" else ax_pt - 0.9 * f - width
    top = ay_pt - 0.9 * f if vertical == "upper" else ay_pt + 0.9 * f + height
    if title:
        fig.text(x, top - title_h + title_d, title, transform=where, fontsize=title_fontsize,
                 ha="left", va="baseline", zorder=5)
        top -= title_h + 0.5 * f
    for column, names, column_w in zip(columns, labels, widths, strict=True):
        for i, (handle, label) in enumerate(zip(column, names, strict=True)):
            base = top - i * (lp_h + 0.5 * f) - lp_h + lp_d  # the label's baseline
            if isinstance(handle, Patch):  # the handle box stands on the baseline
                box = Rectangle((x, base), 2.0 * f, 0.7 * f)
                box.update_from(handle)
                box.set(transform=where, zorder=5, clip_on=False)
                fig.add_artist(box)
            else:
                centre = base + 0.35 * f
                if handle.get_linestyle() not in ("None", "", " "):
                    line = Line2D([x, x + 2.0 * f], [centre, centre])
                    line.update_from(handle)
                    line.set(marker="None", transform=where, zorder=5, clip_on=False)
                    fig.add_artist(line)
                if handle.get_marker() not in ("None", "", " ", None):
                    dot = Line2D([x + 1.0 * f], [centre])
                    dot.update_from(handle)
                    dot.set(linestyle="None", transform=where, zorder=5, clip_on=False)
                    fig.add_artist(dot)
            fig.text(x + 2.8 * f, base, label, transform=where, fontsize=f, ha="left",
                     va="baseline", zorder=5)
        x += column_w + 2.0 * f


def markers(ax: Any, xs: Sequence[float], ys: Sequence[float], *, marker: str, size: float,
            facecolor: str, edgecolor: str, linewidth: float, zorder: float,
            clip_on: bool = True) -> Any:
    """Markers at (xs, ys) on `ax` (an Axes or a Panel), `size` the marker's area in points^2
    as in `scatter`: drawn as one line of markers, which Agg and SVG draw exactly as a scatter
    of one style, without the scatter's collection machinery (building one and measuring its
    marker for every picture was a tenth of a static map; issue 12)."""
    import math

    return ax.plot(xs, ys, ls="", marker=marker, markersize=math.sqrt(size),
                   markerfacecolor=facecolor, markeredgecolor=edgecolor,
                   markeredgewidth=linewidth, zorder=zorder, clip_on=clip_on)


def draw_ticks(ax: Any, which: str, values: Sequence[float], labels: Sequence[str], *,
               fontsize: float, color: str = "black", length: float = 3.5, pad: float = 3.5,
               width: float = 0.8) -> None:
    """Tick marks and their labels on one side of `ax` (an Axes or a Panel; "bottom", "top" or
    "left"), drawn as one line of tick markers and a text per label instead of matplotlib's Tick
    objects (five artists each, built and laid out again for every picture; issue 12).
    `length` and `pad` are in points, as in `tick_params`. On an Axes, matplotlib's own ticks on
    that axis are removed."""
    from matplotlib.axes import Axes
    from matplotlib.markers import TICKDOWN, TICKLEFT, TICKUP
    from matplotlib.transforms import offset_copy

    along = list(values)
    if which == "left":
        base, xs, ys = ax.get_yaxis_transform(), [0.0] * len(along), along
        marker, dx, dy, ha, va = TICKLEFT, -(length + pad), 0.0, "right", "center"
    else:
        at = 1.0 if which == "top" else 0.0
        base, xs, ys = ax.get_xaxis_transform(), along, [at] * len(along)
        up = which == "top"
        marker, dx, dy = (TICKUP if up else TICKDOWN), 0.0, (length + pad) * (1 if up else -1)
        ha, va = "center", ("bottom" if up else "top")
    ax.plot(xs, ys, transform=base, marker=marker, markersize=length, markeredgewidth=width,
            ls="", color=color, clip_on=False)
    moved = offset_copy(base, ax.figure, x=dx, y=dy, units="points")
    for x, y, label in zip(xs, ys, labels, strict=True):
        ax.text(x, y, label, transform=moved, ha=ha, va=va, fontsize=fontsize, color=color)
    if isinstance(ax, Axes):
        (ax.set_yticks if which == "left" else ax.set_xticks)([])


def fmt_km(m: float) -> str:
    return f"{m / 1000:.1f} km"


def fmt_km_mi(m: float) -> str:
    return f"{m / 1000:.1f} km ({m / 1000 / KM_PER_MILE:.1f} mi)"


def nice_length(x: float) -> float:
    """The largest 1/2/5 x 10^k not above x (x > 0)."""
    import math

    k = math.floor(math.log10(x))
    for f in (5, 2, 1):
        if f * 10**k <= x:
            return float(f * 10**k)
    return float(10**k)


def kind_handle(kind: str, label: str, markersize: float) -> Line2D:
    """Legend entry for a site kind: its marker and colour, outlined in black."""
    st = KIND_STYLE[kind]
    return Line2D(
        [],
        [],
        marker=st["marker"],
        ls="",
        markersize=markersize,
        markerfacecolor=st["color"],
        markeredgecolor="black",
        label=label,
    )
