"""Maximum power per connector type, used by the cross-field check "a minimum power per port
above every allowed connector's maximum" and by `profiles compare`.

These are upper bounds from the connector specifications (not what typical chargers deliver).
Values that could not be checked against the specification text are marked `verified=False`;
the check only uses them to reject a minimum power no listed connector could ever deliver, so
a generous (high) bound is the safe side.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectorLimit:
    max_kw: float
    source: str
    verified: bool


CONNECTOR_MAX_KW: dict[str, ConnectorLimit] = {
    "MCS": ConnectorLimit(
        3750.0, "SAE J3271 Megawatt Charging System: up to 1,250 V x 3,000 A = 3.75 MW "
        "(../shared/docs/standards-facts.md, Connectors)", True),
    "NACS": ConnectorLimit(
        1000.0, "SAE J3400 / Tesla NACS specification: 'up to 1 MW' DC (UNVERIFIED figure)",
        False),
    "CCS1": ConnectorLimit(
        500.0, "SAE J1772 Combo (CCS Type 1) DC: commonly quoted 350-500 kW upper bound "
        "(UNVERIFIED; 500 kW used as the generous bound)", False),
    "CCS2": ConnectorLimit(
        500.0, "IEC 62196-3 CCS Type 2 DC: commonly quoted 350-500 kW (UNVERIFIED)", False),
    "CHAdeMO": ConnectorLimit(
        400.0, "CHAdeMO 2.0 specification: 1,000 V x 400 A = 400 kW (UNVERIFIED)", False),
    "J1772": ConnectorLimit(
        19.2, "SAE J1772 AC Level 2: 80 A x 240 V = 19.2 kW", True),
    "NEMA1450": ConnectorLimit(
        9.6, "NEMA 14-50 outlet: 40 A continuous (80 % of 50 A) x 240 V = 9.6 kW (UNVERIFIED)",
        False),
    "NEMA520": ConnectorLimit(
        1.92, "NEMA 5-20 outlet: 16 A continuous x 120 V = 1.92 kW (UNVERIFIED)", False),
    "NEMA515": ConnectorLimit(
        1.44, "NEMA 5-15 outlet: 12 A continuous x 120 V = 1.44 kW (UNVERIFIED)", False),
}


def max_kw(connector: str) -> float | None:
    """Upper bound in kW for a canonical connector name, None if not tabulated."""
    lim = CONNECTOR_MAX_KW.get(connector)
    return lim.max_kw if lim else None
