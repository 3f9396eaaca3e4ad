"""`evcorridor profiles ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Profiles commands.", no_args_is_help=True)
