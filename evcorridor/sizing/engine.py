"""Plan -> sizing: demand per stop, M/M/c ports per site, class and year, power, costs, phasing.

Steps (docs/sizing.md states each assumption and its source):
1. Demand. For each route of the plan (crossing, direction) and each vehicle run, the BTS annual
   inbound volume of the class's measure at the crossing (its share when several plan crossings
   are bridges of one port; trucks only at crossings the registry does not mark as refusing
   commercial traffic) is taken as the trips a year in each direction, split equally among
   the plan's vehicles of that class. A year's EV trips are that x the adoption share; of those,
   `charging_share` % charge at every stop of the run's stop sequence, taking the energy that the
   gap to the next stop needs (the gap's length incl. border-wait equivalent x consumption in the
   plan's climate; at most the charge window).
2. Queue. A site's sessions of a class form one pool: peak-hour arrival rate
   = sessions a year x peak-month factor / 365 x peak-hour share; mean service time
   = mean energy / (min(vehicle, port power) x mean-power share) + overhead. Fewest ports with
   P(wait > target) < prob in M/M/c, never fewer than the site's standard requires (or than an
   existing station has), never fewer than the year before.
3. Power. Nameplate = ports x port power; coincident peak = busy ports at the busy quantile of the
   M/M/c stationary distribution x mean session power, summed over pools (documented diversity
   factor = coincident / nameplate).
4. Money and phasing. Opening a new or upgraded site costs what the siting objective charges
   (`plan site cost`, the cost model's standard design); each port beyond it costs the port class
   (MCS dispenser for truck lanes) and a step up in grid band the difference between bands; O&M
   per installed port and year. Under a budget a year funds first the openings of the sites that
   close coverage gaps (by demand), then port additions by how far the site misses the wait
   target (queue relief), in that strict order: the first item that does not fit and all after
   it wait for the next year, and the unspent budget carries over.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evcorridor.crossings import crossings_path, get_crossing
from evcorridor.errors import UsageError
from evcorridor.money import CURRENCIES, Amount
from evcorridor.plan_model import Plan, Site
from evcorridor.profiles import get_profile_set, get_standard, get_vehicle
from evcorridor.scenarios import CostModel, SizingCosts
from evcorridor.settings import get_settings
from evcorridor.sizing import erlang
from evcorridor.sizing.inputs import Adoption, annual_volume, volumes_path
from evcorridor.sizing.model import (
    DemandRow,
    InputRef,
    Pool,
    SiteSizing,
    SiteYear,
    Sizing,
    YearTotal,
)

HEAVY = ("medium-duty", "heavy-duty")
NOTES = [
    "Only cross-border trips are sized: no domestic (AADT) traffic source ships with evcorridor, "
    "so domestic trips that use the same sites add to these figures.",
    "BTS counts entries into the USA only; the trips out of the USA are taken as equal.",
    "Each plan vehicle of a class stands for an equal part of that class's EV trips.",
    "Sessions of a class at a site are one M/M/c queue (Poisson arrivals, exponential plug-in "
    "times with the mean of the site's sessions, first come first served).",
]


@dataclass(frozen=True)
class Options:
    years: tuple[int, ...]
    wait_target_min: float
    wait_prob: float
    demand_year: int | None = None
    currency: str = "USD"
    budget_per_year: float | None = None  # in `currency`


def _r(x: float, nd: int = 4) -> float:
    return round(float(x), nd) + 0.0


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: Path) -> str:
    root = Path(get_settings().configs_dir).resolve().parent
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


@dataclass
class _Entry:
    weight: float  # sessions a year per 1 % EV share... (annual volume x port share x split x cs)
    energy_kwh: float
    power_kw: float  # mean session power


@dataclass
class _PoolAcc:
    vclass: str
    mcs: bool
    port_kw: float
    min_ports: int
    entries: list[_Entry] = field(default_factory=list)


#: A station whose data gives no power / port count (null in the plan) is sized as the DC fast
#: floor the siting lets a vehicle count on: one port at 50 kW (an assumption, stated in
#: docs/siting.md; the plan keeps the facts unknown).
UNKNOWN_PORTS, UNKNOWN_KW = 1, 50.0


def _known_ports(site: Site) -> int:
    return UNKNOWN_PORTS if site.ports is None else site.ports


def _known_kw(site: Site) -> float:
    return UNKNOWN_KW if site.power_kw is None else site.power_kw


def _min_ld_ports(plan: Plan, site: Site) -> int:
    if site.kind == "existing":
        return max(_known_ports(site), 1)
    pset = plan.parameters.get("profile_set")
    std_min = 1
    if isinstance(pset, str):
        profiles: dict[str, str] = {str(k): v for k, v in get_profile_set(pset).profiles.items()}
        profile = profiles.get(site.country)
        if profile:
            std_min = max(get_standard(profile).min_ports, 1)
    if site.kind == "upgrade":  # an upgraded station keeps its own ports (truck lanes only)
        return max(std_min, _known_ports(site), 1)
    return max(std_min, 1)


def _mcs_kw(site: Site) -> float | None:
    kws = [c.max_kw for c in site.connectors if c.type == "MCS" and c.max_kw is not None]
    return max(kws) if kws else None


def _mcs_lanes(site: Site) -> int:
    return sum(c.count for c in site.connectors if c.type == "MCS")


def _paid_band(plan: Plan, site: Site, costs: SizingCosts) -> int:
    """The grid band a site's plan cost pays for: the first; for a new or upgraded site with
    truck lanes, the band of its standard design plus the lanes (the siting prices the step:
    `CostModel.truck_lanes`)."""
    lanes = _mcs_lanes(site)
    kw = _mcs_kw(site)
    pset = plan.parameters.get("profile_set")
    if site.kind == "existing" or not lanes or kw is None or not isinstance(pset, str):
        return 0
    # the profile in force at the site (its subdivision's where the set maps one)
    std = get_standard(get_profile_set(pset).profile_for(site.country,
                                                         site.subdivision)).standard_site()
    return costs.band(std.ports * std.power_kw + lanes * kw)[0]


def _pools(plan: Plan, adoption: Adoption, demand_year: int | None
           ) -> tuple[dict[str, dict[str, _PoolAcc]], list[DemandRow]]:
    """Per site id and vehicle class the demand entries; and the demand table."""
    climate = str(plan.parameters.get("climate") or "mild")
    sites = {s.id: s for s in plan.sites}
    vehicles = {vr.vehicle for r in plan.routes for vr in r.vehicles}
    profiles = {v: get_vehicle(v) for v in sorted(vehicles)}
    per_class: dict[str, int] = defaultdict(int)
    for p in profiles.values():
        per_class[p.vehicle_class] += 1
    crossing = {c: get_crossing(c) for c in plan.crossings}
    port_of = {c: crossing[c].port_code for c in plan.crossings}

    def takes(c: str, vclass: str) -> bool:
        """Trucks cross only where the registry does not say the crossing refuses them."""
        return vclass not in HEAVY or crossing[c].commercial != "false"

    volumes: dict[tuple[str, str], float] = {}
    rows: list[DemandRow] = []
    for c in plan.crossings:
        for vclass in sorted(per_class):
            # a port's count is shared among the plan's crossings of that port that take the
            # class (Blaine's and Laredo's trucks all go to their commercial crossings)
            sharing = sum(1 for o in plan.crossings
                          if port_of[o] == port_of[c] and takes(o, vclass))
            share = 1.0 / sharing if takes(c, vclass) else 0.0
            v = annual_volume(port_of[c], vclass, demand_year)
            volumes[(c, vclass)] = (v.annual or 0.0) * share
            rows.append(DemandRow(crossing=c, port_code=port_of[c], vehicle_class=vclass,
                                  annual_inbound=None if v.annual is None else _r(v.annual, 1),
                                  port_share=_r(share), basis=v.basis))
    pools: dict[str, dict[str, _PoolAcc]] = defaultdict(dict)
    for site in plan.sites:  # the car ports of the standard design, or of the existing station
        pools[site.id]["light-duty"] = _PoolAcc("light-duty", False, _known_kw(site),
                                                _min_ld_ports(plan, site))
    for route in plan.routes:
        for run in route.vehicles:
            veh = profiles[run.vehicle]
            vclass = veh.vehicle_class
            cs = adoption.demand.charging_share.get(vclass)
            if cs is None:
                raise adoption.problem(("demand", "charging_share"),
                                       f"no charging share for vehicle class {vclass!r}")
            weight = volumes.get((route.crossing, vclass), 0.0) / per_class[vclass] * cs / 100
            window = veh.battery_kwh * (veh.charge_to_pct - veh.arrive_with_pct) / 100.0
            kwh_per_m = veh.highway_consumption_kwh_per_km * veh.climate_factor(climate) / 1000
            for stop in run.stops:
                site = sites[stop]
                gap = next((g for g in run.gaps if g.from_id == stop), None)
                energy = min(window, (gap.length_m if gap else 0.0) * kwh_per_m)
                mcs_kw = _mcs_kw(site) if vclass in HEAVY else None
                port_kw = mcs_kw if mcs_kw is not None else _known_kw(site)
                pool_class = vclass if vclass in HEAVY else "light-duty"
                pool = pools[stop].get(pool_class)
                if pool is None:
                    # trucks: the MCS lanes the plan built (their cost is in the site's plan
                    # cost), at least one
                    at_least = (_min_ld_ports(plan, site) if pool_class == "light-duty"
                                else max(1, _mcs_lanes(site)))
                    pool = pools[stop][pool_class] = _PoolAcc(pool_class, mcs_kw is not None,
                                                              port_kw, at_least)
                power = min(veh.max_dc_power_kw, port_kw) * adoption.demand.mean_power_share
                pool.entries.append(_Entry(weight, energy, power))
    return pools, rows


@dataclass
class _PoolYear:
    acc: _PoolAcc
    lam: float
    service_h: float
    power_kw: float
    sessions: float
    energy_mwh: float
    required: int


def _pool_year(acc: _PoolAcc, adoption: Adoption, border: str, year: int, o: Options,
               prev_required: int) -> _PoolYear:
    d = adoption.demand
    vclass = acc.vclass
    share = adoption.share_pct(vclass, border, year) / 100.0 if acc.entries else 0.0
    w = sum(e.weight for e in acc.entries)
    sessions = w * share
    if w > 0:
        mean_e = sum(e.weight * e.energy_kwh for e in acc.entries) / w
        mean_h = sum(e.weight * (e.energy_kwh / e.power_kw) for e in acc.entries) / w
        power = mean_e / mean_h if mean_h > 0 else 0.0
    else:
        mean_e = mean_h = power = 0.0
    service_h = mean_h + d.overhead_min / 60.0
    pmf = d.peak_month_factor.get(vclass, 1.0)  # type: ignore[call-overload]
    phs = d.peak_hour_share.get(vclass, 0.1)  # type: ignore[call-overload]
    lam = sessions * pmf / 365.0 * phs
    required = erlang.min_ports(lam, service_h, o.wait_target_min / 60.0, o.wait_prob,
                                acc.min_ports) if lam > 0 else acc.min_ports
    return _PoolYear(acc, lam, service_h, power, sessions, sessions * mean_e / 1000.0,
                     max(required, prev_required))


@dataclass
class _Money:
    costs: SizingCosts
    cm: CostModel
    currency: str

    def of(self, a: Amount) -> float:
        rates = self.cm.exchange_rates
        if a.currency == self.currency:
            return a.value
        if rates is None:
            raise UsageError(f"cost model {self.cm.id!r} has no exchange_rates to convert "
                             f"{a.currency} into {self.currency}")
        return rates.amount(a, self.currency)

    def plan_cost(self, value: float) -> float:
        return self.of(Amount(value=value, currency=self.cm.currency))


def size_plan(plan: Plan, plan_path: Path, adoption: Adoption, cost_model: CostModel,
              o: Options) -> Sizing:
    """The sizing of one plan (see the module docstring)."""
    if o.currency not in CURRENCIES:
        raise UsageError(f"unknown currency {o.currency!r} (known: {', '.join(CURRENCIES)})")
    if cost_model.sizing is None:
        raise UsageError(f"cost model {cost_model.id!r} has no `sizing` costs")
    money = _Money(cost_model.sizing, cost_model, o.currency)
    pools, demand_rows = _pools(plan, adoption, o.demand_year)
    border = plan.border
    target_h = o.wait_target_min / 60.0
    q = adoption.demand.busy_quantile
    years = sorted(o.years)
    for y in years:  # every class in use must cover every year (error names file/line/field)
        for cls in sorted({a.vclass for p in pools.values() for a in p.values() if a.entries}):
            adoption.share_pct(cls, border, y)

    # per site: state carried from year to year
    installed: dict[str, dict[str, int]] = {}
    band_paid: dict[str, int] = {}
    is_open: dict[str, bool] = {}
    prev_req: dict[tuple[str, str], int] = defaultdict(int)
    out_years: dict[str, list[SiteYear]] = defaultdict(list)
    sites = {s.id: s for s in plan.sites}
    for s in plan.sites:
        is_open[s.id] = s.kind == "existing"
        band_paid[s.id] = _paid_band(plan, s, cost_model.sizing)
        installed[s.id] = ({"light-duty": _known_ports(s)} if s.kind == "existing" else {})
    budget = 0.0 if o.budget_per_year is not None else None
    for year in years:
        if budget is not None and o.budget_per_year is not None:
            budget += o.budget_per_year  # what was not spent last year carries over
        plans: dict[str, dict[str, _PoolYear]] = {}
        for sid in sorted(pools):
            plans[sid] = {}
            for cls, acc in sorted(pools[sid].items()):
                py = _pool_year(acc, adoption, border, year, o, prev_req[(sid, cls)])
                prev_req[(sid, cls)] = py.required
                plans[sid][cls] = py
        # the work items of the year: openings first (coverage), then queue relief
        items: list[tuple[tuple[Any, ...], str, dict[str, int], float]] = []
        for sid in sorted(plans):
            s = sites[sid]
            want = {cls: py.required for cls, py in plans[sid].items()}
            have = installed[sid]
            if not is_open[sid]:
                cost = money.plan_cost(s.cost) + _additions_cost(money, plans[sid], _base(
                    plans[sid]), want, sid, band_paid, q, peek=True)
                demand = sum(py.sessions for py in plans[sid].values())
                items.append(((0, -demand, sid), sid, want, cost))
            elif any(want[c] > have.get(c, 0) for c in want):
                cost = _additions_cost(money, plans[sid], have, want, sid, band_paid, q,
                                       peek=True)
                worst = max(erlang.p_wait_over(have.get(c, 0), py.lam, py.service_h, target_h)
                            for c, py in plans[sid].items())
                items.append(((1, -worst, sid), sid, want, cost))
        spent: dict[str, float] = defaultdict(float)
        waiting: dict[str, float] = defaultdict(float)
        built: dict[str, list[str]] = defaultdict(list)
        deferred: dict[str, list[str]] = defaultdict(list)
        blocked = False
        for _, sid, want, cost in sorted(items, key=lambda it: it[0]):
            # strict priority: once an item does not fit, it and everything after it wait
            # (the unspent budget carries over to the next year)
            if blocked or (budget is not None and cost > budget + 1e-6):
                blocked = True
                deferred[sid].append("opening" if not is_open[sid] else
                                     _describe(installed[sid], want))
                waiting[sid] += cost
                continue
            if budget is not None:
                budget -= cost
            if not is_open[sid]:
                base = _base(plans[sid])
                _additions_cost(money, plans[sid], base, want, sid, band_paid, q, peek=False)
                built[sid].append(f"open {sum(base.values())} ports")
                extra = _describe(base, want)
                if extra:
                    built[sid].append(extra)
                is_open[sid] = True
            else:
                _additions_cost(money, plans[sid], installed[sid], want, sid, band_paid, q,
                                peek=False)
                built[sid].append(_describe(installed[sid], want))
            installed[sid] = dict(want)
            spent[sid] += cost
        for sid in sorted(plans):
            out_years[sid].append(_site_year(year, sites[sid], plans[sid], installed[sid],
                                             is_open[sid], band_paid[sid], money, q, target_h,
                                             o, spent.get(sid, 0.0), built[sid], deferred[sid],
                                             waiting.get(sid, 0.0)))
    site_rows = []
    for s in sorted(plan.sites, key=lambda s: s.id):
        if s.id not in out_years:
            continue
        site_rows.append(SiteSizing(
            id=s.id, name=s.name, kind=s.kind, country=s.country,
            priority="existing" if s.kind == "existing" else "coverage",
            plan_ports=_known_ports(s), plan_power_kw=_known_kw(s),
            plan_cost=_r(money.plan_cost(s.cost), 2), years=out_years[s.id]))
    totals = _totals(site_rows, years, sites)
    vol = volumes_path()
    inputs = [
        InputRef(kind="plan", id=plan.corridor, path=str(plan_path), sha256=_sha(plan_path)),
        InputRef(kind="adoption", id=adoption.id, path=_rel(Path(adoption.source_file)),
                 sha256=_sha(Path(adoption.source_file))),
        InputRef(kind="cost_model", id=cost_model.id, path=_rel(Path(cost_model.source_file)),
                 sha256=_sha(Path(cost_model.source_file))),
        InputRef(kind="volumes", id="crossing-volumes", path=_rel(vol), sha256=_sha(vol)),
        InputRef(kind="crossings", id="crossings", path=_rel(crossings_path()),
                 sha256=_sha(crossings_path())),
    ]
    rates = cost_model.exchange_rates
    params: dict[str, Any] = {
        "adoption": adoption.id, "cost_model": cost_model.id, "years": list(years),
        "wait_target_min": o.wait_target_min, "wait_prob": o.wait_prob,
        "demand_year": o.demand_year, "currency": o.currency,
        "budget_per_year": o.budget_per_year, "budget_carries_over": True, "busy_quantile": q,
        "exchange_rate_date": rates.date if rates else None,
        "climate": str(plan.parameters.get("climate") or "mild"),
        "queue": "M/M/c (Erlang C)",
    }
    unverified = {f"adoption.{k}": v for k, v in sorted(adoption.unverified.items())}
    unverified.update({f"cost_model.{k}": v for k, v in sorted(cost_model.unverified.items())})
    return Sizing(corridor=plan.corridor, corridor_name=plan.corridor_name, border=plan.border,
                  inputs=inputs, parameters=params, demand=demand_rows, sites=site_rows,
                  totals=totals, notes=list(NOTES), unverified=unverified)


def _base(pys: dict[str, _PoolYear]) -> dict[str, int]:
    """What opening a site builds: the standard's ports (and the plan's truck lanes)."""
    return {cls: py.acc.min_ports for cls, py in pys.items()}


def _describe(have: dict[str, int], want: dict[str, int]) -> str:
    parts = [f"+{want[c] - have.get(c, 0)} {c}" for c in sorted(want)
             if want[c] > have.get(c, 0)]
    return ", ".join(parts)


def _coincident(pys: dict[str, _PoolYear], ports: dict[str, int], q: float) -> float:
    return sum(erlang.busy_quantile(ports.get(c, 0), py.lam * py.service_h, q) * py.power_kw
               for c, py in pys.items())


def _additions_cost(money: _Money, pys: dict[str, _PoolYear], have: dict[str, int],
                    want: dict[str, int], sid: str, band_paid: dict[str, int], q: float,
                    peek: bool) -> float:
    """Capex of going from `have` to `want` ports (ports and grid band step); records the band
    unless `peek`."""
    cost = 0.0
    for c, py in pys.items():
        add = max(0, want.get(c, 0) - have.get(c, 0))
        if add:
            cost += add * money.of(money.costs.port(py.acc.port_kw, py.acc.mcs).capex)
    band, _ = money.costs.band(_coincident(pys, want, q))
    if band > band_paid[sid]:
        cost += (money.of(money.costs.grid[band].capex)
                 - money.of(money.costs.grid[band_paid[sid]].capex))
        if not peek:
            band_paid[sid] = band
    return cost


def _site_year(year: int, site: Site, pys: dict[str, _PoolYear], ports: dict[str, int],
               is_open: bool, band: int, money: _Money, q: float, target_h: float, o: Options,
               capex: float, built: list[str], deferred: list[str], waiting: float
               ) -> SiteYear:
    pools: list[Pool] = []
    for cls, py in sorted(pys.items()):
        c = ports.get(cls, 0) if is_open else 0
        lam, mean_min = _r(py.lam, 6), _r(py.service_h * 60, 6)
        pools.append(Pool(
            vehicle_class=cls, mcs=py.acc.mcs, port_kw=py.acc.port_kw,
            min_ports=py.acc.min_ports, ports_required=py.required, ports=c,
            arrivals_peak_hour=lam, mean_service_min=mean_min, mean_power_kw=_r(py.power_kw, 3),
            p_wait_over_target=_r(erlang.p_wait_over(c, lam, mean_min / 60, target_h), 8),
            busy_ports=erlang.busy_quantile(c, lam * mean_min / 60, q),
            sessions_year=_r(py.sessions, 2), energy_mwh_year=_r(py.energy_mwh, 3)))
    n = sum(p.ports for p in pools)
    nameplate = sum(p.ports * p.port_kw for p in pools)
    grid = sum(p.busy_ports * p.mean_power_kw for p in pools)
    opex = sum(p.ports * money.of(money.costs.port(p.port_kw, p.mcs).om_year) for p in pools)
    worst = max((p.p_wait_over_target for p in pools), default=0.0)
    return SiteYear(
        year=year, open=is_open, ports=n, ports_required=sum(p.ports_required for p in pools),
        power_kw=_r(nameplate, 3), grid_kw=_r(grid, 3),
        diversity_factor=_r(grid / nameplate, 4) if nameplate > 0 else None,
        grid_band=band if is_open else None,
        arrivals_peak_hour=_r(sum(p.arrivals_peak_hour for p in pools), 6),
        p_wait_over_target=worst, meets_target=is_open and worst < o.wait_prob,
        energy_mwh_year=_r(sum(p.energy_mwh_year for p in pools), 3),
        capex=_r(capex, 2), opex=_r(opex, 2), deferred_capex=_r(waiting, 2),
        currency=o.currency, built=built, deferred=deferred, pools=pools)


def _totals(rows: list[SiteSizing], years: list[int], sites: dict[str, Site]) -> list[YearTotal]:
    out: list[YearTotal] = []
    countries = sorted({r.country for r in rows})
    for year in years:
        for country in [*countries, "ALL"]:
            sel = [(r, next(y for y in r.years if y.year == year)) for r in rows
                   if country in ("ALL", r.country)]
            prev = [next((y for y in r.years if y.year == year - 1), None) for r, _ in sel]
            added = sum(y.ports - (p.ports if p else _start_ports(sites[r.id]))
                        for (r, y), p in zip(sel, prev, strict=True))
            out.append(YearTotal(
                year=year, country=country, sites_open=sum(1 for _, y in sel if y.open),
                ports=sum(y.ports for _, y in sel),
                ports_required=sum(y.ports_required for _, y in sel), ports_added=added,
                power_kw=_r(sum(y.power_kw for _, y in sel), 3),
                grid_kw=_r(sum(y.grid_kw for _, y in sel), 3),
                energy_mwh_year=_r(sum(y.energy_mwh_year for _, y in sel), 3),
                capex=_r(sum(y.capex for _, y in sel), 2),
                opex=_r(sum(y.opex for _, y in sel), 2),
                deferred_capex=_r(sum(y.deferred_capex for _, y in sel), 2),
                sites_meeting_target=sum(1 for _, y in sel if y.meets_target),
                sites=len(sel)))
    return out


def _start_ports(site: Site) -> int:
    return _known_ports(site) if site.kind == "existing" else 0


def parse_years(year: int | None, years: str | None, adoption: Adoption) -> tuple[int, ...]:
    """--year Y | --years A-B | the adoption file's phasing years."""
    if year is not None and years is not None:
        raise UsageError("give --year or --years, not both")
    if year is not None:
        return (year,)
    if years is not None:
        parts = years.split("-")
        try:
            a, b = (int(parts[0]), int(parts[1])) if len(parts) == 2 else (0, -1)
        except ValueError:
            a, b = 0, -1
        if a > b or a < 2000 or b > 2100:
            raise UsageError(f"--years {years!r}: give A-B with A <= B, e.g. 2026-2035")
        return tuple(range(a, b + 1))
    return tuple(range(adoption.phasing.first_year, adoption.phasing.last_year + 1))


