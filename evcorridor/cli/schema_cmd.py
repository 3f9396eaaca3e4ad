"""`evcorridor schema KIND`: the JSON Schema of plan.json and of the profile files."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

KINDS = ("plan", "standard", "vehicle", "profile-set")


def schema_cmd(
    kind: str = typer.Argument(..., metavar="KIND", show_default=False,
                               help="plan | standard | vehicle | profile-set"),
    out: Path | None = typer.Option(None, "--out", metavar="DIR",
                                    help="Write <KIND>.schema.json into this "
                                    "folder instead of printing it."),
) -> None:
    """Print the JSON Schema (draft 2020-12) of plan.json or of a profile file kind.

    `plan` is the schema of the plan files `evcorridor plan` writes (shipped as
    evcorridor/schemas/plan.schema.json); `standard`, `vehicle` and `profile-set` are those of
    `evcorridor profiles schema`.
    """
    from evcorridor.atomic import write_text
    from evcorridor.cli.options import check_choice

    check_choice("KIND", kind, KINDS)
    if kind == "plan":
        from evcorridor.plan_model import plan_schema_text

        text, name = plan_schema_text(), "plan.schema.json"
    else:
        from evcorridor.profiles.schema import SCHEMA_FILES, schema_text

        text, name = schema_text(kind), SCHEMA_FILES[kind]
    if out is None:
        sys.stdout.write(text)
        return
    path = out / name  # a fixed file name: nothing from data goes into the path
    write_text(path, text)
    typer.echo(str(path), err=True)


def register(app: typer.Typer) -> None:
    app.command("schema", help=_HELP)(schema_cmd)


_HELP = schema_cmd.__doc__ or ""
