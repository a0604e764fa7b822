"""Finding a form's columns in a response sheet's header row.

Province forms title their questions differently: "๑. ร้อยละของ…", "ข้อ 1",
"ตัวชี้วัดที่ ๑", a Google-Forms grid "หมวด 1 [1. …]", or just the indicator's
title in their own spelling of ศอช./คอช. Indicator columns are found by number
first, then by similarity to the indicator's title; identity columns (อำเภอ,
ตำบล, ครั้งที่, ประทับเวลา …) by their usual titles. An explicit map from the
settings overrides detection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pipeline import thai
from pipeline.errors import SourceError
from pipeline.models import Cell
from pipeline.schema import FormSchema

SIMILARITY_MIN = 0.6
_NUMBERED = (
    re.compile(r"^(?:ข้อ(?:ที่)?|ตัวชี้วัด(?:ที่)?)\s*(\d{1,2})(?!\d)"),
    re.compile(r"^\(?(\d{1,2})\s*[.)]"),
)
_BRACKET = re.compile(r"\[(.+)\]\s*$")


@dataclass(frozen=True)
class ColumnMap:
    index: dict[str, int]  # field or indicator key -> column position
    headers: tuple[str, ...]

    def header(self, key: str) -> str:
        return self.headers[self.index[key]] if key in self.index else ""

    def get(self, row: Sequence[Cell], key: str) -> Cell:
        i = self.index.get(key)
        return row[i] if i is not None and i < len(row) else None


def indicator_number(header: str) -> int | None:
    """The indicator number a header starts with, if any ("๑.", "1)", "ข้อ 1", "ตัวชี้วัดที่ ๑")."""
    text = thai.to_arabic_digits(thai.clean_text(header))
    m = _BRACKET.search(text)
    for candidate in ((m[1].strip(),) if m else ()) + (text,):
        for pattern in _NUMBERED:
            hit = pattern.match(candidate)
            if hit:
                return int(hit[1])
    return None


def _strip_number(header: str) -> str:
    text = thai.to_arabic_digits(thai.clean_text(header))
    m = _BRACKET.search(text)
    if m:
        text = m[1]
    for pattern in _NUMBERED:
        text = pattern.sub("", text, count=1)
    return text


def detect(
    header_row: Sequence[Cell],
    schema: FormSchema,
    explicit: Mapping[str, str] | None = None,
    *,
    where: str = "",
) -> ColumnMap:
    headers = tuple("" if h is None else str(h) for h in header_row)
    keys = [thai.title_key(h) for h in headers]
    index: dict[str, int] = {}
    used: set[int] = set()
    targets = [f.key for f in schema.fields] + [i.key for i in schema.indicators]

    for key, title in (explicit or {}).items():
        if key not in targets:
            raise SourceError(
                f"the column map names '{key}', which this form does not have",
                where=where,
                fix=f"use the keys: {', '.join(targets)}",
            )
        want = thai.title_key(title)
        pos = next((i for i, k in enumerate(keys) if k == want), None)
        if pos is None:
            raise SourceError(
                f"the column map says '{key}' is the column '{title}', but the sheet has no such column",
                where=where,
                fix=f"copy the title exactly from the sheet; its columns are: {' | '.join(headers)}",
            )
        index[key] = pos
        used.add(pos)

    # Numbered indicator columns first: they are unambiguous and must not be
    # taken by an identity title that happens to appear inside them.
    by_no = {i.no: i for i in schema.indicators}
    for pos, h in enumerate(headers):
        if pos in used:
            continue
        no = indicator_number(h)
        ind = by_no.get(no) if no is not None else None
        if ind is None or ind.key in index:
            continue
        index[ind.key] = pos
        used.add(pos)

    _match_fields(schema, keys, index, used, loose=False)
    for ind in schema.indicators:
        if ind.key in index:
            continue
        best, best_pos = 0.0, None
        for pos, h in enumerate(headers):
            if pos in used or not h.strip():
                continue
            score = thai.similarity(_strip_number(h), ind.title)
            if score > best:
                best, best_pos = score, pos
        if best_pos is not None and best >= SIMILARITY_MIN:
            index[ind.key] = best_pos
            used.add(best_pos)

    # "contains" last: "รอบ" is inside "ครอบคลุม", an indicator's title.
    _match_fields(schema, keys, index, used, loose=True)

    _refuse_duplicate_titles(headers, keys, index, where)
    missing = [f"{f.key} ({f.titles[0]})" for f in schema.fields if f.required and f.key not in index]
    missing += [f"ตัวชี้วัดที่ {i.no} ({i.title})" for i in schema.indicators if i.key not in index]
    if missing:
        raise SourceError(
            "ไม่พบคอลัมน์ที่แบบฟอร์มต้องมี: " + "; ".join(missing),
            where=where,
            fix="columns found on the sheet: "
            + " | ".join(h for h in headers if h)
            + " — rename the form's questions, or add a 'columns:' map for this source in the settings",
        )
    return ColumnMap(index=index, headers=headers)


def _refuse_duplicate_titles(
    headers: Sequence[str], keys: Sequence[str], index: Mapping[str, int], where: str
) -> None:
    """A column the form reads must be the only one of its title: which of two would hold the answer?"""
    for key, pos in index.items():
        twins = [i for i, k in enumerate(keys) if k and k == keys[pos] and i != pos]
        if twins:
            named = " and ".join(f"column {column_letter(i)} '{headers[i]}'" for i in sorted([pos, *twins]))
            raise SourceError(
                f"two columns have the same title: {named}; the form reads '{key}' from that title "
                "and cannot tell which column holds it",
                where=where,
                fix="rename one of the two (the form's question, or the header on the sheet), or delete "
                "the column that is not used",
            )


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 -> A, 26 -> AA."""
    out, n = "", position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def _match_fields(
    schema: FormSchema, keys: Sequence[str], index: dict[str, int], used: set[int], *, loose: bool
) -> None:
    for f in schema.fields:
        if f.key in index:
            continue
        pos = _find(keys, [thai.title_key(t) for t in f.titles], used, loose=loose)
        if pos is not None:
            index[f.key] = pos
            used.add(pos)


def _find(keys: Sequence[str], wanted: Sequence[str], used: set[int], *, loose: bool) -> int | None:
    # Exact title, then a title the header starts with; with loose, one it contains.
    tests: list[Callable[[str, str], bool]] = [lambda k, w: k == w, lambda k, w: k.startswith(w)]
    if loose:
        tests.append(lambda k, w: w in k)
    for test in tests:
        for w in wanted:
            if not w:
                continue
            for pos, k in enumerate(keys):
                if pos not in used and test(k, w):
                    return pos
    return None
