"""Form schemas: sheets_schema/<name>.yaml as typed, checked data.

A schema names a form's fields (the column titles they go by and, for the engine
to read them, the kind of answer, what a blank is and a number's limits) and,
for scored forms, the rubric: categories, indicators with their Thai band
labels and numeric bands, the project's rulings on the circular's ambiguous
points, and the level thresholds. Loading checks that every possible answer
falls in exactly one band or one ruling, so a scoring gap is a schema error at
start-up, never a surprise in a district's score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from pipeline import thai, yamlfile
from pipeline.calendar import UNIT_KINDS
from pipeline.errors import ConfigError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "sheets_schema"
Kind = Literal["percent", "count", "choice"]
# What a field's answer is, as the engine reads it (pipeline/forms/engine.py `read`); a file is an upload.
FIELD_KINDS = ("text", "date", "count", "baht", "yes_no", "file")
BLANKS = ("ok", "missing", "bad")  # an empty answer: nothing, the error missing_<key>, or unreadable
LIMITS = ("ge", "gt", "le", "lt")  # a count's or an amount's bounds; outside them it is bad_<key>


@dataclass(frozen=True)
class FieldSpec:
    key: str
    titles: tuple[str, ...]
    required: bool = True  # the sheet must have the column
    kind: str = "text"
    blank: str = "ok"
    limits: Interval | None = None
    # Found by parts when no title matches: the item's number on the paper form and
    # groups of words, one of each group somewhere in the column's title.
    number: str = ""
    words: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[str, ...] = ()  # words that rule a column out ("BPM" for a report date)


@dataclass(frozen=True)
class Interval:
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def contains(self, x: float) -> bool:
        return (
            (self.ge is None or x >= self.ge)
            and (self.gt is None or x > self.gt)
            and (self.le is None or x <= self.le)
            and (self.lt is None or x < self.lt)
        )


@dataclass(frozen=True)
class Band:
    score: int
    label: str
    interval: Interval | None  # None for choice indicators
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ruling:
    """The project's decision for values the circular leaves ambiguous."""

    interval: Interval
    score: int
    note: str  # Thai: why, shown to officers with the warning


@dataclass(frozen=True, eq=False)  # identity hash: indicators are loaded once and memo keys
class Indicator:
    no: int
    category: int
    title: str
    kind: Kind
    bands: tuple[Band, ...]
    rulings: tuple[Ruling, ...] = ()
    # How a built form asks it: "band" offers the band labels; "figure" asks the raw number.
    ask: Literal["band", "figure"] = "band"

    @property
    def key(self) -> str:
        return f"i{self.no}"

    def label_index(self) -> dict[str, Band]:
        return _label_index(self.bands)


@cache
def _label_index(bands: tuple[Band, ...]) -> dict[str, Band]:
    return {thai.label_key(text): b for b in bands for text in (b.label, *b.aliases)}


@dataclass(frozen=True)
class Category:
    no: int
    title: str


@dataclass(frozen=True)
class Level:
    level: int
    label: str
    min: int
    max: int


@dataclass(frozen=True)
class Reporting:
    """What a form needs from the calendar (the schema's `calendar:`), checked when the settings load."""

    units: str  # the `units:` of its cut-offs: who reports it
    cutoffs: Literal["one", "rounds", "some"]  # a single cut-off; numbered rounds (round: 1, 2); one or more


CUTOFFS = ("one", "rounds", "some")


@dataclass(frozen=True)
class FormSchema:
    name: str
    title: str
    unit: str
    fields: tuple[FieldSpec, ...]
    categories: tuple[Category, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    levels: tuple[Level, ...] = ()
    calendar: Reporting | None = None  # None: a schema no source may use until it says
    extra: Mapping[str, Any] | None = None  # form-specific rules, read by the form's module

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)

    def level_for(self, total: int) -> Level | None:
        return next((lv for lv in self.levels if lv.min <= total <= lv.max), None)

    @property
    def max_total(self) -> int:
        return sum(max(b.score for b in i.bands) for i in self.indicators)


@cache
def load_schema(name: str, directory: Path = SCHEMA_DIR) -> FormSchema:
    path = directory / f"{name}.yaml"
    where = str(path)
    try:
        raw = yamlfile.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml")))
        raise ConfigError(f"no schema named '{name}'", where=where, fix=f"use one of: {known}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", where=where, fix="correct the YAML syntax") from exc
    if not isinstance(raw, Mapping):
        raise ConfigError("a schema must be a mapping", where=where)
    for key in ("form", "title", "unit", "fields"):
        if key not in raw:
            raise ConfigError(f"missing key '{key}'", where=where, fix=f"add '{key}:'")
    fields = tuple(_field(k, v, f"{where}: fields.{k}") for k, v in dict(raw["fields"]).items())
    categories = tuple(Category(int(c["number"]), str(c["title"])) for c in raw.get("categories", []))
    indicators = tuple(
        _indicator(i, f"{where}: indicators[{n}]") for n, i in enumerate(raw.get("indicators", []))
    )
    levels = tuple(
        Level(int(lv["level"]), str(lv["label"]), int(lv["min"]), int(lv["max"]))
        for lv in raw.get("levels", [])
    )
    extra = {
        k: v
        for k, v in raw.items()
        if k not in {"form", "title", "unit", "fields", "categories", "indicators", "levels", "calendar"}
    }
    schema = FormSchema(
        name=str(raw["form"]),
        title=str(raw["title"]),
        unit=str(raw["unit"]),
        fields=fields,
        categories=categories,
        indicators=indicators,
        levels=levels,
        calendar=_reporting(raw["calendar"], f"{where}: calendar") if "calendar" in raw else None,
        extra=extra,
    )
    _check(schema, where)
    return schema


def _reporting(spec: Any, where: str) -> Reporting:
    example = "e.g. calendar: {units: districts, cutoffs: one}"
    if not isinstance(spec, Mapping) or set(spec) != {"units", "cutoffs"}:
        raise ConfigError("'calendar' needs exactly 'units' and 'cutoffs'", where=where, fix=example)
    units, cutoffs = str(spec["units"]), str(spec["cutoffs"])
    if units not in UNIT_KINDS:
        raise ConfigError(
            f"units '{units}' is not known",
            where=f"{where}.units",
            fix=f"use one of: {', '.join(UNIT_KINDS)}",
        )
    if cutoffs not in CUTOFFS:
        raise ConfigError(
            f"cutoffs '{cutoffs}' is not known",
            where=f"{where}.cutoffs",
            fix="use one (a single cut-off), rounds (numbered rounds: round: 1, 2) or some (one or more)",
        )
    return Reporting(units, cutoffs)  # type: ignore[arg-type]  # checked against CUTOFFS just above


def _field(key: str, spec: Any, where: str) -> FieldSpec:
    if not isinstance(spec, Mapping) or not spec.get("titles"):
        raise ConfigError("a field needs 'titles' (the column titles it goes by)", where=where)
    parts = spec.get("parts") or {}
    if not isinstance(parts, Mapping) or (parts and not (parts.get("number") and parts.get("words"))):
        raise ConfigError(
            "'parts' needs the item's number and its word groups",
            where=where,
            fix="e.g. parts: {number: 1, words: [[ระดับตำบล], [จำนวนคน]]}",
        )
    words = tuple(tuple(str(w) for w in ([g] if isinstance(g, str) else g)) for g in parts.get("words", []))
    kind, blank = str(spec.get("kind", "text")), str(spec.get("blank", "ok"))
    if kind not in FIELD_KINDS:
        raise ConfigError(
            f"kind '{kind}' is not known", where=f"{where}.kind", fix=f"use one of: {', '.join(FIELD_KINDS)}"
        )
    if blank not in BLANKS:
        raise ConfigError(
            f"blank '{blank}' is not known",
            where=f"{where}.blank",
            fix="use ok (an empty answer is nothing), missing (it is the error missing_<key>) or bad (as unreadable)",
        )
    if blank == "bad" and kind in ("text", "file"):
        raise ConfigError(
            f"a {kind} answer is never unreadable", where=f"{where}.blank", fix="use blank: missing or ok"
        )
    for limit in (k for k in LIMITS if k in spec):
        if kind not in ("count", "baht"):
            raise ConfigError(
                f"a {kind} field has no '{limit}'",
                where=f"{where}.{limit}",
                fix="limits are for kind count or baht",
            )
        if isinstance(spec[limit], bool) or not isinstance(spec[limit], int | float):
            raise ConfigError(
                f"the limit '{limit}' is {spec[limit]!r}, not a number",
                where=f"{where}.{limit}",
                fix=f"write a number, e.g. {limit}: 1",
            )
    return FieldSpec(
        key=key,
        titles=tuple(str(t) for t in spec["titles"]),
        required=bool(spec.get("required", True)),
        kind=kind,
        blank=blank,
        limits=_interval(spec) if any(k in spec for k in LIMITS) else None,
        number=thai.to_arabic_digits(str(parts.get("number", ""))),
        words=words,
        exclude=tuple(str(w) for w in spec.get("exclude", [])),
    )


def _interval(spec: Mapping[str, Any]) -> Interval:
    def get(k: str) -> float | None:
        return float(spec[k]) if k in spec and spec[k] is not None else None

    return Interval(ge=get("ge"), gt=get("gt"), le=get("le"), lt=get("lt"))


def _indicator(spec: Any, where: str) -> Indicator:
    kind = spec.get("kind")
    if kind not in ("percent", "count", "choice"):
        raise ConfigError(
            f"kind {kind!r} is not known", where=f"{where}.kind", fix="use percent, count or choice"
        )
    bands = []
    for b in spec.get("bands", []):
        numeric = any(k in b for k in ("ge", "gt", "le", "lt"))
        if kind != "choice" and not numeric:
            raise ConfigError(f"band '{b.get('label')}' has no bounds", where=where, fix="add ge/gt/le/lt")
        bands.append(
            Band(
                score=int(b["score"]),
                label=str(b["label"]),
                interval=_interval(b) if numeric else None,
                aliases=tuple(str(a) for a in b.get("aliases", [])),
            )
        )
    rulings = tuple(
        Ruling(interval=_interval(r), score=int(r["score"]), note=str(r["note"]))
        for r in spec.get("resolve", [])
    )
    ask = spec.get("ask", "band")
    if ask not in ("band", "figure") or (ask == "figure" and kind == "choice"):
        raise ConfigError(
            f"ask {ask!r} is not possible for a {kind} indicator",
            where=f"{where}.ask",
            fix="use ask: band (the form offers the band labels), or ask: figure for a percent or count",
        )
    return Indicator(
        ask=ask,
        no=int(spec["number"]),
        category=int(spec["category"]),
        title=str(spec["title"]),
        kind=kind,
        bands=tuple(bands),
        rulings=rulings,
    )


def _check(schema: FormSchema, where: str) -> None:
    nos = [i.no for i in schema.indicators]
    if nos != list(range(1, len(nos) + 1)):
        raise ConfigError("indicators must be numbered 1, 2, 3 … in order", where=where)
    cats = {c.no for c in schema.categories}
    for ind in schema.indicators:
        w = f"{where}: indicator {ind.no}"
        if ind.category not in cats:
            raise ConfigError(f"category {ind.category} is not listed under categories", where=w)
        keys = [thai.label_key(t) for b in ind.bands for t in (b.label, *b.aliases)]
        if len(keys) != len(set(keys)):
            raise ConfigError("two band labels read the same once spacing and digits are ignored", where=w)
        if ind.kind == "choice":
            continue
        # Every value a form can carry must land in one band or one ruling.
        if ind.kind == "count":
            samples = [float(n) for n in range(0, 1001)]
        else:
            samples = [n / 10 for n in range(0, 1001)] + [0.01, 0.5, 0.99, 99.99]
        for x in samples:
            if any(r.interval.contains(x) for r in ind.rulings):
                continue
            hits = [b for b in ind.bands if b.interval and b.interval.contains(x)]
            if len(hits) != 1:
                what = "no band" if not hits else "several bands"
                raise ConfigError(
                    f"the value {x:g} falls in {what}",
                    where=w,
                    fix="add a 'resolve' ruling for it with the score and a note saying why",
                )
    totals = range(len(schema.indicators), schema.max_total + 1)
    for t in totals if schema.levels else ():
        if schema.level_for(t) is None:
            raise ConfigError(
                f"a total of {t} has no level", where=where, fix="make the level ranges cover it"
            )
