"""One sweep run: the same core as `plan` (or `plan --border` for a port), one result row.

`run_one` never raises for a run that fails (unknown id, bad input, no road data, solver
error): the row then has status "error" and the message. Settings (data, configs, cache folders)
are passed in, so a Dask worker in another process (or on another host sharing the folders)
plans with the same inputs as the driver.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

COUNTRIES = ("USA", "CAN", "MEX")


@dataclass(frozen=True)
class RunSpec:
    run_id: str
    target: str  # corridor id, or "port:<crossing id>"
    profile_set: str
    scenario: str
    vehicles: str  # a vehicle id, or "all"
    resilience: str
    reach_km: float = 300.0

    @property
    def port(self) -> str | None:
        return self.target.removeprefix("port:") if self.target.startswith("port:") else None


def _sha_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.name).encode())
        h.update(p.read_bytes() if p.is_file() else b"<missing>")
    return h.hexdigest()


def input_hashes(run: RunSpec) -> dict[str, str]:
    """Content hashes of what the run reads: configs (profiles, vehicles, profile sets,
    scenarios, costs), the corridor (or crossings registry), the network and stations files;
    `inputs_sha256` combines them with the run's parameters."""
    from evcorridor.settings import get_settings

    s = get_settings()
    configs = [p for p in Path(s.configs_dir).rglob("*.yaml")
               if p.parent.name != "corridors"]
    h: dict[str, str] = {"configs_sha256": _sha_files(configs)}
    data = Path(s.data_dir)
    if run.port is not None:
        h["corridor_sha256"] = _sha_files([data / "crossings.csv"])
        h["network_sha256"] = _sha_files([data / "networks" / "continental.npz"])
        h["stations_sha256"] = _sha_files([data / "stations" / "all" / "stations.csv"])
    else:
        from evcorridor.network.pulled import resolve_source
        from evcorridor.stations import area_path, embedded_path

        cfile = Path(s.configs_dir) / "corridors" / f"{run.target}.yaml"
        h["corridor_sha256"] = _sha_files([cfile])
        try:
            source, path, _ = resolve_source(run.target, "auto")
        except Exception:  # reported by the run itself
            source, path = "missing", None
        if source == "embedded":
            from evcorridor.network import embedded_path as net_path

            path = net_path(run.target)
        elif source == "continental":
            path = data / "networks" / "continental.npz"
        h["network_sha256"] = _sha_files([path]) if path is not None else "missing"
        sfile = embedded_path(run.target)
        h["stations_sha256"] = _sha_files([sfile if sfile.is_file() else area_path()])
    whole = hashlib.sha256(repr(sorted({**h, **asdict(run)}.items())).encode()).hexdigest()
    return {"inputs_sha256": whole, **h}


def _country(direction: str, pos: float, border_pos: float, other: str) -> str:
    first, second = ("USA", other) if direction == "forward" else (other, "USA")
    return first if pos <= border_pos else second


def plan_row(plan: Any) -> dict[str, Any]:
    """Status, cost, site counts and the worst gap (km and share of the limit) per country; a
    gap across the border counts for both countries and as the "border" gap."""
    kinds = {"new": 0, "upgrade": 0, "existing": 0}
    for s in plan.sites:
        kinds[s.kind] += 1
    other = next((c for c in plan.countries if c != "USA"), "USA")
    worst: dict[str, tuple[float, float]] = {}
    for r in plan.routes:
        for vr in r.vehicles:
            for g in vr.gaps:
                if g.crosses_border:  # counts for both countries (and as the border gap)
                    keys = ["border", "USA", other]
                else:
                    keys = [_country(r.direction, g.to_pos_m, r.border_pos_m, other)]
                ratio = g.length_m / g.limit_m if g.limit_m else 0.0
                for k in keys:
                    if k not in worst or ratio > worst[k][1]:
                        worst[k] = (g.length_m, ratio)
    row: dict[str, Any] = {"status": plan.solver.status, "feasible": plan.feasible,
                           "cost": round(sum(s.cost for s in plan.sites), 6),
                           "new": kinds["new"], "upgrade": kinds["upgrade"],
                           "used": kinds["existing"], "error": None}
    for c in (*COUNTRIES, "border"):
        km, ratio = worst.get(c, (None, None))
        row[f"worst_gap_km_{c}"] = None if km is None else round(km / 1000, 3)
        row[f"worst_gap_ratio_{c}"] = None if ratio is None else round(ratio, 4)
    return row


def run_one(run: RunSpec, out_dir: str, settings: dict[str, Any] | None = None,
            hashes: dict[str, str] | None = None) -> dict[str, Any]:
    """Plan one run into OUT/runs/<run_id>/ and return its result row (never raises)."""
    from evcorridor import settings as settings_mod
    from evcorridor.errors import EvCorridorError

    if settings:
        settings_mod.configure(**settings)
    t0 = time.perf_counter()
    row: dict[str, Any] = {**asdict(run), **(hashes or {})}
    try:
        from evcorridor.outpaths import inside
        from evcorridor.plan_model import Plan
        from evcorridor.siting.build import BuildOptions
        from evcorridor.siting.plan import SolveOptions

        folder = inside(Path(out_dir) / "runs", run.run_id)  # a safe slug, inside OUT/runs/

        opts = BuildOptions(profile_set=run.profile_set,
                            vehicles=None if run.vehicles == "all" else [run.vehicles],
                            scenario=run.scenario,
                            resilience=run.resilience)  # type: ignore[arg-type]
        solve = SolveOptions()
        if run.port is not None:
            from evcorridor.border import plan_port

            res = plan_port(run.port, out_dir=folder, reach_km=run.reach_km, options=opts,
                            solve=solve)
            if res["sites"] is None:
                raise EvCorridorError(res["reason"] or "no plan")
            plan = Plan.model_validate_json((Path(res["out"]) / "plan.json").read_text(
                encoding="utf-8"))
        else:
            from evcorridor.siting.build import build
            from evcorridor.siting.plan import plan_built, write_outputs

            outcome = plan_built(build(run.target, opts), solve)
            write_outputs(outcome, folder)
            plan = outcome.plan
        row.update(plan_row(plan))
        row["plan_dir"] = str(folder / plan.corridor)
    except (EvCorridorError, OSError, ValueError) as exc:
        row.update({"status": "error", "feasible": None, "cost": None, "new": None,
                    "upgrade": None, "used": None, "error": f"{type(exc).__name__}: {exc}",
                    "plan_dir": None})
    row["wall_time_s"] = round(time.perf_counter() - t0, 3)
    return row


__all__ = ["RunSpec", "input_hashes", "plan_row", "run_one"]
