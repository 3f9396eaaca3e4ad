"""`evcorridor size`: ports, power, grid connection, costs and phasing of planned sites."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this module's command to the root app."""

    @app.command("size", short_help=(
        "Size planned sites: ports (M/M/c waiting target), power, grid connection, costs in "
        "USD/CAD/MXN and the year-by-year build-out."), help=(
        "Size the sites of plan files: from BTS cross-border volumes and an adoption scenario, "
        "the peak-hour charging sessions per site; the fewest ports so that the probability of "
        "waiting longer than the target stays under the target probability (M/M/c, never fewer "
        "than the site's standard); power, grid connection, capex and O&M in a currency; and "
        "the year-by-year build-out under an optional budget.\n\n"
        "Writes OUT/<corridor>/sizing.json (schema evcorridor.sizing/1) and sizing.csv. "
        "Exit 3 for a bad input file (named with line and field); nothing is written then."))
    def size(
        plans: list[Path] = typer.Argument(..., metavar="PLAN.json...",
                                           help="Plan file(s) written by `evcorridor plan`."),
        out: Path = typer.Option(..., "--out", metavar="DIR",
                                 help="Write OUT/<corridor>/sizing.json, .csv."),
        adoption: str = typer.Option("baseline", "--adoption", metavar="ID",
                                     help="Adoption scenario id (configs/adoption)."),
        cost_model: str = typer.Option("", "--cost-model", metavar="ID",
                                       help="Cost model id (default: the plan's)."),
        year: int | None = typer.Option(None, "--year", metavar="YEAR", help="Size one year."),
        years: str | None = typer.Option(None, "--years", metavar="A-B",
                                         help="Years to phase (default: the adoption file's)."),
        wait_target_min: float | None = typer.Option(
            None, "--wait-target-min", metavar="MINUTES",
            help="Wait target in minutes (default: adoption file)."),
        wait_prob: float | None = typer.Option(
            None, "--wait-prob", metavar="P",
            help="Largest probability of waiting longer than the target."),
        demand_year: int | None = typer.Option(
            None, "--demand-year", metavar="YEAR",
            help="BTS year for the volumes (default: cars Jan-Feb 2020 x 6, trucks 2021)."),
        currency: str = typer.Option("USD", "--currency", metavar="USD|CAD|MXN",
                                     help="USD, CAD or MXN."),
        budget: float | None = typer.Option(
            None, "--budget-per-year", metavar="AMOUNT",
            help="Capex a year in --currency (default: none)."),
    ) -> None:
        """`evcorridor size PLAN.json... --out DIR` (help text above)."""
        from evcorridor.errors import UsageError
        from evcorridor.money import CURRENCIES
        from evcorridor.plan_model import load_plan
        from evcorridor.render.console import out as console
        from evcorridor.scenarios import get_cost_model
        from evcorridor.sizing.engine import Options, parse_years, size_plan
        from evcorridor.sizing.inputs import get_adoption
        from evcorridor.sizing.output import write_sizing

        if currency not in CURRENCIES:
            raise UsageError(f"unknown --currency {currency!r} (known: {', '.join(CURRENCIES)})")
        if wait_target_min is not None and wait_target_min < 0:
            raise UsageError("--wait-target-min must be >= 0")
        if wait_prob is not None and not 0 < wait_prob <= 1:
            raise UsageError("--wait-prob must be in (0, 1]")
        if budget is not None and budget < 0:
            raise UsageError("--budget-per-year must be >= 0")
        if demand_year is not None and demand_year not in (2020, 2021):
            raise UsageError(f"--demand-year {demand_year}: the shipped BTS data covers "
                             "2020 and 2021")
        adopt = get_adoption(adoption)
        yrs = parse_years(year, years, adopt)
        if budget is None and adopt.phasing.budget_per_year is not None:
            cm0 = get_cost_model(cost_model or "default")
            b = adopt.phasing.budget_per_year
            budget = (b.value if b.currency == currency or cm0.exchange_rates is None
                      else cm0.exchange_rates.amount(b, currency))
        opts = Options(years=yrs,
                       wait_target_min=(adopt.service.wait_target_min if wait_target_min is None
                                        else wait_target_min),
                       wait_prob=adopt.service.wait_prob if wait_prob is None else wait_prob,
                       demand_year=demand_year, currency=currency, budget_per_year=budget)
        loaded = [(p, load_plan(p)) for p in plans]
        results = []
        for path, plan in loaded:  # compute all first: nothing is written on a bad input
            cm = get_cost_model(cost_model or str(plan.parameters.get("cost_model") or "default"))
            results.append(size_plan(plan, path, adopt, cm, opts))
        for s in results:
            folder = write_sizing(s, out)
            last = [t for t in s.totals if t.country == "ALL"]
            capex = sum(t.capex for t in last)
            ports = last[-1].ports if last else 0
            console.print(f"{s.corridor}: {len(s.sites)} sites, {ports} ports in "
                          f"{yrs[-1]}, capex {capex:,.0f} {currency} over "
                          f"{yrs[0]}-{yrs[-1]} -> {folder / 'sizing.json'}", markup=False,
                          highlight=False)
