"""Capacitated coverage (issue 12: `plan --capacity N`, Upchurch, Kuby & Lim 2009): the planner's
optimum equals a brute force written here (every site set, every integer split of the vehicles
over stop sequences), it differs from the uncapacitated optimum, and `check` re-derives the
served vehicles and the station loads. The network and flows are SYNTHETIC."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx
import pytest
from cli_run import run

KM = 1000.0
#: SYNTHETIC: two separate roads, 1 - 2 - 3 (140 km edges) and 4 - 5 (140 km)
EDGES = ((1, 2, 140.0), (2, 3, 140.0), (4, 5, 140.0))
FLOWS = ((1, 3, 10), (4, 5, 8))  # round trips; 1 -> 3 -> 1 stops twice at 2, 4 -> 5 -> 4 once at 5
CANDIDATES = (2, 5)
RANGE_KM = 300.0


def write_network(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nodes.csv").write_text("id,x,y\n" + "".join(
        f"{n},{-100 + n / 10:.1f},40.0\n" for n in range(1, 6)))
    (folder / "edges.csv").write_text("u,v,length_m\n" + "".join(
        f"{u},{v},{km * KM:.0f}\n" for u, v, km in EDGES))
    (folder / "flows.csv").write_text("origin,destination,flow\n" + "".join(
        f"{o},{d},{f}\n" for o, d, f in FLOWS))
    (folder / "candidates.csv").write_text("".join(f"{n}\n" for n in CANDIDATES))
    return folder


def trip(o: int, d: int) -> tuple[list[int], list[float]]:
    """The round trip o -> d -> o on the network: nodes and positions (m)."""
    g = nx.Graph()
    for u, v, km in EDGES:
        g.add_edge(u, v, length=km * KM)
    there = nx.shortest_path(g, o, d, weight="length")
    nodes = there + there[::-1][1:]
    pos = [0.0]
    for a, b in itertools.pairwise(nodes):
        pos.append(pos[-1] + g[a][b]["length"])
    return nodes, pos


def completes(pos: list[float], stops: set[int], rng: float) -> bool:
    """Leave with half the range (a round trip), charge to full at the points `stops`."""
    charge = rng / 2
    for i in range(len(pos)):
        if i in stops:
            charge = rng
        if i + 1 < len(pos):
            charge -= pos[i + 1] - pos[i]
            if charge < -1e-6:
                return False
    return True


def brute_force(capacity: float | None, budget: int) -> tuple[int, tuple[int, ...]]:
    """(most vehicles served, the site set: fewest sites, then least rank sum) over every set
    of candidates and every integer split of each flow's vehicles over its stop sequences."""
    rng = RANGE_KM * KM
    best: tuple[int, int, int] | None = None
    best_set: tuple[int, ...] = ()
    for size in range(budget + 1):
        for sites in itertools.combinations(CANDIDATES, size):
            options = []  # per flow: (volume, its feasible stop sequences as station lists)
            for o, d, volume in FLOWS:
                nodes, pos = trip(o, d)
                points = [i for i, n in enumerate(nodes) if n in sites]
                seqs = [[nodes[i] for i in s] for r in range(len(points) + 1)
                        for s in itertools.combinations(points, r) if completes(pos, set(s), rng)]
                options.append((volume, seqs))
            served = 0
            # every integer split: per flow, vehicles per stop sequence
            per_flow = [[split for split in itertools.product(range(v + 1), repeat=len(seqs))
                         if sum(split) <= v] for v, seqs in options]
            for splits in itertools.product(*per_flow):
                load: dict[int, int] = {}
                for (_, seqs), split in zip(options, splits, strict=True):
                    for seq, n in zip(seqs, split, strict=True):
                        for station in seq:
                            load[station] = load.get(station, 0) + n
                if capacity is None or all(v <= capacity for v in load.values()):
                    served = max(served, sum(sum(s) for s in splits))
            ranks = sum(CANDIDATES.index(s) + 1 for s in sites)
            key = (served, -size, -ranks)
            if best is None or key > best:
                best, best_set = key, sites
    assert best is not None
    return best[0], best_set


def plan(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
         ) -> tuple[dict[str, object], Path]:
    net = write_network(tmp_path / "net")
    out = tmp_path / ("out" + "-".join(extra))
    code, _, err = run(["plan", "--network", str(net), "--flows", str(net / "flows.csv"),
                        "--candidates", str(net / "candidates.csv"), "--objective", "coverage",
                        "--budget", "1", "--range-km", f"{RANGE_KM:g}", "--out", str(out),
                        "--quiet", *extra], capsys)
    assert code == 0, err
    folder = next(out.iterdir())
    return json.loads((folder / "plan.json").read_text()), folder


def test_capacitated_optimum_is_the_brute_force_one_and_differs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    free_best, free_sites = brute_force(None, 1)
    cap_best, cap_sites = brute_force(10, 1)
    assert free_sites != cap_sites  # the instance is one where capacity changes the answer
    free, _ = plan(tmp_path, capsys)
    capped, folder = plan(tmp_path, capsys, "--capacity", "10")
    assert [s["node"] for s in free["sites"]] == list(free_sites)  # type: ignore[index, union-attr]
    assert free["coverage"]["covered_flow"] == free_best  # type: ignore[index]
    assert [s["node"] for s in capped["sites"]] == list(cap_sites)  # type: ignore[index, union-attr]
    cov = capped["coverage"]
    assert cov["covered_flow"] == cap_best  # type: ignore[index]
    assert capped["parameters"]["capacity_refuels"] == 10  # type: ignore[index]
    assert capped["solver"]["status"] == "optimal"  # type: ignore[index]
    for f in cov["flows"]:  # type: ignore[index]
        assert f["served"] <= f["flow"]
        assert sum(r["vehicles"] for r in f["refuels"]) == pytest.approx(f["served"])
    code, out, err = run(["check", str(folder / "plan.json"), "--input", str(tmp_path / "net")],
                         capsys)
    assert code == 0, out + err


def test_check_finds_a_station_over_its_capacity(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    capped, folder = plan(tmp_path, capsys, "--capacity", "10")
    flows = capped["coverage"]["flows"]  # type: ignore[index]
    served = next(f for f in flows if f["served"])
    served["refuels"][0]["vehicles"] += 5  # more refuels than the station has, and than served
    served["served"] = served["flow"] = served["flow"] + 5
    capped["coverage"]["covered_flow"] += 5  # type: ignore[index]
    capped["coverage"]["total_flow"] += 5  # type: ignore[index]
    (folder / "plan.json").write_text(json.dumps(capped))
    code, out, err = run(["check", str(folder / "plan.json"), "--input", str(tmp_path / "net")],
                         capsys)
    assert code == 1
    assert "over the station capacity of 10" in out + err


def test_capacity_with_a_corridor_is_a_usage_error(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["plan", "i5-cascadia", "--objective", "coverage", "--budget", "1",
                        "--vehicle", "heavy-truck-mcs", "--capacity", "10", "--out",
                        str(tmp_path)], capsys)
    assert code == 2 and "--capacity applies to a generic --network only" in err
