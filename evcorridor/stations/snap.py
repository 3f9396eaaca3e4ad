"""Snap stations to a corridor graph: nearest candidate node, offset distance, country.

Candidate nodes are the graph's `interchange` nodes (visible waypoints / exits: where a driver can
leave the highway); a graph without any falls back to all nodes.

Offset (the travel distance from the exit to the station):
- `network`: when the graph carries local roads (an OSM pull: graph attr `source == "osm"`, or
  edges tagged as local streets), the station enters the graph at its nearest node of any kind
  (within `access_m`, default 500 m) and the offset is that straight-line stub plus the shortest
  road distance from there to the nearest candidate node (undirected lengths).
- `circuity`: otherwise (Travel Mapping graphs hold highways only) the offset is the straight-line
  (great-circle) distance to the nearest candidate node times a circuity factor, default 1.3.
  ASSUMPTION: 1.3 is a commonly used urban/regional road-network circuity factor (road distance /
  straight-line distance); it is not measured for these corridors. Pass `circuity=` to change it.

Country: the station's own (source) country. When the snapped node's `country` differs (a station
near the border snapping across it), the disagreement is recorded in `SnappedStation.notes`.
Stations farther than `max_offset_m` are left out, each with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from evcorridor.geodesy import haversine_array
from evcorridor.stations.model import Station

DEFAULT_CIRCUITY = 1.3  # ASSUMPTION, see module docstring
DEFAULT_MAX_OFFSET_M = 5000.0
DEFAULT_ACCESS_M = 500.0
LOCAL_HIGHWAYS = frozenset({"residential", "unclassified", "tertiary", "tertiary_link",
                            "service", "living_street", "road", "secondary", "secondary_link"})


@dataclass(frozen=True)
class SnappedStation:
    station: Station
    node: int
    offset_m: float
    country: str
    method: str  # "network" or "circuity"
    straight_m: float = 0.0  # great-circle distance station -> node
    node_country: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def has_local_roads(G: nx.MultiDiGraph) -> bool:
    if G.graph.get("source") == "osm":
        return True
    for _, _, d in G.edges(data=True):
        hw = d.get("highway")
        tags = hw if isinstance(hw, list) else [hw]
        if any(t in LOCAL_HIGHWAYS for t in tags):
            return True
    return False


def _is_candidate(d: dict[str, Any]) -> bool:
    v = d.get("interchange", False)
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


def snap_stations(
    stations: Sequence[Station], G: nx.MultiDiGraph, *, max_offset_m: float = DEFAULT_MAX_OFFSET_M,
    circuity: float = DEFAULT_CIRCUITY, access_m: float = DEFAULT_ACCESS_M,
) -> tuple[list[SnappedStation], list[tuple[Station, str]]]:
    """Snap each station to its nearest candidate node; returns (kept, [(left out, why)])."""
    if circuity < 1.0:
        raise ValueError(f"circuity factor {circuity} < 1 (road distance cannot be shorter)")
    nodes_all = sorted(G.nodes)
    if not nodes_all:
        return [], [(s, "corridor graph has no nodes") for s in stations]
    cand = [n for n in nodes_all if _is_candidate(G.nodes[n])] or nodes_all
    c_lat = np.array([float(G.nodes[n]["y"]) for n in cand])
    c_lon = np.array([float(G.nodes[n]["x"]) for n in cand])
    a_lat = np.array([float(G.nodes[n]["y"]) for n in nodes_all])
    a_lon = np.array([float(G.nodes[n]["x"]) for n in nodes_all])
    network = has_local_roads(G)
    cand_set = set(cand)
    U = G.to_undirected(as_view=True) if network else None
    kept: list[SnappedStation] = []
    left: list[tuple[Station, str]] = []
    for s in stations:
        d = haversine_array(s.lat, s.lon, c_lat, c_lon)
        k = int(np.argmin(d))  # ties: lowest node id (cand is sorted)
        node, straight = cand[k], float(d[k])
        offset, method = straight * circuity, "circuity"
        if network and U is not None:
            da = haversine_array(s.lat, s.lon, a_lat, a_lon)
            ka = int(np.argmin(da))
            entry, stub = nodes_all[ka], float(da[ka])
            if stub <= access_m:
                lengths = nx.single_source_dijkstra_path_length(
                    U, entry, cutoff=max_offset_m, weight=lambda u, v, e: min(
                        float(x.get("length", 0.0)) for x in e.values()))
                reach = sorted((dist, n) for n, dist in lengths.items() if n in cand_set)
                if reach:
                    dist, node = reach[0]
                    offset, method = stub + float(dist), "network"
                    straight = float(d[cand.index(node)])
        node_country = str(G.nodes[node].get("country", "") or "")
        label = str(G.nodes[node].get("label", "") or "")
        if offset > max_offset_m:
            left.append((s, f"offset {offset / 1000:.1f} km to the nearest exit node {node}"
                            f"{f' ({label})' if label else ''} exceeds the "
                            f"{max_offset_m / 1000:.1f} km limit"))
            continue
        notes: tuple[str, ...] = ()
        if node_country and node_country != s.country:
            notes = (f"station country {s.country} differs from the snapped node's "
                     f"{node_country}",)
        kept.append(SnappedStation(station=s, node=int(node), offset_m=round(offset, 1),
                                   country=s.country, method=method, straight_m=round(straight, 1),
                                   node_country=node_country, notes=notes))
    return kept, left
