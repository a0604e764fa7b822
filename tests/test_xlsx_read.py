"""The fast workbook reader gives the cells the openpyxl reader always gave."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from pipeline.backends.xlsx_read import file_revision, read_tabs
from pipeline.demo import write_demo
from pipeline.errors import SourceError
from pipeline.models import Cell, Grid
from pipeline.settings_loader import load_settings
from tests.conftest import write_settings


def openpyxl_tabs(path: Path, tabs: list[str]) -> dict[str, Grid]:
    """The reader the local store used before: openpyxl read-only, cached values, trailing blanks trimmed."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out: dict[str, Grid] = {}
        for tab in tabs:
            rows: list[list[Cell]] = [
                list(r) for r in wb[tab or wb.sheetnames[0]].iter_rows(values_only=True)
            ]
            trimmed: Grid = []
            for row in rows:
                end = len(row)
                while end and row[end - 1] in (None, ""):
                    end -= 1
                trimmed.append(row[:end])
            while trimmed and not trimmed[-1]:
                trimmed.pop()
            out[tab] = trimmed
        return out
    finally:
        wb.close()


def typed(grid: Grid) -> list[list[tuple[str, object]]]:
    """Cells with their types: 1 and 1.0, a date and a datetime, must not compare equal here."""
    return [[(type(c).__name__, c) for c in row] for row in grid]


def test_every_demo_workbook_reads_the_same_with_both_readers(tmp_path: Path) -> None:
    settings = load_settings(write_settings(tmp_path))
    paths = write_demo(settings)
    assert len(paths) >= 6
    for path in paths:
        titles = load_workbook(path, read_only=True).sheetnames
        fast, reference = read_tabs(path, titles), openpyxl_tabs(path, titles)
        for title in titles:
            assert typed(fast[title]) == typed(reference[title]), f"{path.name} / {title}"
        assert read_tabs(path, [""])[""] == reference[titles[0]]  # "" is the first tab


TRICKY: list[Cell | time | timedelta] = [
    1, 2.5, -3, 1e20, 123456789012, 0.1 + 0.2, True, False,
    "0812345678", "๐๘๑๒๓๔๕๖๗๘", "=SUM(1,2)", "ร้อยละ ๘๐", " มีช่องว่าง ",
    datetime(2024, 6, 21, 23, 59, 59, 123000), datetime(2023, 11, 20, 9, 1, 2), date(2024, 1, 9),
    time(9, 30), timedelta(hours=30), datetime(1900, 3, 1), "", None,
]  # fmt: skip


def test_tricky_cells_read_the_same_with_both_readers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "คำตอบ"
    for r, value in enumerate(TRICKY, start=1):
        cell = ws.cell(row=r, column=2, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # typed text stays text, "=..." included
    ws.cell(row=2, column=6, value="ท้ายแถว")  # a ragged row
    ws.cell(row=len(TRICKY) + 5, column=1, value="")  # empty cells after the last row
    ws.cell(row=3, column=9, value=None)
    path = tmp_path / "tricky.xlsx"
    wb.save(path)
    fast, reference = read_tabs(path, ["คำตอบ"]), openpyxl_tabs(path, ["คำตอบ"])
    assert typed(fast["คำตอบ"]) == typed(reference["คำตอบ"])
    cells = [row[1] if len(row) > 1 else None for row in fast["คำตอบ"]]
    assert cells[:3] == [1, 2.5, -3] and type(cells[0]) is int
    assert cells[8:11] == ["0812345678", "๐๘๑๒๓๔๕๖๗๘", "=SUM(1,2)"]
    assert cells[15] == datetime(2024, 1, 9)
    assert fast["คำตอบ"][1] == [None, 2.5, None, None, None, "ท้ายแถว"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty (0 bytes)"),
        (b"PK\x03\x04 half a zip", "damaged or cut short"),
        (b"not a zip at all", "not an .xlsx workbook"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, "password-protected"),
    ],
)
def test_an_unreadable_workbook_is_a_source_error_that_says_why(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "resp.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        read_tabs(path, [""])
    assert reason in caught.value.message
    assert caught.value.where == str(path) and "Download" in caught.value.fix


def test_a_missing_tab_names_the_tabs_there_are(tmp_path: Path) -> None:
    wb = Workbook()
    assert wb.active is not None
    wb.active.title = "การตอบแบบฟอร์ม 1"
    wb.save(tmp_path / "resp.xlsx")
    with pytest.raises(SourceError, match="'Form Responses 1' not found \\(tabs: การตอบแบบฟอร์ม 1\\)"):
        read_tabs(tmp_path / "resp.xlsx", ["Form Responses 1"])


def test_the_revision_is_the_files_bytes(tmp_path: Path) -> None:
    path = tmp_path / "resp.xlsx"
    path.write_bytes(b"one")
    first = file_revision(path)
    path.write_bytes(b"one")
    assert file_revision(path) == first
    path.write_bytes(b"two")
    assert file_revision(path) not in (None, first)
    assert file_revision(tmp_path / "missing.xlsx") is None
