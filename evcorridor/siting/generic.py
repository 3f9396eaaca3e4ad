"""Generic input for coverage planning: the user's own network and O-D flows.

Network (`--network`), one of:
- a GraphML file (`.graphml`/`.xml`; e.g. saved by osmnx or networkx). Node ids must be integers
  (osmnx graphs are); nodes may carry `x`/`y` (WGS84 lon/lat), `country`, `label`. Every edge
  needs a `length` (or `length_m`) in metres. An undirected graph gets both directions.
- a pair of CSV files: `nodes.csv` + `edges.csv`, given as
    * a directory holding `nodes.csv` and `edges.csv`,
    * `--network NODES.csv,EDGES.csv` (comma-separated pair), or
    * `--network NAME-nodes.csv`, whose sibling `NAME-edges.csv` (the last "nodes" in the file name
      replaced by "edges") is read with it.
  nodes.csv columns `id,x,y[,country][,label]`: `id` an integer, `x`/`y` WGS84 longitude/latitude
  in degrees (they only place sites on maps: siting uses `length_m` alone), `country` ISO alpha-3.
  edges.csv columns `u,v,length_m[,oneway]`: `length_m` >= 0 metres; `oneway` true/false/yes/no/1/0
  (default false: a road usable both ways gets both directions). Extra columns are ignored.
  `x`,`y` are optional: a nodes file without both columns, or a row with both empty, gives nodes
  without coordinates (they plan as any other; maps leave them out, GeoJSON geometry is null).
- a distance matrix (issue 12), alone (`--network dist.csv`: any `.csv` whose name has no
  "nodes") or as the second file of a pair (`--network nodes.csv,dist.csv`, the nodes giving
  labels and optional coordinates). The links file's header decides its format:
    * `u,v,length_m[,oneway]`: the edge list above;
    * `from,to,km`: one link per row (long format);
    * anything else: a square matrix, header `<corner>,ID1,ID2,...`, then one row per node
      `ID,km,km,...` (row = from, column = to).
  A matrix lists the network's LINKS in km: an empty cell (or `-`, `inf`) is no direct link; a
  flow drives the shortest path over the links. A pair given one way only is a road both ways;
  given both ways, each direction keeps its own length (asymmetric allowed, counted in the plan).
  A full matrix of shortest distances therefore makes every trip one direct link (see
  docs/siting.md). 0 km between two different nodes is refused (leave the cell empty for "no
  link"); a matrix has at most MAX_MATRIX_NODES nodes.
Flows (`--flows`): CSV `origin,destination,flow` (node ids; flow >= 0, annual trips or any unit).
Candidates (`--candidates`) and existing stations (`--existing`): node ids, either one per line
(no header) or a CSV with a `node` column (other columns ignored). Every id must be a node of the
network; a repeated id is an error (nothing is merged silently). Without `--candidates` every
node is a candidate; existing stations count as charging points for free.
Paths (`--paths`): CSV `origin,destination,path` (node ids separated by spaces, ';' or '>') or a
JSON list of {origin, destination, path}: the listed flows drive their given path (every step a
link; not necessarily a shortest path), the others a shortest path (see `read_paths`).

Lines starting with '#' are comments. Errors name the file and row (`file:row N: field: what`;
N is the line number in the file, header and comments included, as a spreadsheet numbers rows)
and are raised for every bad row: `InputProblems.problems` lists them all, the message shows the
first and how many more. Nothing is dropped silently.

`plan_generic` runs the coverage model (evcorridor.siting.frlm) and returns a `Plan` with
`sites` (the chosen new sites), `coverage` (every flow, its path and whether it is covered) and
`routes == []`: a generic network has no corridor routes, the per-flow paths are in `coverage`.
A generic network has no operating standard, so a site's design is left open (ports 0, power 0,
no connectors: "a charging site here") and each costs 1 (the budget counts sites).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

import networkx as nx

from evcorridor.errors import InputError, UsageError, closest
from evcorridor.inputs import (
    Problems,
    csv_rows,
    delimiter_hint,
    open_binary,
    read_json,
    read_text,
    shown_header,
)
from evcorridor.network.graph import xml_reason
from evcorridor.outpaths import SLUG_RULE, is_safe_slug
from evcorridor.plan_model import (
    CoverageResult,
    DataSource,
    ExistingSummary,
    InputRef,
    Plan,
    Site,
    SolverResult,
)
from evcorridor.siting.frlm import Flow, node_key, solve_coverage
from evcorridor.siting.locate import slug, unique_ids

NODE_COLUMNS = ("id",)  # x, y optional (both or neither)
EDGE_COLUMNS = ("u", "v", "length_m")
LONG_COLUMNS = ("from", "to", "km")  # a distance matrix in long format
FLOW_COLUMNS = ("origin", "destination", "flow")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}
MAX_LISTED = 20


#: the longest edge a network may have (m): longer than the Earth's circumference is an error
MAX_EDGE_M = 40_075_000.0
#: the largest flow, and the largest total of a flows file: the coverage model weighs flows
#: exactly as 64-bit integers (with up to six decimals), so larger volumes need a larger unit
MAX_FLOW = Decimal("1e12")
#: the most nodes a distance matrix may name: a full matrix of n nodes is n * (n - 1) links held
#: in memory (500 nodes: 249,500 links)
MAX_MATRIX_NODES = 500
#: cells of a matrix that mean "no direct link"
NO_LINK = ("", "-", "inf", "infinity")


class InputProblems(InputError):
    """Several bad rows: the message names the first, `problems` has the first MAX_KEPT and
    `count` how many there are in all."""

    def __init__(self, problems: Problems | Sequence[str]) -> None:
        if not isinstance(problems, Problems):
            collected = Problems()
            collected.extend(list(problems))
            problems = collected
        self.problems = list(problems.kept)
        self.count = problems.count
        more = self.count - 1
        msg = self.problems[0] + (f" (and {more} more problem{'s' if more > 1 else ''})"
                                  if more else "")
        super().__init__(msg)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

_BAD = "\x00bad"  # key of a row that cannot be parsed; its value is the problem


def _read_rows(path: Path, required: Sequence[str], kind: str
               ) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, row) pairs of a CSV with the `required` columns, streamed (the file is
    never held in memory); a missing column is fatal. A row with the wrong number of values
    comes back as {_BAD: problem}, in its place. '#' lines are comments; row numbers are the
    file's line numbers."""
    header, rows = csv_rows(path, kind, required, comments=True, lower=True)
    return _rows_of(path, header, rows)


def _rows_of(path: Path, header: Sequence[str], rows: Iterable[tuple[int, list[str]]]
             ) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of `csv_rows` as dicts by header (see `_read_rows`); a file without data rows
    is an InputError."""
    empty = True
    for line, values in rows:
        empty = False
        if len(values) != len(header):
            yield line, {_BAD: f"{path}:row {line}: {len(values)} values, header has "
                               f"{len(header)} columns"}
            continue
        yield line, {h: v.strip() for h, v in zip(header, values, strict=True)}
    if empty:
        raise InputError(f"{path}: no data rows after the header")


def _length(raw: object) -> float | str:
    """A non-negative edge length in metres (at most MAX_EDGE_M), or what is wrong with it."""
    value = _number(str(raw))
    if value is None or value < 0:
        return f"{_short(raw)} is not a non-negative number of metres"
    if value > MAX_EDGE_M:
        return (f"{_short(raw)} metres is longer than the Earth's circumference "
                f"({MAX_EDGE_M:.0f} m)")
    return value


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _short(value: object, limit: int = 40) -> str:
    """repr(value), cut to `limit` characters for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _int_id(raw: str) -> int | None:
    """An integer node id (at most 19 digits: a 64-bit id such as an OSM node id), or None."""
    return int(raw) if re.fullmatch(r"[+-]?\d{1,19}", raw) else None


def _unknown_node(raw: str, known: Iterable[object]) -> str:
    pool = [str(n) for n in known]
    near = closest(raw, pool)
    if near:
        hint = f"; did you mean {' or '.join(near)}?"
    elif pool:
        hint = f"; known ids: {', '.join(pool[:10])}{' ...' if len(pool) > 10 else ''}"
    else:
        hint = ""
    return f"unknown node id {raw!r}{hint}"


def sha256_of(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        with open_binary(p, "network") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# network
# ---------------------------------------------------------------------------------------------

def network_files(spec: str | Path) -> tuple[Path, ...]:
    """The file(s) a `--network` value names: (graphml,), (matrix.csv,) or (nodes.csv,
    links.csv)."""
    text = str(spec)
    if "," in text:
        raw = [p.strip() for p in text.split(",")]
        if len(raw) != 2 or not all(raw):
            raise UsageError(f"--network {text!r}: give NODES.csv,EDGES.csv (two files)")
        return Path(raw[0]), Path(raw[1])
    path = Path(text)
    if path.is_dir():
        return path / "nodes.csv", path / "edges.csv"
    if path.suffix.lower() in (".graphml", ".xml"):
        return (path,)
    if path.suffix.lower() == ".csv":
        name = path.name
        at = name.lower().rfind("nodes")
        if at < 0:
            return (path,)  # the links alone: a distance matrix (or an edge list)
        return path, path.with_name(name[:at] + "edges" + name[at + 5:])
    if not path.exists():
        raise InputError(f"{path}: file not found")
    raise UsageError(f"--network {text}: unknown network format (expected .graphml, a distance "
                     "matrix .csv, a nodes/edges CSV pair, or a folder holding nodes.csv and "
                     "edges.csv)")


def network_name(spec: str | Path) -> str:
    """The plan's name for a network (its output folder OUT/<name>/): the file's stem (a nodes
    CSV without "nodes"), or the folder's name. It must be a safe slug (evcorridor.outpaths):
    anything else (`..`, spaces) is a usage error, never a path outside --out."""
    files = network_files(spec)
    if Path(str(spec)).is_dir():
        stem = Path(str(spec)).resolve().name
    else:
        stem = files[0].stem
        if len(files) == 2:
            stem = re.sub(r"[-_. ]*nodes[-_. ]*", "-", stem, flags=re.IGNORECASE).strip("-") or \
                files[0].resolve().parent.name
    if not is_safe_slug(stem):
        raise UsageError(f"--network {spec}: the plan is named after the file, and {stem!r} is not "
                         f"a safe name ({SLUG_RULE}); rename the file")
    return stem


def read_network(spec: str | Path) -> nx.MultiDiGraph:
    """Load a generic network (GraphML, nodes/edges CSV or a distance matrix; see the module
    doc). `graph.graph["links_format"]` says how the links were given ("graphml", "edges",
    "matrix-long", "matrix-square"); a matrix also sets `asymmetric_pairs` and `complete`."""
    files = network_files(spec)
    name = network_name(spec)  # a usage error before any reading
    if len(files) == 2:
        graph = _read_csv_network(files[0], files[1])
    elif files[0].suffix.lower() == ".csv":
        graph = nx.MultiDiGraph()
        problems = Problems()
        _read_links(files[0], graph, problems, fixed_nodes=False)
        if problems:
            raise InputProblems(problems)
    else:
        graph = _read_graphml(files[0])
        graph.graph["links_format"] = "graphml"
    graph.graph.update({"crs": "EPSG:4326", "corridor": name, "source": "file",
                        "data_date": None, "provenance": ", ".join(str(f) for f in files)})
    return graph


def has_coordinates(data: Mapping[str, object]) -> bool:
    """Whether a node (its attribute dict) has x/y coordinates (a matrix's nodes have none)."""
    return data.get("x") is not None and data.get("y") is not None


def _coordinates(path: Path, header: Sequence[str]) -> bool:
    """Whether a nodes file gives coordinates: x and y, or neither (then lon/lat-like columns
    are an error rather than silently ignored)."""
    has = [c for c in ("x", "y") if c in header]
    if len(has) == 2:
        return True
    lonlat = [c for c in header if c in ("lon", "lng", "long", "longitude", "lat", "latitude")]
    if has or lonlat:  # the reader's own one-line error: file, header row, missing columns
        csv_rows(path, "network", ("id", "x", "y"), comments=True, lower=True)
    return False


def _read_csv_network(nodes_path: Path, links_path: Path) -> nx.MultiDiGraph:
    header, raw_rows = csv_rows(nodes_path, "network", NODE_COLUMNS, comments=True, lower=True)
    coords = _coordinates(nodes_path, header)
    rows = _rows_of(nodes_path, header, raw_rows)
    problems = Problems()
    graph = nx.MultiDiGraph()
    first_row: dict[int, int] = {}
    for line, row in rows:
        if _BAD in row:
            problems.add(row[_BAD])
            continue
        where = f"{nodes_path}:row {line}"
        bad: list[str] = []
        node = _int_id(row["id"])
        if node is None:
            bad.append(f"{where}: id: {row['id']!r} is not an integer node id")
        elif node in first_row:
            bad.append(f"{where}: id: duplicate node id {node} (first at row {first_row[node]})")
        xy: dict[str, float] = {}
        if coords and (row["x"] or row["y"]):
            x, y = _number(row["x"]), _number(row["y"])
            if x is None or not -180 <= x <= 180:
                bad.append(f"{where}: x: {row['x']!r} is not a longitude in [-180, 180] "
                           "(x,y are WGS84 lon/lat degrees)")
            if y is None or not -90 <= y <= 90:
                bad.append(f"{where}: y: {row['y']!r} is not a latitude in [-90, 90] "
                           "(x,y are WGS84 lon/lat degrees)")
            if x is not None and y is not None:
                xy = {"x": x, "y": y}
        country = row.get("country", "").upper()
        if country and not re.fullmatch(r"[A-Z]{3}", country):
            bad.append(f"{where}: country: {row['country']!r} is not an ISO 3166 alpha-3 code")
        if bad:
            problems.extend(bad)
            continue
        assert node is not None
        first_row[node] = line
        graph.add_node(node, **xy, country=country, label=row.get("label", ""),
                       interchange=True, crossing="")
    _read_links(links_path, graph, problems, fixed_nodes=True)
    if problems:
        raise InputProblems(problems)
    return graph


def _read_links(path: Path, graph: nx.MultiDiGraph, problems: Problems, *,
                fixed_nodes: bool) -> None:
    """Add the links of an edge list, a long or a square distance matrix (decided by the header)
    to `graph`. With `fixed_nodes` every id must be a node of `graph` (a nodes file); else the
    links' ids make the nodes (no coordinates)."""
    try:
        header, raw_rows = csv_rows(path, "network", comments=True, lower=True)
    except InputError as exc:
        if str(exc) == f"{path}: empty file":
            raise InputError(f"{path}: empty file (expected a header: u,v,length_m; from,to,km; "
                             "or a square matrix's corner cell and node ids)") from None
        raise
    if all(c in header for c in EDGE_COLUMNS):
        graph.graph["links_format"] = "edges"
        _read_edge_rows(path, _rows_of(path, header, raw_rows), graph, problems, fixed_nodes)
        return
    if all(c in header for c in LONG_COLUMNS):
        graph.graph["links_format"] = "matrix-long"
        links = _read_long(path, _rows_of(path, header, raw_rows), graph, problems, fixed_nodes)
    else:
        graph.graph["links_format"] = "matrix-square"
        links = _read_square(path, header, raw_rows, graph, problems, fixed_nodes)
    asymmetric = 0
    for (u, v), km in links.items():
        back = links.get((v, u))
        if back is not None and back != km and u < v:
            asymmetric += 1
        _add_road(graph, u, v, km * 1000.0, both=back is None)
    n = graph.number_of_nodes()
    graph.graph["asymmetric_pairs"] = asymmetric
    graph.graph["complete"] = n > 2 and len({frozenset(k) for k in links}) == n * (n - 1) // 2


def _matrix_node(raw: str, graph: nx.MultiDiGraph, fixed_nodes: bool, *, cap: bool = True
                 ) -> int | str:
    """The node a links file's id names (added to `graph` unless `fixed_nodes`; at most
    MAX_MATRIX_NODES with `cap`), or what is wrong."""
    node = _int_id(raw)
    if fixed_nodes:
        if node is None or node not in graph:
            return _unknown_node(raw, sorted(graph.nodes, key=node_key))
        return node
    if node is None:
        return f"{_short(raw)} is not an integer node id"
    if node not in graph:
        if cap and graph.number_of_nodes() >= MAX_MATRIX_NODES:
            return (f"node {node} is one more than the {MAX_MATRIX_NODES} nodes a distance "
                    "matrix may have")
        graph.add_node(node, country="", label="", interchange=True, crossing="")
    return node


def _km(raw: str) -> float | str | None:
    """A link length in km (> 0, finite, at most the Earth's circumference), None for "no
    link" (an empty cell, `-`, `inf`), or what is wrong with it."""
    if raw.strip().lower() in NO_LINK:
        return None
    value = _number(raw)
    if value is None or value < 0:
        return f"{_short(raw)} is not a non-negative number of km"
    if value == 0:
        return ("0 km between two different nodes (leave the cell empty for no direct link; "
                "merge the nodes if they are one place)")
    if value * 1000.0 > MAX_EDGE_M:
        return f"{_short(raw)} km is longer than the Earth's circumference"
    return value


def _read_long(path: Path, rows: Iterable[tuple[int, dict[str, str]]], graph: nx.MultiDiGraph,
               problems: Problems, fixed_nodes: bool) -> dict[tuple[int, int], float]:
    links: dict[tuple[int, int], float] = {}
    first: dict[tuple[int, int], int] = {}
    for line, row in rows:
        if _BAD in row:
            problems.add(row[_BAD])
            continue
        where = f"{path}:row {line}"
        bad: list[str] = []
        ends: list[int] = []
        for col in ("from", "to"):
            node = _matrix_node(row[col], graph, fixed_nodes)
            if isinstance(node, str):
                bad.append(f"{where}: {col}: {node}")
            else:
                ends.append(node)
        km = _km(row["km"])
        if km is None:
            bad.append(f"{where}: km: empty; list only the links (a pair without a direct road "
                       "is left out)")
        elif isinstance(km, str):
            bad.append(f"{where}: km: {km}")
        if len(ends) == 2 and ends[0] == ends[1]:
            bad.append(f"{where}: from, to: a link from node {ends[0]} to itself")
        elif len(ends) == 2 and tuple(ends) in first:
            bad.append(f"{where}: from, to: link {ends[0]} -> {ends[1]} listed twice (first at "
                       f"row {first[(ends[0], ends[1])]})")
        if bad:
            problems.extend(bad)
            continue
        assert isinstance(km, float)
        first[(ends[0], ends[1])] = line
        links[(ends[0], ends[1])] = km
    return links


def _read_square(path: Path, header: Sequence[str], rows: Iterable[tuple[int, list[str]]],
                 graph: nx.MultiDiGraph, problems: Problems, fixed_nodes: bool
                 ) -> dict[tuple[int, int], float]:
    if len(header) < 3:
        raise InputError(
            f"{path}: header: not a network links file (header has: {shown_header(header)}); "
            "give u,v,length_m (edge list), from,to,km (distance matrix, long) or a square "
            f"matrix: a corner cell, then the node ids{delimiter_hint(header)}")
    if len(header) - 1 > MAX_MATRIX_NODES:
        raise InputError(f"{path}: header: {len(header) - 1} node columns, more than the "
                         f"{MAX_MATRIX_NODES} a distance matrix may have")
    cols: list[int | None] = []
    seen_col: dict[int, int] = {}
    for k, raw in enumerate(header[1:], start=2):
        node = _matrix_node(raw, graph, fixed_nodes)
        if isinstance(node, str):
            problems.add(f"{path}:header: column {k}: {node}")
            cols.append(None)
        elif node in seen_col:
            problems.add(f"{path}:header: column {k}: node {node} repeated (first in column "
                         f"{seen_col[node]})")
            cols.append(None)
        else:
            seen_col[node] = k
            cols.append(node)
    if problems:  # the columns are wrong: the rows cannot be read against them
        return {}
    links: dict[tuple[int, int], float] = {}
    seen_row: dict[int, int] = {}
    for line, values in rows:
        where = f"{path}:row {line}"
        if len(values) != len(header):
            problems.add(f"{where}: {len(values)} values, header has {len(header)} columns")
            continue
        raw = values[0].strip()
        u = _int_id(raw)
        if u is None or u not in seen_col:
            problems.add(f"{where}: column 1: row id {_short(raw)} is not one of the header's "
                         "node ids")
            continue
        if u in seen_row:
            problems.add(f"{where}: column 1: node {u} has a second row (first at row "
                         f"{seen_row[u]})")
            continue
        seen_row[u] = line
        for k, (v, cell) in enumerate(zip(cols, values[1:], strict=True), start=2):
            assert v is not None
            if u == v:
                if cell.strip() and _number(cell) != 0:
                    problems.add(f"{where}: column {k} (to node {v}): {_short(cell.strip())} on "
                                 "the diagonal; a node is 0 km from itself (0 or empty)")
                continue
            km = _km(cell)
            if isinstance(km, str):
                problems.add(f"{where}: column {k} (to node {v}): {km}")
            elif km is not None:
                links[(u, v)] = km
    if not seen_row and not problems:
        raise InputError(f"{path}: no data rows after the header")
    missing = [n for n in seen_col if n not in seen_row]
    if missing and not problems:
        problems.add(f"{path}: node {missing[0]} has a column but no row (a square matrix has a "
                     f"row per column; {len(missing)} row(s) missing)")
    return links


def _read_edge_rows(path: Path, rows: Iterable[tuple[int, dict[str, str]]],
                    graph: nx.MultiDiGraph, problems: Problems, fixed_nodes: bool) -> None:
    known = sorted(graph.nodes, key=node_key)
    for line, row in rows:
        if _BAD in row:
            problems.add(row[_BAD])
            continue
        where = f"{path}:row {line}"
        bad = []
        ends: list[int] = []
        for col in ("u", "v"):
            if fixed_nodes:
                node = _int_id(row[col])
                if node is None or node not in graph:
                    bad.append(f"{where}: {col}: {_unknown_node(row[col], known)}")
                else:
                    ends.append(node)
            else:
                got = _matrix_node(row[col], graph, False, cap=False)
                if isinstance(got, str):
                    bad.append(f"{where}: {col}: {got}")
                else:
                    ends.append(got)
        length = _length(row["length_m"])
        if isinstance(length, str):
            bad.append(f"{where}: length_m: {length}")
        oneway_raw = row.get("oneway", "").lower()
        if oneway_raw not in _TRUE | _FALSE:
            bad.append(f"{where}: oneway: {row['oneway']!r} is not true/false")
        if len(ends) == 2 and ends[0] == ends[1]:
            bad.append(f"{where}: u, v: an edge from node {ends[0]} to itself")
        if bad:
            problems.extend(bad)
            continue
        u, v = ends
        assert isinstance(length, float)
        _add_road(graph, u, v, length, both=oneway_raw in _FALSE)


def _add_road(graph: nx.MultiDiGraph, u: int, v: int, length: float, *, both: bool) -> None:
    cu, cv = graph.nodes[u].get("country", ""), graph.nodes[v].get("country", "")
    attrs = {"length": length, "highway": "", "ref": "", "country": cu if cu == cv else "",
             "synthetic": False}
    graph.add_edge(u, v, **attrs)
    if both:
        graph.add_edge(v, u, **attrs)


def _read_graphml(path: Path) -> nx.MultiDiGraph:
    text = read_text(path, "network")
    try:
        raw = nx.parse_graphml(text)
    except ET.ParseError as exc:
        line, col = exc.position
        raise InputError(f"{path}:{line}:{col}: not valid GraphML XML: {xml_reason(exc)}"
                         ) from exc
    except (nx.NetworkXError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read GraphML: {exc}") from exc
    problems = Problems()
    ids: dict[object, int] = {}
    for n in raw.nodes:
        node = n if isinstance(n, int) else _int_id(str(n))
        if node is None:
            problems.add(f"{path}: node {_short(n)}: node ids must be integers")
        else:
            ids[n] = node
    graph = nx.MultiDiGraph()
    for n, data in raw.nodes(data=True):
        if n not in ids:
            continue
        xy: dict[str, float] = {}
        if "x" in data or "y" in data:  # neither: a node without coordinates
            x, y = _number(str(data.get("x", "nan"))), _number(str(data.get("y", "nan")))
            if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
                problems.add(f"{path}: node {n}: x/y must be WGS84 lon/lat degrees, got "
                             f"x={_short(data.get('x'))} y={_short(data.get('y'))}")
                continue
            xy = {"x": x, "y": y}
        graph.add_node(ids[n], **xy, country=str(data.get("country", "") or ""),
                       label=str(data.get("label", data.get("ref", "")) or ""), interchange=True,
                       crossing=str(data.get("crossing", "") or ""))
    directed = raw.is_directed()
    for u, v, data in raw.edges(data=True):
        if u not in ids or v not in ids or ids[u] not in graph or ids[v] not in graph:
            continue  # the node is already reported
        length = _length(data.get("length", data.get("length_m")))
        if isinstance(length, str):
            problems.add(f"{path}: edge {u} -> {v}: length: {length}")
            continue
        if ids[u] == ids[v]:
            continue  # a self-loop never helps a trip; kept out of the graph
        _add_road(graph, ids[u], ids[v], length, both=not directed)
    if problems:
        raise InputProblems(problems)
    if graph.number_of_nodes() == 0:
        raise InputError(f"{path}: the network has no nodes")
    return graph


# ---------------------------------------------------------------------------------------------
# flows
# ---------------------------------------------------------------------------------------------

def read_flows(path: str | Path, graph: nx.MultiDiGraph | None = None) -> list[Flow]:
    """Read an O-D flow CSV (`origin,destination,flow`). With `graph`, node ids are checked."""
    path = Path(path)
    rows = _read_rows(path, FLOW_COLUMNS, "flows")
    problems = Problems()
    total = Decimal(0)
    known = sorted(graph.nodes, key=node_key) if graph is not None else []
    seen: dict[tuple[int, int], int] = {}
    flows: list[Flow] = []
    for line, row in rows:
        if _BAD in row:
            problems.add(row[_BAD])
            continue
        where = f"{path}:row {line}"
        bad: list[str] = []
        ends: list[int] = []
        for col in ("origin", "destination"):
            node = _int_id(row[col])
            if node is None or (graph is not None and node not in graph):
                bad.append(f"{where}: {col}: {_unknown_node(row[col], known)}" if graph is not None
                           else f"{where}: {col}: {row[col]!r} is not an integer node id")
            else:
                ends.append(node)
        try:
            amount = Decimal(row["flow"])
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            bad.append(f"{where}: flow: {_short(row['flow'])} is not a number")
        elif amount < 0:
            bad.append(f"{where}: flow: {row['flow'][:40]} is negative")
        elif amount > MAX_FLOW:
            bad.append(f"{where}: flow: {row['flow'][:40]} is over {MAX_FLOW:f}, the largest "
                       "flow the coverage model weighs exactly; use a larger unit")
        if len(ends) == 2:
            if ends[0] == ends[1]:
                bad.append(f"{where}: origin and destination are the same node ({ends[0]})")
            elif (ends[0], ends[1]) in seen:
                bad.append(f"{where}: duplicate O-D pair {ends[0]} -> {ends[1]} "
                           f"(first at row {seen[(ends[0], ends[1])]})")
        if bad:
            problems.extend(bad)
            continue
        seen[(ends[0], ends[1])] = line
        total += amount
        flows.append(Flow(origin=ends[0], destination=ends[1], flow=float(amount),
                          where=where, exact_flow=amount))
    if problems:
        raise InputProblems(problems)
    if total > MAX_FLOW:
        raise InputError(f"{path}: the flows add up to {float(total):.6g}, over {MAX_FLOW:f}, "
                         "the largest total the coverage model weighs exactly; use a larger unit")
    return flows


# ---------------------------------------------------------------------------------------------
# node lists (candidates, existing stations)
# ---------------------------------------------------------------------------------------------

def read_node_list(path: str | Path, graph: nx.MultiDiGraph, option: str) -> list[int]:
    """Node ids from a file (`--candidates`, `--existing`): one per line, or a CSV whose header
    has a `node` column. Ids in file order; every one a node of `graph`, none repeated."""
    path = Path(path)
    rows = [(n, ln) for n, ln in enumerate(read_text(path, "flows").splitlines(), start=1)
            if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows:
        raise InputError(f"{path}: no node ids ({option} FILE: one node id per line, or a CSV "
                         "with a `node` column)")
    first = [h.strip().lower() for h in next(csv.reader([rows[0][1]]))]
    column: int | None = first.index("node") if "node" in first else None
    if column is not None:
        width = len(first)
        rows = rows[1:]
        if not rows:
            raise InputError(f"{path}: no data rows after the header")
    problems = Problems()
    known = sorted(graph.nodes, key=node_key)
    seen: dict[int, int] = {}
    nodes: list[int] = []
    for line, text in rows:
        where = f"{path}:row {line}"
        values = next(csv.reader([text]))
        if column is None:
            if len(values) != 1:
                problems.add(f"{where}: {len(values)} values; give one node id per line, or a "
                             "CSV with a `node` column")
                continue
            raw = values[0].strip()
        else:
            if len(values) != width:
                problems.add(f"{where}: {len(values)} values, header has {width} columns")
                continue
            raw = values[column].strip()
        node = _int_id(raw)
        if node is None or node not in graph:
            problems.add(f"{where}: node: {_unknown_node(raw, known)}")
        elif node in seen:
            problems.add(f"{where}: node: duplicate node id {node} (first at row {seen[node]})")
        else:
            seen[node] = line
            nodes.append(node)
    if problems:
        raise InputProblems(problems)
    return nodes


# ---------------------------------------------------------------------------------------------
# per-flow paths (--paths)
# ---------------------------------------------------------------------------------------------

PATH_COLUMNS = ("origin", "destination", "path")
#: what separates the node ids of a path in a CSV cell: spaces, ';' or '>' ("1 2 3", "1>2>3")
PATH_SEPARATORS = r"[\s;>]+"


def read_paths(path: str | Path, graph: nx.MultiDiGraph, flows: Sequence[Flow], *,
               round_trip: bool) -> dict[tuple[int, int], tuple[int, ...]]:
    """Each listed flow's path (`--paths FILE`): a CSV `origin,destination,path` (the path's node
    ids separated by spaces, ';' or '>'), or JSON `[{"origin": 1, "destination": 3, "path":
    [1, 2, 3]}, ...]`. Every (origin, destination) must be a flow of the flows file, listed once;
    the path runs from its origin to its destination, visits no node twice, and every step is a
    link of the network (on a round trip the way back, the path reversed, too). Flows not listed
    drive a shortest path. A listed path need not be a shortest path."""
    path = Path(path)
    known = {(f.origin, f.destination) for f in flows}
    adj = {u: set(graph.successors(u)) for u in graph.nodes}
    ids = sorted(graph.nodes, key=node_key)
    problems = Problems()
    found: dict[tuple[int, int], tuple[int, ...]] = {}
    first: dict[tuple[int, int], str] = {}
    for where, origin, destination, nodes in _path_entries(path, problems):
        bad: list[str] = []
        ends: list[int] = []
        for col, raw in (("origin", origin), ("destination", destination)):
            node = _int_id(raw)
            if node is None or node not in graph:
                bad.append(f"{where}: {col}: {_unknown_node(raw, ids)}")
            else:
                ends.append(node)
        seq: list[int] = []
        for raw in nodes:
            node = _int_id(raw)
            if node is None or node not in graph:
                bad.append(f"{where}: path: {_unknown_node(raw, ids)}")
                break
            seq.append(node)
        if bad:
            problems.extend(bad)
            continue
        key = (ends[0], ends[1])
        problem = _path_problem(key, seq, adj, round_trip)
        if key not in known:
            problem = (f"origin, destination: {key[0]} -> {key[1]} is not a flow of the flows "
                       "file")
        elif key in first:
            problem = (f"origin, destination: a second path for flow {key[0]} -> {key[1]} "
                       f"(first at {first[key]})")
        if problem:
            problems.add(f"{where}: {problem}")
            continue
        first[key] = where.rsplit(":", 1)[-1].strip()
        found[key] = tuple(seq)
    if problems:
        raise InputProblems(problems)
    if not found:
        raise InputError(f"{path}: no paths (--paths FILE lists flows' paths: "
                         "origin,destination,path)")
    return found


def _path_problem(key: tuple[int, int], seq: Sequence[int], adj: Mapping[int, set[int]],
                  round_trip: bool) -> str:
    """What is wrong with `seq` as the path of flow `key` ('' when nothing)."""
    if len(seq) < 2 or seq[0] != key[0] or seq[-1] != key[1]:
        shown = " ".join(str(n) for n in seq[:6]) + (" ..." if len(seq) > 6 else "")
        return (f"path: {shown or 'empty'} does not run from the origin {key[0]} to the "
                f"destination {key[1]}")
    seen: set[int] = set()
    for n in seq:
        if n in seen:
            return f"path: visits node {n} twice"
        seen.add(n)
    for u, v in itertools.pairwise(seq):
        if v not in adj[u]:
            return f"path: {u} -> {v} is not a link of the network"
    if round_trip:
        for u, v in itertools.pairwise(seq):
            if u not in adj[v]:
                return (f"path: the way back (the path reversed) needs {v} -> {u}, which is not "
                        "a link of the network (a one-way link); a round trip drives its path "
                        "back reversed")
    return ""


def _path_entries(path: Path, problems: Problems
                  ) -> Iterator[tuple[str, str, str, list[str]]]:
    """(where, origin, destination, path node ids) of each entry of a paths file, as text."""
    if path.suffix.lower() == ".json":
        data = read_json(path, "flows", allow_nan=False)
        if not isinstance(data, list):
            raise InputError(f"{path}: expected a JSON list of {{\"origin\", \"destination\", "
                             "\"path\"}} objects")
        for i, item in enumerate(data, start=1):
            where = f"{path}:item {i}"
            if not isinstance(item, dict) or not all(k in item for k in PATH_COLUMNS):
                problems.add(f"{where}: expected an object with origin, destination and path")
                continue
            nodes = item["path"]
            if not isinstance(nodes, list) or not all(
                    isinstance(n, int | str) and not isinstance(n, bool) for n in nodes):
                problems.add(f"{where}: path: expected a list of node ids")
                continue
            ends = [item["origin"], item["destination"]]
            if not all(isinstance(n, int | str) and not isinstance(n, bool) for n in ends):
                problems.add(f"{where}: origin, destination: expected node ids")
                continue
            yield where, str(ends[0]).strip(), str(ends[1]).strip(), \
                [str(n).strip() for n in nodes]
        return
    for line, row in _read_rows(path, PATH_COLUMNS, "flows"):
        if _BAD in row:
            problems.add(row[_BAD])
            continue
        cells = [c for c in re.split(PATH_SEPARATORS, row["path"]) if c]
        yield f"{path}:row {line}", row["origin"], row["destination"], cells


# ---------------------------------------------------------------------------------------------
# plan
# ---------------------------------------------------------------------------------------------

def _config_ref(kind: str, ident: str, source_file: str) -> InputRef:
    from evcorridor.settings import REPO_ROOT

    path = Path(source_file)
    full = path if path.is_absolute() else REPO_ROOT / path
    try:
        shown = str(full.resolve().relative_to(REPO_ROOT))
    except ValueError:
        shown = str(path)
    digest = sha256_of(full) if full.is_file() else ""
    return InputRef(kind=kind, id=ident, path=shown, sha256=digest)  # type: ignore[arg-type]


def resolve_range(range_m: float | None, vehicle: str | None, scenario: str | None
                  ) -> tuple[float, dict[str, str | float], list[InputRef]]:
    """The usable range: given directly, or from a vehicle profile under a scenario's climate.
    Also the parameters and input references that say where it came from."""
    if range_m is not None:
        if vehicle is not None:
            raise UsageError("give either a range or a vehicle, not both")
        return float(range_m), {}, []
    if vehicle is None:
        raise UsageError("coverage planning needs a vehicle (--vehicle ID) or a range")
    from evcorridor.profiles import get_vehicle
    from evcorridor.scenarios import get_scenario

    veh = get_vehicle(vehicle)
    scen = get_scenario(scenario or "default")
    refs = [_config_ref("vehicle", veh.id, veh.source_file),
            _config_ref("scenario", scen.id, scen.source_file)]
    return float(veh.usable_range_m(scen.climate)), {"vehicle": vehicle, "scenario": scen.id,
                                                     "climate": scen.climate}, refs


def coverage_plan(
    *,
    graph: nx.MultiDiGraph,
    name: str,
    chosen: Sequence[int],
    coverage: CoverageResult,
    solver: SolverResult,
    inputs: Sequence[InputRef],
    parameters: Mapping[str, str | int | float | bool | list[str] | None],
    existing: Sequence[int] = (),
    corridor_name: str | None = None,
    border: str = "",
    crossings: Sequence[str] = (),
) -> Plan:
    """A `Plan` for a coverage solve: new sites at the chosen nodes, coverage section, no routes."""
    sites = []
    # readable ids from the node labels ("new-<label>", else "new-node-<node>"), made over all
    # nodes in file order so that an id does not depend on which others were chosen
    index = {node: i for i, node in enumerate(graph.nodes)}
    ids = unique_ids({i: "new-" + (slug(str(graph.nodes[node].get("label") or ""))
                                   or f"node-{slug(str(node)) or i}")
                      for node, i in index.items()})
    for node in sorted(chosen, key=node_key):
        data = graph.nodes[node]
        label = str(data.get("label", "") or "")
        sites.append(Site(
            id=ids[index[node]], kind="new", name=label or f"node {node}", node=int(node),
            lat=round(float(data["y"]), 6) if has_coordinates(data) else None,
            lon=round(float(data["x"]), 6) if has_coordinates(data) else None,
            country=str(data.get("country", "") or ""), offset_m=0.0, ports=0, power_kw=0.0,
            connectors=[], cost=1.0))
    countries = sorted({str(c) for _, c in graph.nodes(data="country") if c})
    solver = solver.model_copy(update={"wall_time_s": None})  # plans must be byte-identical
    return Plan(
        corridor=name, corridor_name=corridor_name or name, border=border, countries=countries,
        crossings=list(crossings), inputs=list(inputs), parameters=dict(parameters),
        solver=solver, feasible=solver.status in ("optimal", "feasible"), sites=sites, routes=[],
        existing=ExistingSummary(qualified=len(existing), upgraded=0, unused=0),
        # a user's network file carries no date; its path and hash are in `inputs`
        data_sources=[DataSource(kind="network", name=name, date=None,
                                 provenance="the network file(s) given with --network")],
        coverage=coverage)


def plan_generic(
    network: str | Path,
    flows_path: str | Path,
    *,
    budget: int,
    trip: str = "round",
    range_m: float | None = None,
    vehicle: str | None = None,
    scenario: str | None = None,
    existing: Sequence[int] = (),
    candidates_path: str | Path | None = None,
    existing_path: str | Path | None = None,
    paths_path: str | Path | None = None,
    path_tie_break: str = "lowest-ids",
    time_limit_s: float = 60.0,
    seed: int = 0,
    capacity: float | None = None,
) -> tuple[Plan, float]:
    """Coverage plan for a generic network + O-D flows. Returns (plan, solver wall time s).
    `capacity`: refuels per station per period (the capacitated model, flows served in part).
    `candidates_path` limits the new sites to the nodes it lists; `existing_path` lists existing
    stations (added to `existing`); `paths_path` gives flows their paths (`read_paths`; the
    others drive a shortest path). The files are recorded in the plan's inputs with a hash, and
    each flow's `path_source` says whether its path was given or is a shortest path."""
    graph = read_network(network)
    flows = read_flows(flows_path, graph)
    given: dict[tuple[int, int], tuple[int, ...]] = {}
    if paths_path is not None:
        given = read_paths(paths_path, graph, flows, round_trip=trip == "round")
        flows = [replace(f, path=given.get((f.origin, f.destination))) for f in flows]
    candidates = (None if candidates_path is None
                  else read_node_list(candidates_path, graph, "--candidates"))
    existing = list(existing)
    if existing_path is not None:
        existing += [n for n in read_node_list(existing_path, graph, "--existing")
                     if n not in existing]
    rng, veh_params, refs = resolve_range(range_m, vehicle, scenario)
    for n in existing:
        if n not in graph:
            raise UsageError(f"existing site: {_unknown_node(str(n), sorted(graph.nodes))}")
    chosen, coverage, solver = solve_coverage(
        graph, flows, range_m=rng, budget=budget, trip=trip, existing=existing,
        candidates=candidates, time_limit_s=time_limit_s, seed=seed,
        path_tie_break=path_tie_break, capacity=capacity)
    coverage = coverage.model_copy(update={"flows": [
        fr.model_copy(update={"path_source": "given" if (int(fr.origin), int(fr.destination))
                               in given else "shortest"}) for fr in coverage.flows]})
    name = network_name(network)
    files = network_files(network)
    # resolved paths: `check` run from another folder finds them, and the same inputs give the
    # same plan bytes whatever the working directory
    inputs = [
        InputRef(kind="network", id=name, path=",".join(str(f.resolve()) for f in files),
                 sha256=sha256_of(*files)),
        InputRef(kind="flows", id=Path(flows_path).stem, path=str(Path(flows_path).resolve()),
                 sha256=sha256_of(Path(flows_path))),
        *refs,
    ]
    for kind, file in (("candidates", candidates_path), ("existing", existing_path),
                       ("paths", paths_path)):
        if file is not None:
            inputs.append(InputRef(kind=kind, id=Path(file).stem,  # type: ignore[arg-type]
                                   path=str(Path(file).resolve()), sha256=sha256_of(Path(file))))
    params: dict[str, str | int | float | bool | list[str] | None] = {
        "objective": "coverage", "budget": budget, "trip": trip, "range_m": round(rng, 1),
        "existing_nodes": [str(n) for n in sorted(existing)], "path_tie_break": path_tie_break,
        **veh_params}
    if candidates is not None:
        params["candidate_nodes"] = [str(n) for n in sorted(candidates)]
    if capacity is not None:
        params["capacity_refuels"] = float(capacity)
    if paths_path is not None:
        params["given_paths"] = len(given)
    links = str(graph.graph.get("links_format") or "")
    if links.startswith("matrix"):
        params["network_links"] = links
        params["asymmetric_pairs"] = int(graph.graph.get("asymmetric_pairs") or 0)
        params["complete_matrix"] = bool(graph.graph.get("complete"))
    plan = coverage_plan(graph=graph, name=name, chosen=chosen, coverage=coverage, solver=solver,
                         inputs=inputs, parameters=params, existing=existing)
    return plan, float(solver.wall_time_s or 0.0)
