"""`evcorridor plan`: site chargers along corridors and write plan.json, sites.geojson, sites.csv.

Thin: parse options, call `evcorridor.siting.plan`, print a summary. Exit codes: 0 every plan is
feasible and proven optimal; 1 a plan is infeasible or not proven optimal (the files are still
written: infeasibility is a result); 2 usage (unknown id, bad option combination); 3 bad input
file; 5 output folder not writable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from evcorridor.cli.options import id_argument, id_option
from evcorridor.errors import UsageError


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Objective(StrEnum):
    cost = "cost"
    coverage = "coverage"


class Trip(StrEnum):
    one_way = "one-way"
    round = "round"


class Resil(StrEnum):
    none = "none"
    n1 = "n-1"


def _km(m: float) -> str:
    return f"{m / 1000:.1f}"


def summarize(plan: Any, wall_s: float | None = None, out_dir: Path | None = None
              ) -> dict[str, Any]:
    """One corridor's summary row (also the --format json record)."""
    kinds = {"new": 0, "upgrade": 0, "existing": 0}
    for s in plan.sites:
        kinds[s.kind] += 1
    worst: dict[str, Any] = {}
    for r in plan.routes:
        for vr in r.vehicles:
            for g in vr.gaps:
                if g.crosses_border:
                    where = "border"
                else:
                    where = _country_at(plan, r, g.to_pos_m if g.to_pos_m <= r.border_pos_m
                                        else g.from_pos_m)
                key = f"{r.direction} {where}"
                ratio = g.length_m / g.limit_m if g.limit_m else 0.0
                if key not in worst or ratio > worst[key]["ratio"]:
                    worst[key] = {"direction": r.direction, "where": where, "ratio": ratio,
                                  "length_m": g.length_m, "limit_m": g.limit_m,
                                  "vehicle": vr.vehicle, "route": r.id}
    spacing: dict[str, Any] = {}
    for r in plan.routes:
        for sr in r.standards:
            if sr.max_spacing_m is None:
                continue
            for g in sr.gaps:
                key = f"{r.direction} {sr.country}"
                if key not in spacing or g.length_m > spacing[key]["length_m"]:
                    spacing[key] = {"direction": r.direction, "country": sr.country,
                                    "profile": sr.profile, "length_m": g.length_m,
                                    "limit_m": g.limit_m}
    rec: dict[str, Any] = {
        "corridor": plan.corridor, "status": plan.solver.status, "feasible": plan.feasible,
        "objective": plan.solver.objective, "best_bound": plan.solver.best_bound,
        "gap": plan.solver.gap, "sites": kinds,
        "cost": round(sum(s.cost for s in plan.sites), 6), "cost_unit": plan.cost_unit(),
        "max_gaps": [worst[k] for k in sorted(worst)],
        "max_spacing": [spacing[k] for k in sorted(spacing)],
        "infeasibilities": len(plan.infeasibilities),
    }
    from evcorridor.profiles.station_data import TESLA_SOURCES

    ex = plan.existing
    rec["existing_stations"] = {
        "stations": sum(d.stations for d in plan.station_data) if plan.station_data
        else ex.qualified + ex.upgraded + ex.unused,
        "qualified": ex.qualified, "upgraded": ex.upgraded, "could_not_serve": ex.unused,
        "reasons": dict(ex.reasons),
        "greenfield": sorted(d.country for d in plan.station_data if d.greenfield),
        "tesla_only": sorted(d.country for d in plan.station_data
                             if d.stations and set(d.sources) <= TESLA_SOURCES),
    }
    rec["trucks"] = _trucks_text(plan)
    # existing stations a vehicle stops at (or charges at when it starts), of those listed
    rec["existing_used"] = sum(1 for s in plan.sites if s.kind == "existing" and s.used_by)
    if plan.coverage is not None:
        rec["covered_flow"] = plan.coverage.covered_flow
        rec["total_flow"] = plan.coverage.total_flow
    if wall_s is not None:
        rec["wall_time_s"] = round(wall_s, 3)
    if out_dir is not None:
        rec["out"] = str(out_dir)
    return rec


def cost_text(value: float, unit: str) -> str:
    """`0.75 new sites`, `1,234,000 USD`: a cost always says what it counts."""
    if unit.isupper() and len(unit) == 3:  # a currency code
        return f"{value:,.0f} {unit}"
    return f"{value:g} {unit}"


def _trucks_text(plan: Any) -> str:
    """"via pacific-highway" (the commercial crossings medium/heavy vehicles are planned through),
    "no commercial crossing", or "" when the plan has no medium/heavy vehicle."""
    if not plan.truck_vehicles:
        return ""
    via = [c.short_name for c in plan.crossing_trucks if c.commercial == "true"]
    return f"via {', '.join(via)}" if via else "no commercial crossing"


def _existing_line(row: dict[str, Any]) -> str:
    """`corridor: existing stations N: a qualified, b upgraded, c could not serve a vehicle;
    why: reason (count); ...; MEX: no station data (greenfield)` for the printed summary."""
    ex = row["existing_stations"]
    text = (f"{row['corridor']}: existing stations {ex['stations']}: {ex['qualified']} qualified,"
            f" {ex['upgraded']} upgraded, {ex['could_not_serve']} could not serve a vehicle")
    if ex["reasons"]:
        why = sorted(ex["reasons"].items(), key=lambda kv: (-kv[1], kv[0]))
        text += "; why: " + "; ".join(f"{reason} ({n})" for reason, n in why)
    for country in ex["greenfield"]:
        text += f"; {country}: no station data, plans there are greenfield"
    for country in ex.get("tesla_only", []):
        text += (f"; {country}: the project has no non-Tesla station data there (only Tesla "
                 "Superchargers), so the plan may build where other stations already exist")
    return text


def _country_at(plan: Any, route: Any, pos: float) -> str:
    start_usa = route.direction == "forward"
    other = next((c for c in plan.countries if c != "USA"), "USA")
    before = "USA" if start_usa else other
    after = other if start_usa else "USA"
    return before if pos <= route.border_pos_m else after


def _print_table(rows: list[dict[str, Any]], plans: list[Any]) -> None:
    from evcorridor.render.console import err, out
    from evcorridor.render.table import Column, print_table

    unit = rows[0]["cost_unit"] if rows else "sites"
    mixed = any(r["cost_unit"] != unit for r in rows)
    # one row per corridor, one line per direction; the ids and every figure stay whole (the
    # table turns into one block per corridor on a terminal too narrow for it)
    cols = [Column("corridor", "whole"), Column("dir", "whole"), Column("status", "whole"),
            Column("new", "whole", "right"), Column("upg", "whole", "right"),
            Column("existing", "whole", "right"),
            Column("cost" if mixed else f"cost ({unit})", "whole", "right"),
            Column("USA km", "whole"), Column("border km", "whole"),
            Column("CAN/MEX km", "whole")]
    spacing = any(r["max_spacing"] for r in rows)  # else no profile in force has a spacing rule
    if spacing:
        cols.append(Column("spacing km", "whole"))
    table: list[list[str]] = []
    for r in rows:
        status = r["status"] if r["feasible"] else f"{r['status']}!"
        if "covered_flow" in r:
            status += f" {r['covered_flow']:g}/{r['total_flow']:g}"
        lines: dict[str, list[str]] = {"USA": [], "border": [], "other": [], "spacing": []}
        for d in ("forward", "reverse"):
            cells = {"USA": "-", "border": "-", "other": "-"}
            for g in r["max_gaps"]:
                if g["direction"] != d:
                    continue
                key = g["where"] if g["where"] in ("USA", "border") else "other"
                cells[key] = f"{_km(g['length_m'])}/{_km(g['limit_m'])}"
            for k, v in cells.items():
                lines[k].append(v)
            lines["spacing"].append(" ".join(
                f"{x['country']} {_km(x['length_m'])}/{_km(x['limit_m'])}"
                for x in r["max_spacing"] if x["direction"] == d) or "-")
        cost = cost_text(r["cost"], r["cost_unit"])
        if not mixed:
            cost = cost.removesuffix(f" {unit}")
        table.append([r["corridor"], "fwd\nrev", status, str(r["sites"]["new"]),
                      str(r["sites"]["upgrade"]),
                      f"used {r['existing_used']} of {r['sites']['existing']}", cost,
                      *("\n".join(lines[k]) for k in ("USA", "border", "other")),
                      *(["\n".join(lines["spacing"])] if spacing else [])])
    print_table(out, cols, table,
                title="evcorridor plan: worst gap / limit (km) per direction and country")
    tot = _totals(rows)
    out.print(f"{tot['corridors']} corridor(s): {tot['feasible']} feasible, {tot['optimal']} "
              f"optimal; sites new {tot['sites']['new']}, upgrade {tot['sites']['upgrade']}, "
              f"existing {tot['sites']['existing']}; "
              + (f"cost {cost_text(tot['cost'], rows[0]['cost_unit'])}" if rows and not any(
                  r["cost_unit"] != rows[0]["cost_unit"] for r in rows) else
                 "costs in different units: see each corridor"),
              markup=False, highlight=False, soft_wrap=True)
    for r in rows:
        if r.get("trucks"):  # "i5-cascadia: trucks via pacific-highway"
            out.print(f"{r['corridor']}: trucks {r['trucks']}", markup=False, highlight=False,
                      soft_wrap=True)
        out.print(_existing_line(r), markup=False, highlight=False, soft_wrap=True)
    for plan in plans:
        for inf in plan.infeasibilities:
            if inf.rule == "solver":  # no plan or no proof: not a stretch with a length
                err.print(f"{plan.corridor}: {inf.fix}", markup=False, highlight=False,
                          soft_wrap=True)
                continue
            err.print(f"{plan.corridor}: {inf.route} {inf.rule}: {inf.from_label} "
                      f"(km {_km(inf.from_pos_m)}, {inf.from_country}) -> {inf.to_label} "
                      f"(km {_km(inf.to_pos_m)}, {inf.to_country}): {_km(inf.length_m)} km "
                      f"against {_km(inf.limit_m)} km; fix: {inf.fix}",
                      markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command("plan", short_help="Place chargers along corridors (least cost, or most flow "
                                      "for a budget) and write plan files.")
    def plan(
        ctx: typer.Context,
        corridors: list[str] = id_argument(
            "corridors", "Corridor id(s); see `evcorridor corridors list`.", many=True,
            required=False),
        all_: bool = typer.Option(False, "--all", help="Plan every embedded corridor."),
        profile_set: str = id_option("na-2023", "--profile-set", kind="profile-sets",
                                     help="Standard profiles per country."),
        vehicle: list[str] = id_option(None, "--vehicle", kind="vehicles",
                                       help="Vehicle profile id (repeat); default: all."),
        scenario: str = id_option("default", "--scenario", kind="scenarios",
                                  help="Scenario id (climate, start charge, border waits)."),
        stations: str = typer.Option("embedded", "--stations", metavar="embedded|FILE",
                                     help="'embedded' or a station file (AFDC, OCM, ...)."),
        cost_model: str = id_option("default", "--cost-model", kind="costs",
                                    help="Cost model id."),
        objective: Objective = typer.Option(Objective.cost, "--objective",
                                            help="cost: least cost meeting every rule; "
                                                 "coverage: most flow with --budget sites."),
        budget: int | None = typer.Option(None, "--budget", min=0, metavar="N",
                                          help="Coverage: at most N new sites/upgrades."),
        trip_opt: Trip | None = typer.Option(
            None, "--trip",
            help="one-way: each route on its own; round: out and back, the charge left at a "
                 "far end without a usable station carries into the return (default: one-way "
                 "for cost, round for coverage)."),
        resilience: Resil = typer.Option(Resil.none, "--resilience",
                                         help="n-1: every vehicle still gets through with any "
                                              "one site out."),
        network: Path | None = typer.Option(None, "--network", metavar="PATH",
                                            help="Generic network for coverage with --flows: "
                                                 "GraphML, nodes/edges CSV, or a distance "
                                                 "matrix CSV (alone or NODES.csv,MATRIX.csv)."),
        flows: Path | None = typer.Option(None, "--flows", metavar="FILE.csv",
                                          help="O-D flows CSV (with --network)."),
        range_km: float | None = typer.Option(None, "--range-km", min=0.001, metavar="KM",
                                              help="Generic network: usable range (km) when "
                                                   "no --vehicle is given."),
        candidates: Path | None = typer.Option(
            None, "--candidates", metavar="FILE",
            help="Generic network: the only nodes new sites may use (node ids, one per line or "
                 "a CSV `node` column)."),
        existing: Path | None = typer.Option(
            None, "--existing", metavar="FILE",
            help="Generic network: nodes with existing stations (node ids, one per line or a "
                 "CSV `node` column); they charge for free."),
        paths: Path | None = typer.Option(
            None, "--paths", metavar="FILE",
            help="Generic network: each listed flow's path (CSV origin,destination,path with "
                 "the node ids separated by spaces, ';' or '>', or a JSON list); need not be a "
                 "shortest path. Other flows drive a shortest path."),
        capacity: float | None = typer.Option(
            None, "--capacity", min=0.000001, metavar="N",
            help="Generic network coverage: every station refuels at most N vehicles per "
                 "period (the flows' unit); flows may be served in part (capacitated FRLM, "
                 "Upchurch, Kuby & Lim 2009)."),
        path_tie_break: str | None = typer.Option(
            None, "--path-tie-break", metavar="lowest-ids|highest-ids",
            help="Generic network: which of equal shortest paths a flow drives (same length and "
                 "edge count): the smallest node-id sequence (default) or the largest."),
        network_source: str = typer.Option(
            "auto", "--network-source", metavar="auto|pulled|embedded|continental",
            help="auto (the network `network pull` saved for the corridor, else the embedded "
                 "one, else the continental graph), pulled, embedded or continental."),
        border: str | None = typer.Option(
            None, "--border", metavar="us-ca|us-mx|all",
            help="Plan every road port with traffic on us-ca, us-mx or all (corridors made from "
                 "the continental graph); see `evcorridor.border`."),
        reach_km: float = typer.Option(300.0, "--reach-km", min=1, metavar="KM",
                                       help="--border: road km from the border to each "
                                            "corridor endpoint."),
        dask_workers: int = typer.Option(0, "--dask-workers", min=0, metavar="N",
                                         help="--border: plan the ports as Dask tasks on a "
                                              "local cluster of N worker processes (0: one "
                                              "after the other, in this process)."),
        max_offset_km: float = typer.Option(
            5.0, "--max-offset-km", min=0, metavar="KM",
            help="Existing stations farther than this from the corridor (road distance, or "
                 "straight line x 1.3) are left out."),
        min_spacing_km: float = typer.Option(2.0, "--min-spacing-km", min=0, metavar="KM",
                                             help="Thin interchange candidates to this spacing."),
        time_limit: float | None = typer.Option(None, "--time-limit", min=0.01, metavar="SECONDS",
                                                help="CP-SAT time limit per corridor (s)."),
        workers: int | None = typer.Option(
            None, "--workers", min=1, metavar="N",
            help="Parallel work. Several corridors: N processes, one corridor each, each with a "
                 "single-worker CP-SAT (deterministic); default one per CPU core. One corridor: "
                 "N CP-SAT workers (default 1; more may give another plan of equal cost)."),
        out_dir: Path = typer.Option(Path("out"), "--out", "-o", metavar="DIR",
                                     help="Output folder."),
        fmt: Fmt = typer.Option(Fmt.table, "--format", "-f",
                                help="The summary: table, json, or csv (one row per corridor)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No table, no progress bar."),
    ) -> None:
        """Place chargers so no vehicle faces a gap over its range, in both directions, through
        every crossing, meeting each country's standard, reusing existing stations.

        Writes OUT/<corridor>/plan.json, sites.geojson, sites.csv and solve-log.json. Exit 0
        when every plan is feasible and proven optimal, 1 when one is infeasible or unproven
        (its files are still written), 2 on usage errors and unknown ids, 3 on bad input files,
        5 when the output folder cannot be written.
        """
        from evcorridor.cli.options import step_progress
        from evcorridor.render.console import print_csv, print_json
        from evcorridor.siting.build import BuildOptions
        from evcorridor.siting.plan import SolveOptions, write_outputs

        trip = trip_opt or (Trip.round if objective is Objective.coverage else Trip.one_way)
        if network is not None or flows is not None:
            _not_for_networks(ctx)
            _generic(network, flows, objective, budget, trip, vehicle, scenario, time_limit,
                     out_dir, fmt, quiet, range_km, candidates=candidates, existing=existing,
                     paths=paths, path_tie_break=path_tie_break or "lowest-ids",
                     capacity=capacity)
            return
        if (candidates is not None or existing is not None or path_tie_break is not None
                or paths is not None):
            raise UsageError("--candidates, --existing, --paths and --path-tie-break apply to a "
                             "generic --network only (corridors use --stations and their own "
                             "routes)")
        if capacity is not None:
            raise UsageError("--capacity applies to a generic --network only (capacitated "
                             "coverage is not modelled on corridors)")
        from evcorridor.network.pulled import CHOICES

        if network_source not in CHOICES:
            raise UsageError(f"unknown --network-source {network_source!r} (choose from "
                             f"{', '.join(CHOICES)})")
        if border is not None:
            from evcorridor.cli.border_cmd import plan_border

            if corridors or all_:
                raise UsageError("give corridor ids, --all or --border, not several")
            if trip_opt is Trip.round and objective is Objective.cost:
                raise UsageError("--trip round is not implemented with --border (plan the "
                                 "corridors it writes with `plan ID --trip round`)")
            plan_border(border, out_dir=out_dir, reach_km=reach_km, profile_set=profile_set,
                        vehicles=list(vehicle or []), scenario=scenario,
                        cost_model=cost_model, time_limit=time_limit, fmt=fmt.value,
                        quiet=quiet, dask_workers=dask_workers)
            return
        ids = _corridor_ids(corridors or [], all_)
        if objective is Objective.coverage:
            if budget is None:
                raise UsageError("--objective coverage needs --budget N")
            if not vehicle or len(vehicle) != 1:
                raise UsageError("--objective coverage plans for one vehicle: give --vehicle ID "
                                 "once")
            if resilience is not Resil.none:
                raise UsageError("--resilience applies to --objective cost only")
        elif budget is not None:
            raise UsageError("--budget applies to --objective coverage only")
        if trip is Trip.round and resilience is not Resil.none:
            raise UsageError("--trip round with --resilience n-1 is not modelled (a site on "
                             "both legs of a round trip is one site to lose)")
        if range_km is not None:
            raise UsageError("--range-km applies to a generic --network only (corridors use "
                             "the vehicle profiles)")
        opts = BuildOptions(profile_set=profile_set, vehicles=list(vehicle or []) or None,
                            scenario=scenario, stations=_stations(stations),
                            cost_model=cost_model, resilience=resilience.value,
                            min_spacing_m=min_spacing_km * 1000.0,
                            max_offset_m=max_offset_km * 1000.0,
                            network_source=network_source,
                            trip="round" if trip is Trip.round and objective is Objective.cost
                            else "one-way")
        from evcorridor.cli.options import processes_for

        processes = processes_for(len(ids), workers)
        solve = SolveOptions(time_limit_s=time_limit,
                             num_workers=1 if len(ids) > 1 else (workers or 1))
        rows: list[dict[str, Any]] = []
        plans: list[Any] = []
        with step_progress("planned", len(ids), show=not quiet and len(ids) > 1,
                           after=True) as step:
            job = _Job(opts, solve, objective, list(vehicle or []), budget, trip)
            for cid, outcome in zip(ids, _outcomes(job, ids, processes), strict=True):
                outcome.log["processes"] = processes
                folder = write_outputs(outcome, out_dir)
                plans.append(outcome.plan)
                rows.append(summarize(outcome.plan, outcome.log.get("wall_time_s"), folder))
                step(cid)
        if fmt is Fmt.json:
            print_json({"plans": rows, "summary": _totals(rows)})
        elif fmt is Fmt.csv:
            print_csv(rows)
        elif not quiet:
            _print_table(rows, plans)
        if not all(r["feasible"] and r["status"] == "optimal" for r in rows):
            raise typer.Exit(1)


@dataclass(frozen=True)
class _Job:
    """What every corridor of one `plan` command is planned with (sent to worker processes)."""

    opts: Any
    solve: Any
    objective: Objective
    vehicle: list[str]
    budget: int | None
    trip: Trip

    def __call__(self, cid: str) -> Any:
        """The PlanOutcome of corridor `cid`."""
        return self.run(cid)

    def run(self, cid: str) -> Any:
        from evcorridor.siting.build import build
        from evcorridor.siting.plan import plan_built, plan_built_coverage

        built = build(cid, self.opts)
        if self.objective is Objective.coverage:
            assert self.vehicle and self.budget is not None
            return plan_built_coverage(built, vehicle=self.vehicle[0], budget=self.budget,
                                       trip=self.trip.value, solve=self.solve)
        return plan_built(built, self.solve)


def _outcomes(job: _Job, ids: list[str], processes: int) -> Iterator[Any]:
    """Each corridor's PlanOutcome, in the order of `ids`; with several processes the corridors
    are planned in parallel (the configs are read here first, so every worker starts with them
    parsed)."""
    from evcorridor.cli.options import in_processes

    if processes > 1:
        from evcorridor.profiles.loader import get_registry
        from evcorridor.scenarios import get_cost_model, get_scenario
        from evcorridor.siting import plan as _plan  # noqa: F401  (imported before forking)

        get_registry()
        get_scenario(job.opts.scenario)
        get_cost_model(job.opts.cost_model)
    yield from in_processes(job, ids, processes)


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"corridors": len(rows), "feasible": sum(1 for r in rows if r["feasible"]),
            "optimal": sum(1 for r in rows if r["status"] == "optimal"),
            "sites": {k: sum(r["sites"][k] for r in rows) for k in ("new", "upgrade", "existing")},
            "cost": round(sum(r["cost"] for r in rows), 6)}



def _stations(value: str) -> str | Path:
    if value == "embedded":
        return value
    p = Path(value)
    if not p.exists():
        from evcorridor.errors import InputError

        raise InputError(f"{value}: station file not found (use 'embedded' or a file path)")
    return p


def _corridor_ids(corridors: list[str], all_: bool) -> list[str]:
    from evcorridor.corridors import get_corridor, list_corridors

    if all_ and corridors:
        raise UsageError("give corridor ids or --all, not both")
    if all_:
        return sorted(c.id for c in list_corridors())
    if not corridors:
        raise UsageError("give one or more corridor ids, or --all "
                         "(see `evcorridor corridors list`)")
    for c in corridors:
        get_corridor(c)  # NotFoundError with "did you mean"
    return list(dict.fromkeys(corridors))


#: options that only apply to corridors: with --network they are a usage error, not ignored
CORRIDOR_ONLY = (("workers", "--workers"), ("stations", "--stations"),
                 ("resilience", "--resilience"), ("min_spacing_km", "--min-spacing-km"),
                 ("max_offset_km", "--max-offset-km"), ("profile_set", "--profile-set"),
                 ("cost_model", "--cost-model"), ("all_", "--all"), ("border", "--border"),
                 ("reach_km", "--reach-km"), ("dask_workers", "--dask-workers"),
                 ("network_source", "--network-source"))


def _not_for_networks(ctx: typer.Context) -> None:
    """UsageError naming the corridor-only options given with --network."""
    def given_(name: str) -> bool:
        source = ctx.get_parameter_source(name)
        return source is not None and source.name != "DEFAULT"

    given = [flag for name, flag in CORRIDOR_ONLY if given_(name)]
    if ctx.params.get("corridors"):
        given.insert(0, "corridor ids")
    if given:
        verb = "does" if len(given) == 1 else "do"
        raise UsageError(f"{', '.join(given)} {verb} not apply to a generic --network (the "
                         "coverage model plans the network's own nodes for its flows)")


def _generic(network: Path | None, flows: Path | None, objective: Objective,
             budget: int | None, trip: Trip, vehicle: list[str] | None, scenario: str,
             time_limit: float | None, out_dir: Path, fmt: Fmt, quiet: bool,
             range_km: float | None = None, *, candidates: Path | None = None,
             existing: Path | None = None, paths: Path | None = None,
             path_tie_break: str = "lowest-ids", capacity: float | None = None) -> None:
    from evcorridor.render.console import print_csv, print_json
    from evcorridor.settings import get_settings
    from evcorridor.siting.generic import plan_generic
    from evcorridor.siting.plan import PlanOutcome, write_outputs

    if network is None or flows is None:
        raise UsageError("--network and --flows go together (a generic network and its O-D "
                         "flows)")
    if objective is not Objective.coverage or budget is None:
        raise UsageError("a generic --network plans coverage: add --objective coverage "
                         "--budget N")
    if vehicle and len(vehicle) > 1:
        raise UsageError("a generic network plans for one vehicle: give --vehicle once")
    limit = time_limit or get_settings().solver_time_limit_s
    plan, wall = plan_generic(network, flows, budget=budget, trip=trip.value,
                              range_m=None if range_km is None else range_km * 1000.0,
                              vehicle=vehicle[0] if vehicle else None,
                              scenario=scenario if vehicle else None, time_limit_s=limit,
                              candidates_path=candidates, existing_path=existing,
                              paths_path=paths, path_tie_break=path_tie_break,
                              capacity=capacity)
    if plan.parameters.get("complete_matrix") and plan.coverage is not None and any(
            f.path_source != "given" for f in plan.coverage.flows):
        from evcorridor.render.console import err

        err.print(f"{plan.corridor}: note: the distance matrix links every pair of nodes, so "
                  "every flow drives its one direct link and only its origin and destination "
                  "are on its path; give only the direct road links (empty cells elsewhere) "
                  "or each flow's path (--paths) for trips through other nodes",
                  markup=False, highlight=False, soft_wrap=True)
    outcome = PlanOutcome(plan, {"corridor": plan.corridor, "wall_time_s": round(wall, 3),
                                 "status": plan.solver.status})
    folder = write_outputs(outcome, out_dir)
    row = summarize(plan, wall, folder)
    if fmt is Fmt.json:
        print_json({"plans": [row], "summary": _totals([row])})
    elif fmt is Fmt.csv:
        print_csv([row])
    elif not quiet:
        _print_table([row], [plan])
    if plan.solver.status != "optimal":
        raise typer.Exit(1)
