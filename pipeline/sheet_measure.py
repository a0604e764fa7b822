"""How much room a sheet's text takes: Thai text's visible length, column widths, row heights.

Thai tone marks and upper and lower vowels take no width of their own; long
text wraps at a column's declared width, and its row gets the height its lines
need. Measurements are remembered: a national tab repeats a few messages
thousands of times.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.models import Cell, Column

LINE_HEIGHT = 15.0  # points per wrapped line: Thai vowels above and below need more than Latin text
MAX_WIDTH = 60  # characters; longer text wraps
DEFAULT_WIDTH = Column("", "").width  # a column that declares no width takes what its content needs
MIN_WIDTH = 5
_COMBINING = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # Thai marks that take no width


@dataclass(frozen=True)
class SheetColumn:
    key: str
    header: str
    kind: str
    width: float  # characters
    wrap: bool

    @property
    def number_format(self) -> str | None:
        if self.kind != "float":
            return None
        return "0.0" if self.key.endswith("_pct") else "0.00"


@lru_cache(maxsize=1 << 16)
def visible_length(text: str) -> int:
    """How many character cells Thai text takes: tone marks and upper/lower vowels take none."""
    return len(_COMBINING.sub("", text))


def _text_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return visible_length(str(value)) if isinstance(value, str) else len(str(value))


def sheet_columns(columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> list[SheetColumn]:
    out = []
    for i, c in enumerate(columns):
        # Lengths of the distinct values only: a column of scores holds three.
        longest = max((_text_length(v) for v in {r[i] for r in rows}), default=0)
        # The header wraps at its spaces: its longest word must fit.
        header = max((visible_length(w) for w in c.header.split()), default=0)
        wanted = max(longest, header) + 2
        # The width a table declares is the most it takes: longer text wraps.
        cap = min(max(c.width, header + 2), MAX_WIDTH) if c.width != DEFAULT_WIDTH else MAX_WIDTH
        width = float(min(max(wanted, MIN_WIDTH), cap))
        out.append(SheetColumn(c.key, c.header, c.kind, width, wrap=wanted > cap))
    return out


@lru_cache(maxsize=1 << 16)
def _lines(text: str, width: float) -> int:
    per_line = max(width - 1, 1) * 1.15  # Thai letters are narrower than the digit a width unit measures
    return sum(max(1, math.ceil(visible_length(part) / per_line)) for part in text.split("\n"))


def row_heights(
    columns: Sequence[SheetColumn], rows: Sequence[Sequence[Cell]]
) -> tuple[float, list[float | None]]:
    """The header row's height, and each row's (None: one line) when its text wraps."""
    wrapped = [(i, c.width) for i, c in enumerate(columns) if c.wrap]
    header = max((_lines(c.header, c.width) for c in columns), default=1) * LINE_HEIGHT
    if not wrapped:
        return header, [None] * len(rows)
    heights: list[float | None] = []
    for row in rows:
        lines = max((_lines(v, w) for i, w in wrapped if isinstance(v := row[i], str)), default=1)
        heights.append(lines * LINE_HEIGHT if lines > 1 else None)
    return header, heights
