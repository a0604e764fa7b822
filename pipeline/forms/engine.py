"""What every form does the same way: which submission counts, late and on time, unit status, tallies. Pure.

The form engine is three modules: base.py reads a response sheet (its context and
result, the rows, places and timestamps, the issue log); this module judges what
was read (`RowLog` says a row's issues, `read_date`, `supersede` keeps the latest
submission per unit and period, `warn_late` and `on_time`, `status`, `tally`);
declared.py composes them into the flow a form declared in its schema follows
(`declared.evaluate`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from pipeline import thai
from pipeline.calendar import Cutoff, fiscal_year_span
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    local_date,
    th_num,
)
from pipeline.models import Cell, Severity, UnitStatus
from pipeline.orgunits import Unit

ON_TIME, LATE = "ตรงเวลา", "ล่าช้า"


class Submission(Protocol):
    """One row of a response sheet as a form reads it."""

    row: SheetRow
    at: datetime | None  # when it was sent; None: unreadable or not asked
    district: Unit | None
    tambon: Unit | None
    ok: bool  # no error: it counts
    superseded_by: int  # the sheet row that replaced it; 0: none


class Named(Protocol):
    """A unit that reports: a district, a tambon, a model LAO."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


S = TypeVar("S", bound=Submission)
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


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
    submission: Submission | None = None
    errors: int = 0

    def add(self, severity: Severity, code: str, message: str, key: str = "", value: Cell = CELL) -> None:
        if value is CELL:
            value = self.log.cmap.get(self.row.cells, key) if key else None
        where = {"district": self.district, "tambon": self.tambon}
        self.log.add(self.row.number, severity, code, message, key=key, value=value, **where)

    def error(self, code: str, message: str, key: str = "", value: Cell = CELL) -> None:
        self.errors += 1
        if self.submission is not None:
            self.submission.ok = False
        self.add("error", code, message, key, value)

    def warning(self, code: str, message: str, key: str = "", value: Cell = CELL) -> None:
        self.add("warning", code, message, key, value)


def about(log: IssueLog, s: Submission) -> RowLog:
    """The issues of a submission's row."""
    return RowLog(log, s.row, s.district, s.tambon, s)


def read_date(ctx: FormContext, say: RowLog, key: str, what: str, *, required: bool) -> date | None:
    """A date the respondent typed (`what`: its name in Thai); blank, unreadable or future is said."""
    raw = say.log.cmap.get(say.row.cells, key)
    if thai.is_blank(raw):
        if required:
            say.error(f"missing_{key}", f"ไม่ได้กรอก{what} — โปรดกรอกวันที่ เช่น ๑๕ ม.ค. ๒๕๖๗", key)
        return None
    found = thai.parse_date(raw)
    if found is None:
        say.error(
            "bad_date", f'อ่าน{what} "{raw}" ไม่ได้ — โปรดกรอกวันที่ที่มีอยู่จริง เช่น ๑๕ ม.ค. ๒๕๖๗ หรือ 15/01/2567', key
        )
        return None
    if found > local_date(ctx, ctx.now):
        when = thai.format_thai_date(found, weekday=False)
        say.error("future_date", f"{what} {when} ยังมาไม่ถึง — โปรดตรวจสอบวันที่และปี พ.ศ.", key)
        return None
    return found


def in_fiscal_year(ctx: FormContext, day: date) -> bool:
    start, end = fiscal_year_span(ctx.settings.fiscal_year)
    return start <= day <= end


def period_of(ctx: FormContext, at: datetime, cutoffs: Sequence[Cutoff]) -> Cutoff:
    """The cut-off a submission sent at `at` answers: the first due on or after that day, else the last."""
    return ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, at)) or cutoffs[-1]


def latest(items: Iterable[S], key: Callable[[S], K | None], *, undated: bool = False) -> dict[K, S]:
    """Per key, the submission that counts: the latest one sent; at the same time, the lower row
    (it was appended later). Without a time a submission takes part only when `undated` (as the oldest)."""
    out: dict[K, S] = {}
    for s in items:
        k = key(s)
        if k is None or (s.at is None and not undated):
            continue
        best = out.get(k)
        if best is None or (s.at or datetime.min, s.row.number) > (best.at or datetime.min, best.row.number):
            out[k] = s
    return out


def supersede(
    log: IssueLog,
    items: Sequence[S],
    key: Callable[[S], K | None],
    message: Callable[[S, S], str],
    *,
    undated: bool = False,
) -> dict[K, S]:
    """Keep the latest submission per key; an earlier one is marked superseded, its other issues
    dropped (its mistakes no longer matter) and a warning `message(earlier, kept)` says so."""
    winners = latest(items, key, undated=undated)
    for s in items:
        k = key(s)
        winner = winners.get(k) if k is not None else None
        if winner is None or winner is s or (s.at is None and not undated):
            continue
        s.superseded_by = winner.row.number
        log.keep_only(s.row.number, "superseded")
        log.add(
            s.row.number, "warning", "superseded", message(s, winner), district=s.district, tambon=s.tambon
        )
    return winners


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


def late_message(ctx: FormContext, at: datetime, cutoff: Cutoff, due: str, counts: str) -> str:
    """`due`: what was due, as the circular says it; `counts`: how the late submission still counts."""
    return (
        f"ส่งหลังกำหนด {th_num(days_late(ctx, at, cutoff))} วัน (กำหนดส่ง{due} {thai.format_thai_date(cutoff.due)}) "
        f"— {counts} แต่ถูกบันทึกว่าส่งล่าช้า"
    )


def warn_late(
    ctx: FormContext,
    log: IssueLog,
    s: Submission,
    cutoff: Cutoff | None,
    due: str,
    counts: str,
    *,
    value: Cell = None,
) -> bool:
    """A warning on a submission that counts but came after the cut-off; True when it was late.
    `value`: the cell as typed, when the time comes from a typed date rather than the form's stamp."""
    if not s.ok or s.at is None or cutoff is None or not days_late(ctx, s.at, cutoff):
        return False
    log.add(
        s.row.number,
        "warning",
        "late",
        late_message(ctx, s.at, cutoff, due, counts),
        key="timestamp",
        value=s.at.replace(tzinfo=None) if value is None else value,
        district=s.district,
        tambon=s.tambon,
    )
    return True


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


def tally(
    ctx: FormContext, read: int, items: Sequence[Submission], counted: Sequence[Submission]
) -> FormResult:
    """A form's result with its row counts: accepted (counted without error), rejected, superseded."""
    return FormResult(
        form=ctx.source.key,
        rows_read=read,
        accepted=sum(1 for s in counted if s.ok),
        rejected=sum(1 for s in items if not s.ok and not s.superseded_by),
        superseded=sum(1 for s in items if s.superseded_by),
    )
