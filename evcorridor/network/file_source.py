"""The `file` source: a user's GraphML (.graphml / .graphml.gz) or OpenStreetMap XML (.osm/.xml),
or a compact file (.npz: the continental graph, cut to the corridor, or a corridor graph).

GraphML files are loaded as they are (osmnx format) and completed to the contract; OSM XML goes
through `osmnx.graph_from_xml` (simplified). Missing attributes are filled: `country` from the
Natural Earth polygons, `label` from a motorway junction's `ref`, `interchange` for motorway
junctions, `crossing` at the node nearest to each of the corridor's crossings (within 3 km).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import networkx as nx

from evcorridor.corridors import Corridor
from evcorridor.crossings import get_crossing
from evcorridor.errors import InputError
from evcorridor.network.boundaries import default_locator
from evcorridor.network.graph import read_graphml
from evcorridor.network.routes import nearest_node

Progress = Callable[[str, float], None]
CROSSING_SNAP_M = 3000.0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return ";".join(str(v) for v in value)
    return str(value)


def complete_graph(G: nx.MultiDiGraph, corridor: Corridor, *, source: str, provenance: str,
                   data_date: str = "") -> nx.MultiDiGraph:
    """Fill in the contract's attributes that a foreign graph lacks (in place; returns G)."""
    loc = default_locator()
    for _, data in G.nodes(data=True):
        data["x"], data["y"] = float(data["x"]), float(data["y"])
        if not data.get("country"):
            data["country"] = loc.nearest(data["x"], data["y"])
        junction = data.get("highway") == "motorway_junction"
        if "label" not in data:
            data["label"] = _text(data.get("ref")) if junction else ""
        if "interchange" not in data:
            data["interchange"] = bool(junction)
        data.setdefault("crossing", "")
    for u, v, data in G.edges(data=True):
        data["highway"] = _text(data.get("highway"))
        data["ref"] = _text(data.get("ref"))
        data.setdefault("synthetic", False)
        if not data.get("country"):
            a, b = G.nodes[u], G.nodes[v]
            data["country"] = loc.nearest((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
    for cid in corridor.crossings:
        if any(c == cid for _, c in G.nodes(data="crossing")):
            continue
        c = get_crossing(cid)
        n, dist = nearest_node(G, c.lat, c.lon)
        if dist <= CROSSING_SNAP_M:
            G.nodes[n]["crossing"] = cid
    G.graph.update({"crs": "EPSG:4326", "corridor": corridor.id, "source": source,
                    "provenance": provenance})
    G.graph.setdefault("data_date", data_date)
    return G


def load_file(corridor: Corridor, path: Path, *, progress: Progress | None = None
              ) -> nx.MultiDiGraph:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    if progress:
        progress(f"reading {path.name}", 0.0)
    name = path.name.lower()
    if name.endswith(".npz"):
        from evcorridor.network import compact
        from evcorridor.network.continental import (
            corridor_graph,
            is_continental_file,
            load_continental,
        )

        if is_continental_file(path):  # the continental graph: cut the corridor out of it
            return corridor_graph(load_continental(path), corridor)
        G = compact.load(path)
        return complete_graph(G, corridor, source="file",
                              provenance=str(G.graph.get("provenance", "")) or path.name)
    if name.endswith((".graphml", ".graphml.gz")):
        G = read_graphml(path)
        prov = str(G.graph.get("provenance", "")) or f"user file {path.name}"
    elif name.endswith((".osm", ".xml")):
        import osmnx as ox

        from evcorridor.inputs import check_readable

        check_readable(path, "network")
        try:
            G = ox.graph_from_xml(path, simplify=False, retain_all=True)
            # keep motorway junctions (exits) and ref changes (e.g. at a border) as nodes
            G = ox.simplify_graph(G, node_attrs_include=["highway"], edge_attrs_differ=["ref"])
        except (ParseError, ValueError, KeyError) as exc:
            raise InputError(f"{path}: not a readable OpenStreetMap XML file: {exc}") from exc
        if G.number_of_nodes() == 0:
            raise InputError(f"{path}: no roads in the OpenStreetMap XML file")
        prov = f"user file {path.name} (OpenStreetMap data, (c) OpenStreetMap contributors)"
    else:
        raise InputError(f"{path}: unknown network file type; use .graphml, .graphml.gz or .osm")
    G = complete_graph(G, corridor, source="file", provenance=prov)
    if progress:
        progress(f"read {path.name}", 1.0)
    return G
