"""Numbers as respondents write them: plain, percentages, and counts with their unit words."""

from __future__ import annotations

import math
import re

from pipeline.thai.text import SPACES, plain

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_NUMBER_CHARS = r"[+-]?[\d.,]+"  # loose on purpose: parse_number decides afterwards


def parse_number(value: object) -> float | None:
    """A number written alone: 12, "๑๒", "1,234", "-0.5". None for anything else.

    bool is not a number here, even though Python says it is an int.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = plain(value)
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", ""))


_PERCENT = re.compile(rf"(?:ร้อยละ)?\s*(?P<num>{_NUMBER_CHARS})\s*(?:%|％|เปอร์เซ็นต์|เปอร์เซนต์)?")


def parse_percent(value: object) -> float | None:
    """75, "75%", "๗๕ %", "ร้อยละ ๗๕.๕" -> the number. A range ("40-70%") -> None.

    Whether the number is between 0 and 100 is the caller's business.
    """
    if not isinstance(value, str):
        return parse_number(value)
    match = _PERCENT.fullmatch(plain(value))
    return parse_number(match["num"]) if match else None


_UNITS = "ครั้ง|แห่ง|องค์กร|โครงการ|เป้าหมาย|ปี|คน|กองทุน|กลุ่ม|เครือข่าย|ตำบล|หมู่บ้าน|รายการ|ราย|กิจกรรม|เรื่อง|แผน|ฉบับ|คำสั่ง"
_COUNT = re.compile(
    rf"(?:ปีละ|จำนวน)?\s*(?P<num>{_NUMBER_CHARS})\s*(?:{_UNITS})?"
    rf"(?:\s*(?:/|ต่อ)\s*(?:{_UNITS}))?"
)
# "None at all" answers. "ไม่มีข้อมูล" (no data) is deliberately not here: unknown is not zero.
_NONE_ANSWER = re.compile(
    r"ไม่(?:มี(?:การ(?:จัด|ดำเนินการ|ประชุม))?|ได้(?:จัด|ดำเนินการ|ประชุม)|เคย(?:จัด|ประชุม)?)(?:เลย)?"
)


def parse_count(value: object) -> float | None:
    """How many of something: "3", "ปีละ ๓ ครั้ง", "2 แห่ง / ปี", "4 องค์กร" -> the number;
    "ไม่มี", "ไม่มีเลย", "ไม่ได้จัด" -> 0.0.

    The text around the number may only be unit words (ครั้ง, แห่ง, องค์กร, โครงการ, เป้าหมาย,
    ปี, คน, กองทุน ...), "ปีละ" (per year) before it and "/ปี" or "ต่อปี" after it. A range
    ("2-3"), two numbers, or any other words -> None, so the answer is reported, not guessed.
    """
    if not isinstance(value, str):
        return parse_number(value)
    text = plain(value)
    if _NONE_ANSWER.fullmatch(SPACES.sub("", text)):
        return 0.0
    match = _COUNT.fullmatch(text)
    return parse_number(match["num"]) if match else None
