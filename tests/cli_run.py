"""Run the `evcorridor` entry point in-process: exit code, stdout, stderr (shared by CLI tests)."""

from __future__ import annotations

import pytest

from evcorridor.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`main(argv)` as the shell runs it: its exit code (0 when it returns), stdout, stderr."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def table_rows(out: str) -> dict[str, str]:
    """{field: value} of a `field value` table printed by render/table.py (`profiles show`,
    `network info`...): cells split at the value column's start; a line with an empty field
    continues the value above it."""
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("field "))
    at = lines[head].index("value")
    rows: dict[str, str] = {}
    key = ""
    for line in lines[head + 2:]:
        field, value = line[:at].strip(), line[at:].strip()
        if field:
            key = field if field not in rows else f"{field} (2)"
            rows[key] = value
        elif key and value:
            rows[key] += " " + value
    return rows
