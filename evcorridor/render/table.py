"""One table helper for every terminal table: ids and key figures are never cut.

A column is one of three kinds:

- `whole`: ids a user types next and key figures (`i5-cascadia`, `229.5/250.0`) are never cut,
  wrapped or ellipsised; a cell may hold several lines (each line stays whole);
- `words`: lists of ids (`el-paso-ysleta, santa-teresa`) wrap between words, never inside one;
- anything else (names, notes) wraps and, when a word is longer than the column, folds.

The widths are computed here (rich is given fixed widths), so that rich never shrinks a column
below what it must show. When even the narrowest layout is wider than the terminal the table is
printed stacked instead: one block per row, `header: value` per line, nothing cut.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.box import SIMPLE_HEAD
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

#: the narrowest a free-text column is made before the stacked layout is used
MIN_FREE = 8


@dataclass(frozen=True)
class Column:
    header: str
    kind: Literal["whole", "words", "free"] = "free"
    justify: Literal["left", "right"] = "left"


def _lines(cell: str) -> list[str]:
    return cell.split("\n") if cell else [""]


def _words(cell: str) -> list[str]:
    return [w for line in _lines(cell) for w in line.split()] or [""]


def _natural(col: Column, cells: list[str]) -> int:
    widest = max((cell_len(line) for c in cells for line in _lines(c)), default=0)
    return max(widest, cell_len(col.header), 1)


def _minimum(col: Column, cells: list[str]) -> int:
    """Headers wrap between words in every kind of column."""
    head = max((cell_len(w) for w in col.header.split()), default=1)
    if col.kind == "whole":
        return max(head, max((cell_len(line) for c in cells for line in _lines(c)), default=0))
    longest = max(max((cell_len(w) for c in cells for w in _words(c)), default=0), 1)
    return max(head, longest if col.kind == "words" else min(longest, MIN_FREE))


def overhead(n_columns: int) -> int:
    """Characters a table of `n_columns` adds to its cells: one space of padding and one rule
    character between neighbouring columns, no outer edge."""
    return 2 * max(0, n_columns - 1)


def layout(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int
           ) -> list[int] | None:
    """Column widths that fit `width` (box borders and padding included) with no whole cell and
    no word of a `words` column cut; None when no such layout exists (print stacked)."""
    cells = [[str(r[i]) for r in rows] for i in range(len(columns))]
    natural = [_natural(c, cs) for c, cs in zip(columns, cells, strict=True)]
    widths = [_minimum(c, cs) for c, cs in zip(columns, cells, strict=True)]
    room = width - overhead(len(columns))
    if sum(widths) > room:
        return None
    spare = room - sum(widths)
    # hand the spare width out one column at a time, to those still narrower than their content
    while spare > 0:
        needy = [i for i in range(len(columns)) if widths[i] < natural[i]]
        if not needy:
            break
        for i in needy:
            if spare == 0:
                break
            widths[i] += 1
            spare -= 1
    return widths


def print_table(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
                title: str | None = None, width: int | None = None) -> None:
    """Print `rows` under `columns` on `console`: a table when it fits the width (the console's,
    or `width`), otherwise one stacked block per row. Cells are plain text (no rich markup)."""
    width = width or console.width
    widths = layout(columns, rows, width)
    if widths is None:
        print_stacked(console, columns, rows, title=title, width=width)
        return
    table = Table(title=title, box=SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=(0, 1, 0, 0))
    for col, w in zip(columns, widths, strict=True):
        header = col.header if cell_len(col.header) <= w else textwrap.fill(col.header, w)
        table.add_column(Text(header), justify=col.justify, width=w,
                         no_wrap=col.kind == "whole",
                         overflow="fold" if col.kind == "free" else "ellipsis")
    for row in rows:
        table.add_row(*(Text(str(c)) for c in row))
    console.print(table, width=sum(widths) + overhead(len(widths)), crop=False)


def print_stacked(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
                  title: str | None = None, width: int | None = None) -> None:
    """One block per row: the first cell as the block's head, then `header  value` lines. Long
    values wrap between words under the value column; a word is never broken (one longer than
    the line runs past it rather than being cut)."""
    width = width or console.width
    if title:
        console.print(Text(title, style="bold"), soft_wrap=True)
    pad = max((cell_len(c.header) for c in columns[1:]), default=0)
    indent = " " * (pad + 4)
    for row in rows:
        console.print(Text(str(row[0]), style="bold"), soft_wrap=True)
        for col, cell in zip(columns[1:], row[1:], strict=True):
            text = str(cell)
            if not text:
                continue
            first = f"  {col.header.ljust(pad)}  "
            for n, line in enumerate(text.split("\n")):
                wrapped = textwrap.wrap(line, width=max(width, len(indent) + 10),
                                        initial_indent=first if n == 0 else indent,
                                        subsequent_indent=indent, break_long_words=False,
                                        break_on_hyphens=False) or [first.rstrip()]
                for out_line in wrapped:
                    console.print(Text(out_line), soft_wrap=True)
