"""Report months and report numbers as people write them ("พ.ค. 67", "5/2567", a date cell) and as the calendar names them ("2567-05")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache

from pipeline import thai
from pipeline.models import Cell


@cache
def _month_names() -> dict[str, int]:
    # pythainlp is imported when a month is read, not by every command that imports the forms.
    from pythainlp.util.date import thai_abbr_months, thai_full_months

    names: dict[str, int] = {}
    for number, (full, abbr) in enumerate(zip(thai_full_months, thai_abbr_months, strict=True), 1):
        names[full] = number
        names[abbr.replace(".", "")] = number
    return names


_MONTH_TEXT = re.compile(
    r"^(?:รายงาน)?(?:ประจำ)?(?:เดือน)?\s*(?P<mon>[ก-ฮะ-์.]+?)\s*(?:พ\.?ศ\.?)?\s*(?P<y>\d{4}|\d{2})?$"
)
_MONTH_NUMERIC = re.compile(r"^(?P<m>\d{1,2})\s*[/-]\s*(?P<y>\d{4}|\d{2})$|^(?P<y2>\d{4})-(?P<m2>\d{1,2})$")


def be_year_of(text: str) -> int:
    """The BE year a written year means: 4 digits above 2400 are BE, 2 digits ≥ 40 are BE 25xx."""
    year = int(text)
    if len(text) == 2:
        return 2500 + year if year >= 40 else 2000 + year + 543
    return year if year > 2400 else year + 543


def parse_month(value: Cell, periods: Sequence[str]) -> str | None:
    """The report month "YYYY-MM" (BE) of a month answer, or None.

    "พฤษภาคม 2555", "พ.ค. 55", "เดือนพฤษภาคม ๒๕๖๗", "5/2567", "2567-05" and a date
    cell all work. A month written without its year is the calendar's only
    period in that month (`periods`); None if there is no such period.
    """
    if isinstance(value, datetime | date):
        return f"{value.year + 543}-{value.month:02d}"
    if thai.is_blank(value) or isinstance(value, bool):
        return None
    text = thai.to_arabic_digits(thai.clean_text(str(value)))
    month: int | None = None
    year: int | None = None
    if m := _MONTH_NUMERIC.match(text):
        month = int(m["m"] or m["m2"])
        year = be_year_of(m["y"] or m["y2"])
    elif m := _MONTH_TEXT.match(text):
        month = _month_names().get(m["mon"].replace(".", "").strip())
        year = be_year_of(m["y"]) if m["y"] else None
    if month is None or not 1 <= month <= 12:
        return None
    if year is not None:
        return f"{year}-{month:02d}"
    same = [p for p in periods if p.endswith(f"-{month:02d}")]
    return same[0] if len(same) == 1 else None


def month_label(period: str) -> str:
    """ "2567-05" -> "พฤษภาคม ๒๕๖๗"."""
    from pythainlp.util.date import thai_full_months

    year, month = period.split("-")
    return f"{thai_full_months[int(month) - 1]} {thai.to_thai_digits(year)}"


_REPORT_NO = re.compile(r"^(?:รายงาน)?\s*(?:ครั้งที่|ครั้ง|ฉบับที่|ที่)?\s*(\d{1,2})(?:\s*$|\s*[(/\s-])")


def parse_report_no(value: Cell) -> int | None:
    """The number of "รายงานครั้งที่ …": 2, "๒", "ครั้งที่ 2", "ครั้งที่ ๒ (มิถุนายน)" -> 2; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() and value >= 1 else None
    if not isinstance(value, str):
        return None
    m = _REPORT_NO.match(thai.to_arabic_digits(thai.clean_text(value)))
    return int(m[1]) if m and int(m[1]) >= 1 else None
