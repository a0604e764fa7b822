"""Answers as people type them: yes or no, baht, banned purchases, the BPM delay."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.answers import banned_words, bpm_delay, parse_baht, parse_yes_no
from pipeline.models import Cell
from pipeline.schema import load_schema

A3 = load_schema("activity3")

YES_NO_CASES: list[tuple[Cell, bool | None]] = [
    ("ส่งแล้ว", True),
    ("ส่งมอบแล้ว", True),
    ("มี", True),
    ("ใช่", True),
    ("✓", True),
    ("/", True),
    ("Yes", True),
    (True, True),
    (1, True),
    ("ดำเนินการแล้ว", True),
    ("ครอบคลุม", True),
    ("มีคณะทำงาน", True),
    ("ยังไม่ส่ง", False),
    ("ไม่มี", False),
    ("ไม่ใช่", False),
    ("ยัง", False),
    ("✗", False),
    ("no", False),
    (False, False),
    (0, False),
    ("ยังไม่มีคณะทำงาน จะจัดตั้งให้เสร็จภายในวันที่ 30 มิ.ย. 2555", False),
    ("ยังดำเนินการไม่ครบทุกหมู่บ้าน/ชุมชน", False),
    ("ไม่ครอบคลุม", False),
    (None, None),
    ("", None),
    ("x", None),
    ("อาจจะ", None),
    (2, None),
]


@pytest.mark.parametrize(("value", "expected"), YES_NO_CASES)
def test_parse_yes_no(value: Cell, expected: bool | None) -> None:
    assert parse_yes_no(value) is expected


BAHT_CASES: list[tuple[Cell, float | None]] = [
    (10000, 10000.0),
    ("10,000", 10000.0),
    ("10,000 บาท", 10000.0),
    ("๑๐,๐๐๐ บาท", 10000.0),
    ("9,850.- บาท", 9850.0),
    ("5,000 บาทถ้วน", 5000.0),
    ("9850.50", 9850.5),
    ("หนึ่งหมื่น", None),
    ("5,000-8,000", None),
]


@pytest.mark.parametrize(("value", "expected"), BAHT_CASES)
def test_parse_baht(value: Cell, expected: float | None) -> None:
    assert parse_baht(value) == expected


PATTERNS = [str(p) for p in (A3.extra or {})["rules"]["banned_purchases"]]


PURCHASE_CASES = [
    ("อบรมการทำบัญชีครัวเรือน", []),
    ("จัดซื้อเมล็ดพันธุ์ผักแจกจ่ายครัวเรือน", ["จัดซื้อ", "แจกจ่าย"]),
    ("ซื้อเครื่องตัดหญ้าให้กลุ่ม", ["ซื้อ", "เครื่องตัดหญ้า"]),
    ("ครุภัณฑ์สำนักงาน", ["ครุภัณฑ์"]),
    ("มอบถุงยังชีพผู้สูงอายุ", ["ถุงยังชีพ"]),
    ("ตลาดนัดซื้อขายสินค้าชุมชน", []),  # a market, not a purchase
    ("แจกแจงรายละเอียดแผนพัฒนาตำบล", []),  # to explain, not to hand out
]


@pytest.mark.parametrize(("text", "words"), PURCHASE_CASES)
def test_banned_purchase_words(text: str, words: list[str]) -> None:
    assert banned_words(text, PATTERNS) == words


@pytest.mark.parametrize(
    ("held", "recorded", "days"),
    [(date(2024, 1, 15), date(2024, 1, 15), 0), (date(2024, 1, 15), date(2024, 1, 22), 7),
     (date(2024, 1, 15), date(2024, 1, 25), 10), (date(2024, 1, 15), date(2024, 1, 13), -2)],
)  # fmt: skip
def test_bpm_delay(held: date, recorded: date, days: int) -> None:
    assert bpm_delay(held, recorded) == days
