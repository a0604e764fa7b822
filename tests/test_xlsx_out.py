"""The xlsxwriter output writer: on a failing disk, and the same file as xlsxwriter's cell-by-cell writing."""

from __future__ import annotations

import errno
import gc
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from xlsxwriter.worksheet import Worksheet

from pipeline.backends import xlsx_out
from pipeline.backends.local import LocalBackend
from pipeline.backends.xlsx_out import Formula, write_workbook
from pipeline.demo import write_demo
from pipeline.models import Cell, Column, Table
from pipeline.presentation import Options, Sheet, present
from pipeline.run import sync
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_settings

FULL_DISK = Path("/dev/full")  # every write to it fails with ENOSPC


@pytest.mark.skipif(not FULL_DISK.exists(), reason="needs /dev/full")
def test_a_full_disk_raises_its_error_once_and_leaves_nothing_to_fail_again() -> None:
    cols = [Column("tambon", "ตำบล", kind="user"), Column("score", "คะแนน", kind="int")]
    sheets = present([Table("scores", "คะแนนรายตำบล", cols, [["บ้านต๋อม", 60]] * 500)])
    with pytest.raises(OSError) as failed:
        write_workbook(FULL_DISK, sheets, {}, ["คะแนนรายตำบล"])
    assert failed.value.errno == errno.ENOSPC
    del failed
    # An archive left open would retry its write from its destructor and print a second
    # traceback after the run's message; pytest turns that into an error here.
    gc.collect()


# ---------------------------------------------------------------------------
# The row-at-a-time writer writes what xlsxwriter writes cell by cell


def _members(path: Path) -> dict[str, bytes]:
    """Every part of a workbook but its creation time."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _both_ways(folder: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[[Path], None]) -> None:
    fast, stock = folder / "fast.xlsx", folder / "stock.xlsx"
    write(fast)
    with monkeypatch.context() as m:
        m.setattr(xlsx_out, "WORKSHEET", Worksheet)
        write(stock)
    assert _members(fast) == _members(stock)


def test_every_kind_of_cell_is_written_as_xlsxwriter_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cols = [
        Column("tambon", "ตำบล", kind="user"),
        Column("score", "คะแนน", kind="int"),
        Column("share", "ร้อยละ", kind="float"),
        Column("due", "กำหนดส่ง", kind="date"),
        Column("level", "ระดับ", kind="level"),
        Column("note", "หมายเหตุ"),
    ]
    rows: list[list[Cell]] = [
        ["บ้านต๋อม", 60, 12.5, date(2024, 3, 29), 3, "ส่งแล้ว"],
        ["", 0, -0.0, None, 1, None],  # blanks still carry their borders
        ["=1+1", True, 1e-300, datetime(2024, 3, 29, 8, 30), 2, "x" * 20_000],  # long text: xlsxwriter's path
        ["ตำบล & <อำเภอ>", 2**40, 1 / 3, "2567-03-29", None, " leading and trailing "],
        ["วันที่", 1, 2.0, None, 3, date(2024, 1, 2)],  # a date where text is expected: xlsxwriter's path
    ]
    totals = Table("totals", "สรุป", [Column("district", "อำเภอ"), Column("n", "จำนวน", kind="int")])
    totals.rows = [["เมืองพะเยา", 12], ["รวม", 12]]
    sheets = present(
        [Table("scores", "คะแนนรายตำบล", cols, rows), totals, Table("empty", "สรุป", cols, [], caption="ว่าง")],
        Options(synced_at=datetime(2024, 7, 1, 12)),
    )
    kept: dict[str, list[list[Any]]] = {
        "ของเจ้าหน้าที่": [["ชื่อ", "วันที่"], [Formula("=SUM(A1:A2)"), datetime(2024, 1, 2, 3, 4)], [None, 5]]
    }
    generated = [s.title for s in sheets]
    _both_ways(tmp_path, monkeypatch, lambda p: write_workbook(p, sheets, kept, generated))


def test_the_demo_summary_is_written_as_xlsxwriter_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(write_settings(tmp_path))
    write_demo(settings)
    drawn: list[tuple[list[Sheet], dict[str, list[list[Any]]], list[str]]] = []
    real = xlsx_out.write_workbook

    def keep(path: Path, sheets: list[Sheet], kept: dict[str, list[list[Any]]], generated: list[str]) -> None:
        drawn.append((sheets, kept, generated))
        real(path, sheets, kept, generated)

    monkeypatch.setattr(xlsx_out, "write_workbook", keep)
    with State(settings.state_db) as st:
        sync(
            settings,
            LocalBackend(settings.data_dir),
            st,
            now=datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok")),
        )
    monkeypatch.setattr(xlsx_out, "write_workbook", real)
    shown = [s for sheets, _, _ in drawn for s in sheets]
    assert any(s.charts for s in shown) and any(b.fills and b.total_rows for s in shown for b in s.blocks)
    for sheets, kept, generated in drawn:
        _both_ways(tmp_path, monkeypatch, lambda p, s=sheets, k=kept, g=generated: real(p, s, k, g))
