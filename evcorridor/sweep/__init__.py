"""Scenario sweeps: the product of lists in a SWEEP.yaml, one `plan` run per Dask task.

    spec = load_sweep(path)                    # SweepSpec (validated, file:line on errors)
    runs = expand(spec)                        # list[RunSpec], each with its input hash
    rows = run_sweep(spec, out_dir, scheduler="local" | "tcp://HOST:PORT", n_workers=None)

The core stays single-run and pure: a task calls `run_one` (evcorridor.sweep.run), which calls
the same core functions `plan` uses (`siting.build.build` + `siting.plan.plan_built` +
`write_outputs`, or `border.plan_port` for a port) and returns one result row; Dask
(`evcorridor.sweep.runner`) only distributes the calls. User docs: README.md, "Any crossing,
the whole border, sweeps".
"""

from evcorridor.sweep.run import RunSpec, run_one
from evcorridor.sweep.spec import SweepSpec, expand, load_sweep
from evcorridor.sweep.sweep import RESULTS_FILE, run_sweep

__all__ = ["RESULTS_FILE", "RunSpec", "SweepSpec", "expand", "load_sweep", "run_one",
           "run_sweep"]
