"""The command line's garbage-collector policy (cli/gcpolicy.py) and start-up settings."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref

import pytest

from evcorridor.cli.gcpolicy import frozen_for_workers, import_frozen, paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_paused_collects_the_blocks_cyclic_garbage_at_its_end() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        ref = _cycle()
        assert ref() is not None
        with paused():  # nested: still paused, nothing collected at the inner end
            assert not gc.isenabled()
        assert not gc.isenabled() and ref() is not None
    assert gc.isenabled()
    assert ref() is None  # one pass at the end found the cycle


def test_paused_restores_the_collector_after_an_error() -> None:
    with pytest.raises(RuntimeError), paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_frozen_for_workers_unfreezes_what_it_froze() -> None:
    assert gc.get_freeze_count() == 0
    with frozen_for_workers():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_import_frozen_without_freeze_leaves_the_collector_alone() -> None:
    module = import_frozen("json", freeze=False)
    assert module.dumps([1]) == "[1]"
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_import_frozen_with_freeze_pauses_then_freezes() -> None:
    import sys

    sys.modules.pop("colorsys", None)
    try:
        module = import_frozen("colorsys", freeze=True)
        assert module.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
        assert gc.get_freeze_count() > 0 and gc.isenabled()  # imported objects frozen
    finally:
        gc.unfreeze()


def test_program_run_disables_pydantic_plugins_unless_asked_and_freezes_imports() -> None:
    code = ("import gc, os, sys; from evcorridor.cli import main\n"
            "sys.argv = ['evcorridor', 'corridors', 'list', '--format', 'json']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(os.environ['PYDANTIC_DISABLE_PLUGINS'], gc.get_freeze_count() > 0, "
            "gc.isenabled(), file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    got = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert got.stderr.split() == ["__all__", "True", "True"]
    assert '"id": "i5-cascadia"' in got.stdout
    env["PYDANTIC_DISABLE_PLUGINS"] = ""  # the user's choice stands
    got = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert got.stderr.split() == ["True", "True"]
