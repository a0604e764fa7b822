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

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from pipeline.errors import SourceError
from pipeline.models import Cell, Grid

# openpyxl gives an int for a number written without a decimal point; Excel and
# Google write whole numbers that way up to 15 significant digits.
_WHOLE_LIMIT = 1e15
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_RESAVE = (
    "open it in Google Sheets or Excel and save it again as .xlsx (File > Download > Microsoft Excel), "
    "without a password"
)


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
                    )
                out[tab] = grid(wb.get_sheet_by_name(title).to_python(skip_empty_area=False))
            return out
    except (CalamineError, ValueError, OSError) as exc:
        raise SourceError(
            f"cannot open the workbook: {_reason(exc, path)}", where=str(path), fix=_RESAVE
        ) from exc


def grid(rows: Iterable[Sequence[object]]) -> Grid:
    """Calamine's rows as the pipeline's cells, trailing empty cells and rows dropped."""
    out: Grid = []
    for raw in rows:
        row = [_cell(v) for v in raw]
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        out.append(row[:end])
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


def _reason(exc: BaseException, path: Path) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        head = b""
    if not head:
        return "the file is empty (0 bytes)"
    if head == _OLE_MAGIC or isinstance(exc, PasswordError):
        # Excel stores a password-protected .xlsx inside an OLE container, as it does an old .xls.
        return "the file is protected with a password, or is an old .xls renamed to .xlsx"
    return f"not a readable .xlsx workbook ({exc or type(exc).__name__})"


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
