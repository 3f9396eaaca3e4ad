"""Country polygons and border lines from `data/boundaries.geojson` (derived from Natural Earth).

The file holds, for USA, CAN and MEX, the Natural Earth 1:10m admin-0 polygons clipped to the
box lon -130..-60, lat 23..53.5 (the contiguous US and the bands of Canada and Mexico that the
corridors use), simplified with a 0.005° (~500 m) tolerance and without islands under 0.002 deg²;
plus the two land border lines (`kind: border`, ids `us-ca` and `us-mx`) for the map renderer.
The build (`evcorridor.build.network_data`) uses the full-resolution raw polygons instead.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from evcorridor.errors import InputError
from evcorridor.settings import get_settings

COUNTRIES = ("USA", "CAN", "MEX")
BOUNDARIES_FILE = "boundaries.geojson"


def boundaries_path() -> Path:
    return get_settings().data_dir / BOUNDARIES_FILE


@lru_cache(maxsize=4)
def _read(path: str) -> dict[str, Any]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found (run `make data`)") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read boundaries: {exc}") from exc
    return doc


def _features(kind: str) -> dict[str, BaseGeometry]:
    """The features of `kind` by id (a new dict each call; shapely geometries are immutable, so
    they are built once per file and process: `map`/`report` draw every plan on them)."""
    return dict(_built(str(boundaries_path()), kind))


@lru_cache(maxsize=8)
def _built(path: str, kind: str) -> dict[str, BaseGeometry]:
    out: dict[str, BaseGeometry] = {}
    for i, feat in enumerate(_read(path).get("features", [])):
        props = feat.get("properties") or {}
        if props.get("kind") != kind:
            continue
        try:
            out[str(props["id"])] = shape(feat["geometry"])
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}: feature {i}: bad geometry: {exc}") from exc
    return out


def load_boundaries() -> dict[str, BaseGeometry]:
    """Country (multi)polygons keyed by ISO alpha-3 ("USA", "CAN", "MEX"), EPSG:4326."""
    return _features("country")


def load_border_lines() -> dict[str, BaseGeometry]:
    """The land border lines keyed by border id ("us-ca", "us-mx"), EPSG:4326."""
    return _features("border")


class CountryLocator:
    """Point-in-polygon country lookup; `None` when no polygon contains the point."""

    def __init__(self, polygons: dict[str, BaseGeometry]) -> None:
        self._prepared: list[tuple[str, PreparedGeometry, BaseGeometry]] = [
            (code, prep(geom), geom) for code, geom in sorted(polygons.items())
        ]

    def country(self, lon: float, lat: float) -> str | None:
        pt = Point(lon, lat)
        for code, prepared, _ in self._prepared:
            if prepared.covers(pt):
                return code
        return None

    def nearest(self, lon: float, lat: float) -> str:
        """The country containing the point, else the one whose polygon is closest."""
        found = self.country(lon, lat)
        if found is not None:
            return found
        pt = Point(lon, lat)
        return min(self._prepared, key=lambda t: t[2].distance(pt))[0]


@lru_cache(maxsize=1)
def default_locator() -> CountryLocator:
    return CountryLocator(load_boundaries())
