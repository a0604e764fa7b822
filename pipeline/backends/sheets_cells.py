"""Tables as Sheets API cells, and Sheets API values as grids: typed values (never formulas),
formats and column widths. Pure.

A string is always sent as `stringValue`, so "=1+1", "+66", "-" and "@x" typed
by a respondent stay text; dates and datetimes become serial numbers with a date
format; text longer than a cell holds is cut with a visible marker.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pipeline.models import Cell, Column, Grid, Row, Table
from pipeline.presentation import HEADER_COLOUR, LEVEL_COLOURS, SEVERITY_COLOURS

CELL_LIMIT = 50_000  # characters Google accepts in one cell
TRUNCATED_MARK = " …[ตัดเหลือ {limit:,} ตัวอักษร: ข้อความเต็มอยู่ในแบบฟอร์มต้นทาง]"
PX_PER_CHAR = 7.2  # widths are in characters; Sheets wants pixels (100 px ≈ 14 characters)

_EPOCH = datetime(1899, 12, 30)  # day 0 of Google Sheets serial dates


def dumps(body: Any) -> bytes:
    """A request body as sent: compact UTF-8 JSON (Thai is 3 bytes a letter, not a 6-byte escape)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def size(obj: Any) -> int:
    return len(dumps(obj))


def a1_tab(title: str) -> str:
    """A whole tab as an A1 range: the title quoted, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def values_grid(values: Any) -> Grid:
    """A values:batchGet range as a grid: "" read as empty, trailing empty cells and rows dropped."""
    rows: Grid = []
    for raw in values or []:
        row: Row = [None if v == "" else v for v in raw] if isinstance(raw, list) else []
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def serial(value: date | datetime) -> float:
    """A date or datetime as a Sheets serial number (days since 1899-12-30, time as a fraction)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float((value - _EPOCH.date()).days)


def rgb(hex_colour: str) -> dict[str, float]:
    """A colour written "RRGGBB" (as pipeline.presentation names them) as a Sheets API Color."""
    return {k: int(hex_colour[i : i + 2], 16) / 255 for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def cut(text: str, limit: int = CELL_LIMIT) -> str:
    """`text` fitted in one cell: longer text is cut and ends with a visible marker."""
    if len(text) <= limit:
        return text
    mark = TRUNCATED_MARK.format(limit=limit)
    return text[: limit - len(mark)] + mark


def cell_data(value: Cell, column: Column) -> dict[str, Any]:
    """One CellData: a typed value (never parsed as a formula) and its format; {} is an empty cell."""
    fmt: dict[str, Any] = {}
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        entered: dict[str, Any] = {"boolValue": value}
    elif isinstance(value, int | float):
        if not math.isfinite(value):
            return {}
        entered = {"numberValue": value}
        if column.kind == "float":
            fmt["numberFormat"] = {"type": "NUMBER", "pattern": "0.00"}
    elif isinstance(value, datetime):
        entered = {"numberValue": serial(value)}
        fmt["numberFormat"] = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}
    elif isinstance(value, date):
        entered = {"numberValue": serial(value)}
        fmt["numberFormat"] = {"type": "DATE", "pattern": "yyyy-mm-dd"}
    else:
        entered = {"stringValue": cut(str(value))}
    if column.kind == "level" and isinstance(value, int) and value in LEVEL_COLOURS:
        fmt["backgroundColor"] = rgb(LEVEL_COLOURS[value])
    elif column.key == "severity" and isinstance(value, str) and value in SEVERITY_COLOURS:
        fmt["backgroundColor"] = rgb(SEVERITY_COLOURS[value])
    return {"userEnteredValue": entered, "userEnteredFormat": fmt} if fmt else {"userEnteredValue": entered}


def header_cell(text: str) -> dict[str, Any]:
    return {
        "userEnteredValue": {"stringValue": cut(text)},
        "userEnteredFormat": {
            "textFormat": {"bold": True},
            "backgroundColor": rgb(HEADER_COLOUR),
            "wrapStrategy": "WRAP",
            "verticalAlignment": "MIDDLE",
        },
    }


def tab_rows(table: Table) -> list[dict[str, Any]]:
    rows = [{"values": [header_cell(c.header) for c in table.columns]}]
    rows += [
        {"values": [cell_data(v, c) for v, c in zip(row, table.columns, strict=True)]} for row in table.rows
    ]
    if len(rows) < 2:  # a frozen header needs a row below it
        rows.append({"values": [{}] * len(table.columns)})
    return rows


def decorations(table: Table, sheet_id: int) -> list[dict[str, Any]]:
    """Requests that dress a filled tab: column widths and a filter over the data.

    New kinds (banding, protections, charts) belong here, addressed to `sheet_id`;
    they travel in the last batch of a publish, after the cells.
    """
    out = width_requests(sheet_id, [c.width for c in table.columns])
    area = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": len(table.rows) + 1}
    area |= {"startColumnIndex": 0, "endColumnIndex": len(table.columns)}
    out.append({"setBasicFilter": {"filter": {"range": area}}})
    return out


def width_requests(sheet_id: int, widths: Sequence[float]) -> list[dict[str, Any]]:
    """One updateDimensionProperties per run of columns of the same width (in characters)."""
    out: list[dict[str, Any]] = []
    start = 0
    for end in range(1, len(widths) + 1):
        if end == len(widths) or round(widths[end]) != round(widths[start]):
            span = {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": start, "endIndex": end}
            px = {"pixelSize": max(30, round(widths[start] * PX_PER_CHAR))}
            out.append(
                {"updateDimensionProperties": {"range": span, "properties": px, "fields": "pixelSize"}}
            )
            start = end
    return out
