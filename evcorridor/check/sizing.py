"""Independent verification of a sizing file (`sizing.json`, schema evcorridor.sizing/1).

From the figures the file records for each site, year and vehicle class (peak-hour arrival rate,
mean service time, ports, the site's minimum, the wait target and probability in `parameters`),
recompute with this module's own arithmetic — the textbook Erlang C sum in log space, not the
sizing engine's recursion — and compare:

- queue: P(wait > target) with the installed ports equals the recorded figure; the required
  ports are at least the minimum and last year's, meet the target, and are the fewest that do
  (one fewer misses it, unless the minimum or last year's count binds); `meets_target` agrees;
- power: a site's ports, nameplate power and coincident peak are the sums of its pools; the busy
  ports are the busy quantile of the M/M/c stationary distribution; the diversity factor is
  coincident / nameplate;
- totals: per year and country (and ALL) the ports, capex, opex and site counts add up; the capex
  up to each year stays within the budget up to that year (unspent budget carries over);
- inputs: the plan, adoption, cost model and volume files still have the recorded sha256 (read
  only inside data/, configs/, the sizing's own folder and `check --input` paths).

Imports nothing from evcorridor.sizing's engine or evcorridor.siting.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from pathlib import Path

from evcorridor.check.findings import CheckReport, Finding
from evcorridor.check.inputs import input_roots, resolve_input
from evcorridor.sizing.model import SiteSizing, SiteYear, Sizing, load_sizing

TOL_P = 1e-6  # probabilities are written with 8 decimals
TOL_KW = 0.01
TOL_MONEY = 0.05


def _log_terms(c: int, a: float) -> tuple[float, float]:
    """log of sum_{k<c} a^k/k! and of a^c/c! x c/(c-a), for a < c."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    m = max(logs)
    head = m + math.log(sum(math.exp(x - m) for x in logs))
    top = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    return head, top


def p_wait_over(c: int, lam: float, service_min: float, target_min: float) -> float:
    """P(wait > target) in M/M/c from the textbook formula (1 when a >= c, 0 when lam = 0)."""
    if lam <= 0:
        return 0.0
    a = lam * service_min / 60.0
    if c <= 0 or a >= c:
        return 1.0
    head, top = _log_terms(c, a)
    m = max(head, top)
    p_wait = math.exp(top - m) / (math.exp(head - m) + math.exp(top - m))
    return p_wait * math.exp(-(c - a) * target_min / service_min)


def busy_quantile(c: int, a: float, q: float) -> int:
    """Smallest k with P(min(N, c) <= k) >= q (stationary M/M/c with load a < c)."""
    if c <= 0 or a <= 0:
        return 0
    if a >= c:
        return c
    head, top = _log_terms(c, a)
    total = math.log(math.exp(head - top) + 1.0) + top
    acc = 0.0
    for k in range(c):
        acc += math.exp(k * math.log(a) - math.lgamma(k + 1) - total)
        if acc >= q - 1e-12:
            return k
    return c


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def check_sizing(s: Sizing, *, label: str = "sizing", inputs: Sequence[Path] = (),
                 folder: Path | None = None) -> CheckReport:
    """Every finding of the sizing `s` (see the module docstring). Input files are read only
    inside data/ and configs/, `inputs` (check --input) and `folder` (the sizing's own folder,
    where its plan.json lies)."""
    rep = CheckReport(plan=label, corridor=s.corridor)
    add = rep.findings.append
    par = s.parameters
    target = float(par.get("wait_target_min") or 0.0)  # type: ignore[arg-type]
    prob = float(par.get("wait_prob") or 0.0)  # type: ignore[arg-type]
    q = float(par.get("busy_quantile") or 0.95)  # type: ignore[arg-type]
    budget = par.get("budget_per_year")
    roots = input_roots([*inputs, *([folder] if folder is not None else [])])
    for ref in s.inputs:
        outside: list[Path] = []
        path = resolve_input(ref.path, roots, outside)
        if path is None and folder is not None and ref.kind == "plan":
            path = resolve_input(str(folder / Path(ref.path).name), roots, outside)
        digest = None if path is None else _sha(path)
        if digest is None:
            add(Finding("inputs", ref.kind, f"{ref.path}: " + (
                "outside the data and configs folders; check reads it only when given with "
                "--input PATH" if outside else "not found")))
        elif digest != ref.sha256:
            add(Finding("inputs", ref.kind, f"{ref.path} changed since the sizing was made "
                                            "(sha256 differs): size again"))
    pools = site_years = 0
    for site in s.sites:
        prev: dict[str, int] = {}
        for y in site.years:
            site_years += 1
            where = f"{site.id} {y.year}"
            for p in y.pools:
                pools += 1
                w = f"{where} {p.vehicle_class}"
                got = p_wait_over(p.ports, p.arrivals_peak_hour, p.mean_service_min, target)
                if not abs(got - p.p_wait_over_target) <= TOL_P:
                    add(Finding("queue", w, f"P(wait > {target:g} min) with {p.ports} ports is "
                                            f"{got:.8f}, the file says {p.p_wait_over_target}"))
                need = p.ports_required
                floor = max(p.min_ports, prev.get(p.vehicle_class, 0))
                if need < floor:
                    add(Finding("queue", w, f"{need} ports required, fewer than the minimum "
                                            f"{floor} (standard or last year)"))
                if p.arrivals_peak_hour > 0:
                    if p_wait_over(need, p.arrivals_peak_hour, p.mean_service_min,
                                   target) >= prob + TOL_P:
                        add(Finding("queue", w, f"{need} ports do not meet P(wait > "
                                                f"{target:g} min) < {prob:g}"))
                    elif need > floor and p_wait_over(need - 1, p.arrivals_peak_hour,
                                                      p.mean_service_min, target) < prob - TOL_P:
                        add(Finding("queue", w, f"{need - 1} ports already meet the target: "
                                                f"{need} is not the fewest"))
                prev[p.vehicle_class] = need
                a = p.arrivals_peak_hour * p.mean_service_min / 60.0
                busy = busy_quantile(p.ports, a, q)
                if busy != p.busy_ports:
                    add(Finding("power", w, f"busy ports at the {q:g} quantile are {busy}, "
                                            f"the file says {p.busy_ports}"))
            n = sum(p.ports for p in y.pools)
            kw = sum(p.ports * p.port_kw for p in y.pools)
            grid = sum(p.busy_ports * p.mean_power_kw for p in y.pools)
            if n != y.ports or sum(p.ports_required for p in y.pools) != y.ports_required:
                add(Finding("power", where, f"site ports {y.ports}/{y.ports_required} are not "
                                            f"the pools' {n}"))
            if abs(kw - y.power_kw) > TOL_KW or abs(grid - y.grid_kw) > TOL_KW:
                add(Finding("power", where, f"power {y.power_kw:g} kW / coincident "
                                            f"{y.grid_kw:g} kW; the pools give {kw:g} / "
                                            f"{grid:g} kW"))
            if kw > 0 and y.diversity_factor is not None and abs(
                    y.diversity_factor - grid / kw) > 1e-3:
                add(Finding("power", where, f"diversity factor {y.diversity_factor} is not "
                                            f"{grid / kw:.4f}"))
            worst = max((p.p_wait_over_target for p in y.pools), default=0.0)
            if y.meets_target != (y.open and worst < prob):
                add(Finding("queue", where, f"meets_target {y.meets_target} but the worst "
                                            f"P(wait) is {worst:g} (target {prob:g})"))
    spent = 0.0
    first_year = min((t.year for t in s.totals), default=0)
    by_year: dict[int, list[tuple[SiteSizing, SiteYear]]] = {}  # site order, then year order
    for site in s.sites:
        for y in site.years:
            by_year.setdefault(y.year, []).append((site, y))
    for t in s.totals:
        sel = [(site, y) for site, y in by_year.get(t.year, [])
               if t.country in ("ALL", site.country)]
        where = f"totals {t.year} {t.country}"
        sums = {"ports": sum(y.ports for _, y in sel),
                "sites_open": sum(1 for _, y in sel if y.open),
                "sites": len(sel)}
        for k, v in sums.items():
            if getattr(t, k) != v:
                add(Finding("totals", where, f"{k} {getattr(t, k)}, the sites give {v}"))
        for k in ("capex", "opex"):
            v = sum(getattr(y, k) for _, y in sel)
            if abs(getattr(t, k) - v) > TOL_MONEY * max(1, len(sel)):
                add(Finding("totals", where, f"{k} {getattr(t, k)}, the sites give {v:.2f}"))
        if isinstance(budget, int | float) and t.country == "ALL":
            spent += t.capex
            allowed = float(budget) * (t.year - first_year + 1)
            if spent > allowed + TOL_MONEY * (t.year - first_year + 1):
                add(Finding("totals", where, f"capex up to {t.year} {spent:,.2f} over the "
                                             f"budget up to then {allowed:,.2f}"))
    rep.checked = {"sites": len(s.sites), "site_years": site_years, "pools": pools,
                   "totals": len(s.totals)}
    return rep


def is_sizing(path: Path | str) -> bool:
    """A sizing file, by name (`sizing.json`, `*.sizing.json`) or by its schema version."""
    p = Path(path)
    if p.name.endswith("sizing.json"):
        return True
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b'"evcorridor.sizing/' in head


def check_sizing_file(path: Path | str, *, inputs: Sequence[Path] = ()) -> CheckReport:
    """Load and check one sizing file (InputError when unreadable or of another schema)."""
    return check_sizing(load_sizing(path), label=str(path), inputs=inputs,
                        folder=Path(path).parent)
