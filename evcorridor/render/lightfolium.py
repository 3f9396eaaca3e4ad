"""folium, imported without pandas.

`folium.utilities` imports pandas when it is installed (it is: Dask's Parquet output needs it),
only so that a pandas DataFrame may be passed as map locations; evcorridor passes lists. pandas
is most of what importing folium costs (about 0.4 s of the 0.7 s, on every `map` and `report`;
issue 12), so while folium is first imported pandas is marked as absent in `sys.modules` (the
same ImportError folium already handles when pandas is not installed) and the mark is removed
at once, so any later `import pandas` gets the real one. When pandas or folium is already loaded
nothing changes.
"""

from __future__ import annotations

import sys

if "pandas" in sys.modules or "folium" in sys.modules:
    import folium
else:
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        import folium
    finally:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]

__all__ = ["folium"]
