"""The project's one great-circle distance: haversine on a sphere of the mean Earth radius.

`haversine_m` takes four floats; `haversine_array` takes floats or numpy arrays (broadcast, so one
point against many, or matching pairs). Every module measures straight-line distances with these
two. The independent verifier (evcorridor.check.arith.straight_line_m) keeps its own copy on
purpose, with osmnx's radius: it must share no arithmetic with the code it checks.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

#: mean Earth radius (IUGG), metres
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def haversine_array(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle distances in metres, numpy-broadcast over the four arguments (floats or
    arrays, degrees): one point against many, or matching pairs."""
    import numpy as np  # here, not at import: the CLI imports this module without numpy

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a))))
