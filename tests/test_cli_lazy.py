"""The CLI imports heavy libraries only inside the commands that need them (issue 12): the root
module and `--help` load none, and the summaries `--help` shows are the commands' own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from evcorridor.cli import COMMANDS, app, load_command

HEAVY = ("numpy", "shapely", "networkx", "ortools", "matplotlib", "folium", "osmnx", "pandas")

PROBE = """
import sys
{setup}
heavy = {heavy!r}
print("loaded:" + ",".join(m for m in heavy if m in sys.modules))
"""


def loaded_after(setup: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running `setup`."""
    code = PROBE.format(setup=setup, heavy=HEAVY)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded:"), proc.stdout
    return [m for m in last.removeprefix("loaded:").split(",") if m]


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert loaded_after("import evcorridor.cli") == []


@pytest.mark.parametrize("argv", [["--help"], ["corridors", "list"], ["corridors", "--help"],
                                  ["plan", "--help"]])
def test_light_commands_load_no_heavy_library(argv: list[str]) -> None:
    setup = ("from evcorridor.cli import main\n"
             "import contextlib, io\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    try:\n"
             f"        main({argv!r})\n"
             "    except SystemExit as exc:\n"
             "        assert not exc.code, exc.code\n")
    assert loaded_after(setup) == []


def test_a_command_that_needs_them_loads_them() -> None:
    # the probe can fail: `network info` reads the graph with networkx
    setup = ("from evcorridor.cli import main\n"
             "import contextlib, io\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    try:\n"
             "        main(['network', 'info', 'i29-red-river', '--format', 'json'])\n"
             "    except SystemExit as exc:\n"
             "        assert not exc.code, exc.code\n")
    assert "networkx" in loaded_after(setup)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_summary_is_the_commands_own(name: str) -> None:
    cmd = load_command(name)
    assert cmd.name == name
    own = (cmd.short_help or cmd.help or "").strip().split("\n\n")[0]
    assert " ".join(own.split()) == COMMANDS[name][2]


def test_root_help_lists_every_command_and_unknown_ones_suggest() -> None:
    res = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    for name, (_, _, summary) in COMMANDS.items():
        assert f" {name} " in res.stdout and summary in res.stdout
    res = CliRunner().invoke(app, ["corridrs", "list"])
    assert res.exit_code == 2
    assert "No such command 'corridrs'. Did you mean 'corridors'?" in res.output


HELP_PROBE = """
import contextlib, io, sys
{preload}
from evcorridor.cli import main
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    try:
        main({argv!r})
    except SystemExit:
        pass
print(buf.getvalue())
print("loaded:" + ",".join(m for m in ("rich.markdown", "markdown_it", "pygments")
                           if m in sys.modules))
"""


@pytest.mark.parametrize("argv", [["--help"], ["corridors", "--help"], ["plan", "--help"]])
def test_help_skips_markdown_and_tracebacks_and_reads_the_same(argv: list[str]) -> None:
    """`--help` imports typer's formatter with stand-ins for rich.markdown/rich.traceback (a
    third of its time): the text is the same as with the real modules loaded first."""
    def run(preload: str) -> tuple[str, str]:
        env = {**os.environ, "COLUMNS": "100", "TERM": "dumb"}
        out = subprocess.run([sys.executable, "-c", HELP_PROBE.format(preload=preload,
                                                                      argv=argv)],
                             capture_output=True, text=True, check=True, env=env).stdout
        text, _, loaded = out.rpartition("loaded:")
        return text, loaded.strip()

    light, loaded = run("")
    real, _ = run("import rich.markdown, rich.traceback")
    assert "Usage: evcorridor" in light
    assert light == real
    assert loaded == ""


def test_corridors_list_builds_no_typer_adapter() -> None:
    # Typer 0.29 imports typer._adapters (pydantic TypeAdapters) to coerce parameters; the
    # options `corridors list` is run with (none given, and a plain str) need none
    setup = ("import sys\n"
             "from evcorridor.cli import main\n"
             "import contextlib, io\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    try:\n"
             "        main(['corridors', 'list', '--format', 'csv'])\n"
             "    except SystemExit as exc:\n"
             "        assert not exc.code, exc.code\n"
             "print('adapters' if 'typer._adapters' in sys.modules else 'none')\n")
    code = PROBE.format(setup=setup, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[-2:] == ["none", "loaded:"]


@pytest.mark.parametrize(("argv", "code", "text"), [
    # a float root option and an int command option still go through Typer's own coercion
    (["--timeout", "abc", "corridors", "list"], 2, "'--timeout'"),
    (["--timeout", "2.5", "corridors", "list", "--format", "csv"], 0, "id,name,border"),
    (["plan", "i5-cascadia", "--budget", "x"], 2, "'--budget'"),
])
def test_lazy_coercion_keeps_typers_conversions_and_errors(argv: list[str], code: int,
                                                           text: str) -> None:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == code, result.output
    assert text in result.output
