"""Reporting cut-offs of a fiscal year, from config/calendar/*.yaml.

A cut-off says which form is due, from which units, by which date. Fixed dates
are written in BE as the circulars write them ("24 พฤศจิกายน 2566" or
"2566-11-24"); recurring ones ("the 25th of each month, May–September") are
expanded into one cut-off per month when the calendar is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pipeline import yamlfile
from pipeline.errors import ConfigError

UnitKind = Literal["districts", "tambons", "model_laos", "strong_tambons", "province"]
UNIT_KINDS: tuple[str, ...] = ("districts", "tambons", "model_laos", "strong_tambons", "province")

_ISO_BE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


@dataclass(frozen=True)
class Cutoff:
    id: str  # unique in the calendar, e.g. "assessment-1", "kpi32-2555-05"
    form: str  # source key in pipeline.yaml, e.g. "tambon_assessment"
    title: str  # Thai name of the report, for officers and mail
    units: UnitKind  # who must report
    due: date  # last day, inclusive, Asia/Bangkok
    period: str = ""  # round ("1", "2") or month ("2555-05"); "" for a one-off report
    to_department: date | None = None  # when the province forwards it, if the circular says

    @property
    def round(self) -> int | None:
        return int(self.period) if self.period.isdigit() else None


@dataclass(frozen=True)
class Calendar:
    path: Path
    province: str
    fiscal_year: int  # BE
    cutoffs: tuple[Cutoff, ...]
    circular: str = ""  # the circular that sets these cut-offs, named in the built forms

    def for_form(self, form: str) -> list[Cutoff]:
        return sorted((c for c in self.cutoffs if c.form == form), key=lambda c: c.due)

    def get(self, cutoff_id: str) -> Cutoff:
        for c in self.cutoffs:
            if c.id == cutoff_id:
                return c
        raise KeyError(cutoff_id)

    def period_for_date(self, form: str, submitted: date) -> Cutoff | None:
        """The cut-off a submission without an explicit round belongs to.

        Up to a cut-off's date it belongs to that cut-off. After it, it is a late
        report for that cut-off until halfway to the next one, and an early report
        for the next one after that: districts send late reports weeks late, never
        months.
        """
        cutoffs = self.for_form(form)
        if not cutoffs:
            return None
        for i, c in enumerate(cutoffs):
            if submitted <= c.due:
                return c
            nxt = cutoffs[i + 1] if i + 1 < len(cutoffs) else None
            if nxt is None:
                return c
            if submitted <= c.due + (nxt.due - c.due) / 2:
                return c
        return cutoffs[-1]


def parse_be_date(value: object, *, where: str) -> date:
    """A date written in BE in a calendar file: "2566-11-24" or "24 พฤศจิกายน 2566"."""
    from pipeline import thai

    if isinstance(value, date):
        # YAML turned an unquoted 2566-11-24 into a date: the year is BE.
        return _be(value.year, value.month, value.day, where)
    text = str(value)
    m = _ISO_BE.match(thai.to_arabic_digits(text))
    if m:
        return _be(int(m[1]), int(m[2]), int(m[3]), where)
    parsed = thai.parse_date(text)
    if parsed is None:
        raise ConfigError(
            f"'{text}' is not a date",
            where=where,
            fix="write the date in BE as in the circular, e.g. 2566-11-24 or '24 พฤศจิกายน 2566'",
        )
    return parsed


def _be(year: int, month: int, day: int, where: str) -> date:
    if year < 2400:
        raise ConfigError(
            f"year {year} looks like a Christian-Era year",
            where=where,
            fix=f"write years in BE as the circulars do (e.g. {year + 543})",
        )
    try:
        return date(year - 543, month, day)
    except ValueError as exc:
        raise ConfigError(
            f"{year}-{month}-{day} is not a real date ({exc})", where=where, fix="correct the date"
        ) from exc


def load_calendar(path: Path) -> Calendar:
    where = str(path)
    raw = yamlfile.read(path, what="calendar file", missing_fix="check the 'calendar' key of the settings")
    if not isinstance(raw, Mapping):
        raise ConfigError("expected a mapping with province, fiscal_year, cutoffs", where=where)
    for key in ("province", "fiscal_year", "cutoffs"):
        if key not in raw:
            raise ConfigError(f"missing key '{key}'", where=where, fix=f"add '{key}:' at the top level")
    fy = raw["fiscal_year"]
    if not isinstance(fy, int) or fy < 2400:
        raise ConfigError(
            f"fiscal_year {fy!r} is not a BE year",
            where=f"{where}: fiscal_year",
            fix="e.g. fiscal_year: 2567",
        )
    items = raw["cutoffs"]
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise ConfigError("'cutoffs' must be a list", where=f"{where}: cutoffs")
    cutoffs: list[Cutoff] = []
    for i, item in enumerate(items):
        cutoffs.extend(_cutoffs(item, f"{where}: cutoffs[{i}]"))
    ids = [c.id for c in cutoffs]
    dupes = sorted({x for x in ids if ids.count(x) > 1})
    if dupes:
        raise ConfigError(
            f"cut-off ids repeat: {', '.join(dupes)}", where=where, fix="give each cut-off its own id"
        )
    _check_periods(cutoffs, where)
    _check_fiscal_year(cutoffs, fy, where)
    return Calendar(
        path=path,
        province=str(raw["province"]),
        fiscal_year=fy,
        cutoffs=tuple(cutoffs),
        circular=str(raw.get("circular") or ""),
    )


def fiscal_year_span(fy: int) -> tuple[date, date]:
    """First and last day of a BE fiscal year: FY2567 is 1 Oct 2023 - 30 Sep 2024."""
    return date(fy - 544, 10, 1), date(fy - 543, 9, 30)


def forwarding_deadline(fy: int) -> date:
    """The latest a province -> department date may be: the first quarter after the year ends.

    A district's cut-off lies inside the fiscal year, but the province forwards the
    year's last reports (September's KPI 3.2, a round due on 30 September) to the
    department in the weeks after, which is the next fiscal year's first quarter.
    """
    return date(fy - 543, 12, 31)


def _check_fiscal_year(cutoffs: list[Cutoff], fy: int, where: str) -> None:
    start, end = fiscal_year_span(fy)
    late = forwarding_deadline(fy)
    problems = []
    for c in cutoffs:
        if not start <= c.due <= end:
            problems.append(
                f"cut-off '{c.id}': due {_be_text(c.due)} is outside fiscal year {fy} "
                f"({_be_text(start)} – {_be_text(end)})"
            )
        if c.to_department is not None and not c.due <= c.to_department <= late:
            problems.append(
                f"cut-off '{c.id}': to_department {_be_text(c.to_department)} must lie between its due "
                f"date {_be_text(c.due)} and {_be_text(late)}"
            )
    if problems:
        raise ConfigError(
            "; ".join(problems),
            where=f"{where}: cutoffs",
            fix=f"write this fiscal year's dates in BE (fiscal year {fy} runs {_be_text(start)} – "
            f"{_be_text(end)}), or correct fiscal_year",
        )


def _check_periods(cutoffs: list[Cutoff], where: str) -> None:
    seen: dict[tuple[str, str], str] = {}
    for c in cutoffs:
        other = seen.setdefault((c.form, c.period), c.id)
        if other != c.id:
            what = f"round {c.period}" if c.period else "no round"
            raise ConfigError(
                f"cut-offs '{other}' and '{c.id}' are both form {c.form} with {what}",
                where=f"{where}: cutoffs",
                fix="give each cut-off of a form its own round:, or remove the repeated one",
            )


def _be_text(d: date) -> str:
    return f"{d.year + 543}-{d.month:02d}-{d.day:02d}"


def _cutoffs(item: Any, where: str) -> list[Cutoff]:
    if not isinstance(item, Mapping):
        raise ConfigError("each cut-off must be a mapping", where=where)
    for key in ("id", "form", "title", "units"):
        if not item.get(key):
            raise ConfigError(f"missing key '{key}'", where=where, fix=f"add '{key}:' to this cut-off")
    units = str(item["units"])
    if units not in UNIT_KINDS:
        raise ConfigError(
            f"units '{units}' is not known",
            where=f"{where}.units",
            fix=f"use one of: {', '.join(UNIT_KINDS)}",
        )
    base = {"form": str(item["form"]), "title": str(item["title"]), "units": units}
    to_dept = (
        parse_be_date(item["to_department"], where=f"{where}.to_department")
        if item.get("to_department")
        else None
    )
    if "due" in item and "recurring" in item:
        raise ConfigError("a cut-off has either 'due' or 'recurring', not both", where=where)
    if "due" in item:
        period = str(item.get("round", item.get("period", "")))
        return [
            Cutoff(
                id=str(item["id"]),
                due=parse_be_date(item["due"], where=f"{where}.due"),
                period=period,
                to_department=to_dept,
                **base,  # type: ignore[arg-type]
            )
        ]
    rec = item.get("recurring")
    if not isinstance(rec, Mapping):
        raise ConfigError(
            "a cut-off needs 'due' (a date) or 'recurring'",
            where=where,
            fix="e.g. recurring: {day: 25, months: [5, 6, 7, 8, 9], year: 2555}",
        )
    day, months, year = rec.get("day"), rec.get("months"), rec.get("year")
    if not isinstance(day, int) or not 1 <= day <= 31:
        raise ConfigError(f"recurring.day {day!r} is not a day of the month", where=f"{where}.recurring.day")
    if (
        not isinstance(months, list)
        or not months
        or not all(isinstance(m, int) and 1 <= m <= 12 for m in months)
    ):
        raise ConfigError("recurring.months must list month numbers 1-12", where=f"{where}.recurring.months")
    if not isinstance(year, int) or year < 2400:
        raise ConfigError(
            "recurring.year must be the BE year of the first month",
            where=f"{where}.recurring.year",
            fix="e.g. year: 2555",
        )
    out: list[Cutoff] = []
    y, prev = year, months[0]
    for m in months:
        if m < prev:  # e.g. months: [11, 12, 1, 2] crosses into the next year
            y += 1
        prev = m
        out.append(
            Cutoff(
                id=f"{item['id']}-{y}-{m:02d}",
                due=_be(y, m, day, f"{where}.recurring"),
                period=f"{y}-{m:02d}",
                to_department=None,
                **base,  # type: ignore[arg-type]
            )
        )
    return out
