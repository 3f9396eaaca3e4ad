"""The fast YAML path (libyaml via PyYAML's C parser, `yamlio._fast_located`) reads every document
it accepts exactly as ruamel does: the same values of the same types and the same line/column of
every key and item. Whatever it is unsure of goes to ruamel, so errors keep ruamel's messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evcorridor import yamlio
from evcorridor.yamlio import YamlProblems, loads_yaml

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p for p in (REPO / "configs").rglob("*.yaml"))
FIXTURES = sorted(p for p in (REPO / "tests" / "fixtures").rglob("*.y*ml"))


def _typed(value: object) -> object:
    """The value with the type of every leaf, so 1 and 1.0 and True differ."""
    if isinstance(value, dict):
        return {(type(k).__name__, k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, (str, int, float, bool, type(None))):
        return (type(value).__name__, value)
    return (type(value).__name__, repr(value))  # ruamel's own objects (tagged scalars...)


def _same_as_ruamel(text: str) -> bool:
    """Assert that the fast path, if it accepts `text`, gives what ruamel gives; whether it did."""
    fast = yamlio._fast_located(text, "t.yaml")
    if fast is None:
        return False
    slow = loads_yaml(text, "t.yaml", fast=False)  # ruamel; raises if ruamel refuses it
    assert _typed(fast.data) == _typed(slow.data)
    assert fast.positions == slow.positions
    return True


@pytest.mark.parametrize("path", SHIPPED + FIXTURES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_repository_yaml_reads_the_same(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        loads_yaml(text, "t.yaml", fast=False)
    except YamlProblems:  # a broken fixture: the fast path must leave it to ruamel
        assert yamlio._fast_located(text, "t.yaml") is None
        return
    accepted = _same_as_ruamel(text)
    if path in SHIPPED:  # the shipped configs are what every command reads: they go fast
        assert accepted, f"{path} fell back to ruamel"


SNIPPETS = [
    # plain scalars YAML 1.2 (ruamel) and 1.1 (libyaml's usual resolver) read differently
    "a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\n",
    "a: 012\nb: 0o17\nc: 0x1F\nd: 1_000\ne: 1e3\nf: 1:20\ng: 0b101\n",
    "a: .inf\nb: -.Inf\nc: .nan\nd: 1.\ne: .5\nf: -1.5e-3\ng: +1\nh: -0\ni: 1.0\n",
    "a: ~\nb: null\nc: NULL\nd:\ne: Null\nf: nULL\n",
    "a: true\nb: False\nc: TRUE\nd: tRUE\n",
    "a: 2023-01-02\nb: 2023-1-2\nc: 2023-01-02T10:00:00Z\nd: 2023-13-01\ne: '2023-01-02'\n",
    "a: '123'\nb: \"true\"\nc: !!str 12\nd: !!int '7'\ne: !custom x\n",
    "a: &x {b: 1, c: [1, 2]}\nd: *x\ne: {<<: *x, f: 2}\n",
    "1: one\n2.5: two\ntrue: three\n'1': four\n",
    "a: 1\na: 2\n",
    "a: 1\n1.0: 2\n1: 3\n",
    "? [x, y]\n: z\n",
    "a: |\n  line one\n  line two\nb: >\n  folded\n  text\n\nc: plain\n  continued\n",
    "name: \"Montréal, QC – Ville-Marie\"\nλ: [é, ü, '→']\n",
    "a:\n- b: 1\n  c: [d, {e: f}]\n-   - g\n    - h\n- - i\n",
    "list: [ 1 ,  2 , three ]\nmap: {  x : 1 ,y: [ ] , z: { } }\n",
    "# comment\na: 1 # trailing\n\n\nb:   # empty\n  c: 2\n",
    "a: \"tab\\there\\u00e9\\/\"\nb: 'it''s'\n",
    "%YAML 1.1\n---\na: yes\n",
    "a: 1\n---\nb: 2\n",
    "- 1\n- 2\n",
    "",
    "a: [1, 2\n",
    "a:\tb\n",
    "a: x\u2028y\n",
    "a: =\nb: <<\n",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_read_the_same_or_go_to_ruamel(text: str) -> None:
    try:
        slow = loads_yaml(text, "t.yaml", fast=False)
    except YamlProblems as exc:
        assert yamlio._fast_located(text, "t.yaml") is None, exc
        with pytest.raises(YamlProblems) as got:
            loads_yaml(text, "t.yaml")
        assert str(got.value) == str(exc)
        return
    fast = loads_yaml(text, "t.yaml")
    assert _typed(fast.data) == _typed(slow.data)
    assert fast.positions == slow.positions


def test_the_fast_path_is_taken_for_plain_configs() -> None:
    assert _same_as_ruamel("id: x\nn: 3\nf: 1.5\nok: true\nnone: null\nd: 2024-02-29\n"
                           "items: [a, 'b', {c: 1}]\n")


_SCALARS = st.sampled_from([
    "0", "1", "-7", "+3", "012", "0o7", "0x1f", "1_0", "1.5", "-0.25", "1e5", "1.5e3", ".5",
    "1.", ".inf", ".nan", "true", "False", "yes", "No", "on", "null", "~", "", "2024-02-29",
    "2023-02-29", "2024-1-5", "12:30", "=", "<<", "a b", "x: y", "'q'", '"dq"', "é", "-", "?",
    "#x", "a#b", "[x]", "{y}", "*", "&", "!", "|", ">", "%", "@", "`", "150 kW", "1st", "-x",
    "<<x", "=x", "~x", "nully", "True1", "1 2", "0x1G", "1e", "1.5 e3", ".inf m", "2024-01-02 x",
])


def _doc(scalars: list[str], flow: bool, nested: bool) -> str:
    lines = []
    for i, s in enumerate(scalars):
        if nested:
            lines.append(f"k{i}:\n  - {s}\n  - {{v: {s}}}" if flow else f"k{i}:\n  sub: {s}")
        else:
            lines.append(f"{s}: {s}" if i % 3 == 2 else f"k{i}: [{s}, {s}]" if flow
                         else f"k{i}: {s}")
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(_SCALARS, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_generated_documents_read_the_same(scalars: list[str], flow: bool, nested: bool) -> None:
    text = _doc(scalars, flow, nested)
    try:
        slow = loads_yaml(text, "t.yaml", fast=False)
    except YamlProblems:
        assert yamlio._fast_located(text, "t.yaml") is None
        return
    fast = yamlio._fast_located(text, "t.yaml")
    if fast is not None:
        assert _typed(fast.data) == _typed(slow.data)
        assert fast.positions == slow.positions


def test_core_schema_restatement_matches_ruamels_resolver() -> None:
    """The fast loader's YAML 1.2 rules (`yamlio._TYPED_FIRST`, nulls, booleans) are ruamel's:
    every first character ruamel's 1.2 resolvers look at is typed, and the words ruamel reads
    as null or boolean are exactly ours."""
    from ruamel.yaml.resolver import implicit_resolvers

    firsts: set[str] = set()
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) not in versions:
            continue
        assert first, f"{tag}: a resolver for every first character"
        firsts.update(first)
        words = ["", "~", "null", "Null", "NULL", "nULL", "none", "true", "True", "TRUE", "tRUE",
                 "false", "False", "FALSE", "yes", "on", "n", "y", "nan", "Nope", "falsey"]
        matched = {w for w in words if regexp.match(w)}
        if str(tag).endswith(":null"):
            assert matched == set(yamlio._NULLS)
        elif str(tag).endswith(":bool"):
            assert matched == set(yamlio._BOOLS)
        else:
            assert not matched - {""}, (tag, matched)
    assert firsts - {""} <= set(yamlio._TYPED_FIRST)


@pytest.mark.parametrize("value", ["150 kW", "1st", "2024-25 season", "-x", "+1 k", ".5 m",
                                   "12:30 pm", "0x1G", "1e3 W", "3 lanes", "9-5 weekdays"])
def test_number_like_strings_are_strings_for_both(value: str) -> None:
    assert loads_yaml(f"v: {value}\n", "t.yaml", fast=False).data == {"v": value}
    assert _same_as_ruamel(f"v: {value}\nw: [{value}]\n") == (
        not yamlio._NUMBER_CHARS.issuperset(value))
