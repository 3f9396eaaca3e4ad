"""SYNTHETIC corridor fixtures for the siting tests: a made-up straight highway, not real data."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from evcorridor.corridors import Corridor, Place
from evcorridor.network.routes import CorridorRoute
from evcorridor.stations.model import ConnectorInfo, Station

LAT0, LON0 = 47.0, -122.0
M_PER_DEG_LAT = 111_194.9  # great-circle metres per degree of latitude (R = 6371.009 km)


def line_corridor(km_marks: list[float], border_km: float, *, exits: set[float] | None = None,
                  other: str = "CAN") -> tuple[Corridor, nx.MultiDiGraph, list[CorridorRoute]]:
    """A straight north-south SYNTHETIC highway with nodes at `km_marks` (plus the border).

    Node ids are 1000 + index; every node is an interchange unless `exits` names the km marks
    that are; nodes before the border are USA, after it `other`.
    """
    marks = sorted(set(km_marks) | {border_km})
    G = nx.MultiDiGraph(crs="EPSG:4326", corridor="synthetic", source="file",
                        data_date="2026-01-01", provenance="SYNTHETIC test fixture")
    ids = []
    for i, k in enumerate(marks):
        n = 1000 + i
        ids.append(n)
        country = "USA" if k < border_km else other
        G.add_node(n, x=LON0, y=LAT0 + k * 1000 / M_PER_DEG_LAT, country=country,
                   label=f"X{int(k)}", interchange=(k != border_km) and
                   (exits is None or k in exits),
                   crossing="synthetic-crossing" if k == border_km else "")
    cum = []
    for i, k in enumerate(marks):
        cum.append(k * 1000.0 - marks[0] * 1000.0)
        if i:
            length = (k - marks[i - 1]) * 1000.0
            for u, v in ((ids[i - 1], ids[i]), (ids[i], ids[i - 1])):
                G.add_edge(u, v, length=length, highway="motorway", ref="I-0",
                           country=G.nodes[u]["country"], synthetic=True)
    corridor = Corridor(
        id="synthetic-line", name="SYNTHETIC line corridor", border="us-ca", crossings=[
            "synthetic-crossing"], other_country=other,  # type: ignore[arg-type]
        us_side=[Place(name="South End", lat=LAT0, lon=LON0)],
        other_side=[Place(name="North End", lat=LAT0 + 1, lon=LON0)],
        highways={"USA": ["I-0"], other: ["X-0"]}, buffer_km=10)
    route = CorridorRoute("synthetic-crossing", tuple(ids), tuple(cum), marks.index(border_km))
    return corridor, G, [route]


def station(sid: str, km: float, connectors: list[tuple[str, int, float]], *,
            country: str = "USA", east_m: float = 0.0, name: str | None = None,
            address: str = "") -> Station:
    """A SYNTHETIC station at km `km` of the line, `east_m` metres off it (named `name`, else
    "SYNTHETIC <sid>"; its direction of service read from the name and `address`)."""
    from evcorridor.stations.carriageway import serves_from

    lat = LAT0 + km * 1000 / M_PER_DEG_LAT
    lon = LON0 + east_m / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
    label = name or f"SYNTHETIC {sid}"
    way, basis = serves_from(label, address=address)
    return Station(id=f"synth:{sid}", source="synth", source_ids=[f"synth:{sid}"],
                   name=label, serves=way, serves_basis=basis, lat=lat, lon=lon, country=country,
                   connectors=[ConnectorInfo(type=t, count=n, max_kw=kw)
                               for t, n, kw in connectors],
                   dc_fast_ports=sum(n for _, n, _ in connectors), data_date=date(2025, 1, 1))


def plan_nacs_car(tmp: Path, km_marks: list[float], stations: list[Station],
                  scenario: str, trip: str = "one-way", exits: set[float] | None = None,
                  *, profile_set: str = "na-2023", regions: tuple[str, str] | None = None
                  ) -> tuple[Any, Any]:
    """Plan the nacs-car on a SYNTHETIC line corridor (border at km 300) with `stations`, written
    to tmp/stations.csv, under `profile_set`, one way or round trips (`trip`), with
    interchanges at `exits` (default every node); `regions`: Travel Mapping region codes of the
    US and the other side, given to every node as a route id (`ny.x0`; the border node has
    both): (built problem, plan)."""
    from evcorridor.profiles import get_profile_set, get_standard, get_vehicle
    from evcorridor.scenarios import get_cost_model, get_scenario
    from evcorridor.siting.build import BuildOptions, build_from_graph
    from evcorridor.siting.plan import plan_built
    from evcorridor.stations.normalized import write_stations

    cor, G, routes = line_corridor(km_marks, 300.0, exits=exits)
    if regions is not None:
        for _n, d in G.nodes(data=True):
            ids = [f"{regions[0]}.x0"] if d["country"] == "USA" else [f"{regions[1]}.x0"]
            if d["crossing"]:
                ids = [f"{regions[0]}.x0", f"{regions[1]}.x0"]
            d["routes"] = ";".join(ids)
    source = tmp / "stations.csv"
    write_stations(source, stations)
    pset = get_profile_set(profile_set)
    stds = {pid: get_standard(pid) for pid in pset.profiles.values()}
    for p in list(stds.values()):
        stds.update({r: get_standard(r) for r in p.recognizes})
    built = build_from_graph(cor, G, routes, stations, profile_set=pset,
                             vehicles=[get_vehicle("nacs-car")], scenario=get_scenario(scenario),
                             cost_model=get_cost_model("default"), standards=stds,
                             options=BuildOptions(scenario=scenario, stations=source,
                                                  trip=trip))  # type: ignore[arg-type]
    return built, plan_built(built).plan
