"""The committees of the registry as the form reads them: its rules, members, committees, and the
pure parsing of levels, positions, names and the centres a member represents."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Literal, TypeVar

from pipeline import thai
from pipeline.forms.base import FormContext
from pipeline.forms.declared import Entry, message
from pipeline.forms.facts import Level
from pipeline.models import Cell
from pipeline.orgunits import Unit

LEVELS: tuple[Level, ...] = ("province", "district", "tambon")
T = TypeVar("T")


@dataclass(frozen=True)
class Size:
    """An executive committee's size, both ends included (seed 004: 9 to 25)."""

    min: int
    max: int

    def __post_init__(self) -> None:
        if not 0 < self.min <= self.max:
            raise ValueError(
                f"min {self.min} and max {self.max}: write 0 < min <= max, e.g. {{min: 9, max: 25}}"
            )


@dataclass(frozen=True)
class LevelSpec:
    label: str  # "ศอช.ต." …
    words: tuple[str, ...]  # what respondents write for the level


@dataclass(frozen=True)
class LevelSpecs:
    tambon: LevelSpec
    district: LevelSpec
    province: LevelSpec


ROLES = ("chair", "secretary", "member", "advisor")


@dataclass(frozen=True)
class Position:
    label: str  # the canonical Thai title, e.g. "ประธาน"
    role: str  # chair | secretary | member | advisor
    spellings: tuple[str, ...]
    counted: bool = True  # counts toward the committee's 9-25

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(
                f"the position '{self.label}' has role '{self.role}': use one of {', '.join(ROLES)}"
            )


@dataclass(frozen=True)
class Rules:
    """The registry's `rules:` as its schema writes them, and the look-ups answers are read with."""

    committee_size: Size
    submission_gap_minutes: int
    committee_levels: LevelSpecs
    positions: tuple[Position, ...]

    def __post_init__(self) -> None:
        if self.submission_gap_minutes <= 0:
            raise ValueError("submission_gap_minutes must be more than 0, e.g. 120")
        if not any(p.label == "กรรมการ" and p.role == "member" for p in self.positions):
            raise ValueError(
                "positions need the plain member: {label: กรรมการ, role: member, spellings: [กรรมการ]}"
            )

    @property
    def gap(self) -> timedelta:
        return timedelta(minutes=self.submission_gap_minutes)

    @cached_property
    def level_labels(self) -> dict[Level, str]:
        return {lv: getattr(self.committee_levels, lv).label for lv in LEVELS}

    @cached_property
    def level_words(self) -> dict[str, Level]:
        """title_key of a word -> level."""
        return {thai.title_key(w): lv for lv in LEVELS for w in getattr(self.committee_levels, lv).words}

    @cached_property
    def spellings(self) -> list[tuple[str, Position]]:
        """title_key of a spelling -> position, longest first."""
        found = [(thai.title_key(s), p) for p in self.positions for s in p.spellings]
        return sorted(found, key=lambda p: -len(p[0]))

    @property
    def default_position(self) -> Position:
        """Where a blank or unknown position is counted: the plain member."""
        return next(p for p in self.positions if p.role == "member" and p.label == "กรรมการ")


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
    return next((p for spelling, p in rules.spellings if key.startswith(spelling)), None) if key else None


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


@dataclass
class Member(Entry):
    """One response row: a member of the committee of `who` (its level: `tier`)."""

    who: Unit | None = None
    tier: Level | None = None
    name: str = ""
    name_key: str = ""
    position: Position | None = None
    position_text: str = ""
    represents: str = ""
    phone: str = ""
    announced_raw: Cell = None
    announced: date | None = None

    @property
    def committee(self) -> tuple[Level, str] | None:
        return None if self.tier is None or self.who is None else (self.tier, self.who.code)


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
        return _counted(self.members)

    @property
    def unread(self) -> int:
        """The members of this submission whose place could not be read."""
        return _counted(self.unplaced)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(m.name_key for m in self.members)


def _counted(members: list[Member]) -> int:
    """Members toward the committee's size: advisors not counted."""
    return sum(1 for m in members if m.position is None or m.position.counted)


def committee_title(ctx: FormContext, rules: Rules, level: Level, unit: Unit) -> str:
    """The committee as messages name it, e.g. "คณะกรรมการ ศอช.ต.บ้านต๋อม"."""
    return message(ctx, "title", level=rules.level_labels[level], unit=unit.name)
