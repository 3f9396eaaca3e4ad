"""Output paths: every file evcorridor writes is named by a safe slug and resolved inside `--out`.

    safe_slug(value, what)        -> value, or ValueError naming what is wrong (for validators)
    SafeSlug                      the same as a pydantic field type (plan ids, sweep targets)
    is_safe_slug(value)           -> bool
    inside(root, rel, error=...)  -> root / rel, refused unless every part of `rel` is a safe
                                     slug and the result resolves inside `root`

A safe slug is 1 to 100 characters of ASCII letters, digits, '.', '_' and '-', starting with a
letter or digit and not ending with '.': it can never be '..', an absolute path, a drive, a
hidden file or hold a separator. Corridor ids, generic network names and every file name that a
writer joins to an output folder must be one. The writers (evcorridor.atomic.write_tree and
publish_dir, siting.plan.write_outputs, render) build their paths with `inside`; the plan loader
(plan_model) refuses a plan whose ids are not safe slugs, so `map`, `report` and `check` never
see one.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Annotated, Final

from pydantic import AfterValidator, Field

from evcorridor.errors import EvCorridorError, InputError

SLUG_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_-])?")
SLUG_RULE: Final = ("1-100 ASCII letters, digits, '.', '_' or '-', starting with a letter or "
                    "digit, not ending with '.'")


def is_safe_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG_RE.fullmatch(value) is not None


def safe_slug(value: str, what: str = "id") -> str:
    """`value` if it is a safe slug; ValueError naming `what` otherwise (for pydantic)."""
    if not is_safe_slug(value):
        raise ValueError(f"{what} {_shown(value)} is not a safe name ({SLUG_RULE})")
    return value


#: a pydantic field type for an id that names files and folders (plan corridors and crossings,
#: sweep targets): validated by `safe_slug`, with the pattern in the JSON Schema
SafeSlug = Annotated[str, AfterValidator(safe_slug),
                     Field(json_schema_extra={"pattern": f"^{SLUG_RE.pattern}$",
                                              "maxLength": 100})]


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def inside(root: Path | str, rel: str, *, error: type[EvCorridorError] = InputError) -> Path:
    """`root / rel` for a relative path `rel` ('a/b.png') whose every part is a safe slug and
    which resolves inside `root` (symlinks included); `error` (one line) otherwise."""
    root = Path(root)
    parts = PurePosixPath(rel).parts if rel else ()
    if not parts or "\\" in rel or not all(is_safe_slug(p) for p in parts):
        raise error(f"{_shown(rel)}: not a safe output name ({SLUG_RULE} per folder); refused to "
                    f"write it under {root}")
    target = root.joinpath(*parts)
    base = root.resolve()
    if not target.resolve().is_relative_to(base):
        raise error(f"{target}: resolves outside the output folder {root} (a symlink?); refused")
    return target
