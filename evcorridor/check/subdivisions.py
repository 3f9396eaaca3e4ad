"""The checker's own subdivision of a graph node (ISO 3166-2), kept apart from the siting's
`evcorridor.jurisdictions` on purpose: a wrong entry or rule there shows up as a `site` or
`route` finding here instead of being copied.

Source: Travel Mapping's region list, `regions.csv` of TravelMapping/HighwayData at commit
3d7993c (../shared/data/travelmapping/HighwayData-USA-CAN-MEX-3d7993c.tar.gz), the rows of the
USA, Canada and Mexico below the country (US territories left out: no corridor reaches them).
A node's `routes` hold Travel Mapping route ids `<region>.<route>`; the region is the `code`
column lower-cased without its hyphen (`MEX-BC` -> `mexbc`). ISO 3166-2 codes: for US states
and DC and for Canadian provinces and territories the code column is the ISO 3166-2 suffix
(US-NY, CA-QC); Mexican states are looked up by name in the ISO 3166-2:MX list below
(`tests/test_check_subdivisions.py` compares this table with the tarball when it is present).

Rule: the node's subdivision is the one subdivision of the node's own country among the regions
of its route ids; with none, or with two (a state line), it has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: (Travel Mapping code, name, country, region type), from regions.csv @3d7993c
TM_REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("AB", "Alberta", "CAN", "Province"),
    ("BC", "British Columbia", "CAN", "Province"),
    ("MB", "Manitoba", "CAN", "Province"),
    ("NB", "New Brunswick", "CAN", "Province"),
    ("NL", "Newfoundland and Labrador", "CAN", "Province"),
    ("NS", "Nova Scotia", "CAN", "Province"),
    ("NT", "Northwest Territories", "CAN", "Territory"),
    ("NU", "Nunavut", "CAN", "Territory"),
    ("ON", "Ontario", "CAN", "Province"),
    ("PE", "Prince Edward Island", "CAN", "Province"),
    ("QC", "Quebec", "CAN", "Province"),
    ("SK", "Saskatchewan", "CAN", "Province"),
    ("YT", "Yukon", "CAN", "Territory"),
    ("MEX-AGS", "Aguascalientes", "MEX", "State"),
    ("MEX-BC", "Baja California", "MEX", "State"),
    ("MEX-BCS", "Baja California Sur", "MEX", "State"),
    ("MEX-CAM", "Campeche", "MEX", "State"),
    ("MEX-CHIH", "Chihuahua", "MEX", "State"),
    ("MEX-CHIS", "Chiapas", "MEX", "State"),
    ("MEX-COAH", "Coahuila", "MEX", "State"),
    ("MEX-COL", "Colima", "MEX", "State"),
    ("MEX-DF", "Distrito Federal", "MEX", "Federal District"),
    ("MEX-DGO", "Durango", "MEX", "State"),
    ("MEX-EMEX", "Estado de Mexico", "MEX", "State"),
    ("MEX-GRO", "Guerrero", "MEX", "State"),
    ("MEX-GTO", "Guanajuato", "MEX", "State"),
    ("MEX-HGO", "Hidalgo", "MEX", "State"),
    ("MEX-JAL", "Jalisco", "MEX", "State"),
    ("MEX-MICH", "Michoacan", "MEX", "State"),
    ("MEX-MOR", "Morelos", "MEX", "State"),
    ("MEX-NAY", "Nayarit", "MEX", "State"),
    ("MEX-NL", "Nuevo Leon", "MEX", "State"),
    ("MEX-OAX", "Oaxaca", "MEX", "State"),
    ("MEX-PUE", "Puebla", "MEX", "State"),
    ("MEX-QRO", "Queretaro", "MEX", "State"),
    ("MEX-QROO", "Quintana Roo", "MEX", "State"),
    ("MEX-SIN", "Sinaloa", "MEX", "State"),
    ("MEX-SLP", "San Luis Potosi", "MEX", "State"),
    ("MEX-SON", "Sonora", "MEX", "State"),
    ("MEX-TAB", "Tabasco", "MEX", "State"),
    ("MEX-TAM", "Tamaulipas", "MEX", "State"),
    ("MEX-TLAX", "Tlaxcala", "MEX", "State"),
    ("MEX-VER", "Veracruz", "MEX", "State"),
    ("MEX-YUC", "Yucatan", "MEX", "State"),
    ("MEX-ZAC", "Zacatecas", "MEX", "State"),
    ("AK", "Alaska", "USA", "State"),
    ("AL", "Alabama", "USA", "State"),
    ("AR", "Arkansas", "USA", "State"),
    ("AZ", "Arizona", "USA", "State"),
    ("CA", "California", "USA", "State"),
    ("CO", "Colorado", "USA", "State"),
    ("CT", "Connecticut", "USA", "State"),
    ("DC", "District of Columbia", "USA", "Capital District"),
    ("DE", "Delaware", "USA", "State"),
    ("FL", "Florida", "USA", "State"),
    ("GA", "Georgia (USA)", "USA", "State"),
    ("HI", "Hawaii", "USA", "State"),
    ("IA", "Iowa", "USA", "State"),
    ("ID", "Idaho", "USA", "State"),
    ("IL", "Illinois", "USA", "State"),
    ("IN", "Indiana", "USA", "State"),
    ("KS", "Kansas", "USA", "State"),
    ("KY", "Kentucky", "USA", "State"),
    ("LA", "Louisiana", "USA", "State"),
    ("MA", "Massachusetts", "USA", "State"),
    ("MD", "Maryland", "USA", "State"),
    ("ME", "Maine", "USA", "State"),
    ("MI", "Michigan", "USA", "State"),
    ("MN", "Minnesota", "USA", "State"),
    ("MO", "Missouri", "USA", "State"),
    ("MS", "Mississippi", "USA", "State"),
    ("MT", "Montana", "USA", "State"),
    ("NC", "North Carolina", "USA", "State"),
    ("ND", "North Dakota", "USA", "State"),
    ("NE", "Nebraska", "USA", "State"),
    ("NH", "New Hampshire", "USA", "State"),
    ("NJ", "New Jersey", "USA", "State"),
    ("NM", "New Mexico", "USA", "State"),
    ("NV", "Nevada", "USA", "State"),
    ("NY", "New York", "USA", "State"),
    ("OH", "Ohio", "USA", "State"),
    ("OK", "Oklahoma", "USA", "State"),
    ("OR", "Oregon", "USA", "State"),
    ("PA", "Pennsylvania", "USA", "State"),
    ("RI", "Rhode Island", "USA", "State"),
    ("SC", "South Carolina", "USA", "State"),
    ("SD", "South Dakota", "USA", "State"),
    ("TN", "Tennessee", "USA", "State"),
    ("TX", "Texas", "USA", "State"),
    ("UT", "Utah", "USA", "State"),
    ("VA", "Virginia", "USA", "State"),
    ("VT", "Vermont", "USA", "State"),
    ("WA", "Washington", "USA", "State"),
    ("WI", "Wisconsin", "USA", "State"),
    ("WV", "West Virginia", "USA", "State"),
    ("WY", "Wyoming", "USA", "State"),
)

#: ISO 3166-2:MX code of each Mexican state, by its Travel Mapping name
ISO_MX = {
    "Aguascalientes": "MX-AGU", "Baja California": "MX-BCN", "Baja California Sur": "MX-BCS",
    "Campeche": "MX-CAM", "Chiapas": "MX-CHP", "Chihuahua": "MX-CHH", "Coahuila": "MX-COA",
    "Colima": "MX-COL", "Distrito Federal": "MX-CMX", "Durango": "MX-DUR",
    "Estado de Mexico": "MX-MEX", "Guanajuato": "MX-GUA", "Guerrero": "MX-GRO",
    "Hidalgo": "MX-HID", "Jalisco": "MX-JAL", "Michoacan": "MX-MIC", "Morelos": "MX-MOR",
    "Nayarit": "MX-NAY", "Nuevo Leon": "MX-NLE", "Oaxaca": "MX-OAX", "Puebla": "MX-PUE",
    "Queretaro": "MX-QUE", "Quintana Roo": "MX-ROO", "San Luis Potosi": "MX-SLP",
    "Sinaloa": "MX-SIN", "Sonora": "MX-SON", "Tabasco": "MX-TAB", "Tamaulipas": "MX-TAM",
    "Tlaxcala": "MX-TLA", "Veracruz": "MX-VER", "Yucatan": "MX-YUC", "Zacatecas": "MX-ZAC",
}

_ISO_PREFIX = {"USA": "US", "CAN": "CA"}


def _table() -> dict[tuple[str, str], str]:
    """(country, route-id region) -> ISO 3166-2 code."""
    out = {}
    for code, name, country, _kind in TM_REGIONS:
        region = code.replace("-", "").lower()
        iso = ISO_MX[name] if country == "MEX" else f"{_ISO_PREFIX[country]}-{code}"
        out[(country, region)] = iso
    return out


REGION_ISO = _table()


def subdivision_of(data: Mapping[str, Any]) -> str | None:
    """ISO 3166-2 subdivision of a graph node from its `country` and `routes` (None: none or
    a line between two)."""
    country = str(data.get("country") or "")
    found = set()
    for rid in str(data.get("routes") or "").split(";"):
        region, dot, _rest = rid.strip().partition(".")
        if dot and (iso := REGION_ISO.get((country, region.lower()))) is not None:
            found.add(iso)
    return next(iter(found)) if len(found) == 1 else None


def governing(subdivisions: Iterable[str | None], country: str, mapped: Mapping[str, Any]
              ) -> str:
    """The jurisdiction governing one country's side of a route: the subdivision a profile set
    maps (`mapped`: its keys) when every node of the side that has a subdivision lies in it,
    else the country."""
    known = {s for s in subdivisions if s is not None}
    if len(known) == 1 and (only := next(iter(known))) in mapped:
        return only
    return country
