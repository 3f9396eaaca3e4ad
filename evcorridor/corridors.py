"""Corridor definitions: `configs/corridors/<id>.yaml`.

A corridor is a road trip across one border: an ordered list of places on the US side (the US
endpoint first, the last US place before the border last), the crossing(s) used (more than one means
alternative crossings), an ordered list of places on the other side (the first place after the
border first, the foreign endpoint last), the highway refs that make up the route, and the buffer
(km) around
the polyline through all places inside which the road network is pulled.

Example::

    id: i5-cascadia
    name: "I-5 Cascadia: Portland – Seattle – Vancouver BC"
    border: us-ca
    other_country: CAN
    crossings: [blaine-peace-arch]
    us_side:
      - {name: "Portland, OR", lat: 45.5152, lon: -122.6784}
      - {name: "Seattle, WA", lat: 47.6062, lon: -122.3321}
    other_side:
      - {name: "Vancouver, BC", lat: 49.2827, lon: -123.1207}
    highways: {USA: [I-5], CAN: [BC99]}
    buffer_km: 20

Malformed files raise `InputError` with `file:line:column: field: message`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evcorridor.errors import unknown_id
from evcorridor.settings import get_settings
from evcorridor.yamlio import Problem, YamlProblems, load_yaml, validation_problems

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRIES = ("USA", "CAN", "MEX")


class Place(BaseModel):
    """A named point the corridor passes (city centre or border town)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    lat: float = Field(ge=14.0, le=72.0, description="latitude, degrees (North America)")
    lon: float = Field(ge=-170.0, le=-50.0, description="longitude, degrees (North America)")


class Corridor(BaseModel):
    """One corridor definition (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1)
    border: Literal["us-ca", "us-mx"]
    crossings: list[str] = Field(min_length=1)
    other_country: Literal["CAN", "MEX"]
    us_side: list[Place] = Field(min_length=1)
    other_side: list[Place] = Field(min_length=1)
    highways: dict[str, list[str]]
    buffer_km: float = Field(gt=0, le=100)
    source_file: str = ""

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"{v!r} is not a slug (lower-case letters, digits and single dashes)")
        return v

    @field_validator("crossings")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a crossing is listed twice")
        return v

    @field_validator("highways")
    @classmethod
    def _countries(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for key in v:
            if key not in COUNTRIES:
                raise ValueError(f"unknown country {key!r}; use one of {', '.join(COUNTRIES)}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Corridor:
        want = {"us-ca": "CAN", "us-mx": "MEX"}[self.border]
        if self.other_country != want:
            raise ValueError(f"other_country must be {want} for border {self.border}")
        if "USA" not in self.highways or self.other_country not in self.highways:
            raise ValueError(f"highways must list refs for USA and {self.other_country}")
        return self

    @property
    def start(self) -> Place:
        return self.us_side[0]

    @property
    def end(self) -> Place:
        return self.other_side[-1]

    @property
    def places(self) -> list[Place]:
        """All places in forward order (US endpoint ... foreign endpoint)."""
        return [*self.us_side, *self.other_side]


def corridors_dir() -> Path:
    return get_settings().configs_dir / "corridors"


def load_corridor_file(path: Path, *, check_crossings: bool = True) -> Corridor:
    """Load and validate one corridor YAML file (InputError with file:line:col on problems)."""
    located = load_yaml(path)
    data = dict(located.data)
    data.pop("source_file", None)
    try:
        corridor = Corridor(**data, source_file=str(path))
    except ValidationError as exc:
        raise YamlProblems(validation_problems(located, exc)) from exc
    problems: list[Problem] = []
    if corridor.id != path.stem:
        problems.append(located.problem(("id",), f"id {corridor.id!r} must match the file name "
                                        f"{path.stem!r}"))
    if check_crossings:
        from evcorridor.crossings import list_crossings

        known = {c.id: c for c in list_crossings()}
        for i, cid in enumerate(corridor.crossings):
            if cid not in known:
                problems.append(located.problem(("crossings", i), str(unknown_id("crossing", cid,
                                                                                  known))))
            elif known[cid].border != corridor.border:
                problems.append(located.problem(
                    ("crossings", i),
                    f"crossing {cid!r} is on the {known[cid].border} border, "
                    f"not {corridor.border}"))
    if problems:
        raise YamlProblems(problems)
    return corridor


def _files() -> dict[str, Path]:
    folder = corridors_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def list_corridors() -> list[Corridor]:
    """Every corridor in the configs folder, sorted by id."""
    return [load_corridor_file(p) for _, p in sorted(_files().items())]


def get_corridor(corridor_id: str) -> Corridor:
    """One corridor by id; NotFoundError with did-you-mean for an unknown id."""
    files = _files()
    if corridor_id not in files:
        raise unknown_id("corridor", corridor_id, files)
    return load_corridor_file(files[corridor_id])
