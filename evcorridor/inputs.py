"""Bounded, uniform reading of input files: size limits, one-line errors, streaming CSV, safe JSON.

Every reader of a user's file goes through this module:

    open_binary(path, kind)      a binary file object; refused over the kind's size limit
    check_readable(path, kind)   the same checks, for a file another library opens by name
    read_bytes(path, kind)       the whole file (at most the limit)
    read_text(path, kind)        the same, decoded as UTF-8 (BOM allowed)
    loads_json(text, name)       JSON with one-line errors (also for nesting too deep, NaN)
    read_json(path, kind)        read_text + loads_json
    csv_rows(path, kind, ...)    (header, iterator of (line, row)) streamed row by row
    Problems                     the problems of a file: the first MAX_KEPT kept, all counted

Size limits (bytes; README "Input limits"): a file over its kind's limit is refused with one
line (exit 3) before it is parsed, so no input can make memory grow without bound. A file that
does not report its size (a pipe, /dev/zero) is cut off at the limit while it is read.
Unreadable files (missing, a folder, no permission, not UTF-8) are one-line InputErrors (exit 3)
for every option that names a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from evcorridor.errors import InputError

_M = TypeVar("_M", bound=BaseModel)

MiB: Final = 1024 * 1024

#: bytes per input kind (README "Input limits")
LIMITS: Final[dict[str, int]] = {
    "plan": 64 * MiB,  # plan.json given to check, map, report
    "sizing": 64 * MiB,  # sizing.json given to check, report
    "network": 64 * MiB,  # a GraphML file or each of nodes.csv / edges.csv (--network, pull)
    "flows": 64 * MiB,  # O-D flows CSV (--flows)
    "stations": 128 * MiB,  # a station file (AFDC, OCM, GeoJSON, supercharge.info, normalised)
    "json": 64 * MiB,  # any other JSON document (an Overpass answer, a cached pull)
    # Travel Mapping HighwayData (--source travelmapping --path): its .wpt and .csv files
    # together, as read (uncompressed)
    "travelmapping": 256 * MiB,
}
#: problems kept per file (the rest are counted): a file of a million bad rows stays small
MAX_KEPT: Final = 100
#: characters of a header shown in an error message
HEADER_SHOWN: Final = 200

KINDS: Final = {"plan": "plan file", "sizing": "sizing file", "network": "network file",
                "flows": "flows file", "stations": "station file", "json": "JSON file",
                "travelmapping": "Travel Mapping tree (its .wpt and .csv files together)"}


def limit_of(kind: str) -> int:
    return LIMITS[kind]


def _size_error(path: Path | str, kind: str, size: int | None) -> InputError:
    what = f"{size} bytes" if size is not None else "longer than that"
    return InputError(f"{path}: {what}, over the {LIMITS[kind]}-byte limit for a "
                      f"{KINDS.get(kind, kind)}; refused (see README, Input limits)")


def _open_error(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: file not found")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path}: is a folder, not a file")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: cannot read: permission denied")
    return InputError(f"{path}: cannot read: {exc.strerror or exc}")


class _Capped(io.RawIOBase):
    """A binary stream that raises an InputError once more than `limit` bytes were read."""

    def __init__(self, raw: io.FileIO, path: Path, kind: str) -> None:
        self._raw, self._path, self._kind = raw, path, kind
        self._left = LIMITS[kind]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self._left -= n
        if self._left < 0:
            raise _size_error(self._path, self._kind, None)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_binary(path: Path | str, kind: str) -> IO[bytes]:
    """Open `path` for reading; InputError (one line) when it cannot be opened or is over the
    size limit of `kind`. The caller closes it (use `with`)."""
    path = Path(path)
    if kind not in LIMITS:
        raise KeyError(kind)
    try:
        raw = io.FileIO(path, "rb")
    except OSError as exc:
        raise _open_error(path, exc) from None
    try:
        st = os.fstat(raw.fileno())
    except OSError as exc:
        raw.close()
        raise _open_error(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raw.close()
        raise InputError(f"{path}: is a folder, not a file")
    if stat.S_ISREG(st.st_mode):
        if st.st_size > LIMITS[kind]:
            raw.close()
            raise _size_error(path, kind, st.st_size)
        return io.BufferedReader(raw)
    return io.BufferedReader(_Capped(raw, path, kind))


def check_readable(path: Path | str, kind: str | None = None) -> None:
    """The checks of `open_binary` (readable; within the size limit of `kind` when given) for a
    file that another reader opens by name (osmnx's OSM XML reader, the YAML validator)."""
    if kind is not None:
        with open_binary(path, kind):
            return
    try:
        io.FileIO(path, "rb").close()
    except OSError as exc:
        raise _open_error(Path(path), exc) from None


def read_bytes(path: Path | str, kind: str) -> bytes:
    with open_binary(path, kind) as fh:
        try:
            return fh.read()
        except OSError as exc:
            raise _open_error(Path(path), exc) from None


def decode(raw: bytes, path: Path | str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_text(path: Path | str, kind: str) -> str:
    return decode(read_bytes(path, kind), path)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads_json(text: str | bytes, name: Path | str, *, allow_nan: bool = True) -> Any:
    """Parse JSON; one-line InputError for bad syntax, nesting too deep to read, and (with
    `allow_nan=False`) the non-standard NaN/Infinity tokens."""
    try:
        if allow_nan:
            return json.loads(text)
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply to read (arrays/objects inside each "
                         "other hundreds of levels deep); refused") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except ValueError as exc:  # parse_constant, or an integer with too many digits
        raise InputError(f"{name}: not valid JSON: {exc}") from None


def read_json(path: Path | str, kind: str = "json", *, allow_nan: bool = True) -> Any:
    text = read_text(path, kind)
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return loads_json(text, path, allow_nan=allow_nan)


def read_document(path: Path | str, kind: str, version: str, model: type[_M],
                  upgrade: Mapping[str, Callable[[dict[str, Any]], dict[str, Any]]] | None = None
                  ) -> _M:
    """A versioned JSON document (plan.json, sizing.json) validated as `model`; one-line
    InputError for unreadable, oversized, non-object, unknown-version, non-finite (NaN, 1e400)
    or malformed files. `upgrade`: older versions still read, each with the function that turns
    it into the current one."""
    path = Path(path)
    raw = loads_json(read_text(path, kind), path, allow_nan=False)
    if not isinstance(raw, dict):
        raise InputError(f"{path}: not a {kind} file (expected a JSON object)")
    got = raw.get("schema_version")
    if upgrade and isinstance(got, str) and got in upgrade:
        raw = upgrade[got](raw)
        got = raw.get("schema_version")
    if got != version:
        also = "".join(f" and {old!r}" for old in (upgrade or {}))
        raise InputError(f"{path}: unknown {kind} schema version {got!r}; "
                         f"this evcorridor reads {version!r}{also}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: {where}: {first['msg']}") from exc


def shown_header(values: Sequence[str]) -> str:
    """A header for an error message: at most HEADER_SHOWN characters, on one line (a control
    character such as a newline in a quoted header cell is shown escaped, `\\n`)."""
    text = ", ".join(v for v in values if v)
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= HEADER_SHOWN else text[:HEADER_SHOWN - 3] + "..."


def delimiter_hint(header: Sequence[str]) -> str:
    """'; the header seems to use semicolons: ...' when a header read as one column holds
    another delimiter (a file exported with ';', tabs or '|'), else ''."""
    if len(header) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
            if sep in header[0]:
                return f"; the header seems to use {name}: the file must be comma-separated"
    return ""


def csv_error(path: Path | str, line: int, start: int, exc: csv.Error) -> InputError:
    """One line for a csv.Error: an unterminated quote is named as such, with the row it opened."""
    msg = str(exc)
    if "unexpected end of data" in msg or "EOF inside string" in msg:
        return InputError(f"{path}:row {start}: unterminated quote: a quoted field opened on "
                          "this row is never closed")
    if "field larger than field limit" in msg:
        return InputError(f"{path}:row {start}: a field longer than {csv.field_size_limit()} "
                          "characters (an unterminated quote?)")
    return InputError(f"{path}:row {line}: malformed CSV: {msg}")


def _text_lines(path: Path, kind: str) -> Iterator[str]:
    """The lines of a UTF-8 (BOM allowed) text file, read as a stream (newlines kept as is)."""
    with open_binary(path, kind) as fh, \
            io.TextIOWrapper(fh, encoding="utf-8-sig", newline="") as text:
        n = 0
        try:
            for line in text:
                n += 1
                yield line
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason}) after row {n}") from None
        except OSError as exc:
            raise _open_error(path, exc) from None


def csv_rows(path: Path | str, kind: str, required: Sequence[str] = (), *,
             comments: bool = False, lower: bool = False
             ) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Stream a CSV file: its header (stripped; lower-cased with `lower`) and an iterator of
    (row number, values) for the non-blank rows after it. Row numbers are the file's line
    numbers (header and comments included). With `comments`, lines starting with '#' are
    comments. A missing `required` column is an InputError showing the header (at most
    HEADER_SHOWN characters) and, when the header is one field holding ';', tab or '|', the
    delimiter it seems to use. Malformed CSV (an unterminated quote) is an InputError."""
    path = Path(path)
    lines = _text_lines(path, kind)
    if comments:
        lines = ("\n" if ln.lstrip().startswith("#") else ln for ln in lines)
    reader = csv.reader(lines, strict=True)
    header: list[str] = []
    start = 1
    try:
        while not any(h.strip() for h in header):
            start = reader.line_num + 1
            header = next(reader)
    except StopIteration:
        cols = f" (expected a header: {','.join(required)})" if required else ""
        raise InputError(f"{path}: empty file{cols}") from None
    except csv.Error as exc:
        raise csv_error(path, reader.line_num, start, exc) from None
    header = [h.strip().lower() if lower else h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise InputError(f"{path}:row {reader.line_num}: missing column{plural} "
                         f"{', '.join(missing)} (header has: {shown_header(header)})"
                         f"{delimiter_hint(header)}")

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            begin = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise csv_error(path, reader.line_num, begin, exc) from None
            if any(v.strip() for v in values):
                yield reader.line_num, values

    return header, rows()


class Problems:
    """Problems found in one file: the first MAX_KEPT are kept, all are counted."""

    def __init__(self, keep: int = MAX_KEPT) -> None:
        self.kept: list[str] = []
        self.count = 0
        self._keep = keep

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.kept) < self._keep:
            self.kept.append(message)

    def extend(self, messages: Sequence[str]) -> None:
        for m in messages:
            self.add(m)

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count
