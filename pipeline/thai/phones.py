"""Thai phone numbers: read from what respondents type, written the usual way."""

from __future__ import annotations

import re

from pipeline.thai.text import plain

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
        text = _PHONE_LABEL.sub("", plain(value))
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
