"""The checker's state (what it reloaded and recomputed) and how it records findings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from evcorridor.check.arith import (
    _Geo,
    _m,
    cumulative_m,
    differ,
)
from evcorridor.check.findings import CheckReport, Finding
from evcorridor.plan_model import Plan, Site

# --------------------------------------------------------------------------- the checker

#: inputs whose files the checker hashes: all of them (a changed station snapshot, cost model or
#: flow file makes the plan stale even where the checker does not reload it)
HASHED_KINDS = ("network", "corridor", "vehicle", "profile", "profile_set", "scenario",
                "stations", "cost_model", "flows", "candidates", "existing", "paths")



class _Base:
    """State shared by every rule family; each family is a layer on top of this one."""

    def __init__(self, plan: Plan, label: str, graph: nx.MultiDiGraph | None,
                 inputs: Sequence[Path] = (), folder: Path | None = None) -> None:
        self.plan = plan
        self.label = label
        self.allowed_inputs = [Path(p) for p in inputs]  # check --input: files it may read
        self.outside: list[Path] = []  # input files named by the plan that it did not read
        self.folder = folder  # the plan file's folder (its sibling files), when read from a file
        self.report = CheckReport(plan=label, corridor=plan.corridor)
        self.G: nx.MultiDiGraph = graph if graph is not None else nx.MultiDiGraph()
        self.graph_given = graph is not None
        self.sites: dict[str, Site] = {}
        self.geo: dict[str, _Geo] = {}
        self.vehicles: dict[str, Any] = {}
        self.standards: dict[str, Any] = {}
        self.profile_set: Any = None
        self.corridor: Any = None
        self.crossings: dict[str, Any] = {}  # the crossing registry's rows of the plan's crossings
        self.scenario: Any = None
        # station id -> Station of the plan's station data (check_stations), None = not loaded
        self.station_data: dict[str, Any] | None = None
        self._compliance: dict[tuple[str, str], list[str]] = {}
        # a coverage plan on a user's network: no corridor routes, abstract sites
        self.generic = not plan.routes and plan.coverage is not None
        self.count: dict[str, int] = {
            "routes": 0, "sites": 0, "vehicle_runs": 0, "gaps": 0, "standard_runs": 0,
            "spacing_gaps": 0, "resilience_cases": 0, "flows": 0, "stations": 0,
            "truck_stops": 0,
        }

    def fail(self, rule: str, where: str, message: str) -> None:
        self.report.findings.append(Finding(rule, where, message))

    def walk(self, rule: str, where: str, nodes: Sequence[int], length_m: float,
             recomputed: str) -> list[float]:
        """Cumulative metres along `nodes` ([] when the walk breaks); a finding for every broken
        step and for a plan length that differs ("length L in the plan, M <recomputed>")."""
        cum, problems = cumulative_m(self.G, nodes)
        for p in problems:
            self.fail(rule, where, p)
        if cum and differ(cum[-1], length_m):
            self.fail(rule, where, f"length {_m(length_m)} in the plan, {_m(cum[-1])} {recomputed}")
        return cum

