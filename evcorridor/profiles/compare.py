"""Cross-border comparison of two standard profiles, rule by rule, with a verdict per vehicle.

Each rule gets a level:
    same       no difference that matters to a driver
    info       a difference worth knowing (currency, pricing unit, OCPP version)
    condition  the crossing works if the driver does something or accepts a risk (carry an adapter,
               a card or an app; no uptime or spacing guarantee)
    broken     the rules give this vehicle no guaranteed way to charge on one side
The verdict is the worst level: broken -> "broken"; condition -> "seamless with conditions";
otherwise "seamless". The reasons are the `why` of the rules at that worst level.

Connector access on one side, for one vehicle (the "guarantee ladder"):
    a required connector is native to the vehicle              -> same
    a required connector fits only through the vehicle's adapter -> condition
    no connector is required, a native connector is dominant or common in the market there
    (`observed_connectors`, not a rule)                          -> condition
    otherwise (nothing required fits the vehicle, or nothing is required and the vehicle
    depends on an adapter at stations no rule guarantees)       -> broken
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

from evcorridor.profiles.models import MILE_M, StandardProfile, VehicleProfile

Level = Literal["same", "info", "condition", "broken"]
Verdict = Literal["seamless", "seamless with conditions", "broken"]
_ORDER: dict[str, int] = {"same": 0, "info": 1, "condition": 2, "broken": 3}


@dataclass
class RuleDiff:
    rule: str
    a: str
    b: str
    level: Level
    why: str


@dataclass
class VehicleVerdict:
    vehicle: str
    verdict: Verdict
    reasons: list[str]
    rules: list[RuleDiff]


@dataclass
class Comparison:
    a: str
    b: str
    rules: list[RuleDiff]
    vehicles: list[VehicleVerdict] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _list(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "none"


def _subj(ids: list[str], one: str, many: str) -> str:
    return f"{ids[0]} {one}" if len(ids) == 1 else f"{' and '.join(ids)} {many}"


def _spacing(p: StandardProfile) -> str:
    if p.max_spacing_m is None:
        return "no rule"
    return f"{p.max_spacing_m / MILE_M:g} mi ({p.max_spacing_m / 1000:.1f} km)"


def _worst(levels: list[Level]) -> Level:
    return max(levels, key=lambda lv: _ORDER[lv]) if levels else "same"


def connector_access(p: StandardProfile, v: VehicleProfile) -> tuple[Level, str, list[str]]:
    """(level, why, connectors the vehicle can use there) for one side."""
    native = [c for c in v.connectors_native if c in p.required_connectors]
    if native:
        return "same", f"{p.id} requires {_list(native)} (native to {v.id})", native
    adapter = [c for c in v.connectors_adapter if c in p.required_connectors]
    if adapter:
        why = (f"{v.id} needs its {_list(adapter)} adapter in {p.id}, which requires "
               f"{_list(p.required_connectors)}")
        also = [c for c in v.connectors_native if c in p.allowed_connectors]
        if also:
            why += f" ({_list(also)} is only allowed in addition, not guaranteed)"
        return "condition", why, adapter
    if p.required_connectors:
        allowed = [c for c in v.connectors_usable if c in p.allowed_connectors]
        extra = (f"; {_list(allowed)} is only allowed in addition, not guaranteed"
                 if allowed else "")
        return ("broken", f"{p.id} requires {_list(p.required_connectors)}, which {v.id} cannot "
                f"use ({_list(v.connectors_usable)}){extra}", allowed)
    widespread = p.observed("dominant", "common")
    native_seen = [c for c in v.connectors_native if c in widespread]
    if native_seen:
        obs = [o for o in p.observed_connectors if o.connector in native_seen]
        how = " or ".join(dict.fromkeys(o.prevalence for o in obs))
        ev = "; ".join(dict.fromkeys(o.evidence for o in obs))
        usable = [c for c in v.connectors_usable if c in p.observed()]
        return ("condition", f"{p.id} requires no connector; {v.id} relies on "
                f"{_list(native_seen)} being {how} there (market, not rule: {ev})", usable)
    adapter_seen = [c for c in v.connectors_adapter if c in p.observed()]
    if adapter_seen:
        sparse = [o for o in p.observed_connectors if o.connector in v.connectors_native]
        own = ("; ".join(f"{v.id}'s {o.connector} is only {o.prevalence} there ({o.evidence})"
                         for o in sparse) if sparse else
               f"{v.id}'s {_list(v.connectors_native)} is not observed there")
        return ("broken", f"{p.id} requires no connector and {own}: {v.id} depends on its "
                f"{_list(adapter_seen)} adapter at stations no rule guarantees", adapter_seen)
    return ("broken", f"{p.id} requires no connector and none of {v.id}'s connectors "
            f"({_list(v.connectors_usable)}) is observed there", [])


def _general_rules(a: StandardProfile, b: StandardProfile) -> list[RuleDiff]:
    rules: list[RuleDiff] = []
    # protocols
    pa, pb = a.protocols, b.protocols
    ocpp_a, ocpp_b = pa.ocpp_min or "no rule", pb.ocpp_min or "no rule"
    rules.append(RuleDiff("OCPP (charger-network)", ocpp_a, ocpp_b,
                          "same" if ocpp_a == ocpp_b else "info",
                          "same OCPP rule" if ocpp_a == ocpp_b else
                          "operator-side protocol differs; no effect on the driver"))
    iso_a = _list([f"15118-{x}" for x in pa.iso15118])
    iso_b = _list([f"15118-{x}" for x in pb.iso15118])
    rules.append(RuleDiff("ISO 15118 parts", iso_a, iso_b, "same" if iso_a == iso_b else "info",
                          "same ISO 15118 rule" if iso_a == iso_b else
                          "vehicle-charger communication requirements differ"))
    # roaming
    oa, ob = pa.ocpi or "no rule", pb.ocpi or "no rule"
    if pa.ocpi and pb.ocpi:
        lv: Level = "same" if pa.ocpi == pb.ocpi else "info"
        why = ("both require OCPI " + pa.ocpi if lv == "same"
               else f"OCPI {pa.ocpi} vs {pb.ocpi}: roaming may need a version bridge")
    else:
        lv = "condition"
        lacking = [p.id for p in (a, b) if not p.protocols.ocpi]
        why = (f"{_subj(lacking, 'requires', 'require')}"
                f" no OCPI roaming: a charging account from the other "
               "side may not work; carry a card or the local network's app")
    rules.append(RuleDiff("roaming (OCPI)", oa, ob, lv, why))
    # payment
    pay_a, pay_b = _list(a.payment), _list(b.payment)
    open_a = "contactless-card" in a.payment
    open_b = "contactless-card" in b.payment
    if open_a and open_b:
        lv, why = "same", "contactless card payment required on both sides"
    else:
        lacking = [p.id for p, o in ((a, open_a), (b, open_b)) if not o]
        lv = "condition"
        why = (f"{_subj(lacking, 'requires', 'require')}"
                f" no contactless card payment: payment may need a "
               "membership, app or local account")
    rules.append(RuleDiff("payment", pay_a, pay_b, lv, why))
    # currency
    ca, cb = _list(a.currencies), _list(b.currencies)
    rules.append(RuleDiff("currency", ca, cb, "same" if ca == cb else "info",
                          "same currency" if ca == cb else
                          f"prices in {ca} vs {cb}: cards are charged with currency conversion"))
    # pricing unit
    ua, ub = _list(a.pricing_units), _list(b.pricing_units)
    rules.append(RuleDiff("pricing unit", ua, ub, "same" if ua == ub else "info",
                          "same pricing unit" if ua == ub else
                          "prices are not comparable one to one (per kWh vs other or no rule)"))
    # uptime
    ta = f"{a.min_uptime_pct:g} %" if a.min_uptime_pct is not None else "no rule"
    tb = f"{b.min_uptime_pct:g} %" if b.min_uptime_pct is not None else "no rule"
    lacking = [p.id for p in (a, b) if p.min_uptime_pct is None]
    if lacking:
        rules.append(RuleDiff("uptime", ta, tb, "condition",
                              f"{_subj(lacking, 'sets', 'set')}"
                f" no minimum uptime: a charger may be out of "
                              "service with no guarantee; plan a fallback"))
    else:
        rules.append(RuleDiff("uptime", ta, tb, "same" if ta == tb else "info",
                              "same uptime minimum" if ta == tb else "uptime minimums differ"))
    # spacing and recognition
    sa, sb = _spacing(a), _spacing(b)
    lacking = [p.id for p in (a, b) if p.max_spacing_m is None]
    if lacking:
        rules.append(RuleDiff("spacing", sa, sb, "condition",
                              f"{_subj(lacking, 'sets', 'set')}"
                f" no maximum spacing: nothing guarantees a "
                              "charger within range on that side of the border; plan the gap "
                              "(evcorridor plan)"))
    else:
        rules.append(RuleDiff("spacing", sa, sb, "same" if sa == sb else "info",
                              "same maximum spacing" if sa == sb else "maximum spacing differs"))
    rec = _recognition(a, b)
    rules.append(rec)
    return rules


def _recognition(a: StandardProfile, b: StandardProfile) -> RuleDiff:
    if a.id == b.id:
        return RuleDiff("recognition", "same profile", "same profile", "same",
                        "one profile on both sides: every compliant station counts")
    ra = "yes" if b.id in a.recognizes else "no"
    rb = "yes" if a.id in b.recognizes else "no"
    text_a = f"counts {b.id} stations: {ra}"
    text_b = f"counts {a.id} stations: {rb}"
    if ra == "yes" and rb == "yes":
        return RuleDiff("recognition", text_a, text_b, "same",
                        "each side counts the other's compliant stations for spacing")
    blind = [(p, o) for p, o, r in ((a, b, ra), (b, a, rb))
             if r == "no" and p.max_spacing_m is not None]
    if blind:
        why = "; ".join(f"{p.id} does not count {o.id} stations toward its {_spacing(p)} "
                        "spacing" for p, o in blind)
        return RuleDiff("recognition", text_a, text_b, "condition",
                        why + ": the border gap must be closed by its own compliant stations")
    not_rec = [p.id for p, r in ((a, ra), (b, rb)) if r == "no"]
    return RuleDiff("recognition", text_a, text_b, "info",
                    f"{_subj(not_rec, 'does', 'do')} not recognise the other side's stations "
                    "(no spacing rule depends on it)")


def _vehicle_rules(a: StandardProfile, b: StandardProfile, v: VehicleProfile) -> list[RuleDiff]:
    rules: list[RuleDiff] = []
    la, wa, ua = connector_access(a, v)
    lb, wb, ub = connector_access(b, v)
    common = [c for c in v.connectors_usable if c in ua and c in ub]
    level = _worst([la, lb])
    why = "; ".join(dict.fromkeys(w for lv, w in ((la, wa), (lb, wb)) if lv == level))
    if not common and level != "broken":
        level = "condition"
        why += f"; no single connector serves {v.id} on both sides ({_list(ua)} vs {_list(ub)})"
    rules.append(RuleDiff(f"connectors for {v.id}", f"{_list(ua)} ({la})", f"{_list(ub)} ({lb})",
                          level, why + (f"; in common: {_list(common)}" if common else "")))
    # power
    parts: list[tuple[Level, str]] = []
    for p in (a, b):
        if p.min_power_kw <= 0:
            parts.append(("condition", f"{p.id} sets no minimum power: stations may offer less "
                          f"than the {v.min_charge_power_kw:g} kW {v.id} needs"))
        elif p.min_power_kw < v.min_charge_power_kw:
            parts.append(("condition", f"{p.id} guarantees {p.min_power_kw:g} kW per port, below "
                          f"the {v.min_charge_power_kw:g} kW {v.id} needs"))
        else:
            parts.append(("same", f"{p.id} guarantees {p.min_power_kw:g} kW per port"))
    level = _worst([lv for lv, _ in parts])
    rules.append(RuleDiff(f"power for {v.id}",
                          f"{a.min_power_kw:g} kW" if a.min_power_kw else "no rule",
                          f"{b.min_power_kw:g} kW" if b.min_power_kw else "no rule", level,
                          "; ".join(dict.fromkeys(w for lv, w in parts if lv == level))))
    # plug and charge
    pa, pb = a.protocols.plug_and_charge, b.protocols.plug_and_charge
    if not v.plug_and_charge:
        lv: Level = "info"
        why2 = f"{v.id} does not use Plug & Charge"
    elif pa and pb:
        lv, why2 = "same", "ISO 15118-2 Plug & Charge required on both sides"
    elif pa or pb:
        lacking = b.id if pa else a.id
        lv, why2 = "condition", (f"Plug & Charge is required in {a.id if pa else b.id} but not in "
                                 f"{lacking}: carry a card or app there")
    else:
        lv, why2 = "info", "neither side requires Plug & Charge"
    rules.append(RuleDiff(f"Plug & Charge for {v.id}", "required" if pa else "no rule",
                          "required" if pb else "no rule", lv, why2))
    return rules


def compare(a: StandardProfile, b: StandardProfile,
            vehicles: list[VehicleProfile]) -> Comparison:
    """Compare profile `a` (where the trip starts) with `b` (across the border)."""
    general = _general_rules(a, b)
    cmp = Comparison(a.id, b.id, general)
    for v in vehicles:
        rules = _vehicle_rules(a, b, v) + general
        worst = _worst([r.level for r in rules])
        verdict: Verdict = ("broken" if worst == "broken" else
                            "seamless with conditions" if worst == "condition" else "seamless")
        reasons = [r.why for r in rules if r.level == worst] if worst in ("broken",
                                                                          "condition") else []
        cmp.vehicles.append(VehicleVerdict(v.id, verdict, reasons, rules[:3]))
    return cmp
