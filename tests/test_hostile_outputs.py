"""Issue 13, class "writes escape the output folder" and "a corridor's files as one unit".

Every output path is built from a safe slug and resolved inside --out (evcorridor.outpaths); a
plan whose ids are not safe is a bad input file (exit 3) for map, report and check; a network
file whose stem is not safe is a usage error (exit 2). A full disk during `plan` is exit 5 with
nothing left; a corridor folder is published as one unit and check notices siblings that do not
belong to the plan. Networks and flows used here are the SYNTHETIC fixtures of tests/fixtures.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from evcorridor.atomic import publish_dir, write_tree
from evcorridor.errors import InputError, OutputError, UsageError
from evcorridor.outpaths import inside, is_safe_slug, safe_slug
from evcorridor.plan_model import load_plan
from tests.cli_run import run

FIX = Path(__file__).parent / "fixtures"
PLAN = FIX / "render" / "plan.json"  # a real plan (synthetic-blaine) written by `plan`
LINE = FIX / "generic" / "line"  # SYNTHETIC five-node line network with its flows

BAD_IDS = ["/tmp/x", "../../../x", "..", ".", "a/b", "a\\b", "", ".hidden", "x.", "a b",
           "c:", "x" * 101, "é"]


def plan_with(tmp_path: Path, name: str = "plan.json", **changes: object) -> Path:
    raw = json.loads(PLAN.read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# --- the validator and the resolver --------------------------------------------------------------

@pytest.mark.parametrize("bad", BAD_IDS)
def test_unsafe_names_are_refused(bad: str, tmp_path: Path) -> None:
    assert not is_safe_slug(bad)
    with pytest.raises(ValueError, match="is not a safe name"):
        safe_slug(bad, "corridor")
    if bad != "a/b":  # a relative path of safe parts is what `inside` joins
        with pytest.raises(InputError, match="not a safe output name"):
            inside(tmp_path, bad)


@pytest.mark.parametrize("good", ["i5-cascadia", "line", "Net_2", "a.b", "x" * 100, "7"])
def test_safe_names_pass(good: str, tmp_path: Path) -> None:
    assert safe_slug(good) == good
    assert inside(tmp_path, good) == tmp_path / good
    assert inside(tmp_path, f"{good}/map.png") == tmp_path / good / "map.png"


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "i5").symlink_to(outside)
    with pytest.raises(UsageError, match="resolves outside the output folder"):
        inside(out, "i5/map.png", error=UsageError)
    with pytest.raises(InputError, match="resolves outside"):
        write_tree(out, {"i5/map.png": b"x"})
    assert list(outside.iterdir()) == []


def test_write_tree_refuses_every_unsafe_path_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for rel in ("../escape.txt", "/tmp/escape.txt", "ok/../../escape.txt"):
        with pytest.raises(InputError):
            write_tree(out, {"fine.txt": b"1", rel: b"2"})
    assert not out.exists() and not (tmp_path / "escape.txt").exists()


# --- map, report, check with a hostile plan -------------------------------------------------------

@pytest.mark.parametrize("corridor", ["/tmp/x", "../../../x", "..", "a/b"])
def test_map_and_report_refuse_a_corridor_that_is_a_path(corridor: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    path = plan_with(work, corridor=corridor)
    before = tree(tmp_path)
    for argv in (["map", str(path), "--out", str(work / "maps")],
                 ["map", str(path)],
                 ["report", str(path), "--out", str(work / "rep")],
                 ["check", str(path)]):
        code, _, err = run(argv, capsys)
        assert code == 3, (argv, err)
        assert err.count("\n") == 1 and "corridor" in err and "not a safe name" in err, err
    assert tree(tmp_path) == before  # nothing written anywhere


def test_plan_loader_refuses_unsafe_crossing_ids(tmp_path: Path) -> None:
    path = plan_with(tmp_path, crossings=["../x"])
    with pytest.raises(InputError, match=r"crossings\.0: Value error, crossing|not a safe name"):
        load_plan(path)


def test_network_stem_dotdot_is_a_usage_error_and_nothing_lands_in_the_parent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    net = tmp_path / "...graphml"  # stem '..'
    shutil.copy(LINE / "nodes.csv", tmp_path / "nodes.csv")
    net.write_text("<graphml/>", encoding="utf-8")
    out = tmp_path / "sub" / "out"
    code, _, err = run(["plan", "--network", str(net), "--flows", str(LINE / "flows.csv"),
                        "--objective", "coverage", "--budget", "1", "--range-km", "250",
                        "--out", str(out)], capsys)
    assert code == 2
    assert err.startswith(f"error: --network {net}: the plan is named after the file, and '..'")
    assert err.count("\n") == 1
    assert not (tmp_path / "sub").exists() and not (tmp_path / "plan.json").exists()


# --- plan: full disk, one unit, sibling files --------------------------------------------------

def _generic(out: Path) -> list[str]:
    return ["plan", "--network", str(LINE), "--flows", str(LINE / "flows.csv"), "--objective",
            "coverage", "--budget", "2", "--range-km", "250", "--out", str(out), "--quiet"]


def test_disk_full_during_plan_is_exit_5_with_nothing_left(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:  # type: ignore[override]
        if self.name == "sites.csv":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "out"
    code, _, err = run(_generic(out), capsys)
    assert code == 5
    assert err == f"error: {out / 'line'}: cannot write: No space left on device\n"
    assert not out.exists()  # no corridor folder, no staging folder, not even --out
    # a previous run's folder stays as it was
    monkeypatch.setattr(Path, "write_bytes", real)
    assert run(_generic(out), capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in (out / "line").iterdir()}
    monkeypatch.setattr(Path, "write_bytes", full)
    assert run(_generic(out), capsys)[0] == 5
    assert {p.name: p.read_bytes() for p in (out / "line").iterdir()} == before
    assert tree(out) == sorted(["line", *(f"line/{n}" for n in before)])


def test_a_corridor_folder_is_replaced_as_one_unit(tmp_path: Path) -> None:
    final = tmp_path / "out" / "c"
    with publish_dir(final) as stage:
        (stage / "plan.json").write_text("1")
        (stage / "old-only.txt").write_text("1")
    with publish_dir(final) as stage:
        (stage / "plan.json").write_text("2")
    assert tree(tmp_path / "out") == ["c", "c/plan.json"]  # no sibling of the previous run
    with pytest.raises(OutputError, match="cannot write: boom"), publish_dir(final) as stage:
        (stage / "plan.json").write_text("3")
        raise OSError("boom")
    assert (final / "plan.json").read_text() == "2"
    assert tree(tmp_path / "out") == ["c", "c/plan.json"]


def test_check_notices_siblings_that_do_not_belong_to_the_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run(_generic(out), capsys)[0] == 0
    plan_json = out / "line" / "plan.json"
    plan = load_plan(plan_json)
    assert sorted(plan.files) == ["sites.csv", "sites.geojson"]
    code, stdout, _ = run(["check", str(plan_json), "--input", str(LINE)], capsys)
    assert code == 0, stdout
    # a crash of an old writer: the previous run's sites.csv beside this plan
    (out / "line" / "sites.csv").write_text("id,kind\nnew:9,new\n", encoding="utf-8")
    (out / "line" / "sites.geojson").unlink()
    code, stdout, _ = run(["check", str(plan_json), "--input", str(LINE)], capsys)
    assert code == 1
    lines = [ln for ln in stdout.splitlines() if ": files: " in ln]
    assert len(lines) == 2
    assert f"files: sites.csv: {out / 'line' / 'sites.csv'} does not belong to this plan" \
        in lines[0]
    assert lines[1].endswith(f"files: sites.geojson: missing beside the plan "
                             f"({out / 'line' / 'sites.geojson'})")


def test_the_plan_schema_refuses_unsafe_ids_like_the_loader() -> None:
    import jsonschema

    from evcorridor.plan_model import plan_schema

    v = jsonschema.Draft202012Validator(plan_schema())
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    v.validate(plan)
    for bad in ("../x", "/tmp/x", ".."):
        assert not v.is_valid({**plan, "corridor": bad})
        assert not v.is_valid({**plan, "crossings": [bad]})


# --- the later writers: corridors create, sweep runs, sizing --------------------------------------

@pytest.mark.parametrize("bad", ["../x", "/tmp/x", "X"])
def test_corridors_create_refuses_an_id_that_is_a_path(bad: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["corridors", "create", "--crossing", "pembina-emerson", "--id", bad],
                         capsys)
    assert (code, out) == (2, "")
    assert err == (f"error: --id {bad!r}: a corridor id is lower-case letters, digits and single "
                   "dashes (it names the corridor's files)\n")


def test_a_sweep_target_that_is_a_path_is_a_bad_input_file(tmp_path: Path) -> None:
    from evcorridor.sweep import load_sweep

    spec = tmp_path / "sweep.yaml"
    spec.write_text("corridors: [i29-red-river, ../../escape]\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_sweep(spec)
    assert str(err.value).startswith(f"{spec}:1:")
    assert "corridors.1" in str(err.value) and "not a safe name" in str(err.value)


def test_sizing_folder_is_resolved_inside_out(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from evcorridor.sizing.output import write_sizing

    with pytest.raises(InputError, match="not a safe output name"):
        write_sizing(SimpleNamespace(corridor="../x"), tmp_path / "out")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_plan_never_replaces_a_folder_that_is_not_a_plan_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    (out / "line").mkdir(parents=True)
    (out / "line" / "notes.txt").write_text("mine\n", encoding="utf-8")
    code, _, err = run(_generic(out), capsys)
    assert code == 5
    assert err == (f"error: {out / 'line'}: exists and holds no plan.json; a plan replaces its "
                   "whole corridor folder, so it will not replace this one (choose another "
                   "--out)\n")
    assert tree(out) == ["line", "line/notes.txt"]


def test_check_of_a_folder_skips_staging_leftovers(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run(_generic(out), capsys)[0] == 0
    shutil.copytree(out / "line", out / ".line.staging-abc")  # what a killed writer leaves
    code, stdout, _ = run(["check", str(out), "--input", str(LINE)], capsys)
    assert code == 0
    assert stdout.splitlines()[-1].startswith("1 plan(s): 1 passed")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux-only")
def test_replacing_a_corridor_folder_is_one_atomic_swap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Linux the previous folder and the new one change places in one renameat2 call: no
    moment without the folder, and no second rename a crash could fall between."""
    import evcorridor.atomic as atomic

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("from a")
    (b / "y").write_text("from b")
    assert atomic.exchange(a, b) is True
    assert [p.name for p in a.iterdir()] == ["y"] and [p.name for p in b.iterdir()] == ["x"]
    final = tmp_path / "out" / "c"
    with publish_dir(final) as stage:
        (stage / "plan.json").write_text("1")

    def no_rename(*args: object) -> None:
        raise AssertionError("a second rename was used")

    monkeypatch.setattr(atomic.os, "replace", no_rename)
    with publish_dir(final) as stage:
        (stage / "plan.json").write_text("2")
    assert (final / "plan.json").read_text() == "2"
    assert tree(tmp_path / "out") == ["c", "c/plan.json"]
