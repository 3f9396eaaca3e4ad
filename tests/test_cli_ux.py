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


# ----------------------------------------------------------------------------- tables
def test_table_layout_never_cuts_whole_cells_or_words() -> None:
    from rich.console import Console

    from evcorridor.render.table import Column, layout, print_table

    cols = [Column("id", "whole"), Column("crossings", "words"), Column("place"),
            Column("km", "whole", "right")]
    rows = [["i10-el-paso", "el-paso-bridge-of-the-americas, santa-teresa", "Las Cruces, NM",
             "229.5/240.6"],
            ["i5-cascadia", "blaine-peace-arch", "Portland, OR", "280.7/282.4"]]
    # narrowest table: id 11 + longest crossing id 31 + place 8 + figure 11 + 3 gaps of 2
    assert layout(cols, rows, 67) == [11, 31, 8, 11]
    assert layout(cols, rows, 66) is None
    for width in (120, 67, 66, 30):
        console = Console(width=width, record=True, force_terminal=False)
        print_table(console, cols, rows, title="synthetic rows", width=width)
        text = console.export_text()
        assert "…" not in text and max(map(len, text.splitlines())) <= max(width, 50)
        for cell in ("i10-el-paso", "el-paso-bridge-of-the-americas,", "santa-teresa",
                     "229.5/240.6", "280.7/282.4", "blaine-peace-arch"):
            assert cell in text, (width, cell)
        if width < 67:  # stacked: the id on its own line, then `header  value`
            assert "i5-cascadia\n  crossings  blaine-peace-arch\n" in text


def test_corridors_list_at_80_columns_keeps_every_id(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from evcorridor.corridors import list_corridors
    from evcorridor.render import console

    monkeypatch.setattr(console.out, "width", 80)
    code, out, _err = run(["corridors", "list"], capsys)
    assert code == 0 and "…" not in out
    assert max(len(x) for x in out.splitlines()) <= 80
    for c in list_corridors():
        assert c.id in out.splitlines()
        for crossing in c.crossings:
            assert crossing in out


def test_plan_table_at_110_columns_keeps_ids_and_figures(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    from evcorridor.render import console

    monkeypatch.setattr(console.out, "width", 110)
    ids = ["i81-thousand-islands", "i91-stanstead"]  # the longest corridor id, a quick one
    code, out, err = run(["plan", *ids, "--out", str(tmp_path)], capsys)
    assert code == 0, err
    # stderr is not a terminal: one progress line per corridor (what CI logs show)
    assert [x for x in err.splitlines() if x.startswith("planning")] == [
        "planning i81-thousand-islands (1/2)", "planning i91-stanstead (2/2)"]
    table = out.split("\n2 corridor(s)")[0]
    assert "…" not in table and max(len(x) for x in table.splitlines()) <= 110
    assert "cost (new sites)" in table.replace("\n", " ") or "cost (new" in table
    code, js, _ = run(["plan", *ids, "--out", str(tmp_path), "--format", "json", "-q"], capsys)
    for row in json.loads(js)["plans"]:
        line = next(x for x in table.splitlines() if x.startswith(row["corridor"] + " "))
        assert f" {row['status']} " in line
        for g in row["max_gaps"]:
            assert f"{g['length_m'] / 1000:.1f}/{g['limit_m'] / 1000:.1f}" in table
        assert row["cost_unit"] == "new sites"
    assert "; cost " in out and " new sites\n" in out


# ----------------------------------------------------------------------------- units
def test_profiles_list_and_plan_say_km_first(capsys: pytest.CaptureFixture[str]) -> None:
    from evcorridor.profiles import get_vehicle

    code, out, _ = run(["profiles", "list", "--format", "json"], capsys)
    assert code == 0
    summary = {r["id"]: r["summary"] for r in json.loads(out)}
    # the US spacing rule: km as everywhere, miles after it for the US reader
    assert summary["us-nevi-2022"].endswith("spacing 80.5 km (50 mi)")
    pickup = get_vehicle("pickup").usable_range_m("mild")
    # the same figure `plan` shows as the pickup's gap limit (km, one decimal)
    assert f"usable mild {pickup / 1000:.1f} km (175.5 mi)" in summary["pickup"]
