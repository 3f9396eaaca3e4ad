"""`evcorridor crossings ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Crossings commands.", no_args_is_help=True)
