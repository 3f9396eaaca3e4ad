"""Load and validate profile, vehicle and profile-set files.

`check_files(paths)` validates any number of files (or folders) and returns every problem of every
file, in file order, as `file:line:column: field.path: message` (checks within a file first, then
checks across files: `recognizes` ids, profile-set ids and coverage, duplicate ids).

`Registry` holds the shipped configs (configs/profiles, configs/vehicles, configs/profile-sets)
for `get_standard`, `get_vehicle`, `get_profile_set` and the `list_` functions.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from evcorridor.errors import InputError, closest, unknown_id
from evcorridor.profiles.connector_limits import CONNECTOR_MAX_KW
from evcorridor.profiles.models import (
    BORDERS,
    CLIMATES_REQUIRED,
    MODELS,
    ProfileSet,
    StandardProfile,
    VehicleProfile,
    _Model,
)
from evcorridor.yamlio import (
    Located,
    Problem,
    YamlProblems,
    iter_yaml_files,
    load_yaml,
    model_keys,
    validation_problems,
)

FOLDER_KINDS = {"profiles": "standard", "vehicles": "vehicle", "profile-sets": "profile-set"}
KIND_FOLDERS = {v: k for k, v in FOLDER_KINDS.items()}
CONTEXT = {"units_required": True}

AnyProfile = StandardProfile | VehicleProfile | ProfileSet


@dataclass
class FileResult:
    """One file: what it is, the model when it parsed, and its problems."""

    path: str
    kind: str | None
    model: AnyProfile | None = None
    located: Located | None = None
    problems: list[Problem] = field(default_factory=list)


# ----------------------------------------------------------------------------- kind detection
def detect_kind(located: Located, path: Path) -> str:
    """`kind:` in the file, else the folder (profiles/vehicles/profile-sets), else the content."""
    data = located.data
    k = data.get("kind")
    if isinstance(k, str) and k in MODELS:
        return k
    for parent in path.resolve().parents:
        if parent.name in FOLDER_KINDS:
            return FOLDER_KINDS[parent.name]
    if "vehicle_class" in data or "battery" in data:
        return "vehicle"
    if "profiles" in data or "crosses" in data:
        return "profile-set"
    return "standard"


# ----------------------------------------------------------------------------- pydantic -> problems
def keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a file may use for `model` (aliases where defined)."""
    return model_keys(model)


def problems_from(located: Located, exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Problems for a pydantic ValidationError, with "did you mean" for mistyped keys."""
    return validation_problems(located, exc, model=model)


# ----------------------------------------------------------------------------- checks in one file
def _dupes(located: Located, key: str, items: list[str]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for i, c in enumerate(items):
        if c in seen:
            out.append(located.problem((key, i), f"{c} is listed twice"))
        seen.add(c)
    return out


def _source_ids(located: Located, model: _Model) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for i, src in enumerate(getattr(model, "sources", [])):
        if src.id in seen:
            out.append(located.problem(("sources", i, "id"), f"source id {src.id!r} is used twice"))
        seen.add(src.id)
    return out


def _note_keys(located: Located, model: _Model) -> list[Problem]:
    keys = set(keys_of(type(model))) | set(type(model).model_fields)
    out = _source_ids(located, model)
    for section in ("notes", "unverified"):
        for k in getattr(model, section):
            head = k.split(".")[0]
            if head not in keys:
                near = closest(head, keys_of(type(model)), n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                out.append(located.problem((section, k),
                                           f"{k!r} names no field of this file{hint}"))
    return out


def _key(model: BaseModel, name: str) -> str:
    info = type(model).model_fields[name]
    return info.alias or name


def check_standard(located: Located, p: StandardProfile) -> list[Problem]:
    out: list[Problem] = []
    if p.status == "rescinded" and p.rescinded is None:
        out.append(located.problem(("status",), "a rescinded profile needs a 'rescinded' date"))
    if p.status != "rescinded" and p.rescinded is not None:
        out.append(located.problem(("rescinded",), f"a rescinded date on a profile whose status "
                                   f"is {p.status!r}; set status: rescinded or remove it"))
    if p.rescinded and p.effective and p.rescinded < p.effective:
        out.append(located.problem(("rescinded",), f"rescinded {p.rescinded} is before the "
                                   f"effective date {p.effective}"))
    j = p.jurisdiction
    if j.country is None and not j.countries:
        out.append(located.problem(("jurisdiction",), "give a country (or countries)"))
    if j.country is not None and j.countries:
        out.append(located.problem(("jurisdiction", "countries"),
                                   "give either country or countries, not both"))
    if j.subdivision is not None:
        alpha2 = {"USA": "US", "CAN": "CA", "MEX": "MX"}.get(j.country or "")
        if alpha2 is None:
            out.append(located.problem(("jurisdiction", "subdivision"),
                                       "a subdivision needs one country"))
        elif "-" in j.subdivision and not j.subdivision.startswith(alpha2 + "-"):
            out.append(located.problem(("jurisdiction", "subdivision"),
                                       f"{j.subdivision} is not an ISO 3166-2 subdivision of "
                                       f"{j.country} (codes there start with {alpha2}-)"))
    out += _dupes(located, "required_connectors", p.required_connectors)
    out += _dupes(located, "allowed_connectors", p.allowed_connectors)
    for i, c in enumerate(p.allowed_connectors):
        if c in p.required_connectors:
            out.append(located.problem(("allowed_connectors", i),
                                       f"{c} is already required; list it only once"))
    conns = p.all_connectors
    if p.min_power_kw > 0 and conns:
        limits = {c: CONNECTOR_MAX_KW[c].max_kw for c in conns if c in CONNECTOR_MAX_KW}
        if limits and len(limits) == len(conns) and p.min_power_kw > max(limits.values()):
            listed = ", ".join(f"{c} {kw:g} kW" for c, kw in limits.items())
            out.append(located.problem((_key(p, "min_power_kw"),),
                                       f"{p.min_power_kw:g} kW per port is above every allowed "
                                       f"connector's maximum ({listed})"))
    if p.min_universal_share_pct is not None and not p.universal_connectors:
        out.append(located.problem((_key(p, "min_universal_share_pct"),),
                                   "min_universal_share needs universal_connectors"))
    if p.power_simultaneous and p.min_power_kw == 0:
        out.append(located.problem(("power_simultaneous",),
                                   "power_simultaneous without a min_power"))
    if p.protocols.plug_and_charge and "2" not in p.protocols.iso15118:
        out.append(located.problem(("protocols", "plug_and_charge"),
                                   "Plug & Charge needs ISO 15118-2 in protocols.iso15118"))
    if (p.max_offset_m is not None and p.max_spacing_m is not None
            and p.max_offset_m * 2 >= p.max_spacing_m):
        out.append(located.problem((_key(p, "max_offset_m"),),
                                   "the exit offset (counted twice) leaves no room within the "
                                   "maximum spacing"))
    if p.id in p.recognizes:
        out.append(located.problem(("recognizes", p.recognizes.index(p.id)),
                                   f"a profile always counts its own stations; remove {p.id!r}"))
    out += _check_rules(located, p)
    out += _note_keys(located, p)
    return out


_NOT_ON_EXPIRY = {"kind", "id", "title", "jurisdiction", "programme", "effective", "status",
                  "rescinded", "sources", "rules", "notes", "unverified"}


def _check_rules(located: Located, p: StandardProfile) -> list[Problem]:
    """`rules`: unique ids, a source of this file, dates in order, `on_expiry` fields valid."""
    out: list[Problem] = []
    source_ids = [s.id for s in p.sources]
    keys = [k for k in keys_of(StandardProfile) if k not in _NOT_ON_EXPIRY]
    seen: set[str] = set()
    for i, rule in enumerate(p.rules):
        if rule.id in seen:
            out.append(located.problem(("rules", i, "id"), f"rule id {rule.id!r} is used twice"))
        seen.add(rule.id)
        if rule.source not in source_ids:
            near = closest(rule.source, source_ids, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            out.append(located.problem(("rules", i, "source"), f"{rule.source!r} is not an id "
                                       f"in this file's sources{hint}"))
        if rule.effective and rule.expires and rule.expires <= rule.effective:
            out.append(located.problem(("rules", i, "expires"), f"expires {rule.expires} is not "
                                       f"after the effective date {rule.effective}"))
        for name in ("after_expiry", "on_expiry"):
            if getattr(rule, name) and rule.expires is None:
                out.append(located.problem(("rules", i, name), f"{name} needs an 'expires' date"))
        bad = False
        for k in rule.on_expiry:
            if k not in keys:
                near = closest(k, keys, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                out.append(located.problem(("rules", i, "on_expiry", k),
                                           f"{k!r} is not a field a rule can change{hint}"))
                bad = True
        if rule.on_expiry and rule.expires is not None and not bad:
            try:
                p.as_of(rule.expires)
            except ValidationError as exc:
                for err in exc.errors():
                    where = ".".join(str(x) for x in err["loc"])
                    out.append(located.problem(("rules", i, "on_expiry"),
                                               f"{where}: {err['msg']}"))
    return out


def check_vehicle(located: Located, v: VehicleProfile) -> list[Problem]:
    out: list[Problem] = []
    if v.arrive_with_pct >= v.charge_to_pct:
        out.append(located.problem((_key(v, "arrive_with_pct"),),
                                   f"arrive_with {v.arrive_with_pct:g} % must be below "
                                   f"charge_to {v.charge_to_pct:g} %"))
    if v.start_charge_pct is not None and v.start_charge_pct < v.arrive_with_pct:
        out.append(located.problem((_key(v, "start_charge_pct"),),
                                   f"start_charge {v.start_charge_pct:g} % is below arrive_with "
                                   f"{v.arrive_with_pct:g} %"))
    if v.min_charge_power_kw > v.max_dc_power_kw:
        out.append(located.problem((_key(v, "min_charge_power_kw"),),
                                   f"min_charge_power {v.min_charge_power_kw:g} kW is above "
                                   f"max_dc_power {v.max_dc_power_kw:g} kW"))
    out += _dupes(located, "connectors_native", v.connectors_native)
    for i, c in enumerate(v.connectors_adapter):
        if c in v.connectors_native:
            out.append(located.problem(("connectors_adapter", i),
                                       f"{c} is already a native connector"))
    missing = [c for c in CLIMATES_REQUIRED if c not in v.climate]
    if missing:
        out.append(located.problem(("climate",), "missing climate scenario(s): "
                                   + ", ".join(missing)))
    out += _note_keys(located, v)
    return out


def check_set(located: Located, s: ProfileSet) -> list[Problem]:
    out: list[Problem] = []
    for border in s.crosses:
        for country in BORDERS[border]:
            if country not in s.profiles:
                out.append(located.problem(("profiles",), f"no profile for {country}, which the "
                                           f"{border} border this set crosses needs"))
    out += _note_keys(located, s)
    return out


def parse_file(path: Path, display: str | None = None) -> FileResult:
    """Load and validate one file (checks within the file only)."""
    name = display or str(path)
    try:
        located = load_yaml(path, display=name)
    except YamlProblems as exc:
        return FileResult(name, None, problems=list(exc.problems))
    except InputError as exc:
        return FileResult(name, None, problems=[_plain_problem(name, str(exc))])
    kind = detect_kind(located, path)
    cls = MODELS[kind]
    res = FileResult(name, kind, located=located)
    try:
        model = typing.cast(AnyProfile, cls.model_validate(located.data, context=CONTEXT))
    except ValidationError as exc:
        # one problem per place and message (pydantic may report a dict entry's key and value)
        unique = {(p.line, p.column, p.field, p.message): p
                  for p in problems_from(located, exc, cls)}
        res.problems = sorted(unique.values(), key=lambda p: (p.line, p.column, p.field))
        return res
    model.source_file = name
    if isinstance(model, StandardProfile):
        res.problems = check_standard(located, model)
    elif isinstance(model, VehicleProfile):
        res.problems = check_vehicle(located, model)
    elif isinstance(model, ProfileSet):
        res.problems = check_set(located, model)
    res.model = model
    res.problems.sort(key=lambda p: (p.line, p.column, p.field))
    return res


def _plain_problem(name: str, message: str) -> Problem:
    prefix = f"{name}: "
    return Problem(name, 1, 1, "", message[len(prefix):] if message.startswith(prefix) else message)


# ----------------------------------------------------------------------------- checks across files
def cross_check(results: list[FileResult], known: Registry | None = None) -> None:
    """Checks that need other files: duplicate ids, recognizes ids, profile-set references.
    Appends problems to the results. `known` adds the shipped files as resolvable references."""
    standards: dict[str, StandardProfile] = dict(known.standards) if known else {}
    first_seen: dict[tuple[str, str], str] = {}
    for r in results:
        if r.model is None or r.located is None:
            continue
        key = (r.kind or "", r.model.id)
        if key in first_seen:
            r.problems.append(r.located.problem(("id",), f"duplicate {r.kind} id {r.model.id!r} "
                                                f"(also in {first_seen[key]})"))
        else:
            first_seen[key] = r.path
        if isinstance(r.model, StandardProfile):
            standards[r.model.id] = r.model
    for r in results:
        if r.model is None or r.located is None:
            continue
        loc = r.located
        if isinstance(r.model, StandardProfile):
            for i, rid in enumerate(r.model.recognizes):
                if rid not in standards and rid != r.model.id:
                    err = unknown_id("profile", rid, standards)
                    r.problems.append(loc.problem(("recognizes", i), str(err)))
        elif isinstance(r.model, ProfileSet):
            for country, pid in r.model.profiles.items():
                if pid not in standards:
                    err = unknown_id("profile", pid, standards)
                    r.problems.append(loc.problem(("profiles", country), str(err)))
                    continue
                juris = standards[pid].jurisdiction
                applies = juris.applies_to
                if "-" in country:  # an ISO 3166-2 subdivision: a profile made for it
                    if juris.subdivision != country:
                        r.problems.append(loc.problem(("profiles", country),
                                                      f"profile {pid!r} is not made for the "
                                                      f"subdivision {country} (its jurisdiction "
                                                      f"subdivision is "
                                                      f"{juris.subdivision or 'not set'})"))
                        continue
                elif country not in applies:
                    r.problems.append(loc.problem(("profiles", country),
                                                  f"profile {pid!r} applies to "
                                                  f"{', '.join(applies)}, not {country}"))
                    continue
                if r.model.status == "in-force" and standards[pid].status != "in-force":
                    r.problems.append(loc.problem(("profiles", country),
                                                  f"profile {pid!r} is {standards[pid].status}; "
                                                  "an in-force set needs in-force profiles"))
        r.problems.sort(key=lambda p: (p.line, p.column, p.field))


_KIND_LINE = re.compile(r"^kind:[ \t]*['\"]?([^'\"#\n]*?)['\"]?[ \t]*(#.*)?$", re.MULTILINE)


def _declares_profile_kind(head: str) -> bool:
    """True when a top-level `kind:` names a profile kind, or nearly does (a typo such as
    `kind: standrad` is checked, and reported, rather than skipped)."""
    m = _KIND_LINE.search(head)
    if not m:
        return False
    value = m.group(1).strip().lower()
    return bool(difflib.get_close_matches(value, list(MODELS), n=1, cutoff=0.75))


def collect_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files to check, files skipped). Files named directly are always checked. In a folder, a
    YAML file is checked when it sits under a profiles/, vehicles/ or profile-sets/ folder or
    declares `kind: standard|vehicle|profile-set` (or a near miss such as `kind: standrad`);
    other YAML (e.g. corridors, `kind: scenario`) is skipped. Each file is listed once."""
    checked: list[Path] = []
    skipped: list[Path] = []
    for p in paths:
        if not p.is_dir():
            checked.append(p)
            continue
        for f in iter_yaml_files([p]):
            if any(a.name in FOLDER_KINDS for a in f.resolve().parents):
                checked.append(f)
                continue
            try:
                head = f.read_text(encoding="utf-8", errors="replace")[:200_000]
            except OSError:
                checked.append(f)
                continue
            (checked if _declares_profile_kind(head) else skipped).append(f)
    return _unique(checked), _unique(skipped)


def _unique(files: list[Path]) -> list[Path]:
    """Each file once (a file named twice, or also found through its folder), first name kept."""
    seen: set[Path] = set()
    out = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def check_files(paths: list[Path], *, with_shipped: bool = True) -> list[FileResult]:
    """Validate files and folders; every file's problems (within and across files)."""
    files, _ = collect_files(paths)
    results = [parse_file(p) for p in files]
    known = None
    if with_shipped:
        try:
            known = get_registry()
        except InputError:
            known = None
    cross_check(results, known)
    return results


# ----------------------------------------------------------------------------- shipped registry
@dataclass
class Registry:
    standards: dict[str, StandardProfile]
    vehicles: dict[str, VehicleProfile]
    sets: dict[str, ProfileSet]

    @classmethod
    def load(cls, configs_dir: Path) -> Registry:
        paths = [configs_dir / KIND_FOLDERS[k] for k in MODELS]
        files = [f for p in paths if p.is_dir() for f in iter_yaml_files([p])]
        results = [parse_file(f) for f in files]
        cross_check(results)
        problems = [pr for r in results for pr in r.problems]
        for r in results:
            expected = FOLDER_KINDS.get(Path(r.path).parent.name)
            if r.model is not None and r.kind != expected and r.located is not None:
                problems.append(r.located.problem(("kind",), f"a {r.kind} file in the "
                                                  f"{Path(r.path).parent.name}/ folder"))
        if problems:
            raise YamlProblems(problems)
        reg = cls({}, {}, {})
        for r in results:
            m = r.model
            if isinstance(m, StandardProfile):
                reg.standards[m.id] = m
            elif isinstance(m, VehicleProfile):
                reg.vehicles[m.id] = m
            elif isinstance(m, ProfileSet):
                reg.sets[m.id] = m
        return reg


_CACHE: dict[Path, Registry] = {}


def get_registry() -> Registry:
    """The shipped configs (under settings.configs_dir), loaded once per folder."""
    from evcorridor.settings import get_settings

    cdir = Path(get_settings().configs_dir).resolve()
    if cdir not in _CACHE:
        _CACHE[cdir] = Registry.load(cdir)
    return _CACHE[cdir]


def clear_cache() -> None:
    _CACHE.clear()

