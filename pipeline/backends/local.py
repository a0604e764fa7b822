"""The local store: a folder of .xlsx workbooks standing in for Google Sheets.

`<spreadsheet id>.xlsx` is a spreadsheet, each worksheet a tab: the same file a
province gets from "Download as .xlsx", so a response sheet dropped into the
folder works unchanged.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook

from pipeline.backends.xlsx_out import read_kept, tab_names, write_workbook
from pipeline.errors import BackendError, SourceError
from pipeline.models import Cell, Grid, Table
from pipeline.presentation import Sheet, as_sheets


class LocalBackend:
    name = "local"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def path(self, spreadsheet_id: str) -> Path:
        return self.data_dir / f"{spreadsheet_id}.xlsx"

    def request_counts(self) -> Mapping[str, int]:
        return {}

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        path = self.path(spreadsheet_id)
        if not path.exists():
            raise SourceError(
                "spreadsheet file not found",
                where=str(path),
                fix=f"put the response sheet downloaded as .xlsx there, named {spreadsheet_id}.xlsx, "
                "or correct the spreadsheet id in the settings",
                th=f"ไม่พบไฟล์ {path.name} ในโฟลเดอร์ข้อมูล — ดาวน์โหลดชีตคำตอบเป็น .xlsx มาวางไว้ "
                "หรือแก้รหัสสเปรดชีตในไฟล์ตั้งค่า",
            )
        try:
            # read_only streams rows: a 10,000-row sheet costs little memory.
            wb = load_workbook(path, read_only=True, data_only=True)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise BackendError(
                f"cannot open the workbook: {exc}",
                where=str(path),
                fix="save the sheet again as .xlsx (File > Download > Microsoft Excel)",
                th=f"เปิดไฟล์ {path.name} ไม่ได้ — บันทึกชีตเป็น .xlsx ใหม่ (ไฟล์ > ดาวน์โหลด > Microsoft Excel)",
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
                        th=f"ไม่พบแท็บ '{title}' ในไฟล์ {path.name} (มีแท็บ: {', '.join(wb.sheetnames)}) "
                        "— แก้ชื่อแท็บของแบบรายงานนี้ในไฟล์ตั้งค่า",
                    )
                out[tab] = _trim([list(r) for r in wb[title].iter_rows(values_only=True)])
            return out
        finally:
            wb.close()

    def write(self, spreadsheet_id: str, tables: Sequence[Table | Sheet]) -> None:
        """A new workbook from the sheets; tabs of the previous one that are not rewritten are kept."""
        path = self.path(spreadsheet_id)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        sheets = as_sheets(tables)
        titles = [s.title for s in sheets]
        kept: dict[str, list[list[Any]]] = {}
        generated = list(titles)
        if path.exists():
            try:
                tabs, before = tab_names(path)
                kept_titles = [t for t in tabs if t not in titles]
                kept = read_kept(path, kept_titles)
            except (OSError, zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as exc:
                raise BackendError(
                    f"cannot open the output workbook: {exc}",
                    where=str(path),
                    fix="move the damaged file aside; the next sync writes a new one",
                ) from exc
            generated += [t for t in kept_titles if t in before]
            own = [t for t in kept_titles if t not in before]
            if own:
                # Their values and formulas are carried over; the file as it was keeps their formatting.
                shutil.copyfile(path, self.previous_path(spreadsheet_id))
        _atomic_write(path, lambda tmp: write_workbook(tmp, sheets, kept, generated))

    def previous_path(self, spreadsheet_id: str) -> Path:
        """Where the workbook is copied before a rewrite that carries officers' own tabs over."""
        return self.data_dir / f"{spreadsheet_id}.ก่อนซิงก์.xlsx"

    def own_tabs(self, spreadsheet_id: str, titles: Sequence[str]) -> list[str]:
        """Tabs officers added to the output workbook themselves (a rewrite keeps them)."""
        path = self.path(spreadsheet_id)
        if not path.exists():
            return []
        try:
            tabs, generated = tab_names(path)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):
            return []
        return [t for t in tabs if t not in titles and t not in generated]


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


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside the target, then rename: readers see the old or the new file, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BackendError(
                f"cannot write the workbook: {exc}", where=str(path), fix="check disk space and permissions"
            ) from exc
        raise


def _atomic_save(wb: Any, path: Path) -> None:
    """An openpyxl workbook saved atomically (the demo's response sheets)."""
    _atomic_write(path, lambda tmp: wb.save(tmp))
