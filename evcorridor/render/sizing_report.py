"""The sizing section of a corridor report: a chart of ports by year and a table per site.

Kept apart from report.py (the plan report): `sizing_files(plan_path, corridor)` returns the
Markdown section and the chart's bytes when a `sizing.json` made from that very plan file lies
beside it (its recorded sha256 matches), else nothing. Deterministic: same sizing, same bytes.
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path
from typing import Any

from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from evcorridor.render.style import (
    draw_legend,
    draw_ticks,
    figure_bytes,
    new_figure,
    nice_ticks,
    rectangles,
)
from evcorridor.render.templating import render
from evcorridor.sizing.model import Sizing, load_sizing

CHART = "ports-by-year.png"


def ports_chart(s: Sizing) -> bytes:
    """Stacked bars: installed ports per year and country; a line for the ports required.
    Fixed margins and drawn ticks (style.draw_ticks), not tight_layout, which draws the figure
    once more only to measure it (issue 12)."""
    years = sorted({t.year for t in s.totals})
    countries = sorted({t.country for t in s.totals if t.country != "ALL"})
    fig = new_figure(7.0, 3.6)
    left, bottom_edge, width, height = 0.09, 0.14, 0.89, 0.66
    ax = fig.add_axes((left, bottom_edge, width, height))
    bottom = [0.0] * len(years)
    colours = {"USA": "#3b6ea8", "CAN": "#c0392b", "MEX": "#2e8b57"}
    handles: list[Any] = []
    for c in countries:
        vals = [float(next(t.ports for t in s.totals if t.year == y and t.country == c))
                for y in years]
        colour = colours.get(c, "#888888")
        ax.add_collection(PolyCollection(
            rectangles([(y - 0.35, b, 0.7, v) for y, b, v in zip(years, bottom, vals,
                                                                   strict=True)]),
            facecolors=colour, edgecolors="none"))
        handles.append(Patch(facecolor=colour, label=c))
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    need = [next(t.ports_required for t in s.totals if t.year == y and t.country == "ALL")
            for y in years]
    handles.insert(0, *ax.plot(years, need, color="black", marker="o", linewidth=1.2,
                               label="required"))
    top = max([*bottom, *map(float, need), 1.0]) * 1.08
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_ylim(0.0, top)
    ports = nice_ticks(0.0, top, 6, steps=None, integer=True)
    draw_ticks(ax, "bottom", [float(y) for y in years], [str(y) for y in years], fontsize=8)
    draw_ticks(ax, "left", ports, [f"{v:g}" for v in ports], fontsize=8)
    ax.annotate("year", (0.5, 0.0), xycoords="axes fraction", xytext=(0, -19),
                textcoords="offset points", ha="center", va="top", fontsize=9)
    ax.annotate("charging ports", (0.0, 0.5), xycoords="axes fraction", xytext=(-30, 0),
                textcoords="offset points", ha="right", va="center", fontsize=9,
                rotation=90, rotation_mode="anchor")
    title = f"{s.corridor_name}: ports by year ({s.parameters.get('adoption')} adoption)"
    fig.text(0.015, 0.975, textwrap.fill(title, 95), fontsize=9, ha="left", va="top")
    # above the axes' top right corner, as ax.legend(loc="lower right", bbox_to_anchor=(1, 1))
    # puts it
    draw_legend(fig, handles, anchor=(left + width, bottom_edge + height), loc="lower right",
                ncol=len(handles), fontsize=8)
    return figure_bytes(fig, "png")


def sizing_section(s: Sizing) -> str:
    """The Markdown sizing section of one corridor (template sizing.md.j2)."""
    cur = str(s.parameters.get("currency"))
    years = sorted({t.year for t in s.totals})
    first, last = years[0], years[-1]
    volumes = sorted({(d.crossing, d.vehicle_class, d.annual_inbound, d.port_share, d.basis)
                      for d in s.demand})
    cars = [v for v in volumes if v[1] == "light-duty" and v[2] is not None]
    busiest = max(((st, st.years[-1]) for st in s.sites), key=lambda p: p[1].arrivals_peak_hour,
                  default=None)
    sentence = None
    if cars and busiest is not None:
        sentence = {"cars_m": sum((v[2] or 0.0) * v[3] for v in cars) / 1e6,
                    "name": busiest[0].name, "lam": busiest[1].arrivals_peak_hour,
                    "ports": busiest[1].ports_required}
    countries = sorted({t.country for t in s.totals if t.country != "ALL"})
    per_country = [
        (c, next(t.ports for t in s.totals if t.year == last and t.country == c),
         sum(t.capex for t in s.totals if t.country == c),
         next(t.opex for t in s.totals if t.year == last and t.country == c))
        for c in countries]
    rows = []
    for st in sorted(s.sites, key=lambda st: (-st.years[-1].arrivals_peak_hour, st.id)):
        a, b = st.years[0], st.years[-1]
        opened = next((y.year for y in st.years if y.open), None)
        rows.append({
            "name": st.name, "kind": st.kind, "country": st.country,
            "opens": "open" if st.kind == "existing" else opened,
            "ports0": a.ports, "ports1": b.ports, "lam0": a.arrivals_peak_hour,
            "lam1": b.arrivals_peak_hour, "p": b.p_wait_over_target, "kw": b.power_kw,
            "grid": b.grid_kw,
            "df": None if b.diversity_factor is None else f"{b.diversity_factor:.2f}",
            "capex": sum(y.capex for y in st.years)})
    return render("sizing.md.j2", s=s, cur=cur, first=first, last=last, volumes=volumes,
                  sentence=sentence,
                  years=[t for t in s.totals if t.country == "ALL"],
                  countries=per_country, sites=rows, chart=CHART)


def _volume_m(s: Sizing, classes: tuple[str, ...]) -> float:
    """Inbound vehicles a year (millions) over the corridor's crossings, first class with data."""
    for cls in classes:
        rows = {(d.crossing, d.annual_inbound, d.port_share) for d in s.demand
                if d.vehicle_class == cls and d.annual_inbound is not None}
        if rows:
            return sum((v or 0.0) * share for _, v, share in rows) / 1e6
    return 0.0


#: what the index needs of one corridor's sizing (`index_row`): a few figures, so a worker process
#: sends them back instead of the whole Sizing (unpickling every site-year of 16 sizings took the
#: parent of `report` about 0.4 s; issue 12)
SizingRow = dict[str, Any]


def index_row(s: Sizing) -> SizingRow:
    """One corridor's row of the index's sizing table, with its years and adoption scenario."""
    last = max(t.year for t in s.totals)
    busiest = max(s.sites, key=lambda st: st.years[-1].arrivals_peak_hour, default=None)
    return {
        "corridor": s.corridor, "cars_m": _volume_m(s, ("light-duty",)),
        "trucks_m": _volume_m(s, ("heavy-duty", "medium-duty")),
        "site": busiest.name if busiest else None,
        "lam": busiest.years[-1].arrivals_peak_hour if busiest else 0.0,
        "ports": busiest.years[-1].ports_required if busiest else 0,
        "all_ports": next(t.ports for t in s.totals if t.year == last and t.country == "ALL"),
        "capex": sum(t.capex for t in s.totals if t.country == "ALL"),
        "currency": s.parameters.get("currency"),
        "years": sorted({t.year for t in s.totals}),
        "adoption": str(s.parameters.get("adoption"))}


def index_section(rows: list[SizingRow]) -> str:
    """The index's sizing section from each corridor's `index_row`: one table row per corridor
    and the high/low sentence."""
    if not rows:
        return ""
    rows = sorted(rows, key=lambda r: r["corridor"])
    with_cars = [r for r in rows if r["cars_m"] > 0]
    high = max(with_cars, key=lambda r: (r["cars_m"], r["corridor"]), default=None)
    low = min(with_cars, key=lambda r: (r["cars_m"], r["corridor"]), default=None)
    years = sorted({y for r in rows for y in r["years"]})
    adoption = ", ".join(sorted({r["adoption"] for r in rows}))
    return render("sizing-index.md.j2", rows=rows, high=high, low=low, adoption=adoption,
                  first=years[0], last=years[-1])


def sizing_files(plan_path: Path | None, corridor: str
                 ) -> tuple[str, dict[str, bytes], SizingRow | None]:
    """(Markdown section, {file name: bytes}, its index row) for the sizing beside `plan_path`,
    or ("", {}, None) when there is none or it was made from another version of the plan."""
    if plan_path is None:
        return "", {}, None
    path = Path(plan_path).parent / "sizing.json"
    if not path.is_file():
        return "", {}, None
    s = load_sizing(path)
    ref = next((i for i in s.inputs if i.kind == "plan"), None)
    digest = hashlib.sha256(Path(plan_path).read_bytes()).hexdigest()
    if s.corridor != corridor or ref is None or ref.sha256 != digest:
        return "", {}, None
    return sizing_section(s), {CHART: ports_chart(s)}, index_row(s)
