"""A presented sheet (pipeline.presentation) as Sheets API cells and requests. Pure.

The same look the local workbook gets, with what the Sheets API can do:
typed cells with their fills, bold totals and wrapped columns; column widths;
the header row frozen, filtered and banded; a warning-only protection over the
whole tab (an officer typing there is told the next sync overwrites it); the
overview's charts as AddChartRequest from the same rows. The Sheets API has no
print settings (paper, orientation, fit to width, repeated rows, page header):
those are set from File > Print in Google Sheets (docs/google-setup.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pipeline.backends.sheets_cells import rgb, width_requests
from pipeline.models import Cell
from pipeline.presentation import HEADER_COLOUR, NO_DATA, TOTAL_COLOUR, Block, Chart, Sheet

PROTECTION_NOTE = "แท็บนี้ระบบสร้างใหม่ทุกครั้งที่ซิงก์ สิ่งที่พิมพ์ไว้ที่นี่จะถูกเขียนทับ — จดบันทึกในแท็บของท่านเองแทน"
_BAND_LIGHT = "F7F9FC"


def _value(value: Cell, cut: Any) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value} if math.isfinite(value) else None
    return {"stringValue": cut(str(value))}


def _cell(value: Cell, fmt: Mapping[str, Any], cut: Any) -> dict[str, Any]:
    entered = _value(value, cut)
    out: dict[str, Any] = {}
    if entered is not None:
        out["userEnteredValue"] = entered
    if fmt:
        out["userEnteredFormat"] = dict(fmt)
    return out


def _formats(block: Block) -> list[dict[str, Any]]:
    out = []
    for col in block.columns:
        fmt: dict[str, Any] = {"verticalAlignment": "TOP"}
        if col.wrap:
            fmt["wrapStrategy"] = "WRAP"
        if col.number_format:
            fmt["numberFormat"] = {"type": "NUMBER", "pattern": col.number_format}
        out.append(fmt)
    return out


def sheet_rows(sheet: Sheet, cut: Any) -> list[dict[str, Any]]:
    """RowData for every row of the sheet, top to bottom, as `Sheet.grid()` lays them out."""
    rows: list[dict[str, Any]] = []
    header_fmt = {
        "textFormat": {"bold": True},
        "backgroundColor": rgb(HEADER_COLOUR),
        "wrapStrategy": "WRAP",
        "verticalAlignment": "MIDDLE",
    }
    for block in sheet.blocks:
        rows += [{"values": []} for _ in range(block.top - len(rows))]
        if block.caption:
            rows.append({"values": [_cell(block.caption, {"textFormat": {"bold": True}}, cut)]})
        rows.append({"values": [_cell(c.header, header_fmt, cut) for c in block.columns]})
        base = _formats(block)
        for r, row in enumerate(block.rows):
            cells = []
            for c, value in enumerate(row):
                fmt = base[c]
                fill = block.fills.get((r, c))
                if r in block.total_rows:
                    fmt = {**fmt, "textFormat": {"bold": True}, "backgroundColor": rgb(fill or TOTAL_COLOUR)}
                elif fill:
                    fmt = {**fmt, "backgroundColor": rgb(fill)}
                cells.append(_cell(value, fmt, cut))
            rows.append({"values": cells})
        if not block.rows and block.caption:
            rows.append({"values": [_cell(NO_DATA, {}, cut)]})
    bottom = max((c.top + 1 for c in sheet.charts), default=0)
    rows += [{"values": []} for _ in range(bottom - len(rows))]  # a chart's anchor lies inside the grid
    if sheet.frozen_rows and len(rows) < 2:  # a frozen header needs a row below it
        rows.append({"values": []})
    return rows


def sheet_requests(sheet: Sheet, sheet_id: int, height: int, width: int) -> list[dict[str, Any]]:
    """Widths, filter and banding of a one-table tab, protection, charts: run once the cells are in."""
    out = width_requests(sheet_id, sheet.widths)
    if sheet.single and sheet.blocks[0].columns:
        block = sheet.blocks[0]
        area = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": max(len(block.rows) + 1, 2)}
        area |= {"startColumnIndex": 0, "endColumnIndex": len(block.columns)}
        out.append({"setBasicFilter": {"filter": {"range": area}}})
        out.append(
            {
                "addBanding": {
                    "bandedRange": {
                        "range": area,
                        "rowProperties": {
                            "headerColorStyle": {"rgbColor": rgb(HEADER_COLOUR)},
                            "firstBandColorStyle": {"rgbColor": rgb("FFFFFF")},
                            "secondBandColorStyle": {"rgbColor": rgb(_BAND_LIGHT)},
                        },
                    }
                }
            }
        )
    if sheet.protected:
        whole = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": height}
        whole |= {"startColumnIndex": 0, "endColumnIndex": width}
        out.append(
            {
                "addProtectedRange": {
                    "protectedRange": {"range": whole, "description": PROTECTION_NOTE, "warningOnly": True}
                }
            }
        )
    out += [chart_request(sheet, c, sheet_id) for c in sheet.charts]
    return out


def chart_request(sheet: Sheet, chart: Chart, sheet_id: int) -> dict[str, Any]:
    """A stacked bar chart of one block: the header row names the series (headerCount 1)."""
    block = sheet.blocks[chart.block]
    first, last = block.header_row, block.first_row + chart.rows[1] + 1

    def source(col: int) -> dict[str, Any]:
        span = {"sheetId": sheet_id, "startRowIndex": first, "endRowIndex": last}
        return {"sourceRange": {"sources": [span | {"startColumnIndex": col, "endColumnIndex": col + 1}]}}

    spec = {
        "title": chart.title,
        "basicChart": {
            "chartType": "BAR",
            "stackedType": "STACKED" if chart.stacked else "NOT_STACKED",
            "legendPosition": "BOTTOM_LEGEND",
            "headerCount": 1,
            "axis": [{"position": "BOTTOM_AXIS", "title": chart.y_title}],
            "domains": [{"domain": source(chart.category), "reversed": True}],
            "series": [
                {"series": source(col), "targetAxis": "BOTTOM_AXIS", "colorStyle": {"rgbColor": rgb(colour)}}
                for col, colour in chart.series
            ],
        },
    }
    anchor = {"sheetId": sheet_id, "rowIndex": chart.top, "columnIndex": 0}
    position = {
        "overlayPosition": {
            "anchorCell": anchor,
            "widthPixels": chart.width_px,
            "heightPixels": chart.height_px,
        }
    }
    return {"addChart": {"chart": {"spec": spec, "position": position}}}
