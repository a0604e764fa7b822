"""Normalisation of Thai form input: text, digits, numbers, dates, phone numbers, place names.

Every parser is pure and total: it returns ``None`` (or an empty string) for input it
cannot read, and never guesses. Deciding whether a missing value is an error is the
validator's job. Thai digits (๐-๙) and Arabic digits are interchangeable on input.

One module a kind of input: text (cleaning, digits, comparison keys), numbers, dates,
phones, places (prefixes and typing slips), wordcut (word breaks). They are all importable
from here; none imports pythainlp until a function needs it.
"""

from pipeline.thai.dates import be_year, format_thai_date, parse_date, parse_datetime
from pipeline.thai.numbers import parse_count, parse_number, parse_percent
from pipeline.thai.phones import format_phone, parse_phone
from pipeline.thai.places import fix_place_slips, fix_typing, has_inner_space, strip_unit_prefix
from pipeline.thai.text import (
    clean_text,
    is_blank,
    label_key,
    similarity,
    title_key,
    to_arabic_digits,
    to_thai_digits,
)
from pipeline.thai.wordcut import words

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
    "words",
]
