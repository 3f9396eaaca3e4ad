"""Rule family `direction`: a station on one carriageway serves only the routes driving that way.

Recomputed here, independently of the siting engine and the station readers: the heading a
station's name gives (whole upper-case NB / SB / EB / WB or a final plain North / South... in a
plaza / service area / rest area / ONroute name, "northbound", "south bound"..., French
"direction nord"...) together with the evidence the site's `serves_basis` quotes (an address or
AFDC intersection directions with a heading beside a highway number or milepost, an OSM
`direction` tag); exactly one heading, else none,
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


_FR = {"northbound": "nord", "southbound": "sud", "eastbound": "est", "westbound": "ouest"}
_PLAZA = (r"plaza|service area|rest area|travel centre|travel center|onroute|halte routi|"
          r"aire de service")
#: a highway number or milepost, which a carriageway heading in an address stands beside
_ROAD = (r"(?:(?:I|US|SR|SH|ON|QC|BC|AB|MB|NB|NS|Hwy|Highway|Route|Rte|Autoroute|A)[- ]?\d+"
         r"[A-Z]?|Mile ?post \d+(?:\.\d+)?|Mile Marker \d+(?:\.\d+)?|MP \d+(?:\.\d+)?)")


def name_says(name: str) -> set[str]:
    """Every heading a station name says: "...bound" anywhere, French "direction nord"...,
    and in a plaza / service area / rest area / ONroute name NB... as upper-case words, or (a
    service or travel plaza, not a bare plaza) a plain North... as the last word after a dash
    or in parentheses."""
    plaza = re.search(_PLAZA, name, re.I) is not None
    service = re.search(r"(?:service|travel) plaza|service area|rest area|travel cent(?:re|er)|"
                        r"onroute|halte routi|aire de service", name, re.I) is not None
    found = set()
    for heading, (abbr, word) in _WORDS.items():
        if (re.search(rf"\b{word}[ -]?bound\b", name, re.I)
                or re.search(rf"\bdirection {_FR[heading]}\b", name, re.I)
                or (plaza and re.search(rf"\b{abbr}\b", name))
                or (service and re.search(rf"(?:\s[-\u2013]\s*|\()\s*{word}\s*\)?\s*$",
                                          name, re.I))):
            found.add(heading)
    return found


def text_says(text: str) -> set[str]:
    """Every heading an address or directions text says beside a highway number or milepost
    ("I-5 NB", "Highway 401 Eastbound", "Southbound I-87"), or French "direction nord"."""
    found = set()
    for heading, (abbr, word) in _WORDS.items():
        way = rf"(?:{abbr}|{word}[ -]?bound)"
        for rx in (rf"\b{_ROAD}\s*,?\s*(?:-\s*)?({way})\b", rf"\b({way})\s+(?:on\s+)?{_ROAD}\b"):
            for m in re.finditer(rx, text, re.I):
                if m.group(1).lower() != abbr.lower() or m.group(1).isupper():
                    found.add(heading)
        if re.search(rf"\bdirection {_FR[heading]}\b", text, re.I):
            found.add(heading)
    return found


def tag_says(value: str) -> set[str]:
    """The heading of an OSM `direction=*` value (N, north, northbound, NB...; else none)."""
    v = value.strip().lower()
    for heading, (abbr, word) in _WORDS.items():
        if v in (word, word[0], heading, abbr.lower(), f"{word} bound"):
            return {heading}
    return set()


def serves_from_name(name: str) -> str | None:
    """The one heading a station name says it serves, or None."""
    found = name_says(name)
    return next(iter(found)) if len(found) == 1 else None


def serves_from(name: str, basis: str | None) -> str | None:
    """The one heading of a site from its name and the evidence its `serves_basis` quotes
    ("address '...'", "intersection directions '...'", "OSM direction=..."), or None."""
    found = name_says(name)
    b = basis or ""
    if b.startswith("OSM direction="):
        found |= tag_says(b.removeprefix("OSM direction="))
    elif (m := re.match(r"^(?:address|intersection directions(?: \(French\))?) '(.*)'$", b,
                        re.S)) is not None:
        found |= text_says(m.group(1))
    return next(iter(found)) if len(found) == 1 else None


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
