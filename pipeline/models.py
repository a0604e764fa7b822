"""Plain data shared by every stage: cells, tables, issues, report files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# What a spreadsheet cell can hold once read. Backends return dates either as
# datetime/date (xlsx) or as serial numbers (Sheets UNFORMATTED_VALUE); the
# normaliser accepts both, so backends never guess at column types.
Cell = str | int | float | bool | datetime | date | None
Row = list[Cell]
Grid = list[Row]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Column:
    """One published column: a stable English key for export, a Thai header for officers."""

    key: str
    header: str
    width: int = 14
    kind: Literal["text", "int", "float", "date", "datetime", "level", "user", "form"] = "text"
    # "user" marks text typed by form respondents: always written as literal text.
    # "form" holds a source key, shown to officers as the form's Thai title.


@dataclass(frozen=True)
class ChartHint:
    """A native chart drawn under a table: one bar per row, a series per listed column."""

    title: str
    category: str  # column key of the bar labels
    series: tuple[tuple[str, str], ...]  # (column key, RGB colour "C6EFCE")
    stacked: bool = True
    y_title: str = ""


@dataclass
class Table:
    """A published table: becomes one tab of the output spreadsheet."""

    name: str  # stable English key, e.g. "scores"; used by `pipeline export`
    title: str  # Thai tab title, e.g. "คะแนนรายตำบล"
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    caption: str = ""  # a heading above the table when several share a tab
    chart: ChartHint | None = None

    def records(self) -> list[dict[str, Cell]]:
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, r, strict=True)) for r in self.rows]


@dataclass(frozen=True)
class Issue:
    """A rejected or doubtful value, listed for a district officer to act on."""

    source: str  # the form key, e.g. "tambon_assessment"
    tab: str  # the source tab as named in the spreadsheet
    row: int  # 1-based sheet row (the header is row 1)
    severity: Severity
    code: str  # machine-readable reason, e.g. "unknown_tambon"
    message: str  # Thai: what is wrong and what to do
    field: str = ""  # column header as it appears on the sheet
    value: str = ""  # the raw value, as text
    district_code: str = ""
    district: str = ""
    tambon_code: str = ""
    tambon: str = ""


@dataclass(frozen=True)
class UnitStatus:
    """Where one unit stands for one report period, as of the last sync."""

    form: str
    period: str
    unit_code: str
    unit_name: str
    district_code: str
    status: str  # valid | late | rejected
    submitted_at: datetime | None = None
    errors: tuple[str, ...] = ()  # Thai messages of the errors that keep it from counting


@dataclass(frozen=True)
class Document:
    """A report (HTML, PDF) the sync saves beside the outputs, for the province to send on."""

    filename: str  # e.g. "progress-province-2567.pdf"; no folders
    content: bytes = b""
    # Rendered only when needed: the sync skips it when `key` (a digest of what it is rendered
    # from) is the one of the file already saved.
    render: Callable[[], bytes] | None = None
    key: str = ""

    def data(self) -> bytes:
        return self.render() if self.render is not None else self.content
