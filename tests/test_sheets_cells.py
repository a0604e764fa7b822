"""Tables as Sheets API cells, and values read back as grids: case tables."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pytest

from pipeline.backends.sheets_cells import (
    CELL_LIMIT,
    a1_tab,
    cell_data,
    cut,
    serial,
    tab_rows,
    values_grid,
    width_requests,
)
from pipeline.models import Cell, Column, Grid, Table

SERIAL_CASES = [
    (date(1899, 12, 30), 0.0),
    (date(1900, 3, 1), 61.0),
    (date(2024, 1, 15), 45306.0),
    (datetime(2024, 1, 15, 12, 0), 45306.5),
    (datetime(2024, 1, 15, 6, 0, 0), 45306.25),
]


@pytest.mark.parametrize(("value", "expected_serial"), SERIAL_CASES)
def test_serial(value: date, expected_serial: float) -> None:
    assert serial(value) == expected_serial


TEXT = Column("t", "ข้อความ")
FLOAT = Column("f", "ร้อยละ", kind="float")
LEVEL = Column("l", "ระดับ", kind="level")
SEVERITY = Column("severity", "ความรุนแรง")

CELL_CASES: list[tuple[Cell, Column, dict[str, Any]]] = [
    (None, TEXT, {}),
    ("", TEXT, {}),
    ("=1+1", TEXT, {"userEnteredValue": {"stringValue": "=1+1"}}),  # text, never a formula
    ("+66", TEXT, {"userEnteredValue": {"stringValue": "+66"}}),
    (True, TEXT, {"userEnteredValue": {"boolValue": True}}),
    (3, TEXT, {"userEnteredValue": {"numberValue": 3}}),
    (math.nan, FLOAT, {}),
    (
        72.5,
        FLOAT,
        {
            "userEnteredValue": {"numberValue": 72.5},
            "userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": "0.00"}},
        },
    ),
    (
        date(2024, 1, 15),
        TEXT,
        {
            "userEnteredValue": {"numberValue": 45306.0},
            "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}},
        },
    ),
    (
        datetime(2024, 1, 15, 12, 0),
        TEXT,
        {
            "userEnteredValue": {"numberValue": 45306.5},
            "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}},
        },
    ),
    (
        3,
        LEVEL,
        {
            "userEnteredValue": {"numberValue": 3},
            "userEnteredFormat": {
                "backgroundColor": {"red": 0xC6 / 255, "green": 0xEF / 255, "blue": 0xCE / 255}
            },
        },
    ),
    (4, LEVEL, {"userEnteredValue": {"numberValue": 4}}),  # no colour for a level the rubric has not
    (
        "คำเตือน",
        SEVERITY,
        {
            "userEnteredValue": {"stringValue": "คำเตือน"},
            "userEnteredFormat": {"backgroundColor": {"red": 1.0, "green": 0xE6 / 255, "blue": 0x99 / 255}},
        },
    ),
]


@pytest.mark.parametrize(("value", "column", "expected"), CELL_CASES)
def test_cell_data(value: Cell, column: Column, expected: dict[str, Any]) -> None:
    assert cell_data(value, column) == expected


CUT_CASES = [
    ("สั้น", 10, "สั้น"),
    ("ก" * 10, 10, "ก" * 10),
    ("ก" * 200, 60, None),  # cut to exactly the limit, ending with the marker
]


@pytest.mark.parametrize(("text", "limit", "expected"), CUT_CASES)
def test_cut(text: str, limit: int, expected: str | None) -> None:
    result = cut(text, limit)
    if expected is not None:
        assert result == expected
    else:
        assert len(result) == limit and result.startswith("ก") and result.endswith("ต้นทาง]")
        assert "60" in result


def test_cut_defaults_to_what_google_accepts() -> None:
    assert len(cut("ข" * (CELL_LIMIT + 1))) == CELL_LIMIT


A1_CASES = [("ชีต1", "'ชีต1'"), ("It's", "'It''s'"), ("a b!c", "'a b!c'")]


@pytest.mark.parametrize(("title", "a1"), A1_CASES)
def test_a1_tab(title: str, a1: str) -> None:
    assert a1_tab(title) == a1


# widths in characters -> (start, end, pixels) of each updateDimensionProperties
WIDTH_CASES: list[tuple[list[float], list[tuple[int, int, int]]]] = [
    ([], []),
    ([14], [(0, 1, 101)]),
    ([14, 14, 20], [(0, 2, 101), (2, 3, 144)]),
    ([14.2, 13.8, 3], [(0, 2, 102), (2, 3, 30)]),  # equal once rounded; never under 30 px
]


@pytest.mark.parametrize(("widths", "expected"), WIDTH_CASES)
def test_width_requests(widths: list[float], expected: list[tuple[int, int, int]]) -> None:
    requests = [r["updateDimensionProperties"] for r in width_requests(5, widths)]
    assert [
        (r["range"]["startIndex"], r["range"]["endIndex"], r["properties"]["pixelSize"]) for r in requests
    ] == expected
    assert all(r["range"]["sheetId"] == 5 for r in requests)


def test_a_lone_header_gets_a_spare_row_under_it() -> None:
    rows = tab_rows(Table("t", "ท", [TEXT, FLOAT], []))
    assert len(rows) == 2 and rows[1] == {"values": [{}, {}]}
    assert rows[0]["values"][0]["userEnteredValue"] == {"stringValue": "ข้อความ"}


# a values:batchGet range -> the grid read
VALUES_CASES: list[tuple[Any, Grid]] = [
    (None, []),
    ([], []),
    ([[]], []),  # an empty sheet
    ([["a", "", 3]], [["a", None, 3]]),
    ([["a", "", ""], [""], []], [["a"]]),  # trailing empties, cells and rows
    ([["a"], [], ["b"]], [["a"], [], ["b"]]),  # an empty row inside stays
    ([[0, False, 45306.5]], [[0, False, 45306.5]]),  # zero and false are values
    (["not a row"], []),
]


@pytest.mark.parametrize(("values", "expected"), VALUES_CASES)
def test_values_grid(values: Any, expected: Grid) -> None:
    assert values_grid(values) == expected
