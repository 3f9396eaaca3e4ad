"""The `travelmapping` source: build a corridor graph now from a TM HighwayData tarball or tree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx

from evcorridor.corridors import Corridor
from evcorridor.crossings import get_crossing
from evcorridor.errors import InputError
from evcorridor.network.boundaries import CountryLocator, load_boundaries
from evcorridor.network.travelmapping import build_corridor_graph, measure_length_factors, read_tm
from evcorridor.settings import get_settings

Progress = Callable[[str, float], None]


def default_tm_path() -> Path:
    folder = get_settings().shared_data_dir / "travelmapping"
    found = sorted(folder.glob("HighwayData-*.tar.gz"))
    if not found:
        raise InputError(f"{folder}: no Travel Mapping HighwayData-*.tar.gz; pass --path "
                         "(a HighwayData tarball or unpacked folder) or use --source embedded")
    return found[-1]


def pull_travelmapping(corridor: Corridor, *, path: Path | None = None,
                       progress: Progress | None = None) -> nx.MultiDiGraph:
    """Build the corridor graph from Travel Mapping data (countries from data/boundaries)."""
    tm = read_tm(path or default_tm_path(), progress=progress)
    polygons = load_boundaries()
    regions = sorted({r.region for r in tm.routes.values()})
    factors = measure_length_factors(tm, regions)
    points = {c: (get_crossing(c).lat, get_crossing(c).lon) for c in corridor.crossings}
    return build_corridor_graph(tm, corridor, locator=CountryLocator(polygons),
                                usa_polygon=polygons["USA"], crossing_points=points,
                                length_factors=factors, progress=progress)
