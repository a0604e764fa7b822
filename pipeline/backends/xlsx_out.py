"""Drawing presented sheets into an .xlsx file with xlsxwriter.

The output workbook is generated, never edited: each sync writes a new file
from the presentation (pipeline.presentation) and the tabs it does not own,
read back as values and formulas. The workbook is assembled in memory: streaming
rows through temporary files costs more in creating and deleting the files (a
dozen per workbook) than it saves, and a national workbook fits in a few dozen
megabytes. Every cell format is built once per look and reused.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.backends.xlsx_rows import FastSheet, put
from pipeline.presentation import HEADER_COLOUR, NO_DATA, TOTAL_COLOUR, Block, Chart, Sheet

FONT = "Tahoma"  # on every Thai office PC, and Thai-capable
FONT_SIZE = 10
GENERATED_PROPERTY = "pipeline_generated_tabs"  # custom document property: the tabs the sync owns
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}


# ---------------------------------------------------------------------------
# What is in the previous file


class Formula(str):
    """A kept cell's formula (text that merely starts with "=" stays text)."""


def tab_names(path: Path) -> tuple[list[str], list[str]]:
    """(every tab, the tabs a sync generated) of an existing workbook, from its XML alone."""
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        tabs = [s.get("name", "") for s in book.iterfind("m:sheets/m:sheet", _NS)]
        generated: list[str] = []
        if "docProps/custom.xml" in z.namelist():
            custom = ElementTree.fromstring(z.read("docProps/custom.xml"))
            for prop in custom.iterfind("cp:property", _NS):
                if prop.get("name", "").startswith(GENERATED_PROPERTY):
                    generated.append(prop.findtext("vt:lpwstr", default="", namespaces=_NS))
    return tabs, generated


def read_kept(path: Path, titles: Sequence[str]) -> dict[str, list[list[Any]]]:
    """The cells of the tabs a rewrite keeps: values, and formulas as formulas."""
    if not titles:
        return {}
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        return {
            t: [[Formula(c.value) if c.data_type == "f" else c.value for c in r] for r in wb[t].iter_rows()]
            for t in titles
        }
    finally:
        wb.close()


# ---------------------------------------------------------------------------
# Writing


WORKSHEET = FastSheet  # tests compare its files with xlsxwriter's own Worksheet's


class _Formats:
    """One xlsxwriter format per look, made on first use."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple[Any, ...], Format] = {}

    def get(
        self,
        *,
        wrap: bool = False,
        number: str | None = None,
        fill: str | None = None,
        bold: bool = False,
        header: bool = False,
        border: bool = True,
    ) -> Format:
        key = (wrap, number, fill, bold, header, border)
        fmt = self.cache.get(key)
        if fmt is None:
            spec: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "top"}
            if border:
                spec |= {"border": 1, "border_color": "#BFBFBF"}
            if wrap or header:
                spec["text_wrap"] = True
            if number:
                spec["num_format"] = number
            if fill:
                spec |= {"bg_color": f"#{fill}", "pattern": 1}
            if bold or header:
                spec["bold"] = True
            if header:
                spec |= {"bg_color": f"#{HEADER_COLOUR}", "pattern": 1, "valign": "vcenter"}
            fmt = self.cache[key] = self.wb.add_format(spec)
        return fmt


def write_workbook(
    path: Path, sheets: Sequence[Sheet], kept: dict[str, list[list[Any]]], generated: Sequence[str]
) -> None:
    """A new workbook at `path`: the sheets, then the kept tabs in their previous order."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "in_memory": True,
            "strings_to_formulas": False,  # form text is data, never a formula
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    for i, title in enumerate(generated):  # one property each: a property holds 255 characters
        wb.set_custom_property(f"{GENERATED_PROPERTY}_{i:03d}", title)
    formats = _Formats(wb)
    for sheet in sheets:
        _draw(wb, formats, sheet)
    for title, rows in kept.items():
        _draw_kept(wb, title, rows)
    try:
        wb.close()
    except (FileCreateError, OSError) as exc:
        _close_zip_left_open(exc)
        # xlsxwriter wraps the OS error: raise that one, with its errno (a full disk, a read-only folder).
        cause = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
        raise cause if isinstance(cause, OSError) else OSError(str(exc)) from exc
    finally:
        # The workbook and its sheets refer to each other: left to themselves, their cells wait
        # for a collection that walks them all. Dropped here, they are freed at once.
        for ws in wb.worksheets():
            ws.table.clear()


def _close_zip_left_open(exc: BaseException) -> None:
    """Close the archive xlsxwriter leaves open when its write fails.

    Left open, its destructor retries the write on the full disk later and prints
    a second traceback after the run's own message.
    """
    seen: set[int] = set()
    chain: BaseException | None = exc
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        tb = chain.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile):
                    with contextlib.suppress(OSError):
                        value.close()
            tb = tb.tb_next
        chain = chain.__cause__ or chain.__context__


def _header_text(text: str) -> str:
    return text.replace("&", "&&")


def _draw(wb: Workbook, formats: _Formats, sheet: Sheet) -> None:
    ws = wb.add_worksheet(sheet.title, worksheet_class=WORKSHEET)
    widths = sheet.widths
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&L&B{_header_text(sheet.header_left)}&R{_header_text(sheet.header_right)}")
    ws.set_footer("&Cหน้า &P / &N")
    if sheet.single:
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0)
        block = sheet.blocks[0]
        ws.autofilter(0, 0, max(len(block.rows), 1), max(len(block.columns) - 1, 0))
    if sheet.page_breaks:
        ws.set_h_pagebreaks(sheet.page_breaks)
    for block in sheet.blocks:
        _draw_block(ws, formats, block)
    for chart in sheet.charts:
        _draw_chart(wb, ws, sheet, chart)
    if sheet.protected:
        # No password: an officer who types here is warned the next sync overwrites it.
        ws.protect(
            "",
            {
                "autofilter": True,
                "sort": True,
                "format_columns": True,
                "format_rows": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )


def _draw_block(ws: Worksheet, formats: _Formats, block: Block) -> None:
    if block.caption:
        ws.write_string(block.top, 0, block.caption, formats.get(bold=True, border=False))
    header = formats.get(header=True)
    if block.header_height and block.header_height > 15:
        ws.set_row(block.header_row, block.header_height)
    for c, col in enumerate(block.columns):
        ws.write_string(block.header_row, c, col.header, header)
    plain = [formats.get(wrap=col.wrap, number=col.number_format) for col in block.columns]
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), colour in block.fills.items():
        by_row.setdefault(r, {})[c] = colour
    heights = block.heights
    put_row = ws.put_row if isinstance(ws, FastSheet) else None
    # Rows share a few fill patterns (a level's colour in one column): their formats, once each.
    looks: dict[tuple[bool, frozenset[tuple[int, str]]], list[Format]] = {}
    for r, row in enumerate(block.rows):
        at = block.first_row + r
        height = heights[r] if r < len(heights) else None
        if height:
            ws.set_row(at, height)
        fills = by_row.get(r)
        total = r in block.total_rows
        if not total and not fills:
            fmts = plain
        else:
            look = (total, frozenset(fills.items()) if fills else frozenset())
            found = looks.get(look)
            fmts = (
                found
                if found is not None
                else looks.setdefault(look, _row_formats(formats, block, fills, total))
            )
        if put_row is None:
            for c, value in enumerate(row):
                put(ws, at, c, value, fmts[c])
        else:
            put_row(at, row, fmts)
    if not block.rows and block.caption:  # an empty part of a report tab says so
        ws.write_string(block.first_row, 0, NO_DATA, formats.get(border=False))


def _row_formats(formats: _Formats, block: Block, fills: dict[int, str] | None, total: bool) -> list[Format]:
    if total:
        return [
            formats.get(
                wrap=col.wrap, number=col.number_format, fill=(fills or {}).get(c, TOTAL_COLOUR), bold=True
            )
            for c, col in enumerate(block.columns)
        ]
    assert fills is not None
    return [
        formats.get(wrap=col.wrap, number=col.number_format, fill=fills[c])
        if c in fills
        else formats.get(wrap=col.wrap, number=col.number_format)
        for c, col in enumerate(block.columns)
    ]


def _draw_chart(wb: Workbook, ws: Worksheet, sheet: Sheet, spec: Chart) -> None:
    block = sheet.blocks[spec.block]
    first, last = block.first_row + spec.rows[0], block.first_row + spec.rows[1]
    chart = wb.add_chart({"type": "bar", "subtype": "stacked" if spec.stacked else None})
    assert chart is not None
    for col, colour in spec.series:
        chart.add_series(
            {
                "name": [sheet.title, block.header_row, col],
                "categories": [sheet.title, first, spec.category, last, spec.category],
                "values": [sheet.title, first, col, last, col],
                "fill": {"color": f"#{colour}"},
                "border": {"color": "#7F7F7F"},
                "gap": 60,
            }
        )
    chart.set_title({"name": spec.title, "name_font": {"name": FONT, "size": 11}})
    chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    # First district on top, and every district named however small the chart prints.
    chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"name": FONT, "size": 7}})
    chart.set_x_axis(
        {"name": spec.y_title, "name_font": {"name": FONT, "size": 9}, "num_font": {"name": FONT}}
    )
    chart.set_size({"width": spec.width_px, "height": spec.height_px})
    ws.insert_chart(spec.top, 0, chart, {"object_position": 3})


def _draw_kept(wb: Workbook, title: str, rows: list[list[Any]]) -> None:
    ws = wb.add_worksheet(title)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, Formula):
                ws.write_formula(r, c, value)
            elif isinstance(value, datetime | date):
                ws.write_datetime(r, c, value, date_fmt)
            else:
                put(ws, r, c, value, None)
