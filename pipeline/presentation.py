"""How the summary tabs look: one backend-neutral description both stores draw.

`present` turns the published tables (data, as `pipeline export` gives them)
into sheets an officer reads and prints: Buddhist-Era dates, Thai labels for
forms, widths from the content, long text wrapped with the row heights it
needs, level colours on the number and on its label, province total rows,
native charts, protection and print setup. The local store draws a sheet with
xlsxwriter, the Google store with Sheets batchUpdate requests; neither decides
anything about the look.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pipeline import thai
from pipeline.models import Cell, Column, Table
from pipeline.sheet_measure import SheetColumn, row_heights, sheet_columns
from pipeline.sheet_totals import totals_of, with_totals

LEVEL_COLOURS = {3: "C6EFCE", 2: "FFE699", 1: "F8CBAD"}  # strong green, moderate amber, weak red
LABEL_COLOURS = {"เข้มแข็ง": LEVEL_COLOURS[3], "ปานกลาง": LEVEL_COLOURS[2], "อ่อนแอ": LEVEL_COLOURS[1]}
LABEL_COLUMNS = {"before", "after"}  # level labels standing alone (the overview's changes)
SEVERITY_COLOURS = {"ข้อผิดพลาด": "F8CBAD", "คำเตือน": "FFE699"}
HEADER_COLOUR = "DDEBF7"
TOTAL_COLOUR = "EDEDED"
SMALL_BLOCK = 8  # rows: a page starting with this little shares its page with the chart that follows
NO_DATA = "— ไม่มีข้อมูล —"


@dataclass(frozen=True)
class Options:
    thai_digits: bool = False  # Thai digits in dates an officer reads
    synced_at: datetime | None = None  # printed in every page header
    form_titles: Mapping[str, str] = field(default_factory=dict)  # source key -> Thai title
    protect: bool = True


@dataclass
class Block:
    """One table drawn on a sheet: an optional caption line, a header row, the rows."""

    name: str
    caption: str
    columns: list[SheetColumn]
    rows: list[list[Cell]]  # display values: str, int, float or None
    top: int = 0  # 0-based sheet row of the block's first line
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> colour
    total_rows: set[int] = field(default_factory=set)
    heights: list[float | None] = field(default_factory=list)  # per row; None: one line
    header_height: float | None = None

    @property
    def header_row(self) -> int:
        return self.top + (1 if self.caption else 0)

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def bottom(self) -> int:
        """The sheet row after the block's last line."""
        return self.first_row + max(len(self.rows), 1)


@dataclass(frozen=True)
class Chart:
    """A native chart of one block's rows: categories from one column, a series per column."""

    title: str
    block: int
    category: int  # column index
    series: tuple[tuple[int, str], ...]  # (column index, colour)
    rows: tuple[int, int]  # first and last data row (0-based, inclusive) of the block
    top: int  # anchor: sheet row, column 0
    stacked: bool = True
    y_title: str = ""
    width_px: int = 760
    height_px: int = 300
    height_rows: int = 15  # sheet rows kept free under the anchor (20 px a row)


@dataclass
class Sheet:
    title: str
    blocks: list[Block]
    charts: list[Chart] = field(default_factory=list)
    header_left: str = ""  # page header: the tab's title
    header_right: str = ""  # page header: the sync date
    page_breaks: list[int] = field(default_factory=list)  # sheet rows that start a printed page
    protected: bool = True
    banded: bool = True

    @property
    def widths(self) -> list[float]:
        out: list[float] = []
        for b in self.blocks:
            for i, c in enumerate(b.columns):
                if i == len(out):
                    out.append(c.width)
                else:
                    out[i] = max(out[i], c.width)
        return out

    def grid(self) -> list[list[Cell]]:
        """Every cell of the sheet, top to bottom: captions, header rows, rows, the empty rows between."""
        out: list[list[Cell]] = []
        for b in self.blocks:
            out += [[] for _ in range(b.top - len(out))]
            if b.caption:
                out.append([b.caption])
            out.append([c.header for c in b.columns])
            out += [list(r) for r in b.rows]
            if not b.rows and b.caption:
                out.append([NO_DATA])
        return out

    def as_table(self) -> Table:
        """The sheet as one plain table (header row first), for a store that draws values only."""
        grid = self.grid()
        width = max((len(r) for r in grid), default=0)
        widths = self.widths
        columns = [
            Column(f"c{i}", str(grid[0][i]) if grid and i < len(grid[0]) and grid[0][i] is not None else "",
                   int(widths[i]) if i < len(widths) else 14, "user")
            for i in range(width)
        ]  # fmt: skip
        rows: list[list[Cell]] = [[*r, *[None] * (width - len(r))] for r in grid[1:]]
        return Table(self.blocks[0].name if self.blocks else self.title, self.title, columns, rows)

    @property
    def single(self) -> bool:
        """One table from the top: the header row is frozen, filtered and repeated on printed pages."""
        return len(self.blocks) == 1 and not self.blocks[0].caption

    @property
    def frozen_rows(self) -> int:
        return 1 if self.single else 0


# ---------------------------------------------------------------------------
# Per-table presentation the data does not carry


@lru_cache(maxsize=4096)
def be_date(value: date, *, thai_digits: bool = False) -> str:
    """ "24 พ.ย. 2566" (Thai digits when asked)."""
    return thai.format_thai_date(value, short=True, thai_digits=thai_digits)


def be_datetime(value: datetime, *, thai_digits: bool = False) -> str:
    """ "24 พ.ย. 2566 14:05"."""
    clock = f"{value:%H:%M}"
    return f"{be_date(value.date(), thai_digits=thai_digits)} {thai.to_thai_digits(clock) if thai_digits else clock}"


def _as_date(value: Cell) -> Cell:
    # Tables kept in the state come back with ISO strings in their date columns.
    if isinstance(value, str) and value[:4].isdigit():
        try:
            return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _formatter(col: Column, opts: Options) -> Callable[[Cell], Cell] | None:
    if col.kind in ("date", "datetime"):

        def show(value: Cell) -> Cell:
            value = _as_date(value)
            if isinstance(value, datetime):
                if col.kind == "date":
                    return be_date(value.date(), thai_digits=opts.thai_digits)
                return be_datetime(value, thai_digits=opts.thai_digits)
            if isinstance(value, date):
                return be_date(value, thai_digits=opts.thai_digits)
            return value

        return show
    if col.kind == "form":
        titles = opts.form_titles
        return lambda v: titles.get(v, v) if isinstance(v, str) else v
    return None


def present(tables: Sequence[Table], opts: Options = Options()) -> list[Sheet]:
    """The sheets for these tables, in order; tables sharing a title are drawn one under another."""
    by_title: dict[str, list[Table]] = {}
    for t in tables:
        by_title.setdefault(t.title, []).append(t)
    sheets = []
    for title, group in by_title.items():
        blocks = [_block(t, opts) for t in group]
        top = 0
        charts: list[Chart] = []
        breaks: list[int] = []
        page = 0  # the sheet row the current printed page starts at
        for i, (t, b) in enumerate(zip(group, blocks, strict=True)):
            after_chart = bool(charts) and charts[-1].block == i - 1
            if (t.chart is not None or after_chart) and top - page > SMALL_BLOCK:
                breaks.append(top)  # a chart prints with its table, on a page not shared with a long one
                page = top
            b.top = top
            top = b.bottom + 1
            if t.chart is not None and b.rows:
                chart = _chart(t, b, i, top)
                charts.append(chart)
                top += chart.height_rows + 1
        synced = (
            "ข้อมูล ณ " + be_datetime(opts.synced_at.replace(tzinfo=None), thai_digits=opts.thai_digits)
            if opts.synced_at
            else ""
        )
        sheets.append(
            Sheet(title, blocks, charts, title, synced, breaks if charts else [], protected=opts.protect)
        )
    return sheets


def as_sheets(items: Sequence[Table | Sheet], opts: Options = Options()) -> list[Sheet]:
    """Sheets as given, tables presented with the options (a store accepts either)."""
    tables = [t for t in items if isinstance(t, Table)]
    drawn = iter(present(tables, opts)) if tables else iter([])
    out: list[Sheet] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Sheet):
            out.append(item)
        elif item.title not in seen:
            seen.add(item.title)
            out.append(next(drawn))
    return out


def _chart(t: Table, b: Block, index: int, top: int) -> Chart:
    assert t.chart is not None
    keys = [c.key for c in b.columns]
    data = [r for r in range(len(b.rows)) if r not in b.total_rows]
    return Chart(
        title=t.chart.title,
        block=index,
        category=keys.index(t.chart.category),
        series=tuple((keys.index(k), colour) for k, colour in t.chart.series),
        rows=(data[0], data[-1]),
        top=top,
        stacked=t.chart.stacked,
        y_title=t.chart.y_title,
    )


def _block(t: Table, opts: Options) -> Block:
    shows = [_formatter(c, opts) for c in t.columns]
    rows: list[list[Cell]] = [
        [show(v) if show else v for show, v in zip(shows, r, strict=True)] for r in t.rows
    ]
    block = Block(name=t.name, caption=t.caption, columns=[], rows=rows)
    totals = totals_of(t.name)
    if totals is not None and {*totals.group, totals.label} <= {c.key for c in t.columns}:
        block.rows, block.total_rows = with_totals(block.rows, t, totals)
    block.columns = sheet_columns(t.columns, block.rows)
    _colour(block, t.columns)
    block.header_height, block.heights = row_heights(block.columns, block.rows)
    return block


def _colour(block: Block, columns: Sequence[Column]) -> None:
    keys = [c.key for c in columns]

    def paint(i: int, colours: Mapping[Any, str], also: int | None = None) -> None:
        for r, row in enumerate(block.rows):
            value = row[i]
            colour = colours.get(value) if isinstance(value, str | int) else None
            if colour:
                block.fills[(r, i)] = colour
                if also is not None:
                    block.fills[(r, also)] = colour

    for i, c in enumerate(columns):
        if c.kind == "level":
            # The level's colour on the number and on its label beside it.
            label = f"{c.key}_label"
            paint(i, LEVEL_COLOURS, keys.index(label) if label in keys else None)
        elif c.key in LABEL_COLUMNS:
            paint(i, LABEL_COLOURS)
        elif c.key == "severity":
            paint(i, SEVERITY_COLOURS)
        elif c.key.startswith("level") and c.key[5:6].isdigit():
            # Level counts and shares (level3, level3_pct): the level's colour on the figure.
            colour = LEVEL_COLOURS.get(int(c.key[5:6]))
            for r in range(len(block.rows)):
                if colour and r not in block.total_rows:
                    block.fills[(r, i)] = colour
