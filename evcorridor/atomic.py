"""Atomic file output: write to a temporary file beside the target, then rename.

    write_bytes / write_text   one file: temporary file beside it, fsync, rename
    write_tree(root, files)    {relative path: bytes} under root, all or nothing (staged_dir)
    publish_dir(final)         a whole folder (a corridor's plan files) published as one unit:
                               written into a staging folder beside it, then renamed into place

Every relative path goes through `evcorridor.outpaths.inside` (safe slugs only, never outside
the root). A failure (disk full, permission) is an OutputError (exit 5) and leaves nothing
behind: no partial file, no empty folder, no staging folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from evcorridor.errors import OutputError
from evcorridor.outpaths import inside

#: renameat2(2) flag: swap two paths atomically (Linux 3.15+, glibc 2.28+)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False
    where the platform or file system cannot, so the caller falls back to two renames."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes.util  # here: only publish_dir's replacement of a folder needs it

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def ensure_dir(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: cannot create output folder: a file of that name exists")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create output folder: {exc.strerror}") from exc
    if not os.access(path, os.W_OK):
        raise OutputError(f"{path}: output folder is not writable")
    return path


def _made_dirs(path: Path) -> list[Path]:
    """The folders `ensure_dir(path)` would create, deepest first (to undo it on failure)."""
    made: list[Path] = []
    p = Path(path)
    while not p.exists() and p != p.parent:
        made.append(p)
        p = p.parent
    return made


def _remove_dirs(folders: list[Path]) -> None:
    for d in folders:  # deepest first; only empty folders go
        with contextlib.suppress(OSError):
            d.rmdir()


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (never leaves a partial file)."""
    path = Path(path)
    ensure_dir(path.parent if str(path.parent) else Path("."))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # e.g. a folder that os.access calls writable but is not (root, /proc)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary folder beside `final`; on success its files are moved into `final`.

    A failure inside the block leaves `final` untouched (no partial outputs, and no folder that
    this call created); an OSError in the block (disk full) becomes an OutputError.
    """
    final = Path(final)
    made = _made_dirs(final)
    ensure_dir(final)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".staging-", dir=final))
    except OSError as exc:
        _remove_dirs(made)
        raise OutputError(f"{final}: cannot write: {exc.strerror or exc}") from exc
    ok = False
    try:
        try:
            yield tmp
            for src in sorted(tmp.rglob("*")):
                if src.is_file():
                    dest = final / src.relative_to(tmp)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(src, dest)
        except OSError as exc:
            raise OutputError(f"{final}: cannot write: {exc.strerror or exc}") from exc
        ok = True
    finally:
        for p in sorted(tmp.rglob("*"), reverse=True):
            with contextlib.suppress(OSError):
                p.rmdir() if p.is_dir() else p.unlink()
        with contextlib.suppress(OSError):
            tmp.rmdir()
        if not ok:
            _remove_dirs(made)


def write_tree(root: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write {relative path: bytes} under `root`, all or nothing (staged, then moved into place).

    Every relative path must be made of safe slugs and stay inside `root` (InputError, exit 3:
    the names come from plan data); nothing is written otherwise."""
    root = Path(root)
    targets = {rel: inside(root, rel) for rel in sorted(files)}
    with staged_dir(root) as tmp:
        for rel, data in sorted(files.items()):
            dest = tmp / targets[rel].relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
    return [targets[rel] for rel in sorted(files)]


@contextlib.contextmanager
def publish_dir(final: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside `final`; on success it becomes `final` by one rename.

    The files of one unit (a corridor's plan.json, sites.csv, ...) thus appear together: a
    reader sees the previous folder or the new one, never a mix. A previous `final` is swapped
    with the staging folder in one atomic step where the platform can (Linux renameat2
    RENAME_EXCHANGE) and then removed; elsewhere it is renamed aside first and removed after the
    new folder is in place (a crash between those two renames leaves a hidden `.NAME.old-*`).
    A failure in the block (an OSError such as a full disk becomes an OutputError) leaves the
    previous `final` as it was and removes the staging folder and any parent folder this call
    created.
    """
    final = Path(final)
    parent = final.parent
    made = _made_dirs(parent)
    ensure_dir(parent)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=parent))
    except OSError as exc:
        _remove_dirs(made)
        raise OutputError(f"{final}: cannot write: {exc.strerror or exc}") from exc
    old: Path | None = None
    try:
        try:
            yield stage
            os.chmod(stage, 0o755)
            if final.is_symlink() or final.is_file():
                raise OutputError(f"{final}: exists and is not a folder; refused to replace it")
            if final.exists() and exchange(stage, final):
                # one atomic swap: `final` is the new folder, `stage` holds the previous run
                shutil.rmtree(stage, ignore_errors=True)
                return
            if final.exists():  # no atomic swap here: previous run aside, then the new one in
                old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=parent))
                os.replace(final, old)  # an empty folder may be replaced by a folder
            os.replace(stage, final)
        except OSError as exc:
            if old is not None and not final.exists():
                with contextlib.suppress(OSError):
                    os.replace(old, final)  # put the previous run back
                old = None
            raise OutputError(f"{final}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _remove_dirs(made)
        raise
    finally:
        if old is not None:
            if final.exists():
                shutil.rmtree(old, ignore_errors=True)
            else:  # interrupted between the two renames: put the previous run back
                with contextlib.suppress(OSError):
                    os.replace(old, final)
