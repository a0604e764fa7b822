"""Dates and times from cells: Sheets serials, ISO, d/m/y and Thai dates; Thai dates written back.

- Slash dates are always day/month/year: the provinces' sheets use the Thai locale, so
  "11/24/2023" is refused rather than read as 24 November.
- Years: a 4-digit year above 2400 is Buddhist Era (BE = CE + 543); a 2-digit year is BE
  when it is 40 or more ("66" is BE 2566 = 2023) and CE 20xx below 40 ("24" is 2024).
  "พ.ศ." or "ค.ศ." written before the year overrides the rule.

pythainlp (month and weekday names, thai_strftime) is imported when a date written in Thai
is first read or written, not when the module is: a command that meets none starts without it.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from functools import cache
from typing import NamedTuple

from pipeline.thai.text import plain

_SHEETS_EPOCH = datetime(1899, 12, 30)
_MS_PER_DAY = 86_400_000
_BE_OFFSET = 543


_TIME = r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
_ISO = re.compile(rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?:[T ]{_TIME})?")
_SLASH = re.compile(
    rf"(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}})(?:,?\s*{_TIME})?"
)


class _ThaiNames(NamedTuple):
    months: dict[str, int]  # every accepted spelling of a month, dots removed -> month number
    weekdays: dict[str, int]  # weekday name without "วัน" -> Monday 0 … Sunday 6
    pattern: re.Pattern[str]  # a date written with a Thai month name, an optional weekday and time


@cache
def _thai_names() -> _ThaiNames:
    from pythainlp.util.date import thai_abbr_months, thai_full_months, thai_full_weekdays

    months: dict[str, int] = {}
    for number, (full, abbr) in enumerate(zip(thai_full_months, thai_abbr_months, strict=True), 1):
        months[full] = number
        months[abbr.replace(".", "")] = number
        # People also drop the ending: มกรา, กุมภา, พฤศจิกา ...
        for ending in ("าคม", "ายน", "าพันธ์"):
            if full.endswith(ending):
                months[full[: -len(ending) + 1]] = number
    weekdays = {name.removeprefix("วัน"): index for index, name in enumerate(thai_full_weekdays)}
    weekdays["พฤหัส"] = 3
    pattern = re.compile(
        r"(?:(?:วัน)?(?P<wd>" + "|".join(sorted(weekdays, key=len, reverse=True)) + r")\s*(?:ที่)?"
        r"|วันที่)?\s*"
        r"(?P<d>\d{1,2})\s*(?P<mon>[ก-๎.]+?)\s*(?:(?P<era>พ\.ศ\.|ค\.ศ\.)\s*)?(?P<y>\d{4}|\d{2})"
        rf"(?:,?\s*(?:เวลา)?\s*{_TIME}\s*(?:น\.)?)?"
    )
    return _ThaiNames(months, weekdays, pattern)


def _full_year(text: str, era: str | None = None) -> int:
    """The CE year for a written year; see the module docstring for the rule."""
    year = int(text)
    if len(text) == 2:
        if era == "ค.ศ." or (era is None and year < 40):
            return 2000 + year
        return 2500 + year - _BE_OFFSET
    if era == "พ.ศ." or (era is None and year > 2400):
        return year - _BE_OFFSET
    return year


def _build(year: int, month: int, day: int, match: re.Match[str]) -> datetime | None:
    """The datetime, or None when the calendar says it does not exist."""
    fraction = (match["f"] or "0").ljust(6, "0")
    try:
        return datetime(
            year,
            month,
            day,
            int(match["H"] or 0),
            int(match["M"] or 0),
            int(match["S"] or 0),
            int(fraction),
        )
    except ValueError:
        return None


def _from_serial(value: float) -> datetime | None:
    """A Google Sheets serial number: days since 1899-12-30, the fraction is the time of day.

    Fraction(float) is exact, and Sheets keeps milliseconds, so 10:15:00 never becomes
    10:14:59.999999. Serials below 1 are times without a date and are refused.
    """
    if not math.isfinite(value) or value < 1:
        return None
    milliseconds = round(Fraction(value) * _MS_PER_DAY)
    try:
        return _SHEETS_EPOCH + timedelta(milliseconds=milliseconds)
    except OverflowError:
        return None


def _from_text(text: str) -> datetime | None:
    if match := _ISO.fullmatch(text):
        return _build(_full_year(match["y"]), int(match["m"]), int(match["d"]), match)
    if match := _SLASH.fullmatch(text):
        return _build(_full_year(match["y"]), int(match["m"]), int(match["d"]), match)
    names = _thai_names()
    if match := names.pattern.fullmatch(text):
        month = names.months.get(match["mon"].replace(".", ""))
        if month is None:
            return None
        found = _build(_full_year(match["y"], match["era"]), month, int(match["d"]), match)
        if found is not None and match["wd"] and found.weekday() != names.weekdays[match["wd"]]:
            return None  # the weekday is a check on the date: a mismatch means a typo somewhere
        return found
    return None


def parse_datetime(value: object) -> datetime | None:
    """A naive datetime from a cell, or None when the value is not a real date.

    Accepts datetime and date objects, Sheets serial numbers, ISO text, d/m/y text with an
    optional time, and Thai dates with a month name or abbreviation and an optional weekday
    ("วันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖", "24 พ.ย. 66"). Impossible dates ("๗๐ ตุลาคม ๒๕๖๖",
    "31/02/2567") and a weekday that disagrees with the date give None. Text with a UTC
    offset is refused because the result is naive by contract; a datetime object is
    returned as it is.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float):
        return _from_serial(value)
    if isinstance(value, str):
        return _from_text(plain(value))
    return None


def parse_date(value: object) -> date | None:
    """The date part of ``parse_datetime``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    found = parse_datetime(value)
    return found.date() if found is not None else None


def be_year(d: date) -> int:
    """Buddhist Era year: 2023 -> 2566."""
    return d.year + _BE_OFFSET


def format_thai_date(d: date, *, weekday: bool = True, thai_digits: bool = True, short: bool = False) -> str:
    """The date as the circulars write it.

    "วันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖"; weekday=False: "๒๔ พฤศจิกายน ๒๕๖๖"; short=True:
    "๒๔ พ.ย. ๒๕๖๖" (a short date never carries the weekday: it is for table cells).
    thai_digits=False writes Arabic digits. ``parse_date`` reads every form back.
    """
    fmt = "%-d %B %Y"
    if short:
        fmt = "%-d %b %Y"
    elif weekday:
        fmt = "%Aที่ " + fmt
    from pythainlp.util.strftime import thai_strftime

    moment = datetime.combine(d, time())
    return str(thai_strftime(moment, fmt, thaidigit=thai_digits))
