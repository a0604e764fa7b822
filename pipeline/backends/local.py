"""The local store: a folder of .xlsx workbooks standing in for Google Sheets.

A spreadsheet is a workbook in the data folder, each worksheet a tab: the same
file a province gets from "Download as .xlsx", so a response sheet dropped into
the folder works unchanged, under the name Google gives it (the sheet's title).
"""

from __future__ import annotations

import io
import logging
import os
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.errors import BackendError, SourceError
from pipeline.files import storage_error, write_bytes
from pipeline.models import Cell, Grid, Table

log = logging.getLogger(__name__)

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LEVEL_FILLS = {1: "F8CBAD", 2: "FFE699", 3: "C6EFCE"}  # weak red, moderate amber, strong green
_SEVERITY_FILLS = {"ข้อผิดพลาด": "F8CBAD", "คำเตือน": "FFE699"}


class LocalBackend:
    name = "local"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def path(self, spreadsheet_id: str) -> Path:
        return workbook_path(self.data_dir, spreadsheet_id)

    def request_counts(self) -> Mapping[str, int]:
        return {}

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        path = self.path(spreadsheet_id)
        if not path.exists():
            raise SourceError(
                "spreadsheet file not found",
                where=str(path),
                fix=f"download the response sheet from Google Sheets (File > Download > Microsoft Excel) "
                f"into {path.parent}, or set this source's spreadsheet: to the file's name; "
                f"workbooks there: {_workbooks(path.parent)}",
            )
        try:
            # read_only streams rows: a 10,000-row sheet costs little memory.
            wb = load_workbook(path, read_only=True, data_only=True)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise BackendError(
                f"cannot open the workbook: {exc}",
                where=str(path),
                fix="save the sheet again as .xlsx (File > Download > Microsoft Excel)",
            ) from exc
        try:
            out: dict[str, Grid] = {}
            for tab in tabs:
                title = tab or wb.sheetnames[0]
                if title not in wb.sheetnames:
                    raise SourceError(
                        f"tab '{title}' not found (tabs: {', '.join(wb.sheetnames)})",
                        where=str(path),
                        fix="correct the 'tab' of this source in the settings",
                    )
                out[tab] = _trim([list(r) for r in wb[title].iter_rows(values_only=True)])
            return out
        finally:
            wb.close()

    def write(self, spreadsheet_id: str, tables: Sequence[Table]) -> None:
        path = self.path(spreadsheet_id)
        wb = _open_output(path)
        if wb is None:
            wb = Workbook()
            assert wb.active is not None
            wb.remove(wb.active)
        for table in tables:
            if table.title in wb.sheetnames:
                index = wb.sheetnames.index(table.title)
                wb.remove(wb[table.title])
                ws = wb.create_sheet(table.title, index)
            else:
                ws = wb.create_sheet(table.title)
            _fill(ws, table)
        _atomic_save(wb, path)


def workbook_path(data_dir: Path, name: str) -> Path:
    """The workbook of a spreadsheet name: a file name or a path relative to data_dir, .xlsx optional."""
    # Not Path.with_suffix: a title such as "แบบประเมิน ศอช.ต. (การตอบกลับ)" has dots of its own.
    file = name if name.lower().endswith(".xlsx") else f"{name}.xlsx"
    return data_dir / Path(file).expanduser()


def _workbooks(folder: Path) -> str:
    try:
        names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".xlsx")
    except OSError:
        return "none (the folder does not exist)"
    shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    return shown or "none"


def _open_output(path: Path) -> Workbook | None:
    """The output workbook to update; None when there is none, or it is damaged (kept aside, rebuilt)."""
    if not path.exists():
        return None
    try:
        return load_workbook(path)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        aside = path.with_name(f"{path.stem}.damaged{path.suffix}")
        log.warning("output workbook %s is damaged (%s): kept as %s and rebuilt", path, exc, aside.name)
        try:
            os.replace(path, aside)
        except OSError as err:
            raise storage_error(err, path) from err
        return None
    except OSError as exc:
        raise BackendError(
            f"cannot open the output workbook: {exc}",
            where=str(path),
            fix="close it in any program that holds it, check the folder's permissions and run again",
        ) from exc


def _trim(rows: list[list[Cell]]) -> Grid:
    """Drop trailing empty cells and rows, as the Sheets API does."""
    out: Grid = []
    for row in rows:
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


def _fill(ws: Worksheet, table: Table) -> None:
    ws.append([c.header for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(table.rows, start=2):
        for c, (col, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                # Assigning a str starting with "=" makes openpyxl write a formula:
                # set the type explicitly so form text always stays text.
                cell.value = value
                cell.data_type = "s"
            else:
                cell.value = value
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif col.kind == "float":
                cell.number_format = "0.00"
            if col.kind == "level" and isinstance(value, int) and value in _LEVEL_FILLS:
                cell.fill = PatternFill("solid", fgColor=_LEVEL_FILLS[value])
            elif col.key == "severity" and isinstance(value, str) and value in _SEVERITY_FILLS:
                cell.fill = PatternFill("solid", fgColor=_SEVERITY_FILLS[value])
    for c, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"


def _atomic_save(wb: Workbook, path: Path) -> None:
    """Write beside the target, then rename: readers see the old or the new file, never half of one."""
    # Built in memory first: a full disk then fails our own write, not a half-closed zip
    # whose clean-up would print a traceback when it is collected.
    buffer = io.BytesIO()
    wb.save(buffer)
    write_bytes(path, buffer.getvalue())
