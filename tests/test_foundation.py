"""The package, CLI wiring and shared helpers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evcorridor.atomic import staged_dir, write_text
from evcorridor.connectors import UnknownConnector, normalize
from evcorridor.errors import unknown_id
from evcorridor.yamlio import YamlProblems, loads_yaml


def test_python_m_entry_point_prints_version() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "evcorridor", "--version"], capture_output=True, text=True
    )
    assert res.returncode == 0
    assert res.stdout.strip().startswith("evcorridor 0.")


def test_unknown_id_suggests_closest() -> None:
    err = unknown_id("corridor", "i5-cascaida", ["i5-cascadia", "i5-tijuana", "niagara"])
    assert str(err) == "unknown corridor 'i5-cascaida'; did you mean 'i5-cascadia'?"
    assert err.exit_code == 2


def test_did_you_mean_tries_prefixes_and_substrings_first() -> None:
    ids = ["blaine-pacific-highway", "blaine-peace-arch", "laurier", "lynden-aldergrove"]
    # a prefix finds every id it starts, and only those (no spelling neighbours mixed in)
    assert str(unknown_id("crossing", "blaine", ids)) == (
        "unknown crossing 'blaine'; did you mean 'blaine-pacific-highway' or "
        "'blaine-peace-arch'?")
    # a substring: the word inside the id
    assert "did you mean 'blaine-peace-arch'?" in str(unknown_id("crossing", "peace", ids))
    # neither: a spelling neighbour
    assert "did you mean 'laurier'?" in str(unknown_id("crossing", "lauriet", ids))


def test_connector_aliases_and_suggestion() -> None:
    assert normalize("J1772COMBO") == "CCS1"
    assert normalize("sae j3400") == "NACS"
    assert normalize("TESLA") == "NACS"
    with pytest.raises(UnknownConnector, match="did you mean 'CCS1'"):
        normalize("CSS1")


def test_yaml_positions_and_duplicate_keys() -> None:
    loc = loads_yaml("id: a\nitems:\n  - x: 1\n  - x: 2\n", "f.yaml")
    assert loc.data == {"id": "a", "items": [{"x": 1}, {"x": 2}]}
    assert loc.where(("items", 1, "x")) == (4, 5)
    with pytest.raises(YamlProblems) as exc:
        loads_yaml("id: a\nid: b\n", "f.yaml")
    assert str(exc.value) == "f.yaml:2:1: id: duplicate key"


def test_yaml_alias_bomb_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        )
    with pytest.raises(YamlProblems, match="alias bomb"):
        loads_yaml("\n".join(lines), "bomb.yaml")


def test_atomic_staged_dir_leaves_nothing_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staged_dir(out) as stage:
        write_text(stage / "a.txt", "partial")
        raise RuntimeError("render failed")
    assert not out.exists()  # not even the folder staged_dir created
    with staged_dir(out) as stage:
        write_text(stage / "a.txt", "done")
    assert (out / "a.txt").read_text() == "done"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
