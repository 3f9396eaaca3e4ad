"""Graph helpers shared by every network source: distances, GraphML (de)serialisation, checks.

See `evcorridor.network` for the graph contract.
"""

from __future__ import annotations

import gzip
import math
import re
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import networkx as nx
import numpy as np

from evcorridor.errors import InputError
from evcorridor.geodesy import haversine_array

NODE_ATTRS = ("x", "y", "country", "label", "interchange", "crossing")
EDGE_ATTRS = ("length", "highway", "ref", "country", "synthetic")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes"}


NODE_DTYPES: dict[str, Any] = {"interchange": _bool, "label": str, "crossing": str, "country": str}
EDGE_DTYPES: dict[str, Any] = {"synthetic": _bool, "length": float, "length_straight": float,
                               "oneway": _bool, "reversed": _bool}
#: attr.type of a GraphML <key>: networkx.write_graphml types its attributes (double, boolean,
#: long); osmnx reads strings, so every key is read as a string and converted by the dtypes above
_KEY_TYPE = re.compile(r"""(<key\b[^>]*?\battr\.type\s*=\s*)(["'])[A-Za-z]+\2""")
GRAPH_DTYPES: dict[str, Any] = {"buffer_km": float, "dropped_nodes": int,
                                "country_polygon_disagreements": int}


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(round(value, 7))
    return str(value)


def to_graphml_bytes(G: nx.MultiDiGraph) -> bytes:
    """Deterministic GraphML text (attributes as strings, in insertion order) as UTF-8 bytes."""
    H = nx.MultiDiGraph()
    H.graph.update({k: _fmt(v) for k, v in sorted(G.graph.items())})
    for n, data in G.nodes(data=True):
        H.add_node(n, **{k: _fmt(v) for k, v in sorted(data.items())})
    for u, v, k, data in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **{a: _fmt(b) for a, b in sorted(data.items())})
    return ("\n".join(nx.generate_graphml(H)) + "\n").encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0, so the same input gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def xml_reason(exc: ParseError) -> str:
    """An XML parse error's reason without its ': line N, column M' (the message leads with
    `file:line:column`)."""
    return re.sub(r":? *line \d+, column \d+$", "", str(exc)) or "malformed XML"


def read_graphml(path: Path) -> nx.MultiDiGraph:
    """Load a GraphML file (optionally .gz) with osmnx and the contract's attribute types.

    A truncated, corrupt or non-GraphML file raises InputError (never a half-loaded graph).
    """
    import osmnx as ox

    from evcorridor.inputs import limit_of, read_bytes

    raw = read_bytes(path, "network")
    try:
        if raw[:2] == b"\x1f\x8b":  # bounded: a small .gz must not expand without limit
            inflate = zlib.decompressobj(wbits=31)
            raw = inflate.decompress(raw, limit_of("network") + 1)
            if len(raw) > limit_of("network"):
                raise InputError(f"{path}: expands to over {limit_of('network')} bytes, the "
                                 "limit for a network file; refused (see README, Input limits)")
            if not inflate.eof:
                raise EOFError("compressed file ended before the end-of-stream marker")
        text = raw.decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: corrupt or truncated network file ({exc}); rebuild it "
                         "(`make data`, or `evcorridor network pull`)") from exc
    text = _KEY_TYPE.sub(r'\1"string"', text)
    try:
        G = ox.load_graphml(graphml_str=text, node_dtypes=NODE_DTYPES, edge_dtypes=EDGE_DTYPES,
                            graph_dtypes=GRAPH_DTYPES)
    except ParseError as exc:
        line, col = exc.position
        raise InputError(f"{path}:{line}:{col}: corrupt or truncated network file (not valid "
                         f"GraphML XML: {xml_reason(exc)}); rebuild it (`make data`, or "
                         "`evcorridor network pull`)") from exc
    except (nx.NetworkXError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: corrupt or truncated network file ({type(exc).__name__}: "
                         f"{exc}); rebuild it (`make data`, or `evcorridor network pull`)") from exc
    if not isinstance(G, nx.MultiDiGraph) or G.number_of_nodes() == 0:
        raise InputError(f"{path}: network file has no nodes; rebuild it")
    problems = contract_problems(G)
    if problems:
        raise InputError(f"{path}: not a corridor graph: {problems[0]}")
    return G


def contract_problems(G: nx.MultiDiGraph, limit: int = 5) -> list[str]:
    """What breaks the graph contract (empty = fine)."""
    out: list[str] = []
    for n, data in G.nodes(data=True):
        for a in ("x", "y"):
            if not isinstance(data.get(a), float):
                out.append(f"node {n}: attribute {a!r} missing or not a number")
        if len(out) >= limit:
            return out
    for u, v, data in G.edges(data=True):
        length = data.get("length")
        if not isinstance(length, float) or not math.isfinite(length) or length < 0:
            out.append(f"edge {u}->{v}: attribute 'length' missing or not a distance")
        if len(out) >= limit:
            return out
    return out


def component_of(G: nx.MultiDiGraph, node: int) -> set[int]:
    return set(nx.node_connected_component(G.to_undirected(as_view=True), node))


def closest_pair(G: nx.MultiDiGraph, a: Iterable[int], b: Iterable[int]) -> tuple[int, int, float]:
    """The closest pair of nodes (one from `a`, one from `b`) and their straight-line distance."""
    la, lb = sorted(a), sorted(b)
    ya = np.array([G.nodes[n]["y"] for n in la])
    xa = np.array([G.nodes[n]["x"] for n in la])
    best = (la[0], lb[0], math.inf)
    for n in lb:
        d = haversine_array(G.nodes[n]["y"], G.nodes[n]["x"], ya, xa)
        i = int(np.argmin(d))
        if float(d[i]) < best[2]:
            best = (la[i], n, float(d[i]))
    return best
