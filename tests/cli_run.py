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
