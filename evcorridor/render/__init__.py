"""Rendering: the only layer (with cli/) that prints or draws.

- `console`: rich consoles and deterministic JSON/CSV for the CLI (shared).
- `maps`: `render_plan(plan, MapRequest(...))` -> bytes of map.png/map.svg/map.html/strip.png/
  strip.svg; `write_rendered`, `write_plan_maps` (atomic, all or nothing), `stale_files` (--check).
- `static_map` (matplotlib map), `strip` (strip chart), `html_map` (offline folium/Leaflet map),
  `report` (Markdown report per corridor + index), `geodata` (what the maps draw, from the plan,
  its corridor graph and the Natural Earth boundaries), `style` (colours, fonts, determinism).
"""
