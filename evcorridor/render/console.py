"""Shared console helpers: rich consoles, deterministic JSON, CSV to stdout."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console

#: width of `out` when stdout is not a terminal and COLUMNS is unset (pipes, CI logs, `| less`):
#: rich would otherwise assume 80 columns and squeeze table cells to "h…"
PIPE_WIDTH = 160


def _pipe_width() -> int | None:
    """PIPE_WIDTH for piped output without COLUMNS; None (rich decides) otherwise."""
    if os.environ.get("COLUMNS"):
        return None
    try:
        tty = sys.stdout is not None and sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stdout replacement
        tty = False
    return None if tty else PIPE_WIDTH


out = Console(soft_wrap=False, width=_pipe_width())
err = Console(stderr=True)


def to_json(obj: Any) -> str:
    """Deterministic JSON: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def print_json(obj: Any) -> None:
    sys.stdout.write(to_json(obj))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()
