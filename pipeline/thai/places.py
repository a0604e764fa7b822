"""Place names as typed: level prefixes (ต., อำเภอ …), Thai typing slips, and the slips of
district and tambon names (a centre's or local authority's prefix, a space inside the name).
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.thai.text import INVISIBLE, SARA_AM, clean_text

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
    (SARA_AM, 'พิมพ์ "ํ" กับ "า" แทน "ำ"'),
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
    text = unicodedata.normalize("NFC", s).translate(INVISIBLE)
    if not _MAYBE_SLIP.search(text):
        return s, ()
    from pythainlp.util.normalize import normalize

    fixed = str(normalize(text))
    if fixed == text:
        return s, ()
    notes = [note for pattern, note in _SLIP_CHECKS if pattern.search(text)]
    rest = text
    for pattern, repl in ((_SLIP_CHECKS[0][0], "\u0e41"), (SARA_AM, "\\1\u0e33")):
        rest = pattern.sub(repl, rest)
    if str(normalize(rest)) != rest:
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
