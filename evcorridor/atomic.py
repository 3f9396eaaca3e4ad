"""Atomic file output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from evcorridor.errors import OutputError


def ensure_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create output folder: {exc.strerror}") from exc
    if not os.access(path, os.W_OK):
        raise OutputError(f"{path}: output folder is not writable")
    return path


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

    A failure inside the block leaves `final` untouched (no partial outputs).
    """
    final = Path(final)
    ensure_dir(final)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".staging-", dir=final))
    except OSError as exc:
        raise OutputError(f"{final}: cannot write: {exc.strerror or exc}") from exc
    try:
        yield tmp
        for src in sorted(tmp.rglob("*")):
            if src.is_file():
                dest = final / src.relative_to(tmp)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dest)
    finally:
        for p in sorted(tmp.rglob("*"), reverse=True):
            with contextlib.suppress(OSError):
                p.rmdir() if p.is_dir() else p.unlink()
        with contextlib.suppress(OSError):
            tmp.rmdir()
