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
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.errors import ConfigError
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    implausible,
    local_date,
    resolve_place,
    rows,
    submitted_at,
    th_num,
    unit_status,
)
from pipeline.models import Cell, Column, Grid, Row, Table
from pipeline.orgunits import Unit
from pipeline.state import UnitStatus

ACTIVITY2 = "activity2"
ACTIVITY3 = "activity3"
PROGRESS = "activity_progress"
ACTIVITY_TH = {ACTIVITY2: "กิจกรรมที่ ๒", ACTIVITY3: "กิจกรรมที่ ๓"}
# The fields that make a row a report rather than a blank line of the sheet's template.
REPORT_FIELDS = {
    ACTIVITY2: ("held_on", "participants", "plan_to_kbt", "plan_to_lao", "bpm_on"),
    ACTIVITY3: ("project", "held_on", "budget", "details", "bpm_on"),
}

_YES = frozenset({"ใช่", "มี", "yes", "y", "true", "✓", "✔", "☑", "/", "1"})
_NO = frozenset({"no", "n", "false", "✗", "✘", "☐", "0"})
_YES_START = ("มี", "ส่ง", "ครบ", "ครอบคลุม", "ใช่")
_BAHT_WORDS = re.compile(r"บาท|ถ้วน")
_BAHT_DASH = re.compile(r"\.?-$")  # "9,850.-": no satang
_MIN = datetime.min


def parse_yes_no(value: Cell) -> bool | None:
    """A yes/no answer: ส่งแล้ว/มี/ใช่/✓/TRUE -> True; ยังไม่ส่ง/ไม่มี/ไม่ใช่/✗/FALSE -> False; else None.

    Any "ไม่" (not) or a leading "ยัง" (not yet) reads as no, so the longer
    answers of the circulars' forms ("ยังไม่มีคณะทำงาน จะจัดตั้ง…",
    "ยังดำเนินการไม่ครบทุกหมู่บ้าน") read right; a yes starts with มี/ส่ง/ครบ/
    ครอบคลุม/ใช่ or ends with แล้ว ("ดำเนินการแล้ว").
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(int(value)) if float(value).is_integer() else None
    if not isinstance(value, str) or thai.is_blank(value):
        return None
    text = thai.clean_text(value).lower().replace(" ", "")
    if text in _NO or "ไม่" in text or text.startswith("ยัง"):
        return False
    if text in _YES or text.startswith(_YES_START) or text.endswith("แล้ว"):
        return True
    return None


def parse_baht(value: Cell) -> float | None:
    """An amount of money: 10000, "10,000 บาท", "๑๐,๐๐๐.- บาท", "5,000 บาทถ้วน"."""
    if not isinstance(value, str):
        return thai.parse_number(value)
    text = _BAHT_WORDS.sub("", thai.clean_text(value)).strip()
    return thai.parse_number(_BAHT_DASH.sub("", text).strip())


def banned_words(text: str, patterns: list[str]) -> list[str]:
    """The words of `text` that mention a purchase the circular bans, in order, each once."""
    found: list[str] = []
    for pattern in patterns:
        for m in re.finditer(pattern, thai.clean_text(text)):
            if m[0] not in found:
                found.append(m[0])
    return found


def bpm_delay(held: date, recorded: date) -> int:
    """Days from the end of the activity to its BPM record (negative: recorded before it was held)."""
    return (recorded - held).days


@dataclass
class Report:
    row: SheetRow
    at: datetime | None
    district: Unit | None
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
    cutoff = _cutoff(ctx)
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
    _supersede(log, reports)
    counted = [r for r in reports if r.tambon and r.tambon.code in targets and not r.superseded_by]
    result = FormResult(form=ctx.source.key, rows_read=len(data))
    result.accepted = sum(1 for r in counted if r.ok)
    result.rejected = sum(1 for r in reports if not r.ok and not r.superseded_by)
    result.superseded = sum(1 for r in reports if r.superseded_by)
    result.issues = list(log)
    result.statuses = [_status(ctx, log, r, cutoff) for r in counted]
    progress = _progress_rows(ctx, kind, counted, targets, cutoff)
    table = _progress_table(ctx, progress)
    result.tables = [table] if table else []
    result.data["reports"] = {
        r.tambon.code: {"ok": r.ok, "meets": r.meets, "held_on": r.held_on} for r in counted if r.tambon
    }
    result.data["progress_rows"] = progress
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


def _cutoff(ctx: FormContext) -> Cutoff:
    cutoffs = ctx.calendar.for_form(ctx.source.key)
    if len(cutoffs) != 1:
        raise ConfigError(
            f"the form '{ctx.source.key}' needs exactly one cut-off in the calendar, found {len(cutoffs)}",
            where=str(ctx.calendar.path),
            fix=f"list one cut-off with form: {ctx.source.key}",
        )
    return cutoffs[0]


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
    at: datetime | None = None
    ts_raw = cmap.get(row.cells, "timestamp")
    if not thai.is_blank(ts_raw):
        at = submitted_at(ctx, ts_raw)
        if at is not None and implausible(ctx, at):
            at = None  # after today, or years before the fiscal year: never taken as when it was sent
        if at is None:
            log.add(
                row.number,
                "warning",
                "bad_timestamp",
                f'อ่านวันเวลาที่ส่ง "{ts_raw}" ไม่ได้ หรือเป็นวันที่ที่เป็นไปไม่ได้ (หลังวันนี้ หรือก่อนปีงบประมาณหลายปี) '
                "— ระบบจึงตรวจไม่ได้ว่าส่งตามกำหนดหรือไม่ โปรดแก้วันที่ในชีต",
                key="timestamp",
                value=ts_raw,
                district=district,
                tambon=tambon,
            )
    elif "timestamp" in cmap.index:
        log.add(
            row.number,
            "warning",
            "missing_report_date",
            f'ไม่ได้กรอก "{cmap.header("timestamp")}" — ระบบจึงตรวจไม่ได้ว่าส่งตามกำหนดหรือไม่ โปรดกรอกวันที่ส่งรายงาน',
            key="timestamp",
            district=district,
            tambon=tambon,
        )
    r = Report(row=row, at=at, district=district, tambon=tambon, ok=ok)
    if kind == ACTIVITY3 and tambon is not None and tambon.code not in targets:
        r.ok = False
        strong = [t.name for t in targets.values() if t.parent_code == tambon.parent_code]
        listed = (
            f"ตำบลเข้มแข็งของอำเภอนี้คือ {', '.join(strong)}" if strong else "อำเภอนี้ไม่มีตำบลเข้มแข็งในบัญชีของจังหวัด"
        )
        log.add(
            row.number,
            "error",
            "not_strong_tambon",
            f"ตำบล{tambon.name}ไม่ใช่ตำบลเข้มแข็งประจำปีงบประมาณ {th_num(ctx.settings.fiscal_year)} — "
            f"กิจกรรมที่ ๓ ดำเนินการเฉพาะในตำบลเข้มแข็งตามหลักปรัชญาของเศรษฐกิจพอเพียงของปีนี้ ({listed}) "
            "โปรดแก้ชื่อตำบลหากกรอกผิด",
            key="tambon",
            value=cmap.get(row.cells, "tambon"),
            district=district,
            tambon=tambon,
        )
    r.held_on = _date(ctx, log, cmap, r, "held_on", "วันที่จัดกิจกรรม", required=True)
    if r.held_on is not None and not _in_fiscal_year(ctx, r.held_on):
        r.flags.append("outside_fiscal_year")
        _warn(
            log,
            cmap,
            r,
            "held_on",
            "outside_fiscal_year",
            f"วันที่จัด {thai.format_thai_date(r.held_on, weekday=False)} ไม่อยู่ในปีงบประมาณ "
            f"{th_num(ctx.settings.fiscal_year)} — โปรดตรวจสอบปี พ.ศ. ที่กรอก",
        )
    if kind == ACTIVITY2:
        _activity2(ctx, log, cmap, r, rules)
    else:
        _activity3(ctx, log, cmap, r, rules)
    if r.ok and at is not None and local_date(ctx, at) > cutoff.due:
        days = (local_date(ctx, at) - cutoff.due).days
        _warn(
            log,
            cmap,
            r,
            "timestamp",
            "late",
            f"ส่งหลังกำหนด {th_num(days)} วัน (กำหนดส่ง{cutoff.title} {thai.format_thai_date(cutoff.due)}) "
            "— นับผลตามปกติ แต่ถูกบันทึกว่าส่งล่าช้า",
        )
    return r


def _activity2(ctx: FormContext, log: IssueLog, cmap: ColumnMap, r: Report, rules: Rules) -> None:
    raw = cmap.get(r.row.cells, "participants")
    n = thai.parse_count(raw)
    if thai.is_blank(raw):
        _error(log, cmap, r, "participants", "missing_participants", "ไม่ได้กรอกจำนวนผู้เข้าร่วม — โปรดกรอกจำนวนคน")
    elif n is None or n <= 0 or not n.is_integer():
        _error(
            log,
            cmap,
            r,
            "participants",
            "bad_participants",
            f'จำนวนผู้เข้าร่วม "{raw}" ไม่ใช่จำนวนคน — โปรดกรอกเป็นตัวเลขจำนวนเต็ม เช่น ๒๕',
        )
    elif n < rules.min_participants:
        r.flags.append("few_participants")
        _warn(
            log,
            cmap,
            r,
            "participants",
            "few_participants",
            f"มีผู้เข้าร่วม {th_num(int(n))} คน น้อยกว่าเป้าหมายตำบลละไม่น้อยกว่า {th_num(rules.min_participants)} คน "
            "ตามหนังสือสั่งการ — หากกรอกจำนวนผิดโปรดแก้ไข",
        )
    for key, whom in (("plan_to_kbt", "ก.บ.ต."), ("plan_to_lao", "องค์กรปกครองส่วนท้องถิ่น (อปท.)")):
        raw = cmap.get(r.row.cells, key)
        answer = parse_yes_no(raw)
        if answer is None:
            _error(
                log,
                cmap,
                r,
                key,
                "bad_yes_no",
                f'อ่านคำตอบการส่งมอบแผนให้ {whom} "{raw if raw is not None else ""}" ไม่ได้ — '
                'โปรดตอบ "ส่งแล้ว" หรือ "ยังไม่ส่ง"',
            )
        elif not answer:
            r.flags.append("plan_not_handed")
            _warn(
                log,
                cmap,
                r,
                key,
                "plan_not_handed",
                f"ยังไม่ได้ส่งมอบแผนพัฒนาตำบลให้ {whom} — ข้อ ๒.๖ ให้ส่งมอบแผนแก่ ก.บ.ต. ก.บ.อ. และ อปท. "
                "เพื่อใช้ประโยชน์ต่อไป",
            )
    recorded = _date(ctx, log, cmap, r, "bpm_on", "วันที่บันทึกในระบบ BPM", required=False)
    if r.held_on is None:
        return
    deadline = r.held_on + timedelta(days=rules.bpm_within_days)
    if thai.is_blank(cmap.get(r.row.cells, "bpm_on")):
        r.flags.append("bpm_missing")
        overdue = local_date(ctx, ctx.now) > deadline
        _warn(
            log,
            cmap,
            r,
            "bpm_on",
            "bpm_missing",
            f"ยังไม่ได้กรอกวันที่บันทึกผลในระบบ BPM — ต้องบันทึกภายใน {th_num(rules.bpm_within_days)} วัน "
            f"หลังดำเนินการแล้วเสร็จ ({'เลยกำหนด' if overdue else 'ภายใน'} "
            f"{thai.format_thai_date(deadline, weekday=False)})",
        )
    elif recorded is not None:
        delay = bpm_delay(r.held_on, recorded)
        if delay < 0:
            _error(
                log,
                cmap,
                r,
                "bpm_on",
                "bpm_before_held",
                f"วันที่บันทึกในระบบ BPM ({thai.format_thai_date(recorded, weekday=False)}) อยู่ก่อนวันที่จัดประชุม "
                f"({thai.format_thai_date(r.held_on, weekday=False)}) — บันทึกผลได้หลังจัดกิจกรรมเท่านั้น "
                "โปรดตรวจสอบวันที่ทั้งสองช่อง",
            )
        elif delay > rules.bpm_within_days:
            r.flags.append("bpm_late")
            _warn(
                log,
                cmap,
                r,
                "bpm_on",
                "bpm_late",
                f"บันทึกผลในระบบ BPM หลังจัดประชุม {th_num(delay)} วัน เกินกำหนด "
                f"{th_num(rules.bpm_within_days)} วันหลังดำเนินการแล้วเสร็จ "
                f"(ควรบันทึกภายใน {thai.format_thai_date(deadline, weekday=False)})",
            )


def _activity3(ctx: FormContext, log: IssueLog, cmap: ColumnMap, r: Report, rules: Rules) -> None:
    project = cmap.get(r.row.cells, "project")
    if thai.is_blank(project):
        _error(
            log,
            cmap,
            r,
            "project",
            "missing_project",
            "ไม่ได้กรอกชื่อโครงการ/กิจกรรม — โปรดกรอกชื่อโครงการที่ดำเนินการ",
        )
    raw = cmap.get(r.row.cells, "budget")
    amount = parse_baht(raw)
    if thai.is_blank(raw):
        _error(log, cmap, r, "budget", "missing_budget", "ไม่ได้กรอกงบประมาณ — โปรดกรอกจำนวนเงินที่ใช้ (บาท)")
    elif amount is None or amount <= 0:
        _error(
            log,
            cmap,
            r,
            "budget",
            "bad_budget",
            f'งบประมาณ "{raw}" ไม่ใช่จำนวนเงิน — โปรดกรอกเป็นตัวเลข (บาท) เช่น ๑๐,๐๐๐',
        )
    elif rules.budget_per_tambon is not None and amount > rules.budget_per_tambon:
        r.flags.append("over_budget")
        _warn(
            log,
            cmap,
            r,
            "budget",
            "over_budget",
            f"งบประมาณ {th_num(amount)} บาท เกินงบที่จัดสรรตำบลละ {th_num(rules.budget_per_tambon)} บาท "
            "— โปรดตรวจสอบจำนวนเงิน",
        )
    text = " ".join(str(v) for v in (project, cmap.get(r.row.cells, "details")) if not thai.is_blank(v))
    words = banned_words(text, list(rules.banned_purchases))
    if words:
        r.flags.append("banned_purchase")
        _warn(
            log,
            cmap,
            r,
            "project",
            "banned_purchase",
            f"รายงานกล่าวถึง {', '.join(f'“{w}”' for w in words)} — หนังสือสั่งการกำหนดว่ากิจกรรมที่ ๓ "
            "ต้องไม่เป็นการซื้อของแจกจ่ายหรือครุภัณฑ์ โปรดตรวจสอบรายการค่าใช้จ่าย",
        )
    recorded = _date(ctx, log, cmap, r, "bpm_on", "วันที่บันทึกในระบบ BPM", required=False)
    if recorded is not None and r.held_on is not None and recorded < r.held_on:
        _error(
            log,
            cmap,
            r,
            "bpm_on",
            "bpm_before_held",
            f"วันที่บันทึกในระบบ BPM ({thai.format_thai_date(recorded, weekday=False)}) อยู่ก่อนวันที่ดำเนินโครงการ "
            f"({thai.format_thai_date(r.held_on, weekday=False)}) — โปรดตรวจสอบวันที่ทั้งสองช่อง",
        )


def _date(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, r: Report, key: str, what: str, *, required: bool
) -> date | None:
    raw = cmap.get(r.row.cells, key)
    if thai.is_blank(raw):
        if required:
            _error(log, cmap, r, key, f"missing_{key}", f"ไม่ได้กรอก{what} — โปรดกรอกวันที่ เช่น ๑๕ ม.ค. ๒๕๖๗")
        return None
    found = thai.parse_date(raw)
    if found is None:
        _error(
            log,
            cmap,
            r,
            key,
            "bad_date",
            f'อ่าน{what} "{raw}" ไม่ได้ — โปรดกรอกวันที่ที่มีอยู่จริง เช่น ๑๕ ม.ค. ๒๕๖๗ หรือ 15/01/2567',
        )
        return None
    if found > local_date(ctx, ctx.now):
        _error(
            log,
            cmap,
            r,
            key,
            "future_date",
            f"{what} {thai.format_thai_date(found, weekday=False)} ยังมาไม่ถึง — โปรดตรวจสอบวันที่และปี พ.ศ.",
        )
        return None
    return found


def _in_fiscal_year(ctx: FormContext, d: date) -> bool:
    fy = ctx.settings.fiscal_year - 543  # the CE year the fiscal year ends in
    return date(fy - 1, 10, 1) <= d <= date(fy, 9, 30)


def _error(log: IssueLog, cmap: ColumnMap, r: Report, key: str, code: str, message: str) -> None:
    r.ok = False
    log.add(
        r.row.number,
        "error",
        code,
        message,
        key=key,
        value=cmap.get(r.row.cells, key),
        district=r.district,
        tambon=r.tambon,
    )


def _warn(log: IssueLog, cmap: ColumnMap, r: Report, key: str, code: str, message: str) -> None:
    log.add(
        r.row.number,
        "warning",
        code,
        message,
        key=key,
        value=cmap.get(r.row.cells, key),
        district=r.district,
        tambon=r.tambon,
    )


def _supersede(log: IssueLog, reports: list[Report]) -> None:
    """The latest row per tambon counts: by timestamp when the sheet has one, else the lower row."""
    latest: dict[str, Report] = {}
    for r in reports:
        if r.tambon is None:
            continue
        best = latest.get(r.tambon.code)
        if best is None or (r.at or _MIN, r.row.number) > (best.at or _MIN, best.row.number):
            latest[r.tambon.code] = r
    for r in reports:
        if r.tambon is None or latest[r.tambon.code] is r:
            continue
        winner = latest[r.tambon.code]
        r.superseded_by = winner.row.number
        log.keep_only(r.row.number, "superseded")
        log.add(
            r.row.number,
            "warning",
            "superseded",
            f"มีรายงานของตำบลนี้ซ้ำ — ใช้รายงานล่าสุด (แถว {th_num(winner.row.number)}) แทนแถวนี้ "
            "ไม่ต้องแก้ไขหากตั้งใจส่งใหม่",
            district=r.district,
            tambon=r.tambon,
        )


def _status(ctx: FormContext, log: IssueLog, r: Report, cutoff: Cutoff) -> UnitStatus:
    assert r.tambon is not None
    return unit_status(
        ctx, log, row=r.row, ok=r.ok, at=r.at, cutoff=cutoff,
        unit_code=r.tambon.code, unit_name=r.tambon.name, district_code=r.tambon.parent_code,
    )  # fmt: skip


PROGRESS_COLUMNS = [
    Column("activity", "กิจกรรม", 12),
    Column("due", "กำหนดส่ง", 12, "date"),
    Column("district_code", "รหัสอำเภอ", 10),
    Column("district", "อำเภอ", 16),
    Column("targets", "ตำบลเป้าหมาย", 10, "int"),
    Column("reported", "รายงานแล้ว", 10, "int"),
    Column("meeting", "ผ่านเกณฑ์", 10, "int"),
    Column("late", "ส่งล่าช้า", 9, "int"),
    Column("rejected", "ต้องแก้ไข", 9, "int"),
    Column("missing", "ยังไม่รายงาน", 10, "int"),
    Column("missing_tambons", "ตำบลที่ยังไม่รายงาน", 36),
    Column("not_meeting_tambons", "ตำบลที่ยังไม่ผ่านเกณฑ์", 36),
]


def _progress_rows(
    ctx: FormContext, kind: str, counted: list[Report], targets: dict[str, Unit], cutoff: Cutoff
) -> list[Row]:
    out: list[Row] = []
    for d in ctx.org.districts():
        mine = [t for t in targets.values() if t.parent_code == d.code]
        reports = {r.tambon.code: r for r in counted if r.tambon and r.tambon.parent_code == d.code}
        late = [r for r in reports.values() if r.ok and r.at and local_date(ctx, r.at) > cutoff.due]
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


def _progress_table(ctx: FormContext, progress: list[Row]) -> Table | None:
    """The shared table: created by the first activity form processed, extended by the next."""
    for earlier in ctx.results.values():
        for table in earlier.tables:
            if table.name == PROGRESS:
                table.rows.extend(progress)
                return None
    return Table(
        name=PROGRESS, title="ความก้าวหน้ากิจกรรม ๒ และ ๓", columns=list(PROGRESS_COLUMNS), rows=progress
    )
