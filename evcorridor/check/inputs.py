"""Rule family `inputs` (and the corridor part of `route`): hash every input, reload the graph,
scenario, vehicles, profiles and profile set the plan names."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx

from evcorridor.check.arith import (
    sha256_files,
)
from evcorridor.check.base import HASHED_KINDS, _Base
from evcorridor.errors import EvCorridorError, InputError
from evcorridor.inputs import read_text
from evcorridor.outpaths import is_safe_slug
from evcorridor.settings import REPO_ROOT, get_settings


def _csv_lines(path: Path) -> list[str]:
    return [ln for ln in read_text(path, "network").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    lines = _csv_lines(path)
    if lines:
        lines[0] = lines[0].lower()
    return list(csv.DictReader(lines))


def _xy(d: Any) -> dict[str, float]:
    """x/y of a node when it has both (a distance matrix's nodes have none)."""
    x, y = d.get("x"), d.get("y")
    if x is None or y is None or str(x).strip() == "" or str(y).strip() == "":
        return {}
    return {"x": float(x), "y": float(y)}


#: cells of a distance matrix that mean "no direct link" (docs/siting.md)
_NO_LINK = ("", "-", "inf", "infinity")


def _add_links(path: Path, G: nx.MultiDiGraph) -> None:
    """The links of an edge list (u,v,length_m[,oneway]), a long distance matrix (from,to,km) or
    a square one (corner cell and node ids, a row per node, km; an empty cell is no link). A
    matrix pair given one way is a road both ways; given both ways, each keeps its length."""
    lines = _csv_lines(path)
    rows = list(csv.reader(lines))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if {"u", "v", "length_m"} <= set(header):
        for row in _csv_rows(path):
            u, v, length = int(row["u"]), int(row["v"]), float(row["length_m"])
            G.add_edge(u, v, length=length)
            if str(row.get("oneway") or "").strip().lower() not in ("true", "yes", "1", "y",
                                                                     "t"):
                G.add_edge(v, u, length=length)
        return
    km: dict[tuple[int, int], float] = {}
    if {"from", "to", "km"} <= set(header):
        for row in _csv_rows(path):
            km[(int(row["from"]), int(row["to"]))] = float(row["km"])
    else:
        ids = [int(h) for h in header[1:]]
        for cells in rows[1:]:
            u = int(cells[0])
            for v, cell in zip(ids, cells[1:], strict=True):
                if u != v and cell.strip().lower() not in _NO_LINK:
                    km[(u, v)] = float(cell)
    for (u, v), value in km.items():
        G.add_edge(u, v, length=value * 1000.0)
        if (v, u) not in km:
            G.add_edge(v, u, length=value * 1000.0)


def read_generic_network(files: Sequence[Path]) -> nx.MultiDiGraph:
    """A user's network as the coverage planner reads it (GraphML, nodes.csv + edges.csv, or a
    distance matrix alone or after a nodes file): integer node ids, x/y when given, country;
    edge `length` or `length_m`; undirected / two-way roads get both directions. Read here
    again so the checker does not lean on the planner's reader."""
    G = nx.MultiDiGraph()
    if len(files) == 1 and files[0].suffix.lower() == ".csv":
        _add_links(files[0], G)
        return G
    if len(files) == 1:
        raw = nx.parse_graphml(read_text(files[0], "network"))
        for n, d in raw.nodes(data=True):
            G.add_node(int(n), **_xy(d), country=str(d.get("country", "") or ""))
        for u, v, d in raw.edges(data=True):
            if int(u) == int(v):
                continue
            length = float(d.get("length", d.get("length_m")))
            G.add_edge(int(u), int(v), length=length)
            if not raw.is_directed():
                G.add_edge(int(v), int(u), length=length)
        return G
    for row in _csv_rows(files[0]):
        G.add_node(int(row["id"]), **_xy(row), country=str(row.get("country") or "").upper())
    _add_links(files[1], G)
    return G


def input_roots(allowed: Sequence[Path] = ()) -> list[Path]:
    """Where the inputs a plan (or sizing) may name live: the data and configs folders (the
    shipped ones and the configured ones), and the files and folders given with `check --input`
    (or `allowed`)."""
    settings = get_settings()
    roots = [REPO_ROOT / "data", REPO_ROOT / "configs", Path(settings.data_dir),
             Path(settings.configs_dir), *allowed]
    return [r.resolve() for r in roots]


def resolve_input(path: str, roots: Sequence[Path], outside: list[Path]) -> Path | None:
    """The file an input path names (relative paths against the repository, the data and the
    configs folders, never the working folder), if it lies inside `roots`; a file elsewhere is not
    read (a plan cannot make check hash /etc/shadow): it is appended to `outside`."""
    p = Path(path)
    settings = get_settings()
    candidates = [p] if p.is_absolute() else [
        REPO_ROOT / p, Path(settings.data_dir) / p, Path(settings.configs_dir) / p]
    for c in candidates:
        full = c.resolve()
        if not any(full == r or full.is_relative_to(r) for r in roots):
            if c.is_file() and full not in outside:
                outside.append(full)
            continue
        if full.is_file():
            return c
    return None


class _Inputs(_Base):
    # ------------------------------------------------------------------ inputs
    def _input(self, kind: str) -> list[Any]:
        return [ref for ref in self.plan.inputs if ref.kind == kind]

    def _roots(self) -> list[Path]:
        """Where the inputs a plan may name live (see `input_roots`), and the corridor file that
        `plan --border` writes for this plan beside its folder (OUT/corridors/<id>.yaml)."""
        return input_roots([*self.allowed_inputs, *self._border_corridor_file()])

    def _border_corridor_file(self) -> list[Path]:
        if self.folder is None or not is_safe_slug(self.plan.corridor):
            return []
        return [self.folder.parent / "corridors" / f"{self.plan.corridor}.yaml"]

    def _resolve(self, path: str) -> Path | None:
        """The file an input path names if check may read it (see `resolve_input`)."""
        return resolve_input(path, self._roots(), self.outside)

    def check_inputs(self) -> None:
        """Hash the inputs the checker relies on; reload graph, scenario, vehicles and profiles
        (a reload failure raises InputError: the plan cannot be verified here)."""
        from evcorridor.profiles import get_profile_set, get_standard, get_vehicle
        from evcorridor.scenarios import get_scenario

        for ref in self.plan.inputs:
            if ref.kind not in HASHED_KINDS:
                continue
            where = f"{ref.kind} {ref.id}"
            before = len(self.outside)
            parts = [self._resolve(part.strip()) for part in ref.path.split(",")]
            if any(f is None for f in parts):
                if len(self.outside) > before:
                    self.fail("inputs", where,
                              f"input file {ref.path} is outside the data and configs folders; "
                              "check reads it only when given with --input PATH")
                else:
                    self.fail("inputs", where,
                              f"input file {ref.path} not found; cannot verify its hash")
                continue
            digest = sha256_files([f for f in parts if f is not None])
            if digest != ref.sha256:
                self.fail("inputs", where,
                          f"{ref.path} has changed since the plan was made (sha256 {digest[:12]}, "
                          f"the plan has {ref.sha256[:12]}); re-run `evcorridor plan`")
        self.check_files()
        created = False  # a corridor not shipped in configs/corridors: reloaded from its file
        if not self.generic:
            from evcorridor.corridors import get_corridor

            try:
                self.corridor = get_corridor(self.plan.corridor)
            except EvCorridorError:
                self.corridor = self._load_corridor_file()
                created = self.corridor is not None
        if not self.graph_given:
            self.G = (self._load_generic_graph() if self.generic
                      else self._load_graph(created))
        scen_refs = self._input("scenario")
        scen_id = scen_refs[0].id if scen_refs else str(self.plan.parameters.get("scenario") or "")
        if scen_id:
            self.scenario = self._reload("scenario", scen_id, get_scenario)
        elif self.plan.routes:
            raise InputError(f"{self.label}: the plan names no scenario (inputs or parameters)")
        # every vehicle that runs a route, and every planned one (a truck may have no route)
        planned = self.plan.parameters.get("vehicles")
        named = {str(v) for v in planned} if isinstance(planned, list) and self.plan.routes \
            else set()
        for vid in sorted({vr.vehicle for r in self.plan.routes for vr in r.vehicles} | named):
            self.vehicles[vid] = self._reload("vehicle", vid, get_vehicle)
        wanted = {p for s in self.plan.sites for p in s.complies_with}
        for r in self.plan.routes:
            for sr in r.standards:
                wanted.add(sr.profile)
                wanted.update(sr.recognized_profiles)
        for pid in sorted(wanted):
            self.standards[pid] = self._reload("standard profile", pid, get_standard)
        for pid in sorted({p for prof in list(self.standards.values()) for p in prof.recognizes}):
            if pid not in self.standards:
                self.standards[pid] = self._reload("standard profile", pid, get_standard)
        set_refs = self._input("profile_set")
        set_id = set_refs[0].id if set_refs else str(self.plan.parameters.get("profile_set") or "")
        if set_id:
            self.profile_set = self._reload("profile set", set_id, get_profile_set)

    #: a corridor graph's source (its `built_from`, else `source` attribute) -> the name a plan
    #: records for it (the checker's own table; the siting has provenance.NETWORK_SOURCES)
    _NETWORK_NAMES: ClassVar[dict[str, str]] = {"travelmapping": "Travel Mapping",
                                                "osm": "OpenStreetMap"}

    def check_data_sources(self) -> None:
        """The network the plan names among its data sources is the graph reloaded here: the
        same source by name (a user's `--network` file, or a graph of another source: the plan's
        own name) and the same date (the graph's `data_date`; none for a user's file). A version-1
        plan records no sources; a graph the caller gives (`graph=`) is taken as it is."""
        nets = [d for d in self.plan.data_sources if d.kind == "network"]
        if not nets or self.graph_given or self.G is None:
            return
        if len(nets) > 1:
            self.fail("data_sources", "network", f"{len(nets)} network sources "
                      f"({', '.join(d.name for d in nets)}); a plan rests on one network")
            return
        got, g = nets[0], self.G.graph
        if self.generic:
            name, date = self.plan.corridor, None
        else:
            source = str(g.get("built_from") or g.get("source") or "")
            name = self._NETWORK_NAMES.get(source, self.plan.corridor)
            date = str(g.get("data_date") or "") or None
        if got.name != name:
            self.fail("data_sources", "network", f"the plan names its network {got.name!r}; the "
                      f"graph it was made on is {name!r}")
        if got.date != date:
            self.fail("data_sources", "network", f"the plan dates its network "
                      f"{got.date or 'none'}; the graph it was made on is dated {date or 'none'}")

    def check_files(self) -> None:
        """The files written beside plan.json (sites.csv, sites.geojson) are the ones this plan
        wrote: their SHA-256 is the one plan.json records (a crash or another run can leave
        siblings that belong to another plan)."""
        if self.folder is None:
            return
        for name, digest in sorted(self.plan.files.items()):
            if not is_safe_slug(name):
                self.fail("files", "", f"{name!r} is not a file name a plan writes")
                continue
            path = self.folder / name
            if not path.is_file():
                self.fail("files", name, f"missing beside the plan ({path})")
                continue
            try:
                found = sha256_files([path])
            except OSError as exc:
                raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
            if found != digest:
                self.fail("files", name, f"{path} does not belong to this plan (sha256 "
                                         f"{found[:12]}, the plan wrote {digest[:12]}); re-run "
                                         "`evcorridor plan`")

    def _reload(self, kind: str, ident: str, getter: Any) -> Any:
        try:
            return getter(ident)
        except EvCorridorError as exc:
            raise InputError(f"{self.label}: cannot reload {kind} {ident!r} named by the plan: "
                             f"{exc}") from exc

    def _load_generic_graph(self) -> nx.MultiDiGraph:
        refs = self._input("network")
        if not refs:
            raise InputError(f"{self.label}: the coverage plan names no network input")
        before = len(self.outside)
        files = [self._resolve(part.strip()) for part in refs[0].path.split(",")]
        missing = [part for part, f in zip(refs[0].path.split(","), files, strict=True)
                   if f is None]
        if missing:
            why = ("outside the data and configs folders (give it with --input PATH)"
                   if len(self.outside) > before else "file not found")
            raise InputError(f"{self.label}: cannot reload the network {refs[0].id!r}: "
                             f"{missing[0].strip()}: {why}")
        found = [f for f in files if f is not None]
        try:
            return read_generic_network(found)
        except (OSError, ValueError, KeyError, nx.NetworkXError, ET.ParseError) as exc:
            raise InputError(f"{self.label}: cannot reload the network {refs[0].id!r}: "
                             f"{exc}") from exc

    def _load_corridor_file(self) -> Any:
        """The corridor of a plan whose corridor is not shipped (`plan --border`, `corridors
        create`), from the file its corridor input names; None when there is none (a graph given
        directly, in tests, may have no corridor)."""
        from evcorridor.corridors import load_corridor_file

        refs = self._input("corridor")
        path = self._resolve(refs[0].path) if refs else None
        if path is None:
            if self.graph_given:
                return None
            raise InputError(f"{self.label}: cannot reload the corridor {self.plan.corridor!r}: "
                             "not a shipped corridor and its corridor file is not readable "
                             "here (give it with --input PATH)")
        try:
            return load_corridor_file(path)
        except EvCorridorError as exc:
            raise InputError(f"{self.label}: cannot reload the corridor "
                             f"{self.plan.corridor!r}: {exc}") from exc

    def _load_graph(self, created: bool = False) -> nx.MultiDiGraph:
        """The graph the plan used; for a created corridor (`created`) cut or read for the
        reloaded corridor itself (the continental graph, or the pulled or given file)."""
        from evcorridor.network import load_network

        refs = self._input("network")
        source = str(self.plan.parameters.get("network_source") or "embedded")
        path: Path | None = None
        if refs and source != "embedded":
            path = self._resolve(refs[0].path)
        try:
            if created:
                from evcorridor.network.continental import continental_path
                from evcorridor.network.file_source import load_file

                if path is None and source == "continental":
                    path = continental_path()
                if path is None:
                    raise InputError(f"no readable network file for source {source!r} (give it "
                                     "with --input PATH)")
                return load_file(self.corridor, path)
            if path is not None:
                return load_network(self.plan.corridor, source="file", path=path)
            return load_network(self.plan.corridor, source=source)
        except EvCorridorError as exc:
            raise InputError(f"{self.label}: cannot reload the corridor graph of "
                             f"{self.plan.corridor!r}: {exc}") from exc

    # ------------------------------------------------------------------ corridor
    def check_corridor(self) -> None:
        """The plan covers its corridor: the corridor's crossings, both directions of each."""
        c = self.corridor
        if c is None or self.generic:
            return
        if self.plan.border != c.border:
            self.fail("route", "", f"border {self.plan.border} in the plan, the corridor "
                                   f"{c.id} is on the {c.border} border")
        if list(self.plan.crossings) != list(c.crossings):
            self.fail("route", "", f"crossings {', '.join(self.plan.crossings) or 'none'} in the "
                                   f"plan, the corridor has {', '.join(c.crossings)}")
        ids = [r.id for r in self.plan.routes]
        for cid in c.crossings:
            for direction in ("forward", "reverse"):
                rid = f"{cid}:{direction}"
                if rid not in ids:
                    self.fail("route", "", f"no route {rid}: every crossing is planned in both "
                                           "directions")
        for rid in sorted({i for i in ids if ids.count(i) > 1}):
            self.fail("route", "", f"route {rid} is listed {ids.count(rid)} times")

