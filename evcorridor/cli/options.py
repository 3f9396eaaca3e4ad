"""Helpers shared by the command groups: id arguments and options that name the shipped choices
and complete in the shell, format options that show their choices, option checks, progress."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from evcorridor.cli.gcpolicy import frozen_for_workers, paused
from evcorridor.errors import UsageError
from evcorridor.render.console import err

#: the config folders whose file names are ids, and the command that lists them
CONFIG_KINDS = {"corridors": "corridors list", "scenarios": "scenarios list",
                "costs": "costs list", "vehicles": "vehicles list",
                "profile-sets": "profiles list --kind set", "profiles": "profiles list"}


def shipped(kind: str) -> list[str]:
    """The ids of one kind: the `*.yaml` file names in configs/<kind>/ (corridors, scenarios,
    costs, vehicles, profile-sets, profiles) of the configs folder in force, or the crossing ids
    of data/crossings.csv (`crossings`). Nothing is parsed beyond the file names and one column,
    so help texts and shell completion stay quick."""
    from evcorridor.settings import get_settings

    settings = get_settings()
    if kind == "crossings":
        path = Path(settings.data_dir) / "crossings.csv"
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                return sorted({row["id"] for row in csv.DictReader(fh) if row.get("id")})
        except (OSError, KeyError, csv.Error):
            return []
    folder = Path(settings.configs_dir) / kind
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def completer(*kinds: str) -> Callable[[str], list[str]]:
    """Shell completion of the ids of `kinds` that start with what was typed."""
    def complete(incomplete: str) -> list[str]:
        return sorted({i for k in kinds for i in shipped(k) if i.startswith(incomplete)})
    return complete


def shipped_help(text: str, kind: str) -> str:
    """`text` followed by the shipped ids of `kind` and the command that lists them."""
    ids = shipped(kind)
    where = f"`evcorridor {CONFIG_KINDS[kind]}`" if kind in CONFIG_KINDS else ""
    if not ids:
        return text
    return f"{text} Shipped: {', '.join(ids)}" + (f" ({where})." if where else ".")


def id_argument(kind: str, help: str, *, many: bool = False, required: bool = True) -> Any:
    """A positional id argument: metavar CORRIDOR / CROSSING / ID (`...` when `many`), completes
    the ids of `kind` in the shell."""
    name = {"corridors": "CORRIDOR", "crossings": "CROSSING"}.get(kind, "ID")
    return typer.Argument(... if required else None, metavar=name + ("..." if many else ""),
                          help=help, autocompletion=completer(kind), show_default=False)


def id_option(default: Any, *names: str, kind: str, help: str) -> Any:
    """An option that takes an id of `kind`: its help names the shipped ids; shell completion."""
    return typer.Option(default, *names, metavar="ID", help=shipped_help(help, kind),
                        autocompletion=completer(kind))


def format_option(*choices: str, default: str = "table", help: str = "", flag: str = "--format",
                  short: str | None = "-f") -> Any:
    """`--format`/`-f`: an output format; the help shows the choices (`table|json|csv`)."""
    names = (flag, short) if short else (flag,)
    return typer.Option(default, *names, metavar="|".join(choices),
                        help=help or "Output: " + ", ".join(choices) + ".",
                        autocompletion=lambda incomplete: [c for c in choices
                                                           if c.startswith(incomplete)])


def check_choice(option: str, value: str, allowed: Sequence[str]) -> None:
    """UsageError `unknown --option 'x' (choose from a, b)` unless `value` is one of `allowed`."""
    if value not in allowed:
        raise UsageError(f"unknown {option} {value!r} (choose from {', '.join(allowed)})")


def say(message: str) -> None:
    """One unwrapped line on stderr (no markup: messages carry file names and ids)."""
    err.print(message, soft_wrap=True, markup=False, highlight=False)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[str, float], None]]:
    """Yields the `progress(message, fraction)` callback the core modules take: a transient bar
    on stderr when it is a terminal (fraction clamped to 0..1); otherwise (CI logs, pipes) one
    line `description: message` each time the message changes."""
    if not err.is_terminal:
        last: list[str] = []

        def log(message: str, fraction: float) -> None:
            if not last or last[-1] != message:
                last.append(message)
                say(f"{description}: {message}")

        yield log
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(description, total=1.0)

        def progress(message: str, fraction: float) -> None:
            bar.update(task, description=f"{description}: {message}",
                       completed=max(0.0, min(1.0, fraction)))

        yield progress


@contextmanager
def step_progress(verb: str, total: int, *, show: bool = True, after: bool = False
                  ) -> Iterator[Callable[[str], None]]:
    """Yields `step(label)`, called before each of `total` items of a long loop (check, map) or,
    with `after`, when each is done (plan: corridors finish in parallel): a transient bar on a
    terminal, one line `verb label (i/total)` on stderr otherwise (one line per corridor in CI
    logs). Nothing when `show` is false."""
    if not show:
        yield lambda label: None
        return
    if not err.is_terminal:
        done = [0]

        def line(label: str) -> None:
            done[0] += 1
            say(f"{verb} {label} ({done[0]}/{total})")

        yield line
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(verb, total=total)
        started = [False]

        def step(label: str) -> None:
            if started[0] or after:
                bar.advance(task)
            started[0] = True
            bar.update(task, description=f"{verb} {label}")

        yield step


def processes_for(items: int, workers: int | None) -> int:
    """How many processes work on `items` independent items (corridors, plans): `workers`, else
    one per CPU core; never more than there are items (one item: this process)."""
    import os

    if items <= 1:
        return 1
    return max(1, min(items, workers or os.cpu_count() or 1))


class _Guarded:
    """`func(item)`, with an EvCorridorError returned as ("error", exit code, message) (an
    exception with its own constructor may not survive pickling back to the parent)."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func

    def __call__(self, item: Any) -> Any:
        from evcorridor.errors import EvCorridorError

        try:
            with paused():
                return self.func(item)
        except EvCorridorError as exc:
            return ("error", exc.exit_code, str(exc))


def in_processes(func: Callable[[Any], Any], items: Sequence[Any], processes: int
                 ) -> Iterator[Any]:
    """`func(item)` for each item, in order; with several processes in parallel (forked on
    Linux, so the workers share what this process has imported and read). An EvCorridorError
    in a worker is raised here again with the same exit code and message. Callers make `func`
    deterministic, so the results do not depend on the number of processes."""
    if processes <= 1:
        for item in items:
            with paused():  # one unit of work (cli/gcpolicy.py)
                got = func(item)
            yield got
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from evcorridor.errors import (
        EvCorridorError,
        InputError,
        NetworkError,
        OutputError,
        UsageError,
    )

    kinds: dict[int, type[EvCorridorError]] = {2: UsageError, 3: InputError, 4: NetworkError,
                                               5: OutputError}
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with frozen_for_workers(), ProcessPoolExecutor(max_workers=processes, mp_context=ctx) as pool:
        for got in pool.map(_Guarded(func), items):
            if isinstance(got, tuple) and len(got) == 3 and got[0] == "error":
                raise kinds.get(got[1], EvCorridorError)(got[2])
            yield got
