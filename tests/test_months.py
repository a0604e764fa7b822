"""Report months and report numbers as people write them."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest

from pipeline.models import Cell
from pipeline.months import month_label, parse_month, parse_report_no

PERIODS = ["2555-05", "2555-06", "2555-07", "2555-08", "2555-09"]

MONTH_CASES: list[tuple[Cell, str | None]] = [
    ("พฤษภาคม 2555", "2555-05"),
    ("พฤษภาคม ๒๕๕๕", "2555-05"),
    ("เดือนมิถุนายน 2555", "2555-06"),
    ("ประจำเดือน ก.ค. 55", "2555-07"),
    ("ส.ค.2555", "2555-08"),
    ("กันยายน พ.ศ. 2555", "2555-09"),
    ("6/2555", "2555-06"),
    ("2555-07", "2555-07"),
    ("June 2012", None),
    (datetime(2012, 8, 1), "2555-08"),
    ("มิถุนายน", "2555-06"),  # no year: the calendar's only June
    ("มกราคม", None),  # no year and no January cut-off
    ("พฤษภาคม 2012", "2555-05"),  # a CE year
    ("13/2555", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("value", "period"), MONTH_CASES)
def test_parse_month(value: Cell, period: str | None) -> None:
    assert parse_month(value, PERIODS) == period


def test_month_label() -> None:
    assert month_label("2555-05") == "พฤษภาคม ๒๕๕๕"


@pytest.mark.parametrize(
    ("raw", "no"),
    [(2, 2), (2.0, 2), ("๒", 2), ("ครั้งที่ 2", 2), ("รายงานครั้งที่ ๓", 3), ("ครั้งที่ ๒ (มิถุนายน ๒๕๕๕)", 2),
     ("2/2555", 2), (0, None), ("ครั้งแรก", None), ("2555", None), (True, None), (None, None)],
)  # fmt: skip
def test_parse_report_no(raw: Cell, no: int | None) -> None:

    assert parse_report_no(raw) == no


def test_importing_the_sync_command_leaves_pythainlp_unloaded() -> None:
    # An unchanged sync reads no month; pythainlp is imported when one is read.
    code = (
        "import sys; import pipeline.commands.sync, pipeline.run, pipeline.months as m; "
        "assert 'pythainlp' not in sys.modules, 'loaded'; "
        "assert m.parse_month('ก.ค. 55', []) == '2555-07'; assert 'pythainlp' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
