"""Jinja2 templates for every Markdown and HTML text the renderers write.

The templates live in `evcorridor/render/templates/` (shipped as package data), so an agency can
brand or edit them: `EVCORRIDOR_TEMPLATES_DIR=/my/templates` (settings.templates_dir) puts a folder
in front of the shipped one (a file there with the same name replaces the shipped template; the
others keep working).

Escaping is done here, at the root, so that no template can forget it:

- HTML templates (`*.html.j2`) are autoescaped: every `{{ value }}` is HTML-escaped.
- Markdown templates (`*.md.j2`) pass every `{{ value }}` through `md_escape` (the environment's
  `finalize`): HTML special characters become entities (`<img …>` stays text once a CommonMark
  renderer turns the report into HTML) and the Markdown punctuation that could make a link, an
  image, a code span, emphasis or a new table cell is backslash-escaped. Newlines become spaces.
  Text that is already Markdown (made by the `code` and `url` filters) is `Markup` and passes.
  Literal Markdown (`**NO**`, `| … |`, `[…](…)`) is written in the template text itself.
- `None` prints as "—" in Markdown (unknown stays unknown, never "None").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from markupsafe import Markup

from evcorridor.errors import InputError
from evcorridor.settings import get_settings

TEMPLATES = Path(__file__).resolve().parent / "templates"

_MD_PUNCT = re.compile(r"([\\`*\[\]|~])")
#: `_` that could open or close emphasis (not between two word characters, as in `time_limit_s`)
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_NEWLINES = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def md_escape(value: object) -> str:
    """`value` as Markdown text that renders as itself and never as HTML, a link or a cell break."""
    if value is None:
        return "—"
    if isinstance(value, Markup):
        return str(value)
    text = _NEWLINES.sub(" ", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_PUNCT.sub(r"\\\1", text)
    return _MD_UNDERSCORE.sub(r"\\_", text)


def md_code(value: object) -> Markup:
    """`value` as a Markdown code span that no content can close early (CommonMark: a fence longer
    than any backtick run inside); `|` is escaped so that the span stays in its table cell."""
    text = _NEWLINES.sub(" ", "" if value is None else str(value)).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or not text else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def md_url(value: object) -> Markup:
    """A relative link target: percent-encoded, so no scheme (`javascript:`), no `)` or space can
    end or change the link; only `/`, letters, digits and `-._~` stay as they are."""
    return Markup(quote(str(value), safe="/-._~"))


def km(metres: float | None, digits: int = 1) -> str:
    """Metres as kilometres with `digits` decimals; "—" for unknown."""
    return "—" if metres is None else f"{metres / 1000:.{digits}f}"


def num(value: float | None) -> str:
    """A number in its shortest form (`%g`); "—" for unknown."""
    return "—" if value is None else f"{value:g}"



def money(value: float | None) -> str:
    """An amount with thousands separators and no cents ("—" for unknown); small relative
    figures (under 100, e.g. new-site units) keep their `%g` form."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def pct(share: float) -> str:
    """A share (0..1) as a percentage with one decimal."""
    return f"{share:.1%}"


@lru_cache(maxsize=4)
def _env(markdown: bool, custom: Path | None) -> Environment:
    folders = [TEMPLATES] if custom is None else [custom, TEMPLATES]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(f) for f in folders]),
        autoescape=not markdown,
        finalize=md_escape if markdown else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update({"km": km, "num": num, "pct": pct, "money": money, "code": md_code,
                        "url": md_url})
    return env


def render(name: str, **context: Any) -> str:
    """Render template `name` (`*.md.j2` escapes for Markdown, `*.html.j2` for HTML)."""
    markdown = name.endswith(".md.j2")
    if not markdown and not name.endswith(".html.j2"):
        raise ValueError(f"template {name!r}: the name must end in .md.j2 or .html.j2")
    custom = get_settings().templates_dir
    try:
        return _env(markdown, custom).get_template(name).render(**context)
    except TemplateSyntaxError as exc:
        raise InputError(f"{exc.filename or name}:{exc.lineno}: template error: {exc.message}"
                         ) from exc
    except TemplateError as exc:  # a name the template uses that the context does not have
        where = custom / name if custom and (custom / name).is_file() else name
        raise InputError(f"{where}: template error: {exc.message or exc}") from exc
