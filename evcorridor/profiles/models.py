"""Pydantic models for operating-standard profiles, vehicle profiles and profile sets.

File keys are the short names (`max_spacing: 50 mi`, `min_power: 150 kW`); the Python attributes
carry the canonical unit (`max_spacing_m`, `min_power_kw`). Unknown keys are rejected.

A rule that a standard does not make is *absent* in its file: `max_spacing_m`/`max_offset_m` are
None, `min_ports`/`min_power_kw` are 0 ("no minimum"), `required_connectors` is empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from evcorridor.connectors import CONNECTORS, UnknownConnector, normalize
from evcorridor.errors import NotFoundError, unknown_id
from evcorridor.profiles.quantity import (
    MILE_M,
    Consumption,
    Energy,
    Length,
    Percent,
    PositivePower,
    Power,
)

COUNTRIES = ("USA", "CAN", "MEX")
BORDERS: dict[str, tuple[str, str]] = {"us-ca": ("USA", "CAN"), "us-mx": ("USA", "MEX")}
CLIMATES_REQUIRED = ("mild", "highway-summer", "deep-winter")


def _connector(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a connector name, got {type(value).__name__}")
    try:
        return normalize(value)
    except UnknownConnector as exc:
        raise ValueError(str(exc)) from None


Connector = Annotated[
    str,
    BeforeValidator(_connector),
    Field(description="connector type: " + ", ".join(CONNECTORS)
          + " (aliases such as J1772COMBO, J3400, TESLA accepted)"),
]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$", min_length=2, max_length=64)]
Country = Literal["USA", "CAN", "MEX"]
Factor = Annotated[float, Field(gt=0.0, le=5.0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True,
                              str_strip_whitespace=True)


class Source(_Model):
    """A citation. `id` is what per-field notes refer to."""

    id: Slug
    title: str = Field(min_length=1)
    url: str | None = None
    date: str | None = None
    note: str | None = None


class Jurisdiction(_Model):
    """Where a profile applies: one country (ISO 3166 alpha-3, optional subdivision) or, for a
    multi-country (harmonised) profile, `countries`."""

    country: Country | None = None
    subdivision: str | None = Field(default=None, pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
    countries: list[Country] = Field(default_factory=list)

    @property
    def applies_to(self) -> list[str]:
        return list(self.countries) if self.countries else ([self.country] if self.country else [])


def _version(prefixes: tuple[str, ...], aliases: dict[str, str] | None = None) -> Any:
    """Accept 'OCPP 2.0.1', 'ocpp2.0.1', 2.1 (a YAML number) or '2.0.1' alike."""

    def norm(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return value
        text = str(value).strip()
        low = text.lower()
        for pre in prefixes:
            if low.startswith(pre):
                text = text[len(pre):].strip(" -")
                break
        return (aliases or {}).get(text.lower(), text)

    return BeforeValidator(norm)


class Protocols(_Model):
    ocpp_min: Annotated[Literal["1.6J", "2.0.1", "2.1"] | None,
                        _version(("ocpp",), {"1.6": "1.6J", "1.6j": "1.6J"})] = Field(
        default=None, description="minimum OCPP version between charger and network")
    iso15118: list[Annotated[Literal["2", "3", "20"], _version(("iso 15118", "iso15118",
                                                                "15118"))]] = Field(
        default_factory=list, description="ISO 15118 parts required (2, 3, 20)")
    plug_and_charge: bool = Field(default=False, description="ISO 15118-2 Plug & Charge required")
    ocpi: Annotated[Literal["2.1.1", "2.2", "2.2.1"] | None, _version(("ocpi",))] = Field(
        default=None, description="OCPI version required between networks (roaming)")
    network_switchable: bool | None = Field(
        default=None, description="charger can change network provider without new hardware")


PaymentMethod = Literal["contactless-card", "chip-card", "app", "rfid", "plug-and-charge",
                        "membership", "cash", "qr-code", "phone"]
PricingUnit = Literal["kWh", "time", "session"]


class ObservedConnector(_Model):
    """A connector seen in the market (NOT a rule), with how widespread it is:
    dominant = a cited source calls it dominant; common = at least 10 % of the counted public DC
    fast sites; present = seen, under 10 %. `evidence` gives the source and the count."""

    connector: Connector
    prevalence: Literal["dominant", "common", "present"]
    evidence: str = Field(min_length=1)


class NewBuild(_Model):
    """Planning assumption for a new site where the standard itself is silent. Not a rule."""

    connectors: list[Connector] = Field(min_length=1)
    ports: int = Field(ge=1, le=100)
    power_kw: PositivePower = Field(alias="power")
    note: str = Field(min_length=1)


@dataclass(frozen=True)
class SiteSpec:
    """What a charging site offers (existing or planned)."""

    connectors: tuple[tuple[str, int, float], ...]  # (canonical type, count, max_kw per port)
    ports: int  # DC fast ports usable simultaneously
    power_kw: float  # guaranteed power per port when all ports are in use
    offset_m: float  # travel distance from the highway exit to the site
    # False: the source gives no power / no port count; `power_kw` / `ports` are then only the
    # DC fast floor a vehicle may count on, never a figure a standard's minimum accepts
    power_known: bool = True
    ports_known: bool = True

    def connector_types(self) -> list[str]:
        return sorted({c for c, n, _ in self.connectors if n > 0})


def _fmt_km(m: float) -> str:
    return f"{m / 1000:.1f} km ({m / MILE_M:.1f} mi)"


def _fmt_kw(kw: float) -> str:
    return f"{kw:g} kW"


class SourcedRule(_Model):
    """A rule of a standard that the station fields do not express (metering, signage language,
    grid connection, data reporting...), with its source and the dates it applies between.

    `effective` is the first day in force; `expires` is the first day it no longer applies (a
    rule "allowed until 31 Dec 2029" expires 2030-01-01). `after_expiry` says what applies from
    then on, and `on_expiry` sets profile fields from then on (e.g. `pricing_units: [kWh]`).
    Rules of two profiles with the same `topic` are compared with each other."""

    id: Slug
    topic: Slug = Field(description="rules of two profiles with the same topic are compared")
    text: str = Field(min_length=1, description="what the rule requires or allows")
    source: Slug = Field(description="id of one of the file's sources")
    scope: str | None = Field(default=None, description="to what or where the rule applies, "
                              "when not every station (e.g. 'federally funded sites', 'Quebec')")
    effective: dt.date | None = Field(default=None, description="first day in force")
    expires: dt.date | None = Field(default=None, description="first day no longer in force")
    period: str | None = Field(default=None, description="dates known less precisely than a day "
                               "(e.g. 'programme 2019-2027')")
    after_expiry: str | None = Field(default=None, description="what applies from `expires` on")
    on_expiry: dict[str, Any] = Field(default_factory=dict, description="profile fields that "
                                      "take these values from `expires` on (file keys)")
    unverified: str | None = Field(default=None, description="why the rule is UNVERIFIED")

    def in_force(self, on: dt.date) -> bool:
        """True when the rule applies on `on` (from `effective`, before `expires`)."""
        return ((self.effective is None or self.effective <= on)
                and (self.expires is None or on < self.expires))

    def last_day(self) -> dt.date | None:
        return self.expires - dt.timedelta(days=1) if self.expires else None


class StandardProfile(_Model):
    """An operating-standard profile: the station rules of one jurisdiction / programme."""

    kind: Literal["standard"] = "standard"
    id: Slug
    title: str = Field(min_length=1)
    jurisdiction: Jurisdiction
    programme: str = Field(min_length=1)
    effective: dt.date | None = None
    status: Literal["in-force", "proposed", "rescinded"]
    rescinded: dt.date | None = None
    sources: list[Source] = Field(min_length=1)
    # station rules
    required_connectors: list[Connector] = Field(default_factory=list)
    allowed_connectors: list[Connector] = Field(
        default_factory=list, description="connectors allowed in addition to the required ones")
    connectors_on_every_port: bool = False
    universal_connectors: list[Connector] = Field(default_factory=list)
    min_universal_share_pct: Percent | None = Field(default=None, alias="min_universal_share")
    min_ports: int = Field(default=0, ge=0, le=100)
    min_power_kw: Power = Field(default=0.0, alias="min_power")
    power_simultaneous: bool = False
    min_ac_power_kw: Power | None = Field(default=None, alias="min_ac_power")
    max_spacing_m: Length | None = Field(default=None, alias="max_spacing")
    max_offset_m: Length | None = Field(default=None, alias="max_offset")
    protocols: Protocols = Field(default_factory=Protocols)
    payment: list[PaymentMethod] = Field(default_factory=list)
    membership_required: bool | None = None
    pricing_units: list[PricingUnit] = Field(default_factory=list)
    price_shown_before_session: bool | None = None
    uptime_above_pct: Percent | None = Field(
        default=None, alias="uptime_above",
        description="uptime per port must be above this share (23 CFR 680.116: 'above 97 %')")
    uptime_reporting: str | None = None
    signage_languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(
        default_factory=list)
    currencies: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = Field(
        min_length=1, description="ISO 4217 currencies prices are shown in")
    units: Literal["metric", "us-customary", "local"]
    recognizes: list[Slug] = Field(default_factory=list)
    observed_connectors: list[ObservedConnector] = Field(
        default_factory=list, description="connectors observed in the market (not a rule)")
    new_build: NewBuild | None = None
    rules: list[SourcedRule] = Field(
        default_factory=list, description="other sourced rules, each with its dates")
    notes: dict[str, str] = Field(default_factory=dict)
    unverified: dict[str, str] = Field(default_factory=dict)
    source_file: SkipJsonSchema[str] = Field(default="", exclude=True)

    @property
    def country(self) -> str | None:
        return self.jurisdiction.country

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def status_on(self, on: dt.date) -> str:
        """'in force', 'not yet in force', 'rescinded' or 'proposed' on the day `on`."""
        if self.status == "proposed":
            return "proposed"
        if self.rescinded is not None and on >= self.rescinded:
            return "rescinded"
        if self.effective is not None and on < self.effective:
            return "not yet in force"
        return "in force"  # in force, or rescinded later than `on`

    def as_of(self, on: dt.date) -> StandardProfile:
        """This profile as it applies on `on`: the `on_expiry` fields of every rule that has
        expired by then replace the file's values. ValueError if they do not validate."""
        update: dict[str, Any] = {}
        for rule in self.rules:
            if rule.expires is not None and on >= rule.expires:
                update.update(rule.on_expiry)
        if not update:
            return self
        data = self.model_dump(by_alias=True, exclude={"source_file"})
        data.update(update)
        again = type(self).model_validate(data)
        again.source_file = self.source_file
        return again

    def observed(self, *prevalence: str) -> list[str]:
        """Observed connectors with one of the given prevalences (all when none given)."""
        return [o.connector for o in self.observed_connectors
                if not prevalence or o.prevalence in prevalence]

    @property
    def all_connectors(self) -> list[str]:
        """Required plus allowed connectors (empty = the standard does not restrict them)."""
        return list(dict.fromkeys([*self.required_connectors, *self.allowed_connectors]))

    def compliance(self, site: SiteSpec) -> list[str]:
        """Reasons the site does NOT comply with this profile's station rules; [] = complies."""
        reasons: list[str] = []
        counts: dict[str, int] = {}
        best_kw: dict[str, float] = {}
        for ctype, n, kw in site.connectors:
            if n <= 0:
                continue
            counts[ctype] = counts.get(ctype, 0) + n
            best_kw[ctype] = max(best_kw.get(ctype, 0.0), kw)
        for c in self.required_connectors:
            need = max(site.ports, 1) if self.connectors_on_every_port else 1
            have = counts.get(c, 0)
            if have == 0:
                reasons.append(f"no {c} connector ({self.id} requires {c})")
            elif have < need:
                reasons.append(f"{have} {c} connector(s) for {site.ports} ports "
                               f"({self.id} requires {c} on every port)")
        allowed = self.all_connectors
        if allowed:
            for c in sorted(counts):
                if c not in allowed:
                    reasons.append(f"{c} connector is not allowed by {self.id} "
                                   f"(allowed: {', '.join(allowed)})")
        if self.universal_connectors and self.min_universal_share_pct is not None:
            total = sum(counts.values())
            univ = sum(n for c, n in counts.items() if c in self.universal_connectors)
            if total and univ * 100.0 < self.min_universal_share_pct * total:
                reasons.append(f"{univ} of {total} connectors are universal "
                               f"({', '.join(self.universal_connectors)}); {self.id} requires "
                               f"at least {self.min_universal_share_pct:g} %")
        if self.min_ports > 0 and not site.ports_known:
            reasons.append(f"DC fast port count unknown ({self.id} requires {self.min_ports})")
        elif site.ports < self.min_ports:
            reasons.append(f"{site.ports} DC fast port(s), fewer than the {self.min_ports} "
                           f"{self.id} requires")
        if self.min_power_kw > 0 and not site.power_known:
            reasons.append(f"power unknown ({self.id} requires {_fmt_kw(self.min_power_kw)})")
        elif self.min_power_kw > 0:
            if self.power_simultaneous:
                if site.power_kw < self.min_power_kw:
                    reasons.append(f"{_fmt_kw(site.power_kw)} per port with all ports in use, "
                                   f"below the {_fmt_kw(self.min_power_kw)} {self.id} requires "
                                   "simultaneously")
            else:
                top = max(best_kw.values(), default=0.0)
                if top < self.min_power_kw:
                    reasons.append(f"{_fmt_kw(top)} at most per port, below the "
                                   f"{_fmt_kw(self.min_power_kw)} {self.id} requires")
        if self.max_offset_m is not None and site.offset_m > self.max_offset_m:
            reasons.append(f"{_fmt_km(site.offset_m)} from the highway exit, beyond the "
                           f"{_fmt_km(self.max_offset_m)} {self.id} allows")
        return reasons

    @property
    def has_station_rules(self) -> bool:
        """True when the profile says anything about a station (connectors, ports, power,
        offset); a site "complies with" only such a profile."""
        return bool(self.required_connectors or self.all_connectors
                    or (self.universal_connectors and self.min_universal_share_pct is not None)
                    or self.min_ports > 0 or self.min_power_kw > 0
                    or self.max_offset_m is not None)

    def standard_site(self, vehicle: VehicleProfile | None = None) -> SiteSpec:
        """The smallest compliant new build: the required connectors on `min_ports` ports at
        `min_power_kw` (where the standard is silent, the file's `new_build` planning assumption).
        With `vehicle`, a connector the vehicle can use is added when the standard build would
        not serve it and the profile allows that connector. Offset 0 (at the exit)."""
        nb = self.new_build
        ports = max(self.min_ports, nb.ports if nb else 0, 1)
        power = max(self.min_power_kw, nb.power_kw if nb else 0.0)
        types = list(self.required_connectors) or (list(nb.connectors) if nb else [])
        per_type = ports if (self.connectors_on_every_port or len(types) <= 1) else 1
        conns = [(c, per_type, power) for c in types]
        site = SiteSpec(tuple(conns), ports, power, 0.0)
        if vehicle is not None and vehicle.can_charge_at(site) is not None:
            allowed = self.all_connectors
            for c in [*vehicle.connectors_native, *vehicle.connectors_adapter]:
                if allowed and c not in allowed:
                    continue
                kw = max(power, vehicle.min_charge_power_kw)
                extra = [x for x in conns if x[0] != c] + [(c, ports, kw)]
                cand = SiteSpec(tuple(sorted(extra)), ports, power, 0.0)
                if vehicle.can_charge_at(cand) is None and not self.compliance(cand):
                    return cand
        return site


class VehicleProfile(_Model):
    """A vehicle class: connectors, battery, consumption, state-of-charge window, climates."""

    kind: Literal["vehicle"] = "vehicle"
    id: Slug
    title: str = Field(min_length=1)
    vehicle_class: Literal["light-duty", "medium-duty", "heavy-duty"]
    example_models: list[str] = Field(default_factory=list)
    connectors_native: list[Connector] = Field(min_length=1)
    connectors_adapter: list[Connector] = Field(default_factory=list)
    battery_kwh: Energy = Field(alias="battery")
    rated_range_m: Length | None = Field(default=None, alias="rated_range")
    highway_consumption_kwh_per_km: Consumption = Field(alias="highway_consumption")
    charge_to_pct: Percent = Field(alias="charge_to")
    arrive_with_pct: Percent = Field(alias="arrive_with")
    start_charge_pct: Percent | None = Field(default=None, alias="start_charge")
    max_dc_power_kw: PositivePower = Field(alias="max_dc_power")
    min_charge_power_kw: Power = Field(alias="min_charge_power")
    idle_aux_power_kw: Power = Field(alias="idle_aux_power")
    plug_and_charge: bool | None = None
    climate: dict[str, Factor] = Field(
        description="consumption factor per climate scenario (1.0 = the highway consumption)")
    sources: list[Source] = Field(min_length=1)
    notes: dict[str, str] = Field(default_factory=dict)
    unverified: dict[str, str] = Field(default_factory=dict)
    source_file: SkipJsonSchema[str] = Field(default="", exclude=True)

    @property
    def connectors_usable(self) -> list[str]:
        return list(dict.fromkeys([*self.connectors_native, *self.connectors_adapter]))

    def climate_factor(self, climate: str) -> float:
        try:
            return self.climate[climate]
        except KeyError:
            raise unknown_id(f"climate scenario for vehicle {self.id}", climate,
                             self.climate) from None

    def _km_per_kwh(self, climate: str) -> float:
        return 1.0 / (self.highway_consumption_kwh_per_km * self.climate_factor(climate))

    def usable_range_m(self, climate: str) -> float:
        """Distance between charges: charge_to -> arrive_with at highway consumption x factor."""
        kwh = self.battery_kwh * (self.charge_to_pct - self.arrive_with_pct) / 100.0
        return kwh * self._km_per_kwh(climate) * 1000.0

    def start_range_m(self, climate: str, start_soc: float | None = None) -> float:
        """Distance from the start to the first charge, keeping the arrival reserve.
        `start_soc` is a fraction 0..1; default the file's start_charge, else charge_to."""
        if start_soc is None:
            pct = self.start_charge_pct if self.start_charge_pct is not None else self.charge_to_pct
        else:
            if not 0.0 <= start_soc <= 1.0:
                raise ValueError(f"start_soc must be a fraction between 0 and 1, got {start_soc}")
            pct = start_soc * 100.0
        kwh = max(0.0, self.battery_kwh * (pct - self.arrive_with_pct) / 100.0)
        return kwh * self._km_per_kwh(climate) * 1000.0

    def idle_distance_m(self, climate: str, minutes: float) -> float:
        """Driving distance equivalent of the auxiliary energy used while idling `minutes`."""
        if minutes < 0:
            raise ValueError(f"minutes must not be negative, got {minutes}")
        kwh = self.idle_aux_power_kw * minutes / 60.0
        return kwh * self._km_per_kwh(climate) * 1000.0

    def can_charge_at(self, site: SiteSpec) -> str | None:
        """None if the vehicle can charge at the site, else the reason it cannot."""
        usable = self.connectors_usable
        offered = [(c, n, kw) for c, n, kw in site.connectors if n > 0]
        mine = [(c, kw) for c, _, kw in offered if c in usable]
        if not mine:
            has = ", ".join(sorted({c for c, _, _ in offered})) or "no connectors"
            return (f"no connector {self.id} can use ({', '.join(usable)}); site offers {has}")
        best_c, best_kw = max(mine, key=lambda x: (x[1], x[0]))
        if best_kw < self.min_charge_power_kw:
            return (f"{best_c} offers {_fmt_kw(best_kw)}, below the "
                    f"{_fmt_kw(self.min_charge_power_kw)} {self.id} needs")
        return None


#: a profile set's jurisdiction: a country (ISO alpha-3) or an ISO 3166-2 subdivision of one
JurisdictionKey = Annotated[str, Field(pattern=r"^(USA|CAN|MEX|(US|CA|MX)-[A-Z0-9]{1,3})$")]


class ProfileSet(_Model):
    """Maps each jurisdiction to the standard profile in force there: a country (`USA`, `CAN`,
    `MEX`), or an ISO 3166-2 subdivision (`US-NY`, `CA-QC`) whose profile overrides the
    national one inside it."""

    kind: Literal["profile-set"] = "profile-set"
    id: Slug
    title: str = Field(min_length=1)
    status: Literal["in-force", "proposed", "rescinded"]
    crosses: list[Literal["us-ca", "us-mx"]] = Field(min_length=1)
    profiles: dict[JurisdictionKey, Slug] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    notes: dict[str, str] = Field(default_factory=dict)
    unverified: dict[str, str] = Field(default_factory=dict)
    source_file: SkipJsonSchema[str] = Field(default="", exclude=True)

    def profile_for(self, country: str, subdivision: str | None = None) -> str:
        """The standard profile id in force in `subdivision` (ISO 3166-2) when the set maps it,
        else in `country` (ISO alpha-3, or a subdivision code). NotFoundError if not mapped."""
        if subdivision and subdivision in self.profiles:
            return self.profiles[subdivision]
        try:
            return self.profiles[country]
        except KeyError:
            err = unknown_id(f"country in profile set {self.id}", country, self.profiles)
            raise NotFoundError(str(err)) from None


StandardProfile.model_rebuild()

MODELS: dict[str, type[_Model]] = {
    "standard": StandardProfile,
    "vehicle": VehicleProfile,
    "profile-set": ProfileSet,
}
