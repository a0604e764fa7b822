"""Normalisation of Thai form input: text, digits, numbers, dates, phone numbers, place names.

Every parser is pure and total: it returns ``None`` (or an empty string) for input it
cannot read, and never guesses. Deciding whether a missing value is an error is the
validator's job.

Conventions used throughout:

- Thai digits (๐-๙) and Arabic digits are interchangeable on input.
- Slash dates are always day/month/year: the provinces' sheets use the Thai locale, so
  "11/24/2023" is refused rather than read as 24 November.
- Years: a 4-digit year above 2400 is Buddhist Era (BE = CE + 543); a 2-digit year is BE
  when it is 40 or more ("66" is BE 2566 = 2023) and CE 20xx below 40 ("24" is 2024).
  "พ.ศ." or "ค.ศ." written before the year overrides the rule.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher
from fractions import Fraction
from functools import cache

from pythainlp.util.date import (
    thai_abbr_months,
    thai_full_months,
    thai_full_weekdays,
)
from pythainlp.util.digitconv import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit
from pythainlp.util.normalize import normalize as _pythainlp_normalize
from pythainlp.util.strftime import thai_strftime

__all__ = [
    "be_year",
    "clean_text",
    "fix_place_slips",
    "fix_typing",
    "format_phone",
    "format_thai_date",
    "has_inner_space",
    "is_blank",
    "label_key",
    "parse_count",
    "parse_date",
    "parse_datetime",
    "parse_number",
    "parse_percent",
    "parse_phone",
    "similarity",
    "strip_unit_prefix",
    "title_key",
    "to_arabic_digits",
    "to_thai_digits",
]

# ---------------------------------------------------------------------------
# Text

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")  # str patterns: \s covers NBSP, U+2000-U+200A, U+3000 ...
# Sara am typed as nikhahit + sara aa, possibly with the tone mark in between ("นํ้า").
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def clean_text(s: str) -> str:
    """NFC, no invisible characters, single spaces, no leading or trailing space.

    >>> clean_text("\\u200bบ้าน\\xa0 ใหม่ ")
    'บ้าน ใหม่'
    """
    s = unicodedata.normalize("NFC", s).translate(_INVISIBLE)
    s = _SARA_AM.sub("\\1\u0e33", s)
    return _SPACES.sub(" ", s).strip()


def to_arabic_digits(s: str) -> str:
    """'๒๕๖๖' -> '2566'; other characters unchanged."""
    return str(thai_digit_to_arabic_digit(s)) if s else ""


def to_thai_digits(s: str) -> str:
    """'2566' -> '๒๕๖๖'; other characters unchanged."""
    return str(arabic_digit_to_thai_digit(s)) if s else ""


# A lone dash is how respondents say "nothing to report" in a required text box.
_BLANK_ANSWERS = frozenset({"", "-", "–", "—", "−"})


def is_blank(value: object) -> bool:
    """True for None, NaN (an empty cell read through pandas), and text that is empty,
    invisible or a lone dash ("-", "–", "—")."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return clean_text(value) in _BLANK_ANSWERS
    return False


# ---------------------------------------------------------------------------
# Numbers

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_NUMBER_CHARS = r"[+-]?[\d.,]+"  # loose on purpose: parse_number decides afterwards


def _plain(value: str) -> str:
    """Cleaned text with Arabic digits and an ASCII minus."""
    return to_arabic_digits(clean_text(value)).replace("\u2212", "-")


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
    text = _plain(value)
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
    match = _PERCENT.fullmatch(_plain(value))
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
    text = _plain(value)
    if _NONE_ANSWER.fullmatch(_SPACES.sub("", text)):
        return 0.0
    match = _COUNT.fullmatch(text)
    return parse_number(match["num"]) if match else None


# ---------------------------------------------------------------------------
# Keys for comparing labels and column titles

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212~-]")


def label_key(s: str) -> str:
    """Key for comparing an answer with a band label copied from a circular.

    >>> label_key("๔๐ - ๗๐ %") == label_key("40-70%") == "40-70"
    True
    >>> label_key("ปีละ ๒ - ๓ ครั้ง") == label_key("ปีละ 2-3 ครั้ง")
    True
    """
    s = _SPACES.sub("", to_arabic_digits(clean_text(s)))
    s = _DASHES.sub("-", s)
    for noise in ("%", "％", "ร้อยละ", "ฯ"):
        s = s.replace(noise, "")
    return s.lower()


# คอช. and คอบช. are misspellings of ศอช. found in the circulars; a Thai vowel or tone mark
# after the letters means an ordinary word (ขาดคอช้าง), which is left alone.
_CON_VARIANT = re.compile("ค(?:อบ|อ)ช(?![\u0e30-\u0e3a\u0e45\u0e47-\u0e4e])")


def _is_word_char(ch: str) -> bool:
    return ch != "ฯ" and unicodedata.category(ch)[0] in "LMN"


def title_key(s: str) -> str:
    """Key for matching a form's column title whatever its spacing, digits and punctuation.

    Every spelling of the centre's acronym becomes "ศอช" (with its level letter after it):

    >>> title_key("ชื่อ คอช.ต.") == title_key("ชื่อ ศอชต") == "ชื่อศอชต"
    True
    >>> title_key("๑. จำนวน (คน)")
    '1จำนวนคน'
    >>> title_key("คอบช.ต.") == title_key("ศอช.ต") == "ศอชต"
    True
    """
    s = to_arabic_digits(clean_text(s)).lower()
    s = "".join(ch for ch in s if _is_word_char(ch))
    return _CON_VARIANT.sub("ศอช", s)


def similarity(a: str, b: str) -> float:
    """Similarity of two titles in [0, 1] once both are reduced by ``title_key``.

    An empty title resembles nothing (0.0), so a blank header never matches a field.
    """
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return 0.0
    return SequenceMatcher(None, ka, kb).ratio()


# ---------------------------------------------------------------------------
# Dates

_SHEETS_EPOCH = datetime(1899, 12, 30)
_MS_PER_DAY = 86_400_000
_BE_OFFSET = 543


def _month_names() -> dict[str, int]:
    """Every accepted spelling of a month, dots removed, -> month number."""
    names: dict[str, int] = {}
    for number, (full, abbr) in enumerate(zip(thai_full_months, thai_abbr_months, strict=True), 1):
        names[full] = number
        names[abbr.replace(".", "")] = number
        # People also drop the ending: มกรา, กุมภา, พฤศจิกา ...
        for ending in ("าคม", "ายน", "าพันธ์"):
            if full.endswith(ending):
                names[full[: -len(ending) + 1]] = number
    return names


_MONTHS = _month_names()
_WEEKDAYS = {name.removeprefix("วัน"): index for index, name in enumerate(thai_full_weekdays)}
_WEEKDAYS["พฤหัส"] = 3

_TIME = r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
_ISO = re.compile(rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?:[T ]{_TIME})?")
_SLASH = re.compile(
    rf"(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}})(?:,?\s*{_TIME})?"
)
_THAI = re.compile(
    r"(?:(?:วัน)?(?P<wd>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\s*(?:ที่)?"
    r"|วันที่)?\s*"
    r"(?P<d>\d{1,2})\s*(?P<mon>[ก-๎.]+?)\s*(?:(?P<era>พ\.ศ\.|ค\.ศ\.)\s*)?(?P<y>\d{4}|\d{2})"
    rf"(?:,?\s*(?:เวลา)?\s*{_TIME}\s*(?:น\.)?)?"
)


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
    if match := _THAI.fullmatch(text):
        month = _MONTHS.get(match["mon"].replace(".", ""))
        if month is None:
            return None
        found = _build(_full_year(match["y"], match["era"]), month, int(match["d"]), match)
        if found is not None and match["wd"] and found.weekday() != _WEEKDAYS[match["wd"]]:
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
        return _from_text(_plain(value))
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
    moment = datetime.combine(d, time())
    return str(thai_strftime(moment, fmt, thaidigit=thai_digits))


# ---------------------------------------------------------------------------
# Phone numbers

_PHONE_LABEL = re.compile(r"^(?:โทรศัพท์|โทร|มือถือ|tel|mobile)\.?\s*:?\s*", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"\+?[\d\s().-]+")


def parse_phone(value: object) -> str | None:
    """A Thai phone number as its digits ("0812345678", "054445544"), or None.

    Mobile numbers have 10 digits and start 06, 08 or 09; landlines have 9 and start 02-07.
    "+66" / "66" replaces the leading 0. A number typed into a numeric cell has lost its
    leading 0 (812345678), so integers get it back.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = "0" + str(value) if value > 0 else ""
    elif isinstance(value, str):
        text = _PHONE_LABEL.sub("", _plain(value))
        if not _PHONE_CHARS.fullmatch(text):
            return None
    else:
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and not digits.startswith("66"):
        return None
    if digits.startswith("66") and len(digits) in (10, 11, 12):
        digits = "0" + digits[2:].removeprefix("0")  # "+66 (0)81..." has a stray 0 too
    if len(digits) == 10 and digits[:2] in ("06", "08", "09"):
        return digits
    if len(digits) == 9 and digits[:2] in ("02", "03", "04", "05", "06", "07"):
        return digits
    return None


def format_phone(digits: str) -> str:
    """ "081-234-5678", "054-445-544", Bangkok "02-123-4567". Raises ValueError for text
    that ``parse_phone`` does not accept."""
    number = parse_phone(digits)
    if number is None:
        raise ValueError(f"not a Thai phone number: {digits!r}")
    if len(number) == 10:
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    if number.startswith("02"):
        return f"{number[:2]}-{number[2:5]}-{number[5:]}"
    return f"{number[:3]}-{number[3:6]}-{number[6:]}"


# ---------------------------------------------------------------------------
# Place names

_LEVEL_WORD = re.compile(r"(?:กิ่งอำเภอ|อำเภอ|จังหวัด|ตำบล|แขวง|เขต)\s*")
# A one-letter abbreviation needs its dot or a space after it: without them, "ต" is the first
# letter of names such as ตาลชุม and ต้า.
_LEVEL_LETTER = re.compile(r"[ตอจ](?:\.\s*|\s+)")
_INITIALS = re.compile(r"(?:[ก-ฮ]\.)+")


def strip_unit_prefix(name: str) -> str:
    """The name without a leading ต./ตำบล/อ./อำเภอ/จ./จังหวัด/กิ่งอำเภอ/แขวง/เขต.

    >>> strip_unit_prefix("ต. เวียง"), strip_unit_prefix("อำเภอเชียงคำ")
    ('เวียง', 'เชียงคำ')
    >>> strip_unit_prefix("ตาลชุม"), strip_unit_prefix("จ.ป.ร.")
    ('ตาลชุม', 'จ.ป.ร.')

    A name made only of initials is kept whole: "จ.ป.ร." is a tambon in Ranong.
    """
    text = clean_text(name)
    if _INITIALS.fullmatch(text):
        return text
    if match := _LEVEL_WORD.match(text) or _LEVEL_LETTER.match(text):
        return text[match.end() :]
    return text


# ---------------------------------------------------------------------------
# Typing slips: text that reads the same to a person but not to a computer

_SLIP_CHECKS = (
    (re.compile("\u0e40\u0e40"), 'พิมพ์ "เ" สองตัวแทน "แ"'),
    (_SARA_AM, 'พิมพ์ "ํ" กับ "า" แทน "ำ"'),
)
_THAI_MARK = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_MAYBE_SLIP = re.compile(f"\u0e40\u0e40|\u0e4d|[{_THAI_MARK}]{{2,}}|\\s[{_THAI_MARK}]")


def fix_typing(s: str) -> tuple[str, tuple[str, ...]]:
    """The text with Thai typing slips corrected (pythainlp's normaliser: "เเ" for "แ",
    "ํา" for "ำ", a doubled or misplaced tone mark or vowel), and what was corrected, in Thai.

    >>> fix_typing("เเม่ใจ")
    ('แม่ใจ', ('พิมพ์ "เ" สองตัวแทน "แ"',))
    >>> fix_typing("แม่ใจ")
    ('แม่ใจ', ())
    """
    text = unicodedata.normalize("NFC", s).translate(_INVISIBLE)
    if not _MAYBE_SLIP.search(text):
        return s, ()
    fixed = str(_pythainlp_normalize(text))
    if fixed == text:
        return s, ()
    notes = [note for pattern, note in _SLIP_CHECKS if pattern.search(text)]
    rest = text
    for pattern, repl in ((_SLIP_CHECKS[0][0], "\u0e41"), (_SARA_AM, "\\1\u0e33")):
        rest = pattern.sub(repl, rest)
    if str(_pythainlp_normalize(rest)) != rest:
        notes.append("พิมพ์วรรณยุกต์หรือสระซ้ำ/สลับลำดับ")
    return fixed, tuple(notes)


# The centre's name before a place ("ศอช.ต.บ้านต๋อม", "คอช.ต. บ้านต๋อม") and, before a
# tambon, its local authority's ("อบต.บ้านต๋อม", "ทต. แม่กา", "เทศบาลตำบลแม่กา").
_CENTRE_PREFIX = re.compile(
    r"^(?:ศูนย์ประสานงานองค์(?:การ|กร)ชุมชน(?:ระดับ)?(?:ตำบล|อำเภอ)?|[ศค]อ(?:บ)?ช\.?\s*[ตอ]\.?)\s*"
)
_LAO_PREFIX = re.compile(
    r"^(?:เทศบาล(?:ตำบล|ต\.|เมือง)|องค์(?:การ|กร)บริหารส่วน(?:ตำบล|ต\.)|อ\.?บ\.?ต\.\s*|อบต\s+|ท\.?ต\.\s*|ทต\s+)\s*"
)
_INNER_SPACE = re.compile("(?<=[\u0e01-\u0e4e]) +(?=[\u0e01-\u0e4e])")


def has_inner_space(name: str) -> bool:
    """True when a space splits Thai letters: "บ้าน ต๋อม" for "บ้านต๋อม"."""
    return _INNER_SPACE.search(name) is not None


def fix_place_slips(s: str, *, tambon: bool) -> tuple[str, tuple[str, ...]]:
    """A typed district or tambon name with its slips corrected, and what was corrected (Thai).

    Beyond ``fix_typing``: a space inside the name ("บ้าน ต๋อม"), the centre's prefix
    ("ศอช.ต.", "คอช.ต.") and, for a tambon, a local authority's (อบต., ทต., เทศบาลตำบล).

    >>> fix_place_slips("ศอช.ต.บ้าน ต๋อม", tambon=True)[0]
    'บ้านต๋อม'
    """
    fixed, found = fix_typing(s)
    notes = list(found)
    text = clean_text(fixed)
    for pattern, note in ((_CENTRE_PREFIX, "ศูนย์ ศอช."), (_LAO_PREFIX, " อปท.")):
        if pattern is _LAO_PREFIX and not tambon:
            continue
        if (m := pattern.match(text)) and text[m.end() :].strip():
            notes.append(f'มีคำนำหน้า "{m[0].strip()}" ซึ่งเป็นชื่อ{note} ไม่ใช่ชื่อ{"ตำบล" if tambon else "อำเภอ"}')
            text = text[m.end() :]
    name = strip_unit_prefix(text)
    if has_inner_space(name):
        notes.append("มีช่องว่างกลางชื่อ")
        text = text[: len(text) - len(name)] + _INNER_SPACE.sub("", name)
    return (text if notes else s), tuple(notes)


# ---------------------------------------------------------------------------
# Words


class _Words:
    """pythainlp's word list behind the one lookup its newmm tokenizer makes (words of `text` that
    start at `start`). Builds in 0.05 s where pythainlp's trie of the same words takes a second."""

    def __init__(self, words: frozenset[str]) -> None:
        self._words = words
        self._lengths = sorted({len(w) for w in words})

    def __len__(self) -> int:
        return len(self._words)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        room = len(text) - start
        return [
            text[start : start + n]
            for n in self._lengths
            if n <= room and text[start : start + n] in self._words
        ]


@cache
def _dictionary() -> _Words:
    from pythainlp.corpus import thai_words

    return _Words(frozenset(w.strip() for w in thai_words()))


def words(text: str) -> list[str]:
    """Thai text cut into words (pythainlp's newmm, its own dictionary), whitespace kept as tokens."""
    from pythainlp.tokenize.newmm import segment

    return list(segment(text, custom_dict=_dictionary()))  # type: ignore[arg-type]
