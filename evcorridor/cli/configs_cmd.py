"""`evcorridor scenarios|costs|vehicles list|show`: the shipped configs a plan option names, so
that nobody has to learn the scenario names from a typo."""

from __future__ import annotations

from typing import Any

import typer

from evcorridor.cli.options import check_choice, format_option, id_argument
from evcorridor.render.console import flatten, out, print_csv, print_json
from evcorridor.render.table import Column, print_table

FORMATS = ("table", "json", "csv")

scenarios_app = typer.Typer(
    help="Scenarios (configs/scenarios/<id>.yaml): climate, start charge, border waits.",
    no_args_is_help=True)
costs_app = typer.Typer(
    help="Cost models (configs/costs/<id>.yaml): what a new site, an upgrade and a port cost.",
    no_args_is_help=True)
vehicles_app = typer.Typer(
    help="Vehicle profiles (configs/vehicles/<id>.yaml): connectors and usable range per "
         "climate.",
    no_args_is_help=True)


def _dump(model: Any) -> dict[str, Any]:
    return {**model.model_dump(mode="json", exclude_none=True), "file": model.source_file}


def _show(model: Any, fmt: str) -> None:
    """One config: json (the file's data), csv or a table of `field value` rows (nested fields
    as `a.b`, the notes and sources included)."""
    data = _dump(model)
    if fmt == "json":
        print_json(data)
    elif fmt == "csv":
        print_csv(data)
    else:
        rows = [[k, "" if v is None else str(v)] for k, v in flatten(data).items()]
        print_table(out, [Column("field", "whole"), Column("value")], rows,
                    title=f"{data.get('kind', '')} {model.id} — {model.title}")


def _list(records: list[dict[str, Any]], cols: list[Column], fmt: str, title: str) -> None:
    if fmt == "json":
        print_json(records)
    elif fmt == "csv":
        print_csv(records)
    else:
        print_table(out, cols, [[str(r.get(c.header, "")) for c in cols] for r in records],
                    title=title)


# ----------------------------------------------------------------------------- scenarios
def _wait(w: Any) -> str:
    return f"{w.into_usa:g} min into the USA, {w.out_of_usa:g} min out"


@scenarios_app.command("list")
def scenarios_list(fmt: str = format_option(*FORMATS)) -> None:
    """Every scenario: id, climate, start charge, default border waits (`plan --scenario ID`)."""
    from evcorridor.scenarios import list_scenarios

    check_choice("--format", fmt, FORMATS)
    items = list_scenarios()
    if fmt != "table":
        _list([_dump(s) for s in items], [], fmt, "")
        return
    records = [{"id": s.id, "climate": s.climate,
                "start charge": "vehicle's own" if s.start_soc is None
                else f"{s.start_soc * 100:g} %",
                "border wait": _wait(s.border_wait_min.default)
                + (f" ({len(s.border_wait_min.crossings)} crossing(s) differ)"
                   if s.border_wait_min.crossings else ""),
                "title": s.title} for s in items]
    _list(records, [Column("id", "whole"), Column("climate", "whole"),
                    Column("start charge", "words"), Column("border wait"), Column("title")],
          fmt, f"scenarios ({len(records)})")


@scenarios_app.command("show")
def scenarios_show(scenario: str = id_argument("scenarios", "Scenario id, e.g. winter."),
                   fmt: str = format_option(*FORMATS)) -> None:
    """One scenario with its sources and what is unverified. Exit 2 for an unknown id."""
    from evcorridor.scenarios import get_scenario

    check_choice("--format", fmt, FORMATS)
    _show(get_scenario(scenario), fmt)


# ----------------------------------------------------------------------------- cost models
def _cost_unit(model: Any) -> str:
    return str(getattr(model, "currency", None) or getattr(model, "unit", ""))


@costs_app.command("list")
def costs_list(fmt: str = format_option(*FORMATS)) -> None:
    """Every cost model: id, unit or currency, cost of a new site and an upgrade
    (`plan --cost-model ID`)."""
    from evcorridor.scenarios import list_cost_models

    check_choice("--format", fmt, FORMATS)
    items = list_cost_models()
    if fmt != "table":
        _list([_dump(m) for m in items], [], fmt, "")
        return
    records = [{"id": m.id, "unit": _cost_unit(m), "new site": f"{m.new_site:g}",
                "upgrade": f"{m.upgrade:g}", "title": m.title} for m in items]
    _list(records, [Column("id", "whole"), Column("unit", "words"),
                    Column("new site", "whole", "right"), Column("upgrade", "whole", "right"),
                    Column("title")], fmt, f"cost models ({len(records)})")


@costs_app.command("show")
def costs_show(cost_model: str = id_argument("costs", "Cost model id, e.g. default."),
               fmt: str = format_option(*FORMATS)) -> None:
    """One cost model with its sources and what is unverified. Exit 2 for an unknown id."""
    from evcorridor.scenarios import get_cost_model

    check_choice("--format", fmt, FORMATS)
    _show(get_cost_model(cost_model), fmt)


# ----------------------------------------------------------------------------- vehicles
@vehicles_app.command("list")
def vehicles_list(fmt: str = format_option(*FORMATS)) -> None:
    """Every vehicle profile: connectors, usable range per climate (`plan --vehicle ID`)."""
    from evcorridor.cli.profiles_cmd import Kind, TableFormat, list_cmd

    check_choice("--format", fmt, FORMATS)
    list_cmd(kind=Kind.vehicle, fmt=TableFormat(fmt))


@vehicles_app.command("show")
def vehicles_show(vehicle: str = id_argument("vehicles", "Vehicle id, e.g. pickup."),
                  fmt: str = format_option(*FORMATS)) -> None:
    """One vehicle profile with its usable range per climate and its sources. Exit 2 for an
    unknown id."""
    from evcorridor.cli.profiles_cmd import Kind, TableFormat, show_cmd

    check_choice("--format", fmt, FORMATS)
    show_cmd(item_id=vehicle, kind=Kind.vehicle, fmt=TableFormat(fmt))
