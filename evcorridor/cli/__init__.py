"""The `evcorridor` command line. Thin: parse options, call the core, hand results to render/.

Each command group lives in its own module and registers a Typer sub-app here. The modules are
imported lazily (`LazyGroup`): `evcorridor --help` lists the commands from the one-line summaries
in `COMMANDS` and imports nothing heavy; running a command imports only its own module (which
imports the libraries it needs). tests/test_cli_lazy.py checks that each summary is the command's
own and that importing this module loads none of numpy, shapely, networkx, ortools, matplotlib or
folium.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from typer import _click
from typer._coercion import RuntimeParam, build_runtime_param
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from evcorridor import __version__
from evcorridor.cli.gcpolicy import import_frozen
from evcorridor.errors import EvCorridorError

#: command name -> (module in evcorridor.cli, how it registers: "group" = a Typer `app` added as a
#: sub-group ("group:<name>": the Typer app `<name>` of the module), "command" = a `register(app)`
#: function, summary shown by `evcorridor --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "plan": ("plan_cmd", "command", "Place chargers along corridors (least cost, or most flow "
                                    "for a budget) and write plan files."),
    "size": ("size_cmd", "command", "Size planned sites: ports (M/M/c waiting target), power, "
             "grid connection, costs in USD/CAD/MXN and the year-by-year build-out."),
    "check": ("check_cmd", "command", "Verify plan files independently: reload the corridor "
              "graph, profiles, vehicles and scenario, and recompute every route, gap, spacing, "
              "resilience and coverage rule from the plan alone."),
    "map": ("maps_cmd", "command", "Draw the maps of plan files: static PNG/SVG map, interactive "
            "HTML map (opens offline), strip chart of the gaps."),
    "report": ("maps_cmd", "command", "Write a Markdown report per corridor and an index of all "
               "corridors."),
    "schema": ("schema_cmd", "command", "Print the JSON Schema (draft 2020-12) of plan.json or "
               "of a profile file kind."),
    "crossings": ("crossings_cmd", "group", "US–Canada and US–Mexico road border crossings (BTS "
                  "ports + Travel Mapping border points)."),
    "corridors": ("corridors_cmd", "group", "Corridor definitions (configs/corridors/<id>.yaml)."),
    "network": ("network_cmd", "group", "Corridor road networks: pull (build/download) and "
                "inspect."),
    "profiles": ("profiles_cmd", "group", "Operating-standard profiles, vehicle profiles and "
                 "profile sets: validate, show, list, compare across borders, export JSON "
                 "Schema."),
    "sweep": ("sweep_cmd", "command", "Run the product of the lists in a sweep file (corridors "
              "or border, profile sets, scenarios, vehicles, resilience) as Dask tasks; results "
              "in one Parquet table."),
    "stations": ("stations_cmd", "group", "Existing charging stations: list a corridor's "
                 "snapshot, import exports, statistics."),
    "scenarios": ("configs_cmd", "group:scenarios_app", "Scenarios "
                  "(configs/scenarios/<id>.yaml): climate, start charge, border waits."),
    "costs": ("configs_cmd", "group:costs_app", "Cost models (configs/costs/<id>.yaml): what a "
              "new site, an upgrade and a port cost."),
    "vehicles": ("configs_cmd", "group:vehicles_app", "Vehicle profiles "
                 "(configs/vehicles/<id>.yaml): connectors and usable range per climate."),
}


#: set by `main` when it runs as the program: the garbage collector may then be tuned for one
#: command's life (callers in a longer-lived process, such as tests, keep theirs untouched)
_PROGRAM = False


def load_command(name: str) -> _click.Command:
    """The real click command `name`: import its module and build it with Typer."""
    module_name, how, _ = COMMANDS[name]
    module: Any = import_frozen(f"evcorridor.cli.{module_name}", freeze=_PROGRAM)
    holder = typer.Typer(rich_markup_mode="rich", add_completion=False,
                         pretty_exceptions_enable=False)
    holder.callback()(lambda: None)  # always a group, even with one command
    if how.startswith("group"):  # "group" (the module's `app`) or "group:<attribute>"
        holder.add_typer(getattr(module, how.partition(":")[2] or "app"), name=name)
    else:
        module.register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    cmd = group.get_command(_click.Context(group), name)
    if cmd is None:
        raise LookupError(f"evcorridor.cli.{module_name} does not define the command {name!r}")
    files_read_by_the_core(cmd)
    plain_metavars(cmd)
    lazy_coercion(cmd)
    return cmd


class _Argument(TyperArgument):
    """An argument whose help row shows its metavar only (CORRIDOR, PLAN.json...), not Typer's
    Python type column (`<str>`, `<list[Path]>`)."""

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return None

    def get_usage_pieces(self, ctx: _click.Context) -> list[str]:
        """`CORRIDOR...` / `[ID]` in the usage line (Typer writes `{CORRIDOR...}...`)."""
        name = self.metavar or (self.name or "").upper()
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return [name if self.required else f"[{name}]"]


def plain_metavars(cmd: _click.Command) -> None:
    """Help says what an option takes, never a Python type (`<bool>`, `<list[str]>`): a flag
    (`--png`, `--help`) shows nothing, a choice its values (`cost|coverage`), an argument its
    metavar; every other option declares its own (`ID`, `KM`, `FILE.csv`...).
    tests/test_cli_ux.py walks every command's help for a leftover `<...>`."""
    params = list(cmd.params)
    help_option = cmd.get_help_option(_click.Context(cmd))
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if isinstance(param, TyperArgument) and type(param) is TyperArgument:
            param.__class__ = _Argument
        if param.metavar is not None or not isinstance(param, TyperOption):
            continue
        desc = param.type_descriptor
        if param.is_flag:
            param.metavar = ""
        elif desc.is_choice and desc.choices:
            param.metavar = "|".join(
                str(c.value) if isinstance(c, Enum) else str(c) for c in desc.choices)
    for sub in getattr(cmd, "commands", {}).values():
        plain_metavars(sub)


@dataclass(frozen=True)
class _LazyCoercion(RuntimeParam):
    """Typer's coercion of one parameter, built only for a value that needs it.

    Typer 0.29 builds a pydantic TypeAdapter for every parameter a command has, given or not, and
    so imports pydantic (about 0.1 s) even for `corridors list`. Here a parameter that was not
    given (None: RuntimeParam.coerce answers before calling this) and a plain `str` value of a
    `str` parameter (pydantic's str validation returns it unchanged) need no adapter; any other
    value goes to Typer's own coercion, built then, so errors and conversions are Typer's."""

    def _coerce_value(self, value: Any, param: Any, ctx: _click.Context) -> Any:
        if isinstance(value, str) and self.annotation in _PLAIN_STR:
            return value
        param._runtime_param = build_runtime_param(param.type_descriptor)  # built once, kept
        return param._runtime_param._coerce_value(value, param=param, ctx=ctx)


#: annotations whose command-line string is the value itself
_PLAIN_STR: tuple[Any, ...] = (str, str | None)


def lazy_coercion(cmd: _click.Command) -> None:
    """Give every Typer parameter of `cmd` and of its subcommands, their --help options included,
    `_LazyCoercion`."""
    ctx = _click.Context(cmd)
    for param in cmd.get_params(ctx):
        if isinstance(param, TyperOption | TyperArgument) and param._runtime_param is None:
            desc = param.type_descriptor
            param._runtime_param = _LazyCoercion(desc.parameter_info, desc.annotation)
    for sub in getattr(cmd, "commands", {}).values():
        lazy_coercion(sub)


def files_read_by_the_core(cmd: _click.Command) -> None:
    """Every file or folder option of `cmd` (and its subcommands) leaves readability to the core
    readers (evcorridor.inputs), so an unreadable file is exit 3 with one line naming it, for
    every option alike, never Typer's exit-2 box."""
    for param in cmd.params:
        info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
        if info is not None and getattr(info, "readable", False):
            info.readable = False
    for sub in getattr(cmd, "commands", {}).values():
        files_read_by_the_core(sub)


def _real(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


class _LazyMarkdown:
    """Stands for rich.markdown.Markdown while typer.rich_utils is imported (see below)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _real("rich.markdown", "Markdown")(*args, **kwargs)


class _LazyTraceback:
    """Stands for rich.traceback.Traceback while typer.rich_utils is imported (see below)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _real("rich.traceback", "Traceback")(*args, **kwargs)

    @staticmethod
    def from_exception(*args: Any, **kwargs: Any) -> Any:
        return _real("rich.traceback", "Traceback").from_exception(*args, **kwargs)


def import_help_formatter() -> None:
    """Import typer's help formatter (typer.rich_utils) without rich.markdown and rich.traceback.

    typer.rich_utils imports both at the top, about half of what `evcorridor --help` spends
    (markdown-it, pygments), though our help is rich markup (no Markdown) and our tracebacks are
    never pretty: for that import only, stand-ins that load the real class when first used take
    their place in sys.modules; they are removed again at once, so any other import gets the real
    modules. The help text is the same either way (tests/test_cli_lazy.py)."""
    if "typer.rich_utils" in sys.modules:
        return
    import types

    stand_ins = {"rich.markdown": ("Markdown", _LazyMarkdown),
                 "rich.traceback": ("Traceback", _LazyTraceback)}
    placed = []
    for module, (name, cls) in stand_ins.items():
        if module not in sys.modules:
            stub = types.ModuleType(module)
            setattr(stub, name, cls)
            sys.modules[module] = stub
            placed.append(module)
    try:
        importlib.import_module("typer.rich_utils")
    finally:
        for module in placed:
            if sys.modules.get(module) is not None and not hasattr(sys.modules[module],
                                                                   "__file__"):
                del sys.modules[module]


class LazyGroup(TyperGroup):
    """The root group: commands are summary stubs until one is run (see the module docstring)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: dict[str, _click.Command] = {}
        self._listing = False
        for name, (_, _, summary) in COMMANDS.items():
            self.commands[name] = TyperCommand(name=name, help=summary)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        lazy_coercion(self)  # the root options, completion and --help ones included
        return super().parse_args(ctx, args)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            return self.commands[cmd_name]
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load_command(cmd_name)
        return self._loaded[cmd_name]

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        import_help_formatter()
        self._listing = True
        plain_metavars(self)  # the root options, completion ones included (added after init)
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    cls=LazyGroup,
    name="evcorridor",
    help=(
        "Plan EV charging along highway corridors that cross the USA–Canada and USA–Mexico "
        "borders.\n\nThe options below go before or after the command "
        "(`evcorridor plan i5-cascadia --offline`)."
    ),
    no_args_is_help=True,
    add_completion=True,
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
        None, metavar="DIR", help="Embedded data folder (env EVCORRIDOR_DATA_DIR)."
    ),
    configs_dir: Path | None = typer.Option(
        None, metavar="DIR", help="Corridor/profile/vehicle configs (env EVCORRIDOR_CONFIGS_DIR)."
    ),
    cache_dir: Path | None = typer.Option(
        None, metavar="DIR", help="Cache for OSM pulls (env EVCORRIDOR_CACHE_DIR)."
    ),
    offline: bool | None = typer.Option(
        None, "--offline/--online", help="Forbid network access (env EVCORRIDOR_OFFLINE)."
    ),
    overpass_url: str | None = typer.Option(
        None, metavar="URL", help="Overpass API URL (env EVCORRIDOR_OVERPASS_URL)."
    ),
    timeout: float | None = typer.Option(
        None, metavar="SECONDS",
        help="Total deadline in seconds for an Overpass pull, retries included (env "
        "EVCORRIDOR_TIMEOUT_S)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    from evcorridor.settings import configure

    configure(
        data_dir=data_dir,
        configs_dir=configs_dir,
        cache_dir=cache_dir,
        offline=offline,
        overpass_url=overpass_url,
        timeout_s=timeout,
    )


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
    """Entry point: run the app; an EvCorridorError becomes one line on stderr and its exit code.

    Two start-up and shut-down savings, each a fifth to a tenth of a light command such as
    `corridors list` (scripts/bench.py):
    - pydantic plugins are not loaded (PYDANTIC_DISABLE_PLUGINS=__all__ unless the variable is
      set): evcorridor uses none, and discovering them reads the metadata of every installed
      distribution. Set PYDANTIC_DISABLE_PLUGINS to an empty value to load them.
    - when run as the program (`argv` None): the command's imports are frozen out of the garbage
      collector (cli/gcpolicy.py), and so is what is alive when the command ends (`gc.freeze`),
      so the interpreter's exit does not walk it all once more; it is freed as the process ends,
      as always. Outputs are closed and written before that (atomic writers). A caller that
      passes `argv` (tests) keeps its collector as is.
    """
    global _PROGRAM
    _PROGRAM = argv is None
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = hoist_root_options(sys.argv[1:] if argv is None else argv)
    if "--help" in args or not args:  # any command's help: the light formatter import
        import_help_formatter()
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
    finally:
        if _PROGRAM:
            gc.freeze()
