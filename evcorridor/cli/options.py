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


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[str, float], None]]:
    """A transient bar on stderr; yields the `progress(message, fraction)` callback the core
    modules take (fraction clamped to 0..1)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(description, total=1.0)

        def progress(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=max(0.0, min(1.0, fraction)))

        yield progress
