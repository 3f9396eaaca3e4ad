"""The command line as a new user meets it (issue 14): options in either place, names that mean
one thing, suggestions for typos, tables that keep ids and figures whole, units, progress."""

from __future__ import annotations

import csv
import io
import json
import re
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
             for o in (*p.opts, *p.secondary_opts)} - {"--version", "--install-completion",
                                                       "--show-completion"}
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


@pytest.mark.parametrize("width", [80, 50])
def test_show_commands_use_the_table_helper(width: int, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`network info`, `crossings show` and `profiles show` print through render/table.py like
    the list commands: no box-drawing table of their own, ids never cut at any width."""
    from cli_run import table_rows

    from evcorridor.render import console

    monkeypatch.setattr(console.out, "width", width)
    code, out, _ = run(["network", "info", "i35-laredo"], capsys)
    assert code == 0 and "…" not in out and "│" not in out
    assert max(len(x) for x in out.splitlines()) <= width
    for cid in ("laredo-juarez-lincoln", "laredo-world-trade-bridge"):
        assert cid in out.split()  # whole, never folded inside the id
    if width == 80:
        rows = table_rows(out)
        assert rows["nodes / edges"] == "330 / 682"
        assert rows["road km per country"] == "MEX 511.1 km, USA 418.3 km"
        assert "471.6 km (border at 250.8 km; MEX 220.9 km," in out  # route via Juárez–Lincoln
    else:  # stacked: the field on its own line, then the value
        assert "nodes / edges\n  value  330 / 682\n" in out
    code, out, _ = run(["crossings", "show", "blaine-peace-arch"], capsys)
    assert code == 0 and "│" not in out and "blaine-peace-arch" in out.split()
    code, out, _ = run(["profiles", "show", "pickup"], capsys)
    assert code == 0 and "│" not in out and "…" not in out
    assert max(len(x) for x in out.splitlines()) <= max(width, 60)
    code, out, _ = run(["stations", "stats", "i5-cascadia", "--as-of", "2026-01-01"], capsys)
    assert code == 0 and "│" not in out and "afdc-WA-2025-02-09.csv" in out.split()
    if width == 80:  # each raw file by its source name (data/station-sources.csv)
        assert re.search(r"\nAFDC \(WA\) +243 +2025-02-09 +326\n *afdc-WA-2025-02-09\.csv *\n", out)


def test_plan_table_at_110_columns_keeps_ids_and_figures(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    from evcorridor.render import console

    monkeypatch.setattr(console.out, "width", 110)
    ids = ["i81-thousand-islands", "i91-stanstead"]  # the longest corridor id, a quick one
    code, out, err = run(["plan", *ids, "--out", str(tmp_path)], capsys)
    assert code == 0, err
    # stderr is not a terminal: one progress line per corridor (what CI logs show)
    assert [x for x in err.splitlines() if x.startswith("planned")] == [
        "planned i81-thousand-islands (1/2)", "planned i91-stanstead (2/2)"]
    table = out.split("\n2 corridor(s)")[0]
    assert "…" not in table and max(len(x) for x in table.splitlines()) <= 110
    assert "cost (USD)" in table.replace("\n", " ")
    code, js, _ = run(["plan", *ids, "--out", str(tmp_path), "--format", "json", "-q"], capsys)
    for row in json.loads(js)["plans"]:
        line = next(x for x in table.splitlines() if x.startswith(row["corridor"] + " "))
        assert f" {row['status']} " in line
        for g in row["max_gaps"]:
            assert f"{g['length_m'] / 1000:.1f}/{g['limit_m'] / 1000:.1f}" in table
        assert row["cost_unit"] == "USD"
    assert "; cost " in out and " USD\n" in out


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


# ----------------------------------------------------------------------------- configs
def test_scenarios_costs_vehicles_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    from evcorridor.profiles import list_vehicles
    from evcorridor.scenarios import get_scenario, list_cost_models, list_scenarios

    code, out, _ = run(["scenarios", "list", "--format", "json"], capsys)
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == [s.id for s in list_scenarios()] == [
        "default", "no-wait", "summer-peak", "winter"]
    code, out, _ = run(["scenarios", "list"], capsys)
    line = next(x for x in out.splitlines() if x.startswith("winter "))
    assert "deep-winter" in line and "60 min into the USA, 30 min out" in line
    code, out, _ = run(["scenarios", "show", "winter", "--format", "json"], capsys)
    doc = json.loads(out)
    assert (doc["climate"], doc["border_wait_min"]["default"]) == (
        get_scenario("winter").climate, {"into_usa": 60.0, "out_of_usa": 30.0})
    code, _, err = run(["scenarios", "show", "wintr"], capsys)
    assert (code, err.strip()) == (2, "error: unknown scenario 'wintr'; did you mean 'winter'?")
    code, out, _ = run(["costs", "list", "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], float(r["new_site"]), float(r["upgrade"])) for r in rows] == [
        (m.id, m.new_site, m.upgrade) for m in list_cost_models()]
    code, out, _ = run(["costs", "show", "default"], capsys)
    assert code == 0 and "upgrade" in out and "283886" in out and "USD" in out
    code, out, _ = run(["vehicles", "list", "--format", "json"], capsys)
    assert [r["id"] for r in json.loads(out)] == [v.id for v in list_vehicles()]
    assert {r["kind"] for r in json.loads(out)} == {"vehicle"}
    code, out, _ = run(["vehicles", "show", "pickup", "--format", "json"], capsys)
    assert json.loads(out)["derived"]["usable_range_km"]["mild"] == 282.4
    code, _, err = run(["vehicles", "show", "us-nevi-2022"], capsys)
    assert code == 2 and "unknown vehicle 'us-nevi-2022'" in err


def test_plan_help_names_the_shipped_choices(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    code, out, _ = run(["plan", "--help"], capsys)
    assert code == 0
    text = " ".join(out.split())
    assert "Shipped: default, no-wait, summer-peak, winter (`evcorridor scenarios list`)" in text
    assert ("Shipped: ccs1-long-range-car, heavy-truck-mcs, nacs-car, pickup (`evcorridor "
            "vehicles list`)") in text
    assert "Shipped: na-2022-nevi, na-2023, na-2023-qc, na-harmonised" in text
    assert "Shipped: default (`evcorridor costs list`)" in text
    assert "table|json|csv" in text and "CORRIDOR..." in text


@pytest.mark.parametrize("argv", [["corridors", "list"], ["crossings", "list"],
                                  ["stations", "list", "i5-cascadia"], ["profiles", "list"],
                                  ["scenarios", "list"]])
def test_choices_show_in_help_not_str(argv: list[str], capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run([*argv[:2], "--help"], capsys)
    assert code == 0
    line = next(x for x in out.splitlines() if "--format" in x)
    assert "table|json|csv" in line and "<str>" not in line


@pytest.mark.parametrize("command", [["map"], ["report"], ["check"]])
def test_plan_file_arguments_share_one_name(command: list[str], capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0 and "PLAN.json..." in out.split("\n\n")[0] + out


def test_shell_completion_of_ids(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    def complete(words: str) -> list[str]:
        monkeypatch.setenv("_EVCORRIDOR_COMPLETE", "complete_bash")
        monkeypatch.setenv("COMP_WORDS", words)
        monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - 1))
        code, out, _ = run([], capsys)
        assert code == 0
        return out.split()

    assert complete("evcorridor crossings show blaine") == [
        "blaine-pacific-highway", "blaine-peace-arch"]
    assert complete("evcorridor plan i5") == ["i5-cascadia", "i5-tijuana"]
    assert complete("evcorridor plan i5-cascadia --scenario w") == ["winter"]
    assert complete("evcorridor scenarios show no") == ["no-wait"]
    assert complete("evcorridor corridors list --format c") == ["csv"]


# ----------------------------------------------------------------------------- --format csv
CSV_COMMANDS = [
    ["corridors", "list"], ["corridors", "show", "i5-cascadia"], ["crossings", "list"],
    ["crossings", "show", "blaine-peace-arch"], ["network", "info", "i29-red-river"],
    ["stations", "list", "i29-red-river"], ["stations", "stats", "i29-red-river"],
    ["profiles", "list"], ["profiles", "show", "pickup"], ["profiles", "compare", "USA", "CAN"],
    ["profiles", "validate", "configs/vehicles"], ["scenarios", "list"],
    ["scenarios", "show", "default"], ["costs", "list"], ["costs", "show", "default"],
    ["vehicles", "list"], ["vehicles", "show", "pickup"],
]


@pytest.mark.parametrize("argv", CSV_COMMANDS, ids=" ".join)
def test_every_json_format_has_csv(argv: list[str], capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    code, out, err = run([*argv, "--format", "csv"], capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) >= 2 or argv[:2] == ["profiles", "validate"]
    assert len({len(r) for r in rows}) == 1  # a rectangle: every row has the header's columns
    code, js, _ = run([*argv, "--format", "json"], capsys)
    doc = json.loads(js)
    if isinstance(doc, list):  # one row per record
        assert len(rows) == len(doc) + 1


def test_plan_and_check_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["plan", "i91-stanstead", "--out", str(tmp_path), "--format", "csv"],
                         capsys)
    assert code == 0, err
    (row,) = list(csv.DictReader(io.StringIO(out)))
    plan = json.loads((tmp_path / "i91-stanstead" / "plan.json").read_text(encoding="utf-8"))
    assert (row["corridor"], row["status"], row["cost_unit"]) == (
        "i91-stanstead", plan["solver"]["status"], "USD")
    assert int(row["sites.new"]) == sum(s["kind"] == "new" for s in plan["sites"])
    code, out, err = run(["check", str(tmp_path / "i91-stanstead" / "plan.json"), "--format",
                          "csv"], capsys)
    assert code == 0, err
    assert list(csv.DictReader(io.StringIO(out))) == [
        {"plan": str(tmp_path / "i91-stanstead" / "plan.json"), "corridor": "i91-stanstead",
         "ok": "true", "rule": "", "where": "", "message": ""}]


def test_corridors_create_and_border_plans_have_csv(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from evcorridor.cli.border_cmd import plan_border

    target = tmp_path / "pembina-emerson.yaml"
    code, out, err = run(["corridors", "create", "--crossing", "pembina-emerson", "--out",
                          str(target), "--format", "csv"], capsys)
    assert code == 0, err
    fields = dict(csv.reader(io.StringIO(out)))
    assert (fields["corridor.id"], fields["file"]) == ("pembina-emerson", str(target))
    assert float(fields["side_km.USA"]) > 0 and float(fields["side_km.CAN"]) > 0
    # plan --border --format csv prints the rows of border-summary.csv (one port here)
    plan_border("us-ca", out_dir=tmp_path / "border", reach_km=150.0, profile_set="na-2023",
                vehicles=[], scenario="default", cost_model="default", time_limit=None,
                fmt="csv", quiet=True, crossings=["pembina-emerson"])
    printed = capsys.readouterr().out
    assert printed == (tmp_path / "border" / "border-summary.csv").read_text(encoding="utf-8")
    assert {r["crossing"] for r in csv.DictReader(io.StringIO(printed))} == {"pembina-emerson"}


@pytest.mark.parametrize("width", [160, 100, 60])
def test_stations_list_keeps_ids_whole(width: int, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from evcorridor.render import console

    monkeypatch.setattr(console.out, "width", width)
    code, out, _ = run(["stations", "list", "i29-red-river"], capsys)
    assert code == 0 and "…" not in out
    code, js, _ = run(["stations", "list", "i29-red-river", "--format", "json"], capsys)
    for s in json.loads(js):
        assert s["id"] in out
    # the one connector notation for people (as in plans and reports)
    assert "NACS ×8 @250 kW" in " ".join(out.split())


# ----------------------------------------------------------------------------- help metavars
def _command_paths() -> list[list[str]]:
    """Every command and subcommand of the CLI: [] (the root), ["plan"], ["network", "info"]..."""
    from evcorridor.cli import COMMANDS, load_command

    paths: list[list[str]] = [[]]
    for name in COMMANDS:
        cmd = load_command(name)
        paths.append([name])
        paths += [[name, sub] for sub in sorted(getattr(cmd, "commands", {}))]
    return paths


#: Typer's Python-type metavars: `<str>`, `<bool>`, `<list[str]>`, `<float range>`, `<path>`,
#: `<%Y-%m-%d>`, `<Path>`... (help texts may still say `<corridor>` in a file name pattern)
_PY_TYPE = r"<(?:str|int|float|bool|path|Path|file|datetime|%[^>]*|list\[[^>]*\]|\w+ range)>"


def test_every_help_names_what_options_take(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    monkeypatch.setenv("COLUMNS", "250")
    paths = _command_paths()
    assert ["network", "info"] in paths and ["profiles", "show"] in paths and len(paths) > 30
    for path in paths:
        code, out, err = run([*path, "--help"], capsys)
        assert code == 0, (path, err)
        assert re.findall(_PY_TYPE, out) == [], path
        assert "{" not in out.split("\n\n")[0] + out.splitlines()[1], path  # usage: no {ID}
    code, out, _ = run(["plan", "--help"], capsys)
    rows = {line.split()[1]: line for line in out.splitlines() if line.startswith("│ --")}
    assert rows["--objective"].split()[2] == "cost|coverage"
    assert rows["--max-offset-km"].split()[2] == "KM"
    assert rows["--flows"].split()[2] == "FILE.csv"
    assert rows["--all"].split()[2] == "Plan"  # a flag takes no value: its help follows
    assert "Usage: evcorridor plan [OPTIONS] [CORRIDOR...]" in out
    code, out, _ = run(["size", "--help"], capsys)
    assert re.search(r"--demand-year\s+YEAR\s", out) and re.search(r"--currency\s+USD\|CAD", out)


def test_every_option_declares_a_metavar() -> None:
    """Not only what one terminal width shows: every visible option of every command says what
    it takes (a flag nothing, a choice its values, anything else a declared name)."""
    from typer import _click
    from typer.core import TyperArgument, TyperOption

    from evcorridor.cli import COMMANDS, load_command

    def walk(cmd: _click.Command, where: str) -> list[str]:
        bad = []
        ctx = _click.Context(cmd)
        for p in cmd.get_params(ctx):
            if getattr(p, "hidden", False):
                continue
            typed = isinstance(p, (TyperOption, TyperArgument))
            shown = p.display_type_rich(ctx) if typed else None
            if shown is None and isinstance(p, TyperArgument):
                shown = p.metavar
            if shown is None or "<" in shown or (shown == "" and not getattr(p, "is_flag", 0)):
                bad.append(f"{where} {'/'.join(p.opts)}: {shown!r}")
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            bad += walk(sub, f"{where} {name}")
        return bad

    bad = [b for name in COMMANDS for b in walk(load_command(name), name)]
    assert bad == []
