"""The names of local administrative organisations (LAOs) as people type them: prefixes, slips."""

from __future__ import annotations

import re

from pipeline import thai

# Longest first: "เทศบาลตำบล" before "เทศบาล".
_LAO_PREFIXES = (
    ("องค์การบริหารส่วนตำบล", "อบต."),
    ("องค์กรบริหารส่วนตำบล", "อบต."),
    ("องค์การบริหารส่วนต.", "อบต."),
    ("เทศบาลตำบล", "เทศบาล"),
    ("เทศบาลต.", "เทศบาล"),
    ("เทศบาลเมือง", "เทศบาล"),
    ("เทศบาลนคร", "เทศบาล"),
    ("เทศบาล", "เทศบาล"),
    ("อบต.", "อบต."),
    ("อ.บ.ต.", "อบต."),
    ("อบต", "อบต."),
    ("ทต.", "เทศบาล"),
    ("ท.ต.", "เทศบาล"),
    ("ทม.", "เทศบาล"),
    ("ทน.", "เทศบาล"),
)
_NOT_IN_KEY = re.compile(r"[\s.'’()-]")


def lao_name_key(name: str) -> tuple[str, str]:
    """(kind, key) of an LAO's name: the kind its prefix says ("เทศบาล", "อบต." or ""),
    and the name without prefix, spaces or dots, for comparing.

    >>> lao_name_key("เทศบาลตำบลช่อแฮ") == ("เทศบาล", "ช่อแฮ") == lao_name_key("ทต. ช่อแฮ")
    True
    """
    kind, text = _lao_parts(name)
    return kind, _NOT_IN_KEY.sub("", text).lower()


def _lao_parts(name: str) -> tuple[str, str]:
    """(kind, the name after its prefix)."""
    text = thai.clean_text(name)
    for prefix, k in _LAO_PREFIXES:
        if text.startswith(prefix):
            return k, text[len(prefix) :].strip()
    return "", text


def lao_slips(name: str) -> tuple[str, tuple[str, ...]]:
    """The typed name with its Thai typing slips corrected, and what they were (Thai)."""
    fixed, slips = thai.fix_typing(name)
    if thai.has_inner_space(_lao_parts(fixed)[1]):
        slips = (*slips, "มีช่องว่างกลางชื่อ")
    return fixed, slips
