"""Shared console helpers: rich consoles; deterministic JSON/CSV (evcorridor.outputs) to stdout."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console

from evcorridor.outputs import to_csv, to_json

__all__ = ["PIPE_WIDTH", "err", "flatten", "out", "print_csv", "print_json", "records_csv",
           "to_csv", "to_json"]

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


def print_json(obj: Any) -> None:
    sys.stdout.write(to_json(obj))


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One CSV row from a JSON record: nested objects become `a.b` columns, lists of plain values
    are joined with `;`, lists of objects stay JSON (compact, sorted keys)."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                row[name] = ";".join("" if v is None else str(v) for v in value)
            else:
                row[name] = json.dumps(value, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":"), default=str)
        elif isinstance(value, bool):
            row[name] = "true" if value else "false"
        else:
            row[name] = value
    return row


def records_csv(records: dict[str, Any] | Sequence[dict[str, Any]]) -> str:
    """`--format csv` of what `--format json` prints: a list of records is one row each (columns
    in first-seen order, see `flatten`); one record is `field,value` rows."""
    if isinstance(records, dict):
        return to_csv(["field", "value"], flatten(records).items())
    rows = [flatten(r) for r in records]
    header: dict[str, None] = {}
    for r in rows:
        header.update(dict.fromkeys(r))
    return to_csv(list(header), ([r.get(k) for k in header] for r in rows))


def print_csv(records: dict[str, Any] | Sequence[dict[str, Any]]) -> None:
    sys.stdout.write(records_csv(records))
