"""Pulled networks: what `network pull` stored for a corridor, so that `plan` uses it next.

`network pull ID --source osm|travelmapping|file` saves the corridor graph as GraphML under
`<cache_dir>/networks/` and records it in `<cache_dir>/networks/<id>.pulled.json`:

    {"corridor": ID, "source": "osm", "pulled_at": "2026-12-03T07:10:00Z",
     "data_date": "...", "path": ".../i75-sault.osm.graphml.gz", "sha256": "..."}

`resolve_source(ID, choice)` turns a plan's `--network-source` into the network to load:

- `auto` (default): the pulled network when there is one, else the embedded network
  (data/networks/<id>.graphml.gz), else the corridor cut out of the continental graph;
- `pulled`, `embedded`, `continental`: that one, or a usage error saying how to get it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from evcorridor.atomic import write_text
from evcorridor.errors import InputError, UsageError, unknown_id
from evcorridor.settings import get_settings

CHOICES = ("auto", "pulled", "embedded", "continental")


@dataclass(frozen=True)
class Pulled:
    corridor: str
    source: str
    pulled_at: str
    data_date: str
    path: Path
    sha256: str


def manifest_path(corridor_id: str) -> Path:
    return get_settings().cache_dir / "networks" / f"{corridor_id}.pulled.json"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def record_pull(corridor_id: str, source: str, path: Path, G: nx.MultiDiGraph,
                now: dt.datetime | None = None) -> Pulled:
    """Record that `path` (GraphML written by `network pull`) is the corridor's pulled network."""
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    p = Pulled(corridor_id, source, when, str(G.graph.get("data_date") or ""), Path(path),
               _sha256(Path(path)))
    doc = {"corridor": p.corridor, "source": p.source, "pulled_at": p.pulled_at,
           "data_date": p.data_date, "path": str(p.path), "sha256": p.sha256}
    write_text(manifest_path(corridor_id), json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return p


def latest_pulled(corridor_id: str) -> Pulled | None:
    """The corridor's pulled network, None when none was pulled (or its file is gone)."""
    m = manifest_path(corridor_id)
    if not m.is_file():
        return None
    try:
        doc = json.loads(m.read_text(encoding="utf-8"))
        p = Pulled(str(doc["corridor"]), str(doc["source"]), str(doc["pulled_at"]),
                   str(doc.get("data_date", "")), Path(doc["path"]), str(doc["sha256"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{m}: unreadable pulled-network record ({exc}); pull again with "
                         f"`evcorridor network pull {corridor_id}`") from exc
    return p if p.path.is_file() else None


def resolve_source(corridor_id: str, choice: str = "auto") -> tuple[str, Path | None, str]:
    """(source to load, file or None, what it is) for a plan's `--network-source`.

    The source is "file" for a pulled network (its GraphML), "embedded" or "continental"."""
    from evcorridor.network import embedded_path
    from evcorridor.network.continental import continental_path

    if choice not in CHOICES:
        raise unknown_id("network source", choice, CHOICES)
    if choice in ("auto", "pulled"):
        p = latest_pulled(corridor_id)
        if p is not None:
            return "file", p.path, f"pulled:{p.source}"
        if choice == "pulled":
            raise UsageError(f"no pulled network for corridor {corridor_id!r} in "
                             f"{manifest_path(corridor_id).parent}: run `evcorridor network pull "
                             f"{corridor_id} --source osm|travelmapping|file` first")
    if choice in ("auto", "embedded"):
        e = embedded_path(corridor_id)
        if e.is_file():
            return "embedded", None, "embedded"
        if choice == "embedded":
            raise UsageError(f"corridor {corridor_id!r} has no embedded network ({e}); use "
                             "--network-source continental or pull one with `evcorridor network "
                             "pull`")
    c = continental_path()
    if not c.is_file():
        raise InputError(f"{c}: no continental road graph for corridor {corridor_id!r} (run "
                         "`make data`, or pull a network with `evcorridor network pull`)")
    return "continental", None, "continental"


__all__ = ["CHOICES", "Pulled", "latest_pulled", "manifest_path", "record_pull",
           "resolve_source"]
