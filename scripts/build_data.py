"""`make data`: rebuild data/ from ../shared/data (raw public sources). Deterministic bytes."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    from evcorridor.errors import EvCorridorError
    from evcorridor.settings import get_settings

    settings = get_settings()
    shared, data = settings.shared_data_dir, settings.data_dir
    t0 = time.monotonic()

    def log(msg: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f}s] {msg}", flush=True)

    if not (shared / "README.md").is_file():
        print(f"error: raw data not found at {shared} (set EVCORRIDOR_SHARED_DATA_DIR)",
              file=sys.stderr)
        return 3
    steps = ["evcorridor.build.network_data", "evcorridor.build.station_data"]
    for name in steps:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                log(f"skipping {name} (not available yet)")
                continue
            raise
        log(f"== {name}")
        try:
            module.build(shared, data, log)
        except EvCorridorError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
