"""Script in reports (issue 13): data-derived text never becomes markup in report.md or map.html.

Hostile text (`<img src=x onerror=…>`, `<script>`, `javascript:` links, `|` in table cells,
backticks, Markdown link/image/emphasis syntax) goes in as station names, places and networks of an
AFDC station file (the rows are the REAL fixture rows of tests/fixtures/stations/ with their text
fields replaced: the text is SYNTHETIC) and as every text field of the SYNTHETIC render fixture
plan. report.md is rendered to HTML by a CommonMark renderer (markdown-it-py, tables on, raw HTML
allowed and link validation off, as a permissive renderer would be) and parsed: the DOM has no
element or attribute that the payload added, and every payload reads as itself. The folium map's
popups are parsed the same way.
"""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from cli_run import run
from markdown_it import MarkdownIt

from evcorridor.plan_model import Plan, load_plan
from evcorridor.render.report import corridor_report, index_report
from evcorridor.render.templating import md_code, md_escape, render

FIXTURES = Path(__file__).resolve().parent / "fixtures"

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "[click](javascript:alert(3))",
    "![pic](javascript:alert(4))",
    "<javascript:alert(5)>",
    "a | b | <b>c</b> |",
    "`tick` ``two`` <img src=y onerror=alert(6)>",
    "*em* _under_ ~~strike~~ \\<img src=z onerror=alert(7)>",
    "&lt;img src=q onerror=alert(8)&gt; &amp;",
    "line\nbreak <a href=javascript:alert(9)>x</a>",
    "<!-- comment --> <iframe src=javascript:alert(10)>",
]


class Dom(HTMLParser):
    """Every start tag with its attributes, and the text of every table cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self.comments: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def markdown_dom(text: str) -> Dom:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # a permissive renderer: our escaping must hold alone
    dom = Dom()
    dom.feed(md.render(text))
    return dom


#: what a report may contain: tag -> allowed attributes (values are checked separately)
REPORT_TAGS = {"h1": set(), "h2": set(), "p": set(), "table": set(), "thead": set(),
               "tbody": set(), "tr": set(), "th": set(), "td": set(), "strong": set(),
               "code": set(), "hr": set(), "a": {"href"}, "img": {"src", "alt"}}


def assert_clean_report(dom: Dom, links: set[str]) -> None:
    for tag, attrs in dom.tags:
        assert tag in REPORT_TAGS, (tag, attrs)
        assert set(attrs) <= REPORT_TAGS[tag], (tag, attrs)
        if tag == "a":
            assert attrs["href"] in links, attrs
        if tag == "img":
            assert attrs["src"] in {"map.png", "strip.png"}, attrs
    assert not dom.comments


def flat(text: str) -> str:
    return " ".join(text.split())


def hostile_plan() -> Plan:
    """The SYNTHETIC render fixture plan with a payload in every free-text field."""
    plan = load_plan(FIXTURES / "render" / "plan.json")
    n = len(PAYLOADS)
    plan.corridor_name = PAYLOADS[0]
    for i, s in enumerate(plan.sites):
        s.name = PAYLOADS[i % n]
        s.source = PAYLOADS[(i + 1) % n]
        s.station_ids = [PAYLOADS[(i + 2) % n]]
        s.complies_with = [PAYLOADS[(i + 3) % n]]
    for i, r in enumerate(plan.routes):
        r.from_name, r.to_name = PAYLOADS[(i + 4) % n], PAYLOADS[(i + 5) % n]
        for run_ in r.vehicles:
            run_.climate = PAYLOADS[(i + 6) % n]
    for i, x in enumerate(plan.infeasibilities):
        x.from_label, x.to_label, x.fix = (PAYLOADS[(i + 7) % n], PAYLOADS[(i + 8) % n],
                                           PAYLOADS[(i + 9) % n])
    for i, d in enumerate(plan.station_data):
        d.note = PAYLOADS[(i + 10) % n]
        d.sources = {PAYLOADS[(i + 3) % n]: 1}
    plan.existing.reasons = {p: 1 for p in PAYLOADS}
    plan.parameters = {"note": PAYLOADS[1], "list": PAYLOADS[2:5]}
    for i, inp in enumerate(plan.inputs):
        inp.path = PAYLOADS[(i + 6) % n]
        inp.data_date = PAYLOADS[(i + 7) % n]
    for i, src in enumerate(plan.data_sources):  # every source field reaches reports and maps
        src.name, src.date = PAYLOADS[(i + 8) % n], PAYLOADS[(i + 9) % n]
        src.licence, src.provenance = PAYLOADS[(i + 10) % n], PAYLOADS[(i + 11) % n]
    return plan


def test_md_escape_and_code_spans() -> None:
    assert md_escape(None) == "—"
    assert md_escape("time_limit_s") == "time_limit_s"  # intraword: no emphasis, left alone
    assert md_escape("_x_ a|b [l](u) <i>") == r"\_x\_ a\|b \[l\](u) &lt;i&gt;"
    assert md_escape("AT&T\nline") == "AT&amp;T line"
    assert md_code("a``b") == "```a``b```" and md_code("`x") == "`` `x ``"
    for p in PAYLOADS:  # each renders as itself: a paragraph with the payload as its only text
        dom = markdown_dom(f"| h |\n|---|\n| {md_escape(p)} | \n")
        assert [t for t, _ in dom.tags] == ["table", "thead", "tr", "th", "tbody", "tr", "td"], p
        assert dom.cells == ["h", flat(p)], p
        dom = markdown_dom(f"| h |\n|---|\n| {md_code(p)} | \n")
        assert [t for t, _ in dom.tags][-2:] == ["td", "code"] and dom.cells[1] == flat(p), p


def test_report_of_a_hostile_plan_has_no_added_markup() -> None:
    plan = hostile_plan()
    text = corridor_report(plan, ["map.png", "strip.png", "map.html"], "../plan.json")
    dom = markdown_dom(text)
    assert_clean_report(dom, {"../plan.json", "map.html"})
    cells = set(dom.cells)
    for s in plan.sites:  # the name cell reads exactly as the data
        assert s.name in cells or flat(s.name) in cells
    h1 = re.search(r"<h1>(.*?)</h1>", MarkdownIt("commonmark").render(text), re.S)
    assert h1 and "<img" not in h1.group(1) and "&lt;img src=x" in h1.group(1)


def test_index_of_a_hostile_plan_has_no_added_markup() -> None:
    from evcorridor.render.maps import Rendered

    plan = hostile_plan()
    plan.crossings = [PAYLOADS[3], PAYLOADS[5]]
    dom = markdown_dom(index_report([(Rendered(plan, None, {}), f"{plan.corridor}/report.md")]))
    assert_clean_report(dom, {f"{plan.corridor}/report.md"})
    assert flat(", ".join(plan.crossings)) in dom.cells


def test_link_targets_are_percent_encoded() -> None:
    out = render("index.md.j2", rows=[], feasible=0, dates=[], attribution=None, version="x",
                 run_date=None, cost_unit="u")
    assert "0 corridor(s), 0 feasible." in out
    from evcorridor.render.templating import md_url

    assert md_url("javascript:alert(1)") == "javascript%3Aalert%281%29"
    assert md_url("a b)/x.md") == "a%20b%29/x.md"


def popups(html_text: str) -> list[str]:
    """The HTML of every `bindPopup(<json string>, …)` call on the page."""
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r"\w+_\d{6}\.bindPopup\(", html_text):
        value, _ = dec.raw_decode(html_text, m.end())
        out.append(value)
    return out


POPUP_TAGS = {"div": {"class"}, "b": set(), "table": set(), "tr": set(), "td": set(),
              "br": set()}


def assert_clean_map(html_text: str, names: list[str]) -> None:
    for p in PAYLOADS:  # no payload appears raw anywhere: not in markup, not in a script
        for bad in ("<img src=", "<script>alert", "<iframe", "<a href=javascript"):
            if bad in p:
                assert p not in html_text
    page = Dom()  # the page's own markup (script bodies are text): no element the payload added
    page.feed(html_text)
    for tag, attrs in page.tags:
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        assert "javascript:" not in (attrs.get("href") or "") + (attrs.get("src") or "")
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html_text, re.S):
        assert "<img" not in script and "<script" not in script  # no payload raw in a script
    found = popups(html_text)
    assert found
    for content in found:
        dom = Dom()
        dom.feed(content)
        for tag, attrs in dom.tags:
            assert tag in POPUP_TAGS and set(attrs) <= POPUP_TAGS[tag], (tag, attrs)
            assert attrs.get("class", "evc-popup") == "evc-popup"
    texts = " ".join(flat(re.sub(r"<[^>]+>", " ", c)) for c in found)
    import html as html_mod

    texts = html_mod.unescape(texts)
    for name in names:
        assert flat(name) in texts


def test_map_popups_of_a_hostile_plan_have_no_added_markup() -> None:
    import importlib.util

    from evcorridor.render.geodata import country_shapes, gather
    from evcorridor.render.html_map import render_html

    spec = importlib.util.spec_from_file_location("rfb", FIXTURES / "render" / "build.py")
    assert spec and spec.loader
    build: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    plan = hostile_plan()
    data = gather(plan, build.build_graph(), country_shapes(build.BOUNDARIES))
    page = render_html(data).decode("utf-8")
    assert_clean_map(page, [s.name for s in plan.sites])


def hostile_station_file(path: Path) -> list[str]:
    """The real AFDC fixture rows (electric ones) with SYNTHETIC hostile names, places, networks."""
    src = FIXTURES / "stations" / "afdc-WA-sample-2025-02-09.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = [r for r in reader if r["Fuel Type Code"] == "ELEC"]
    names = []
    for i, r in enumerate(rows):
        r["Station Name"] = f"{PAYLOADS[i % len(PAYLOADS)]} {PAYLOADS[(i + 4) % len(PAYLOADS)]}"
        r["City"] = PAYLOADS[(i + 1) % len(PAYLOADS)]
        r["EV Network"] = PAYLOADS[(i + 2) % len(PAYLOADS)]
        r["Street Address"] = PAYLOADS[(i + 3) % len(PAYLOADS)]
        names.append(r["Station Name"])
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return names


@pytest.mark.slow
def test_hostile_station_file_end_to_end(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    stations = tmp_path / "afdc-hostile-2025-02-09.csv"
    names = hostile_station_file(stations)
    out = tmp_path / "out"
    code, _o, err = run(["plan", "i5-cascadia", "--stations", str(stations), "--out", str(out),
                         "--quiet"], capsys)
    assert code in (0, 1), err
    plan = load_plan(out / "i5-cascadia" / "plan.json")
    used = [s.name for s in plan.sites if s.kind != "new"]
    assert used and set(used) <= set(names)  # the hostile stations made it into the plan
    code, _o, err = run(["report", str(out / "i5-cascadia" / "plan.json"), "--out",
                         str(tmp_path / "rep")], capsys)
    assert code == 0, err
    text = (tmp_path / "rep" / "i5-cascadia" / "report.md").read_text(encoding="utf-8")
    dom = markdown_dom(text)
    link = re.search(r"plan file: \[[^\]]*\]\(([^)]+)\)", text)
    assert link
    assert_clean_report(dom, {link.group(1), "map.html"})
    for name in used:
        assert flat(name) in dom.cells
    page = (tmp_path / "rep" / "i5-cascadia" / "map.html").read_text(encoding="utf-8")
    assert_clean_map(page, used)


def test_templates_folder_replaces_a_shipped_template_and_still_escapes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evcorridor import settings
    from evcorridor.errors import InputError
    from evcorridor.render import templating

    (tmp_path / "report.md.j2").write_text("# Agency X: {{ plan.corridor_name }}\n",
                                           encoding="utf-8")
    monkeypatch.setenv("EVCORRIDOR_TEMPLATES_DIR", str(tmp_path))
    settings.get_settings.cache_clear()
    try:
        plan = hostile_plan()
        text = corridor_report(plan, [], None)
        assert text == "# Agency X: &lt;img src=x onerror=alert(1)&gt;\n"
        # the other templates are still the shipped ones
        assert "corridor(s)" in index_report([])
        (tmp_path / "report.md.j2").write_text("{{ plan.corridor_nme }}\n{% if %}",
                                               encoding="utf-8")
        templating._env.cache_clear()  # templates are read once per process
        with pytest.raises(InputError, match=r"report\.md\.j2:2: template error: "):
            corridor_report(plan, [], None)
        (tmp_path / "report.md.j2").write_text("{{ no_such_name }}\n", encoding="utf-8")
        templating._env.cache_clear()
        with pytest.raises(InputError, match="template error: 'no_such_name' is undefined"):
            corridor_report(plan, [], None)
    finally:
        monkeypatch.delenv("EVCORRIDOR_TEMPLATES_DIR")
        settings.get_settings.cache_clear()
        templating._env.cache_clear()
