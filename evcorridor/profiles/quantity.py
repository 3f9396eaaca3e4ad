"""Quantities with units in profile files: `50 mi`, `80.5 km`, `150 kW`, `97 %`, `0.19 kWh/km`.

Each quantity kind has one canonical unit, used in the field name (`max_spacing_m`, `min_power_kw`,
`battery_kwh`, `uptime_above_pct`, `highway_consumption_kwh_per_km`). Text with a unit is
converted to the canonical unit. In files a bare number where a unit is required is an error
that names the accepted units; Python callers constructing models directly may pass plain
numbers, which are taken as already canonical (the loader sets the validation context
`{"units_required": True}`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, ValidationInfo, WithJsonSchema

_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"


@dataclass(frozen=True)
class Kind:
    """One kind of quantity: its canonical unit and the accepted units with their factors."""

    name: str  # "length"
    canonical: str  # "m"
    units: dict[str, float]  # accepted unit (lower case) -> factor to the canonical unit
    shown: tuple[str, ...]  # units listed in messages, in this order
    display: str  # unit used to show bounds in messages ("km")

    @property
    def pattern(self) -> str:
        """JSON Schema pattern accepting exactly what `parse` accepts: every unit spelling, in
        any case (JSON Schema regexes have no case-insensitive flag, hence `[kK][wW]`)."""

        def anycase(unit: str) -> str:
            return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c)
                           for c in unit)

        alts = "|".join(anycase(u) for u in sorted(self.units, key=lambda u: (-len(u), u)))
        return rf"^\s*{_NUMBER}\s*({alts})\s*$"


MILE_M = 1609.344

LENGTH = Kind("length", "m", {"m": 1.0, "km": 1000.0, "mi": MILE_M, "mile": MILE_M,
                              "miles": MILE_M}, ("mi", "km", "m"), "km")
POWER = Kind("power", "kW", {"w": 0.001, "kw": 1.0, "mw": 1000.0}, ("kW", "MW", "W"), "kW")
ENERGY = Kind("energy", "kWh", {"wh": 0.001, "kwh": 1.0, "mwh": 1000.0}, ("kWh", "MWh", "Wh"),
              "kWh")
PERCENT = Kind("percentage", "%", {"%": 1.0}, ("%",), "%")
CONSUMPTION = Kind(
    "consumption", "kWh/km",
    {"kwh/km": 1.0, "wh/km": 0.001, "kwh/mi": 1.0 / (MILE_M / 1000.0),
     "wh/mi": 0.001 / (MILE_M / 1000.0)},
    ("kWh/km", "Wh/km", "kWh/mi", "Wh/mi"), "kWh/km",
)
DURATION = Kind("duration", "min", {"s": 1 / 60, "min": 1.0, "h": 60.0}, ("min", "h", "s"), "min")

_UNIT_RE = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z%/]+)\s*$")


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def parse(kind: Kind, value: Any, *, units_required: bool = True) -> float:
    """Convert `value` ("50 mi", "150 kW") to the canonical unit of `kind`. Raises ValueError."""
    accepted = ", ".join(kind.shown)
    article = "an" if kind.name[0] in "aeiou" else "a"
    if isinstance(value, bool):
        raise ValueError(f"expected {article} {kind.name} with a unit ({accepted}), got {value!r}")
    if isinstance(value, (int, float)):
        if units_required:
            example = f"{value} {kind.shown[0]}"
            raise ValueError(f"a unit is required: write e.g. '{example}' "
                             f"(accepted units: {accepted})")
        return float(value)
    if not isinstance(value, str):
        got = "null" if value is None else type(value).__name__
        raise ValueError(f"expected {article} {kind.name} with a unit ({accepted}), got {got}")
    m = _UNIT_RE.match(value)
    if not m:
        if re.fullmatch(rf"\s*{_NUMBER}\s*", value):
            raise ValueError(f"a unit is required: write e.g. '{value.strip()} {kind.shown[0]}' "
                             f"(accepted units: {accepted})")
        raise ValueError(f"cannot read {value!r} as a {kind.name}; write a number and a unit, "
                         f"e.g. '50 {kind.shown[0]}' (accepted units: {accepted})")
    number, unit = float(m.group(1)), m.group(2)
    factor = kind.units.get(unit.lower())
    if factor is None:
        raise ValueError(f"unknown unit {unit!r} for a {kind.name} (accepted units: {accepted})")
    out = number * factor
    if not math.isfinite(out):
        raise ValueError(f"{value!r} is not a finite {kind.name}")
    return out


def _bounds_check(kind: Kind, x: float, ge: float | None, gt: float | None,
                  le: float | None) -> float:
    scale = kind.units.get(kind.display.lower(), 1.0)
    unit = f" {kind.display}" if kind.display != "%" else " %"
    if ge is not None and x < ge:
        raise ValueError(f"must be at least {_fmt(ge / scale)}{unit}")
    if gt is not None and x <= gt:
        raise ValueError(f"must be more than {_fmt(gt / scale)}{unit}")
    if le is not None and x > le:
        raise ValueError(f"must be at most {_fmt(le / scale)}{unit}")
    return x


def _serialize(kind: Kind) -> PlainSerializer:
    def ser(x: float) -> str:
        return f"{x!r} {kind.canonical}"

    return PlainSerializer(ser, return_type=str, when_used="json")


def quantity(kind: Kind, *, ge: float | None = None, gt: float | None = None,
             le: float | None = None) -> Any:
    """An annotated float type that parses `kind` with units and checks canonical bounds."""

    def validate(value: Any, info: ValidationInfo) -> float:
        ctx = info.context or {}
        x = parse(kind, value, units_required=bool(ctx.get("units_required", False)))
        return _bounds_check(kind, x, ge, gt, le)

    schema = {
        "type": "string",
        "pattern": kind.pattern,
        "description": f"{kind.name} with a unit ({', '.join(kind.shown)}), e.g. "
                       f"'50 {kind.shown[0]}'",
    }
    return Annotated[float, BeforeValidator(validate), WithJsonSchema(schema, mode="validation"),
                     _serialize(kind)]


Length = quantity(LENGTH, ge=0.0)
Power = quantity(POWER, ge=0.0)
PositivePower = quantity(POWER, gt=0.0)
Energy = quantity(ENERGY, gt=0.0)
Percent = quantity(PERCENT, ge=0.0, le=100.0)
Consumption = quantity(CONSUMPTION, gt=0.0)
Duration = quantity(DURATION, ge=0.0)
