"""Direction of service: does a station serve one carriageway only, and which?

One rule for every reader (docs/siting.md, "Direction of service"). Evidence, each giving at
most one heading (northbound, southbound, eastbound, westbound):

- OpenStreetMap `direction=*` on the station: N / S / E / W, north..., northbound..., NB...
  (degrees, `forward` / `backward` need the way and are not read; `oneway` describes a way, not
  a station, and is not read either);
- the name: "northbound", "south bound"... anywhere; NB / SB / EB / WB as whole upper-case words
  of a service / travel plaza, service area, rest area or ONroute name; a plain North / South /
  East / West as the last word of a service / travel plaza, service / rest area or ONroute name
  (not a bare "plaza", often a shopping plaza: "Oakwood Plaza - North") after a dash or in
  parentheses ("Service Plaza - North", "Travel Plaza (South)"); French "direction nord / sud /
  est / ouest";
- the street address and the AFDC `Intersection Directions` (English and French): a heading
  next to a highway reference or milepost ("I-5 NB exit 2", "Highway 401 Eastbound", "NYS
  Thruway Milepost 210 Eastbound", "Southbound I-87"), or French "direction nord". A heading
  beside a street ("from eastbound Congers Rd", "Westbound Airport Way at Highway 97") is how to
  reach the lot, not the carriageway, and a bare "South" in an address ("Milepost 127 South", on
  both New Baltimore plazas) is no heading.

Exactly one heading over all the evidence -> the station serves that carriageway only, with the
first evidence as its basis ("name 'New Baltimore SB Travel Plaza'", "address 'Highway 401
Eastbound'", "OSM direction=north"); none -> both ways (None, ""); two different -> both ways,
with the basis "conflicting: ..." naming the evidence.
"""

from __future__ import annotations

import re

from evcorridor.headings import Heading

_WORD = {"north": "northbound", "south": "southbound", "east": "eastbound", "west": "westbound",
         "nord": "northbound", "sud": "southbound", "est": "eastbound", "ouest": "westbound",
         "n": "northbound", "s": "southbound", "e": "eastbound", "w": "westbound",
         "o": "westbound"}
_CODE = {"NB": "northbound", "SB": "southbound", "EB": "eastbound", "WB": "westbound"}

_PLAZA = re.compile(r"plaza|service area|rest area|travel centre|travel center|onroute|"
                    r"halte routi|aire de service", re.I)
#: road-service names (a bare "plaza" may be a shopping plaza: "Oakwood Plaza - North")
_SERVICE = re.compile(r"service plaza|travel plaza|service area|rest area|travel cent(?:re|er)|"
                      r"onroute|halte routi|aire de service", re.I)
_BOUND = re.compile(r"\b(north|south|east|west)[ -]?bound\b", re.I)
_CODES = re.compile(r"\b(NB|SB|EB|WB)\b")
_FRENCH = re.compile(r"\bdirection (nord|sud|est|ouest)\b", re.I)
_TAIL = re.compile(r"(?:\s[-\u2013]\s*|\()\s*(north|south|east|west)\s*\)?\s*$", re.I)
#: a highway reference or a milepost: what a carriageway heading in an address stands next to
_ROAD = (r"(?:(?:I|US|SR|SH|ON|QC|BC|AB|MB|NB|NS|Hwy|Highway|Route|Rte|Autoroute|A)[- ]?\d+[A-Z]?"
         r"|Mile ?post \d+(?:\.\d+)?|Mile Marker \d+(?:\.\d+)?|MP \d+(?:\.\d+)?)")
_DIR = r"(NB|SB|EB|WB|(?:north|south|east|west)[ -]?bound)"
_AFTER_ROAD = re.compile(rf"\b{_ROAD}\s*,?\s*(?:-\s*)?{_DIR}\b", re.I)
_BEFORE_ROAD = re.compile(rf"\b{_DIR}\s+(?:on\s+)?{_ROAD}\b", re.I)


def _heading(token: str) -> Heading:
    t = token.strip()
    if t.upper() in _CODE:
        return _CODE[t.upper()]  # type: ignore[return-value]
    return _WORD[re.sub(r"[ -]?bound$", "", t.lower())]  # type: ignore[return-value]


def name_headings(name: str) -> set[Heading]:
    """Headings a station name says (see the module docstring)."""
    plaza = _PLAZA.search(name) is not None
    found: set[Heading] = {_heading(m.group(1)) for m in _BOUND.finditer(name)}
    found |= {_heading(m.group(1)) for m in _FRENCH.finditer(name)}
    if plaza:
        found |= {_heading(m.group(1)) for m in _CODES.finditer(name)}
        if _SERVICE.search(name) is not None and (m := _TAIL.search(name)) is not None:
            found.add(_heading(m.group(1)))
    return found


def text_headings(text: str) -> set[Heading]:
    """Headings an address or directions text says next to a highway or milepost (or French
    "direction nord")."""
    found: set[Heading] = set()
    for rx in (_AFTER_ROAD, _BEFORE_ROAD):
        for m in rx.finditer(text):
            tok = m.group(1)
            if len(tok) == 2 and not tok.isupper():
                continue  # "nb" in running text is no code
            found.add(_heading(tok))
    found |= {_heading(m.group(1)) for m in _FRENCH.finditer(text)}
    return found


def tag_heading(value: str) -> Heading | None:
    """The heading of an OSM `direction=*` value (None: none, or one that needs the way)."""
    v = value.strip()
    if v.upper() in _CODE:
        return _CODE[v.upper()]  # type: ignore[return-value]
    low = re.sub(r"[ -]?bound$", "", v.lower())
    if low in ("n", "s", "e", "w", "north", "south", "east", "west"):
        return _WORD[low]  # type: ignore[return-value]
    return None


def serves_from(name: str, *, address: str = "", directions: str = "",
                directions_fr: str = "", osm_direction: str = "") -> tuple[Heading | None, str]:
    """(heading, basis) of a station that serves one carriageway only, else (None, "")."""
    evidence: list[tuple[set[Heading], str]] = []
    if osm_direction.strip():
        h = tag_heading(osm_direction)
        evidence.append(({h} if h else set(), f"OSM direction={osm_direction.strip()}"))
    evidence.append((name_headings(name), f"name '{' '.join(name.split())}'"))
    for label, text in (("address", address), ("intersection directions", directions),
                        ("intersection directions (French)", directions_fr)):
        if text.strip():
            evidence.append((text_headings(text), f"{label} '{' '.join(text.split())}'"))
    said = [(hs, basis) for hs, basis in evidence if hs]
    every: set[Heading] = set().union(*(hs for hs, _b in said)) if said else set()
    if not every:
        return None, ""
    if len(every) > 1:  # both ways; the basis keeps the conflict (and stops a re-read by name)
        return None, "conflicting: " + "; ".join(b for _hs, b in said)
    return next(iter(every)), said[0][1]
