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
filled in is a tambon that has not reported yet, not a report.

The latest row per tambon counts. A report that passes every check but breaks
a rule of the circular is counted ("valid") but does not "meet the rules".
Both forms add their rows to one published table, "activity_progress": the
first activity form processed creates it and the next one adds to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pipeline import thai
from pipeline.answers import banned_words, bpm_delay, parse_baht, parse_yes_no
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.errors import ConfigError
from pipeline.forms import engine, facts
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    Submission,
    implausible,
    local_date,
    resolve_place,
    rows,
    shown_value,
    submitted_at,
    th_num,
)
from pipeline.forms.declared import message
from pipeline.models import Grid, Row
from pipeline.orgunits import Unit

ACTIVITY2 = "activity2"
ACTIVITY3 = "activity3"
ACTIVITY_TH = {ACTIVITY2: "กิจกรรมที่ ๒", ACTIVITY3: "กิจกรรมที่ ๓"}
# The fields that make a row a report rather than a blank line of the sheet's template.
REPORT_FIELDS = {
    ACTIVITY2: ("held_on", "participants", "plan_to_kbt", "plan_to_lao", "bpm_on"),
    ACTIVITY3: ("project", "held_on", "budget", "details", "bpm_on"),
}

GIVES = (facts.ActivityProgress,)
# The codes of its messages, per form (sheets_schema/activity2.yaml, activity3.yaml: messages).
MESSAGES = {
    ACTIVITY2: [
        "missing_participants",
        "bad_participants",
        "few_participants",
        "bad_yes_no",
        "plan_not_handed",
        "bpm_missing",
        "bpm_before_held",
        "bpm_late",
    ],
    ACTIVITY3: [
        "missing_project",
        "missing_budget",
        "bad_budget",
        "over_budget",
        "banned_purchase",
        "bpm_before_held",
    ],
}


@dataclass
class Report(Submission):
    tambon: Unit | None
    ok: bool = True
    flags: list[str] = field(default_factory=list)  # codes of the circular's rules not met
    held_on: date | None = None
    superseded_by: int = 0

    @property
    def meets(self) -> bool:
        return self.ok and not self.flags


@dataclass(frozen=True)
class Rules:
    min_participants: int = 20
    bpm_within_days: int = 7
    budget_per_tambon: float | None = None
    banned_purchases: tuple[str, ...] = ()

    @classmethod
    def of(cls, extra: Mapping[str, Any] | None, where: str) -> Rules:
        raw = (extra or {}).get("rules") or {}
        try:
            patterns = tuple(str(p) for p in raw.get("banned_purchases", ()))
            for p in patterns:
                re.compile(p)
            cap = raw.get("budget_per_tambon")
            return cls(
                min_participants=int(raw.get("min_participants", 20)),
                bpm_within_days=int(raw.get("bpm_within_days", 7)),
                budget_per_tambon=float(cap) if cap is not None else None,
                banned_purchases=patterns,
            )
        except (TypeError, ValueError, re.error) as exc:
            raise ConfigError(f"the rules of the schema cannot be read: {exc}", where=where) from exc


def process(ctx: FormContext, grid: Grid) -> FormResult:
    kind = ctx.schema.name
    if kind not in ACTIVITY_TH:
        raise ConfigError(
            f"pipeline.forms.activities serves the forms {', '.join(ACTIVITY_TH)}, not '{kind}'",
            where=f"sheets_schema/{ctx.source.schema}.yaml",
        )
    cutoff = engine.one_cutoff(ctx)
    rules = Rules.of(ctx.schema.extra, f"sheets_schema/{ctx.source.schema}.yaml: rules")
    targets = _targets(ctx, kind)
    cmap, data = rows(ctx, grid)
    # A shared sheet often comes pre-filled with every tambon's number and name:
    # such a row with nothing reported is a tambon that has not reported yet.
    data = [r for r in data if any(not thai.is_blank(cmap.get(r.cells, k)) for k in REPORT_FIELDS[kind])]
    log = IssueLog(ctx, cmap)
    if data:
        _say_report_date(ctx, log, cmap)
    reports = [_read(ctx, log, cmap, r, kind, rules, cutoff, targets) for r in data]

    def again(_: Report, kept: Report) -> str:
        return message(ctx, "superseded", row=kept.row.number)

    engine.supersede(log, reports, lambda r: r.tambon.code if r.tambon else None, again, undated=True)
    counted = [r for r in reports if r.tambon and r.tambon.code in targets and not r.superseded_by]
    result = engine.tally(ctx, len(data), reports, counted)
    result.issues = list(log)
    result.statuses = [
        engine.status(ctx, log, r, cutoff, r.tambon, r.tambon.parent_code) for r in counted if r.tambon
    ]
    result.facts = [
        facts.ActivityProgress(ctx.source.key, tuple(_progress_rows(ctx, kind, counted, targets, cutoff)))
    ]
    return result


_FORM_TIMESTAMPS = frozenset(thai.title_key(t) for t in ("ประทับเวลา", "Timestamp"))


def _say_report_date(ctx: FormContext, log: IssueLog, cmap: ColumnMap) -> None:
    """Once per source: that no column dates the reports, or which one was taken when
    another could have been (a second report-date title, or a title only starting like one)."""
    header = cmap.header("timestamp")
    if not header:
        log.add(
            1,
            "warning",
            "no_report_date",
            "ชีตนี้ไม่มีคอลัมน์วันที่รายงานหรือวันที่ส่ง — ระบบตรวจไม่ได้ว่ารายงานใดส่งหลังกำหนด "
            'โปรดเพิ่มคอลัมน์ "วันที่รายงาน" ให้อำเภอกรอกวันที่ส่งรายงาน',
        )
        return
    key = thai.title_key(header)
    if key in _FORM_TIMESTAMPS:
        return
    spec = ctx.schema.field("timestamp")
    titles = [thai.title_key(t) for t in spec.titles]
    excluded = [thai.title_key(w) for w in spec.exclude]
    others = [
        h
        for h in cmap.headers
        if h != header
        and any(thai.title_key(h).startswith(t) for t in titles)
        and not any(w in thai.title_key(h) for w in excluded)
    ]
    if key in titles and not others:
        return
    listed = ", ".join(f'"{h}"' for h in others)
    also = f" (ไม่ใช้ {listed})" if others else ""
    log.add(
        1,
        "warning",
        "report_date_column",
        f'ใช้คอลัมน์ "{header}" เป็นวันที่ส่งรายงานเพื่อตรวจการส่งตามกำหนด{also} — หากไม่ใช่คอลัมน์นี้ '
        f"โปรดให้ผู้ดูแลระบบกำหนด columns: timestamp ในไฟล์ตั้งค่า (ดูได้ด้วยคำสั่ง pipeline columns {ctx.source.key})",
        key="timestamp",
    )


def _targets(ctx: FormContext, kind: str) -> dict[str, Unit]:
    """The tambons that must report: every tambon (activity 2), the strong tambons (activity 3)."""
    if kind == ACTIVITY2:
        return {t.code: t for t in ctx.org.tambons()}
    if not ctx.settings.strong_tambons:
        raise ConfigError(
            "activity 3 is reported by the year's strong tambons, and the settings list none",
            where=f"{ctx.settings.path}: units.strong_tambons",
            fix="list them under units: strong_tambons: as อำเภอ/ตำบล, e.g. เชียงคำ/เวียง",
        )
    return {code: ctx.org.tambon(code) for code in ctx.settings.strong_tambons}


def _read(
    ctx: FormContext,
    log: IssueLog,
    cmap: ColumnMap,
    row: SheetRow,
    kind: str,
    rules: Rules,
    cutoff: Cutoff,
    targets: dict[str, Unit],
) -> Report:
    district, tambon, ok = resolve_place(ctx, log, row, cmap, with_tambon=True)
    say = engine.RowLog(log, row, district, tambon)
    at: datetime | None = None
    ts_raw = cmap.get(row.cells, "timestamp")
    if not thai.is_blank(ts_raw):
        at = submitted_at(ctx, ts_raw)
        if at is not None and implausible(ctx, at):
            at = None  # after today, or years before the fiscal year: never taken as when it was sent
        if at is None:
            say.warning(
                "bad_timestamp",
                f'อ่านวันเวลาที่ส่ง "{shown_value(ts_raw)}" ไม่ได้ หรือเป็นวันที่ที่เป็นไปไม่ได้ (หลังวันนี้ หรือก่อนปีงบประมาณหลายปี) '
                "— ระบบจึงตรวจไม่ได้ว่าส่งตามกำหนดหรือไม่ โปรดแก้วันที่ในชีต",
                "timestamp",
                ts_raw,
            )
    elif "timestamp" in cmap.index:
        say.warning(
            "missing_report_date",
            f'ไม่ได้กรอก "{cmap.header("timestamp")}" — ระบบจึงตรวจไม่ได้ว่าส่งตามกำหนดหรือไม่ โปรดกรอกวันที่ส่งรายงาน',
            "timestamp",
            None,
        )
    r = say.submission = Report(row=row, at=at, district=district, tambon=tambon, ok=ok)
    if kind == ACTIVITY3 and tambon is not None and tambon.code not in targets:
        strong = [t.name for t in targets.values() if t.parent_code == tambon.parent_code]
        listed = (
            f"ตำบลเข้มแข็งของอำเภอนี้คือ {', '.join(strong)}" if strong else "อำเภอนี้ไม่มีตำบลเข้มแข็งในบัญชีของจังหวัด"
        )
        say.error(
            "not_strong_tambon",
            f"ตำบล{tambon.name}ไม่ใช่ตำบลเข้มแข็งประจำปีงบประมาณ {th_num(ctx.settings.fiscal_year)} — "
            f"กิจกรรมที่ ๓ ดำเนินการเฉพาะในตำบลเข้มแข็งตามหลักปรัชญาของเศรษฐกิจพอเพียงของปีนี้ ({listed}) "
            "โปรดแก้ชื่อตำบลหากกรอกผิด",
            "tambon",
        )
    r.held_on = engine.read_date(ctx, say, "held_on", "วันที่จัดกิจกรรม", required=True)
    if r.held_on is not None and not engine.in_fiscal_year(ctx, r.held_on):
        r.flags.append("outside_fiscal_year")
        say.warning(
            "outside_fiscal_year",
            f"วันที่จัด {thai.format_thai_date(r.held_on, weekday=False)} ไม่อยู่ในปีงบประมาณ "
            f"{th_num(ctx.settings.fiscal_year)} — โปรดตรวจสอบปี พ.ศ. ที่กรอก",
            "held_on",
        )
    if kind == ACTIVITY2:
        _activity2(ctx, log, cmap, r, rules)
    else:
        _activity3(ctx, log, cmap, r, rules)
    engine.warn_late(ctx, log, r, cutoff, cutoff.title, message(ctx, "late_counts"), value=ts_raw)
    return r


def _activity2(ctx: FormContext, log: IssueLog, cmap: ColumnMap, r: Report, rules: Rules) -> None:
    say = engine.about(log, r)
    raw = cmap.get(r.row.cells, "participants")
    n = thai.parse_count(raw)
    if thai.is_blank(raw):
        say.error("missing_participants", message(ctx, "missing_participants"), "participants")
    elif n is None or n <= 0 or not n.is_integer():
        say.error("bad_participants", message(ctx, "bad_participants", raw=raw), "participants")
    elif n < rules.min_participants:
        r.flags.append("few_participants")
        msg = message(ctx, "few_participants", n=int(n), want=rules.min_participants)
        say.warning("few_participants", msg, "participants")
    for key, whom in (("plan_to_kbt", "ก.บ.ต."), ("plan_to_lao", "องค์กรปกครองส่วนท้องถิ่น (อปท.)")):
        raw = cmap.get(r.row.cells, key)
        answer = parse_yes_no(raw)
        if answer is None:
            say.error(
                "bad_yes_no", message(ctx, "bad_yes_no", whom=whom, raw="" if raw is None else raw), key
            )
        elif not answer:
            r.flags.append("plan_not_handed")
            say.warning("plan_not_handed", message(ctx, "plan_not_handed", whom=whom), key)
    recorded = engine.read_date(ctx, say, "bpm_on", "วันที่บันทึกในระบบ BPM", required=False)
    if r.held_on is None:
        return
    within = rules.bpm_within_days
    deadline = r.held_on + timedelta(days=within)
    days = {"deadline": _day(deadline), "held": _day(r.held_on), "recorded": _day(recorded), "within": within}
    if thai.is_blank(cmap.get(r.row.cells, "bpm_on")):
        r.flags.append("bpm_missing")
        when = "เลยกำหนด" if local_date(ctx, ctx.now) > deadline else "ภายใน"
        say.warning("bpm_missing", message(ctx, "bpm_missing", when=when, **days), "bpm_on")
    elif recorded is not None:
        delay = bpm_delay(r.held_on, recorded)
        if delay < 0:
            say.error("bpm_before_held", message(ctx, "bpm_before_held", **days), "bpm_on")
        elif delay > within:
            r.flags.append("bpm_late")
            say.warning("bpm_late", message(ctx, "bpm_late", days=delay, **days), "bpm_on")


def _activity3(ctx: FormContext, log: IssueLog, cmap: ColumnMap, r: Report, rules: Rules) -> None:
    say = engine.about(log, r)
    project = cmap.get(r.row.cells, "project")
    if thai.is_blank(project):
        say.error("missing_project", message(ctx, "missing_project"), "project")
    raw = cmap.get(r.row.cells, "budget")
    amount = parse_baht(raw)
    if thai.is_blank(raw):
        say.error("missing_budget", message(ctx, "missing_budget"), "budget")
    elif amount is None or amount <= 0:
        say.error("bad_budget", message(ctx, "bad_budget", raw=raw), "budget")
    elif rules.budget_per_tambon is not None and amount > rules.budget_per_tambon:
        r.flags.append("over_budget")
        say.warning(
            "over_budget", message(ctx, "over_budget", amount=amount, cap=rules.budget_per_tambon), "budget"
        )
    text = " ".join(str(v) for v in (project, cmap.get(r.row.cells, "details")) if not thai.is_blank(v))
    words = banned_words(text, list(rules.banned_purchases))
    if words:
        r.flags.append("banned_purchase")
        listed = ", ".join(f"“{w}”" for w in words)
        say.warning("banned_purchase", message(ctx, "banned_purchase", words=listed), "project")
    recorded = engine.read_date(ctx, say, "bpm_on", "วันที่บันทึกในระบบ BPM", required=False)
    if recorded is not None and r.held_on is not None and recorded < r.held_on:
        msg = message(ctx, "bpm_before_held", recorded=_day(recorded), held=_day(r.held_on))
        say.error("bpm_before_held", msg, "bpm_on")


def _day(d: date | None) -> str:
    return thai.format_thai_date(d, weekday=False) if d else "-"


def _progress_rows(
    ctx: FormContext, kind: str, counted: list[Report], targets: dict[str, Unit], cutoff: Cutoff
) -> list[Row]:
    out: list[Row] = []
    for d in ctx.org.districts():
        mine = [t for t in targets.values() if t.parent_code == d.code]
        reports = {r.tambon.code: r for r in counted if r.tambon and r.tambon.parent_code == d.code}
        late = [r for r in reports.values() if r.ok and engine.days_late(ctx, r.at, cutoff)]
        out.append(
            [
                ACTIVITY_TH[kind],
                cutoff.due,
                d.code,
                d.name,
                len(mine),
                len(reports),
                sum(1 for r in reports.values() if r.meets),
                len(late),
                sum(1 for r in reports.values() if not r.ok),
                sum(1 for t in mine if t.code not in reports),
                ", ".join(t.name for t in mine if t.code not in reports),
                ", ".join(r.tambon.name for r in reports.values() if r.tambon and not r.meets),
            ]
        )
    return out
