"""Finding a form's columns in a response sheet's header row.

Province forms title their questions differently: "๑. ร้อยละของ…", "ข้อ 1",
"ตัวชี้วัดที่ ๑", a Google-Forms grid "หมวด 1 [1. …]", or just the indicator's
title in their own spelling of ศอช./คอช. Indicator columns are found by number
first, then by similarity to the indicator's title; identity columns (อำเภอ,
ตำบล, ครั้งที่, ประทับเวลา …) by their usual titles. An explicit map from the
settings overrides detection.

Numbering copied from a paper form ("(๑)", "๒.", "ข้อ ๓", "๗.๑") is read as
the title's number: a schema title without a number matches whatever number the
sheet puts before it, a title with one ("7.1 ร้อยละ") only that number. A field
may also be found by its parts (the item's number and words such as
"ระดับตำบล" and "จำนวนคน" anywhere in the title), which is how a grid built
from a paper table is read, and may name words that rule a column out
("BPM" for a report date).

`plan` says how every field was placed (for `pipeline columns`); `detect`
raises when a required one was not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipeline import thai
from pipeline.column_titles import Title, indicator_number, strip_number, title_forms
from pipeline.errors import SourceError
from pipeline.models import Cell
from pipeline.schema import FieldSpec, FormSchema

SIMILARITY_MIN = 0.6

How = Literal["explicit", "number", "title", "parts", "similar"]


@dataclass(frozen=True)
class Match:
    key: str
    pos: int
    how: How
    score: float = 1.0  # similarity for "similar"; 1 otherwise


@dataclass(frozen=True)
class ColumnMap:
    index: dict[str, int]  # field or indicator key -> column position
    headers: tuple[str, ...]
    matches: tuple[Match, ...] = ()

    def header(self, key: str) -> str:
        return self.headers[self.index[key]] if key in self.index else ""

    def get(self, row: Sequence[Cell], key: str) -> Cell:
        i = self.index.get(key)
        return row[i] if i is not None and i < len(row) else None

    def how(self, key: str) -> Match | None:
        return next((m for m in self.matches if m.key == key), None)


@dataclass(frozen=True)
class Plan:
    """Where every field of a form was found on a sheet, and what was not."""

    cmap: ColumnMap
    missing: tuple[str, ...]  # required keys not placed
    unplaced: tuple[str, ...]  # optional keys not placed
    candidates: dict[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)

    @property
    def leftover(self) -> list[int]:
        used = set(self.cmap.index.values())
        return [i for i, h in enumerate(self.cmap.headers) if h.strip() and i not in used]


def plan(
    header_row: Sequence[Cell],
    schema: FormSchema,
    explicit: Mapping[str, str] | None = None,
    *,
    where: str = "",
) -> Plan:
    """Place every field and indicator of the schema on the header row; never raises for a
    missing column (an explicit map naming an unknown key or column still does)."""
    headers = tuple("" if h is None else str(h) for h in header_row)
    keys = [thai.title_key(h) for h in headers]
    forms = [title_forms(h) for h in headers]
    matches: dict[str, Match] = {}
    used: set[int] = set()
    targets = [f.key for f in schema.fields] + [i.key for i in schema.indicators]

    def take(key: str, pos: int, how: How, score: float = 1.0) -> None:
        matches[key] = Match(key, pos, how, score)
        used.add(pos)

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
        take(key, pos, "explicit")

    # Numbered indicator columns first: they are unambiguous and must not be
    # taken by an identity title that happens to appear inside them.
    by_no = {i.no: i for i in schema.indicators}
    for pos, h in enumerate(headers):
        if pos in used:
            continue
        no = indicator_number(h)
        ind = by_no.get(no) if no is not None else None
        if ind is None or ind.key in matches:
            continue
        take(ind.key, pos, "number")

    for loose in (False, True):
        for f in schema.fields:
            if f.key in matches:
                continue
            pos = _find(f, forms, used, loose=loose)
            if pos is not None:
                take(f.key, pos, "title")
        if loose:
            break
        for f in schema.fields:
            if f.key not in matches and f.number:
                pos = _find_parts(f, forms, used)
                if pos is not None:
                    take(f.key, pos, "parts")
        for ind in schema.indicators:
            if ind.key in matches:
                continue
            best, best_pos = _most_similar(ind.title, headers, used)
            if best_pos is not None and best >= SIMILARITY_MIN:
                take(ind.key, best_pos, "similar", best)

    missing = [f.key for f in schema.fields if f.required and f.key not in matches]
    missing += [i.key for i in schema.indicators if i.key not in matches]
    unplaced = [f.key for f in schema.fields if not f.required and f.key not in matches]
    candidates = {}
    for key in missing + unplaced:
        titles = _titles_of(schema, key)
        scored = sorted(
            (
                (pos, max(thai.similarity(strip_number(headers[pos]), t) for t in titles))
                for pos in _free(headers, used)
            ),
            key=lambda ps: -ps[1],
        )
        candidates[key] = tuple((p, round(s, 2)) for p, s in scored[:3] if s > 0)
    index = {m.key: m.pos for m in matches.values()}
    return Plan(
        cmap=ColumnMap(index=index, headers=headers, matches=tuple(matches.values())),
        missing=tuple(missing),
        unplaced=tuple(unplaced),
        candidates=candidates,
    )


def detect(
    header_row: Sequence[Cell],
    schema: FormSchema,
    explicit: Mapping[str, str] | None = None,
    *,
    where: str = "",
    source: str = "",
) -> ColumnMap:
    found = plan(header_row, schema, explicit, where=where)
    if found.missing:
        by_no = {i.key: i for i in schema.indicators}
        names = [
            f"ตัวชี้วัดที่ {by_no[k].no} ({by_no[k].title})" if k in by_no else f"{k} ({schema.field(k).titles[0]})"
            for k in found.missing
        ]
        command = f"pipeline columns {source}" if source else "pipeline columns SOURCE"
        raise SourceError(
            "ไม่พบคอลัมน์ที่แบบฟอร์มต้องมี: " + "; ".join(names),
            where=where,
            fix="columns found on the sheet: "
            + " | ".join(h for h in found.cmap.headers if h)
            + f" — run `{command}` to see what was matched and get a ready-to-paste 'columns:' map"
            " for this source in the settings, or rename the form's questions",
            thai="ไม่พบคอลัมน์ที่แบบฟอร์มต้องมี: "
            + "; ".join(names)
            + f" — ผู้ดูแลระบบรันคำสั่ง `{command}` เพื่อดูว่าจับคู่คอลัมน์ใดได้ แล้วเพิ่ม 'columns:' ในไฟล์ตั้งค่า"
            " หรือแก้ชื่อคำถามในแบบฟอร์มให้ตรง",
        )
    return found.cmap


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 -> A, 26 -> AA."""
    out, n = "", position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def _titles_of(schema: FormSchema, key: str) -> tuple[str, ...]:
    for f in schema.fields:
        if f.key == key:
            return f.titles
    return tuple(i.title for i in schema.indicators if i.key == key)


def _free(headers: Sequence[str], used: set[int]) -> list[int]:
    return [pos for pos, h in enumerate(headers) if pos not in used and h.strip()]


def _most_similar(title: str, headers: Sequence[str], used: set[int]) -> tuple[float, int | None]:
    best, best_pos = 0.0, None
    for pos in _free(headers, used):
        score = thai.similarity(strip_number(headers[pos]), title)
        if score > best:
            best, best_pos = score, pos
    return best, best_pos


def _excluded(f: FieldSpec, forms: Sequence[Title]) -> bool:
    return any(thai.title_key(word) in form.key for word in f.exclude for form in forms)


def _find(f: FieldSpec, forms: Sequence[Sequence[Title]], used: set[int], *, loose: bool) -> int | None:
    # Exact title, then a title the header starts with; with loose, one it contains.
    # A wanted title with a number needs the same number; without one, any number goes.
    wanted = [Title.of(t) for t in f.titles]
    tests: list[Callable[[str, str], bool]] = [str.__eq__, str.startswith]
    if loose:
        tests.append(str.__contains__)
    for test in tests:
        for w in wanted:
            if not w.key and not w.number:
                continue
            for pos, header_forms in enumerate(forms):
                if pos in used or _excluded(f, header_forms):
                    continue
                for h in header_forms:
                    if w.number and h.number != w.number:
                        continue
                    if w.key and not test(h.key, w.key):
                        continue
                    return pos
    return None


def _find_parts(f: FieldSpec, forms: Sequence[Sequence[Title]], used: set[int]) -> int | None:
    """The first free column with the field's item number and one word of every group."""
    groups = [[thai.title_key(w) for w in group] for group in f.words]
    for pos, header_forms in enumerate(forms):
        if pos in used or _excluded(f, header_forms):
            continue
        whole = header_forms[0]
        if whole.number.split(".")[0] != f.number:
            continue
        if all(any(w in whole.key for w in group) for group in groups):
            return pos
    return None


def merge_repeated(grid: Sequence[Sequence[Cell]]) -> list[list[Cell]]:
    """One column per title: columns titled alike are merged into the first, taking its first non-blank cell.

    A form that branches asks the same question in several sections (one tambon
    drop-down per district): its response sheet, like the Forms API, gives each
    its own column under the same title, and a respondent answers only one.
    """
    if not grid:
        return []
    groups = _title_groups(grid[0])
    if all(len(g) == 1 for g in groups.values()):
        return [list(r) for r in grid]
    keep = sorted(g[0] for g in groups.values())
    repeats = {g[0]: g for g in groups.values() if len(g) > 1}

    def merged(row: Sequence[Cell]) -> list[Cell]:
        out: list[Cell] = []
        for pos in keep:
            cells = [row[p] for p in repeats.get(pos, [pos]) if p < len(row)]
            out.append(next((c for c in cells if not thai.is_blank(c)), cells[0] if cells else None))
        return out

    return [merged(r) for r in grid]


def _title_groups(header_row: Sequence[Cell]) -> dict[str, list[int]]:
    """Column positions by title, in order; an untitled column is a group of its own."""
    groups: dict[str, list[int]] = {}
    for pos, h in enumerate(header_row):
        key = thai.title_key("" if h is None else str(h))
        groups.setdefault(key or f"\0{pos}", []).append(pos)
    return groups


def refuse_conflicting_repeats(grid: Sequence[Sequence[Cell]], cmap: ColumnMap, *, where: str = "") -> None:
    """Columns of one title that a form reads must never both be answered differently in one row.

    A branching form repeats a title and each response answers one of them
    (`merge_repeated` takes it); two questions that merely share a title hold
    two answers, and taking the first would silently read the wrong one.
    """
    if not grid:
        return
    groups = [g for g in _title_groups(grid[0]).values() if len(g) > 1]
    read = set(cmap.index.values())
    keep = sorted(g[0] for g in _title_groups(grid[0]).values())
    for group in groups:
        merged_pos = keep.index(group[0])
        if merged_pos not in read:
            continue
        for number, row in enumerate(grid[1:], start=2):
            answered = [(p, row[p]) for p in group if p < len(row) and not thai.is_blank(row[p])]
            values = {thai.clean_text(str(v)) for _, v in answered}
            if len(values) > 1:
                key = next(k for k, v in cmap.index.items() if v == merged_pos)
                header = "" if grid[0][group[0]] is None else str(grid[0][group[0]])
                named = " and ".join(f"column {column_letter(p)} '{header}'" for p, _ in answered[:2])
                raise SourceError(
                    f"two columns have the same title: {named}, and row {number} answers both differently "
                    f"({' / '.join(repr(str(v)) for _, v in answered[:2])}); the form reads '{key}' from that "
                    "title and cannot tell which column holds it",
                    where=where,
                    fix="rename one of the two (the form's question, or the header on the sheet), or delete "
                    "the column that is not used; a form that asks one question in several sections may "
                    "repeat its title as long as each response answers only one of them",
                    thai=" และ".join(f"คอลัมน์ {column_letter(p)}" for p, _ in answered[:2])
                    + f" มีหัวคอลัมน์ชื่อเดียวกัน ('{header}') และแถว {number} ตอบทั้งสองคอลัมน์ไม่ตรงกัน"
                    " — เปลี่ยนชื่อคำถามหนึ่งในสอง หรือลบคอลัมน์ที่ไม่ได้ใช้",
                )
