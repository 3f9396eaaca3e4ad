"""Helpers shared by the command groups: option checks, a progress bar for core callbacks."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from evcorridor.errors import UsageError
from evcorridor.render.console import err


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
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(description, total=1.0)

        def progress(message: str, fraction: float) -> None:
            bar.update(task, description=f"{description}: {message}",
                       completed=max(0.0, min(1.0, fraction)))

        yield progress


@contextmanager
def step_progress(verb: str, total: int, *, show: bool = True
                  ) -> Iterator[Callable[[str], None]]:
    """Yields `step(label)`, called before each of `total` items of a long loop (plan, check,
    map): a transient bar on a terminal, one line `verb label (i/total)` on stderr otherwise (one
    line per corridor in CI logs). Nothing when `show` is false."""
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
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(verb, total=total)
        started = [False]

        def step(label: str) -> None:
            if started[0]:
                bar.advance(task)
            started[0] = True
            bar.update(task, description=f"{verb} {label}")

        yield step
