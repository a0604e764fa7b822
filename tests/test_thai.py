from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from pipeline import thai

# ---------------------------------------------------------------------------
# clean_text

CLEAN_TEXT = [
    ("  บ้าน   ใหม่  ", "บ้าน ใหม่"),
    ("\u200bเวียง\u200c\u200d", "เวียง"),
    ("\ufeffศอช.", "ศอช."),
    ("\u2060ปง", "ปง"),
    ("สอ\u00adง", "สอง"),
    ("บ้าน\u00a0ใหม่", "บ้าน ใหม่"),
    ("ก\u2003\u2009ข", "ก ข"),
    ("ก\u3000ข\u202fค", "ก ข ค"),
    ("ก\n\t ข\r\n", "ก ข"),
    ("ท\u0e4d\u0e32งาน", "ทำงาน"),  # sara am typed as nikhahit + sara aa
    ("น\u0e4d\u0e49\u0e32แวน", "น้ำแวน"),  # ... with the tone mark in between
    ("e\u0301", "\u00e9"),  # NFC
    ("", ""),
    ("\u200b \u00a0", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN_TEXT)
def test_clean_text(raw: str, expected: str) -> None:
    assert thai.clean_text(raw) == expected


def test_clean_text_collapses_every_unicode_space_to_one() -> None:
    # Every character Python calls a space (the set the regex \s matched before), alone and in runs.
    spaces = [chr(i) for i in range(0x110000) if chr(i).isspace()]
    assert len(spaces) > 20
    for space in spaces:
        assert thai.clean_text(f"{space}ก{space}{space}ข{space}") == "ก ข", hex(ord(space))


DIGITS = [
    ("๒๕๖๖", "2566", "๒๕๖๖"),
    ("ปี ๒๕๖๗ ข้อ 3", "ปี 2567 ข้อ 3", "ปี ๒๕๖๗ ข้อ ๓"),
    ("ร้อยละ 75.5", "ร้อยละ 75.5", "ร้อยละ ๗๕.๕"),
    ("", "", ""),
]


@pytest.mark.parametrize(("raw", "arabic", "thai_digits"), DIGITS)
def test_digits(raw: str, arabic: str, thai_digits: str) -> None:
    assert thai.to_arabic_digits(raw) == arabic
    assert thai.to_thai_digits(raw) == thai_digits
    assert thai.to_thai_digits(thai.to_arabic_digits(raw)) == thai_digits


BLANK = [None, "", "   ", "\u200b", "\u00a0", "-", "–", "—", " - ", float("nan")]
NOT_BLANK = ["0", 0, 0.0, False, "ไม่มี", "--", "x", "๐", date(2023, 11, 24)]


@pytest.mark.parametrize("value", BLANK)
def test_is_blank(value: object) -> None:
    assert thai.is_blank(value)


@pytest.mark.parametrize("value", NOT_BLANK)
def test_is_not_blank(value: object) -> None:
    assert not thai.is_blank(value)


# ---------------------------------------------------------------------------
# Numbers

NUMBERS: list[tuple[object, float | None]] = [
    (3, 3.0),
    (2.5, 2.5),
    ("1,234", 1234.0),
    ("๑,๒๓๔.๕", 1234.5),
    ("1,234,567", 1234567.0),
    ("  42 ", 42.0),
    ("-3", -3.0),
    ("\u22122", -2.0),
    ("+7", 7.0),
    ("0", 0.0),
    ("๐", 0.0),
    (".5", 0.5),
    ("12.50", 12.5),
    # rejections
    (True, None),
    (False, None),
    (None, None),
    (float("nan"), None),
    (float("inf"), None),
    ("", None),
    ("1,23", None),
    ("12a", None),
    ("1.2.3", None),
    ("สาม", None),
    ("3 ครั้ง", None),
    (date(2023, 11, 24), None),
]


@pytest.mark.parametrize(("raw", "expected"), NUMBERS)
def test_parse_number(raw: object, expected: float | None) -> None:
    assert thai.parse_number(raw) == expected


PERCENTS: list[tuple[object, float | None]] = [
    ("75", 75.0),
    ("75%", 75.0),
    ("๗๕ %", 75.0),
    ("ร้อยละ 75", 75.0),
    ("ร้อยละ ๗๕.๕", 75.5),
    ("75.0", 75.0),
    (" 75 % ", 75.0),
    ("75 ％", 75.0),
    ("75 เปอร์เซ็นต์", 75.0),
    ("-5", -5.0),
    ("120%", 120.0),  # the range check is the caller's
    (75, 75.0),
    (75.5, 75.5),
    # rejections
    ("40-70%", None),
    ("๔๐ - ๗๐ %", None),
    ("ร้อยละ", None),
    ("ดีมาก", None),
    ("75%%", None),
    ("", None),
    (None, None),
    (True, None),
]


@pytest.mark.parametrize(("raw", "expected"), PERCENTS)
def test_parse_percent(raw: object, expected: float | None) -> None:
    assert thai.parse_percent(raw) == expected


COUNTS: list[tuple[object, float | None]] = [
    ("3", 3.0),
    ("๓ ครั้ง", 3.0),
    ("ปีละ 3 ครั้ง", 3.0),
    ("ปีละ ๓ ครั้ง", 3.0),
    ("2 แห่ง/ปี", 2.0),
    ("2 แห่ง / ปี", 2.0),
    ("4 องค์กร", 4.0),
    ("3 โครงการ/ปี", 3.0),
    ("1 เป้าหมาย", 1.0),
    ("3 ครั้งต่อปี", 3.0),
    ("20 คน", 20.0),
    ("1,200 คน", 1200.0),
    ("2 กองทุน", 2.0),
    ("ไม่มี", 0.0),
    ("ไม่มีเลย", 0.0),
    ("ไม่ได้จัด", 0.0),
    ("ไม่ มี", 0.0),
    ("0", 0.0),
    ("๐ ครั้ง", 0.0),
    ("-1", -1.0),
    (3, 3.0),
    # rejections
    ("2-3", None),
    ("๒ - ๓ ครั้ง", None),
    ("3 ครั้ง 2 แห่ง", None),
    ("ประมาณ 3 ครั้ง", None),
    ("ไม่มีข้อมูล", None),  # unknown is not zero
    ("ครั้ง", None),
    ("ปีละ", None),
    ("", None),
    (None, None),
    (True, None),
]


@pytest.mark.parametrize(("raw", "expected"), COUNTS)
def test_parse_count(raw: object, expected: float | None) -> None:
    assert thai.parse_count(raw) == expected


# ---------------------------------------------------------------------------
# Keys

LABEL_KEYS = [
    ("๔๐ - ๗๐ %", "40-70"),
    ("40-70%", "40-70"),
    ("40–70 %", "40-70"),
    ("40—70", "40-70"),
    ("40 − 70", "40-70"),
    ("40~70", "40-70"),
    ("ร้อยละ ๗๐", "70"),
    ("น้อยกว่า ๔๐%", "น้อยกว่า40"),
    ("ปีละ ๒ - ๓ ครั้ง", "ปีละ2-3ครั้ง"),
    ("ปีละ 2-3 ครั้ง", "ปีละ2-3ครั้ง"),
    ("๓ ครั้ง / ปี ขึ้น ไป", "3ครั้ง/ปีขึ้นไป"),
    ("ไม่มีการจัดทำทะเบียน ฯ", "ไม่มีการจัดทำทะเบียน"),
    ("\u200bไม่มี\u00a0", "ไม่มี"),
    ("ABC", "abc"),
]


@pytest.mark.parametrize(("raw", "expected"), LABEL_KEYS)
def test_label_key(raw: str, expected: str) -> None:
    assert thai.label_key(raw) == expected


TITLE_KEYS = [
    ("ศอช.", "ศอช"),
    ("คอช.", "ศอช"),
    ("คอบช.", "ศอช"),
    ("ศอช.ต", "ศอชต"),
    ("ศอช.ต.", "ศอชต"),
    ("ศอชต.", "ศอชต"),
    ("คอช.ต", "ศอชต"),
    ("คอบช.ต.", "ศอชต"),
    ("ศอช.อ.", "ศอชอ"),
    ("ชื่อประธาน คอช.ต. (ตำบล)", "ชื่อประธานศอชตตำบล"),
    ("๑. จำนวน (คน)", "1จำนวนคน"),
    ("ตัวชี้วัดที่ ๑: การประชุม", "ตัวชี้วัดที่1การประชุม"),
    ("ทะเบียน ฯ", "ทะเบียน"),
    ("อำเภอ/ตำบล", "อำเภอตำบล"),
    ("District Name", "districtname"),
    ("ขาดคอช้าง", "ขาดคอช้าง"),  # an ordinary word, not the acronym
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), TITLE_KEYS)
def test_title_key(raw: str, expected: str) -> None:
    assert thai.title_key(raw) == expected


SIMILAR = [
    ("ชื่อ ศอช.ต.", "ชื่อคอช.ต", 1.0, 1.0),
    ("๑. การประชุมคณะกรรมการ", "1 การประชุม คณะกรรมการ", 1.0, 1.0),
    ("การประชุมคณะกรรมการ ศอช.", "การประชุมคณะกรรมการ", 0.8, 0.99),
    ("ชื่อผู้รายงาน", "จำนวนกองทุนในชุมชน", 0.0, 0.4),
    ("", "", 0.0, 0.0),
    ("ชื่อ", " - ", 0.0, 0.0),
]


@pytest.mark.parametrize(("a", "b", "low", "high"), SIMILAR)
def test_similarity(a: str, b: str, low: float, high: float) -> None:
    assert low <= thai.similarity(a, b) <= high
    assert thai.similarity(a, b) == pytest.approx(thai.similarity(b, a), abs=0.2)


# ---------------------------------------------------------------------------
# Dates

DATETIMES: list[tuple[object, datetime | None]] = [
    # objects
    (datetime(2023, 11, 24, 10, 15), datetime(2023, 11, 24, 10, 15)),
    (date(2023, 11, 24), datetime(2023, 11, 24)),
    # Google Sheets serial numbers
    (45254, datetime(2023, 11, 24)),
    (45254.5, datetime(2023, 11, 24, 12)),
    (45254 + (10 * 3600 + 15 * 60) / 86400, datetime(2023, 11, 24, 10, 15)),
    (45254 + (10 * 3600 + 15 * 60 + 1) / 86400, datetime(2023, 11, 24, 10, 15, 1)),
    (45254 + (23 * 3600 + 59 * 60 + 59) / 86400, datetime(2023, 11, 24, 23, 59, 59)),
    (1, datetime(1899, 12, 31)),
    # ISO
    ("2023-11-24", datetime(2023, 11, 24)),
    ("2023-11-24 10:15:00", datetime(2023, 11, 24, 10, 15)),
    ("2023-11-24T10:15:00", datetime(2023, 11, 24, 10, 15)),
    ("2023-11-24T10:15:00.250", datetime(2023, 11, 24, 10, 15, 0, 250000)),
    ("2566-11-24", datetime(2023, 11, 24)),
    ("๒๕๖๖-๑๑-๒๔", datetime(2023, 11, 24)),
    # d/m/y
    ("24/11/2566 10:15:00", datetime(2023, 11, 24, 10, 15)),
    ("24/11/2023, 10:15:00", datetime(2023, 11, 24, 10, 15)),
    ("24/11/66", datetime(2023, 11, 24)),
    ("24/11/24", datetime(2024, 11, 24)),  # below 40: CE 2024
    ("1/10/2566", datetime(2023, 10, 1)),
    ("01/10/2566 8:05", datetime(2023, 10, 1, 8, 5)),
    ("24-11-2566", datetime(2023, 11, 24)),
    ("24.11.2566", datetime(2023, 11, 24)),
    ("๒๔/๑๑/๒๕๖๖", datetime(2023, 11, 24)),
    # Thai month names
    ("วันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖", datetime(2023, 11, 24)),
    ("24 พ.ย. 66", datetime(2023, 11, 24)),
    ("๒๔ พ.ย. ๒๕๖๖", datetime(2023, 11, 24)),
    ("24 พฤศจิกายน 2566", datetime(2023, 11, 24)),
    ("๒๑ มิ.ย. ๖๗", datetime(2024, 6, 21)),
    ("1 ต.ค. 2566", datetime(2023, 10, 1)),
    ("วันพฤหัสบดีที่ ๓๐ พฤศจิกายน ๒๕๖๖", datetime(2023, 11, 30)),
    ("วันพุธที่ ๒๕ ธันวาคม ๒๕๖๗", datetime(2024, 12, 25)),
    ("วันที่ ๓๑ มีนาคม ๒๕๖๘", datetime(2025, 3, 31)),
    ("ศุกร์ 24 พ.ย. 66", datetime(2023, 11, 24)),
    ("24 พฤศจิกายน พ.ศ. 2566", datetime(2023, 11, 24)),
    ("24 พย 66", datetime(2023, 11, 24)),
    ("25 ธันวา 67", datetime(2024, 12, 25)),
    ("24 พ.ย. 2023", datetime(2023, 11, 24)),
    ("24 พ.ย. ค.ศ. 23", datetime(2023, 11, 24)),
    ("๒๔ พฤศจิกายน ๒๕๖๖ เวลา ๑๐.๑๕ น.", datetime(2023, 11, 24, 10, 15)),
    ("29 ก.พ. 2567", datetime(2024, 2, 29)),
    ("\u200b 24\u00a0พ.ย.\u00a066 ", datetime(2023, 11, 24)),
    # impossible dates and other rejections
    ("๗๐ ตุลาคม ๒๕๖๖", None),
    ("31/02/2567", None),
    ("24/13/2566", None),
    ("11/24/2023 10:15:00", None),  # always d/m/y
    ("24/11/2566 25:00", None),
    ("31 เมษายน 2567", None),
    ("29 ก.พ. 2566", None),
    ("24 ฟูบาร์ 2566", None),
    ("วันพฤหัสบดีที่ ๒๔ พฤศจิกายน ๒๕๖๖", None),  # the 24th was a Friday
    ("วันจันทร์ที่ ๒๑ มิถุนายน ๒๕๖๗", None),
    ("2023-11-24T10:15:00Z", None),
    ("2023-11-24T10:15:00+07:00", None),
    ("2023-13-01", None),
    ("พรุ่งนี้", None),
    ("", None),
    ("-", None),
    (None, None),
    (True, None),
    (0.5, None),  # a time of day without a date
    (-1, None),
    (float("nan"), None),
    (1e12, None),
]


@pytest.mark.parametrize(("raw", "expected"), DATETIMES)
def test_parse_datetime(raw: object, expected: datetime | None) -> None:
    assert thai.parse_datetime(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), DATETIMES)
def test_parse_date(raw: object, expected: datetime | None) -> None:
    assert thai.parse_date(raw) == (expected.date() if expected else None)


def test_parse_date_keeps_a_date() -> None:
    d = date(2023, 11, 24)
    assert thai.parse_date(d) is d


def test_serial_numbers_do_not_drift() -> None:
    start = datetime(2023, 11, 24)
    for second in range(0, 86_400, 7):
        serial = 45254 + second / 86_400
        assert thai.parse_datetime(serial) == start + timedelta(seconds=second)


BE_YEARS = [(date(2023, 11, 24), 2566), (date(2024, 1, 1), 2567), (date(1999, 12, 31), 2542)]


@pytest.mark.parametrize(("d", "expected"), BE_YEARS)
def test_be_year(d: date, expected: int) -> None:
    assert thai.be_year(d) == expected


FORMATS: list[tuple[date, dict[str, bool], str]] = [
    (date(2023, 11, 24), {}, "วันศุกร์ที่ ๒๔ พฤศจิกายน ๒๕๖๖"),
    (date(2023, 11, 24), {"weekday": False}, "๒๔ พฤศจิกายน ๒๕๖๖"),
    (date(2023, 11, 24), {"short": True}, "๒๔ พ.ย. ๒๕๖๖"),
    (date(2023, 11, 24), {"thai_digits": False}, "วันศุกร์ที่ 24 พฤศจิกายน 2566"),
    (date(2023, 11, 24), {"short": True, "thai_digits": False}, "24 พ.ย. 2566"),
    (date(2023, 11, 30), {}, "วันพฤหัสบดีที่ ๓๐ พฤศจิกายน ๒๕๖๖"),
    (date(2024, 6, 21), {"short": True}, "๒๑ มิ.ย. ๒๕๖๗"),
    (date(2024, 12, 25), {}, "วันพุธที่ ๒๕ ธันวาคม ๒๕๖๗"),
    (date(2023, 10, 1), {"weekday": False, "thai_digits": False}, "1 ตุลาคม 2566"),
]


@pytest.mark.parametrize(("d", "options", "expected"), FORMATS)
def test_format_thai_date(d: date, options: dict[str, bool], expected: str) -> None:
    assert thai.format_thai_date(d, **options) == expected


ROUND_TRIP_DATES = [date(2024, month, day) for month in range(1, 13) for day in (1, 15, 28)] + [
    date(2023, 11, 24),
    date(2024, 2, 29),
    date(2025, 12, 31),
    date(1999, 1, 1),
]
ROUND_TRIP_OPTIONS = [
    {"weekday": weekday, "thai_digits": digits, "short": short}
    for weekday in (True, False)
    for digits in (True, False)
    for short in (True, False)
]


@pytest.mark.parametrize("options", ROUND_TRIP_OPTIONS)
def test_dates_round_trip(options: dict[str, bool]) -> None:
    for d in ROUND_TRIP_DATES:
        assert thai.parse_date(thai.format_thai_date(d, **options)) == d


def test_written_weekday_is_checked_for_every_day() -> None:
    d = date(2024, 3, 1)
    for offset in range(7):
        day = d + timedelta(days=offset)
        text = thai.format_thai_date(day)
        assert thai.parse_date(text) == day
        other = thai.format_thai_date(day + timedelta(days=1))
        wrong = other.split("ที่")[0] + "ที่" + text.split("ที่", 1)[1]
        assert thai.parse_date(wrong) is None


# ---------------------------------------------------------------------------
# Phone numbers

PHONES: list[tuple[object, str | None]] = [
    ("081-234-5678", "0812345678"),
    ("0812345678", "0812345678"),
    ("๐๘๑ ๒๓๔ ๕๖๗๘", "0812345678"),
    ("081.234.5678", "0812345678"),
    ("+66 81 234 5678", "0812345678"),
    ("+66812345678", "0812345678"),
    ("66812345678", "0812345678"),
    ("+66 (0) 81-234-5678", "0812345678"),
    ("091-234-5678", "0912345678"),
    ("061 234 5678", "0612345678"),
    ("โทร. 081-234-5678", "0812345678"),
    ("Tel: 081-234-5678", "0812345678"),
    ("(054) 445544", "054445544"),
    ("054-445-544", "054445544"),
    ("๐๕๔-๔๔๕-๕๔๔", "054445544"),
    ("02-123-4567", "021234567"),
    ("+66 2 123 4567", "021234567"),
    ("038-123-456", "038123456"),
    (812345678, "0812345678"),  # a numeric cell dropped the leading 0
    (812345678.0, "0812345678"),
    (54445544, "054445544"),
    # rejections
    ("0712345678", None),  # 10 digits must be a mobile
    ("012345678", None),
    ("081-234-567", None),  # 9 digits must be a landline
    ("0812345678 ต่อ 12", None),
    ("08123456789", None),
    ("12345", None),
    ("+1 212 555 1234", None),
    ("abc", None),
    ("", None),
    (None, None),
    (True, None),
    (0, None),
    (8.5, None),
]


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_parse_phone(raw: object, expected: str | None) -> None:
    assert thai.parse_phone(raw) == expected


FORMATTED_PHONES = [
    ("0812345678", "081-234-5678"),
    ("054445544", "054-445-544"),
    ("021234567", "02-123-4567"),
    ("+66812345678", "081-234-5678"),
    ("๐๙๑๒๓๔๕๖๗๘", "091-234-5678"),
]


@pytest.mark.parametrize(("digits", "expected"), FORMATTED_PHONES)
def test_format_phone(digits: str, expected: str) -> None:
    assert thai.format_phone(digits) == expected
    assert thai.parse_phone(thai.format_phone(digits)) == thai.parse_phone(digits)


@pytest.mark.parametrize("digits", ["123", "", "0712345678"])
def test_format_phone_refuses_non_numbers(digits: str) -> None:
    with pytest.raises(ValueError, match="not a Thai phone number"):
        thai.format_phone(digits)


# ---------------------------------------------------------------------------
# Place-name prefixes

PREFIXES = [
    ("ต.เวียง", "เวียง"),
    ("ต. เวียง", "เวียง"),
    ("ต เวียง", "เวียง"),
    ("ตำบลเวียง", "เวียง"),
    ("ตำบล เวียง", "เวียง"),
    ("อ.เชียงคำ", "เชียงคำ"),
    ("อ. เชียงคำ", "เชียงคำ"),
    ("อำเภอเชียงคำ", "เชียงคำ"),
    ("อำเภอ  เชียงคำ", "เชียงคำ"),
    ("อ.เมือง", "เมือง"),
    ("จ.พะเยา", "พะเยา"),
    ("จังหวัดพะเยา", "พะเยา"),
    ("กิ่งอำเภอภูกามยาว", "ภูกามยาว"),
    ("แขวงวังบูรพาภิรมย์", "วังบูรพาภิรมย์"),
    ("เขตพระนคร", "พระนคร"),
    ("\u200bต.\u00a0เวียง ", "เวียง"),
    # real names that only look like a prefix
    ("ตาลชุม", "ตาลชุม"),
    ("ต้า", "ต้า"),
    ("ตำแย", "ตำแย"),
    ("อ่างทอง", "อ่างทอง"),
    ("อำนาจ", "อำนาจ"),
    ("จุน", "จุน"),
    ("จันจว้า", "จันจว้า"),
    ("จ.ป.ร.", "จ.ป.ร."),
    ("เวียง", "เวียง"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), PREFIXES)
def test_strip_unit_prefix(raw: str, expected: str) -> None:
    assert thai.strip_unit_prefix(raw) == expected


# ---------------------------------------------------------------------------
# Typing slips


@pytest.mark.parametrize(
    ("typed", "fixed", "note"),
    [
        ("เเม่ใจ", "แม่ใจ", 'พิมพ์ "เ" สองตัวแทน "แ"'),
        ("น\u0e4d\u0e49\u0e32แวน", "น้ำแวน", 'พิมพ์ "ํ" กับ "า" แทน "ำ"'),
        ("แม่\u0e48\u0e48ใจ", "แม่ใจ", "พิมพ์วรรณยุกต์หรือสระซ้ำ/สลับลำดับ"),
    ],
)
def test_fix_typing(typed: str, fixed: str, note: str) -> None:
    assert thai.fix_typing(typed) == (fixed, (note,))


@pytest.mark.parametrize("text", ["แม่ใจ", "บ้านต๋อม", "Chiang Kham", "น้ำแวน", ""])
def test_fix_typing_leaves_correct_text_alone(text: str) -> None:
    assert thai.fix_typing(text) == (text, ())


@pytest.mark.parametrize(
    ("typed", "tambon", "fixed", "notes"),
    [
        ("ศอช.ต.บ้านต๋อม", True, "บ้านต๋อม", 1),
        ("คอช.ต. บ้าน ต๋อม", True, "บ้านต๋อม", 2),
        ("อบต.บ้านต๋อม", True, "บ้านต๋อม", 1),
        ("อบต.บ้านต๋อม", False, "อบต.บ้านต๋อม", 0),  # a district is never named after an LAO
        ("ต. บ้านต๋อม", True, "ต. บ้านต๋อม", 0),  # the level word and its space are not a slip
        ("อำเภอ ภู ซาง", False, "อำเภอ ภูซาง", 1),
        ("ต.จ.ป.ร.", True, "ต.จ.ป.ร.", 0),
    ],
)
def test_fix_place_slips(typed: str, tambon: bool, fixed: str, notes: int) -> None:
    out, found = thai.fix_place_slips(typed, tambon=tambon)
    assert (out, len(found)) == (fixed, notes)


def test_words_are_pythainlps_newmm_words_without_building_its_trie() -> None:
    from pythainlp.tokenize import word_tokenize

    texts = [
        "ขาดงบประมาณในการจัดประชุมคณะกรรมการ และผู้นำชุมชนไม่ให้ความร่วมมือเท่าที่ควร",
        "ควรจัดอบรมพัฒนาศักยภาพผู้นำ ศอช.ต. อย่างต่อเนื่อง 3 ครั้ง/ปี (ต.เวียง)",
        "การประเมินผลความก้าวหน้าการดำเนินงานศูนย์ประสานงานองค์การชุมชนระดับตำบล",
        "",
    ]
    for text in texts:
        assert thai.words(text) == word_tokenize(text, keep_whitespace=True)


def test_reading_and_writing_what_needs_no_thai_names_leaves_pythainlp_unloaded() -> None:
    # Start-up time: pythainlp is imported by the functions that use it, not with the package.
    code = (
        "import sys; from pipeline import thai; "
        "thai.parse_date('2023-11-24'); thai.parse_date('24/11/2566'); thai.to_thai_digits('2566'); "
        "thai.clean_text('บ้าน'); thai.parse_number('๑๒'); thai.fix_typing('แม่ใจ'); "
        "assert 'pythainlp' not in sys.modules, 'loaded'; "
        "assert thai.parse_date('24 พ.ย. 66') is not None; assert 'pythainlp' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
