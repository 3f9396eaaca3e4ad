"""What the renderer does for speed (issue 12) changes no byte: the HTML map's text without Jinja
syntax is not compiled (`html_map.literal_templates`), and the page is the same as with every
element compiled by Jinja, as branca does by itself."""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor.plan_model import load_plan
from evcorridor.render import html_map
from evcorridor.render.geodata import country_shapes, gather

FIXDIR = Path(__file__).resolve().parent / "fixtures" / "render"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="{}%#-+ \n\r\tab\"'<>/\\", max_size=40))
def test_literal_text_renders_as_jinja_does(text: str) -> None:
    literal = "{{" not in text and "{%" not in text and "{#" not in text and "\r" not in text
    try:
        want: object = jinja2.Template(text).render()
    except jinja2.TemplateSyntaxError as exc:
        want = exc
    if isinstance(want, Exception):  # only Jinja syntax can be wrong: compiled, as before
        assert not literal
        with pytest.raises(jinja2.TemplateSyntaxError):
            html_map.template_or_literal(text)
        return
    got = html_map.template_or_literal(text)
    assert isinstance(got, html_map.LiteralTemplate) == literal
    assert got.render(this=None, kwargs={}) == want


def test_literal_templates_restores_branca() -> None:
    import branca.element as branca_element

    before = branca_element.Template
    with html_map.literal_templates():
        assert branca_element.Template is html_map.template_or_literal
    assert branca_element.Template is before


def test_html_map_is_the_same_as_compiled_by_jinja() -> None:
    """The SYNTHETIC render fixture plan: its map.html with literal templates is the page branca
    renders with every element compiled."""
    spec = importlib.util.spec_from_file_location("render_fixture_build", FIXDIR / "build.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    plan = load_plan(FIXDIR / "plan.json")
    data = gather(plan, build.build_graph(), country_shapes(build.BOUNDARIES),
                  FIXDIR / "plan.json")
    fast = html_map.render_html(data)
    with pytest.MonkeyPatch.context() as mp:  # every element compiled, as branca does alone
        mp.setattr(html_map, "literal_templates", contextlib.nullcontext)
        slow = html_map.render_html(data)
    assert fast == slow
    assert b"L.polyline" in fast or b"L.polygon" in fast
