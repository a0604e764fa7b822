"""What every form does the same way: the row it reads, which report counts, late and on time,
unit status. Pure.

The form engine is three modules: base.py reads a response sheet (its context and
result, the rows, places and timestamps, the issue log); this module judges what
was read (an `Entry` per row, `RowLog` says its issues, `message` in the schema's words,
`read` a field by its kind, `latest` finds the report that counts per unit and period, `late_message`
and `on_time`, `status`); declared.py composes them into the flow every form follows
(`declared.evaluate`): superseding, its late warnings and row tally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pipeline import thai
from pipeline.answers import parse_baht, parse_yes_no, split_links
from pipeline.calendar import Cutoff, fiscal_year_span
from pipeline.forms.base import (
    FormContext,
    IssueLog,
    SheetRow,
    day,
    local_date,
    th_num,
)
from pipeline.models import Cell, Severity, UnitStatus
from pipeline.orgunits import Unit
from pipeline.schema import FormSchema
from pipeline.settings import ModelLao

ON_TIME, LATE = "ตรงเวลา", "ล่าช้า"


Named = Unit | ModelLao  # a unit that reports: a district, a tambon, a model LAO


@dataclass
class Entry:
    """One row of a response sheet as a form reads it: its place, time and cut-off, and what the
    form's rules read from it."""

    row: SheetRow
    at: datetime | None
    district: Unit | None
    tambon: Unit | None
    cutoff: Cutoff | None
    ok: bool = True  # no error: it counts
    superseded_by: int = 0  # the sheet row that replaced it; 0: none
    values: dict[str, Any] = field(default_factory=dict)  # set by the rules module
    flags: list[str] = field(default_factory=list)  # the circular's rules not met, as the form names them
    level: str = "district"  # the schema's unit: who reports, one row each
    who: Named | None = None  # the unit that reports when it is neither a district nor a tambon
    late: bool = False
    shown: Cell = None  # the cell the late warning shows; None: the time itself
    # Its parts that count, when the form's reports come in parts.
    kept: list[str] = field(default_factory=list)

    @property
    def unit(self) -> Named | None:
        return {"district": self.district, "tambon": self.tambon}.get(self.level, self.who)

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.unit.code, self.cutoff.period) if self.unit and self.cutoff else None


class _Cell:
    """The default `value` of an issue: the row's own cell under the issue's key."""


CELL: Any = _Cell()


@dataclass
class RowLog:
    """The issues about one sheet row, its row number and place said once; an error keeps the
    row's submission, when it has one, from counting."""

    log: IssueLog
    row: SheetRow
    district: Unit | None = None
    tambon: Unit | None = None
    submission: Entry | None = None
    errors: int = 0

    def cell(self, key: str) -> Cell:
        """The row's answer under the schema's field `key`."""
        return self.log.cmap.get(self.row.cells, key)

    def text(self, key: str) -> str:
        """The row's answer under `key` as clean text; "" when blank."""
        raw = self.cell(key)
        return "" if thai.is_blank(raw) else thai.clean_text(str(raw))

    def add(
        self,
        severity: Severity,
        code: str,
        said: str = "",
        key: str = "",
        value: Cell = CELL,
        **names: object,
    ) -> None:
        """An issue of the row: `said`, or else the schema's message `code` filled in with `names`;
        the value shown is the row's cell under `key` unless `value` is given."""
        if value is CELL:
            value = self.cell(key) if key else None
        said = said or message(self.log.ctx, code, **names)
        where = {"district": self.district, "tambon": self.tambon}
        self.log.add(self.row.number, severity, code, said, key=key, value=value, **where)

    def error(self, code: str, said: str = "", key: str = "", value: Cell = CELL, **names: object) -> None:
        self.errors += 1
        if self.submission is not None:
            self.submission.ok = False
        self.add("error", code, said, key, value, **names)

    def warning(self, code: str, said: str = "", key: str = "", value: Cell = CELL, **names: object) -> None:
        self.add("warning", code, said, key, value, **names)


# The engine's wording of a date answer, one copy for every form; a schema may word it its own way.
SHARED_MESSAGES = {
    "missing_date": "ไม่ได้กรอก{what} — โปรดกรอกวันที่ เช่น ๑๕ ม.ค. ๒๕๖๗",
    "bad_date": 'อ่าน{what} "{raw}" ไม่ได้ — โปรดกรอกวันที่ที่มีอยู่จริง เช่น ๑๕ ม.ค. ๒๕๖๗ หรือ 15/01/2567',
    "future_date": "{what} {day} ยังมาไม่ถึง — โปรดตรวจสอบวันที่และปี พ.ศ.",
}


def messages_of(schema: FormSchema) -> dict[str, str]:
    """The Thai messages a form says: the engine's shared ones, then its schema's."""
    return SHARED_MESSAGES | ((schema.extra or {}).get("messages") or {})


def message(ctx: FormContext, code: str, **values: object) -> str:
    """The form's Thai message for `code`, filled in (numbers in Thai digits)."""
    texts = messages_of(ctx.schema)
    filled = {
        k: th_num(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return str(texts[code]).format(**filled)


def about(log: IssueLog, e: Entry) -> RowLog:
    """The issues of a row."""
    return RowLog(log, e.row, e.district, e.tambon, e)


_PARSE: dict[str, Callable[[Cell], Any]] = {
    "date": thai.parse_date,
    "count": thai.parse_count,
    "baht": parse_baht,
    "yes_no": parse_yes_no,
    "file": split_links,
}


def read(ctx: FormContext, e: Entry, say: RowLog, key: str, **names: object) -> Any:
    """The answer under the schema's field `key`, read by its `kind` into e.values[key]: clean text ("" when
    blank), a date (not after today: future_date), a whole number, an amount of baht, True/False, an upload's
    links; None when blank or wrong. A blank is said as the field's `blank:` says (missing_<key>); an
    unreadable answer, or a number outside the field's limits (a count is never below 0), is the error
    bad_<key>, or bad_<kind>. The message is the schema's for the code, else for the kind (missing_date),
    filled in with {raw}, `names` and, for a date, {what}: its name, the schema's date_<key>."""
    spec, texts = ctx.schema.field(key), messages_of(ctx.schema)
    raw, blank = say.cell(key), thai.is_blank(say.cell(key))
    value: Any = None
    names |= {"what": message(ctx, f"date_{key}")} if spec.kind == "date" else {}
    if spec.kind not in _PARSE:
        value = say.text(key)
    elif not blank or spec.blank == "bad":
        value = _PARSE[spec.kind](raw)
        number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is not None and spec.kind == "count":
            value = int(number) if number.is_integer() and number >= 0 else None
        if value is None or (number is not None and spec.limits and not spec.limits.contains(number)):
            code, value = f"bad_{key}" if f"bad_{key}" in texts else f"bad_{spec.kind}", None
            shown = str(raw) if spec.kind == "date" else "" if raw is None else raw  # a date as typed
            say.error(code, message(ctx, code, raw=shown, **names), key)
        elif spec.kind == "date" and value > ctx.today:
            say.error("future_date", message(ctx, "future_date", day=day(value), **names), key)
            value = None
    if blank and spec.blank == "missing":
        code = f"missing_{key}"
        say.error(code, message(ctx, code if code in texts else f"missing_{spec.kind}", **names), key)
    e.values[key] = value
    return value


def in_fiscal_year(ctx: FormContext, day: date) -> bool:
    start, end = fiscal_year_span(ctx.settings.fiscal_year)
    return start <= day <= end


def period_of(ctx: FormContext, at: datetime, cutoffs: Sequence[Cutoff]) -> Cutoff:
    """The cut-off a submission sent at `at` answers: the first due on or after that day, else the last."""
    return ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, at)) or cutoffs[-1]


def latest(entries: Iterable[Entry], *, undated: bool = False) -> dict[tuple[str, str], Entry]:
    """Per unit and cut-off, the report that counts: the latest one sent; at the same time, the lower
    row (it was appended later). Without a time a row takes part only when `undated` (as the oldest)."""
    out: dict[tuple[str, str], Entry] = {}
    for e in entries:
        if e.key is None or (e.at is None and not undated):
            continue
        best = out.get(e.key)
        if best is None or (e.at or datetime.min, e.row.number) > (best.at or datetime.min, best.row.number):
            out[e.key] = e
    return out


def days_late(ctx: FormContext, at: datetime | None, cutoff: Cutoff | None) -> int:
    """Days after the cut-off's due date it was sent; 0 when on time or unknown."""
    if at is None or cutoff is None:
        return 0
    return max(0, (local_date(ctx, at) - cutoff.due).days)


def on_time(ctx: FormContext, at: datetime | None, cutoff: Cutoff) -> str:
    """The on-time column of a table: ตรงเวลา, ล่าช้า, or blank when nothing was sent."""
    if at is None:
        return ""
    return LATE if days_late(ctx, at, cutoff) else ON_TIME


def sent(ctx: FormContext, at: datetime | None, cutoff: Cutoff) -> list[Cell]:
    """A table's two columns of when a report was sent: the time, and ตรงเวลา or ล่าช้า."""
    return [at.replace(tzinfo=None) if at else None, on_time(ctx, at, cutoff)]


def late_message(ctx: FormContext, at: datetime, cutoff: Cutoff, due: str) -> str:
    """`due`: what was due, as the circular says it; the schema's `late_counts`: how the late
    submission still counts."""
    return (
        f"ส่งหลังกำหนด {th_num(days_late(ctx, at, cutoff))} วัน (กำหนดส่ง{due} {thai.format_thai_date(cutoff.due)}) "
        f"— {message(ctx, 'late_counts')} แต่ถูกบันทึกว่าส่งล่าช้า"
    )


def status(
    ctx: FormContext,
    cutoff: Cutoff,
    unit: Named,
    district_code: str,
    at: datetime | None,
    errors: Iterable[str],
    *,
    rejected: bool,
) -> UnitStatus:
    """Where `unit` stands for the cut-off: rejected (`errors`: what keeps it from counting), late or
    valid; `at`: when its report was sent (the latest of its rows, when several make it)."""
    return UnitStatus(
        form=ctx.source.key,
        period=cutoff.period,
        unit_code=unit.code,
        unit_name=unit.name,
        district_code=district_code,
        status="rejected" if rejected else "late" if days_late(ctx, at, cutoff) else "valid",
        submitted_at=at.replace(tzinfo=None) if at else None,
        errors=tuple(errors),
    )
