"""`evcorridor stations ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Stations commands.", no_args_is_help=True)
