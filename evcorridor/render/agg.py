"""An Agg canvas whose renderers remember the text they have laid out, across figures.

Most of what a PNG costs here is text: for every string, FreeType loads and hints each glyph
twice (once to measure it, once to draw it), and the same strings come back in every picture:
row labels, scale numbers, legend entries, footers (issue 12). `TextCachingRenderer` keeps, per
process, the metrics and the grey-scale bitmap of each (string, font, size, dpi, hinting,
antialiasing) it has laid out, and draws a repeat by placing that bitmap exactly as
`RendererAgg.draw_text` places a fresh one (the bitmap does not depend on where it is drawn: Agg
rounds the position to whole pixels). The pictures are the same bytes as with matplotlib's own
renderer (tests/test_render.py checks it). Mathtext and TeX go to matplotlib unchanged.

The same canvas writes SVG (`print_svg`, which `savefig(format="svg")` finds on it) with a
`TextCachingRendererSVG`: SVG text is text (svg.fonttype none), but matplotlib still measures
each string with FreeType to place it, as often as the Agg renderer does; those metrics are
remembered the same way (unhinted, at the SVG's 72 dpi).
"""

from __future__ import annotations

import codecs
from collections import OrderedDict
from math import cos, radians, sin
from typing import Any

import numpy as np
from matplotlib import cbook, rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.font_manager import FontProperties

#: most strings remembered per process (a bitmap is a few kB)
LIMIT = 4096

_metrics: OrderedDict[tuple[Any, ...], tuple[float, float, float]] = OrderedDict()
_svg_metrics: OrderedDict[tuple[Any, ...], tuple[float, float, float]] = OrderedDict()
_bitmaps: OrderedDict[tuple[Any, ...], tuple[np.ndarray, float, float, float]] = OrderedDict()


def _font_key(prop: FontProperties, dpi: float) -> tuple[Any, ...]:
    """Everything the rasterised string depends on besides the string itself."""
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_size_in_points(), prop.get_file(), float(dpi),
            rcParams["text.hinting"], rcParams["text.hinting_factor"],
            rcParams["text.kerning_factor"])


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    cache[key] = value
    if len(cache) > LIMIT:
        cache.popitem(last=False)


class TextCachingRenderer(RendererAgg):
    """RendererAgg with per-process caches of text metrics and text bitmaps."""

    def get_text_width_height_descent(self, s: str, prop: FontProperties,
                                      ismath: Any) -> tuple[float, float, float]:
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop, self.dpi))
        got = _metrics.get(key)
        if got is None:
            got = super().get_text_width_height_descent(s, prop, ismath)
            _remember(_metrics, key, got)
        return got

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: FontProperties,
                  angle: float, ismath: Any = False, mtext: Any = None) -> None:
        if ismath:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        key = (s, _font_key(prop, self.dpi), bool(gc.get_antialiased()))
        got = _bitmaps.get(key)
        if got is None:  # as RendererAgg.draw_text lays the string out
            font = self._prepare_font(prop)
            font.set_text(s, 0, flags=get_hinting_flag())
            font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
            xo, yo = font.get_bitmap_offset()
            got = (np.array(font.get_image(), dtype=np.uint8), font.get_descent() / 64.0,
                   xo / 64.0, yo / 64.0)
            _remember(_bitmaps, key, got)
        image, d, xo, yo = got
        xd = d * sin(radians(angle))
        yd = d * cos(radians(angle))
        self._renderer.draw_text_image(image, round(x + xo + xd), round(y + yo + yd) + 1,
                                       angle, gc)


class TextCachingRendererSVG(RendererSVG):
    """RendererSVG with a per-process cache of text metrics."""

    def get_text_width_height_descent(self, s: str, prop: FontProperties,
                                      ismath: Any) -> tuple[float, float, float]:
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop, 72.0))
        got = _svg_metrics.get(key)
        if got is None:
            got = super().get_text_width_height_descent(s, prop, ismath)
            _remember(_svg_metrics, key, got)
        return got


class TextCachingCanvas(FigureCanvasAgg):
    """FigureCanvasAgg drawing with a TextCachingRenderer; SVG with a TextCachingRendererSVG."""

    def print_svg(self, filename: Any, *, bbox_inches_restore: Any = None,
                  metadata: dict[str, Any] | None = None, **_print_figure: Any) -> None:
        """As matplotlib 3.10's FigureCanvasSVG.print_svg, with the caching renderer.
        `_print_figure`: what print_figure passes every third-party canvas (facecolor,
        edgecolor, orientation, dpi), which it has already applied to the figure."""
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as opened:
            fh: Any = opened
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            renderer: Any = MixedModeRenderer(  # a RendererBase in all but its type stubs
                self.figure, width, height, dpi,
                TextCachingRendererSVG(width * 72, height * 72, fh, image_dpi=dpi,
                                       metadata=metadata),
                bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()

    def get_renderer(self) -> RendererAgg:
        w, h = self.figure.bbox.size
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
