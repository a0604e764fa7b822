"""Answers as people type them on a form or a shared sheet: yes or no, an amount of money, uploaded files."""

from __future__ import annotations

import re
from datetime import date

from pipeline import thai
from pipeline.models import Cell

_YES = frozenset({"ใช่", "มี", "yes", "y", "true", "✓", "✔", "☑", "/", "1"})
_NO = frozenset({"no", "n", "false", "✗", "✘", "☐", "0"})
_YES_START = ("มี", "ส่ง", "ครบ", "ครอบคลุม", "ใช่")
_BAHT_WORDS = re.compile(r"บาท|ถ้วน")
_BAHT_DASH = re.compile(r"\.?-$")  # "9,850.-": no satang
_LINK_SEPARATORS = re.compile(r"\s*[,\n]\s*|\s+(?=https?://)")


def parse_yes_no(value: Cell) -> bool | None:
    """A yes/no answer: ส่งแล้ว/มี/ใช่/✓/TRUE -> True; ยังไม่ส่ง/ไม่มี/ไม่ใช่/✗/FALSE -> False; else None.

    Any "ไม่" (not) or a leading "ยัง" (not yet) reads as no, so the longer
    answers of the circulars' forms ("ยังไม่มีคณะทำงาน จะจัดตั้ง…",
    "ยังดำเนินการไม่ครบทุกหมู่บ้าน") read right; a yes starts with มี/ส่ง/ครบ/
    ครอบคลุม/ใช่ or ends with แล้ว ("ดำเนินการแล้ว").
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(int(value)) if float(value).is_integer() else None
    if not isinstance(value, str) or thai.is_blank(value):
        return None
    text = thai.clean_text(value).lower().replace(" ", "")
    if text in _NO or "ไม่" in text or text.startswith("ยัง"):
        return False
    if text in _YES or text.startswith(_YES_START) or text.endswith("แล้ว"):
        return True
    return None


def parse_baht(value: Cell) -> float | None:
    """An amount of money: 10000, "10,000 บาท", "๑๐,๐๐๐.- บาท", "5,000 บาทถ้วน"."""
    if not isinstance(value, str):
        return thai.parse_number(value)
    text = _BAHT_WORDS.sub("", thai.clean_text(value)).strip()
    return thai.parse_number(_BAHT_DASH.sub("", text).strip())


def split_links(value: Cell) -> list[str]:
    """The links of a file-upload cell: Google Forms joins several with ", "."""
    if thai.is_blank(value):
        return []
    return [part for part in _LINK_SEPARATORS.split(thai.clean_text(str(value))) if part]


def banned_words(text: str, patterns: list[str]) -> list[str]:
    """The words of `text` that mention a purchase the circular bans, in order, each once."""
    found: list[str] = []
    for pattern in patterns:
        for m in re.finditer(pattern, thai.clean_text(text)):
            if m[0] not in found:
                found.append(m[0])
    return found


def bpm_delay(held: date, recorded: date) -> int:
    """Days from the end of the activity to its BPM record (negative: recorded before it was held)."""
    return (recorded - held).days
