"""The progress assessment's rules, read from its schema: the items, their lines and counts, the
committee sizes, and how a count is read. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pipeline import thai
from pipeline.errors import ConfigError
from pipeline.forms.base import th_num
from pipeline.forms.facts import Level
from pipeline.models import Cell
from pipeline.schema import FormSchema

Measure = Literal["units", "committees", "people", "activities"]
LEVEL_WORD: dict[Level, str] = {"tambon": "ตำบล", "district": "อำเภอ", "province": "จังหวัด"}
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
class Item:
    number: int
    text: str
    short: str
    one_line: bool
    lines: tuple[tuple[Count, ...], ...]


@dataclass(frozen=True)
class Rules:
    items: tuple[Item, ...]
    min_size: int
    max_size: int
    assessed: str  # field compared with the assessments received
    registry: Mapping[Level, Mapping[str, str]]  # level -> measure -> field
    document: Mapping[str, str]

    @property
    def counts(self) -> list[Count]:
        return [c for i in self.items for line in i.lines for c in line]

    @classmethod
    def from_schema(cls, schema: FormSchema) -> Rules:
        extra: Mapping[str, Any] = schema.extra or {}
        where = f"sheets_schema/{schema.name}.yaml"
        try:
            items = []
            for spec in extra["items"]:
                lines = []
                for line in spec["lines"]:
                    level = line["level"]
                    if level not in LEVEL_WORD:
                        raise ValueError(f"level {level!r}")
                    lines.append(
                        tuple(Count(line[m], int(spec["number"]), level, m) for m in MEASURES if m in line)
                    )
                items.append(
                    Item(
                        int(spec["number"]),
                        str(spec["text"]),
                        str(spec["short"]),
                        bool(spec.get("one_line")),
                        tuple(lines),
                    )
                )
            size = extra["committee_size"]
            checks = extra["cross_checks"]
            layout = cls(
                items=tuple(items),
                min_size=int(size["min"]),
                max_size=int(size["max"]),
                assessed=str(checks["assessed"]),
                registry={lv: dict(v) for lv, v in checks["registry"].items()},
                document={str(k): str(v) for k, v in extra["document"].items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"the progress form's layout is incomplete: {exc!r}",
                where=where,
                fix="give items (number, text, short, lines of level + measures), committee_size, "
                "cross_checks (assessed, registry) and document",
            ) from exc
        unknown = sorted({c.key for c in layout.counts} - {f.key for f in schema.fields})
        if unknown:
            raise ConfigError(f"items name fields that are not listed: {', '.join(unknown)}", where=where)
        return layout


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
