"""The committee registry (ทะเบียนข้อมูลคณะกรรมการ ศอช.): one response row per member, every level.

A committee is (level, unit): the ศอช.ต. of a tambon, the ศอช.อ. of a district,
the ศอช.จ. of the province. District offices send their tambon and district
committees before the registry cut-off; the province office adds its own.

Rules, and the decisions taken where the circulars are silent:

- A row is a member only with a readable timestamp, a level, a resolved place
  and a name; otherwise it is an error and the row is not counted.
- Level: from the level column (ต./อ./จ., ตำบล/อำเภอ/จังหวัด, ศอช.ต. …); when
  the column is missing or the cell blank, a row with a tambon is ศอช.ต. and a
  row with only a district is ศอช.อ. (with a warning when the cell was blank).
  A province committee must say so.
- Resubmission: the rows of one committee are taken in time order, and a gap of
  more than ``submission_gap_minutes`` (schema) starts a new submission. The
  latest submission replaces every earlier row of that committee.
- Committee errors (the district must correct and resend): fewer than 9 or more
  than 25 members (advisors not counted), not exactly one chair, not exactly one
  secretary, the same person twice (names compared without spaces and titles
  such as นาย/นาง/นางสาว/น.ส./ด.ต.), an announcement date that is not a real date.
- Warnings (counted as sent): a phone number that is not a Thai number (Thai
  digits accepted), a blank or unknown position (counted as กรรมการ), no
  announcement date, dates that disagree within one committee or lie after the
  submission, a tambon given for a district/province committee, late
  submission, and representation: the district committee should include a
  representative of every ศอช.ต. of the district, the province committee one of
  every ศอช.อ. A member represents a centre when the "ผู้แทน" column names it
  (ศอช.ต.บ้านต๋อม, ตำบลบ้านต๋อม, ต.บ้านต๋อม …) or when the same person sits on
  that centre's registered committee. Representation is inferred from free
  text, so a gap is a warning naming the centres, never a rejection.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.errors import ConfigError
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    checked_timestamp,
    form_cutoffs,
    local_date,
    resolve_place,
    rows,
    th_num,
)
from pipeline.models import Cell, Column, Grid, Row, Severity, Table
from pipeline.orgunits import Unit
from pipeline.schema import FormSchema
from pipeline.state import UnitStatus

Level = Literal["tambon", "district", "province"]
LEVELS: tuple[Level, ...] = ("province", "district", "tambon")
T = TypeVar("T")


# ---------------------------------------------------------------------------
# Rules read from the schema


@dataclass(frozen=True)
class Position:
    label: str  # the canonical Thai title, e.g. "ประธาน"
    role: str  # chair | secretary | member | advisor
    counted: bool = True  # counts toward the committee's 9-25


@dataclass(frozen=True)
class Rules:
    min_size: int
    max_size: int
    gap: timedelta
    level_words: Mapping[str, Level]  # title_key of a word -> level
    level_labels: Mapping[Level, str]  # level -> "ศอช.ต." …
    positions: tuple[tuple[str, Position], ...]  # title_key of a spelling -> position, longest first
    default_position: Position  # where a blank or unknown position is counted: the plain member

    @classmethod
    def from_schema(cls, schema: FormSchema) -> Rules:
        extra: Mapping[str, Any] = schema.extra or {}
        try:
            words: dict[str, Level] = {}
            labels: dict[Level, str] = {}
            for level in LEVELS:
                spec = extra["committee_levels"][level]
                labels[level] = str(spec["label"])
                words.update((thai.title_key(str(w)), level) for w in spec["words"])
            positions: list[tuple[str, Position]] = []
            for spec in extra["positions"]:
                pos = Position(str(spec["label"]), str(spec["role"]), bool(spec.get("counted", True)))
                positions += [(thai.title_key(str(s)), pos) for s in spec["spellings"]]
            size = extra["committee_size"]
            default = next(p for _, p in positions if p.role == "member" and p.label == "กรรมการ")
            return cls(
                min_size=int(size["min"]),
                max_size=int(size["max"]),
                gap=timedelta(minutes=int(extra["submission_gap_minutes"])),
                level_words=words,
                level_labels=labels,
                positions=tuple(sorted(positions, key=lambda p: -len(p[0]))),
                default_position=default,
            )
        except (KeyError, TypeError, ValueError, StopIteration) as exc:
            raise ConfigError(
                f"the registry rules are incomplete: {exc!r}",
                where=f"sheets_schema/{schema.name}.yaml",
                fix="give committee_size {min, max}, submission_gap_minutes, committee_levels "
                "(tambon, district, province with label and words) and positions (label, role, spellings), "
                "one of them the plain member: {label: กรรมการ, role: member}",
            ) from exc


# ---------------------------------------------------------------------------
# Pure parsing of one answer

_NOISE_WORDS = ("คณะกรรมการบริหาร", "คณะกรรมการ", "ระดับ", "ศอช")
# Honorifics and ranks before a name: นาย, นาง, นางสาว, ดร., and any run of
# abbreviations with dots (น.ส., ด.ต., จ.ส.ต., ว่าที่ ร.ต., ผศ., อสม.).
_TITLE = re.compile(r"^(?:ว่าที่\s*|(?:[ก-ฮ]{1,3}\.\s*)+|นางสาว|นาง|นาย|ดร\.?|(?:mr|mrs|ms|miss)\.?\s)\s*", re.I)
_ORDINAL = re.compile(r"(?:คนที่|ลำดับที่|ที่)?\s*\d+\s*$")
_CENTRE = re.compile(r"[ศค]อบ?ช\.?\s*(?P<lv>ตำบล|อำเภอ|[ตอ])\.?\s*(?P<name>[^\s(/,]*)")
_PLACE = re.compile(r"(?P<lv>ตำบล|อำเภอ|[ตอ]\.)\s*(?P<name>[^\s(/,]+)")


def person_key(name: str) -> str:
    """A name for comparison: no titles, spaces, dots or case.

    >>> person_key("นางสาว สมศรี  ใจดี") == person_key("น.ส.สมศรี ใจดี") == "สมศรีใจดี"
    True
    """
    text = thai.clean_text(name)
    while (m := _TITLE.match(text)) and m.end() < len(text):
        text = text[m.end() :]
    return re.sub(r"[\s.\-]", "", text).lower()


def parse_level(value: Cell, rules: Rules) -> Level | None:
    """ "ต.", "ตำบล", "ศอช.ต.", "คอช.ต", "ระดับอำเภอ", "คณะกรรมการ ศอช.จ." -> the level."""
    if thai.is_blank(value):
        return None
    key = thai.title_key(str(value))
    changed = True
    while changed:
        changed = False
        for noise in _NOISE_WORDS:
            if key.startswith(noise) and len(key) > len(noise):
                key, changed = key[len(noise) :], True
    return rules.level_words.get(key)


def parse_position(value: Cell, rules: Rules) -> Position | None:
    """The position an answer names, by the longest known spelling it starts with."""
    if thai.is_blank(value):
        return None
    text = _ORDINAL.sub("", thai.to_arabic_digits(thai.clean_text(str(value))))
    key = thai.title_key(text)
    return next((p for spelling, p in rules.positions if key.startswith(spelling)), None) if key else None


def represented_place(text: str) -> tuple[Literal["tambon", "district"], str] | None:
    """The centre a "ผู้แทน" answer names: ("tambon", "บ้านต๋อม") for "ผู้แทน ศอช.ต.บ้านต๋อม"."""
    clean = thai.clean_text(text)
    m = _CENTRE.search(clean) or _PLACE.search(clean)
    if m is None or not m["name"]:
        return None
    return ("tambon" if m["lv"].startswith("ต") else "district"), m["name"]


def group_submissions(items: Sequence[T], at: Callable[[T], datetime], gap: timedelta) -> list[list[T]]:
    """Items (already in sheet order) split into submissions: a gap longer than `gap` starts a new one."""
    ordered = sorted(enumerate(items), key=lambda p: (at(p[1]), p[0]))
    out: list[list[T]] = []
    last: datetime | None = None
    for _, item in ordered:
        moment = at(item)
        if last is None or moment - last > gap:
            out.append([])
        out[-1].append(item)
        last = moment
    return out


# ---------------------------------------------------------------------------
# Rows and committees


@dataclass
class Member:
    row: SheetRow
    at: datetime | None
    level: Level | None
    district: Unit | None
    tambon: Unit | None
    unit: Unit | None
    name: str = ""
    name_key: str = ""
    position: Position | None = None
    position_text: str = ""
    represents: str = ""
    phone: str = ""
    announced_raw: Cell = None
    announced: date | None = None
    ok: bool = True  # counts as a member
    superseded_by: int = 0

    @property
    def key(self) -> tuple[Level, str] | None:
        if self.level is None or self.unit is None:
            return None
        return (self.level, self.unit.code)


@dataclass
class Committee:
    level: Level
    unit: Unit
    district: Unit | None
    rows: list[Member]  # every row of the latest submission
    members: list[Member] = field(default_factory=list)  # counted, one per person
    advisors: int = 0
    chairs: int = 0
    secretaries: int = 0
    announced: date | None = None
    flags: list[str] = field(default_factory=list)
    gaps: list[Unit] = field(default_factory=list)
    errors: bool = False
    # Rows of this submission whose place could not be read: already an error of their
    # own, they must not also make the committee look short of a member or a secretary.
    unplaced: list[Member] = field(default_factory=list)

    @property
    def at(self) -> datetime:
        return max(m.at for m in self.rows if m.at is not None)

    @property
    def size(self) -> int:
        return sum(1 for m in self.members if m.position is None or m.position.counted)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(m.name_key for m in self.members)


@dataclass(frozen=True)
class CommitteeInfo:
    """What later forms may check against: result.data["committees"][(level, unit_code)]."""

    level: Level
    unit_code: str
    district_code: str
    members: int
    ok: bool
    unread: int = 0  # rows sent with this committee whose place could not be read


def process(ctx: FormContext, grid: Grid) -> FormResult:
    rules = Rules.from_schema(ctx.schema)
    cutoffs = form_cutoffs(ctx, "the registry's due date")
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    members = [_read(ctx, log, cmap, rules, r) for r in data]
    committees = _committees(ctx, log, rules, members)
    for c in committees.values():
        _check(ctx, log, cmap, rules, c, cutoffs)
    _representation(ctx, log, rules, committees)
    for c in committees.values():
        c.errors = c.errors or any(log.errors_for(m.row.number) for m in c.rows)
    result = FormResult(form=ctx.source.key, rows_read=len(data))
    result.superseded = sum(1 for m in members if m.superseded_by)
    result.accepted = sum(len(c.members) for c in committees.values())
    result.rejected = sum(1 for m in members if not m.ok and not m.superseded_by)
    result.issues = list(log)
    ordered = sorted(committees.values(), key=_order)
    result.tables = [
        _committees_table(ctx, rules, ordered, cutoffs),
        _matrix_table(ctx, committees),
        _members_table(rules, ordered),
    ]
    result.statuses = _statuses(ctx, log, members, cutoffs)
    result.data["committees"] = {
        k: CommitteeInfo(
            c.level,
            c.unit.code,
            c.district.code if c.district else "",
            c.size,
            not c.errors,
            sum(1 for m in c.unplaced if m.position is None or m.position.counted),
        )
        for k, c in committees.items()
    }
    return result


def _read(ctx: FormContext, log: IssueLog, cmap: ColumnMap, rules: Rules, row: SheetRow) -> Member:
    ts_raw = cmap.get(row.cells, "timestamp")
    at, ts_problem = checked_timestamp(ctx, ts_raw)
    level, ok = _level(log, cmap, rules, row)
    district = tambon = unit = None
    if level == "tambon":
        district, tambon, placed = resolve_place(ctx, log, row, cmap, with_tambon=True)
        unit = tambon if placed else None
    elif level == "district":
        district, _, placed = resolve_place(ctx, log, row, cmap, with_tambon=False)
        unit = district if placed else None
    elif level == "province":
        unit = ctx.org.province
    m = Member(row=row, at=at, level=level, district=district, tambon=tambon, unit=unit)
    ok &= unit is not None
    t_raw = cmap.get(row.cells, "tambon")
    if level in ("district", "province") and not thai.is_blank(t_raw):
        msg = (
            f'แถวนี้เป็นกรรมการ {rules.level_labels[level]} แต่กรอกตำบล "{t_raw}" ไว้ — ระบบไม่ใช้ช่องตำบล '
            f"หากเป็นกรรมการ {rules.level_labels['tambon']} โปรดแก้ช่องระดับแล้วส่งใหม่"
        )
        _add(log, m, "warning", "tambon_ignored", msg, "tambon", t_raw)
    if at is None:
        ok = False
        _add(log, m, "error", "bad_timestamp", ts_problem, "timestamp", ts_raw)
    name_raw = cmap.get(row.cells, "name")
    if thai.is_blank(name_raw):
        ok = False
        msg = "แถวนี้ไม่มีชื่อกรรมการ — กรอกชื่อ-สกุลของกรรมการ หรือลบแถวนี้ออกหากส่งเกินมาโดยไม่ตั้งใจ"
        _add(log, m, "error", "missing_name", msg, "name", name_raw)
    else:
        m.name = thai.clean_text(str(name_raw))
        m.name_key = person_key(m.name)
    m.ok = ok
    _position(log, cmap, rules, m)
    _phone(log, cmap, m)
    m.announced_raw = cmap.get(row.cells, "announced")
    m.announced = None if thai.is_blank(m.announced_raw) else thai.parse_date(m.announced_raw)
    rep = cmap.get(row.cells, "represents")
    m.represents = "" if thai.is_blank(rep) else thai.clean_text(str(rep))
    return m


def _level(log: IssueLog, cmap: ColumnMap, rules: Rules, row: SheetRow) -> tuple[Level | None, bool]:
    raw = cmap.get(row.cells, "level")
    level = parse_level(raw, rules)
    if level is not None:
        return level, True
    labels = ", ".join(rules.level_labels[lv] for lv in LEVELS[::-1])
    if not thai.is_blank(raw):
        msg = f'ระบุระดับ "{raw}" ไม่ได้ — ใช้ {labels} (หรือ ตำบล, อำเภอ, จังหวัด) แล้วส่งใหม่'
        log.add(row.number, "error", "bad_level", msg, key="level", value=raw)
        return None, False
    if not thai.is_blank(cmap.get(row.cells, "tambon")):
        level = "tambon"
    elif not thai.is_blank(cmap.get(row.cells, "district")):
        level = "district"
    else:
        msg = f"แถวนี้ไม่ได้ระบุทั้งระดับ อำเภอ และตำบล จึงไม่ทราบว่าเป็นกรรมการคณะใด — โปรดระบุระดับ ({labels})"
        log.add(row.number, "error", "missing_level", msg, key="level", value=raw)
        return None, False
    if "level" in cmap.index:
        why = "กรอกตำบลไว้" if level == "tambon" else "กรอกเฉพาะอำเภอ"
        msg = f"ไม่ได้ระบุระดับ — ระบบถือเป็นกรรมการ {rules.level_labels[level]} เพราะ{why} หากไม่ใช่ โปรดระบุระดับแล้วส่งใหม่"
        log.add(row.number, "warning", "level_inferred", msg, key="level", value=raw)
    return level, True


def _position(log: IssueLog, cmap: ColumnMap, rules: Rules, m: Member) -> None:
    raw = cmap.get(m.row.cells, "position")
    m.position = parse_position(raw, rules)
    m.position_text = "" if thai.is_blank(raw) else thai.clean_text(str(raw))
    if m.position is not None or not m.ok:
        return
    known = ", ".join(dict.fromkeys(p.label for _, p in rules.positions))
    if thai.is_blank(raw):
        text = f"ไม่ได้ระบุตำแหน่งของ {m.name} — ระบบนับเป็นกรรมการ โปรดระบุตำแหน่ง ({known})"
    else:
        text = f'ไม่รู้จักตำแหน่ง "{raw}" — ระบบนับเป็นกรรมการ หากเป็นตำแหน่งอื่นโปรดใช้คำว่า {known}'
    _add(log, m, "warning", "unknown_position", text, "position", raw)
    m.position = rules.default_position


def _phone(log: IssueLog, cmap: ColumnMap, m: Member) -> None:
    raw = cmap.get(m.row.cells, "phone")
    if thai.is_blank(raw):
        return
    digits = thai.parse_phone(raw)
    if digits is not None:
        m.phone = thai.format_phone(digits)
        return
    m.phone = thai.clean_text(str(raw))
    msg = (
        f'เบอร์โทรศัพท์ "{raw}" ของ {m.name or "กรรมการ"} ไม่ใช่หมายเลขในประเทศไทยที่ถูกต้อง — '
        "มือถือมี ๑๐ หลักขึ้นต้นด้วย 06, 08 หรือ 09 โทรศัพท์บ้านมี ๙ หลักขึ้นต้นด้วย 02–07 "
        "(เช่น 081-234-5678, 054-445-544) โปรดแก้ไขในทะเบียน"
    )
    _add(log, m, "warning", "bad_phone", msg, "phone", raw)


def _add(
    log: IssueLog, m: Member, severity: Severity, code: str, msg: str, key: str = "", value: Cell = None
) -> None:
    log.add(m.row.number, severity, code, msg, key=key, value=value, district=m.district, tambon=m.tambon)


def committee_title(level: Level, unit: Unit, rules: Rules) -> str:
    return f"คณะกรรมการ {rules.level_labels[level]}{unit.name}"


def _committees(
    ctx: FormContext, log: IssueLog, rules: Rules, members: list[Member]
) -> dict[tuple[Level, str], Committee]:
    by_key: dict[tuple[Level, str], list[Member]] = {}
    for m in members:
        if m.key is not None and m.at is not None:
            by_key.setdefault(m.key, []).append(m)
    out: dict[tuple[Level, str], Committee] = {}
    for key, rows_ in by_key.items():
        batches = group_submissions(rows_, lambda m: m.at or datetime.min, rules.gap)
        latest = batches[-1]
        first = latest[0]
        assert first.unit is not None and first.at is not None
        for batch in batches[:-1]:
            for m in batch:
                m.superseded_by = first.row.number
                log.keep_only(m.row.number, "superseded")
            span = f"{th_num(batch[0].row.number)}–{th_num(batch[-1].row.number)}"
            msg = (
                f"{committee_title(key[0], first.unit, rules)} ส่งใหม่เมื่อ "
                f"{thai.format_thai_date(local_date(ctx, first.at), weekday=False)} "
                f"(ตั้งแต่แถว {th_num(first.row.number)}) — ระบบใช้รายชื่อชุดใหม่ทั้งชุดแทนแถว {span} "
                "ไม่ต้องแก้ไขหากตั้งใจส่งใหม่"
            )
            _add(log, batch[0], "warning", "superseded", msg)
        out[key] = Committee(level=key[0], unit=first.unit, district=first.district, rows=latest)
    _claim_unplaced(out, members, rules)
    return out


def _claim_unplaced(
    committees: Mapping[tuple[Level, str], Committee], members: list[Member], rules: Rules
) -> None:
    """Give a row whose tambon could not be read to the one committee of its district sent
    with it (within the submission gap), so that committee's checks know it exists."""
    for m in members:
        if m.unit is not None or m.level != "tambon" or m.district is None or m.at is None:
            continue
        at = m.at
        near = [
            c
            for c in committees.values()
            if c.level == "tambon"
            and c.district is not None
            and c.district.code == m.district.code
            and any(r.at is not None and abs(r.at - at) <= rules.gap for r in c.rows)
        ]
        if len(near) == 1:
            near[0].unplaced.append(m)


class Flag(Protocol):
    def __call__(
        self,
        code: str,
        short: str,
        msg: str,
        *,
        row: int = ...,
        error: bool = ...,
        key: str = ...,
        value: Cell = ...,
    ) -> None: ...


def _check(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, rules: Rules, c: Committee, cutoffs: list[Cutoff]
) -> None:
    title = committee_title(c.level, c.unit, rules)
    first = c.rows[0].row.number
    where: dict[str, Any] = {"district": c.district, "tambon": c.unit if c.level == "tambon" else None}

    def flag(
        code: str,
        short: str,
        msg: str,
        *,
        row: int = first,
        error: bool = True,
        key: str = "",
        value: Cell = None,
    ) -> None:
        if short not in c.flags:
            c.flags.append(short)
        c.errors |= error
        log.add(row, "error" if error else "warning", code, msg, key=key, value=value, **where)

    seen: dict[str, Member] = {}
    for m in (m for m in c.rows if m.ok):
        if m.name_key in seen:
            flag(
                "duplicate_member",
                f"ชื่อซ้ำ: {m.name}",
                f"{m.name} มีชื่อซ้ำกับแถว {th_num(seen[m.name_key].row.number)} ใน{title} — "
                "ลบแถวที่ซ้ำออก หรือแก้ชื่อหากเป็นคนละคน แล้วส่งรายชื่อทั้งคณะใหม่",
                row=m.row.number,
            )
            m.ok = False  # the row is rejected: it counts once, in the earlier row
            continue
        seen[m.name_key] = m
        c.members.append(m)
    c.advisors = sum(1 for m in c.members if m.position is not None and not m.position.counted)
    size = c.size
    unread = sum(1 for m in c.unplaced if m.position is None or m.position.counted)
    short_by_unread = size < rules.min_size <= size + unread
    if not rules.min_size <= size <= rules.max_size and not short_by_unread:
        flag(
            "committee_size",
            f"กรรมการ {th_num(size)} คน",
            f"{title} มีกรรมการ {th_num(size)} คน (ไม่นับที่ปรึกษา) — ระเบียบฯ กำหนดไม่น้อยกว่า "
            f"{th_num(rules.min_size)} คนและไม่เกิน {th_num(rules.max_size)} คน โปรดตรวจสอบว่าส่งรายชื่อครบทั้งคณะ "
            "(ระบบใช้รายชื่อชุดที่ส่งล่าสุด หากส่งเพิ่มเพียงบางคน ให้ส่งรายชื่อทั้งคณะใหม่)",
        )
    for role, label, other in (("chair", "ประธาน", "รองประธาน"), ("secretary", "เลขานุการ", "ผู้ช่วยเลขานุการ")):
        holders = [m for m in c.members if m.position is not None and m.position.role == role]
        if role == "chair":
            c.chairs = len(holders)
        else:
            c.secretaries = len(holders)
        if len(holders) == 1:
            continue
        if not holders and any(m.position is not None and m.position.role == role for m in c.unplaced):
            continue  # the row naming them is rejected for its place, and says so
        if not holders:
            flag(f"no_{role}", f"ไม่มี{label}", f"{title} ไม่มี{label} — ต้องมี{label}หนึ่งคน โปรดระบุตำแหน่งแล้วส่งใหม่")
            continue
        who = ", ".join(f"{m.name} (แถว {th_num(m.row.number)})" for m in holders)
        flag(
            "many_chairs" if role == "chair" else "many_secretaries",
            f"{label} {th_num(len(holders))} คน",
            f"{title} มี{label} {th_num(len(holders))} คน: {who} — ต้องมี{label}เพียงคนเดียว "
            f"โปรดแก้ตำแหน่งของคนอื่น (เช่น {other}) แล้วส่งใหม่",
            row=holders[1].row.number,
        )
    _announcement(ctx, cmap, c, title, flag)
    cutoff = ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, c.at)) or cutoffs[-1]
    days = (local_date(ctx, c.at) - cutoff.due).days
    if days > 0:
        flag(
            "late",
            "ส่งล่าช้า",
            f"ส่งทะเบียน{title} หลังกำหนด {th_num(days)} วัน (กำหนดส่ง {thai.format_thai_date(cutoff.due)}) "
            "— รายชื่อนับตามปกติ แต่ถูกบันทึกว่าส่งล่าช้า",
            error=False,
        )


def _announcement(ctx: FormContext, cmap: ColumnMap, c: Committee, title: str, flag: Flag) -> None:
    """One announcement date per committee: every row repeats it, each problem is told once."""
    bad: dict[str, Member] = {}
    for m in c.rows:
        if m.announced is None and not thai.is_blank(m.announced_raw):
            bad.setdefault(str(m.announced_raw), m)
    for raw, m in bad.items():
        msg = (
            f'{title}: วันที่ประกาศรับรอง "{raw}" ไม่ใช่วันที่ที่มีจริง — ระบบไม่เดาวันที่ให้ '
            'โปรดกรอกตามประกาศ เช่น "15 ตุลาคม 2566" หรือ 15/10/2566 แล้วส่งใหม่'
        )
        flag("bad_announcement_date", "วันที่ประกาศไม่ถูกต้อง", msg, row=m.row.number, key="announced", value=raw)
    dates = Counter(m.announced for m in c.rows if m.announced is not None)
    if not dates:
        if "announced" in cmap.index and not bad:
            msg = f"{title} ไม่ได้กรอกวันที่ประกาศรับรอง — โปรดกรอกวันที่ของประกาศรับรองคณะกรรมการ"
            flag("missing_announcement", "ไม่มีวันที่ประกาศรับรอง", msg, error=False)
        return
    c.announced = max(dates, key=lambda d: (dates[d], d))  # the most common; a tie goes to the latest
    shown = thai.format_thai_date(c.announced, weekday=False)
    if len(dates) > 1:
        listed = ", ".join(thai.format_thai_date(d, weekday=False) for d in sorted(dates))
        msg = f"{title} กรอกวันที่ประกาศรับรองไม่ตรงกัน ({listed}) — ระบบใช้ {shown} โปรดแก้ให้ตรงกับประกาศฉบับเดียวกัน"
        flag("announcement_mismatch", "วันที่ประกาศไม่ตรงกัน", msg, error=False, key="announced")
    if c.announced > local_date(ctx, c.at):
        msg = f"{title}: วันที่ประกาศรับรอง {shown} อยู่หลังวันที่ส่งทะเบียน — โปรดตรวจสอบปี พ.ศ. และวันที่ในประกาศ"
        flag("announcement_after_submission", "วันที่ประกาศหลังวันส่ง", msg, error=False, key="announced")


def _representation(
    ctx: FormContext, log: IssueLog, rules: Rules, committees: Mapping[tuple[Level, str], Committee]
) -> None:
    """District committees: a member of every ศอช.ต.; the province committee: one of every ศอช.อ."""
    for c in committees.values():
        if c.level == "tambon":
            continue
        lower: Level = "tambon" if c.level == "district" else "district"
        required = ctx.org.tambons(c.unit.code) if c.level == "district" else ctx.org.districts()
        title = committee_title(c.level, c.unit, rules)
        represented: set[str] = set()
        for m in c.members:
            for u in required:
                below = committees.get((lower, u.code))
                if below is not None and m.name_key in below.names:
                    represented.add(u.code)
            place = represented_place(m.represents)
            if place is None or place[0] != lower:
                continue
            if lower == "tambon":
                res = ctx.org.resolve_tambon(place[1], c.unit.code)
            else:
                res = ctx.org.resolve_district(place[1])
            if res.unit is None:
                msg = f'{m.name} เป็นผู้แทน "{m.represents}" แต่{res.message or "ไม่พบหน่วยนี้"}'
                _add(log, m, "warning", "unknown_represented", msg, "represents", m.represents)
                continue
            represented.add(res.unit.code)
            below = committees.get((lower, res.unit.code))
            if below is not None and m.name_key not in below.names:
                msg = (
                    f"{m.name} เป็นผู้แทน {rules.level_labels[lower]}{res.unit.name} แต่ไม่พบชื่อในทะเบียน"
                    f"{committee_title(lower, res.unit, rules)} — โปรดตรวจสอบการสะกดชื่อให้ตรงกันทั้งสองทะเบียน"
                )
                _add(log, m, "warning", "not_on_committee", msg, "represents", m.represents)
        c.gaps = [u for u in required if u.code not in represented]
        if c.gaps:
            what = "ตำบล" if lower == "tambon" else "อำเภอ"
            names = ", ".join(f"{what}{u.name}" for u in c.gaps)
            c.flags.append(f"ขาดผู้แทน {rules.level_labels[lower]} {th_num(len(c.gaps))} แห่ง")
            msg = (
                f"{title} ยังไม่มีผู้แทนของ {rules.level_labels[lower]} {th_num(len(c.gaps))} แห่ง: {names} — "
                f"ระเบียบฯ กำหนดให้มีผู้แทน {rules.level_labels[lower]} ทุก{what} {what}ละอย่างน้อยหนึ่งคน "
                f"โปรดเพิ่มผู้แทน หรือระบุในช่องผู้แทนองค์กรว่ากรรมการคนใดเป็นผู้แทน "
                f"(เช่น {rules.level_labels[lower]}{c.gaps[0].name})"
            )
            _add(log, c.rows[0], "warning", "representation_gap", msg)


def _statuses(
    ctx: FormContext, log: IssueLog, members: list[Member], cutoffs: list[Cutoff]
) -> list[UnitStatus]:
    out: list[UnitStatus] = []
    for d in ctx.org.districts():
        sent = [
            m for m in members if m.district and m.district.code == d.code and not m.superseded_by and m.at
        ]
        if not sent:
            continue
        at = max(m.at for m in sent if m.at is not None)
        cutoff = ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, at)) or cutoffs[-1]
        errors = tuple(
            dict.fromkeys(i.message for i in log if i.severity == "error" and i.district_code == d.code)
        )
        status = "rejected" if errors else "late" if local_date(ctx, at) > cutoff.due else "valid"
        out.append(
            UnitStatus(
                form=ctx.source.key,
                period=cutoff.period,
                unit_code=d.code,
                unit_name=d.name,
                district_code=d.code,
                status=status,
                submitted_at=at.replace(tzinfo=None),
                errors=errors,
            )
        )
    return out


# ---------------------------------------------------------------------------
# Published tables


def _order(c: Committee) -> tuple[str, int, str]:
    return (c.district.code if c.district else "", LEVELS.index(c.level), c.unit.code)


COMMITTEE_COLUMNS = [
    Column("level", "ระดับ", 8),
    Column("unit_code", "รหัสหน่วย", 10),
    Column("unit", "ชื่อหน่วย", 16),
    Column("district_code", "รหัสอำเภอ", 10),
    Column("district", "อำเภอ", 14),
    Column("members", "จำนวนกรรมการ", 10, "int"),
    Column("advisors", "ที่ปรึกษา", 8, "int"),
    Column("chairs", "ประธาน", 8, "int"),
    Column("secretaries", "เลขานุการ", 9, "int"),
    Column("announced", "วันที่ประกาศรับรอง", 14, "date"),
    Column("submitted_at", "วันเวลาที่ส่ง", 18, "datetime"),
    Column("on_time", "ส่งตามกำหนด", 11),
    Column("status", "ผลการตรวจ", 10),
    Column("flags", "ข้อที่ต้องแก้ไขหรือตรวจสอบ", 45),
    Column("representation_gaps", "ยังไม่มีผู้แทนของ", 40),
    Column("source_rows", "แถวในชีตคำตอบ", 12),
]


def _committees_table(
    ctx: FormContext, rules: Rules, ordered: list[Committee], cutoffs: list[Cutoff]
) -> Table:
    out: list[Row] = []
    for c in ordered:
        when = local_date(ctx, c.at)
        cutoff = ctx.calendar.period_for_date(ctx.source.key, when) or cutoffs[-1]
        numbers = [m.row.number for m in c.rows]
        out.append(
            [
                rules.level_labels[c.level],
                c.unit.code,
                c.unit.name,
                c.district.code if c.district else "",
                c.district.name if c.district else "",
                c.size,
                c.advisors,
                c.chairs,
                c.secretaries,
                c.announced,
                c.at.replace(tzinfo=None),
                "ตรงเวลา" if when <= cutoff.due else "ล่าช้า",
                "ต้องแก้ไข" if c.errors else "ถูกต้อง",
                "; ".join(c.flags),
                ", ".join(u.name for u in c.gaps),
                f"{min(numbers)}–{max(numbers)}" if len(numbers) > 1 else str(numbers[0]),
            ]
        )
    return Table(name="committees", title="ทะเบียนคณะกรรมการ ศอช.", columns=list(COMMITTEE_COLUMNS), rows=out)


MATRIX_COLUMNS = [
    Column("unit_code", "รหัส", 8),
    Column("unit", "อำเภอ/จังหวัด", 16),
    Column("tambons", "จำนวนตำบล", 9, "int"),
    Column("tambon_registered", "ศอช.ต. ส่งทะเบียนแล้ว", 11, "int"),
    Column("tambon_flagged", "ศอช.ต. ต้องแก้ไข", 10, "int"),
    Column("tambon_missing", "ศอช.ต. ยังไม่ส่ง", 10, "int"),
    Column("registered_tambons", "ตำบลที่ส่งทะเบียนแล้ว", 40),
    Column("missing_tambons", "ตำบลที่ยังไม่ส่งทะเบียน", 30),
    Column("committee", "ทะเบียน ศอช.อ./ศอช.จ.", 13),
    Column("missing_districts", "อำเภอที่ยังไม่ส่งทะเบียน ศอช.อ.", 28),
    Column("complete", "ครบถ้วน", 8),
]


def _state(c: Committee | None) -> str:
    return "ยังไม่ส่ง" if c is None else "ต้องแก้ไข" if c.errors else "ส่งแล้ว"


def _matrix_table(ctx: FormContext, committees: Mapping[tuple[Level, str], Committee]) -> Table:
    out: list[Row] = []
    totals = [0, 0, 0, 0]
    missing_districts: list[str] = []
    complete_all = True
    for d in ctx.org.districts():
        tambons = ctx.org.tambons(d.code)
        have = [t for t in tambons if ("tambon", t.code) in committees]
        flagged = sum(1 for t in have if committees[("tambon", t.code)].errors)
        missing = [t for t in tambons if ("tambon", t.code) not in committees]
        own = committees.get(("district", d.code))
        complete = not missing and not flagged and own is not None and not own.errors
        complete_all &= complete
        if own is None:
            missing_districts.append(d.name)
        for i, n in enumerate((len(tambons), len(have), flagged, len(missing))):
            totals[i] += n
        out.append(
            [
                d.code,
                d.name,
                len(tambons),
                len(have),
                flagged,
                len(missing),
                ", ".join(t.name for t in have),
                ", ".join(t.name for t in missing),
                _state(own),
                "",
                "ครบ" if complete else "ไม่ครบ",
            ]
        )
    p = ctx.org.province
    own = committees.get(("province", p.code))
    complete_all &= own is not None and not own.errors
    out.append(
        [
            p.code,
            f"จังหวัด{p.name}",
            *totals,
            "",
            "",
            _state(own),
            ", ".join(missing_districts),
            "ครบ" if complete_all else "ไม่ครบ",
        ]
    )
    return Table(name="registry_matrix", title="ความครบถ้วนของทะเบียน", columns=list(MATRIX_COLUMNS), rows=out)


MEMBER_COLUMNS = [
    Column("level", "ระดับ", 8),
    Column("unit_code", "รหัสหน่วย", 10),
    Column("unit", "ชื่อหน่วย", 16),
    Column("district", "อำเภอ", 14),
    Column("name", "ชื่อ-สกุล", 24, "user"),
    Column("position", "ตำแหน่ง", 16),
    Column("position_as_written", "ตำแหน่งตามที่กรอก", 18, "user"),
    Column("represents", "ผู้แทนองค์กร/เครือข่าย", 28, "user"),
    Column("phone", "เบอร์โทรศัพท์", 14, "user"),
    Column("source_row", "แถวในชีตคำตอบ", 10, "int"),
]


def _members_table(rules: Rules, ordered: list[Committee]) -> Table:
    out: list[Row] = []
    for c in ordered:
        for m in c.members:
            out.append(
                [
                    rules.level_labels[c.level],
                    c.unit.code,
                    c.unit.name,
                    c.district.name if c.district else "",
                    m.name,
                    m.position.label if m.position else "",
                    m.position_text,
                    m.represents,
                    m.phone,
                    m.row.number,
                ]
            )
    return Table(name="registry_members", title="รายชื่อกรรมการ ศอช.", columns=list(MEMBER_COLUMNS), rows=out)
