"""Thai text made comparable: cleaning, digits, blank answers, and the keys that compare
labels and column titles whatever their spacing, digits and punctuation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

# ---------------------------------------------------------------------------
# Text

INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SPACES = re.compile(r"\s+")  # str patterns: \s covers NBSP, U+2000-U+200A, U+3000 ...
# Sara am typed as nikhahit + sara aa, possibly with the tone mark in between ("นํ้า").
SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def clean_text(s: str) -> str:
    """NFC, no invisible characters, single spaces, no leading or trailing space.

    >>> clean_text("\\u200bบ้าน\\xa0 ใหม่ ")
    'บ้าน ใหม่'
    """
    s = unicodedata.normalize("NFC", s).translate(INVISIBLE)
    if "\u0e4d" in s:  # the regex costs more than the test, and almost no text has a nikhahit
        s = SARA_AM.sub("\\1\u0e33", s)
    # str.split() splits on what SPACES matches, at a third of the cost: called for every name
    # of the country when its index is built.
    return " ".join(s.split())


_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def to_arabic_digits(s: str) -> str:
    """'๒๕๖๖' -> '2566'; other characters unchanged."""
    return s.translate(_TO_ARABIC) if s else ""


def to_thai_digits(s: str) -> str:
    """'2566' -> '๒๕๖๖'; other characters unchanged."""
    return s.translate(_TO_THAI) if s else ""


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


def plain(value: str) -> str:
    """Cleaned text with Arabic digits and an ASCII minus."""
    return to_arabic_digits(clean_text(value)).replace("\u2212", "-")


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
    s = SPACES.sub("", to_arabic_digits(clean_text(s)))
    s = _DASHES.sub("-", s)
    for noise in ("%", "％", "ร้อยละ", "ฯ"):
        s = s.replace(noise, "")
    return s.lower()


# คอช. and คอบช. are misspellings of ศอช. found in the circulars; a Thai vowel or tone mark
# after the letters means an ordinary word (ขาดคอช้าง), which is left alone.
_CON_VARIANT = re.compile("ค(?:อบ|อ)ช(?![\u0e30-\u0e3a\u0e45\u0e47-\u0e4e])")


def _is_word_char(ch: str) -> bool:
    return ch != "ฯ" and unicodedata.category(ch)[0] in "LMN"


# Every province's form has the same few hundred titles: a run of many provinces keys them once.
@lru_cache(maxsize=8192)
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


@lru_cache(maxsize=8192)
def similarity(a: str, b: str) -> float:
    """Similarity of two titles in [0, 1] once both are reduced by ``title_key``.

    An empty title resembles nothing (0.0), so a blank header never matches a field.
    """
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return 0.0
    return SequenceMatcher(None, ka, kb).ratio()
