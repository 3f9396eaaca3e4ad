"""`evcorridor network ...`: pull a corridor's road network, show what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from evcorridor.atomic import write_bytes
from evcorridor.cli.options import check_choice, format_option, id_argument, progress_bar
from evcorridor.corridors import get_corridor
from evcorridor.network import LOAD_SOURCES, SOURCES, load_network
from evcorridor.network.graph import gzip_bytes, to_graphml_bytes
from evcorridor.network.pulled import record_pull
from evcorridor.network.summary import network_summary
from evcorridor.render.console import out, print_csv, print_json
from evcorridor.render.table import Column, print_table
from evcorridor.settings import get_settings

FORMATS = ("table", "json", "csv")

app = typer.Typer(help="Corridor road networks: pull (build/download) and inspect.",
                  no_args_is_help=True)

SOURCE_HELP = ("embedded (data/networks, offline), travelmapping (build from a Travel Mapping "
               "HighwayData tarball/folder), osm (live Overpass pull via osmnx), file (--path "
               "GraphML or .osm XML)")


def _render(summary: dict[str, Any]) -> None:
    """The summary as `field value` rows (render/table.py: ids and figures never cut)."""
    rows = [
        ["data date", str(summary["data_date"])],
        ["nodes / edges", f"{summary['nodes']} / {summary['edges']}"],
        ["nodes per country", ", ".join(f"{k} {v}" for k, v in
                                        summary["nodes_per_country"].items())],
        ["road km per country", ", ".join(f"{k} {v:.1f} km" for k, v in
                                          summary["km_per_country"].items())],
        ["components", f"{summary['components']} (sizes {summary['component_sizes']})"],
        ["interchanges", str(summary["interchanges"])],
        ["synthetic segments", str(summary["synthetic_links"])],
        ["crossing nodes", "\n".join(f"{c['crossing']} ({c['lat']:.5f}, {c['lon']:.5f})"
                                     for c in summary["crossing_nodes"])],
    ]
    for r in summary["routes"]:
        rows.append([f"main route via {r['crossing']}",
                     f"{r['length_km']:.1f} km (border at {r['border_km']:.1f} km; "
                     + ", ".join(f"{k} {v:.1f} km" for k, v in r["km_per_country"].items())
                     + ")"])
    if summary["route_error"]:
        rows.append(["main route", f"ERROR: {summary['route_error']}"])
    rows.append(["provenance", str(summary["provenance"])])
    # ids (crossings) wrap between words, never inside one; too narrow: stacked, nothing cut
    print_table(out, [Column("field", "words"), Column("value", "words")], rows,
                title=f"{summary['corridor']}: network ({summary['source']})")


@app.command("pull")
def pull_cmd(
    corridor: str = id_argument("corridors", "Corridor id, e.g. i5-cascadia."),
    source: str = typer.Option("embedded", "--source", "-s", metavar="|".join(SOURCES),
                               help=SOURCE_HELP),
    path: Path | None = typer.Option(None, "--path", metavar="PATH",
                                       help="Input for travelmapping / file."),
    fmt: str = format_option(*FORMATS, help="The summary: table, json or csv."),
    highways: str | None = typer.Option(
        None, "--highways", metavar="VALUES|FILTER",
        help="osm: highway values to pull, comma-separated (default motorway,trunk,primary and "
             "their links), or a raw Overpass filter such as '[\"highway\"~\"^motorway$\"]'."),
    refresh: bool = typer.Option(False, "--refresh", help="osm: pull again even when cached."),
) -> None:
    """Pull, build or read a corridor's network, cache it as GraphML, print its summary.

    Sources: embedded (the default, as for `network info`), osm (live Overpass pull),
    travelmapping (build from a HighwayData tarball or folder), file (--path). An osm pull is
    cached under the cache folder, keyed by a hash of the query; a corrupt or truncated cache
    file is pulled again. A pulled network (any source but embedded) is what `plan` uses for the
    corridor from then on (`plan --network-source` chooses). Exit 1 when the main route does not
    reach both sides.
    """
    check_choice("--format", fmt, FORMATS)
    check_choice("--source", source, SOURCES)
    c = get_corridor(corridor)
    with progress_bar(f"{c.id}: {source}") as progress:
        G = load_network(c.id, source=source, path=path, progress=progress,
                         highway_filter=highways, refresh=refresh)
    if source == "osm":  # the osm source keeps its own cache, keyed by a hash of the query
        from evcorridor.network.osm import cache_path

        target = cache_path(c, highway_filter=highways)
    else:
        target = get_settings().cache_dir / "networks" / f"{c.id}.{source}.graphml.gz"
        write_bytes(target, gzip_bytes(to_graphml_bytes(G)))
    if source != "embedded":  # `plan` uses this network for the corridor from now on
        record_pull(c.id, source, target, G)
    summary = network_summary(G, c)
    summary["saved_to"] = str(target)
    if fmt == "json":
        print_json(summary)
    elif fmt == "csv":
        print_csv(summary)
    else:
        _render(summary)
        out.print(f"saved to {target}")
    if summary["route_error"]:  # e.g. no road on one side: the network cannot carry a plan
        raise typer.Exit(1)


@app.command("info")
def info_cmd(
    corridor: str = id_argument("corridors", "Corridor id, e.g. i5-cascadia."),
    source: str = typer.Option("embedded", "--source", "-s", metavar="|".join(LOAD_SOURCES),
                               help=SOURCE_HELP),
    path: Path | None = typer.Option(None, "--path", metavar="PATH",
                                       help="Input for travelmapping / file."),
    fmt: str = format_option(*FORMATS),
) -> None:
    """Nodes, edges, km per country, components, crossings, data date, main-route lengths.

    The main route through each crossing runs from the US endpoint to the foreign endpoint.
    """
    check_choice("--format", fmt, FORMATS)
    c = get_corridor(corridor)
    G = load_network(c.id, source=source, path=path)
    summary = network_summary(G, c)
    if fmt == "json":
        print_json(summary)
    elif fmt == "csv":
        print_csv(summary)
    else:
        _render(summary)
