"""What an existing station offers, as a `SiteSpec` for the siting engine and the profiles.

Sources rarely say everything; every gap is filled with a documented, conservative default and
recorded (`SiteInfo.power_known`, `ports_known`, `assumptions`) — never silently:

- Only DC fast connectors (CCS1, CHAdeMO, NACS, MCS, CCS2) count at a DC fast station; its AC
  connectors (J1772, NEMA outlets) are not corridor fast charging and are left out.
- Unknown power per port: DEFAULT_DC_KW = 50 kW. The AFDC counts a port as "DC fast" from about
  50 kW up, and 50 kW is the lowest power of the DC fast equipment in the sources here (e.g. the
  US CCS map us-ccs-dcfc-2022-11.geojson and the Canadian 2022 maps give no power at all), so an
  unknown DC port is assumed to deliver 50 kW — an assumption that can only understate a site.
- Unknown DC port count: the connector counts if known, else 1 port (the source lists the site
  as DC fast, so it has at least one).
- Unknown count of one connector type at a multi-connector site: 1.
- Guaranteed power when all ports are in use (`power_kw`): the lowest per-port power among the DC
  connectors; a Tesla Supercharger reported at 150 kW (the V2 cabinet) shares 150 kW between a
  pair of stalls, so 75 kW per stall is guaranteed (ASSUMPTION, stated in data/README.md).
- A station with no DC connector (level unknown, e.g. an OSM/OCM row with only J1772) offers its
  AC connectors at their known power or DEFAULT_AC_KW = 6 kW (the Part 680 Level 2 minimum),
  with `ports` = 0 DC fast ports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evcorridor.connectors import is_dc_fast
from evcorridor.profiles.models import SiteSpec
from evcorridor.stations.model import Station

DEFAULT_DC_KW = 50.0
DEFAULT_AC_KW = 6.0
TESLA_V2_KW = 150.0


@dataclass(frozen=True)
class SiteInfo:
    spec: SiteSpec
    ports_known: bool
    power_known: bool
    assumptions: tuple[str, ...] = field(default_factory=tuple)


def describe_site(station: Station, offset_m: float = 0.0) -> SiteInfo:
    """The station's SiteSpec plus what was known and what was assumed."""
    assumptions: list[str] = []
    dc = [c for c in station.connectors if is_dc_fast(c.type)]
    if not dc:
        ac = station.connectors
        conns = tuple(
            (c.type, c.count if c.count is not None else 1,
             c.max_kw if c.max_kw is not None else DEFAULT_AC_KW) for c in ac)
        if any(c.max_kw is None for c in ac):
            assumptions.append(f"AC power unknown: {DEFAULT_AC_KW:g} kW assumed")
        assumptions.append("no DC fast connector")
        return SiteInfo(SiteSpec(connectors=conns, ports=0, power_kw=0.0, offset_m=offset_m,
                                 power_known=all(c.max_kw is not None for c in ac)),
                        ports_known=station.dc_fast_ports is not None,
                        power_known=all(c.max_kw is not None for c in ac),
                        assumptions=tuple(assumptions))
    power_known = all(c.max_kw is not None for c in dc)
    if not power_known:
        assumptions.append(f"DC power unknown: {DEFAULT_DC_KW:g} kW per port assumed")
    conns_l: list[tuple[str, int, float]] = []
    for c in dc:
        kw = c.max_kw if c.max_kw is not None else DEFAULT_DC_KW
        if c.count is not None:
            count = c.count
        elif len(dc) == 1 and station.dc_fast_ports is not None:
            count = station.dc_fast_ports
        else:
            count = 1
            assumptions.append(f"{c.type} connector count unknown: 1 assumed")
        conns_l.append((c.type, count, kw))
    if station.dc_fast_ports is not None:
        ports, ports_known = station.dc_fast_ports, True
    elif all(c.count is not None for c in dc):
        ports, ports_known = sum(c.count or 0 for c in dc), True
    else:
        ports, ports_known = 1, False
        assumptions.append("DC fast port count unknown: 1 port assumed")
    per_port = []
    for ctype, _, kw in conns_l:
        if ctype == "NACS" and kw == TESLA_V2_KW and (station.operator or "").lower() == "tesla":
            per_port.append(kw / 2)
            assumptions.append("Tesla V2 (150 kW) stalls share a cabinet in pairs: 75 kW "
                               "guaranteed per stall")
        else:
            per_port.append(kw)
    return SiteInfo(
        SiteSpec(connectors=tuple(conns_l), ports=ports, power_kw=min(per_port), offset_m=offset_m,
                 power_known=power_known, ports_known=ports_known),
        ports_known=ports_known, power_known=power_known, assumptions=tuple(assumptions))


def site_spec(station: Station, offset_m: float = 0.0) -> SiteSpec:
    """What the station offers (see `describe_site` for the assumptions made)."""
    return describe_site(station, offset_m).spec
