"""Errors the core raises. The CLI turns each into one line on stderr and a non-zero exit.

Exit codes (documented in README):
    0  success
    1  a result that is "no": validation problems, an infeasible plan, a failed check, a stale map
    2  usage: unknown id, bad option combination (typer also uses 2 for bad options)
    3  bad input data: malformed file, wrong columns, unparsable values
    4  network / external service failure (Overpass unreachable, HTTP error)
    5  output cannot be written
   70  internal error (a bug; `evcorridor.cli.main` prints one line and asks for a report)
  130  interrupted
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class EvCorridorError(Exception):
    """Base class. `str(err)` is the one-line message shown to the user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(EvCorridorError):
    exit_code = 2


class NotFoundError(UsageError):
    """An unknown id (corridor, crossing, profile, vehicle...)."""


class InputError(EvCorridorError):
    """A malformed input file. Message should carry `file:line:column: field: what`."""

    exit_code = 3


class NetworkError(EvCorridorError):
    exit_code = 4


class OutputError(EvCorridorError):
    exit_code = 5


def closest(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The closest matches of `name` among `choices`, best first (for "did you mean").

    Ids that start with `name` (`blaine` -> `blaine-peace-arch`), then ids that contain it; only
    when there is none, spelling neighbours (difflib), then ids that `name` contains (`osmm` ->
    `osm`)."""
    pool = sorted(set(choices))
    low = name.lower().strip()
    found: list[str] = []
    if low:
        found += [c for c in pool if c.lower().startswith(low)]
        found += [c for c in pool if low in c.lower() and c not in found]
    if found:
        return found[:n]
    found += [c for c in difflib.get_close_matches(name, pool, n=n, cutoff=0.5)
              if c not in found]
    if not found and low:
        found = [c for c in pool if c.lower() in low]
    return found[:n]


def unknown_id(kind: str, name: str, choices: Iterable[str]) -> NotFoundError:
    """A NotFoundError for an unknown id, naming the closest known ids."""
    pool = sorted(set(choices))
    near = closest(name, pool)
    if near:
        hint = "did you mean " + " or ".join(repr(c) for c in near) + "?"
    elif pool:
        hint = "known: " + ", ".join(pool[:20]) + (" ..." if len(pool) > 20 else "")
    else:
        hint = f"there is no {kind} to choose from"
    return NotFoundError(f"unknown {kind} {name!r}; {hint}")
