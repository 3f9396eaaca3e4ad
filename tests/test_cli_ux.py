"""The command line as a new user meets it (issue 14): options in either place, names that mean
one thing, suggestions for typos, tables that keep ids and figures whole, units, progress."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import run

from evcorridor.cli import ROOT_FLAGS, ROOT_VALUE_OPTIONS, hoist_root_options


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Root options given in a test (--cache-dir, --offline...) do not leak into later tests."""
    from evcorridor import settings

    monkeypatch.setattr(settings, "_overrides", {})
    for var in ("EVCORRIDOR_CACHE_DIR", "EVCORRIDOR_CONFIGS_DIR", "EVCORRIDOR_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    settings.get_settings.cache_clear()
    yield
    settings.get_settings.cache_clear()


# ----------------------------------------------------------------------------- global options
def test_root_option_names_match_the_root_command() -> None:
    import typer.main

    from evcorridor.cli import app

    root = typer.main.get_command(app)
    valued = {o for p in root.params if not getattr(p, "is_flag", False) for o in p.opts}
    flags = {o for p in root.params if getattr(p, "is_flag", False)
             for o in (*p.opts, *p.secondary_opts)} - {"--version"}
    assert set(ROOT_VALUE_OPTIONS) == valued and set(ROOT_FLAGS) == flags
    # no command shares a root option's name, so moving them in front never steals an option
    def walk(cmd: object, path: str) -> Iterator[tuple[str, str]]:
        for p in getattr(cmd, "params", []):
            for o in (*p.opts, *p.secondary_opts):
                yield path, o
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")
    clashes = [(path, o) for sub in root.commands.values() for path, o in walk(sub, sub.name)
               if o in valued | flags]
    assert clashes == []


def test_hoist_root_options() -> None:
    assert hoist_root_options(["plan", "i5-cascadia", "--offline"]) == [
        "--offline", "plan", "i5-cascadia"]
    assert hoist_root_options(["--timeout", "5", "network", "info", "x", "--cache-dir", "/c",
                               "--data-dir=/d", "-f", "json"]) == [
        "--timeout", "5", "--cache-dir", "/c", "--data-dir=/d", "network", "info", "x", "-f",
        "json"]
    # nothing after `--` moves; no command: unchanged
    assert hoist_root_options(["plan", "--", "--offline"]) == ["plan", "--", "--offline"]
    assert hoist_root_options(["--offline"]) == ["--offline"]


def test_root_options_work_after_the_command(tmp_path: Path, clean_settings: None,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache"
    # `network pull` defaults to the source `network info` reads (embedded), and --cache-dir
    # given after the command is the folder it saves to
    code, out, err = run(["network", "pull", "i29-red-river", "--format", "json",
                          "--cache-dir", str(cache), "--offline"], capsys)
    assert code == 0, err
    info = json.loads(out)
    assert info["source"] == "embedded"
    assert Path(info["saved_to"]) == cache / "networks" / "i29-red-river.embedded.graphml.gz"
    assert Path(info["saved_to"]).is_file()


# ----------------------------------------------------------------------------- names
def test_vehicle_has_no_short_flag(capsys: pytest.CaptureFixture[str]) -> None:
    # -v reads as "verbose": it is not a short flag for --vehicle anywhere
    code, _out, err = run(["plan", "i91-stanstead", "-v", "pickup"], capsys)
    assert code == 2 and "No such option: -v" in err
    code, _out, err = run(["profiles", "compare", "USA", "CAN", "-v", "pickup"], capsys)
    assert code == 2 and "No such option: -v" in err


def test_did_you_mean_prefix_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["crossings", "show", "blaine"], capsys)
    assert (code, err.strip()) == (2, "error: unknown crossing 'blaine'; did you mean "
                                      "'blaine-pacific-highway' or 'blaine-peace-arch'?")
