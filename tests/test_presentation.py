"""The backend-neutral look of a table: pure, checked on small tables."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.models import ChartHint, Column, Table
from pipeline.presentation import LEVEL_COLOURS, Options, be_date, be_datetime, present
from pipeline.sheet_measure import MAX_WIDTH, visible_length
from pipeline.sheet_totals import PROVINCE_TOTAL


@pytest.mark.parametrize(
    ("value", "thai_digits", "shown"),
    [
        (date(2023, 11, 24), False, "24 พ.ย. 2566"),
        (date(2024, 6, 21), True, "๒๑ มิ.ย. ๒๕๖๗"),
        (datetime(2024, 7, 1, 9, 5), False, "1 ก.ค. 2567 09:05"),
        (datetime(2024, 7, 1, 9, 5), True, "๑ ก.ค. ๒๕๖๗ ๐๙:๐๕"),
    ],
)
def test_buddhist_era_dates(value: date, thai_digits: bool, shown: str) -> None:
    show = be_datetime if isinstance(value, datetime) else be_date
    assert show(value, thai_digits=thai_digits) == shown  # type: ignore[arg-type]


def test_thai_marks_take_no_width() -> None:
    assert visible_length("ที่นี่") == 2 and visible_length("น้ำ") == 2 and visible_length("abc") == 3


def test_district_totals_sum_counts_weight_the_mean_and_colour_levels() -> None:
    cols = [
        Column("round", "ครั้งที่", 8, "int"),
        Column("due", "กำหนดส่ง", 12, "date"),
        Column("district", "อำเภอ", 16),
        Column("on_time", "ตรงเวลา", 9, "int"),
        Column("late", "ล่าช้า", 9, "int"),
        Column("level3", "เข้มแข็ง", 9, "int"),
        Column("mean_total", "คะแนนเฉลี่ย", 10, "float"),
    ]
    rows: list[list[object]] = [
        [1, date(2023, 11, 24), "เมืองพะเยา", 3, 1, 2, 50.0],
        [1, date(2023, 11, 24), "จุน", 1, 0, 1, 30.0],
        [2, date(2024, 6, 21), "เมืองพะเยา", 2, 0, 0, 40.0],
    ]
    (sheet,) = present([Table("districts", "สรุปรายอำเภอ", cols, rows)])  # type: ignore[arg-type]
    block = sheet.blocks[0]
    assert [r[2] for r in block.rows] == ["เมืองพะเยา", "จุน", PROVINCE_TOTAL, "เมืองพะเยา", PROVINCE_TOTAL]
    assert block.rows[2] == [1, "24 พ.ย. 2566", PROVINCE_TOTAL, 4, 1, 3, 46.0]  # (50×4 + 30×1) / 5
    assert block.total_rows == {2, 4}
    assert block.fills[(0, 5)] == LEVEL_COLOURS[3] and (2, 5) not in block.fills


def test_widths_follow_the_content_and_long_text_wraps() -> None:
    long = "ข้อความยาวมาก " * 20
    cols = [Column("code", "รหัส", 10), Column("message", "รายละเอียด", 56, "user")]
    (sheet,) = present([Table("t", "แท็บ", cols, [["5601", long], ["5602", "สั้น"]])])
    code, message = sheet.blocks[0].columns
    assert code.width == 6 and not code.wrap  # "5601" and the header "รหัส": 4 + 2
    assert message.width == 56 and message.wrap
    assert sheet.blocks[0].heights[0] and sheet.blocks[0].heights[0] >= 45  # three lines and more
    assert sheet.blocks[0].heights[1] is None
    assert MAX_WIDTH >= 56


def test_tables_sharing_a_title_stack_on_one_sheet_with_their_charts() -> None:
    cols = [Column("district", "อำเภอ"), Column("level3", "เข้มแข็ง", kind="int")]
    chart = ChartHint("ระดับ", "district", (("level3", LEVEL_COLOURS[3]),))
    first = Table("overview_sync", "ภาพรวม", [Column("x", "x")], [["a"]], caption="ซิงก์")
    second = Table("overview_levels_1", "ภาพรวม", cols, [["จุน", 2], ["ปง", 1]], caption="ระดับ", chart=chart)
    (sheet,) = present([first, second], Options(synced_at=datetime(2024, 7, 1, 12)))
    assert not sheet.single and sheet.frozen_rows == 0
    assert [b.top for b in sheet.blocks] == [0, 4]
    (drawn,) = sheet.charts
    assert drawn.rows == (0, 1) and drawn.top == sheet.blocks[1].bottom + 1  # the total row is left out
    assert sheet.blocks[1].rows[-1] == [PROVINCE_TOTAL, 3]
    assert sheet.header_right == "ข้อมูล ณ 1 ก.ค. 2567 12:00"
    grid = sheet.grid()
    assert grid[0] == ["ซิงก์"] and grid[4] == ["ระดับ"] and grid[5] == ["อำเภอ", "เข้มแข็ง"]
