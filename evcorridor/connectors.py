"""Connector vocabulary shared by profiles, vehicles and stations.

Canonical names are short and stable (used in YAML, CSV and plan files); each maps to its OCPI 2.2.1
ConnectorType where one exists. Input accepts the common aliases (AFDC codes, OCPI names, SAE
names), case-insensitively.
"""

from __future__ import annotations

from evcorridor.errors import closest

#: canonical name -> (OCPI 2.2.1 ConnectorType or None, description, DC fast?)
CONNECTORS: dict[str, tuple[str | None, str, bool]] = {
    "CCS1": ("IEC_62196_T1_COMBO", "Combined Charging System Type 1 (SAE J1772 Combo)", True),
    "J1772": ("IEC_62196_T1", "SAE J1772 Type 1 AC", False),
    "CHAdeMO": ("CHADEMO", "CHAdeMO DC", True),
    "NACS": ("TESLA_S", "North American Charging Standard (SAE J3400, Tesla)", True),
    "MCS": (None, "Megawatt Charging System (SAE J3271); no OCPI 2.2.1 ConnectorType", True),
    "CCS2": ("IEC_62196_T2_COMBO", "Combined Charging System Type 2", True),
    "NEMA520": ("NEMA_5_20", "NEMA 5-20 outlet (AFDC NEMA520)", False),
    "NEMA515": ("DOMESTIC_B", "NEMA 5-15 outlet (AFDC NEMA515; OCPI DOMESTIC_B)", False),
    "NEMA1450": ("NEMA_14_50", "NEMA 14-50 outlet (AFDC NEMA1450)", False),
}

_ALIASES: dict[str, str] = {
    "ccs": "CCS1",
    "ccs1": "CCS1",
    "ccs type 1": "CCS1",
    "ccs (type 1)": "CCS1",
    "j1772combo": "CCS1",
    "j1772 combo": "CCS1",
    "sae j1772 combo": "CCS1",
    "iec_62196_t1_combo": "CCS1",
    "type1_combo": "CCS1",
    "j1772": "J1772",
    "sae j1772": "J1772",
    "type 1": "J1772",
    "type1": "J1772",
    "iec_62196_t1": "J1772",
    "chademo": "CHAdeMO",
    "nacs": "NACS",
    "j3400": "NACS",
    "sae j3400": "NACS",
    "tesla": "NACS",
    "tesla_s": "NACS",
    "tesla_r": "NACS",
    "tesla supercharger": "NACS",
    "mcs": "MCS",
    "j3271": "MCS",
    "sae j3271": "MCS",
    "ccs2": "CCS2",
    "iec_62196_t2_combo": "CCS2",
    "nema520": "NEMA520",
    "nema515": "NEMA515",
    "nema1450": "NEMA1450",
}
# every OCPI 2.2.1 ConnectorType name of the vocabulary is accepted on input too
_ALIASES.update({ocpi.lower(): canon for canon, (ocpi, _, _) in CONNECTORS.items() if ocpi})


class UnknownConnector(ValueError):
    """Raised by `normalize` for a name outside the vocabulary; message has a suggestion."""


def normalize(name: str) -> str:
    """Canonical connector name for `name` (any accepted alias, any case)."""
    key = " ".join(str(name).strip().lower().replace("-", " ").split())
    if key in _ALIASES:
        return _ALIASES[key]
    nospace = key.replace(" ", "")
    if nospace in _ALIASES:
        return _ALIASES[nospace]
    for canon in CONNECTORS:
        if canon.lower() == key:
            return canon
    near = closest(str(name), [*CONNECTORS, *(a.upper() for a in _ALIASES)])
    hint = f"; did you mean {near[0]!r}?" if near else ""
    raise UnknownConnector(
        f"unknown connector {name!r}{hint} (known: {', '.join(CONNECTORS)})"
    )


def is_dc_fast(canon: str) -> bool:
    return CONNECTORS[canon][2]


def ocpi_name(canon: str) -> str | None:
    return CONNECTORS[canon][0]


def notation(canon: str, count: int, max_kw: float | None) -> str:
    """The one connector notation for people: `CCS1 ×4 @150 kW`, `CCS1 ×1 @? kW` where the power
    is unknown (machines get the structured list: type, count, max_kw)."""
    kw = "?" if max_kw is None else f"{max_kw:g}"
    return f"{canon} ×{count} @{kw} kW"
