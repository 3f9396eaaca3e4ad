"""A compact binary file for corridor graphs: numpy arrays in a `.npz` zip.

Why: reading the 16 embedded corridors as GraphML (XML through osmnx) took about 3 s per
`plan --all`; the same graphs load from this format in a few milliseconds each. `make data`
writes `data/networks/<id>.net.npz` beside the GraphML (which stays the interchange format), and
the `embedded` source reads the compact file. The graph that `load` returns is the one
`evcorridor.network.graph.read_graphml` returns for the GraphML written from the same graph:
same nodes, edges, keys, attribute names, values and Python types, in the same order.

API
    save(G, path)          write G (any `networkx.MultiDiGraph` with hashable int node ids)
    to_bytes(G) -> bytes   the file's bytes (deterministic: same graph => same bytes)
    load(path) -> MultiDiGraph
    from_bytes(data, label) -> MultiDiGraph

File layout (a zip of `.npy` arrays, readable with `numpy.load`; every member has the fixed
timestamp 1980-01-01 so the bytes depend only on the graph)
    meta.json            UTF-8 JSON: {"format": "evcorridor.compact/1", "graph": {...},
                         "nodes": [[name, kind], ...], "edges": [[name, kind], ...],
                         "strings": {"n:<name>" | "e:<name>": [distinct values, sorted]}}
    node_id              int64 node ids, in insertion order
    edge_u, edge_v       int32 positions in node_id; edge_key int64 (MultiDiGraph keys)
    n:<name>, e:<name>   one column per node / edge attribute:
                         kind "float" float64, "int" int64, "bool" uint8,
                         "str" int32 codes into the strings table, "json" the same for values
                         of any other type (JSON text, decoded on load)
    n:<name>:has, ...    uint8 mask, present only when some nodes/edges lack the attribute

`arrays_to_bytes` / `arrays_from_bytes` / `read_arrays` use the same container for plain named
arrays (members `a:<name>.npy`) and a `meta.json` of the caller's own format: the continental
road graph, too large to become a networkx graph on every load.

Floats are rounded to 7 decimals, as the GraphML writer does (`graph._fmt`), so both files hold
the same values (1e-7 degree is about 1 cm; 1e-7 m for lengths).
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from evcorridor.atomic import write_bytes
from evcorridor.errors import InputError

FORMAT = "evcorridor.compact/1"
SUFFIX = ".net.npz"
_DATE = (1980, 1, 1, 0, 0, 0)
_KINDS = ("float", "int", "bool", "str", "json")

__all__ = ["FORMAT", "SUFFIX", "arrays_from_bytes", "arrays_to_bytes", "from_bytes", "load",
           "pack_strings", "read_arrays", "read_meta", "save", "to_bytes", "unpack_strings"]


def _norm(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 7)
    return value


def _kind(values: Iterable[Any]) -> str:
    kinds = set()
    for v in values:
        if isinstance(v, (bool, np.bool_)):
            kinds.add("bool")
        elif isinstance(v, (int, np.integer)):
            kinds.add("int")
        elif isinstance(v, (float, np.floating)):
            kinds.add("float")
        elif isinstance(v, str):
            kinds.add("str")
        else:
            kinds.add("json")
    if len(kinds) == 1:
        return kinds.pop()
    return "json"


def _column(prefix: str, name: str, rows: Sequence[dict[str, Any]],
            arrays: dict[str, np.ndarray], strings: dict[str, list[str]]) -> str:
    has = [name in d for d in rows]
    values = [d[name] for d in rows if name in d]
    kind = _kind(values)
    key = f"{prefix}:{name}"
    full = [d.get(name) for d in rows]
    if kind == "float":
        arrays[key] = np.array([math.nan if v is None else _norm(float(v)) for v in full],
                               dtype="<f8")
    elif kind == "int":
        arrays[key] = np.array([0 if v is None else int(v) for v in full], dtype="<i8")
    elif kind == "bool":
        arrays[key] = np.array([bool(v) for v in full], dtype="u1")
    else:
        texts = ([v for v in values] if kind == "str"
                 else [json.dumps(v, sort_keys=True, default=str) for v in values])
        table = sorted(set(texts))
        index = {t: i for i, t in enumerate(table)}
        codes = iter(texts)
        arrays[key] = np.array([index[next(codes)] if h else -1 for h in has], dtype="<i4")
        strings[key] = table
    if not all(has):
        arrays[f"{key}:has"] = np.array(has, dtype="u1")
    return kind


def _graph_value(value: Any) -> Any:
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, float):
        return _norm(value)
    return str(value)


def to_bytes(G: nx.MultiDiGraph) -> bytes:
    """The compact file of G (deterministic bytes)."""
    nodes = list(G.nodes(data=True))
    ids = [n for n, _ in nodes]
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in ids):
        raise ValueError("compact network files need integer node ids")
    pos = {n: i for i, n in enumerate(ids)}
    edges = list(G.edges(keys=True, data=True))
    if not all(isinstance(k, (int, np.integer)) for _, _, k, _ in edges):
        raise ValueError("compact network files need integer edge keys")
    arrays: dict[str, np.ndarray] = {
        "node_id": np.array(ids, dtype="<i8"),
        "edge_u": np.array([pos[u] for u, _, _, _ in edges], dtype="<i4"),
        "edge_v": np.array([pos[v] for _, v, _, _ in edges], dtype="<i4"),
        "edge_key": np.array([k for _, _, k, _ in edges], dtype="<i8"),
    }
    strings: dict[str, list[str]] = {}
    node_rows = [d for _, d in nodes]
    edge_rows = [d for _, _, _, d in edges]
    node_cols = [[name, _column("n", name, node_rows, arrays, strings)]
                 for name in sorted({k for d in node_rows for k in d})]
    edge_cols = [[name, _column("e", name, edge_rows, arrays, strings)]
                 for name in sorted({k for d in edge_rows for k in d})]
    meta = {"format": FORMAT,
            "graph": {str(k): _graph_value(v) for k, v in sorted(G.graph.items())},
            "nodes": node_cols, "edges": edge_cols, "strings": strings}
    return _zip(arrays, meta)


def _zip(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> bytes:
    """meta.json + one .npy member per array, fixed timestamps, name order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        members = {"meta.json": np.frombuffer(
            json.dumps(meta, sort_keys=True, separators=(",", ":"),
                       ensure_ascii=False).encode("utf-8"), dtype="u1")}
        members.update(arrays)
        for name in sorted(members):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            part = io.BytesIO()
            np.lib.format.write_array(part, np.ascontiguousarray(members[name]),
                                      allow_pickle=False)
            zf.writestr(info, part.getvalue(), compresslevel=9)
    return buf.getvalue()


def save(G: nx.MultiDiGraph, path: Path) -> int:
    """Write G to `path` atomically; returns the number of bytes written."""
    blob = to_bytes(G)
    write_bytes(Path(path), blob)
    return len(blob)


def _corrupt(label: str, exc: BaseException | str) -> InputError:
    why = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return InputError(f"{label}: corrupt or truncated network file ({why}); rebuild it "
                      "(`make data`)")


def _values(kind: str, arr: np.ndarray, table: list[str] | None) -> list[Any]:
    if kind == "float":
        return [float(v) for v in arr.tolist()]
    if kind == "int":
        return [int(v) for v in arr.tolist()]
    if kind == "bool":
        return [bool(v) for v in arr.tolist()]
    if table is None:
        raise KeyError("strings table")
    if kind == "str":
        return [table[i] if i >= 0 else None for i in arr.tolist()]
    decoded = [json.loads(t) for t in table]
    return [decoded[i] if i >= 0 else None for i in arr.tolist()]


def _rows(prefix: str, cols: list[list[str]], count: int, data: Any,
          strings: dict[str, list[str]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{} for _ in range(count)]
    for name, kind in cols:
        if kind not in _KINDS:
            raise ValueError(f"unknown column kind {kind!r}")
        key = f"{prefix}:{name}"
        arr = data[f"{key}.npy"]
        if len(arr) != count:
            raise ValueError(f"column {key} has {len(arr)} values for {count} rows")
        values = _values(kind, arr, strings.get(key))
        mask_name = f"{key}:has.npy"
        if mask_name in data:
            has = data[mask_name].tolist()
            for row, h, v in zip(rows, has, values, strict=True):
                if h:
                    row[name] = v
        else:
            for row, v in zip(rows, values, strict=True):
                row[name] = v
    return rows


def _unzip(blob: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        data = {name: np.lib.format.read_array(io.BytesIO(zf.read(name)), allow_pickle=False)
                for name in zf.namelist()}
    meta = json.loads(data["meta.json.npy"].tobytes().decode("utf-8"))
    return data, meta


# ------------------------------------------------------------------ plain arrays
# Graphs too large to build as networkx objects on every load (the continental road graph) are
# stored as named arrays plus a JSON `meta` in the same container; their reader works on the
# arrays (see evcorridor.network.continental).

SEP = "\x1f"


def arrays_to_bytes(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> bytes:
    """Named arrays and a JSON-able `meta` as a compact file (deterministic bytes); `meta` must
    carry its own "format"."""
    if "format" not in meta:
        raise ValueError("meta needs a 'format'")
    return _zip({f"a:{k}": v for k, v in arrays.items()}, meta)


def arrays_from_bytes(blob: bytes, label: str = "network"
                      ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """(arrays, meta) of `arrays_to_bytes`; InputError naming `label` when unreadable."""
    try:
        data, meta = _unzip(blob)
        if not isinstance(meta, dict) or "format" not in meta:
            raise ValueError("no format in meta.json")
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError, TypeError,
            UnicodeDecodeError) as exc:
        raise _corrupt(label, exc) from exc
    return {k[2:-4]: v for k, v in data.items() if k.startswith("a:")}, meta


def read_meta(path: Path) -> dict[str, Any] | None:
    """The meta.json of a compact file, None when `path` is not one."""
    try:
        with zipfile.ZipFile(path) as zf:
            raw = np.lib.format.read_array(io.BytesIO(zf.read("meta.json.npy")),
                                           allow_pickle=False)
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError):
        return None
    return meta if isinstance(meta, dict) else None


def read_arrays(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    return arrays_from_bytes(_read(Path(path)), str(path))


def pack_strings(values: list[str]) -> np.ndarray:
    """Strings (without U+001F) as one uint8 array."""
    for v in values:
        if SEP in v:
            raise ValueError(f"string {v!r} holds the separator U+001F")
    return np.frombuffer(SEP.join(values).encode("utf-8"), dtype=np.uint8).copy()


def unpack_strings(arr: np.ndarray, count: int) -> list[str]:
    if count == 0:
        return []
    out = arr.tobytes().decode("utf-8").split(SEP)
    if len(out) != count:
        raise ValueError(f"expected {count} strings, found {len(out)}")
    return out


def from_bytes(blob: bytes, label: str = "network") -> nx.MultiDiGraph:
    """The graph in a compact file's bytes; InputError (naming `label`) if they are not one."""
    from evcorridor.network.graph import contract_problems

    try:
        data, meta = _unzip(blob)
        if meta.get("format") != FORMAT:
            raise ValueError(f"format {meta.get('format')!r}, expected {FORMAT}")
        ids = [int(n) for n in data["node_id.npy"].tolist()]
        us = data["edge_u.npy"].tolist()
        vs = data["edge_v.npy"].tolist()
        keys = [int(k) for k in data["edge_key.npy"].tolist()]
        if not len(us) == len(vs) == len(keys):
            raise ValueError("edge arrays differ in length")
        strings = meta["strings"]
        node_rows = _rows("n", meta["nodes"], len(ids), data, strings)
        edge_rows = _rows("e", meta["edges"], len(us), data, strings)
        G = nx.MultiDiGraph()
        G.graph.update(meta["graph"])
        G.add_nodes_from(zip(ids, node_rows, strict=True))
        G.add_edges_from((ids[u], ids[v], k, d)
                         for u, v, k, d in zip(us, vs, keys, edge_rows, strict=True))
    except InputError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError, TypeError,
            IndexError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(label, exc) from exc
    if G.number_of_nodes() == 0:
        raise InputError(f"{label}: network file has no nodes; rebuild it")
    problems = contract_problems(G)
    if problems:
        raise InputError(f"{label}: not a corridor graph: {problems[0]}")
    return G


def load(path: Path) -> nx.MultiDiGraph:
    """Read a compact network file (see the module docstring); InputError if unreadable."""
    path = Path(path)
    return from_bytes(_read(path), str(path))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: network file not found") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
