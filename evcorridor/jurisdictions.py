"""Jurisdictions below the country: ISO 3166-2 subdivisions (`US-NY`, `CA-QC`, `MX-BCN`).

A network node knows its subdivision from the Travel Mapping route systems it lies on: every
Travel Mapping route id starts with its region code (`ny.i087`, `qc.a015`, `mexbc.mex001d`), and
the corridor graphs keep those ids on every node (`routes`, `;`-separated). US state and Canadian
province region codes are the ISO 3166-2 suffixes (`ny` -> US-NY, `qc` -> CA-QC); Mexican states
carry Travel Mapping's own `mex` codes, mapped below for all 32 (31 states and Mexico City). US
territories (`pr`, `gu`...) are left out: no corridor reaches them. Only the
regions of the node's own country count (a border waypoint is on `ny.i087` and `qc.a015`; in
Canada it is CA-QC). A node on a state line (regions of two subdivisions of its country) or
without a route id has no subdivision: the national rules apply there.

Used by the siting; the checker derives subdivisions with its own table and rule
(`evcorridor/check/subdivisions.py`), so a mistake here is caught by `check`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

ISO2 = {"USA": "US", "CAN": "CA", "MEX": "MX"}

#: US states and DC (ISO 3166-2:US suffixes = Travel Mapping region codes)
US_STATES = frozenset(
    ["al", "ak", "az", "ar", "ca", "co", "ct", "de", "dc", "fl", "ga", "hi", "id", "il", "in",
     "ia", "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh",
     "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut",
     "vt", "va", "wa", "wv", "wi", "wy"])
#: US territories (ISO 3166-2:US suffixes): station files list them; no corridor reaches them,
#: so they are not subdivisions of the siting
US_TERRITORIES = frozenset(["pr", "vi", "gu", "as", "mp"])
#: Canadian provinces and territories (ISO 3166-2:CA suffixes = Travel Mapping region codes)
CA_PROVINCES = frozenset(
    ["ab", "bc", "mb", "nb", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yt"])
#: Travel Mapping region codes of all 31 Mexican states and Mexico City -> ISO 3166-2:MX.
#: Source: the MEX rows of Travel Mapping's `regions.csv` (TravelMapping/HighwayData @3d7993c,
#: ../shared/data/travelmapping/HighwayData-USA-CAN-MEX-3d7993c.tar.gz), code column lower-cased
#: without its hyphen (`MEX-BC` -> `mexbc`), each state matched by its name there to its
#: ISO 3166-2:MX code (Travel Mapping's "Distrito Federal" is Ciudad de Mexico, MX-CMX).
MX_STATES = {
    "mexags": "MX-AGU",  # Aguascalientes
    "mexbc": "MX-BCN",  # Baja California
    "mexbcs": "MX-BCS",  # Baja California Sur
    "mexcam": "MX-CAM",  # Campeche
    "mexchih": "MX-CHH",  # Chihuahua
    "mexchis": "MX-CHP",  # Chiapas
    "mexcoah": "MX-COA",  # Coahuila
    "mexcol": "MX-COL",  # Colima
    "mexdf": "MX-CMX",  # Distrito Federal (Ciudad de Mexico)
    "mexdgo": "MX-DUR",  # Durango
    "mexemex": "MX-MEX",  # Estado de Mexico
    "mexgro": "MX-GRO",  # Guerrero
    "mexgto": "MX-GUA",  # Guanajuato
    "mexhgo": "MX-HID",  # Hidalgo
    "mexjal": "MX-JAL",  # Jalisco
    "mexmich": "MX-MIC",  # Michoacan
    "mexmor": "MX-MOR",  # Morelos
    "mexnay": "MX-NAY",  # Nayarit
    "mexnl": "MX-NLE",  # Nuevo Leon
    "mexoax": "MX-OAX",  # Oaxaca
    "mexpue": "MX-PUE",  # Puebla
    "mexqro": "MX-QUE",  # Queretaro
    "mexqroo": "MX-ROO",  # Quintana Roo
    "mexsin": "MX-SIN",  # Sinaloa
    "mexslp": "MX-SLP",  # San Luis Potosi
    "mexson": "MX-SON",  # Sonora
    "mextab": "MX-TAB",  # Tabasco
    "mextam": "MX-TAM",  # Tamaulipas
    "mextlax": "MX-TLA",  # Tlaxcala
    "mexver": "MX-VER",  # Veracruz
    "mexyuc": "MX-YUC",  # Yucatan
    "mexzac": "MX-ZAC",  # Zacatecas
}

SUBDIVISION_RE = re.compile(r"^(US|CA|MX)-[A-Z0-9]{1,3}$")


def region_subdivision(country: str, region: str) -> str | None:
    """The ISO 3166-2 code of a Travel Mapping region in `country` (None: not one of its)."""
    region = region.lower()
    if country == "USA" and region in US_STATES:
        return f"US-{region.upper()}"
    if country == "CAN" and region in CA_PROVINCES:
        return f"CA-{region.upper()}"
    if country == "MEX":
        return MX_STATES.get(region)
    return None


def node_subdivision(data: Mapping[str, Any]) -> str | None:
    """The subdivision of a graph node from its `country` and Travel Mapping `routes`."""
    country = str(data.get("country", "") or "")
    found = {code for rid in str(data.get("routes", "") or "").split(";") if "." in rid
             if (code := region_subdivision(country, rid.split(".", 1)[0]))}
    return found.pop() if len(found) == 1 else None


def side_jurisdiction(subdivisions: list[str | None], country: str,
                      mapped: Mapping[str, Any]) -> tuple[str, bool]:
    """(jurisdiction, partly) of one country's side of a route, from its nodes' subdivisions:
    the subdivision when every node with one is in the same subdivision that `mapped` (a profile
    set's keys) overrides, else the country; `partly` is True when some but not all of the side
    lies in an overridden subdivision (then the national rule runs along the side and sites in
    the subdivision are judged by its profile)."""
    known = {s for s in subdivisions if s is not None}
    over = {s for s in known if s in mapped}
    if over and len(known) == 1:
        return over.pop(), False
    return country, bool(over)
