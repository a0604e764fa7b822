"""Cells into an xlsxwriter worksheet: one cell by its Python type, or a whole row at once.

A national workbook has a few hundred thousand cells, so the row writer skips
xlsxwriter's general per-cell machinery where the file comes out byte for byte
the same (tests/test_xlsx_out.py compares both ways).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple, Worksheet

from pipeline.models import Cell


def put(ws: Worksheet, row: int, col: int, value: Cell, fmt: Format | None) -> None:
    kind = type(value)
    if kind is int or kind is float:  # the common case first: most cells are scores and counts
        ws.write_number(row, col, value, fmt)
    elif kind is str and value:
        ws.write_string(row, col, value, fmt)
    elif value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


class FastSheet(Worksheet):  # type: ignore[misc]  # xlsxwriter has no type information
    """A worksheet that takes a whole row of plain cells in one call and writes formatted
    numbers, texts and blanks to XML without the general per-cell machinery.

    A national workbook has a few hundred thousand cells, and xlsxwriter's per-cell
    calls (argument checks, a tuple of attributes, escaping of attributes that never
    need it) are most of its writing time. The file is byte for byte what xlsxwriter
    writes cell by cell; anything else (a long text, NaN, a date) takes xlsxwriter's path.
    """

    def put_row(self, row: int, values: Sequence[Cell], fmts: Sequence[Format]) -> None:
        """Cells 0..n-1 of a row, each with its format (never None: a blank cell is written)."""
        if not values or self._check_dimensions(row, 0) or self._check_dimensions(row, len(values) - 1):
            for c, value in enumerate(values):
                put(self, row, c, value, fmts[c])
            return
        cells = self.table[row]
        strings = self.str_table
        short = self.xls_strmax // 2  # xlsxwriter truncates only text longer than this
        for c, value in enumerate(values):
            kind = type(value)
            if kind is int or (kind is float and math.isfinite(value)):  # type: ignore[arg-type]
                cells[c] = CellNumberTuple(value, fmts[c])
            elif kind is str and value and len(value) <= short:  # type: ignore[arg-type]
                cells[c] = CellStringTuple(strings._get_shared_string_index(value), fmts[c])
            elif value is None or (kind is str and not value):
                cells[c] = CellBlankTuple(fmts[c])
            else:
                put(self, row, c, value, fmts[c])

    def _calculate_spans(self) -> None:
        """xlsxwriter's spans (the columns used in each block of 16 rows) from each row's first and
        last cell, instead of a look at every column of every row."""
        if self.comments:
            super()._calculate_spans()
            return
        spans: dict[int, str] = {}
        low: int | None = None
        high = 0
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = self.table.get(row_num)
            if cells:
                first, last = min(cells), max(cells)
                low, high = (first, last) if low is None else (min(low, first), max(high, last))
            if ((row_num + 1) % 16 == 0 or row_num == self.dim_rowmax) and low is not None:
                spans[row_num // 16] = f"{low + 1}:{high + 1}"
                low = None
        self.row_spans = spans

    def _write_rows(self) -> None:
        """xlsxwriter's own loop over rows, with a row's cells written as one string."""
        if self.comments or self.constant_memory or self.dim_rowmin is None:
            super()._write_rows()
            return
        self._calculate_spans()
        table, row_info, spans, write = self.table, self.row_info, self.row_spans, self.fh.write
        names = {c: xl_col_to_name(c) for c in range(self.dim_colmin, self.dim_colmax + 1)}
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table[row_num]  # as xlsxwriter's loop: the defaultdict gains the row
            info = row_info.get(row_num)
            if not cells:
                if info is not None:
                    self._write_empty_row(row_num, spans.get(row_num // 16), info)
                continue
            self._write_row(row_num, spans.get(row_num // 16), info)
            at = str(row_num + 1)
            parts: list[str] = []
            for col in sorted(cells):
                cell = cells[col]
                kind, fmt = type(cell), cell.format
                if fmt is None:
                    write("".join(parts))
                    parts.clear()
                    self._write_cell(row_num, col, cell)
                elif kind is CellNumberTuple:
                    parts.append(
                        f'<c r="{names[col]}{at}" s="{fmt._get_xf_index()}"><v>{cell.number:.16G}</v></c>'
                    )
                elif kind is CellStringTuple:
                    parts.append(
                        f'<c r="{names[col]}{at}" s="{fmt._get_xf_index()}" t="s"><v>{cell.string}</v></c>'
                    )
                elif kind is CellBlankTuple:
                    parts.append(f'<c r="{names[col]}{at}" s="{fmt._get_xf_index()}"/>')
                else:
                    write("".join(parts))
                    parts.clear()
                    self._write_cell(row_num, col, cell)
            parts.append("</row>")
            write("".join(parts))
