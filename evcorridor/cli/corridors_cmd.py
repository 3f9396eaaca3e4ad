"""`evcorridor corridors ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Corridors commands.", no_args_is_help=True)
