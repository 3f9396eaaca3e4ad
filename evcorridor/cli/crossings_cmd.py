"""`evcorridor crossings ...`: the border-crossing registry (data/crossings.csv)."""

from __future__ import annotations

import sys

import typer

from evcorridor.cli.options import check_choice, format_option, id_argument
from evcorridor.crossings import COLUMNS, Crossing, get_crossing, list_crossings
from evcorridor.render.console import out, print_json, to_csv
from evcorridor.render.table import Column, layout, print_table

FORMATS = ("table", "json", "csv")

app = typer.Typer(help="US–Canada and US–Mexico road border crossings (BTS ports + Travel "
                       "Mapping border points).", no_args_is_help=True)


def _row(c: Crossing) -> list[object]:
    d = c.model_dump()
    return [";".join(d[k]) if isinstance(d[k], list) else d[k] for k in COLUMNS]


def _num(v: int | None) -> str:
    return "–" if v is None else f"{v:,}"


def _cells(c: Crossing) -> dict[str, str]:
    return {"id": c.id, "port": c.port_code, "border": c.border, "state": c.state,
            "highways US": " ".join(c.highways_us), "highways other": " ".join(c.highways_other),
            "highways US / other": f"{' '.join(c.highways_us) or '–'} / "
                                   f"{' '.join(c.highways_other) or '–'}",
            "cars/yr": _own_or_port(c.cars_per_year, c.port_cars_per_year),
            "trucks/yr": _own_or_port(c.trucks_per_year, c.port_trucks_per_year),
            "trucks?": {"true": "yes", "false": "no"}.get(c.commercial, "unknown")}


@app.command("list")
def list_cmd(
    border: str | None = typer.Option(None, "--border", "-b", metavar="us-ca|us-mx",
                                      help="Only this border."),
    sort: str | None = typer.Option(None, "--sort", metavar="trucks|cars",
                                    help="Busiest first, by annual trucks or cars."),
    fmt: str = format_option(*FORMATS),
) -> None:
    """Every road crossing, optionally one border, optionally sorted by annual volume."""
    check_choice("--format", fmt, FORMATS)
    if sort is not None:
        check_choice("--sort", sort, ("trucks", "cars"))
    rows = list_crossings(border)
    if sort:
        # busiest port first (a shared port's crossings together), then the crossing's own count
        what = "trucks" if sort == "trucks" else "cars"
        rows = sorted(rows, key=lambda c: (-(getattr(c, f"port_{what}_per_year") or -1),
                                           -(getattr(c, f"{what}_per_year") or -1), c.id))
    if fmt == "json":
        print_json([c.model_dump(mode="json") for c in rows])
        return
    if fmt == "csv":
        sys.stdout.write(to_csv(COLUMNS, (_row(c) for c in rows)))
        return
    # ids and figures are never cut; the highway lists wrap between highways. The border column
    # is left out when --border already says it; when the wide layout does not fit, one
    # highways column and no port (both are in `crossings show ID` and --format csv); when that
    # does not fit either, one block per crossing.
    wide = [Column("id", "whole"), Column("port", "whole"), Column("border", "whole"),
            Column("state", "whole"), Column("highways US", "words"),
            Column("highways other", "words"), Column("cars/yr", "whole", "right"),
            Column("trucks/yr", "whole", "right"), Column("trucks?", "whole")]
    if border:
        wide = [c for c in wide if c.header != "border"]
    cells = [_cells(c) for c in rows]
    cols = wide
    if layout(wide, [[x[c.header] for c in wide] for x in cells], out.width) is None:
        cols = [Column("id", "whole"), Column("state", "whole"),
                Column("highways US / other", "words"), Column("cars/yr", "whole", "right"),
                Column("trucks/yr", "whole", "right")]
    print_table(out, cols, [[x[c.header] for c in cols] for x in cells],
                title=f"{len(rows)} crossings" + (f" ({border})" if border else ""))
    out.print("* the whole BTS port's count (shared by its crossings, not split by a source). "
              "trucks?: processes commercial trucks. Sources: `crossings show ID`.")


def _own_or_port(own: int | None, port: int | None) -> str:
    """The crossing's own count, else the port's count marked "*" (else "–")."""
    if own is not None:
        return _num(own)
    return _num(port) + ("*" if port is not None else "")


@app.command("show")
def show_cmd(
    crossing: str = id_argument("crossings", "Crossing id, e.g. blaine-peace-arch."),
    fmt: str = format_option(*FORMATS),
) -> None:
    """One crossing with its location source, highways and how its volumes were annualised."""
    check_choice("--format", fmt, FORMATS)
    c = get_crossing(crossing)
    if fmt == "json":
        print_json(c.model_dump(mode="json"))
        return
    if fmt == "csv":  # the row of `crossings list --format csv`
        sys.stdout.write(to_csv(COLUMNS, [_row(c)]))
        return
    rows = []
    for k, v in zip(COLUMNS, _row(c), strict=True):
        if k.endswith("_per_year"):
            v = _num(v if isinstance(v, int) else None)
        rows.append([k, "" if v is None else str(v)])
    print_table(out, [Column("field", "whole"), Column("value", "words")], rows, title=c.name)
