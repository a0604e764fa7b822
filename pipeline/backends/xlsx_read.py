"""Reading response workbooks (.xlsx) fast, with python-calamine.

The cells come out as the pipeline has always seen them (the values openpyxl
gives with data_only=True): whole numbers as int, date cells as datetime at
midnight, time cells as time, durations as timedelta, empty cells as None, a
formula's last computed value, text exactly as typed (digits typed as text stay
text). Trailing empty cells and rows are dropped, as the Sheets API does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook

from pipeline.errors import SourceError
from pipeline.models import Cell, Grid

# openpyxl gives an int for a number written without a decimal point; Excel and
# Google write whole numbers that way up to 15 significant digits.
_WHOLE_LIMIT = 1e15


def read_tabs(path: Path, tabs: Sequence[str]) -> dict[str, Grid]:
    """The requested tabs of one workbook ("" is the first tab); SourceError when it cannot be read."""
    try:
        with CalamineWorkbook.from_path(str(path)) as wb:
            names = list(wb.sheet_names)
            out: dict[str, Grid] = {}
            for tab in tabs:
                title = tab or (names[0] if names else "")
                if title not in names:
                    raise SourceError(
                        f"tab '{title}' not found (tabs: {', '.join(names)})",
                        where=str(path),
                        fix="correct the 'tab' of this source in the settings",
                        thai=f"ไม่พบแท็บ '{title}' ในไฟล์ {path.name} (มีแท็บ: {', '.join(names)}) "
                        "— แก้ชื่อแท็บของแบบรายงานนี้ในไฟล์ตั้งค่า",
                    )
                out[tab] = grid(wb.get_sheet_by_name(title).to_python(skip_empty_area=False))
            return out
    except SourceError:
        raise
    except Exception as exc:  # whatever the reader raises on a bad file is that source's error
        raise unreadable_workbook(path, exc) from exc


def grid(rows: Iterable[Sequence[object]]) -> Grid:
    """Calamine's rows as the pipeline's cells, trailing empty cells and rows dropped."""
    out: Grid = []
    for raw in rows:
        # Most cells are text: those skip the call (a national sheet has half a million cells).
        row: list[Cell] = [v if type(v) is str and v else _cell(v) for v in raw]
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        out.append(row[:end] if end < len(row) else row)
    while out and not out[-1]:
        out.pop()
    return out


def _cell(v: object) -> Cell:
    if type(v) is str:
        return v or None
    if type(v) is float:
        return int(v) if v.is_integer() and -_WHOLE_LIMIT < v < _WHOLE_LIMIT else v
    if type(v) is date:  # a date-formatted cell: openpyxl gives a datetime at midnight
        return datetime(v.year, v.month, v.day)
    return v  # type: ignore[return-value]  # int, bool, datetime, time, timedelta


# An OLE2 compound file: an Excel 97-2003 .xls, or an .xlsx saved with a password (encrypted).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RESAVE = "download the response sheet again from Google Sheets (File > Download > Microsoft Excel) over it"
_RESAVE_TH = "ดาวน์โหลดชีตคำตอบจาก Google Sheets ใหม่ (ไฟล์ > ดาวน์โหลด > Microsoft Excel) มาทับไฟล์เดิม"


def unreadable_workbook(path: Path, exc: BaseException) -> SourceError:
    """This source's error for a workbook no reader can open: the other sources are still published.

    Classified by what the file is, not by the reader's exception, so it holds for any reader.
    """
    where = str(path)
    if isinstance(exc, PermissionError):
        return SourceError(
            "the workbook cannot be read: permission denied",
            where=where,
            fix="let the user that runs the pipeline read the file",
            thai=f"ไม่มีสิทธิ์อ่านไฟล์ {path.name} — ให้ผู้ดูแลเครื่องให้สิทธิ์อ่านแก่ผู้ใช้ที่รันระบบ",
        )
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
        size = path.stat().st_size
    except OSError as err:
        return SourceError(
            f"the workbook cannot be read: {err.strerror or err}", where=where, fix=_RESAVE, thai=_RESAVE_TH
        )
    if size == 0:
        return SourceError(
            "the workbook is empty (0 bytes): a copy or download did not finish",
            where=where,
            fix=_RESAVE,
            thai=f"ไฟล์ {path.name} ว่างเปล่า (0 ไบต์) — การคัดลอกหรือดาวน์โหลดไม่เสร็จ — {_RESAVE_TH}",
        )
    if head == _OLE_MAGIC:
        return SourceError(
            "the workbook is password-protected, or an old .xls: neither can be read",
            where=where,
            fix="open it in Excel, remove the password (File > Info > Protect Workbook), and save it as "
            ".xlsx — or " + _RESAVE,
            thai=f"ไฟล์ {path.name} ตั้งรหัสผ่านไว้ หรือเป็นไฟล์ .xls รุ่นเก่า — เปิดใน Excel เอารหัสผ่านออก "
            f"แล้วบันทึกเป็น .xlsx หรือ{_RESAVE_TH}",
        )
    if not head.startswith(b"PK"):
        return SourceError(
            "the file is not an .xlsx workbook",
            where=where,
            fix=_RESAVE,
            thai=f"ไฟล์ {path.name} ไม่ใช่ไฟล์ .xlsx — {_RESAVE_TH}",
        )
    return SourceError(
        f"the workbook is damaged or cut short and cannot be read ({type(exc).__name__}: {exc})"[:300],
        where=where,
        fix=_RESAVE,
        thai=f"ไฟล์ {path.name} เสียหายหรือไม่ครบ อ่านไม่ได้ — {_RESAVE_TH}",
    )


def file_revision(path: Path) -> str | None:
    """A digest of the file's bytes: equal digests mean the same workbook, without parsing it."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
