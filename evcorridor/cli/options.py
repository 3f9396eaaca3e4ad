"""Option checks shared by the command groups."""

from __future__ import annotations

from collections.abc import Sequence

from evcorridor.errors import UsageError


def check_choice(option: str, value: str, allowed: Sequence[str]) -> None:
    """UsageError `unknown --option 'x' (choose from a, b)` unless `value` is one of `allowed`."""
    if value not in allowed:
        raise UsageError(f"unknown {option} {value!r} (choose from {', '.join(allowed)})")
