"""Write a sizing: OUT/<corridor>/sizing.json and sizing.csv (one row per site, year and class)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from evcorridor.atomic import staged_dir
from evcorridor.outpaths import inside
from evcorridor.sizing.model import Sizing

CSV_COLUMNS = [
    "corridor", "site", "name", "kind", "country", "year", "open", "vehicle_class", "mcs",
    "port_kw", "min_ports", "ports_required", "ports", "arrivals_peak_hour", "mean_service_min",
    "p_wait_over_target", "site_power_kw", "site_grid_kw", "diversity_factor", "energy_mwh_year",
    "site_capex", "site_opex", "currency",
]


def sizing_csv(s: Sizing) -> str:
    """One row per site, year and vehicle class; site-level figures repeat on each class row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for site in s.sites:
        for y in site.years:
            for p in y.pools:
                w.writerow([s.corridor, site.id, site.name, site.kind, site.country, y.year,
                            y.open, p.vehicle_class, p.mcs, f"{p.port_kw:g}", p.min_ports,
                            p.ports_required, p.ports, f"{p.arrivals_peak_hour:g}",
                            f"{p.mean_service_min:g}", f"{p.p_wait_over_target:g}",
                            f"{y.power_kw:g}", f"{y.grid_kw:g}",
                            "" if y.diversity_factor is None else f"{y.diversity_factor:g}",
                            f"{p.energy_mwh_year:g}", f"{y.capex:.2f}", f"{y.opex:.2f}",
                            y.currency])
    return buf.getvalue()


def write_sizing(s: Sizing, out: Path) -> Path:
    """OUT/<corridor>/sizing.json + sizing.csv, all or nothing; returns the folder."""
    final = inside(out, s.corridor)
    with staged_dir(final) as tmp:
        (tmp / "sizing.json").write_text(s.dump(), encoding="utf-8")
        (tmp / "sizing.csv").write_text(sizing_csv(s), encoding="utf-8")
    return final
