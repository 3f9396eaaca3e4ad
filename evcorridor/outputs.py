"""File writers shared by the core (siting writes plan folders) and the CLI/render layers.

One place for the deterministic text formats (JSON, CSV, GeoJSON) and for the plan's tabular
outputs, so that solving never imports the rendering layer:

- `to_json`, `to_csv`, `feature_collection`: deterministic text (sorted keys, fixed separators).
- `site_rows(plan)`: one row per site with the SAME columns for `sites.csv` and `sites.geojson`
  (`SITE_COLUMNS`; lists joined by `LIST_SEP`; connectors once for people, `CCS1 ×4 @150 kW`, and
  once for machines as JSON, `[{"count": 4, "max_kw": 150.0, "type": "CCS1"}]`).
- `sites_csv(plan)`, `sites_geojson(plan)`.
- `write_text`, `write_bytes`: atomic (evcorridor/atomic.py).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from evcorridor.atomic import write_bytes, write_text

if TYPE_CHECKING:  # annotations only: printing JSON/CSV does not load the plan model
    from evcorridor.plan_model import Plan, Site

__all__ = ["LIST_SEP", "SITE_COLUMNS", "directions_text", "feature_collection", "site_rows",
           "sites_csv", "sites_geojson", "to_csv", "to_json", "write_bytes", "write_text"]

#: the one separator of list values in CSV cells and GeoJSON properties
LIST_SEP = "; "

SITE_COLUMNS = (
    "id", "corridor", "kind", "name", "country", "lat", "lon", "exit", "exit_highway",
    "exit_label", "place", "place_km", "directions", "node", "offset_m", "ports", "power_kw",
    "connectors", "connectors_json", "cost", "complies_with", "source", "source_name",
    "station_ids", "positions", "truck_access", "truck_access_basis", "serves", "serves_basis",
)


def to_json(obj: Any) -> str:
    """Deterministic JSON: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with `\\n` line ends; None is an empty cell."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def feature_collection(name: str, features: list[dict[str, Any]]) -> str:
    """A GeoJSON FeatureCollection as deterministic text."""
    fc = {"type": "FeatureCollection", "name": name, "features": features}
    return json.dumps(fc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def directions_text(site: Site) -> list[str]:
    """`southbound to Monterrey, NL` once per heading and end place (routes through other
    crossings driving the same way are one direction for a driver)."""
    return list(dict.fromkeys(d.text() for d in site.directions))


def _connectors_json(s: Site) -> str:
    return json.dumps([c.model_dump(mode="json") for c in s.connectors], sort_keys=True,
                      ensure_ascii=False)


def site_rows(plan: Plan) -> list[dict[str, Any]]:
    """One dict per site, keys `SITE_COLUMNS` (numbers as numbers, unknown as None)."""
    positions: dict[str, list[str]] = {}
    for r in plan.routes:
        for sid, pos in r.site_positions.items():
            positions.setdefault(sid, []).append(f"{r.id}={pos / 1000:.1f}km")
    rows = []
    for s in plan.sites:
        rows.append({
            "id": s.id, "corridor": plan.corridor, "kind": s.kind, "name": s.name,
            "country": s.country, "lat": None if s.lat is None else round(s.lat, 7),
            "lon": None if s.lon is None else round(s.lon, 7),
            "exit": s.exit.text() if s.exit else None,
            "exit_highway": s.exit.highway if s.exit else None,
            "exit_label": s.exit.label if s.exit else None,
            "place": s.place,
            "place_km": None if s.place_distance_m is None else round(s.place_distance_m / 1000,
                                                                       1),
            "directions": LIST_SEP.join(directions_text(s)),
            "node": s.node, "offset_m": s.offset_m, "ports": s.ports, "power_kw": s.power_kw,
            "connectors": LIST_SEP.join(s.connector_labels()),
            "connectors_json": _connectors_json(s), "cost": s.cost,
            "complies_with": LIST_SEP.join(s.complies_with), "source": s.source,
            "source_name": s.source_name,  # "AFDC (WA)": plan.data_sources has its date
            "station_ids": LIST_SEP.join(s.station_ids),
            "positions": LIST_SEP.join(positions.get(s.id, [])),
            "truck_access": s.truck_access, "truck_access_basis": s.truck_access_basis,
            # the one carriageway a station serves, in words ("southbound"); None = both ways
            "serves": s.serves, "serves_basis": s.serves_basis,
        })
    return rows


def _cell(v: Any) -> Any:
    if isinstance(v, float):
        return f"{v:.7f}".rstrip("0").rstrip(".") if v == v else ""
    return v


def sites_csv(plan: Plan) -> str:
    """`sites.csv`: the columns of `SITE_COLUMNS`, one row per site."""
    return to_csv(SITE_COLUMNS, ([_cell(r[k]) for k in SITE_COLUMNS] for r in site_rows(plan)))


def sites_geojson(plan: Plan) -> str:
    """`sites.geojson`: one Point per site, the properties are the columns of `sites.csv`; a
    site without coordinates (a distance matrix's node) has geometry null (RFC 7946 3.2)."""
    feats = [{"type": "Feature",
              "geometry": None if r["lat"] is None or r["lon"] is None
              else {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
              "properties": r} for r in site_rows(plan)]
    return feature_collection(f"{plan.corridor} sites", feats)
