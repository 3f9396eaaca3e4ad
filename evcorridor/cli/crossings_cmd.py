"""`evcorridor crossings ...`: the border-crossing registry (data/crossings.csv)."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from evcorridor.cli.options import check_choice
from evcorridor.crossings import COLUMNS, Crossing, get_crossing, list_crossings
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
    check_choice("--format", fmt, ("table", "json", "csv"))
    if sort is not None:
        check_choice("--sort", sort, ("trucks", "cars"))
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
    # ids and figures never wrap or get cut; the highway lists wrap (fold) into what is left, and
    # the border column is left out when --border already says it. A narrow terminal gets one
    # highways column and no port (both are in `crossings show ID` and --format csv).
    narrow = out.width < 120
    if narrow:
        cols = ["id", "state", "highways US / other", "cars/yr", "trucks/yr"]
    else:
        cols = ["id", "port", "state", "highways US", "highways other", "cars/yr", "trucks/yr"]
        if not border:
            cols.insert(2, "border")
    for col in cols:
        wraps = col.startswith("highways")
        table.add_column(col, justify="right" if col.endswith("/yr") else "left",
                         no_wrap=not wraps, overflow="fold" if wraps else "ellipsis",
                         min_width=6 if wraps and not narrow else None)
    for c in rows:
        cells = {"id": c.id, "port": c.port_code, "border": c.border, "state": c.state,
                 "highways US": " ".join(c.highways_us),
                 "highways other": " ".join(c.highways_other),
                 "highways US / other": f"{' '.join(c.highways_us) or '–'} / "
                                        f"{' '.join(c.highways_other) or '–'}",
                 "cars/yr": _num(c.cars_per_year) + ("*" if c.volumes_scope == "port" else ""),
                 "trucks/yr": _num(c.trucks_per_year) + ("*" if c.volumes_scope == "port" else "")}
        table.add_row(*(cells[col] for col in cols))
    out.print(table)
    out.print("* whole BTS port (shared by its bridges). Annualised: see `crossings show ID`.")


@app.command("show")
def show_cmd(
    crossing: str = typer.Argument(..., help="Crossing id, e.g. blaine-peace-arch."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """One crossing with its location source, highways and how its volumes were annualised."""
    check_choice("--format", fmt, ("table", "json"))
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
