"""Operating-standard profiles, vehicle profiles and profile sets.

    get_standard("us-23cfr680")  -> StandardProfile    list_standards()
    get_vehicle("ccs1-long-range-car") -> VehicleProfile list_vehicles()
    get_profile_set("na-2023")   -> ProfileSet         list_profile_sets()

Files live in configs/profiles, configs/vehicles and configs/profile-sets (settings.configs_dir).
Unknown ids raise NotFoundError with "did you mean"; a malformed shipped file raises InputError
(`YamlProblems`) with `file:line:column: field: message`.
"""

from __future__ import annotations

from evcorridor.errors import unknown_id
from evcorridor.profiles.loader import check_files, clear_cache, get_registry
from evcorridor.profiles.models import (
    ProfileSet,
    SiteSpec,
    StandardProfile,
    VehicleProfile,
)

DEFAULT_SET = "na-2023"

__all__ = [
    "DEFAULT_SET",
    "ProfileSet",
    "SiteSpec",
    "StandardProfile",
    "VehicleProfile",
    "check_files",
    "clear_cache",
    "get_profile_set",
    "get_standard",
    "get_vehicle",
    "list_profile_sets",
    "list_standards",
    "list_vehicles",
]


def get_standard(profile_id: str) -> StandardProfile:
    reg = get_registry()
    if profile_id not in reg.standards:
        raise unknown_id("standard profile", profile_id, reg.standards)
    return reg.standards[profile_id]


def list_standards() -> list[StandardProfile]:
    reg = get_registry()
    return [reg.standards[k] for k in sorted(reg.standards)]


def get_vehicle(vehicle_id: str) -> VehicleProfile:
    reg = get_registry()
    if vehicle_id not in reg.vehicles:
        raise unknown_id("vehicle", vehicle_id, reg.vehicles)
    return reg.vehicles[vehicle_id]


def list_vehicles() -> list[VehicleProfile]:
    reg = get_registry()
    return [reg.vehicles[k] for k in sorted(reg.vehicles)]


def get_profile_set(set_id: str = DEFAULT_SET) -> ProfileSet:
    reg = get_registry()
    if set_id not in reg.sets:
        raise unknown_id("profile set", set_id, reg.sets)
    return reg.sets[set_id]


def list_profile_sets() -> list[ProfileSet]:
    reg = get_registry()
    return [reg.sets[k] for k in sorted(reg.sets)]
