"""Shared look and the deterministic-output settings of every matplotlib picture.

No pyplot: figures are built with `matplotlib.figure.Figure` and the Agg canvas, inside
`rc_context(RC)`, so no global state leaks between renders. The font is DejaVu Sans (shipped with
matplotlib), text is drawn as paths in SVG, the SVG id salt is fixed and the PNG/SVG metadata carry
no date or software version: the same plan gives the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from evcorridor.provenance import format_name
from evcorridor.render.geodata import KM_PER_MILE

DPI = 110
RC: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "svg.hashsalt": "evcorridor",
    "svg.fonttype": "path",
    "svg.image_inline": True,
    "path.simplify": True,
    "text.parse_math": False,
    "axes.unicode_minus": True,
    "image.interpolation": "nearest",
}
PNG_META: dict[str, Any] = {"Software": None}
# zlib level of PNG files: 1 encodes several times faster than PIL's default 6 for ~8 % larger
# files (issue 12: PNG encoding was a large share of `report`'s time); bytes stay deterministic
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
ATTRIBUTION = (
    "Roads: Travel Mapping Project; © OpenStreetMap contributors. Stations: AFDC (NREL, "
    "U.S. DOE){extra}. Boundaries: Natural Earth."
)


#: a site's or station's `source` code -> the source's name for people (one table, in stations)
source_name = format_name


def site_source(site: Any) -> str:
    """A site's station source by name ("AFDC (WA)"); plans without one: its format's name."""
    return str(site.source_name or format_name(site.source))


def new_figure(width_in: float, height_in: float) -> Figure:
    fig = Figure(figsize=(round(width_in, 2), round(height_in, 2)), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """PNG or SVG bytes of a figure, deterministic (fixed dpi, no metadata dates)."""
    buf = io.BytesIO()
    extra: dict[str, Any] = (
        {"pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}} if fmt == "png" else {}
    )
    with matplotlib.rc_context(RC):
        fig.savefig(
            buf,
            format=fmt,
            dpi=DPI,
            metadata=PNG_META if fmt == "png" else SVG_META,
            facecolor="white",
            **extra,
        )
    return buf.getvalue()


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
