"""The garbage collector's policy for one command run (issue 12: speed).

CPython's cyclic collector starts a pass every few hundred new container objects, and every so
often a full pass over everything alive. A command imports a thousand modules' worth of long-lived
objects, then builds and drops figures, graphs and models: those passes were about a tenth of
`map` and `report` (most of it full passes walking the imported libraries again and again) and a
twentieth of `corridors list`. Three tools, each used by the command line only:

    import_frozen(name)   import a module with the collector paused, then freeze what is alive
                          (`gc.freeze`: later passes skip it); in the program only, see `main`
    paused()              a unit of work (one plan's pictures, one corridor's plan) runs with
                          the collector paused; its cyclic garbage is collected in one pass over
                          what it allocated when it ends
    frozen_for_workers()  the parent's objects frozen while forked workers run (their passes
                          do not walk, and so do not copy, the pages they share with the
                          parent), unfrozen after

No object is freed later than one unit of work after it becomes garbage; memory stays bounded
by one unit's garbage.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def import_frozen(module_name: str, *, freeze: bool) -> Any:
    """Import `module_name`; with `freeze`, with the collector paused, then freeze what is
    alive (callers in a long-lived process, such as tests, pass freeze=False)."""
    if not freeze or not gc.isenabled():
        return importlib.import_module(module_name)
    gc.disable()
    try:
        return importlib.import_module(module_name)
    finally:
        gc.freeze()
        gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """The collector paused in the block; one pass over the block's new objects at its end.
    Nested or already paused: nothing changes."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)  # nothing was collected in the block, so its objects are all in gen 0


@contextmanager
def frozen_for_workers() -> Iterator[None]:
    """Freeze this process's objects while the block forks and waits for workers; unfrozen
    after, unless something was frozen before (the program's imports: `import_frozen`)."""
    already = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()
