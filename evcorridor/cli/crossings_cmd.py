"""`evcorridor crossings ...`: the border-crossing registry (data/crossings.csv)."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from evcorridor.crossings import COLUMNS, Crossing, get_crossing, list_crossings
from evcorridor.errors import UsageError
from evcorridor.render.console import out, print_json, to_csv

app = typer.Typer(help="US–Canada and US–Mexico road border crossings (BTS ports + Travel "
                       "Mapping border points).", no_args_is_help=True)


def _row(c: Crossing) -> list[object]:
    d = c.model_dump()
    return [";".join(d[k]) if isinstance(d[k], list) else d[k] for k in COLUMNS]


def _num(v: int | None) -> str:
    return "–" if v is None else f"{v:,}"


@app.command("list")
def list_cmd(
    border: str | None = typer.Option(None, "--border", "-b", help="us-ca or us-mx."),
    sort: str | None = typer.Option(None, "--sort", help="trucks or cars (busiest first)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """Every road crossing, optionally one border, optionally sorted by annual volume."""
    if fmt not in ("table", "json", "csv"):
        raise UsageError(f"unknown --format {fmt!r} (choose from table, json, csv)")
    if sort not in (None, "trucks", "cars"):
        raise UsageError(f"unknown --sort {sort!r} (choose from trucks, cars)")
    rows = list_crossings(border)
    if sort:
        attr = "trucks_per_year" if sort == "trucks" else "cars_per_year"
        rows = sorted(rows, key=lambda c: (-(getattr(c, attr) or -1), c.id))
    if fmt == "json":
        print_json([c.model_dump(mode="json") for c in rows])
        return
    if fmt == "csv":
        sys.stdout.write(to_csv(COLUMNS, (_row(c) for c in rows)))
        return
    table = Table(title=f"{len(rows)} crossings" + (f" ({border})" if border else ""))
    for col in ("id", "port", "border", "state", "highways US", "highways other", "cars/yr",
                "trucks/yr"):
        table.add_column(col, justify="right" if col.endswith("/yr") else "left",
                         no_wrap=col in ("id", "port", "border", "state"))
    for c in rows:
        table.add_row(c.id, c.port_code, c.border, c.state, " ".join(c.highways_us),
                      " ".join(c.highways_other),
                      _num(c.cars_per_year) + ("*" if c.volumes_scope == "port" else ""),
                      _num(c.trucks_per_year) + ("*" if c.volumes_scope == "port" else ""))
    out.print(table)
    out.print("* whole BTS port (shared by its bridges). Annualised: see `crossings show ID`.")


@app.command("show")
def show_cmd(
    crossing: str = typer.Argument(..., help="Crossing id, e.g. blaine-peace-arch."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """One crossing with its location source, highways and how its volumes were annualised."""
    if fmt not in ("table", "json"):
        raise UsageError(f"unknown --format {fmt!r} (choose from table, json)")
    c = get_crossing(crossing)
    if fmt == "json":
        print_json(c.model_dump(mode="json"))
        return
    table = Table(title=c.name, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for k, v in zip(COLUMNS, _row(c), strict=True):
        if k in ("cars_per_year", "trucks_per_year"):
            v = _num(v if isinstance(v, int) else None)
        table.add_row(k, "" if v is None else str(v))
    out.print(table)
