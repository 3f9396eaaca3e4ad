"""Run independent calls as Dask tasks: an in-process `LocalCluster` (worker processes, one
thread each) or an existing scheduler (`tcp://HOST:PORT`). The functions called know nothing of
Dask; each task first takes the driver's settings (data, configs and cache folders, offline), so
workers read the same inputs; a task that raises becomes the `on_error` value of its call (the
sweep never crashes on one run)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from evcorridor.errors import NetworkError, UsageError

Call = tuple[tuple[Any, ...], dict[str, Any]]
CONNECT_TIMEOUT_S = 30
SETTINGS_KEYS = ("data_dir", "configs_dir", "cache_dir", "shared_data_dir", "offline",
                 "solver_time_limit_s")


def driver_settings() -> dict[str, Any]:
    """This process's settings (CLI options included) as plain values for the workers."""
    from pathlib import Path

    from evcorridor.settings import get_settings

    s = get_settings()
    return {k: (str(getattr(s, k)) if isinstance(getattr(s, k), Path) else getattr(s, k))
            for k in SETTINGS_KEYS}


def _call(settings: dict[str, Any], fn: Callable[..., Any], args: tuple[Any, ...],
          kwargs: dict[str, Any]) -> Any:
    """On a worker: the driver's settings (folders, offline), then the call."""
    from evcorridor import settings as settings_mod

    settings_mod.configure(**settings)
    return fn(*args, **kwargs)


def map_tasks(fn: Callable[..., Any], calls: Sequence[Call], *, scheduler: str = "local",
              n_workers: int | None = None,
              on_error: Callable[[int, BaseException], Any] | None = None,
              on_result: Callable[[int, Any], None] | None = None) -> list[Any]:
    """`fn(*args, **kwargs)` for every call, as Dask tasks; results in call order."""
    if not calls:
        return []
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        workers = n_workers or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=min(workers, len(calls)), threads_per_worker=1,
                               processes=True, dashboard_address=":0")
        client = Client(cluster)
    elif scheduler.startswith(("tcp://", "tls://")):
        if n_workers is not None:
            raise UsageError("--workers applies to the local cluster only (an existing "
                             "scheduler has its own workers)")
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise NetworkError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    else:
        raise UsageError(f"unknown --scheduler {scheduler!r} (local or tcp://HOST:PORT)")
    try:
        settings = driver_settings()
        futures = [client.submit(_call, settings, fn, args, kwargs, pure=False)
                   for args, kwargs in calls]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        for fut in as_completed(futures):
            i = index[fut.key]
            failure = fut.exception()
            if failure is not None:
                if on_error is None:
                    raise failure
                results[i] = on_error(i, failure)
            else:
                results[i] = fut.result()
            if on_result is not None:
                on_result(i, results[i])
        return results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["map_tasks"]
