"""Corridor road networks: one graph contract, four sources.

Graph contract (every source returns exactly this)
--------------------------------------------------
A `networkx.MultiDiGraph` with both directions of every road edge, loadable with
`osmnx.load_graphml` (all attributes are stored as strings in GraphML).

Graph attributes
    crs          "EPSG:4326"
    corridor     corridor id
    source       "travelmapping" | "osm" | "file" | "embedded"
    data_date    date of the underlying data (ISO, "" if unknown)
    provenance   where the data came from, with attribution
    (travelmapping/embedded also: built_from, buffer_km, length_factors "REGION=f;...",
     dropped_nodes, synthetic_links)
Node attributes (node ids are ints; Travel Mapping ids encode the coordinates)
    x, y         lon, lat (float)
    country      "USA" | "CAN" | "MEX" (Natural Earth polygons)
    label        TM visible waypoint label such as "275" or "I-90" ("" if none)
    interchange  bool: a visible waypoint / exit, i.e. a candidate charger site
    crossing     crossing id at the border node of a crossing, else ""
    (travelmapping/embedded also: route_labels "root=label;...", routes "root;...")
Edge attributes
    length       metres (float); TM straight segments × the region's measured factor
    highway      "motorway" | "trunk" | "primary" | ... (OSM-style class)
    ref          route name(s), ";"-joined ("I-5", "BC99", "link:<crossing>" for synthetic)
    country      country the edge lies in
    synthetic    bool: True only for documented links that TM lacks (see travelmapping.py)

Sources: `auto` (default of `load_network`: the network `network pull` saved last for the corridor,
else the embedded one, else the continental cut; see `evcorridor.network.pulled`),
`continental` (the corridor cut out of data/networks/continental.npz, for any corridor, see
`evcorridor.network.continental`),
`embedded` (data/networks/<id>.net.npz, the compact binary form of
<id>.graphml.gz, both built by `make data`; see `evcorridor.network.compact`),
`travelmapping` (build now from a TM HighwayData tarball/tree, `path` or ../shared/data),
`osm` (live osmnx pull, evcorridor.network.osm), `file` (a user's GraphML or .osm XML).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from evcorridor.errors import InputError, UsageError, unknown_id
from evcorridor.network import compact
from evcorridor.network.boundaries import load_border_lines, load_boundaries
from evcorridor.network.compact import SUFFIX
from evcorridor.network.graph import read_graphml
from evcorridor.settings import get_settings

SOURCES = ("embedded", "travelmapping", "osm", "file")  # what `network pull` can pull
LOAD_SOURCES = (*SOURCES, "continental", "auto")
Progress = Callable[[str, float], None]

__all__ = ["LOAD_SOURCES", "SOURCES", "embedded_path", "load_border_lines", "load_boundaries",
           "load_network"]


def embedded_path(corridor_id: str) -> Path:
    """The embedded network file of a corridor: the compact file, else its GraphML."""
    folder = get_settings().data_dir / "networks"
    for name in (f"{corridor_id}{SUFFIX}", f"{corridor_id}.graphml.gz", f"{corridor_id}.graphml"):
        if (folder / name).is_file():
            return folder / name
    return folder / f"{corridor_id}.graphml.gz"


def load_network(corridor_id: str, *, source: str = "auto", path: Path | None = None,
                 progress: Progress | None = None, highway_filter: str | None = None,
                 refresh: bool = False) -> nx.MultiDiGraph:
    """The corridor graph from `source` (see the module docstring for the contract).

    `highway_filter` and `refresh` apply to the osm source only (see
    `evcorridor.network.osm.pull_osm_network`)."""
    from evcorridor.corridors import get_corridor

    if source not in LOAD_SOURCES:
        raise unknown_id("network source", source, LOAD_SOURCES)
    if source != "osm" and (highway_filter is not None or refresh):
        raise UsageError("--highways and --refresh apply to --source osm only")
    corridor = get_corridor(corridor_id)
    if source == "auto":
        from evcorridor.network.pulled import resolve_source

        resolved, found, _what = resolve_source(corridor.id, "auto")
        return load_network(corridor.id, source=resolved, path=found, progress=progress)
    if source == "continental":
        from evcorridor.network.continental import corridor_graph, load_continental

        if progress:
            progress("continental road graph", 0.0)
        G = corridor_graph(load_continental(path), corridor)
        if progress:
            progress("continental road graph", 1.0)
        return G
    if source == "embedded":
        if path is not None:
            raise UsageError("--path is not used with --source embedded (use --source file)")
        p = embedded_path(corridor.id)
        if not p.is_file():
            raise InputError(f"{p}: no embedded network for corridor {corridor.id!r} "
                             "(run `make data`)")
        if progress:
            progress(f"loading {p.name}", 0.0)
        G = compact.load(p) if p.name.endswith(SUFFIX) else read_graphml(p)
        G.graph["source"] = "embedded"
        if progress:
            progress(f"loaded {p.name}", 1.0)
        return G
    if source == "travelmapping":
        from evcorridor.network.tm_source import pull_travelmapping

        return pull_travelmapping(corridor, path=path, progress=progress)
    if source == "file":
        from evcorridor.network.file_source import load_file

        if path is None:
            raise UsageError("--source file needs --path FILE (.graphml, .graphml.gz or .osm)")
        return load_file(corridor, path, progress=progress)
    # osm: written by another module; imported lazily so the rest works without it
    try:
        osm: Any = importlib.import_module("evcorridor.network.osm")
    except ModuleNotFoundError as exc:
        raise UsageError("the osm source is not available in this build; use --source embedded"
                         ) from exc
    G = osm.pull_osm_network(corridor, progress=progress, highway_filter=highway_filter,
                             refresh=refresh)
    return G
