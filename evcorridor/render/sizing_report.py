"""The sizing section of a corridor report: a chart of ports by year and a table per site.

Kept apart from report.py (the plan report): `sizing_files(plan_path, corridor)` returns the
Markdown section and the chart's bytes when a `sizing.json` made from that very plan file lies
beside it (its recorded sha256 matches), else nothing. Deterministic: same sizing, same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from evcorridor.render.style import figure_bytes, new_figure
from evcorridor.sizing.model import Sizing, load_sizing

CHART = "ports-by-year.png"
_MD_SPECIAL = "\\`*_{}[]<>()#+!|"


def md(text: object) -> str:
    """Data-derived text escaped for Markdown (one line)."""
    s = str(text).replace("\n", " ")
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _money(x: float, cur: str = "") -> str:
    return f"{x:,.0f} {cur}".rstrip()


def ports_chart(s: Sizing) -> bytes:
    """Stacked bars: installed ports per year and country; a line for the ports required."""
    years = sorted({t.year for t in s.totals})
    countries = sorted({t.country for t in s.totals if t.country != "ALL"})
    fig = new_figure(7.0, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    bottom = [0.0] * len(years)
    colours = {"USA": "#3b6ea8", "CAN": "#c0392b", "MEX": "#2e8b57"}
    for c in countries:
        vals = [float(next(t.ports for t in s.totals if t.year == y and t.country == c))
                for y in years]
        ax.bar(years, vals, bottom=bottom, color=colours.get(c, "#888888"), label=c, width=0.7)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    need = [next(t.ports_required for t in s.totals if t.year == y and t.country == "ALL")
            for y in years]
    ax.plot(years, need, color="black", marker="o", linewidth=1.2, label="required")
    ax.set_xticks(years)
    ax.set_xlabel("year")
    ax.set_ylabel("charging ports")
    ax.set_title(f"{s.corridor_name}: ports by year ({s.parameters.get('adoption')} adoption)",
                 fontsize=9)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    return figure_bytes(fig, "png")


def sizing_section(s: Sizing) -> str:
    """The Markdown sizing section of one corridor."""
    cur = str(s.parameters.get("currency"))
    years = sorted({t.year for t in s.totals})
    first, last = years[0], years[-1]
    allt = {t.year: t for t in s.totals if t.country == "ALL"}
    out = ["", "## Sizing: ports, power, costs and phasing", ""]
    out.append(f"Adoption scenario `{md(s.parameters.get('adoption'))}`, years {first}–{last}, "
               f"target P(wait > {s.parameters.get('wait_target_min')} min) < "
               f"{s.parameters.get('wait_prob')} (M/M/c), costs in {md(cur)} "
               f"(exchange rates {md(s.parameters.get('exchange_rate_date'))}). "
               "See [docs/sizing.md](../../docs/sizing.md) for the model and every assumption.")
    out.append("")
    volumes = sorted({(d.crossing, d.vehicle_class, d.annual_inbound, d.port_share, d.basis)
                      for d in s.demand})
    busiest = max(((st, st.years[-1]) for st in s.sites), key=lambda p: p[1].arrivals_peak_hour,
                  default=None)
    cars = [v for v in volumes if v[1] == "light-duty" and v[2] is not None]
    if cars and busiest is not None:
        total_cars = sum((v[2] or 0.0) * v[3] for v in cars)
        out.append(
            f"Demand follows the traffic: the corridor's crossings carry "
            f"{total_cars / 1e6:.2f} M cars a year into the USA (BTS), so its busiest site, "
            f"{md(busiest[0].name)}, sees {busiest[1].arrivals_peak_hour:.2f} charging "
            f"sessions in the peak hour of {last} and needs {busiest[1].ports_required} ports; "
            "a low-volume crossing stays at the standard's minimum ports.")
        out.append("")
    out += _table(["crossing", "class", "vehicles a year (inbound)", "share of port", "basis"],
                  [[f"`{md(c)}`", md(k), "—" if v is None else f"{v:,.0f}", f"{ps:g}", md(b)]
                   for c, k, v, ps, b in volumes])
    out += ["", f"![Ports by year]({CHART})", ""]
    out += _table(["year", "sites open", "ports", "required", "added", "coincident kW",
                   "MWh/yr", f"capex ({md(cur)})", f"O&M ({md(cur)})",
                   f"deferred ({md(cur)})"],
                  [[str(y), str(t.sites_open), str(t.ports), str(t.ports_required),
                    str(t.ports_added), f"{t.grid_kw:,.0f}", f"{t.energy_mwh_year:,.0f}",
                    _money(t.capex, ""), _money(t.opex, ""), _money(t.deferred_capex, "")]
                   for y, t in sorted(allt.items())])
    out += ["", f"Per country, {last}:", ""]
    out += _table(["country", "ports", "capex " + str(first) + "–" + str(last),
                   f"O&M {last}"],
                  [[md(c), str(next(t.ports for t in s.totals if t.year == last and
                                     t.country == c)),
                    _money(sum(t.capex for t in s.totals if t.country == c), cur),
                    _money(next(t.opex for t in s.totals if t.year == last and t.country == c),
                           cur)]
                   for c in sorted({t.country for t in s.totals if t.country != "ALL"})])
    out += ["", "Per site (" + str(first) + " → " + str(last) + "):", ""]
    rows = []
    for st in sorted(s.sites, key=lambda st: (-st.years[-1].arrivals_peak_hour, st.id)):
        a, b = st.years[0], st.years[-1]
        opened = next((y.year for y in st.years if y.open), None)
        rows.append([md(st.name), md(st.kind), md(st.country),
                     "open" if st.kind == "existing" else ("—" if opened is None
                                                            else str(opened)),
                     f"{a.ports} → {b.ports}", f"{a.arrivals_peak_hour:.2f} → "
                     f"{b.arrivals_peak_hour:.2f}", f"{b.p_wait_over_target:.3f}",
                     f"{b.power_kw:,.0f} / {b.grid_kw:,.0f}",
                     "—" if b.diversity_factor is None else f"{b.diversity_factor:.2f}",
                     _money(sum(y.capex for y in st.years), cur)])
    out += _table(["site", "kind", "country", "opens", "ports", "peak-hour sessions",
                   f"P(wait) {last}", "kW nameplate / coincident", "diversity", "capex"], rows)
    out += ["", "Notes: " + " ".join(md(n) for n in s.notes), ""]
    if s.unverified:
        out.append("UNVERIFIED figures: " + "; ".join(f"{md(k)} ({md(v)})"
                                                      for k, v in sorted(s.unverified.items())))
        out.append("")
    return "\n".join(out)


def sizing_files(plan_path: Path | None, corridor: str) -> tuple[str, dict[str, bytes]]:
    """(Markdown section, {file name: bytes}) for the sizing beside `plan_path`, or ("", {})
    when there is none or it was made from another version of the plan."""
    if plan_path is None:
        return "", {}
    path = Path(plan_path).parent / "sizing.json"
    if not path.is_file():
        return "", {}
    s = load_sizing(path)
    ref = next((i for i in s.inputs if i.kind == "plan"), None)
    digest = hashlib.sha256(Path(plan_path).read_bytes()).hexdigest()
    if s.corridor != corridor or ref is None or ref.sha256 != digest:
        return "", {}
    return sizing_section(s), {CHART: ports_chart(s)}
