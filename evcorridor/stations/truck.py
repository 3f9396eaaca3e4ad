"""Truck access of a charging station: may a tractor-trailer (class 8) get in, park and charge?

One rule for every reader (docs/siting.md, "Truck stops are truck-capable"):

- AFDC `Maximum Vehicle Class` (API `maximum_vehicle_class`: LD, MD, HD, the largest vehicle
  class the station can physically take) `HD` -> true;
- else AFDC `Facility Type` (API `facility_type`) TRUCK_STOP or TRAVEL_CENTER -> true: the host
  is built for trucks (truck parking, diesel lanes, room to turn), so truck lanes can be added
  there even where its present chargers are in the car lot;
- else `LD` or `MD` -> false (the station takes light / medium vehicles at most);
- OpenStreetMap `hgv=yes|designated` -> true, `hgv=no` -> false;
- anything else (no field, another facility type, sources without the fields such as the
  AFDC map exports and the Tesla list) -> unknown.

The basis names the source and the value it rests on ("AFDC maximum_vehicle_class=HD",
"AFDC facility_type=TRUCK_STOP", "OSM hgv=designated"); it is empty when unknown. Plans let
medium- and heavy-duty vehicles stop only at stations whose access is true (or at new sites
designed for trucks).
"""

from __future__ import annotations

from typing import Literal

TruckAccess = Literal["true", "false", "unknown"]

#: AFDC facility types whose host serves trucks
TRUCK_FACILITIES = frozenset({"TRUCK_STOP", "TRAVEL_CENTER"})
#: AFDC maximum vehicle classes
VEHICLE_CLASSES = frozenset({"LD", "MD", "HD"})
#: OSM `hgv=*` values
OSM_YES = frozenset({"yes", "designated"})
OSM_NO = frozenset({"no"})


def afdc_truck_access(max_class: str, facility: str) -> tuple[bool | None, str]:
    """(truck access, basis) from an AFDC row's maximum vehicle class and facility type (the
    raw codes, either export shape). ValueError for a vehicle class that is not LD/MD/HD."""
    mc = max_class.strip().upper()
    ft = facility.strip().upper()
    if mc and mc not in VEHICLE_CLASSES:
        raise ValueError(f"maximum vehicle class {max_class!r} is not LD, MD or HD")
    if mc == "HD":
        return True, "AFDC maximum_vehicle_class=HD"
    if ft in TRUCK_FACILITIES:
        extra = f"; maximum_vehicle_class={mc}" if mc else ""
        return True, f"AFDC facility_type={ft}{extra}"
    if mc in ("LD", "MD"):
        return False, f"AFDC maximum_vehicle_class={mc}"
    return None, ""


def osm_truck_access(hgv: str) -> tuple[bool | None, str]:
    """(truck access, basis) from an OpenStreetMap element's `hgv` tag (empty: not tagged)."""
    v = hgv.strip().lower()
    if v in OSM_YES:
        return True, f"OSM hgv={v}"
    if v in OSM_NO:
        return False, f"OSM hgv={v}"
    return None, ""


def access_text(value: bool | None) -> TruckAccess:
    """The file and plan form: "true", "false" or "unknown"."""
    return "unknown" if value is None else ("true" if value else "false")


def parse_access(text: str) -> bool | None:
    """"true" / "false" / "unknown" or empty (unknown); ValueError otherwise."""
    t = text.strip().lower()
    if t in ("", "unknown"):
        return None
    if t in ("true", "false"):
        return t == "true"
    raise ValueError(f"truck_access: {text!r} is not true, false or unknown")
