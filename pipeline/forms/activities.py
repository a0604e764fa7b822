"""Activity reports of the tambon development-plan project (seed 002, activities 2 and 3).

One module serves both forms; the schema's name says which:

- activity2, the tambon development-plan workshop, one row per tambon: the
  date held, at least 20 participants (fewer is a warning), the plan handed to
  the ก.บ.ต. and to the local authority, and the date the result was recorded
  in BPM, which must be within 7 days of the workshop (later is a warning,
  before it an error).
- activity3, the project run in each of the year's strong tambons: a report for
  any other tambon is an error; the project's name, date and budget; a budget
  over the tambon's allocation and any mention of buying handouts or equipment
  (banned by the circular) are warnings.

A row of the sheet's template with only its number, district and tambon
filled in is a tambon that has not reported yet, not a report. A shared sheet
has no form timestamp: the date a district types dates its report, and without
one the lower row is the later and lateness is not judged.

The latest row per tambon counts. A report that passes every check but breaks
a rule of the circular is counted ("valid") but does not "meet the rules".
Both forms give their progress per district (facts.ActivityProgress), which
the roll-up step makes one published table, "activity_progress". The wording
is the schemas' (sheets_schema/activity2.yaml, activity3.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from pipeline import thai
from pipeline.answers import banned_words, bpm_delay
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.forms import declared, engine, facts
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    checked_timestamp,
    day,
    shown_value,
)
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.models import Grid, Row
from pipeline.orgunits import Unit

GIVES = (facts.ActivityProgress,)
# The codes of its messages, per form (sheets_schema/activity2.yaml, activity3.yaml: messages).
_SHARED = (
    "no_report_date report_date_column missing_report_date bad_report_date outside_fiscal_year not_used name"
)
MESSAGES = {
    "activity2": f"""{_SHARED} few_participants plan_not_handed bpm_missing bpm_overdue bpm_due_by bpm_before_held
        bpm_late whom_plan_to_kbt whom_plan_to_lao""",
    "activity3": f"{_SHARED} not_strong_tambon strong_here none_here over_budget banned_purchase bpm_before_held",
}
_FORM_TIMESTAMPS = frozenset(thai.title_key(t) for t in ("ประทับเวลา", "Timestamp"))


@dataclass(frozen=True)
class Rules:
    min_participants: int = 20
    bpm_within_days: int = 7
    budget_per_tambon: float | None = None
    banned_purchases: tuple[str, ...] = ()  # regular expressions

    def __post_init__(self) -> None:
        for p in self.banned_purchases:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"banned_purchases: {p!r} is no regular expression ({exc})") from exc


def process(ctx: FormContext, grid: Grid) -> FormResult:
    cutoff = ctx.calendar.for_form(ctx.source.key)[0]  # its one cut-off: the settings load only so
    rules = declared.rules_of(Rules, ctx.schema)
    if ctx.schema.name == "activity2":
        return declared.evaluate(ctx, grid, Activity2(rules, cutoff, {t.code: t for t in ctx.org.tambons()}))
    targets = {code: ctx.org.tambon(code) for code in ctx.settings.strong_tambons}
    return declared.evaluate(ctx, grid, Activity3(rules, cutoff, targets))


def held_on(ctx: FormContext, e: Entry, say: RowLog, *, flag: bool = False) -> date | None:
    """The day the activity was held; outside the fiscal year is a warning (`flag`: and a rule not met)."""
    held: date | None = engine.read(ctx, e, say, "held_on")
    if held is not None and not engine.in_fiscal_year(ctx, held):
        say.warning("outside_fiscal_year", key="held_on", day=day(held), fy=ctx.settings.fiscal_year)
        if flag:
            e.flags.append("outside_fiscal_year")
    return held


def participants(ctx: FormContext, e: Entry, say: RowLog, want: int, *, exact: bool) -> str:
    """How many took part, against the circular's target: at least `want`, or exactly it (`exact`:
    then more is said too). Returns the rule not met, or ""."""
    n = engine.read(ctx, e, say, "participants")
    if n is None or (n >= want and not (exact and n > want)):
        return ""
    code = "few_participants" if n < want else "many_participants"
    say.warning(code, key="participants", n=n, want=want)
    return code


def bpm_record(
    ctx: FormContext, e: Entry, say: RowLog, since: date | None, within: int | None, before: str
) -> str:
    """The BPM record against the day it follows (held, or disbursed): not recorded yet, or more than
    `within` days after, is a warning (None: no limit); before it, the error `before`. Returns the
    rule not met, "bpm_missing" or "bpm_late", or ""."""
    recorded: date | None = engine.read(ctx, e, say, "bpm_on")
    if since is None:
        return ""
    deadline = since + timedelta(days=within or 0)
    names = {"paid": day(since), "held": day(since), "recorded": day(recorded), "deadline": day(deadline)}
    if recorded is None and within is not None and thai.is_blank(say.cell("bpm_on")):
        when = message(ctx, "bpm_overdue" if ctx.today > deadline else "bpm_due_by")
        say.warning("bpm_missing", key="bpm_on", when=when, within=within, **names)
        return "bpm_missing"
    delay = bpm_delay(since, recorded) if recorded is not None else 0
    if delay < 0:
        say.error(before, message(ctx, before, **names), "bpm_on")
    elif within is not None and delay > within:
        say.warning("bpm_late", key="bpm_on", days=delay, within=within, **names)
        return "bpm_late"
    return ""


@dataclass(frozen=True)
class Activity(declared.Form):
    """What both activities do: the reporting tambons, the typed report date, the date held, the progress."""

    rules: Rules
    cutoff: Cutoff
    targets: dict[str, Unit]  # the tambons that must report
    undated: ClassVar[bool] = True
    report_fields: ClassVar[tuple[str, ...]] = ()  # what makes a row a report, not a blank template line

    def keep(self, ctx: FormContext, cmap: ColumnMap, row: SheetRow) -> bool:
        return any(not thai.is_blank(cmap.get(row.cells, k)) for k in self.report_fields)

    def begin(self, ctx: FormContext, log: IssueLog) -> None:
        """That no column dates the reports, or which one was taken when another could have been
        (a second report-date title, or a title only starting like one)."""
        header = log.cmap.header("timestamp")
        if not header:
            log.add(1, "warning", "no_report_date", message(ctx, "no_report_date"))
            return
        key = thai.title_key(header)
        if key in _FORM_TIMESTAMPS:
            return
        spec = ctx.schema.field("timestamp")
        titles = [thai.title_key(t) for t in spec.titles]
        excluded = [thai.title_key(w) for w in spec.exclude]
        others = [
            h
            for h in log.cmap.headers
            if h != header
            and any(thai.title_key(h).startswith(t) for t in titles)
            and not any(w in thai.title_key(h) for w in excluded)
        ]
        if key in titles and not others:
            return
        listed = ", ".join(f'"{h}"' for h in others)
        also = message(ctx, "not_used", listed=listed) if others else ""
        said = message(ctx, "report_date_column", header=header, also=also, source=ctx.source.key)
        log.add(1, "warning", "report_date_column", said, key="timestamp")

    def when(self, ctx: FormContext, e: Entry, say: RowLog) -> datetime | None:
        """The report date a district typed; a missing or impossible one is said, and the report counts."""
        raw = e.shown = say.cell("timestamp")
        if thai.is_blank(raw) and "timestamp" in say.log.cmap.index:
            said = message(ctx, "missing_report_date", header=say.log.cmap.header("timestamp"))
            say.warning("missing_report_date", said, "timestamp", None)
        if thai.is_blank(raw):
            return None
        at, _ = checked_timestamp(ctx, raw)  # None: unreadable, after today, or years before
        if at is None:
            say.warning("bad_timestamp", message(ctx, "bad_report_date", raw=shown_value(raw)), "timestamp")
        return at

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        e.cutoff = self.cutoff
        self.own(ctx, e, say, held_on(ctx, e, say, flag=True))

    def own(self, ctx: FormContext, e: Entry, say: RowLog, held: date | None) -> None: ...

    def counts(self, ctx: FormContext, e: Entry) -> bool:
        return e.tambon is not None and e.tambon.code in self.targets

    def facts(self, ctx: FormContext, entries: list[Entry], counted: list[Entry]) -> list[Any]:
        """Per district: its tambons that must report, reported, meet the rules, late, to fix, missing."""
        out: list[Row] = []
        for d in ctx.org.districts():
            mine = [t for t in self.targets.values() if t.parent_code == d.code]
            sent = {e.tambon.code: e for e in counted if e.tambon and e.tambon.parent_code == d.code}
            meets = {code for code, e in sent.items() if e.ok and not e.flags}
            late = [e for e in sent.values() if e.ok and engine.days_late(ctx, e.at, self.cutoff)]
            out.append([
                message(ctx, "name"), self.cutoff.due, d.code, d.name, len(mine), len(sent), len(meets), len(late),
                sum(1 for e in sent.values() if not e.ok), sum(1 for t in mine if t.code not in sent),
                ", ".join(t.name for t in mine if t.code not in sent),
                ", ".join(e.tambon.name for code, e in sent.items() if e.tambon and code not in meets),
            ])  # fmt: skip
        return [facts.ActivityProgress(ctx.source.key, tuple(out))]


@dataclass(frozen=True)
class Activity2(Activity):
    report_fields = ("held_on", "participants", "plan_to_kbt", "plan_to_lao", "bpm_on")

    def own(self, ctx: FormContext, e: Entry, say: RowLog, held: date | None) -> None:
        if participants(ctx, e, say, self.rules.min_participants, exact=False):
            e.flags.append("few_participants")
        for key in ("plan_to_kbt", "plan_to_lao"):
            whom = message(ctx, f"whom_{key}")
            if engine.read(ctx, e, say, key, whom=whom) is False:
                e.flags.append("plan_not_handed")
                say.warning("plan_not_handed", key=key, whom=whom)
        if missed := bpm_record(ctx, e, say, held, self.rules.bpm_within_days, "bpm_before_held"):
            e.flags.append(missed)


@dataclass(frozen=True)
class Activity3(Activity):
    report_fields = ("project", "held_on", "budget", "details", "bpm_on")

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        if e.tambon is not None and e.tambon.code not in self.targets:
            strong = [t.name for t in self.targets.values() if t.parent_code == e.tambon.parent_code]
            here = (
                message(ctx, "strong_here", names=", ".join(strong)) if strong else message(ctx, "none_here")
            )
            fy = ctx.settings.fiscal_year
            say.error("not_strong_tambon", key="tambon", tambon=e.tambon.name, fy=fy, listed=here)
        super().check(ctx, e, say)

    def own(self, ctx: FormContext, e: Entry, say: RowLog, held: date | None) -> None:
        engine.read(ctx, e, say, "project")
        amount, cap = engine.read(ctx, e, say, "budget"), self.rules.budget_per_tambon
        if amount is not None and cap is not None and amount > cap:
            e.flags.append("over_budget")
            say.warning("over_budget", key="budget", amount=amount, cap=cap)
        text = " ".join(str(v) for v in (say.cell("project"), say.cell("details")) if not thai.is_blank(v))
        if words := banned_words(text, list(self.rules.banned_purchases)):
            e.flags.append("banned_purchase")
            say.warning("banned_purchase", key="project", words=", ".join(f"“{w}”" for w in words))
        bpm_record(ctx, e, say, held, None, "bpm_before_held")
