"""Cross-border comparison of two standard profiles, rule by rule, with a verdict per vehicle,
evaluated on one day (`on`: rules with effective or expiry dates apply as on that day).

Each row has a *match* (how the two rules relate) and a *level* (what it means for a driver):

    match   same       both profiles make the same rule
            differs    both make a rule on this, and the rules differ
            no rule    only one profile makes the rule: it has no counterpart on the other side
            neither    neither profile makes a rule on this
    level   same       no difference that matters to a driver
            info       a difference worth knowing (currency, pricing unit, OCPP version)
            condition  the crossing works if the driver does something or accepts a risk (carry
                       an adapter, a card or an app; no uptime or spacing guarantee)
            broken     nothing gives this vehicle a reasonable way to charge on one side

Every row cites, per side, the file's source for the rule and its date (`Citation`).

The verdict is a function of the evidence (`Evidence`) and of nothing else, so equal evidence
gives an equal verdict. For each side the evidence is how the vehicle gets a connector there
(`Access`): its *basis* and whether it is *via* a native connector or an adapter:

    basis  rule     a connector the rules require (on every port) that the vehicle can use
           market   no required connector fits, but one the vehicle can use is dominant or
                    common among that side's stations (`observed_connectors`: station data and
                    market reports, not a rule)
           present  only seen there (under 10 % of the counted sites)
           none     nothing it can use is required or observed

    level of a side's connector access:  rule via native -> same;  rule via adapter -> condition;
    market (native or adapter) -> condition;  present or none -> broken.

The connector row takes the worse side (and is at least a condition when no single connector
serves the vehicle on both sides); power (each side's guaranteed minimum against the vehicle's
need) and Plug & Charge add their rows; the general rows are the same for every vehicle. The
verdict is the worst level: broken -> "broken"; condition -> "seamless with conditions";
otherwise "seamless". The reasons are the `why` of the rows at that level. Where a side's access
rests on its stations (basis other than rule) and the project has no non-Tesla station data for
that country, the verdict's `notes` say so in one sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

from evcorridor.profiles.models import (
    MILE_M,
    SourcedRule,
    StandardProfile,
    VehicleProfile,
)
from evcorridor.profiles.station_data import CountryStations, gap_sentence, station_data

Level = Literal["same", "info", "condition", "broken"]
Match = Literal["same", "differs", "no rule", "neither"]
Verdict = Literal["seamless", "seamless with conditions", "broken"]
Basis = Literal["rule", "market", "present", "none"]
Via = Literal["native", "adapter", "none"]
_ORDER: dict[str, int] = {"same": 0, "info": 1, "condition": 2, "broken": 3}
NO_RULE = "no rule"
_PROPOSED = "proposed, not adopted"


@dataclass
class Citation:
    """Where one side's rule comes from: the file's source note, and its dates."""

    source: str  # source ids (and section) as the profile's notes give them
    date: str | None  # first day in force (or the source's date); None = not in the sources
    expires: str | None = None  # first day no longer in force
    period: str | None = None  # dates known less precisely than a day
    unverified: str | None = None  # why the file marks it UNVERIFIED

    def text(self) -> str:
        parts = [self.source or "no source note"]
        if self.date or self.period != _PROPOSED:
            parts.append(f"since {self.date}" if self.date else "date not in the sources")
        if self.period:
            parts.append(self.period)
        if self.expires:
            last = dt.date.fromisoformat(self.expires) - dt.timedelta(days=1)
            parts.append(f"until {last.isoformat()}")
        if self.unverified:
            parts.append(f"UNVERIFIED: {self.unverified}")
        return "; ".join(parts)


@dataclass
class RuleDiff:
    rule: str
    a: str
    b: str
    level: Level
    why: str
    match: Match = "differs"
    a_sources: list[Citation] = field(default_factory=list)
    b_sources: list[Citation] = field(default_factory=list)


@dataclass(frozen=True)
class Access:
    """How a vehicle gets a connector on one side (see the module docstring)."""

    basis: Basis
    via: Via
    connectors: tuple[str, ...]  # the connectors giving that access
    serving: tuple[str, ...]  # every connector it can use that is required or widespread there

    @property
    def level(self) -> Level:
        if self.basis == "rule":
            return "same" if self.via == "native" else "condition"
        return "condition" if self.basis == "market" else "broken"


@dataclass(frozen=True)
class Evidence:
    """Everything a vehicle's verdict depends on, with no names in it: equal evidence gives an
    equal verdict (`verdict_from`)."""

    access_a: tuple[Basis, Via]
    access_b: tuple[Basis, Via]
    common_connector: bool  # one connector serves the vehicle on both sides
    power_a: Literal["no rule", "below need", "meets need"]
    power_b: Literal["no rule", "below need", "meets need"]
    plug_and_charge: Literal["not used", "both", "one side", "neither"]
    general: tuple[Level, ...]  # the levels of the rows that do not depend on the vehicle


@dataclass
class VehicleVerdict:
    vehicle: str
    verdict: Verdict
    reasons: list[str]
    rules: list[RuleDiff]
    notes: list[str] = field(default_factory=list)
    evidence: dict[str, object] = field(default_factory=dict)


@dataclass
class Comparison:
    a: str
    b: str
    on: str
    rules: list[RuleDiff]
    vehicles: list[VehicleVerdict] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _list(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "none"


def _subj(ids: list[str], one: str, many: str) -> str:
    return f"{ids[0]} {one}" if len(ids) == 1 else f"{' and '.join(ids)} {many}"


def _worst(levels: Sequence[Level]) -> Level:
    return max(levels, key=lambda lv: _ORDER[lv]) if levels else "same"


def _match(has_a: bool, has_b: bool, equal: bool) -> Match:
    if has_a and has_b:
        return "same" if equal else "differs"
    return "no rule" if has_a or has_b else "neither"


# ----------------------------------------------------------------------------- citations
def _profile_date(p: StandardProfile, cited: list[str]) -> str | None:
    if p.status == "proposed":
        return None
    if p.effective is not None:
        return p.effective.isoformat()
    for sid in cited:
        src = p.source(sid)
        if src is not None and src.date:
            return src.date
    return None


def cite(p: StandardProfile, key: str) -> list[Citation]:
    """The citation of field `key` (file key) of `p`: its note, the sources it names, the date
    the profile (or the first source it names) gives."""
    note = p.notes.get(key, "")
    cited = [s.id for s in p.sources if s.id in note.replace(";", " ").replace(",", " ").split()]
    return [Citation(note, _profile_date(p, cited),
                     expires=p.rescinded.isoformat() if p.rescinded else None,
                     period=_PROPOSED if p.status == "proposed" else None,
                     unverified=p.unverified.get(key))]


def rule_cite(p: StandardProfile, r: SourcedRule) -> Citation:
    if r.effective is not None:
        date: str | None = r.effective.isoformat()
    else:
        date = _profile_date(p, [r.source])
    expires = r.expires or p.rescinded
    period = r.period or (_PROPOSED if p.status == "proposed" else None)
    return Citation(r.source, date, expires.isoformat() if expires else None, period,
                    r.unverified)


# ----------------------------------------------------------------------------- connectors
def connector_access(p: StandardProfile, v: VehicleProfile) -> Access:
    """How `v` gets a connector under `p`, from the evidence (rules, then station/market data)."""
    widespread = p.observed("dominant", "common")
    serving = tuple(c for c in v.connectors_usable
                    if c in p.required_connectors or c in widespread)
    pools: list[tuple[Basis, list[str]]] = [("rule", p.required_connectors),
                                            ("market", widespread),
                                            ("present", p.observed("present"))]
    ways: list[tuple[Via, list[str]]] = [("native", v.connectors_native),
                                         ("adapter", v.connectors_adapter)]
    for basis, pool in pools:
        for via, mine in ways:
            found = tuple(c for c in mine if c in pool)
            if found:
                return Access(basis, via, found, serving)
    return Access("none", "none", (), serving)


def _evidence_text(p: StandardProfile, cs: Sequence[str]) -> str:
    obs = [o for o in p.observed_connectors if o.connector in cs]
    how = " or ".join(dict.fromkeys(o.prevalence for o in obs))
    ev = "; ".join(dict.fromkeys(o.evidence for o in obs))
    return f"{_list(cs)} being {how} there (market, not rule: {ev})"


def _access_why(p: StandardProfile, v: VehicleProfile, acc: Access) -> str:
    conns = _list(acc.connectors)
    if acc.basis == "rule" and acc.via == "native":
        return f"{p.id} requires {conns} (native to {v.id})"
    if acc.basis == "rule":
        why = (f"{v.id} needs its {conns} adapter in {p.id}, which requires "
               f"{_list(p.required_connectors)}")
        also = [c for c in v.connectors_native if c in p.allowed_connectors]
        return why + (f" ({_list(also)} is only allowed in addition, not guaranteed)"
                      if also else "")
    if p.required_connectors:
        head = (f"{p.id} requires {_list(p.required_connectors)}, which {v.id} cannot use "
                f"({_list(v.connectors_usable)})")
        allowed = [c for c in v.connectors_usable if c in p.allowed_connectors]
        if allowed:
            head += f"; {_list(allowed)} is only allowed in addition, not guaranteed"
    else:
        head = f"{p.id} requires no connector"
    if acc.basis == "market":
        how = "relies on" if acc.via == "native" else f"relies on its {conns} adapter and on"
        why = f"{head}; {v.id} {how} {_evidence_text(p, acc.connectors)}"
        sparse = [o for o in p.observed_connectors
                  if o.connector in v.connectors_native and o.prevalence == "present"]
        if acc.via == "adapter" and sparse:
            why += "; its own " + "; ".join(f"{o.connector} is only present there ({o.evidence})"
                                            for o in sparse)
        return why
    if acc.basis == "present":
        via = "" if acc.via == "native" else " (through its adapter)"
        ev = "; ".join(o.evidence for o in p.observed_connectors if o.connector in acc.connectors)
        return (f"{head}; the only connector {v.id} can use there{via} is {conns}, and it is only "
                f"present (market, not rule: {ev}): no rule and no widespread station network "
                "serve it")
    return (f"{head}; none of {v.id}'s connectors ({_list(v.connectors_usable)}) is observed "
            "there")


# ----------------------------------------------------------------------------- general rows
def _status_text(p: StandardProfile, on: dt.date) -> str:
    st = p.status_on(on)
    if st == "rescinded":
        return f"rescinded {p.rescinded}"
    if st == "not yet in force":
        return f"not yet in force (from {p.effective})"
    if st == "proposed":
        return "proposed, not adopted"
    return f"in force since {p.effective}" if p.effective else "in force (date not in sources)"


def _status_row(a: StandardProfile, b: StandardProfile, on: dt.date) -> RuleDiff:
    sa, sb = a.status_on(on), b.status_on(on)
    ta, tb = _status_text(a, on), _status_text(b, on)
    off = [(p, s) for p, s in ((a, sa), (b, sb)) if s != "in force"]
    if not off:
        return RuleDiff(f"status on {on}", ta, tb, "same", "both profiles are in force", "same")
    meaning = {"rescinded": "its rules no longer apply and are shown for comparison",
               "not yet in force": "its rules do not apply yet",
               "proposed": "its rules are a proposal, not law"}
    why = "; ".join(dict.fromkeys(f"{p.id} is {s} on {on}: {meaning.get(s, s)}" for p, s in off))
    return RuleDiff(f"status on {on}", ta, tb, "info", why, "same" if sa == sb else "differs")


def _simple(rule: str, a: StandardProfile, b: StandardProfile, key: str,
            va: str | None, vb: str | None, same_why: str, differs_why: str,
            lacking_level: Level = "info", lacking_why: str = "") -> RuleDiff:
    """A row for a field rule: value text per side (None = the profile makes no such rule)."""
    m = _match(va is not None, vb is not None, va == vb)
    if m in ("same", "neither"):
        lv: Level = "same"
        why = same_why if m == "same" else f"neither profile makes a rule on {rule}"
    elif m == "differs":
        lv, why = "info", differs_why
    else:
        lacking = [p.id for p, v in ((a, va), (b, vb)) if v is None]
        lv = lacking_level
        why = f"no counterpart in {lacking[0]}: " + (
            lacking_why or f"only {a.id if va is not None else b.id} makes a rule on {rule}")
    return RuleDiff(rule, va if va is not None else NO_RULE, vb if vb is not None else NO_RULE,
                    lv, why, m, cite(a, key) if va is not None else [],
                    cite(b, key) if vb is not None else [])


def _lacking(row: RuleDiff, lacking: list[str], verb: str, what: str) -> None:
    """Make `row` a condition: the profiles in `lacking` (verb 'sets'/'requires') make no rule
    the driver can rely on."""
    row.level = "condition"
    row.why = (("no counterpart: " if row.match == "no rule" else "")
               + f"{_subj(lacking, verb, verb[:-1])} {what}")


def _spacing(p: StandardProfile) -> str | None:
    if p.max_spacing_m is None:
        return None
    return f"{p.max_spacing_m / MILE_M:g} mi ({p.max_spacing_m / 1000:.1f} km)"


def _yes_no(flag: bool | None) -> str | None:
    """'required' / 'not required' for a yes-no rule; None when the profile makes no rule."""
    return None if flag is None else "required" if flag else "not required"


def _uptime(p: StandardProfile) -> str | None:
    return None if p.uptime_above_pct is None else f"above {p.uptime_above_pct:g} %"


def _general_rules(a: StandardProfile, b: StandardProfile, on: dt.date) -> list[RuleDiff]:
    rules = [_status_row(a, b, on)]
    pa, pb = a.protocols, b.protocols
    rules.append(_simple("OCPP (charger-network)", a, b, "protocols", pa.ocpp_min, pb.ocpp_min,
                         "same OCPP rule", "operator-side protocol differs; no effect on the "
                         "driver", lacking_why="operator-side protocol; no effect on the driver"))
    iso_a = _list([f"15118-{x}" for x in pa.iso15118]) if pa.iso15118 else None
    iso_b = _list([f"15118-{x}" for x in pb.iso15118]) if pb.iso15118 else None
    rules.append(_simple("ISO 15118 parts", a, b, "protocols", iso_a, iso_b,
                         "same ISO 15118 rule", "vehicle-charger communication requirements "
                         "differ", lacking_why="vehicle-charger communication requirements differ"))
    # roaming
    roam = _simple("roaming (OCPI)", a, b, "protocols", pa.ocpi, pb.ocpi,
                   f"both require OCPI {pa.ocpi}", f"OCPI {pa.ocpi} vs {pb.ocpi}: roaming may "
                   "need a version bridge")
    if roam.match in ("no rule", "neither"):
        _lacking(roam, [p.id for p in (a, b) if not p.protocols.ocpi], "requires",
                 "no OCPI roaming: a charging account from the other side may not work; carry a "
                 "card or the local network's app")
    rules.append(roam)
    # payment
    pay = _simple("payment", a, b, "payment", _list(a.payment) if a.payment else None,
                  _list(b.payment) if b.payment else None, "", "")
    open_a, open_b = "contactless-card" in a.payment, "contactless-card" in b.payment
    if open_a and open_b:
        pay.level, pay.why = "same", "contactless card payment required on both sides"
    else:
        _lacking(pay, [p.id for p, o in ((a, open_a), (b, open_b)) if not o], "requires",
                 "no contactless card payment: payment may need a membership, app or local "
                 "account")
    rules.append(pay)
    ca, cb = _list(a.currencies), _list(b.currencies)
    rules.append(_simple("currency", a, b, "currencies", ca, cb, "same currency",
                         f"prices in {ca} vs {cb}: cards are charged with currency conversion"))
    rules.append(_simple("pricing unit", a, b, "pricing_units",
                         _list(a.pricing_units) if a.pricing_units else None,
                         _list(b.pricing_units) if b.pricing_units else None,
                         "same pricing unit", "prices are not comparable one to one",
                         lacking_why="prices are not comparable one to one"))
    rules.append(_simple("price shown before the session", a, b, "price_shown_before_session",
                         _yes_no(a.price_shown_before_session),
                         _yes_no(b.price_shown_before_session),
                         "same rule", "the driver may not see the price before charging on one "
                         "side", lacking_why="the driver may not see the price before charging"))
    # uptime
    up = _simple("uptime", a, b, "uptime_above", _uptime(a), _uptime(b), "same uptime rule",
                 "uptime rules differ")
    if up.match in ("no rule", "neither"):
        _lacking(up, [p.id for p in (a, b) if p.uptime_above_pct is None], "sets",
                 "no uptime rule: a charger may be out of service with no guarantee; plan a "
                 "fallback")
    rules.append(up)
    rules.append(_simple("uptime reporting", a, b, "uptime_reporting", a.uptime_reporting,
                         b.uptime_reporting, "same reporting rule",
                         "uptime is defined and reported differently: figures are not directly "
                         "comparable"))
    ac_a = f"{a.min_ac_power_kw:g} kW" if a.min_ac_power_kw is not None else None
    ac_b = f"{b.min_ac_power_kw:g} kW" if b.min_ac_power_kw is not None else None
    rules.append(_simple("AC Level 2 power per port", a, b, "min_ac_power", ac_a, ac_b,
                         "same AC minimum", "AC minimums differ"))
    rules.append(_simple("network switchable without new hardware", a, b, "protocols",
                         _yes_no(pa.network_switchable), _yes_no(pb.network_switchable),
                         "same rule", "operator-side rule differs; no effect on the driver"))
    # spacing, exit offset and recognition
    sp = _simple("spacing", a, b, "max_spacing", _spacing(a), _spacing(b),
                 "same maximum spacing", "maximum spacing differs")
    if sp.match in ("no rule", "neither"):
        _lacking(sp, [p.id for p in (a, b) if p.max_spacing_m is None], "sets",
                 "no maximum spacing: nothing guarantees a charger within range on that side of "
                 "the border; plan the gap (evcorridor plan)")
    rules.append(sp)
    off_a = f"{a.max_offset_m / MILE_M:g} mi" if a.max_offset_m is not None else None
    off_b = f"{b.max_offset_m / MILE_M:g} mi" if b.max_offset_m is not None else None
    rules.append(_simple("exit offset", a, b, "max_offset", off_a, off_b, "same exit offset",
                         "maximum distance from the exit differs"))
    rules.append(_recognition(a, b))
    rules += _sourced_rows(a, b, on)
    return rules


def _recognition(a: StandardProfile, b: StandardProfile) -> RuleDiff:
    if a.id == b.id:
        return RuleDiff("recognition", "same profile", "same profile", "same",
                        "one profile on both sides: every compliant station counts", "same")
    ra = "yes" if b.id in a.recognizes else "no"
    rb = "yes" if a.id in b.recognizes else "no"
    text_a = f"counts {b.id} stations: {ra}"
    text_b = f"counts {a.id} stations: {rb}"
    m = _match(ra == "yes", rb == "yes", True)
    ca = cite(a, "recognizes") if ra == "yes" else []
    cb = cite(b, "recognizes") if rb == "yes" else []
    if ra == "yes" and rb == "yes":
        return RuleDiff("recognition", text_a, text_b, "same",
                        "each side counts the other's compliant stations for spacing", m, ca, cb)
    blind = [(p, o) for p, o, r in ((a, b, ra), (b, a, rb))
             if r == "no" and p.max_spacing_m is not None]
    if blind:
        why = "; ".join(f"{p.id} does not count {o.id} stations toward its {_spacing(p)} "
                        "spacing" for p, o in blind)
        return RuleDiff("recognition", text_a, text_b, "condition",
                        why + ": the border gap must be closed by its own compliant stations",
                        m, ca, cb)
    not_rec = [p.id for p, r in ((a, ra), (b, rb)) if r == "no"]
    return RuleDiff("recognition", text_a, text_b, "info",
                    f"{_subj(not_rec, 'does', 'do')} not recognise the other side's stations "
                    "(no spacing rule depends on it)", m, ca, cb)


# ----------------------------------------------------------------------------- sourced rules
def _rule_text(p: StandardProfile, r: SourcedRule, on: dt.date) -> tuple[str | None, str]:
    """(text of the rule as it applies on `on` or None when it does not apply, note)."""
    scope = f" [{r.scope}]" if r.scope else ""
    if r.effective is not None and on < r.effective:
        return None, f"{r.id} applies from {r.effective}"
    if r.expires is not None and on >= r.expires:
        if r.after_expiry:
            return f"since {r.expires}: {r.after_expiry}{scope}", ""
        return None, f"{r.id} expired on {r.expires}"
    text = r.text + scope
    if r.expires is not None:
        text += f" (until {r.last_day()}" + (f"; from {r.expires}: {r.after_expiry})"
                                              if r.after_expiry else ")")
    return text, ""


def _side_topic(p: StandardProfile, topic: str, on: dt.date
                ) -> tuple[str | None, list[Citation], list[str]]:
    texts: list[str] = []
    cites: list[Citation] = []
    notes: list[str] = []
    if topic == _SIGNAGE and p.signage_languages:
        texts.append(f"signs in {_list(p.signage_languages)}")
        cites += cite(p, "signage_languages")
    for r in p.rules:
        if r.topic != topic:
            continue
        text, note = _rule_text(p, r, on)
        if text is not None:
            texts.append(text)
            c = rule_cite(p, r)
            if r.expires is not None and on >= r.expires:  # what applies after it: from then on
                c.date, c.expires = r.expires.isoformat(), None
            cites.append(c)
        if note:
            notes.append(note)
    return (" | ".join(texts) if texts else None), cites, notes


_SIGNAGE = "signage-language"  # the topic the `signage_languages` field belongs to


def _sourced_rows(a: StandardProfile, b: StandardProfile, on: dt.date) -> list[RuleDiff]:
    """One row per topic of the profiles' `rules` (and the signage-language field)."""
    topics = list(dict.fromkeys(
        [*(r.topic for p in (a, b) for r in p.rules),
         *([_SIGNAGE] if a.signage_languages or b.signage_languages else [])]))
    rows = []
    for topic in topics:
        ta, ca, na = _side_topic(a, topic, on)
        tb, cb, nb = _side_topic(b, topic, on)
        name = topic.replace("-", " ")
        m = _match(ta is not None, tb is not None, ta == tb)
        if m == "same":
            lv: Level = "same"
            why = f"same {name} rule"
        elif m == "differs":
            lv, why = "info", f"{name} rules differ"
        elif m == "no rule":
            has, lacks = (a, b) if ta is not None else (b, a)
            lv, why = "info", f"no counterpart in {lacks.id}: only {has.id} makes a rule on {name}"
        else:
            lv, why = "same", f"neither profile has a rule on {name} in force on {on}"
        changes = sorted({(r.expires, p.id, r.after_expiry or f"{r.id} ends")
                          for p in (a, b) for r in p.rules
                          if r.topic == topic and r.expires is not None and on < r.expires
                          and r.in_force(on)})
        for day, pid, what in changes:
            why += f"; changes on {day} in {pid}: {what}"
        for note in (*na, *nb):
            why += f"; {note}"
        rows.append(RuleDiff(name, ta if ta is not None else NO_RULE,
                             tb if tb is not None else NO_RULE, lv, why, m, ca, cb))
    return rows


# ----------------------------------------------------------------------------- per vehicle
def _power_class(p: StandardProfile, v: VehicleProfile
                 ) -> Literal["no rule", "below need", "meets need"]:
    if p.min_power_kw <= 0:
        return "no rule"
    return "below need" if p.min_power_kw < v.min_charge_power_kw else "meets need"


def _pnc_class(a: StandardProfile, b: StandardProfile, v: VehicleProfile
               ) -> Literal["not used", "both", "one side", "neither"]:
    if not v.plug_and_charge:
        return "not used"
    pa, pb = a.protocols.plug_and_charge, b.protocols.plug_and_charge
    return "both" if pa and pb else "one side" if pa or pb else "neither"


def vehicle_evidence(a: StandardProfile, b: StandardProfile, v: VehicleProfile,
                     on: dt.date | None = None) -> Evidence:
    """The evidence a vehicle's verdict rests on (profiles evaluated on `on`, default today)."""
    on = on or dt.date.today()
    a, b = a.as_of(on), b.as_of(on)
    acc_a, acc_b = connector_access(a, v), connector_access(b, v)
    return Evidence((acc_a.basis, acc_a.via), (acc_b.basis, acc_b.via),
                    bool(set(acc_a.serving) & set(acc_b.serving)),
                    _power_class(a, v), _power_class(b, v), _pnc_class(a, b, v),
                    tuple(r.level for r in _general_rules(a, b, on)))


_ACCESS_LEVEL: dict[tuple[str, str], Level] = {
    ("rule", "native"): "same", ("rule", "adapter"): "condition",
    ("market", "native"): "condition", ("market", "adapter"): "condition",
    ("present", "native"): "broken", ("present", "adapter"): "broken",
    ("none", "none"): "broken"}
_POWER_LEVEL: dict[str, Level] = {"no rule": "condition", "below need": "condition",
                                  "meets need": "same"}
_PNC_LEVEL: dict[str, Level] = {"not used": "info", "both": "same", "one side": "condition",
                                "neither": "info"}


def _connector_level(ev: Evidence) -> Level:
    level = _worst([_ACCESS_LEVEL[ev.access_a], _ACCESS_LEVEL[ev.access_b]])
    return "condition" if level != "broken" and not ev.common_connector else level


def verdict_from(ev: Evidence) -> Verdict:
    """The verdict for a piece of evidence (the only input a verdict has)."""
    worst = _worst([_connector_level(ev), _POWER_LEVEL[ev.power_a], _POWER_LEVEL[ev.power_b],
                    _PNC_LEVEL[ev.plug_and_charge], *ev.general])
    return ("broken" if worst == "broken" else
            "seamless with conditions" if worst == "condition" else "seamless")


def _vehicle_rules(a: StandardProfile, b: StandardProfile, v: VehicleProfile, ev: Evidence
                   ) -> list[RuleDiff]:
    rules: list[RuleDiff] = []
    acc_a, acc_b = connector_access(a, v), connector_access(b, v)
    la, lb = acc_a.level, acc_b.level
    level = _connector_level(ev)
    why = "; ".join(dict.fromkeys(_access_why(p, v, acc) for p, acc in ((a, acc_a), (b, acc_b))
                                  if acc.level == _worst([la, lb])))
    common = [c for c in v.connectors_usable if c in acc_a.serving and c in acc_b.serving]
    if not common and level != "broken":
        why += (f"; no single connector serves {v.id} on both sides ({_list(acc_a.serving)} vs "
                f"{_list(acc_b.serving)})")
    req_a = _list(a.required_connectors) if a.required_connectors else None
    req_b = _list(b.required_connectors) if b.required_connectors else None

    def conn_cite(p: StandardProfile, acc: Access) -> list[Citation]:
        return cite(p, "required_connectors" if acc.basis == "rule" else "observed_connectors")

    rules.append(RuleDiff(f"connectors for {v.id}", f"{_list(acc_a.serving)} ({la})",
                          f"{_list(acc_b.serving)} ({lb})", level,
                          why + (f"; in common: {_list(common)}" if common else ""),
                          _match(req_a is not None, req_b is not None, req_a == req_b),
                          conn_cite(a, acc_a), conn_cite(b, acc_b)))
    # power
    parts: list[tuple[Level, str]] = []
    for p in (a, b):
        cls = _power_class(p, v)
        if cls == "no rule":
            parts.append(("condition", f"{p.id} sets no minimum power: stations may offer less "
                          f"than the {v.min_charge_power_kw:g} kW {v.id} needs"))
        elif cls == "below need":
            parts.append(("condition", f"{p.id} guarantees {p.min_power_kw:g} kW per port, below "
                          f"the {v.min_charge_power_kw:g} kW {v.id} needs"))
        else:
            parts.append(("same", f"{p.id} guarantees {p.min_power_kw:g} kW per port"))
    level = _worst([lv for lv, _ in parts])
    pw_a = f"{a.min_power_kw:g} kW" if a.min_power_kw else None
    pw_b = f"{b.min_power_kw:g} kW" if b.min_power_kw else None
    rules.append(RuleDiff(f"power for {v.id}", pw_a or NO_RULE, pw_b or NO_RULE, level,
                          "; ".join(dict.fromkeys(w for lv, w in parts if lv == level)),
                          _match(pw_a is not None, pw_b is not None, pw_a == pw_b),
                          cite(a, "min_power") if pw_a else [],
                          cite(b, "min_power") if pw_b else []))
    # plug and charge
    pa, pb = a.protocols.plug_and_charge, b.protocols.plug_and_charge
    pnc = ev.plug_and_charge
    if pnc == "not used":
        why2 = f"{v.id} does not use Plug & Charge"
    elif pnc == "both":
        why2 = "ISO 15118-2 Plug & Charge required on both sides"
    elif pnc == "one side":
        why2 = (f"Plug & Charge is required in {a.id if pa else b.id} but not in "
                f"{b.id if pa else a.id}: carry a card or app there")
    else:
        why2 = "neither side requires Plug & Charge"
    rules.append(RuleDiff(f"Plug & Charge for {v.id}", "required" if pa else NO_RULE,
                          "required" if pb else NO_RULE, _PNC_LEVEL[pnc], why2,
                          _match(pa, pb, True), cite(a, "protocols") if pa else [],
                          cite(b, "protocols") if pb else []))
    return rules


def _station_notes(sides: Sequence[tuple[StandardProfile, Access]],
                   data: dict[str, CountryStations]) -> list[str]:
    notes: list[str] = []
    for p, acc in sides:
        if acc.basis == "rule":
            continue
        for country in p.jurisdiction.applies_to:
            sentence = gap_sentence(country, data, p.id, bool(p.observed_connectors))
            if sentence and sentence not in notes:
                notes.append(sentence)
    return notes


def compare(a: StandardProfile, b: StandardProfile, vehicles: list[VehicleProfile],
            on: dt.date | None = None,
            stations: dict[str, CountryStations] | None = None) -> Comparison:
    """Compare profile `a` (where the trip starts) with `b` (across the border) as the rules
    apply on `on` (default today). `stations`: the project's station data per country (default:
    read from the data folder), used to say where a verdict rests on missing station data."""
    on = on or dt.date.today()
    data = station_data() if stations is None else stations
    a, b = a.as_of(on), b.as_of(on)
    general = _general_rules(a, b, on)
    cmp = Comparison(a.id, b.id, on.isoformat(), general)
    for v in vehicles:
        ev = vehicle_evidence(a, b, v, on)
        own = _vehicle_rules(a, b, v, ev)
        verdict = verdict_from(ev)
        worst: Level = ("broken" if verdict == "broken" else
                        "condition" if verdict == "seamless with conditions" else "info")
        reasons = ([r.why for r in [*own, *general] if r.level == worst]
                   if verdict != "seamless" else [])
        notes = _station_notes([(a, connector_access(a, v)), (b, connector_access(b, v))], data)
        cmp.vehicles.append(VehicleVerdict(v.id, verdict, reasons, own, notes, asdict(ev)))
    return cmp
