"""The `evcorridor` command line. Thin: parse options, call the core, hand results to render/.

Each command group lives in its own module and registers a Typer sub-app here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from evcorridor import __version__
from evcorridor.errors import EvCorridorError
from evcorridor.settings import configure

app = typer.Typer(
    name="evcorridor",
    help=(
        "Plan EV charging along highway corridors that cross the USA–Canada and USA–Mexico "
        "borders.\n\nThe options below go before or after the command "
        "(`evcorridor plan i5-cascadia --offline`)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evcorridor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    data_dir: Path | None = typer.Option(
        None, help="Embedded data folder (env EVCORRIDOR_DATA_DIR)."
    ),
    configs_dir: Path | None = typer.Option(
        None, help="Corridor/profile/vehicle configs (env EVCORRIDOR_CONFIGS_DIR)."
    ),
    cache_dir: Path | None = typer.Option(
        None, help="Cache for OSM pulls (env EVCORRIDOR_CACHE_DIR)."
    ),
    offline: bool | None = typer.Option(
        None, "--offline/--online", help="Forbid network access (env EVCORRIDOR_OFFLINE)."
    ),
    overpass_url: str | None = typer.Option(
        None, help="Overpass API URL (env EVCORRIDOR_OVERPASS_URL)."
    ),
    timeout: float | None = typer.Option(
        None, help="HTTP timeout in seconds (env EVCORRIDOR_TIMEOUT_S)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    configure(
        data_dir=data_dir,
        configs_dir=configs_dir,
        cache_dir=cache_dir,
        offline=offline,
        overpass_url=overpass_url,
        timeout_s=timeout,
    )


def _register() -> None:
    # Imported here so that each group module stays independent.
    from evcorridor.cli import (
        check_cmd,
        corridors_cmd,
        crossings_cmd,
        maps_cmd,
        network_cmd,
        plan_cmd,
        profiles_cmd,
        stations_cmd,
    )

    app.add_typer(crossings_cmd.app, name="crossings")
    app.add_typer(corridors_cmd.app, name="corridors")
    app.add_typer(network_cmd.app, name="network")
    app.add_typer(profiles_cmd.app, name="profiles")
    app.add_typer(stations_cmd.app, name="stations")
    plan_cmd.register(app)
    check_cmd.register(app)
    maps_cmd.register(app)


_register()


#: the root options (see `_root`): those that take a value, and the flags
ROOT_VALUE_OPTIONS = ("--data-dir", "--configs-dir", "--cache-dir", "--overpass-url", "--timeout")
ROOT_FLAGS = ("--offline", "--online")


def hoist_root_options(argv: list[str]) -> list[str]:
    """Move root options written after the command (`plan i5-cascadia --offline`) in front of it
    (`--offline plan i5-cascadia`), so that they work in either place. Nothing after `--` moves;
    no command option shares a root option's name (a test keeps it so)."""
    command = next((i for i, tok in enumerate(argv) if not tok.startswith("-")
                    and (i == 0 or argv[i - 1] not in ROOT_VALUE_OPTIONS)), None)
    if command is None:
        return list(argv)
    front, rest = list(argv[:command]), []
    i = command
    while i < len(argv):
        tok = argv[i]
        if tok == "--":
            rest += argv[i:]
            break
        if tok in ROOT_FLAGS or ("=" in tok and tok.split("=", 1)[0] in ROOT_VALUE_OPTIONS):
            front.append(tok)
        elif tok in ROOT_VALUE_OPTIONS and i + 1 < len(argv):
            front += argv[i:i + 2]
            i += 1
        else:
            rest.append(tok)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; an EvCorridorError becomes one line on stderr and its exit code."""
    args = hoist_root_options(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="evcorridor")
    except EvCorridorError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        print(f"internal error: {type(exc).__name__}: {exc} (please report this)", file=sys.stderr)
        sys.exit(70)
