"""The local store: a folder of .xlsx workbooks standing in for Google Sheets.

A spreadsheet is a workbook in the data folder, each worksheet a tab: the same
file a province gets from "Download as .xlsx", so a response sheet dropped into
the folder works unchanged, under the name Google gives it (the sheet's title).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from pipeline.backends.base import OfflineStore
from pipeline.backends.xlsx_read import file_revision, read_tabs
from pipeline.errors import BackendError, SourceError
from pipeline.files import atomic_write, storage_error, write_bytes
from pipeline.models import Grid, Table

if TYPE_CHECKING:  # openpyxl (and the numpy it loads) costs a third of a second: only a write needs it
    from openpyxl import Workbook

    from pipeline.presentation import Sheet

log = logging.getLogger(__name__)


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
                thai=f"ไม่พบไฟล์ {path.name} ในโฟลเดอร์ข้อมูล — ดาวน์โหลดชีตคำตอบเป็น .xlsx "
                "(ไฟล์ > ดาวน์โหลด > Microsoft Excel) มาวางไว้ หรือแก้ชื่อสเปรดชีตในไฟล์ตั้งค่า",
            )
        return read_tabs(path, tabs)

    def revision(self, spreadsheet_id: str) -> str | None:
        return file_revision(self.path(spreadsheet_id))

    def write(self, spreadsheet_id: str, tables: Sequence[Table | Sheet]) -> None:
        """A new workbook from the sheets; tabs of the previous one that are not rewritten are kept."""
        from pipeline.backends.xlsx_out import read_kept, write_workbook
        from pipeline.presentation import as_sheets

        path = self.path(spreadsheet_id)
        sheets = as_sheets(tables)
        titles = [s.title for s in sheets]
        kept: dict[str, list[list[Any]]] = {}
        generated = list(titles)
        previous = _previous_tabs(path)
        if previous is not None:
            tabs, before = previous
            kept_titles = [t for t in tabs if t not in titles]
            kept = read_kept(path, kept_titles)
            generated += [t for t in kept_titles if t in before]
            if any(t not in before for t in kept_titles):
                # Officers' own tabs: values and formulas are carried over; the file as it
                # was, next to the new one, keeps their formatting.
                try:
                    shutil.copyfile(path, self.previous_path(spreadsheet_id))
                except OSError as exc:
                    raise storage_error(exc, path) from exc
        atomic_write(path, lambda tmp: write_workbook(tmp, sheets, kept, generated))

    def previous_path(self, spreadsheet_id: str) -> Path:
        """Where the workbook is copied before a rewrite that carries officers' own tabs over."""
        path = self.path(spreadsheet_id)
        return path.with_name(f"{path.name.removesuffix('.xlsx')}.ก่อนซิงก์.xlsx")

    def own_tabs(self, spreadsheet_id: str, titles: Sequence[str]) -> list[str]:
        """Tabs officers added to the output workbook themselves (a rewrite keeps them)."""
        from pipeline.backends.xlsx_out import tab_names

        try:
            tabs, generated = tab_names(self.path(spreadsheet_id))
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):
            return []
        return [t for t in tabs if t not in titles and t not in generated]


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


def _previous_tabs(path: Path) -> tuple[list[str], list[str]] | None:
    """(tabs, generated tabs) of the output to replace; None when there is none, or it is damaged (kept aside)."""
    from pipeline.backends.xlsx_out import tab_names

    if not path.exists():
        return None
    try:
        return tab_names(path)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, ElementTree.ParseError) as exc:
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


def _atomic_save(wb: Workbook, path: Path) -> None:
    """Write beside the target, then rename: readers see the old or the new file, never half of one."""
    # Built in memory first: a full disk then fails our own write, not a half-closed zip
    # whose clean-up would print a traceback when it is collected.
    buffer = io.BytesIO()
    wb.save(buffer)
    write_bytes(path, buffer.getvalue())
