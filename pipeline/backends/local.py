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
from typing import TYPE_CHECKING

from pipeline.backends.base import OfflineStore
from pipeline.backends.xlsx_read import file_revision, read_tabs
from pipeline.errors import BackendError, SourceError
from pipeline.files import storage_error, write_bytes
from pipeline.models import Grid, Table

if TYPE_CHECKING:  # openpyxl (and the numpy it loads) costs a third of a second: only a write needs it
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

log = logging.getLogger(__name__)

_HEADER_FILL = "DDEBF7"
_LEVEL_FILLS = {1: "F8CBAD", 2: "FFE699", 3: "C6EFCE"}  # weak red, moderate amber, strong green
_SEVERITY_FILLS = {"ข้อผิดพลาด": "F8CBAD", "คำเตือน": "FFE699"}


class LocalBackend(OfflineStore):
    name = "local"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.timezones: dict[str, str] = {}  # a workbook carries no time zone

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
        return read_tabs(path, tabs)

    def revision(self, spreadsheet_id: str) -> str | None:
        return file_revision(self.path(spreadsheet_id))

    def write(self, spreadsheet_id: str, tables: Sequence[Table]) -> None:
        from openpyxl import Workbook

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
    from openpyxl import load_workbook

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


def _fill(ws: Worksheet, table: Table) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append([c.header for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
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
