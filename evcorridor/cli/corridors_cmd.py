"""`evcorridor corridors ...`: the corridor definitions in configs/corridors/."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from evcorridor.cli.options import check_choice, completer, format_option, id_argument
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


@app.command("create")
def create_cmd(
    crossing: str = typer.Option(..., "--crossing", "-c", metavar="CROSSING",
                                 autocompletion=completer("crossings"),
                                 help="Crossing id (see `evcorridor crossings list`)."),
    reach_km: float = typer.Option(300.0, "--reach-km", min=0, metavar="KM",
                                   help="Road km from the border to each endpoint."),
    to: list[str] = typer.Option(None, "--to", metavar="PLACE|NAME=LAT,LON",
                                 help="Endpoint place instead of the reach (repeat, one per "
                                      "side): a shipped corridor's place name ('Winnipeg, MB') "
                                      "or NAME=LAT,LON."),
    corridor_id: str | None = typer.Option(None, "--id", metavar="ID",
                                           help="Corridor id (default: the crossing id)."),
    out_file: Path | None = typer.Option(None, "--out", "-o", metavar="FILE.yaml",
                                         help="YAML file to write (default: "
                                              "configs/corridors/<id>.yaml)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing corridor file."),
    fmt: str = format_option(*FORMATS),
) -> None:
    """Write a corridor YAML for any crossing from the continental road graph.

    Endpoints are reached along the main highways on both sides (or at the --to places); a
    crossing with no road on one side is refused with the reason (exit 1). The corridor is
    then planned like any other: `evcorridor plan ID` (network: the continental graph, stations:
    the shipped station data inside the corridor).
    """
    from evcorridor.atomic import write_text
    from evcorridor.corridor_create import create_corridor
    from evcorridor.corridors import ID_RE, corridors_dir
    from evcorridor.errors import UsageError
    from evcorridor.outpaths import inside

    check_choice("--format", fmt, FORMATS)
    if corridor_id is not None and not ID_RE.match(corridor_id):
        raise UsageError(f"--id {corridor_id!r}: a corridor id is lower-case letters, digits and "
                         "single dashes (it names the corridor's files)")
    made = create_corridor(crossing, reach_km=reach_km, to=list(to or []),
                           corridor_id=corridor_id)
    c = made.corridor
    target = out_file or inside(corridors_dir(), f"{c.id}.yaml", error=UsageError)
    if out_file is not None and target.stem != c.id:
        raise UsageError(f"--out {target}: a corridor file is named after its id ({c.id}.yaml); "
                         f"use --id {target.stem}")
    if target.exists() and not force:
        raise UsageError(f"{target} exists: choose another --id, or --force to replace it")
    write_text(target, made.yaml_text)
    if fmt in ("json", "csv"):
        record = {"corridor": _dump(c), "side_km": made.side_km, "file": str(target)}
        (print_json if fmt == "json" else print_csv)(record)
        return
    out.print(f"[bold]{c.id}[/bold]: {c.name}", markup=True, highlight=False)
    for country, km in made.side_km.items():
        out.print(f"  {country}: {km:.1f} road km from the border; highways "
                  f"{', '.join(c.highways[country])}", markup=False, highlight=False)
    out.print(f"wrote {target}; plan it with `evcorridor plan {c.id}`", markup=False,
              highlight=False)
