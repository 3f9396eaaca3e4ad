"""Open the interactive map in headless Chromium, offline, as a person would.

Checks that the page renders (a screenshot with real pixel variety, not a blank page) and that the
site markers exist in the live DOM (Leaflet draws each CircleMarker as an interactive SVG path).
The map is the SYNTHETIC render fixture (tests/fixtures/render/). Skipped, with the reason, where
Debian's `chromium` is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from evcorridor.plan_model import load_plan
from evcorridor.render.geodata import country_shapes, gather
from evcorridor.render.html_map import render_html

FIXDIR = Path(__file__).resolve().parent / "fixtures" / "render"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars",
         # no network at all: every host resolves nowhere, so only the file itself can load
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian package `chromium`; .ci/run installs it)")


def _build() -> Any:
    spec = importlib.util.spec_from_file_location("render_fixture_build", FIXDIR / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def html_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    build = _build()
    plan = load_plan(FIXDIR / "plan.json")
    data = gather(plan, build.build_graph(), country_shapes(build.BOUNDARIES))
    path = tmp_path_factory.mktemp("html") / "map.html"
    path.write_bytes(render_html(data))
    return path, plan


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, timeout=120, check=False)


def test_map_renders_offline_in_chromium(html_file: tuple[Path, Any], tmp_path: Path) -> None:
    from PIL import Image

    path, _ = html_file
    shot = tmp_path / "shot.png"
    proc = _run(["--window-size=1200,800", "--virtual-time-budget=5000", f"--screenshot={shot}",
                 path.as_uri()], tmp_path / "p1")
    assert shot.is_file(), proc.stderr.decode(errors="replace")[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1200, 800)
    colours = img.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50  # a blank or error page has a handful of colours
    # the fill colours of the site kinds are on the page (markers were drawn)
    present = {c for _, c in colours}
    for hex_colour in ("#f07d00", "#8e44ad", "#2e9e44"):  # new, upgrade, existing
        rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in present, hex_colour
    # the country fills cover a large share of the map
    usa_fill = (0xEE, 0xF2, 0xF8)
    share = sum(n for n, c in colours if c == usa_fill) / (1200 * 800)
    assert share > 0.05


def test_markers_in_dom(html_file: tuple[Path, Any], tmp_path: Path) -> None:
    path, plan = html_file
    proc = _run(["--virtual-time-budget=5000", "--dump-dom", path.as_uri()], tmp_path / "p2")
    dom = proc.stdout.decode("utf-8", errors="replace")
    assert "leaflet-container" in dom, proc.stderr.decode(errors="replace")[-2000:]
    paths = re.findall(r"<path[^>]*>", dom)
    classes = [m.group(1) for p in paths for m in [re.search(r'class="([^"]*)"', p)] if m]
    interactive = [c for c in classes if "leaflet-interactive" in c.split()]
    # Leaflet drew every site marker as an interactive SVG path, plus the crossing and the two
    # longest-gap lines (the vehicle stop rings are in layers that start hidden)
    sites = [p for p in paths if "evc-site" in p]
    assert len(sites) == len(plan.sites) == 4
    assert len(interactive) == len(plan.sites) + 1 + 2 + 24  # + 24 country/road/border paths
    assert sum("evc-static" in c for c in classes) == 24
    fills = [m.group(1) for p in sites for m in [re.search(r'fill="(#[0-9a-f]{6})"', p)] if m]
    assert fills.count("#f07d00") == sum(1 for s in plan.sites if s.kind == "new") == 2
    assert fills.count("#8e44ad") == sum(1 for s in plan.sites if s.kind == "upgrade") == 1
    assert fills.count("#2e9e44") == sum(1 for s in plan.sites if s.kind == "existing") == 1
    assert "Stops of vehicle synthetic-truck (3)" in dom  # the layer control lists the layers


def test_popup_opens_with_site_details(html_file: tuple[Path, Any], tmp_path: Path) -> None:
    path, plan = html_file
    text = path.read_text(encoding="utf-8")
    name = re.search(r"var (map_\d+) = L\.map\(", text)
    assert name, "map variable not found"
    # open the popup of the first site marker once the page has loaded, as a click would
    opener = ("<script>window.addEventListener('load', function () { var done = false; "
              f"{name.group(1)}.eachLayer(function (l) {{ if (!done && l.getPopup && l.getPopup()) "
              "{ l.openPopup(); done = true; } }); });</script>")
    page = tmp_path / "popup.html"
    page.write_text(text.replace("</html>", opener + "\n</html>"), encoding="utf-8")
    proc = _run(["--virtual-time-budget=5000", "--dump-dom", page.as_uri()], tmp_path / "p3")
    dom = proc.stdout.decode("utf-8", errors="replace")
    content = re.search(r'<div class="leaflet-popup-content"[^>]*>(.*?)</table>', dom, re.S)
    assert content, proc.stderr.decode(errors="replace")[-2000:]
    shown = re.sub(r"<[^>]+>", " ", content.group(1))
    first = sorted((s for s in plan.sites if s.kind == "existing"), key=lambda s: s.id)[0]
    assert first.name in shown
    for label in ("Connectors", "Ports", "Power", "Complies with", "Source"):
        assert label in shown
    assert "CCS1 ×4 @150 kW" in shown and "150 kW per port" in shown


def test_hostile_names_run_no_script_in_chromium(tmp_path: Path) -> None:
    """Issue 13: a plan whose every text field is a payload (tests/test_hostile_text.py) is drawn;
    every popup and tooltip is put into the live page as Leaflet would show it, and `alert` is
    watched: no payload element exists in the DOM and no payload script ran."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_hostile_text import hostile_plan

    build = _build()
    plan = hostile_plan()
    text = render_html(gather(plan, build.build_graph(), country_shapes(build.BOUNDARIES))
                       ).decode("utf-8")
    name = re.search(r"var (map_\d+) = L\.map\(", text)
    assert name
    # before the page's scripts: count alerts; after load: show every popup and tooltip content
    watch = ("<script>window.evcAlerts = 0; "
             "window.alert = function () { window.evcAlerts++; };</script>")
    show = ("<script>window.addEventListener('load', function () { var box = "
            "document.createElement('div'); box.id = 'evc-shown'; document.body.appendChild(box); "
            f"{name.group(1)}.eachLayer(function (l) {{ "
            "[l.getPopup && l.getPopup(), l.getTooltip && l.getTooltip()].forEach(function (p) { "
            "if (p) { var d = document.createElement('div'); d.className = 'evc-probe'; "
            "d.innerHTML = p.getContent(); box.appendChild(d); } }); }); "
            "setTimeout(function () { document.body.setAttribute('data-alerts', "
            "String(window.evcAlerts)); }, 500); });</script>")
    page = tmp_path / "hostile.html"
    text = text.replace("<head>", "<head>" + watch, 1).replace("</html>", show + "</html>")
    page.write_text(text, encoding="utf-8")
    proc = _run(["--virtual-time-budget=5000", "--dump-dom", page.as_uri()], tmp_path / "p4")
    dom = proc.stdout.decode("utf-8", errors="replace")
    assert 'data-alerts="0"' in dom, proc.stderr.decode(errors="replace")[-2000:]
    shown = re.search(r'<div id="evc-shown">(.*?)</div></body>', dom, re.S)
    assert shown
    probes = shown.group(1)
    assert probes.count('class="evc-probe"') >= 2 * len(plan.sites)  # popup + tooltip per site
    assert not re.search(r"<(img|script|iframe|a)\b", probes)
    assert not re.search(r"<[^>]*\son\w+=", probes)  # no event attribute on any element
    assert "&lt;img src=x onerror=alert(1)&gt;" in probes  # the payload shows as text


def test_osm_basemap_offline_still_draws_every_layer(tmp_path: Path) -> None:
    """`map --basemap osm` opened with no network: the tiles fail, the page is still the usable
    offline map (country fills, roads, every site marker, layer control) with the OSM credit."""
    from PIL import Image

    build = _build()
    plan = load_plan(FIXDIR / "plan.json")
    page = tmp_path / "map.html"
    page.write_bytes(render_html(gather(plan, build.build_graph(),
                                        country_shapes(build.BOUNDARIES)), basemap="osm"))
    text = page.read_text(encoding="utf-8")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in text
    proc = _run(["--virtual-time-budget=5000", "--dump-dom", page.as_uri()], tmp_path / "p5")
    dom = proc.stdout.decode("utf-8", errors="replace")
    assert "leaflet-container" in dom, proc.stderr.decode(errors="replace")[-2000:]
    tiles = re.findall(r'<img[^>]*class="[^"]*leaflet-tile[^"]*"[^>]*>', dom)
    assert tiles, "Leaflet asked for tiles"
    assert not any("leaflet-tile-loaded" in t for t in tiles)  # none could load offline
    sites = [p for p in re.findall(r"<path[^>]*>", dom) if "evc-site" in p]
    assert len(sites) == len(plan.sites) == 4
    assert sum("evc-static" in p for p in re.findall(r"<path[^>]*>", dom)) == 24
    assert "OpenStreetMap</a> contributors" in dom  # the tile credit in the attribution control
    assert "Stops of vehicle synthetic-truck (3)" in dom
    shot = tmp_path / "shot.png"
    _run(["--window-size=1200,800", "--virtual-time-budget=5000", f"--screenshot={shot}",
          page.as_uri()], tmp_path / "p6")
    img = Image.open(shot).convert("RGB")
    present = {c for _, c in img.getcolors(maxcolors=1_000_000) or []}
    for hex_colour in ("#f07d00", "#8e44ad", "#2e9e44"):  # new, upgrade, existing markers
        assert tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)) in present, hex_colour
    assert len(present) > 50
