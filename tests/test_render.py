"""Rendering: static map, strip chart, HTML map, reports, CLI (SYNTHETIC plan, real road chain).

The fixture (tests/fixtures/render/build.py) is a hand-built SYNTHETIC plan over Travel Mapping
waypoints of I-5 (WA) and BC-99 with Natural Earth boundaries clipped to the area.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text

from evcorridor.errors import InputError, OutputError
from evcorridor.plan_model import Plan, load_plan
from evcorridor.render import maps as maps_mod
from evcorridor.render.geodata import country_shapes, gather, route_positions
from evcorridor.render.maps import MapRequest, render_plan, stale_files, write_rendered
from evcorridor.render.report import report_files, write_reports
from evcorridor.render.strip import draw_strip
from evcorridor.render.style import VIOLATION

FIXDIR = Path(__file__).resolve().parent / "fixtures" / "render"


def _build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_fixture_build", FIXDIR / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BUILD = _build()


@pytest.fixture(scope="module")
def graph() -> Any:
    return BUILD.build_graph()


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(FIXDIR / "plan.json")


@pytest.fixture(scope="module")
def shapes() -> Any:
    return country_shapes(BUILD.BOUNDARIES)


@pytest.fixture(scope="module")
def rendered(plan: Plan, graph: Any, shapes: Any) -> maps_mod.Rendered:
    return render_plan(plan, plan_path=FIXDIR / "plan.json", graph=graph, countries=shapes)


@pytest.fixture
def offline_data(monkeypatch: pytest.MonkeyPatch, graph: Any, shapes: Any) -> None:
    """Point the renderer's loaders at the fixture graph and boundaries (for CLI tests)."""
    monkeypatch.setattr(maps_mod, "load_graph", lambda plan, path=None: graph)
    monkeypatch.setattr(maps_mod, "load_country_shapes", lambda: shapes)
    monkeypatch.setattr(maps_mod, "load_border_geometries", lambda: {})


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from evcorridor.cli import main

    with pytest.raises(SystemExit) as exc:
        main(argv)
    cap = capsys.readouterr()
    code = exc.value.code
    return (0 if code is None else int(code)), cap.out, cap.err


def test_fixture_plan_file_is_current(plan: Plan) -> None:
    # plan.json is what build.py writes; a change to the builder must be re-run
    assert plan.dump() == BUILD.build_plan().dump()


def test_same_plan_gives_identical_bytes(plan: Plan, graph: Any, shapes: Any,
                                         rendered: maps_mod.Rendered) -> None:
    again = render_plan(plan, plan_path=FIXDIR / "plan.json", graph=graph, countries=shapes)
    assert sorted(rendered.files) == ["map.html", "map.png", "map.svg", "strip.png", "strip.svg"]
    for name, data in rendered.files.items():
        assert again.files[name] == data, name
    assert rendered.files["map.png"].startswith(b"\x89PNG")
    assert b"Software" not in rendered.files["map.png"]
    assert b"matplotlib.org" not in rendered.files["map.svg"]  # no Creator/version
    assert b"<dc:date>" not in rendered.files["map.svg"]
    assert b"<dc:date>" not in rendered.files["strip.svg"]


def test_text_caching_canvas_draws_the_same_bytes_as_plain_agg(plan: Plan, graph: Any,
                                                                shapes: Any) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from evcorridor.render import agg
    from evcorridor.render.static_map import draw_map
    from evcorridor.render.style import png_bytes

    agg._bitmaps.clear()
    agg._metrics.clear()
    for draw in (lambda: draw_strip(plan), lambda: draw_map(gather(plan, graph, shapes))):
        fig = draw()
        assert isinstance(fig.canvas, agg.TextCachingCanvas)
        first = png_bytes(fig)  # fills the caches
        assert agg._bitmaps and agg._metrics
        again = png_bytes(draw())  # a new figure drawn from the caches
        plain = draw()
        FigureCanvasAgg(plain)
        assert first == again == png_bytes(plain)


def test_text_caching_canvas_writes_the_same_svg_as_matplotlib(plan: Plan, graph: Any,
                                                               shapes: Any) -> None:
    """The canvas's own print_svg (text metrics remembered) against matplotlib's SVG canvas."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    from evcorridor.render import agg
    from evcorridor.render.static_map import draw_map
    from evcorridor.render.style import figure_bytes

    agg._svg_metrics.clear()
    for draw in (lambda: draw_strip(plan), lambda: draw_map(gather(plan, graph, shapes))):
        first = figure_bytes(draw(), "svg")  # fills the cache
        assert agg._svg_metrics
        again = figure_bytes(draw(), "svg")  # a new figure measured from the cache
        plain = draw()
        FigureCanvasSVG(plain)
        expected = figure_bytes(plain, "svg")
        assert b"<text" in first and b"font-family" in first
        assert first == again == expected


def test_map_geometry_from_graph(plan: Plan, graph: Any, shapes: Any) -> None:
    data = gather(plan, graph, shapes)
    # route positions re-derived from the graph match the plan's
    for route in plan.routes:
        cum = route_positions(graph, route)
        assert cum[-1] == pytest.approx(route.length_m, abs=0.2)
        assert cum[route.nodes.index(next(n for n in route.nodes
                                          if graph.nodes[n]["crossing"]))] == pytest.approx(
            route.border_pos_m, abs=0.2)
    # one crossing, at the Travel Mapping border point of I-5/BC-99
    assert data.crossings == [("blaine-peace-arch", -122.75651, 49.00208)]
    assert set(data.roads) == {"USA", "CAN"}
    # the border line runs along the 49th parallel near Blaine
    lats = [lat for line in data.border for _, lat in line]
    assert lats and min(lats) > 48.99 and max(lats) < 49.01
    # longest gap per direction: the truck's, forward exit 276 -> Vancouver, reverse the mirror
    fwd, rev = data.longest
    assert (fwd.direction, fwd.vehicle, fwd.gap.from_id, fwd.gap.to_id) == (
        "forward", "synthetic-truck", "new:29", "end")
    assert fwd.gap.length_m == pytest.approx(49463.8)
    assert (rev.direction, rev.gap.from_id, rev.gap.to_id) == ("reverse", "start", "new:29")
    # the highlighted road runs from the exit 276 node to the last BC-99 waypoint
    assert fwd.coords[0] == (round(graph.nodes[29]["x"], 5), round(graph.nodes[29]["y"], 5))
    last = max(graph.nodes)
    assert fwd.coords[-1] == (round(graph.nodes[last]["x"], 5), round(graph.nodes[last]["y"], 5))


def test_strip_chart_marks_every_violation_red(plan: Plan) -> None:
    fig = draw_strip(plan)
    violations = sum(1 for r in plan.routes for run in [*r.vehicles, *r.standards]
                     for g in run.gaps if g.slack_m < 0)
    assert violations == 6  # truck 2 per direction, CAN spacing 1 per direction
    red_rgb = tuple(round(int(VIOLATION[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))
    red = bars = 0
    # the panels are drawn on the figure (style.Panel), not on Axes
    assert fig.axes == []
    for coll in fig.artists:  # each panel's gap bars are one PolyCollection, a face colour per bar
        if isinstance(coll, PolyCollection) and coll.get_zorder() == 4:
            faces = [tuple(round(float(c), 3) for c in rgba[:3])
                     for rgba in coll.get_facecolor()]
            bars += len(faces)
            red += sum(1 for f in faces if f == red_rgb)
    assert red == violations
    assert bars == sum(len(run.gaps) for r in plan.routes for run in [*r.vehicles, *r.standards])
    titles = [a.get_text() for a in fig.artists if isinstance(a, Text)
              and a.get_weight() == "bold" and "border at km" in a.get_text()]
    assert titles == [f"{r.from_name} → {r.to_name}  ({r.direction}, via {r.crossing}; "
                      f"{r.length_m / 1000:.1f} km, border at km {r.border_pos_m / 1000:.1f}, "
                      f"border wait {r.border_wait_min:g} min)" for r in plan.routes]
    assert [r.border_wait_min for r in plan.routes] == [5, 20]


def test_html_is_offline_and_deterministic(plan: Plan, rendered: maps_mod.Rendered) -> None:
    text = rendered.files["map.html"].decode("utf-8")
    # no external scripts, stylesheets or tiles; no jQuery
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?:', text)
    assert "tile.openstreetmap" not in text and "cdn." not in text
    assert "$(" not in text
    assert "Leaflet 1.9.4" in text and "data:image/png;base64," in text
    # deterministic element ids (no uuid4 hex)
    assert not re.search(r"_[0-9a-f]{32}\b", text)
    # one circle marker per site, crossing and vehicle stop ring; one popup per site
    stops = {(run.vehicle, s) for r in plan.routes for run in r.vehicles for s in run.stops}
    assert len(re.findall(r"circle_marker_\d+ = L\.circleMarker\(", text)) == (
        len(plan.sites) + 1 + len(stops))
    assert len(re.findall(r"circle_marker_\d+\.bindPopup\(", text)) == len(plan.sites)
    assert "CCS1 \\u00d74 @150 kW" in text or "CCS1 ×4 @150 kW" in text  # the one notation
    for layer in ("New sites (2)", "Existing stations, upgraded (1)",
                  "Existing stations, qualify, used (1)", "Stops of vehicle synthetic-car (4)",
                  "Stops of vehicle synthetic-truck (3)"):
        assert layer in text


def test_request_files() -> None:
    assert MapRequest().files() == ["map.html", "map.png", "map.svg", "strip.png", "strip.svg"]
    assert MapRequest(png=True, strip=True).files() == ["map.png", "strip.png"]
    assert MapRequest(strip=True).files() == ["strip.png", "strip.svg"]
    assert MapRequest(html=True).files() == ["map.html"]


def test_write_and_check(tmp_path: Path, rendered: maps_mod.Rendered) -> None:
    written = write_rendered([rendered], tmp_path)
    folder = tmp_path / "synthetic-blaine"
    assert written == [folder / n for n in sorted(rendered.files)]
    assert stale_files([rendered], tmp_path) == []
    (folder / "strip.svg").write_bytes(b"old")
    (folder / "map.png").unlink()
    assert stale_files([rendered], tmp_path) == [folder / "map.png", folder / "strip.svg"]
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]


def test_unwritable_output_is_one_line_error(tmp_path: Path, rendered: maps_mod.Rendered) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(OutputError) as exc:
        write_rendered([rendered], blocker / "maps")
    assert "\n" not in str(exc.value)
    assert str(exc.value).startswith(f"{blocker / 'maps'}: cannot create output folder")


def test_failed_render_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch, offline_data: None) -> None:
    def boom(plan: Plan) -> Any:
        raise InputError("strip: synthetic failure")

    import evcorridor.render.strip as strip_mod

    monkeypatch.setattr(strip_mod, "draw_strip", boom)
    code, _, err = _cli(["map", str(FIXDIR / "plan.json"), "--html", "--strip", "--out",
                         str(tmp_path / "o")], capsys)
    assert code == 3
    assert err == "error: strip: synthetic failure\n"
    assert not (tmp_path / "o").exists()


def test_cli_map_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           offline_data: None) -> None:
    plan = str(FIXDIR / "plan.json")
    out = tmp_path / "maps"
    code, stdout, _ = _cli(["map", plan, "--html", "--strip", "--svg", "--out", str(out),
                            "--format", "json"], capsys)
    assert code == 0
    assert json.loads(stdout)["written"] == [str(out / "synthetic-blaine" / n)
                                             for n in ("map.html", "map.svg", "strip.svg")]
    code, stdout, _ = _cli(["map", plan, "--html", "--check", str(out)], capsys)
    assert code == 0 and stdout == f"1 map file(s) under {out} are up to date\n"
    html_file = out / "synthetic-blaine" / "map.html"
    html_file.write_bytes(html_file.read_bytes().replace(b"New sites", b"Old sites"))
    code, stdout, err = _cli(["map", plan, "--html", "--check", str(out)], capsys)
    assert code == 1
    assert stdout == f"would change: {html_file}\n"
    assert err.startswith(f"error: 1 of 1 map file(s) under {out} would change")
    # --check never writes: the stale file is still stale
    assert b"Old sites" in html_file.read_bytes()
    code, _, err = _cli(["map", plan, "--out", str(out), "--check", str(out)], capsys)
    assert code == 2 and "--check writes nothing" in err


def test_cli_bad_plans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.loads((FIXDIR / "plan.json").read_text())
    raw["schema_version"] = "evcorridor.plan/0"
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(raw))
    code, _, err = _cli(["map", str(bad), "--out", str(tmp_path / "o")], capsys)
    assert code == 3
    assert err == (f"error: {bad}: unknown plan schema version 'evcorridor.plan/0'; "
                   "this evcorridor reads 'evcorridor.plan/2' and 'evcorridor.plan/1'\n")
    assert not (tmp_path / "o").exists()


def test_cli_missing_corridor_data(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from evcorridor.errors import NotFoundError
    from evcorridor.render import geodata

    def missing(corridor_id: str, **kw: Any) -> Any:
        raise NotFoundError(f"unknown corridor {corridor_id!r}; did you mean 'i5-cascadia'?")

    import evcorridor.network as network

    monkeypatch.setattr(network, "load_network", missing, raising=False)
    assert geodata.load_graph  # the real loader, which calls evcorridor.network.load_network
    plan = FIXDIR / "plan.json"
    code, _, err = _cli(["map", str(plan), "--html", "--out", str(tmp_path / "o")], capsys)
    assert code == 3
    assert err == (f"error: {plan}: corridor data for 'synthetic-blaine' is missing: unknown "
                   "corridor 'synthetic-blaine'; did you mean 'i5-cascadia'?\n")
    assert not (tmp_path / "o").exists()


def test_report(tmp_path: Path, capsys: pytest.CaptureFixture[str], offline_data: None) -> None:
    code, stdout, _ = _cli(["report", str(FIXDIR / "plan.json"), "--out", str(tmp_path)], capsys)
    assert code == 0 and "wrote 5 files" in stdout
    folder = tmp_path / "synthetic-blaine"
    assert sorted(p.name for p in folder.iterdir()) == ["map.html", "map.png", "report.md",
                                                         "strip.png"]
    report = (folder / "report.md").read_text()
    assert report.startswith("# SYNTHETIC test plan: I-5 / BC-99 Burlington WA – Vancouver BC\n")
    assert "![Map](map.png)" in report and "![Gaps along each route](strip.png)" in report
    assert "[map.html](map.html)" in report
    assert "**Plan NOT feasible** · solver none: **feasible**" in report
    # the existing station is a stop (no used_by: hand-made): used, as on the map legend
    assert "| 2 | 1 | used 1 of 1 | 2.4 | 1 | 3 |\n" in report
    assert ("\nData: stations SYNTHETIC stations 2025-02-09; network Travel Mapping "
            "2026-08-22.\n") in report  # each source with its date
    assert ("| blaine-peace-arch | forward | vehicle synthetic-truck (mild); start 30 km: leaves "
            "full (scenario) | 35.0 | 49.5 | -14.5 | 3 | **NO** |") in report
    assert "| network | synthetic-blaine | `tests/fixtures/render/i5-bc99-waypoints.wpt` | " \
           "2026-08-22 |" in report
    plan_link = Path(re.search(r"plan file: \[([^\]]+)\]", report).group(1))  # type: ignore[union-attr]
    assert (folder / plan_link).resolve() == (FIXDIR / "plan.json").resolve()
    index = (tmp_path / "index.md").read_text()
    assert ("| [synthetic-blaine](synthetic-blaine/report.md) | us-ca | blaine-peace-arch "
            "| 2 | 1 | used 1 of 1 | 2.4 | 49.5 / 35.0 | 51.2 / 30.0 | none feasible | **NO** |"
            ) in index
    assert "1 corridor(s), 0 feasible." in index


def test_report_bytes_are_deterministic(tmp_path: Path, rendered: maps_mod.Rendered) -> None:
    a = report_files([rendered], tmp_path)
    b = report_files([rendered], tmp_path)
    assert a == b and sorted(a) == ["index.md", "synthetic-blaine/report.md"]
    written = write_reports([rendered], tmp_path)
    assert tmp_path / "index.md" in written


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))


def test_real_embedded_network_renders(tmp_path: Path) -> None:
    """A SYNTHETIC plan over the REAL embedded i5-cascadia graph, with the shipped boundaries."""
    from evcorridor.corridors import get_corridor
    from evcorridor.render.geodata import load_border_geometries, load_country_shapes

    plan, G = BUILD.synthetic_plan_for("i5-cascadia")
    corridor = get_corridor("i5-cascadia")
    data = gather(plan, G, load_country_shapes(), borders=load_border_geometries())
    assert [c[0] for c in data.crossings] == sorted(corridor.crossings)
    assert set(data.roads) == {"USA", "CAN"}
    # the drawn (Natural Earth 1:10m, simplified) border passes within ~2 km of every crossing
    from shapely.geometry import MultiLineString, Point
    line = MultiLineString([list(p) for p in data.border])
    for _, lon, lat in data.crossings:
        assert line.distance(Point(lon, lat)) < 0.02
    # the longest gap is the longest of the plan's gaps and its road runs along the route
    longest = max(g.length_m for r in plan.routes for v in r.vehicles for g in v.gaps)
    assert max(lg.gap.length_m for lg in data.longest) == longest
    a = render_plan(plan, MapRequest(png=True, html=True), graph=G)
    b = render_plan(plan, MapRequest(png=True, html=True), graph=G)
    assert a.files == b.files
    write_rendered([a], tmp_path)
    assert (tmp_path / "i5-cascadia" / "map.png").stat().st_size > 50_000


def test_coverage_plan_without_routes(plan: Plan, tmp_path: Path) -> None:
    from evcorridor.plan_model import CoverageResult, FlowResult

    cov = plan.model_copy(update={"routes": [], "coverage": CoverageResult(
        budget=1, trip="round", total_flow=300.0, covered_flow=200.0,
        flows=[FlowResult(origin="B", destination="A", flow=100.0, covered=False,
                          length_m=250000.0, nodes=[2, 1]),
               FlowResult(origin="A", destination="B", flow=200.0, covered=True,
                          length_m=120000.0, nodes=[1, 2])])})
    fig = draw_strip(cov)
    assert fig.axes == [] and any("no routes" in t.get_text() for t in fig.texts)
    r = maps_mod.Rendered(plan=cov, plan_path=None, files={"strip.png": b""})
    text = report_files([r], tmp_path)["synthetic-blaine/report.md"].decode()
    assert "Budget 1 new site(s), round trips: 200 of 300 flow covered (66.7%)." in text
    assert "| A | B | 200 | 120.0 | yes |\n| B | A | 100 | 250.0 | no |" in text


def test_generic_network_plan_draws_its_own_network() -> None:
    """A `plan --network FILE` plan (SYNTHETIC generic fixture) is drawn from the recorded file."""
    from evcorridor.render.geodata import load_graph
    from evcorridor.siting.generic import plan_generic

    line = Path(__file__).resolve().parent / "fixtures" / "generic" / "line"
    plan, _ = plan_generic(line, line / "flows.csv", budget=1, trip="round", vehicle="nacs-car",
                           scenario="default", time_limit_s=10.0)
    G = load_graph(plan)
    assert sorted(G.nodes) == [1, 2, 3, 4, 5]
    r = render_plan(plan, MapRequest(png=True, strip=True))
    assert sorted(r.files) == ["map.png", "strip.png"]


def test_example_ci_workflow_commands_parse() -> None:
    """Every evcorridor command line in docs/ci/evcorridor-profiles.yml and in the action it uses
    (action.yml) names real options."""
    import shlex

    import typer.main
    from ruamel.yaml import YAML

    from evcorridor.cli import app

    repo = Path(__file__).resolve().parents[1]
    doc = YAML(typ="safe").load((repo / "docs" / "ci" / "evcorridor-profiles.yml").read_text())
    action = YAML(typ="safe").load((repo / "action.yml").read_text())
    runs = [str(step.get("run", "")) for job in doc["jobs"].values() for step in job["steps"]]
    runs += [str(step.get("run", "")) for step in action["runs"]["steps"]]
    lines = [" ".join(x.split()) for r in runs for x in r.splitlines()
             if x.startswith("evcorridor ")]
    assert len(lines) >= 5
    root = typer.main.get_command(app)
    seen = set()
    for line in lines:
        args = shlex.split(line)[1:]
        cmd: Any = root
        ctx = cmd.make_context("evcorridor", list(args), resilient_parsing=True)
        while hasattr(cmd, "resolve_command"):
            pending = [*getattr(ctx, "_protected_args", []), *ctx.args]
            name, sub, rest = cmd.resolve_command(ctx, pending)
            assert sub is not None, line
            seen.add(name)
            # resilient only for groups; a leaf command raises on an unknown option
            leaf = not hasattr(sub, "resolve_command")
            ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=not leaf)
            cmd = sub
    assert {"profiles", "validate", "plan", "map", "report"} <= seen


def test_plan_older_than_network_is_one_line_error(plan: Plan, graph: Any) -> None:
    route = plan.routes[0].model_copy(update={"nodes": [*plan.routes[0].nodes[:3], 999999]})
    stale = plan.model_copy(update={"routes": [route, *plan.routes[1:]]})
    with pytest.raises(InputError) as exc:
        gather(stale, graph, None, "p.json")
    assert str(exc.value) == ("p.json: route blaine-peace-arch:forward: node 999999 is not in the "
                              "corridor network (1 missing); the plan is older than the network "
                              "data")
    hop = plan.routes[0].model_copy(update={"nodes": [1, 3]})
    with pytest.raises(InputError, match=r"no road from node 1 to node 3"):
        gather(plan.model_copy(update={"routes": [hop]}), graph, None)


@pytest.mark.parametrize("loc, anchor, ncol, title", [
    ("upper left", (0.55, 0.9), 1, "Legend"),  # the static map's side panel
    ("lower left", (0.015, 0.0), 4, None),  # the strip chart's row along the bottom
    ("lower right", (0.98, 0.8), 6, None),  # the sizing chart's, above its axes
])
def test_draw_legend_draws_what_fig_legend_draws(loc: str, anchor: tuple[float, float],
                                                ncol: int, title: str | None) -> None:
    """style.draw_legend against matplotlib's own frameless legend: the same pixels."""
    import matplotlib
    from matplotlib.patches import Patch

    from evcorridor.render import style

    def handles() -> list[Any]:
        return [Patch(facecolor=style.LIMIT_FILL, edgecolor="#999999", label="limit"),
                Line2D([], [], color="#1f5fa8", lw=2, label="Road network, United States"),
                Line2D([], [], color=style.BORDER, lw=1.4, ls="dashdot", label="border"),
                style.kind_handle("new", "New site (2)", 8),
                Line2D([], [], color="#ffbf00", lw=6, alpha=0.75, label="Longest gap: 280.7 km"),
                Line2D([], [], marker="o", ls="", markersize=4.5, markerfacecolor="white",
                       markeredgecolor="#2e9e44", label="not needed (3)")]

    pictures = []
    for ours in (True, False):
        with matplotlib.rc_context(style.RC):
            fig = style.new_figure(9.0, 4.0)
            if ours:
                style.draw_legend(fig, handles(), anchor=anchor, loc=loc, fontsize=9, ncol=ncol,
                                  title=title, title_fontsize=10)
                assert fig.legends == [] and len(fig.texts) == 6 + (title is not None)
            else:
                fig.legend(handles=handles(), loc=loc, bbox_to_anchor=anchor, ncol=ncol,
                           frameon=False, fontsize=9, title=title, title_fontsize=10,
                           alignment="left")
            pictures.append(style.png_bytes(fig))
    assert pictures[0] == pictures[1]


def test_draw_legend_refuses_a_location_or_column_count_it_cannot_place() -> None:
    from evcorridor.render import style

    fig = style.new_figure(4.0, 2.0)
    handles = [Line2D([], [], color="black", label="border")]
    with pytest.raises(ValueError, match="loc 'center' is not upper/lower left/right"):
        style.draw_legend(fig, handles, anchor=(0.5, 0.5), loc="center", fontsize=8)
    with pytest.raises(ValueError, match="ncol 0 is not a positive number of columns"):
        style.draw_legend(fig, handles, anchor=(0.5, 0.5), ncol=0, fontsize=8)
    assert fig.texts == [] and fig.artists == []  # nothing half-drawn


def test_existing_stations_no_vehicle_needs_are_told_apart(plan: Plan, graph: Any,
                                                          shapes: Any) -> None:
    from evcorridor.render.html_map import render_html
    from evcorridor.render.static_map import draw_map

    spare = plan.sites[0].model_copy(update={"id": "afdc:SYNTH-9", "name": "SYNTHETIC spare"})
    more = plan.model_copy(update={"sites": [*plan.sites, spare]})
    data = gather(more, graph, shapes)
    fig = draw_map(data)
    legend = [t.get_text() for t in fig.texts if t.get_zorder() == 5]  # style.draw_legend
    assert "Existing station, qualifies, used (1)" in legend
    assert "Existing station, qualifies, not needed (1)" in legend
    # a station a vehicle only starts from (used_by, no stop) is used too: the legend, the
    # subtitle and the report's summary count the same stations
    starter = spare.model_copy(update={"id": "afdc:SYNTH-8", "name": "SYNTHETIC start",
                                       "used_by": ["synthetic-car"]})
    both = more.model_copy(update={"sites": [*more.sites, starter]})
    fig = draw_map(gather(both, graph, shapes))
    legend = [t.get_text() for t in fig.texts if t.get_zorder() == 5]  # style.draw_legend
    assert "Existing station, qualifies, used (2)" in legend
    assert "Existing station, qualifies, not needed (1)" in legend
    assert "used 2 of 3 existing" in "\n".join(t.get_text() for t in fig.texts)
    text = render_html(data).decode()
    assert "Existing stations, qualify, not needed (1)" in text
    assert "Existing stations, qualify, used (1)" in text


def test_basemap_osm_is_opt_in(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               offline_data: None) -> None:
    plan = str(FIXDIR / "plan.json")
    code, _, err = _cli(["map", plan, "--html", "--basemap", "osm", "--out", str(tmp_path / "a")],
                        capsys)
    assert code == 0, err
    osm = (tmp_path / "a" / "synthetic-blaine" / "map.html").read_text(encoding="utf-8")
    assert "L.tileLayer(" in osm and "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in osm
    assert "openstreetmap.org/copyright" in osm
    code, _, err = _cli(["map", plan, "--html", "--out", str(tmp_path / "b")], capsys)
    assert code == 0, err
    offline = (tmp_path / "b" / "synthetic-blaine" / "map.html").read_text(encoding="utf-8")
    assert "L.tileLayer(" not in offline and "tile.openstreetmap" not in offline
    code, _, err = _cli(["map", plan, "--html", "--basemap", "google", "--out", str(tmp_path)],
                        capsys)
    assert (code, err.strip()) == (2, "error: unknown --basemap 'google'; use none or osm")


def test_static_map_names_endpoints_and_crossings(plan: Plan, graph: Any, shapes: Any) -> None:
    from evcorridor.render.static_map import draw_map

    data = gather(plan, graph, shapes)
    ends = sorted({r.from_name for r in plan.routes} | {r.to_name for r in plan.routes})
    assert [name for name, _, _ in data.endpoints] == ends
    first = plan.routes[0]
    start = next(e for e in data.endpoints if e[0] == first.from_name)
    node = graph.nodes[first.nodes[0]]
    assert start[1:] == (round(node["x"], 5), round(node["y"], 5))
    assert data.crossing_names == {"blaine-peace-arch": "Blaine – Peace Arch (I-5 / BC 99)"}
    fig = draw_map(data)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert set(ends) <= texts
    assert "Blaine – Peace Arch (I-5 /\nBC 99)" in texts  # the name, wrapped; not the id
    assert "blaine-peace-arch" not in texts
    # the side panel (figure texts) too: each crossing once by name, each route by its ends
    side = "\n".join(t.get_text() for t in fig.texts)
    assert "blaine-peace-arch" not in side
    assert "Via Blaine – Peace Arch (I-5 / BC 99):" in side
    for r in plan.routes:
        assert f"  {r.direction}: {r.from_name} → {r.to_name}\n" in side


def test_attribution_credits_the_network_the_plan_rests_on(plan: Plan) -> None:
    """Travel Mapping (shipped corridors), OpenStreetMap alone (an Overpass pull), a user's
    network file (`--network`): each map and report credits what it drew."""
    from evcorridor.plan_model import DataSource
    from evcorridor.render.static_map import attribution

    def on(name: str) -> Plan:
        return plan.model_copy(update={"data_sources": [
            DataSource(kind="network", name=name, date=None),
            *[d for d in plan.data_sources if d.kind != "network"]]})

    tm, osm, user = attribution(on("Travel Mapping")), attribution(on("OpenStreetMap")), \
        attribution(on("my-grid"))
    assert tm.startswith("Roads: Travel Mapping Project; © OpenStreetMap contributors. "
                         "Stations: AFDC (NREL, U.S. DOE)")
    assert osm.startswith("Roads: © OpenStreetMap contributors. Stations: AFDC")
    assert user == "Network: my-grid (the file given with --network). Boundaries: Natural Earth."
    # a plan that recorded no sources (version 1): the shipped corridors' credits
    assert attribution(plan.model_copy(update={"data_sources": []})).startswith(
        "Roads: Travel Mapping Project; © OpenStreetMap contributors.")

