"""`evcorridor stations ...`: list a corridor's stations, import station exports, statistics."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.text import Text

from evcorridor.cli.options import check_choice, format_option, id_argument, progress_bar
from evcorridor.connectors import notation
from evcorridor.errors import EvCorridorError, InputError, UsageError
from evcorridor.render.console import err, out, print_csv, print_json, to_csv
from evcorridor.render.table import Column, print_table
from evcorridor.stations import corridor_stations, refuse_rejected
from evcorridor.stations.merge import DEFAULT_DISTANCE_M, dedupe
from evcorridor.stations.model import ReadReport, Station
from evcorridor.stations.normalized import COLUMNS, station_row, write_stations
from evcorridor.stations.readers import FORMATS as INPUT_FORMATS
from evcorridor.stations.readers import ReaderOptions, read_stations
from evcorridor.stations.stats import station_stats

FORMATS = ("table", "json", "csv")

app = typer.Typer(
    help="Existing charging stations: list a corridor's snapshot, import exports, statistics.",
    no_args_is_help=True,
)

SOURCE_HELP = ("'embedded' (the snapshot in data/stations/), 'osm' (live OpenStreetMap "
               "amenity=charging_station query for the corridor polygon via Overpass; rejected "
               "elements are reported) or a station file/folder (AFDC, Open Charge Map, "
               "GeoJSON, supercharge.info, normalised CSV; all its stations are listed, "
               "de-duplicated)")


def _source(value: str) -> str | Path:
    return value if value == "embedded" else Path(value)


def _stations(corridor: str, source: str) -> list[Station]:
    """The stations of `--source`: 'osm' queries Overpass (its read report goes to stderr)."""
    if source != "osm":
        return corridor_stations(corridor, _source(source))
    from evcorridor.corridors import get_corridor
    from evcorridor.stations.osm import read_osm_stations

    c = get_corridor(corridor)
    with progress_bar(f"{c.id}: OpenStreetMap stations") as progress:
        stations, report = read_osm_stations(c, progress=progress)
    _print_report(report)
    return stations


def _say(message: str) -> None:
    """One unwrapped line on stderr (messages are `file:row N: reason`, grep-able)."""
    err.print(message, soft_wrap=True, markup=False, highlight=False)


def _connectors_text(s: Station) -> str:
    """The one connector notation for people (`CCS1 ×4 @150 kW`), leaving out what the source
    does not say (`CCS1`, `NACS ×8`)."""
    parts = []
    for c in s.connectors:
        if c.count is not None and c.max_kw is not None:
            parts.append(notation(c.type, c.count, c.max_kw))
            continue
        bits = c.type
        if c.count is not None:
            bits += f" ×{c.count}"
        if c.max_kw is not None:
            bits += f" @{c.max_kw:g} kW"
        parts.append(bits)
    return ", ".join(parts)


@app.command("list")
def list_cmd(
    corridor: str = id_argument("corridors", "Corridor id, e.g. i5-cascadia."),
    fmt: str = format_option(*FORMATS),
    source: str = typer.Option("embedded", metavar="embedded|osm|FILE", help=SOURCE_HELP),
    country: str | None = typer.Option(None, metavar="USA|CAN|MEX", help="Only this country."),
) -> None:
    """List the existing stations of a corridor."""
    check_choice("--format", fmt, FORMATS)
    stations = _stations(corridor, source)
    if country:
        stations = [s for s in stations if s.country == country.upper()]
    if fmt == "json":
        print_json([s.model_dump(mode="json") for s in stations])
        return
    if fmt == "csv":
        sys.stdout.write(to_csv(COLUMNS, (station_row(s) for s in stations)))
        return
    # ids, ports and dates stay whole; names and operators wrap; connector lists wrap between
    # connectors (one block per station on a terminal too narrow for that)
    cols = [Column("id", "whole"), Column("country", "whole"), Column("name"),
            Column("operator"), Column("connectors", "words"),
            Column("DC ports", "whole", "right"), Column("data date", "whole")]
    print_table(out, cols, [[s.id, s.country, s.name, s.operator or "", _connectors_text(s),
                             "?" if s.dc_fast_ports is None else str(s.dc_fast_ports),
                             str(s.data_date or "")] for s in stations],
                title=f"{corridor}: {len(stations)} stations")
    for side in _sides(corridor):
        if not country and not any(s.country == side for s in stations):
            out.print(f"[yellow]{side}: no station data — plans on this side are greenfield[/]")


def _sides(corridor: str) -> list[str]:
    """USA and the corridor's other country ([] for an id without a corridor config)."""
    try:
        from evcorridor.corridors import get_corridor

        return ["USA", get_corridor(corridor).other_country]
    except EvCorridorError:
        return []


def _print_report(report: ReadReport) -> None:
    for msg in report.messages():
        _say(msg)
    for msg in report.warning_messages():
        _say(msg)
    if report.skipped:
        reasons = Counter(why for _, why in report.skipped)
        for why, n in sorted(reasons.items()):
            rows = [r for r, w in report.skipped if w == why]
            shown = ", ".join(str(r) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
            _say(f"{report.source_file}: skipped {n} row(s) ({shown}): {why}")
    for note in report.notes:
        _say(f"{report.source_file}: note: {note}")
    _say(report.summary())


def _parse_properties(items: list[str]) -> dict[str, str]:
    props: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"--property {item!r}: expected FIELD=PROPERTY, e.g. name=title")
        k, v = item.split("=", 1)
        props[k.strip()] = v.strip()
    return props


@app.command("import")
def import_cmd(
    files: list[Path] = typer.Argument(..., metavar="FILE...",
                                       help="Station exports (files or OCM POI folders)."),
    output: Path = typer.Option(..., "--out", "-o", metavar="FILE.csv|FILE.geojson",
                                help="Output file: .csv or .geojson."),
    fmt: str = typer.Option("auto", "--input-format", "-i",
                            metavar="|".join(("auto", *INPUT_FORMATS)),
                            help="Format of the input files (auto: from the columns)."),
    old_format: str | None = typer.Option(None, "--format", "-f", hidden=True),
    keep_good: bool = typer.Option(False, "--keep-good",
                                   help="Write the good rows even when some rows are rejected."),
    merge: bool = typer.Option(True, "--merge/--no-merge",
                               help="De-duplicate stations across the files."),
    merge_distance: float = typer.Option(DEFAULT_DISTANCE_M, metavar="M",
                                        help="Merge distance in metres."),
    same_operator_distance: float = typer.Option(
        300.0, metavar="M",
        help="Merge distance in metres when both records name the same operator."),
    connector: str | None = typer.Option(None, metavar="CONNECTOR",
                                         help="GeoJSON: the connector of every row."),
    country: str | None = typer.Option(None, metavar="ISO3",
                                       help="GeoJSON: the country of every row."),
    id_prefix: str | None = typer.Option(None, metavar="PREFIX",
                                         help="GeoJSON: id namespace, e.g. afdc."),
    prop: list[str] = typer.Option([], "--property", metavar="FIELD=PROPERTY",
                                   help="GeoJSON: FIELD=PROPERTY mapping (repeatable)."),
    data_date: str | None = typer.Option(None, metavar="YYYY-MM-DD",
                                         help="Export date YYYY-MM-DD (default: file name)."),
) -> None:
    """Read station exports, report every rejected row, write one normalised file.

    Per-row messages go to stderr as `file:row N: reason`. Exit 3 when nothing usable was read,
    or when rows were rejected and --keep-good was not given (then nothing is written).

    Examples:
      evcorridor stations import afdc-WA-2025-02-09.csv ocm/ --out wa.csv
      evcorridor stations import stations_map_CA_CHADEMO.geojson --id-prefix afdc --out ca.geojson
    """
    if old_format is not None:
        raise UsageError("stations import: the input format is --input-format (-i) "
                         f"{old_format}; --format always names an output format")
    check_choice("--input-format", fmt, ("auto", *INPUT_FORMATS))
    try:
        ddate = date.fromisoformat(data_date) if data_date else None
    except ValueError:
        raise UsageError(f"--data-date {data_date!r}: expected YYYY-MM-DD") from None
    options = ReaderOptions(data_date=ddate, connector=connector, country=country,
                            id_prefix=id_prefix, properties=_parse_properties(prop))
    stations: list[Station] = []
    reports: list[ReadReport] = []
    failed: list[str] = []
    for f in files:
        try:
            got, report = read_stations(f, fmt, options)
        except InputError as exc:
            _say(f"error: {exc}")
            failed.append(str(f))
            continue
        _print_report(report)
        stations.extend(got)
        reports.append(report)
    if merge and stations:
        before = len(stations)
        stations, mreport = dedupe(stations, distance_m=merge_distance,
                                   same_operator_distance_m=same_operator_distance)
        if before != len(stations):
            _say(f"merged {before} records into {len(stations)} stations "
                      f"({len(mreport.merged)} groups)")
    if not stations:
        raise InputError(f"no usable station read from {len(files)} file(s); nothing written")
    if not keep_good:  # the rule `plan --stations` follows too
        refuse_rejected(reports, unreadable=len(failed), listed=True,
                        advice=f"nothing written (use --keep-good to write the {len(stations)} "
                               "good stations)")
    kind = write_stations(output, stations)
    _say(f"wrote {len(stations)} stations to {output} ({kind})")


@app.command("stats")
def stats_cmd(
    corridor: str = id_argument("corridors", "Corridor id, e.g. i5-cascadia."),
    fmt: str = format_option(*FORMATS),
    source: str = typer.Option("embedded", metavar="embedded|osm|FILE", help=SOURCE_HELP),
    as_of: str | None = typer.Option(None, metavar="YYYY-MM-DD",
                                     help="Date to measure data age from (default today)."),
) -> None:
    """Counts per country, connector and power class, and how old the data is."""
    check_choice("--format", fmt, FORMATS)
    try:
        when = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise UsageError(f"--as-of {as_of!r}: expected YYYY-MM-DD") from None
    stats = station_stats(_stations(corridor, source), as_of=when,
                          countries=_sides(corridor))
    stats["corridor"] = corridor
    if fmt == "json":
        print_json(stats)
        return
    if fmt == "csv":  # one row per table cell: table, name, country, count
        rows = [{"table": key.removeprefix("by_"), "name": name, "country": c, "stations": n}
                for key in ("by_country", "by_connector", "by_power_class")
                for name, row in stats[key].items() for c, n in sorted(row.items())]
        print_csv(rows)
        return
    _print_stats(stats)


def _print_stats(stats: dict[str, Any]) -> None:
    """The statistics as tables of render/table.py (plain text, ids and figures never cut); the
    data age per raw file with the source's name as the data build recorded it."""
    from evcorridor.provenance import build_sources

    out.print(Text(f"{stats['corridor']}: {stats['stations']} stations, "
                   f"{stats['dc_fast_ports_known']} DC fast ports where known "
                   f"({stats['stations_ports_unknown']} stations with unknown port count)"))
    for key, title in (("by_country", "country"), ("by_connector", "connector"),
                       ("by_power_class", "power class (max DC kW per port)")):
        countries = sorted({c for row in stats[key].values() for c in row})
        cols = [Column(title, "words"), *(Column(c, "whole", "right") for c in countries)]
        rows = [[name, *(str(row.get(c, 0)) for c in countries)]
                for name, row in stats[key].items()]
        print_table(out, cols, rows, title=f"by {title}")
    names = build_sources()
    cols = [Column("source / file", "whole"), Column("stations", "whole", "right"),
            Column("data date", "whole"), Column("age (days)", "whole", "right")]
    rows = [["\n".join((names[f].name, f) if (f := r["source_file"]) in names else (f,)),
             str(r["stations"]), str(r["data_date"] or "?"),
             "?" if r["age_days"] is None else str(r["age_days"])] for r in stats["data_age"]]
    print_table(out, cols, rows, title=f"data age (as of {stats['as_of']})")
    for side in stats["empty_sides"]:
        out.print(Text(f"{side}: no station data — plans there are greenfield"))
