"""The progress assessment's rules, read from its schema: the items, their lines and counts, the
committee sizes, and how a count is read. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, cast

from pipeline import thai
from pipeline.errors import ConfigError
from pipeline.forms import declared
from pipeline.forms.base import th_num
from pipeline.forms.committees import Size
from pipeline.forms.facts import Level
from pipeline.models import Cell
from pipeline.schema import FormSchema

Measure = Literal["units", "committees", "people", "activities"]
LEVEL_WORD: dict[str, str] = {"tambon": "ตำบล", "district": "อำเภอ", "province": "จังหวัด"}
MEASURE_WORD: dict[Measure, str] = {"committees": "คณะ", "people": "คน", "activities": "กิจกรรม"}
MEASURES: tuple[Measure, ...] = ("units", "committees", "people", "activities")
_UNIT_WORDS = re.compile(r"\s*(?:คณะ|อำเภอ|จังหวัด)\s*$")


@dataclass(frozen=True)
class Count:
    key: str  # field key, e.g. "p1_tambon_units"
    item: int
    level: Level
    measure: Measure

    @property
    def word(self) -> str:
        """The unit the form prints after the blank: ตำบล, คณะ, คน, กิจกรรม …"""
        return LEVEL_WORD[self.level] if self.measure == "units" else MEASURE_WORD[self.measure]

    @property
    def header(self) -> str:
        if self.measure in ("units", "activities"):
            return f"({th_num(self.item)}) {self.word}"
        return f"({th_num(self.item)}) {self.word} ({LEVEL_WORD[self.level]})"

    @property
    def label(self) -> str:
        """For messages: "ข้อ (๑) ระดับตำบล จำนวนคน"."""
        return f"ข้อ ({th_num(self.item)}) ระดับ{LEVEL_WORD[self.level]} จำนวน{self.word}"


@dataclass(frozen=True)
class Line:
    """One level of a printed item, and the fields of its measures."""

    level: str
    units: str | None = None
    committees: str | None = None
    people: str | None = None
    activities: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVEL_WORD:
            raise ValueError(f"level '{self.level}': use one of {', '.join(LEVEL_WORD)}")


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    short: str
    lines: tuple[Line, ...]
    one_line: bool = False

    @cached_property
    def counts(self) -> tuple[tuple[Count, ...], ...]:
        """Per line, its blanks on the printed form."""
        return tuple(
            tuple(
                Count(k, self.number, cast(Level, line.level), m)
                for m in MEASURES
                if (k := getattr(line, m)) is not None
            )
            for line in self.lines
        )


@dataclass(frozen=True)
class Registered:
    units: str
    people: str


@dataclass(frozen=True)
class RegistryChecks:
    tambon: Registered
    district: Registered


@dataclass(frozen=True)
class CrossChecks:
    assessed: str  # field compared with the assessments received
    registry: RegistryChecks  # level -> measure -> field compared with the committee registry


@dataclass(frozen=True)
class Headings:
    """The printed form's title and section headings (the schema's `document:`)."""

    title: str
    results: str
    problems: str
    suggestions: str


@dataclass(frozen=True)
class Rules:
    """The progress form's `rules:` as its schema writes them."""

    committee_size: Size
    items: tuple[Item, ...]
    cross_checks: CrossChecks
    document: Headings

    @property
    def counts(self) -> list[Count]:
        return [c for i in self.items for line in i.counts for c in line]

    @classmethod
    def from_schema(cls, schema: FormSchema) -> Rules:
        """The schema's rules typed (or a ConfigError naming the file, the key and the fix)."""
        rules = declared.rules_of(cls, schema)
        unknown = sorted({c.key for c in rules.counts} - {f.key for f in schema.fields})
        if unknown:
            raise ConfigError(
                f"items name fields that are not listed: {', '.join(unknown)}",
                where=f"sheets_schema/{schema.name}.yaml: rules.items",
                fix="list them under fields:, or correct the item's line",
            )
        return rules


def parse_whole(value: Cell) -> tuple[int | None, str]:
    """A count as a whole number >= 0, or (None, why not): the code of the schema's message saying it."""
    if isinstance(value, str):
        value = _UNIT_WORDS.sub("", thai.clean_text(value))
    number = thai.parse_count(value)
    if number is None:
        return None, "not_number"
    if number < 0:
        return None, "negative"
    if not number.is_integer():
        return None, "not_whole"
    return int(number), ""
