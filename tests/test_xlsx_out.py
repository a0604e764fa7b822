"""The xlsxwriter output writer on a failing disk."""

from __future__ import annotations

import errno
import gc
from pathlib import Path

import pytest

from pipeline.backends.xlsx_out import write_workbook
from pipeline.models import Column, Table
from pipeline.presentation import present

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
