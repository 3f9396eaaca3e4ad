"""Rule family `direction`: a station on one carriageway serves only the routes driving that way.

Recomputed here, independently of the siting engine: the heading a station's name gives (whole
upper-case NB / SB / EB / WB in a plaza / service area / rest area / ONroute name, or
"northbound", "south bound"...; exactly one of them, else none),
and a route's compass heading at a node (from three nodes before to three after, the larger of
the north-south and the east-west component, east-west scaled by the cosine of the latitude).
A one-carriageway site must say so (`serves`), and only routes with that heading at its node may
place it (`site_positions`) or stop there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import networkx as nx

_WORDS = {"northbound": ("NB", "north"), "southbound": ("SB", "south"),
          "eastbound": ("EB", "east"), "westbound": ("WB", "west")}


def serves_from_name(name: str) -> str | None:
    """The one heading a station name says it serves, or None."""
    plaza = re.search(r"plaza|service area|rest area|travel centre|onroute", name, re.I)
    found = []
    for heading, (abbr, word) in _WORDS.items():
        if (plaza and re.search(rf"\b{abbr}\b", name)) or re.search(rf"\b{word}[ -]?bound\b",
                                                                      name, re.I):
            found.append(heading)
    return found[0] if len(found) == 1 else None


def heading_at(G: nx.MultiDiGraph, nodes: Sequence[int], node: int) -> str | None:
    """The compass heading of the route `nodes` at `node` (None when not on it)."""
    if node not in nodes:
        return None
    i = list(nodes).index(node)
    a, b = G.nodes[nodes[max(0, i - 3)]], G.nodes[nodes[min(len(nodes) - 1, i + 3)]]
    north = float(b["y"]) - float(a["y"])
    east = (float(b["x"]) - float(a["x"])) * math.cos(math.radians(
        (float(a["y"]) + float(b["y"])) / 2))
    if north == 0 and east == 0:
        return None
    if abs(north) >= abs(east):
        return "northbound" if north >= 0 else "southbound"
    return "eastbound" if east >= 0 else "westbound"
