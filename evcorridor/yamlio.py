"""Safe YAML loading that remembers where every value came from (line and column).

Used for corridor, profile, vehicle, profile-set and cost-model files so that every problem can
be reported as `file:line:column: field.path: message`.

Safety: ruamel's round-trip loader never constructs arbitrary objects; on top of that we refuse
files over MAX_BYTES, documents nested deeper than MAX_DEPTH and documents whose expansion (with
aliases followed) exceeds MAX_NODES (an "alias bomb"). Duplicate keys are errors.
"""

from __future__ import annotations

import copy
import datetime
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from evcorridor.errors import InputError, closest

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 100_000

Loc = tuple[str | int, ...]


#: control characters (a newline in a quoted YAML key...) shown escaped: a problem is one line
_ONE_LINE = {c: repr(chr(c))[1:-1] for c in (*range(32), 127)}


@dataclass
class Problem:
    """One problem in one file, printable as `file:line:column: field.path: message`."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return text.translate(_ONE_LINE)


class YamlProblems(InputError):
    """Raised with one or more problems; `str()` is the first, `.problems` has them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(str(problems[0]) if problems else "invalid YAML")
        self.problems = problems


@dataclass
class Located:
    """Plain Python data from a YAML file plus the (1-based) position of every key/item."""

    file: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[int, int]:
        """Position of `loc`, or of its closest existing parent."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            # a number used as a mapping key is recorded as text (`1:` -> "1")
            as_text = tuple(str(p) for p in loc)
            if as_text in self.positions:
                return self.positions[as_text]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, loc: Loc, message: str) -> Problem:
        line, col = self.where(loc)
        return Problem(self.file, line, col, dotted(loc), message)


def dotted(loc: Loc) -> str:
    return ".".join(str(p) for p in loc)


class _Walker:
    def __init__(self, located: Located) -> None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        self.located = located
        self.nodes = 0
        self.mapping, self.sequence = CommentedMap, CommentedSeq

    def walk(self, node: Any, loc: Loc, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlProblems(
                [
                    Problem(
                        self.located.file,
                        1,
                        1,
                        "",
                        f"document expands to more than {MAX_NODES} values (alias bomb?); refused",
                    )
                ]
            )
        if depth > MAX_DEPTH:
            line, col = self.located.where(loc)
            raise YamlProblems(
                [
                    Problem(
                        self.located.file,
                        line,
                        col,
                        dotted(loc),
                        f"nested deeper than {MAX_DEPTH} levels; refused",
                    )
                ]
            )
        if isinstance(node, self.mapping):
            out: dict[Any, Any] = {}
            for key in node:
                try:
                    line, col = node.lc.key(key)
                    self.located.positions[(*loc, str(key))] = (line + 1, col + 1)
                except (KeyError, TypeError, AttributeError):
                    self.located.positions[(*loc, str(key))] = self.located.where(loc)
                out[str(key) if not isinstance(key, (str, int, float, bool)) else key] = self.walk(
                    node[key], (*loc, str(key)), depth + 1
                )
            return out
        if isinstance(node, self.sequence):
            items = []
            for i, item in enumerate(node):
                try:
                    line, col = node.lc.item(i)
                    self.located.positions[(*loc, i)] = (line + 1, col + 1)
                except (KeyError, TypeError, AttributeError):
                    self.located.positions[(*loc, i)] = self.located.where(loc)
                items.append(self.walk(item, (*loc, i), depth + 1))
            return items
        if isinstance(node, str):
            return str(node)
        if isinstance(node, bool):
            return bool(node)
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        return node


#: parsed documents by (display name, the file's bytes): each config file is parsed once per
#: process however often it is loaded (`plan --all` loads the same profiles for every corridor)
_PARSED: dict[tuple[str, bytes], Located] = {}
_PARSED_MAX = 1024


def load_yaml(path: Path | str, *, display: str | None = None) -> Located:
    """Load one YAML document safely. Raises YamlProblems (an InputError) with file:line:col.

    The bytes are read every time; a file whose bytes were parsed before in this process is not
    parsed again (a copy of the earlier result is returned, so callers may change it)."""
    path = Path(path)
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{name}: file not found") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror}") from exc
    key = (name, raw)
    found = _PARSED.get(key)
    if found is None:
        found = loads_yaml(raw, name)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = found
    return Located(found.file, copy.deepcopy(found.data), dict(found.positions))


def loads_yaml(raw: bytes | str, name: str, *, fast: bool = True) -> Located:
    """Parse one YAML document (see `load_yaml`). `fast=False` always uses ruamel (the reference
    the fast libyaml path is tested against)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise YamlProblems(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"file is {len(raw)} bytes, over the {MAX_BYTES}-byte limit; refused",
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblems(
            [Problem(name, 1, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from exc
    found = _fast_located(text, name) if fast else None
    if found is not None:
        return found
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        docs = list(yaml.load_all(text))
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = _dup_key(str(exc.problem))
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblems([Problem(name, line, col, key, "duplicate key")]) from exc
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlProblems([Problem(name, line, col, "", f"YAML syntax error: {what}")]) from exc
    except (YAMLError, RecursionError) as exc:
        raise YamlProblems([Problem(name, 1, 1, "", f"YAML error: {exc}")]) from exc
    except (ValueError, OverflowError) as exc:  # e.g. an impossible date: 2023-13-01
        raise YamlProblems([_bad_scalar(text, name, exc)]) from exc
    docs = [d for d in docs if d is not None]
    if not docs:
        raise YamlProblems([Problem(name, 1, 1, "", "empty file: expected a YAML mapping")])
    if len(docs) > 1:
        raise YamlProblems([Problem(name, 1, 1, "", "more than one YAML document; expected one")])
    located = Located(name, None, {(): (1, 1)})
    located.data = _Walker(located).walk(docs[0], (), 0)
    if not isinstance(located.data, dict):
        raise YamlProblems(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"expected a YAML mapping at the top level, got {type(located.data).__name__}",
                )
            ]
        )
    return located


class _Unsure(Exception):
    """The fast loader met something it does not read exactly like ruamel (see `_fast_located`)."""


#: The YAML 1.2 core schema (ruamel's resolver, without reading ruamel: importing it is a tenth of
#: a light command's start-up) for the plain scalars the fast loader builds itself. A plain scalar
#: is a string unless its first character is one of _TYPED_FIRST; such a scalar must be one of the
#: simple forms below, else ruamel reads the file (hex, octal, underscores, exponents without a
#: fraction, .inf, .nan, date-times, merge keys, strings such as `1st`). tests/test_yamlio_fast.py
#: checks these against ruamel's own resolver table.
_TYPED_FIRST = frozenset("-+.0123456789~nNtTfF<=!&*")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False}
_SIMPLE_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_SIMPLE_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: every character YAML 1.2 numbers and timestamps (ruamel's int, float and timestamp patterns:
#: 0x1F, 0o17, 1_000, -1.5e3, .inf, .NaN, 2024-01-02T10:00:00.5 +01:00) may contain, and more
_NUMBER_CHARS = frozenset("0123456789_+-.:eEoOxXbBabcdefABCDEFtTzZ \tinfINFnaNA")
#: an anchor on a number (`&a 2024`): ruamel keeps such a key as its own ScalarInt
_ANCHORED_NUMBER = re.compile(r"&[^\s,\[\]{}]+\s+[-+]?[0-9.]")
#: characters YAML 1.1 (libyaml) reads as line breaks and YAML 1.2 (ruamel) does not
_BREAKS_1_1 = ("\x85", "\u2028", "\u2029")
_PLAIN, _QUOTED, _COLLECTION = "evcorridor:plain", "evcorridor:quoted", "evcorridor:collection"


def _plain(value: str) -> Any:
    """The value ruamel gives the plain scalar `value`, or _Unsure."""
    if value in _NULLS:
        return None
    if value[0] not in _TYPED_FIRST:
        return value
    if value in _BOOLS:
        return _BOOLS[value]
    if value[0] in "nNtTfF":  # not exactly null/true/false: a string
        return value
    if value[0] in "<=!&*":  # merge key `<<`, value `=`...: ruamel's own objects
        raise _Unsure(value)
    if not _NUMBER_CHARS.issuperset(value):  # `150 kW`, `1st`: no number or date has a `k`
        return value
    if _SIMPLE_INT.fullmatch(value):
        return int(value)
    if _SIMPLE_FLOAT.fullmatch(value):
        return float(value)
    if _DATE.fullmatch(value):
        try:  # a plain date is a datetime.date for ruamel too; an impossible one: ruamel says why
            return datetime.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError as exc:
            raise _Unsure(value) from exc
    raise _Unsure(value)


def _fast_located(text: str, name: str) -> Located | None:
    """`text` read with libyaml (PyYAML's C parser) when that gives exactly what ruamel gives, or
    None: then ruamel reads it (and reports any problem with its own message and position).

    ruamel's pure-Python round-trip parser takes 10-30 ms per config file; libyaml composes the
    node tree (with line and column of every node) in a fraction of that, and this function builds
    the same plain data and positions as `_Walker` from it. It declines (None) whenever it could
    differ: libyaml missing or failing, a %YAML directive, several documents, explicit tags,
    duplicate or non-scalar keys, plain scalars other than strings, null,
    true/false, dates and simple decimal numbers, YAML 1.1 line breaks, or the depth/size limits."""
    if "%YAML" in text or "\t" in text or any(b in text for b in _BREAKS_1_1):
        return None
    try:
        from yaml import MappingNode, ScalarNode, SequenceNode, YAMLError
        from yaml._yaml import CParser
    except ImportError:  # PyYAML without libyaml
        return None

    class Composer(CParser):  # composes only: the tags say plain/quoted/collection
        def descend_resolver(self, *_: Any) -> None:
            return None

        def ascend_resolver(self, *_: Any) -> None:
            return None

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is not ScalarNode:
                return _COLLECTION
            # (False, False): the non-specific tag `!`, which ruamel reads its own way
            return _PLAIN if implicit[0] else _QUOTED if implicit[1] else "!"

    try:
        root = Composer(text).get_single_node()
    except (YAMLError, ValueError, RecursionError):
        return None
    if not isinstance(root, MappingNode) or root.tag != _COLLECTION:
        return None
    located = Located(name, None, {(): (1, 1)})
    positions = located.positions
    count = [0]  # values walked, aliases expanded (as `_Walker`, against an alias bomb)

    def scalar(node: Any) -> Any:
        if node.tag == _PLAIN:
            return _plain(node.value)
        if node.tag == _QUOTED:
            return node.value
        raise _Unsure(node.tag)

    def walk(node: Any, loc: Loc, depth: int) -> Any:
        count[0] += 1
        if count[0] > MAX_NODES or depth > MAX_DEPTH:
            raise _Unsure("limit")  # ruamel's walk reports it
        if isinstance(node, ScalarNode):
            return scalar(node)
        if node.tag != _COLLECTION:
            raise _Unsure(node.tag)
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise _Unsure("key")
                key = scalar(key_node)
                if key in out or not (isinstance(key, str) or _plain_int_key(key, key_node)):
                    raise _Unsure("key")  # ruamel keeps its own int/float/bool/null key objects
                mark = key_node.start_mark
                positions[(*loc, str(key))] = (mark.line + 1, mark.column + 1)
                out[key] = walk(value_node, (*loc, str(key)), depth + 1)
            return out
        if isinstance(node, SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                mark = item.start_mark
                positions[(*loc, i)] = (mark.line + 1, mark.column + 1)
                items.append(walk(item, (*loc, i), depth + 1))
            return items
        raise _Unsure(type(node).__name__)

    anchors = _ANCHORED_NUMBER.search(text) is not None

    def _plain_int_key(key: Any, node: Any) -> bool:
        """An int key ruamel also gives as a plain int (not ScalarInt: leading zero, anchor)."""
        return (type(key) is int and not anchors
                and not node.value.lstrip("+-").startswith("0"))

    try:
        located.data = walk(root, (), 0)
    except _Unsure:
        return None
    return located


def _bad_scalar(text: str, name: str, exc: Exception) -> Problem:
    """Locate the scalar whose construction failed (an impossible date or time such as
    2023-13-01 is read as a YAML timestamp); composing builds no values, only nodes."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    def check(value: str) -> str | None:
        try:
            YAML(typ="safe", pure=True).load(value)
        except (ValueError, OverflowError) as err:
            return str(err)
        return None

    seen: set[int] = set()

    def walk(node: Any, loc: Loc) -> Problem | None:
        if id(node) in seen:  # an alias repeats a node: visit each node once (no bomb)
            return None
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if str(node.tag).endswith(":timestamp"):
                why = check(node.value)
                if why is not None:
                    mark = node.start_mark
                    return Problem(name, mark.line + 1, mark.column + 1, dotted(loc),
                                   f"invalid date/time {node.value!r}: {why}")
            return None
        if isinstance(node, MappingNode):
            for k, v in node.value:
                found = walk(k, loc) or walk(v, (*loc, str(getattr(k, "value", k))))
                if found:
                    return found
        if isinstance(node, SequenceNode):
            for i, v in enumerate(node.value):
                found = walk(v, (*loc, i))
                if found:
                    return found
        return None

    try:
        for doc in YAML(typ="rt", pure=True).compose_all(text):
            found = walk(doc, ())
            if found:
                return found
    except (YAMLError, ValueError, RecursionError):
        pass
    return Problem(name, 1, 1, "", f"YAML error: {exc}")


def _dup_key(problem: str) -> str:
    # ruamel: 'found duplicate key "id" with value ...'
    if '"' in problem:
        parts = problem.split('"')
        if len(parts) >= 2:
            return parts[1]
    return ""


def validation_problems(
    located: Located,
    exc: ValidationError,
    prefix: Loc = (),
    *,
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems, in file order.

    With `model` (the class that was validated), an unknown key gets "did you mean" naming the
    closest key that mapping accepts (aliases where defined), and dict-key errors point at the key
    (pydantic's "[key]" loc part is dropped)."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        parts = [p for p in err["loc"] if not _is_union_tag(p)]
        if model is not None:
            parts = [p for p in parts if p != "[key]"]
        loc = (*prefix, *parts)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
            hint = err.get("ctx", {}).get("hint") if err.get("ctx") else None
            if hint:
                msg += f"; {hint}"
            elif model is not None and parts:
                msg += _key_hint(model, tuple(parts[:-1]), str(parts[-1]))
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        elif msg.startswith("Assertion failed, "):
            msg = msg[len("Assertion failed, ") :]
        out.append(located.problem(loc, msg))
    out.sort(key=lambda p: (p.line, p.column, p.field))
    return out


def model_keys(model: type[BaseModel]) -> list[str]:
    """The keys a file may use for `model`: each field's alias, else its name."""
    return [info.alias or name for name, info in model.model_fields.items() if not info.exclude]


def _classes_in(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _classes_in(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType, list, dict, tuple):
        return [c for a in typing.get_args(tp) for c in _classes_in(a)]
    return [tp]


def model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model class whose mapping sits at `loc` inside `model` (None if not a model)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = next((i for n, i in current.model_fields.items() if part in (n, i.alias)), None)
        if info is None:
            return None
        found = [
            c
            for c in _classes_in(info.annotation)
            if isinstance(c, type) and issubclass(c, BaseModel)
        ]
        current = found[0] if found else None
    return current


def _key_hint(model: type[BaseModel], parent: Loc, key: str) -> str:
    cls = model_at(model, parent)
    if cls is None:
        return ""
    keys = model_keys(cls)
    near = closest(key, keys, n=1)
    return f"; did you mean {near[0]!r}?" if near else "; known keys: " + ", ".join(keys)


def _is_union_tag(part: str | int) -> bool:
    # pydantic inserts the union member / function name into loc for some validators
    return isinstance(part, str) and (part.startswith("function-") or part in {"constrained-str"})


def iter_yaml_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, and *.yaml / *.yml inside named folders (sorted, recursive)."""
    for p in paths:
        if p.is_dir():
            yield from sorted(
                q for q in p.rglob("*") if q.suffix in {".yaml", ".yml"} and q.is_file()
            )
        else:
            yield p
