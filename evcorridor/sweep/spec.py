"""SWEEP.yaml: which runs a sweep makes (the product of its lists).

    corridors: [i29-red-river, i95-houlton]    # or: border: us-ca | us-mx | all
    crossings: [pembina-emerson]               # with border: only these ports (optional)
    profile_sets: [na-2023, na-harmonised]     # default [na-2023]
    scenarios: [default, winter]               # default [default]
    vehicles: [all, nacs-car]                  # one run per entry; "all" = every vehicle
    resilience: [none, n-1]                    # default [none]
    reach_km: 300                              # border ports: road km to each endpoint

A missing key means its default; ids are checked when a run starts (an unknown id makes that
run a failed row, not a failed sweep). Malformed files: `file:line:column: field: message`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evcorridor.errors import InputError
from evcorridor.outpaths import SafeSlug
from evcorridor.sweep.run import RunSpec
from evcorridor.yamlio import YamlProblems, load_yaml, validation_problems


class SweepSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    corridors: list[SafeSlug] | None = Field(default=None, min_length=1)  # OUT/runs/<id>-...
    border: Literal["us-ca", "us-mx", "all"] | None = None
    crossings: list[str] | None = Field(default=None, min_length=1)
    profile_sets: list[str] = Field(default_factory=lambda: ["na-2023"], min_length=1)
    scenarios: list[str] = Field(default_factory=lambda: ["default"], min_length=1)
    vehicles: list[str] = Field(default_factory=lambda: ["all"], min_length=1)
    resilience: list[Literal["none", "n-1"]] = Field(
        default_factory=lambda: ["none"], min_length=1)  # type: ignore[arg-type]
    reach_km: float = Field(default=300.0, gt=10.0)
    source_file: str = ""

    @model_validator(mode="after")
    def _one_target(self) -> SweepSpec:
        if (self.corridors is None) == (self.border is None):
            raise ValueError("give either `corridors` (a list of corridor ids) or `border` "
                             "(us-ca, us-mx or all)")
        if self.crossings is not None and self.border is None:
            raise ValueError("`crossings` selects ports of a `border` sweep")
        return self


def load_sweep(path: Path) -> SweepSpec:
    located = load_yaml(Path(path))
    data = dict(located.data) if isinstance(located.data, dict) else located.data
    if not isinstance(data, dict):
        raise InputError(f"{path}: a sweep file is a mapping (corridors/border, profile_sets, "
                         "scenarios, vehicles, resilience)")
    try:
        return SweepSpec(**data, source_file=str(path))
    except ValidationError as exc:
        raise YamlProblems(validation_problems(located, exc)) from exc


def _targets(spec: SweepSpec) -> list[str]:
    if spec.corridors is not None:
        return list(dict.fromkeys(spec.corridors))
    from evcorridor.border import border_crossings

    assert spec.border is not None
    ports = [c.id for c in border_crossings(spec.border)]
    if spec.crossings is not None:
        unknown = sorted(set(spec.crossings) - set(ports))
        if unknown:
            raise InputError(f"{spec.source_file}: crossings {', '.join(unknown)} are not road "
                             f"ports with traffic on the {spec.border} border")
        ports = [p for p in ports if p in spec.crossings]
    return [f"port:{p}" for p in ports]


def expand(spec: SweepSpec) -> list[RunSpec]:
    """Every run of the sweep, in a stable order, with its id (a hash of its parameters)."""
    runs: list[RunSpec] = []
    for target, pset, scen, veh, res in itertools.product(
            _targets(spec), spec.profile_sets, spec.scenarios, spec.vehicles, spec.resilience):
        params = {"target": target, "profile_set": pset, "scenario": scen, "vehicles": veh,
                  "resilience": res, "reach_km": spec.reach_km}
        rid = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:12]
        runs.append(RunSpec(run_id=f"{target.removeprefix('port:')}-{rid}", target=target,
                            profile_set=pset, scenario=scen, vehicles=veh, resilience=res,
                            reach_km=spec.reach_km))
    return runs


__all__ = ["SweepSpec", "expand", "load_sweep"]
