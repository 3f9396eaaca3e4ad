"""`evcorridor corridors ...`: the corridor definitions in configs/corridors/."""

from __future__ import annotations

import typer
from rich.table import Table

from evcorridor.cli.options import check_choice, format_option, id_argument
from evcorridor.corridors import Corridor, get_corridor, list_corridors
from evcorridor.render.console import out, print_csv, print_json
from evcorridor.render.table import Column, print_table

FORMATS = ("table", "json", "csv")

app = typer.Typer(help="Corridor definitions (configs/corridors/<id>.yaml).", no_args_is_help=True)


def _dump(c: Corridor) -> dict[str, object]:
    return c.model_dump(mode="json")


@app.command("list")
def list_cmd(fmt: str = format_option(*FORMATS)) -> None:
    """Every corridor: id, border, crossings, endpoints."""
    check_choice("--format", fmt, FORMATS)
    corridors = list_corridors()
    if fmt == "json":
        print_json([_dump(c) for c in corridors])
        return
    if fmt == "csv":  # one row per corridor, the table's columns (places: `corridors show`)
        print_csv([{"id": c.id, "name": c.name, "border": c.border, "crossings": c.crossings,
                    "from": c.start.name, "to": c.end.name, "buffer_km": c.buffer_km,
                    "highways_usa": c.highways.get("USA", []),
                    "highways_other": c.highways.get(c.other_country, [])}
                   for c in corridors])
        return
    # ids (the corridor's and its crossings') are never cut: the places and highways wrap
    cols = [Column("id", "whole"), Column("border", "whole"), Column("crossings", "words"),
            Column("from"), Column("to"), Column("highways", "words")]
    print_table(out, cols, [
        [c.id, c.border, ", ".join(c.crossings), c.start.name, c.end.name,
         "; ".join(f"{k}: {' '.join(v)}" for k, v in c.highways.items())] for c in corridors],
        title=f"{len(corridors)} corridors")


@app.command("show")
def show_cmd(
    corridor: str = id_argument("corridors", "Corridor id, e.g. i5-cascadia."),
    fmt: str = format_option(*FORMATS),
) -> None:
    """One corridor: places in order, crossings, highways, buffer."""
    check_choice("--format", fmt, FORMATS)
    c = get_corridor(corridor)
    if fmt == "json":
        print_json(_dump(c))
        return
    if fmt == "csv":  # its places in order (the rest: --format json)
        print_csv([{"corridor": c.id, "order": i, "side": "USA" if i <= len(c.us_side)
                    else c.other_country, "place": p.name, "lat": p.lat, "lon": p.lon}
                   for i, p in enumerate(c.places, start=1)])
        return
    out.print(f"[bold]{c.id}[/bold]: {c.name}")
    out.print(f"border {c.border} (USA → {c.other_country}), buffer {c.buffer_km:g} km, "
              f"file {c.source_file}")
    out.print("crossings: " + ", ".join(c.crossings))
    table = Table(show_header=True)
    for col in ("#", "side", "place", "lat", "lon"):
        table.add_column(col, justify="right" if col in ("#", "lat", "lon") else "left")
    for i, p in enumerate(c.places, start=1):
        side = "USA" if i <= len(c.us_side) else c.other_country
        table.add_row(str(i), side, p.name, f"{p.lat:.4f}", f"{p.lon:.4f}")
    out.print(table)
    for country, refs in c.highways.items():
        out.print(f"highways {country}: {', '.join(refs)}")
