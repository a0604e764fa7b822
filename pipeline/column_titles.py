"""A column title read as a paper form writes it: its number ("(๑)", "ข้อ ๓", "๗.๑") and its words.

`pipeline.columns` compares these with a form's titles to find each field's column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import thai

_NUMBERED = (
    re.compile(r"^(?:ข้อ(?:ที่)?|ตัวชี้วัด(?:ที่)?)\s*(\d{1,2})(?!\d)"),
    re.compile(r"^\(?(\d{1,2})\s*[.)]"),
)
# A paper form's numbering: "(๑)", "๑.", "๑)", "ข้อ ๑", "ข้อที่ ๑", "๗.๑", "7.1)".
_LEADING_NUMBER = re.compile(
    r"^\s*(?:ข้อ(?:ที่)?\s*|ตัวชี้วัด(?:ที่)?\s*)?\(?(\d{1,2}(?:\.\d{1,2})*)(?:\s*[.)]|\s+|(?=[^\d.])|$)"
)
_BRACKET = re.compile(r"^(.*?)\s*\[(.+)\]\s*$")


def indicator_number(header: str) -> int | None:
    """The indicator number a header starts with, if any ("๑.", "1)", "ข้อ 1", "ตัวชี้วัดที่ ๑")."""
    text = thai.to_arabic_digits(thai.clean_text(header))
    m = _BRACKET.search(text)
    for candidate in ((m[2].strip(),) if m else ()) + (text,):
        for pattern in _NUMBERED:
            hit = pattern.match(candidate)
            if hit:
                return int(hit[1])
    return None


def split_number(title: str) -> tuple[str, str]:
    """(number, the rest) of a title that starts with a paper form's numbering; ("", title) without.

    >>> split_number("(๑) จัดทำฐานข้อมูล"), split_number("ข้อ ๓ แผน"), split_number("๗.๑ จำนวน")
    (('1', 'จัดทำฐานข้อมูล'), ('3', 'แผน'), ('7.1', 'จำนวน'))
    >>> split_number("2566 ปีงบ")
    ('', '2566 ปีงบ')
    """
    text = thai.to_arabic_digits(thai.clean_text(title))
    m = _LEADING_NUMBER.match(text)
    if not m:
        return "", text
    return m[1], text[m.end() :].strip()


def strip_number(header: str) -> str:
    text = thai.to_arabic_digits(thai.clean_text(header))
    m = _BRACKET.search(text)
    if m:
        text = m[2]
    for pattern in _NUMBERED:
        text = pattern.sub("", text, count=1)
    return text


@dataclass(frozen=True)
class Title:
    """A header or a schema title, reduced for comparing."""

    number: str
    key: str  # title_key of the text after the number

    @classmethod
    def of(cls, text: str) -> Title:
        number, rest = split_number(text)
        return cls(number, thai.title_key(rest))


def title_forms(header: str) -> list[Title]:
    """A header as a whole, and for a grid "Question [row]" also its row part."""
    forms = [Title.of(header)]
    m = _BRACKET.match(thai.clean_text(header))
    if m:
        forms.append(Title.of(m[2]))
    return forms
