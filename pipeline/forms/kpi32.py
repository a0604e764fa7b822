"""KPI 3.2 monthly report of the model municipalities/TAOs (seed 003; rubric.md part B).

Each model LAO (one per district, settings `units.model_laos`) reports every
month on the circular's 8 items. Per LAO and month this module checks the
answers, computes the two percentages from the counts (a typed percentage
that disagrees by more than the schema's tolerance is a warning naming both
figures; the computed one is used), and decides whether the LAO meets all
five criteria. Per month it computes the province's result, LAOs meeting ×
100 / all model LAOs, and its 1–5 score.

The LAO is matched by name within its district, whatever prefix it is typed
with (เทศบาลตำบล / ทต. / องค์การบริหารส่วนตำบล / อบต.). The month comes from
the form's month column (Thai month names, BE year) or, without one, from the
submission date against the calendar. The latest response per LAO and month
counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pipeline import thai
from pipeline.answers import parse_yes_no
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.errors import ConfigError
from pipeline.forms import engine, kpi32_score
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    Submission,
    form_cutoffs,
    local_date,
    read_timestamp,
    resolve_place,
    rows,
    th_num,
)
from pipeline.forms.kpi32_score import Items, Rules, percent_disagrees
from pipeline.laos import lao_name_key, lao_slips
from pipeline.models import Grid
from pipeline.months import month_label, parse_month, parse_report_no
from pipeline.orgunits import Unit
from pipeline.settings import ModelLao

_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


# ---------------------------------------------------------------------------
# Reading the responses


@dataclass
class Report(Submission):
    lao: ModelLao | None
    cutoff: Cutoff | None
    ok: bool = True
    items: Items | None = None
    superseded_by: int = 0
    tambon: Unit | None = None  # a model LAO reports for itself, not for a tambon
    inferred: bool = False  # the period comes from the submission date, not from the form

    @property
    def key(self) -> tuple[str, str] | None:
        if self.lao is None or self.cutoff is None:
            return None
        return (self.lao.code, self.cutoff.period)

    def meets(self, crit: Rules) -> bool:
        return (
            self.ok
            and self.items is not None
            and all(self.items.criteria(crit.local_plan_min, crit.budget_min))
        )


def process(ctx: FormContext, grid: Grid) -> FormResult:
    where = f"sheets_schema/{ctx.source.schema}.yaml"
    crit = Rules.of(ctx.schema.extra, where)
    cutoffs = form_cutoffs(ctx, "a recurring cut-off with units: model_laos")
    if not ctx.settings.model_laos:
        raise ConfigError(
            "KPI 3.2 is reported by the model LAOs, and the settings list none",
            where=f"{ctx.settings.path}: units.model_laos",
            fix="list them under units: model_laos: as {name: เทศบาลตำบล…, district: …}",
        )
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    if data and "month" not in cmap.index and "report_no" not in cmap.index:
        log.add(
            1,
            "warning",
            "period_from_date",
            "แบบรายงานนี้ไม่ได้ถามเดือนที่รายงานหรือรายงานครั้งที่ — ระบบนับรายงานเข้าเดือนตามวันที่ส่ง "
            "(รายงานที่ส่งหลังกำหนดโดยที่เดือนนั้นรายงานแล้ว ถือเป็นรายงานของเดือนถัดไป) "
            'โปรดเพิ่มคำถาม "รายงานครั้งที่" หรือ "รายงานประจำเดือน" ในแบบฟอร์ม',
        )
    reports = [_read(ctx, log, cmap, r, cutoffs, crit) for r in data]
    kpi32_score.early_for_next(ctx, reports, cutoffs)
    for r in reports:
        due = f"รายงานเดือน{month_label(r.cutoff.period)}" if r.cutoff else ""
        engine.warn_late(ctx, log, r, r.cutoff, due, "นับผลตามปกติ")
    engine.supersede(log, reports, lambda r: r.key, _superseded)
    counted = [r for r in reports if r.key is not None and not r.superseded_by]
    result = engine.tally(ctx, len(data), reports, counted)
    result.issues = list(log)
    result.statuses = [
        engine.status(ctx, log, r, r.cutoff, r.lao, r.lao.district_code)
        for r in counted
        if r.lao and r.cutoff
    ]
    province = kpi32_score.province_rows(ctx, counted, cutoffs, crit)
    result.tables = [
        kpi32_score.lao_table(ctx, counted, crit),
        kpi32_score.province_table(ctx.schema, province),
    ]
    return result


def _read(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, row: SheetRow, cutoffs: list[Cutoff], crit: Rules
) -> Report:
    district, _, ok = resolve_place(ctx, log, row, cmap, with_tambon=False)
    at = read_timestamp(ctx, log, cmap, row, district=district)
    ok = ok and at is not None
    lao = _match_lao(ctx, log, cmap, row, district) if district is not None else None
    cutoff, inferred = _month(ctx, log, cmap, row, at, cutoffs, district)
    r = Report(
        row=row,
        at=at,
        district=district,
        lao=lao,
        cutoff=cutoff,
        ok=ok and lao is not None and cutoff is not None,
        inferred=inferred,
    )
    r.items = _items(log, cmap, r, crit)
    if r.items is None:
        r.ok = False
    return r


def _match_lao(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, row: SheetRow, district: Unit
) -> ModelLao | None:
    say = engine.RowLog(log, row, district)
    raw = cmap.get(row.cells, "lao")
    if thai.is_blank(raw):
        say.error("missing_lao", "ไม่ได้ระบุชื่อ อปท. ต้นแบบ — โปรดกรอกชื่อเทศบาล/อบต. แล้วส่งใหม่", "lao", raw)
        return None
    fixed, slips = lao_slips(str(raw))
    kind, key = lao_name_key(fixed)
    mine = [lao for lao in ctx.settings.model_laos if lao.district_code == district.code]
    found = next((lao for lao in mine if lao_name_key(lao.name)[1] == key), None)
    if found is not None and slips:
        say.warning(
            "near_match",
            f'ชื่อ "{raw}" พิมพ์ไม่ตรงกับชื่อทางการ ({"; ".join(slips)}) — ถือเป็น {found.name} '
            f'โปรดแก้ไขการสะกดเป็น "{found.name}"',
            "lao",
            raw,
        )
    if found is None:
        near = [lao for lao in mine if _MARKS.sub("", lao_name_key(lao.name)[1]) == _MARKS.sub("", key)]
        if len(near) == 1:
            found = near[0]
            say.warning(
                "near_match",
                f'ชื่อ "{raw}" สะกดต่างจากบัญชี อปท. ต้นแบบ — ถือเป็น {found.name} โปรดตรวจสอบการสะกด',
                "lao",
                raw,
            )
    if found is None:
        elsewhere = [lao for lao in ctx.settings.model_laos if lao_name_key(lao.name)[1] == key]
        if elsewhere:
            other = ctx.org.district(elsewhere[0].district_code)
            message = (
                f"{elsewhere[0].name} เป็น อปท. ต้นแบบของอำเภอ{other.name} ไม่ใช่อำเภอ{district.name} "
                "— โปรดแก้อำเภอในแบบรายงานให้ถูกต้อง"
            )
            code = "lao_other_district"
        else:
            listed = ", ".join(lao.name for lao in mine) or "ไม่มี"
            message = (
                f'"{raw}" ไม่ใช่ อปท. ต้นแบบตัวชี้วัดที่ ๓.๒ ตามบัญชีของจังหวัด — อปท. ต้นแบบของอำเภอ{district.name}: '
                f"{listed} (ทั้งจังหวัด: {', '.join(lao.name for lao in ctx.settings.model_laos)}) "
                "โปรดแก้ชื่อ อปท. หรือแจ้งจังหวัดหากมีการเปลี่ยนพื้นที่เป้าหมาย"
            )
            code = "not_model_lao"
        say.error(code, message, "lao", raw)
        return None
    want = lao_name_key(found.name)[0]
    if kind and want and kind != want:
        say.warning(
            "lao_kind_mismatch",
            f"กรอกเป็น {kind} แต่ อปท. ต้นแบบของอำเภอ{district.name} คือ {found.name} — "
            "ระบบนับเป็นรายงานของ อปท. ต้นแบบ โปรดตรวจสอบว่าส่งในนามหน่วยงานที่ถูกต้อง",
            "lao",
            raw,
        )
    return found


def _month(
    ctx: FormContext,
    log: IssueLog,
    cmap: ColumnMap,
    row: SheetRow,
    at: datetime | None,
    cutoffs: list[Cutoff],
    district: Unit | None,
) -> tuple[Cutoff | None, bool]:
    """The report's cut-off, and whether it was inferred from the submission date."""
    say = engine.RowLog(log, row, district)
    raw = cmap.get(row.cells, "month")
    raw_no = cmap.get(row.cells, "report_no")
    if thai.is_blank(raw) and not thai.is_blank(raw_no):
        n = parse_report_no(raw_no)
        if n is not None and n <= len(cutoffs):
            return cutoffs[n - 1], False
        listed = ", ".join(
            f"ครั้งที่ {th_num(i)} = เดือน{month_label(c.period)}" for i, c in enumerate(cutoffs, start=1)
        )
        say.error(
            "bad_report_no",
            f'รายงานครั้งที่ "{raw_no}" ไม่มีในปฏิทินการรายงาน ({listed}) — โปรดแก้ครั้งที่ของรายงานแล้วส่งใหม่',
            "report_no",
            raw_no,
        )
        return None, False
    if not thai.is_blank(raw):
        period = parse_month(raw, [c.period for c in cutoffs])
        found = next((c for c in cutoffs if c.period == period), None)
        if found is None:
            months = ", ".join(month_label(c.period) for c in cutoffs)
            say.error(
                "bad_month",
                f'เดือนที่รายงาน "{raw}" ไม่ใช่เดือนที่ต้องรายงาน — ต้องรายงานเดือน {months} '
                "โปรดเลือกเดือนให้ถูกต้องแล้วส่งใหม่",
                "month",
                raw,
            )
        n = None if thai.is_blank(raw_no) else parse_report_no(raw_no)
        if found is not None and n is not None and (n > len(cutoffs) or cutoffs[n - 1] is not found):
            say.warning(
                "report_no_mismatch",
                f"รายงานครั้งที่ {th_num(n)} ไม่ตรงกับเดือนที่รายงาน ({month_label(found.period)}) — "
                f"ระบบนับเป็นรายงานเดือน{month_label(found.period)} ตามเดือนที่กรอก โปรดตรวจสอบครั้งที่ของรายงาน",
                "report_no",
                raw_no,
            )
        return found, False
    if at is None:
        return None, True
    return ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, at)), True


def _items(log: IssueLog, cmap: ColumnMap, r: Report, crit: Rules) -> Items | None:
    """Read the 8 items; None when an answer the criteria need cannot be read (each logged as an error)."""
    say = engine.RowLog(log, r.row, r.district)

    def count(key: str, item: str, *, blank: int | None) -> int | None:
        raw = cmap.get(r.row.cells, key)
        n = thai.parse_count(raw)
        # "ยังไม่ดำเนินการ" in a count box: nothing done yet, as a blank.
        if thai.is_blank(raw) or (n is None and parse_yes_no(raw) is False):
            if blank is None:
                say.error("missing_answer", f"ข้อ {item} ไม่ได้กรอกจำนวน — โปรดกรอกเป็นตัวเลข", key)
            return blank
        if n is None or n < 0 or not n.is_integer():
            say.error("bad_count", f'ข้อ {item} อ่านจำนวน "{raw}" ไม่ได้ — โปรดกรอกเป็นตัวเลขจำนวนเต็ม เช่น ๑๒', key)
            return None
        return int(n)

    def yes_no(key: str, item: str, choices: str) -> bool:
        raw = cmap.get(r.row.cells, key)
        answer = parse_yes_no(raw)
        if answer is None:
            what = "ไม่ได้ตอบ" if thai.is_blank(raw) else f'อ่านคำตอบ "{raw}" ไม่ได้'
            say.error("bad_yes_no", f"ข้อ {item} {what} — โปรดเลือก {choices}", key)
            return False
        return answer

    villages = count("villages", "๑", blank=None)
    if villages == 0:
        say.error("bad_count", "ข้อ ๑ จำนวนหมู่บ้าน/ชุมชนต้องมากกว่า ๐", "villages")
    committee = yes_no("committee", "๒", '"มีคณะทำงาน" หรือ "ยังไม่มีคณะทำงาน"')
    work_plan = yes_no("work_plan", "๓", '"มีแผนดำเนินงานแล้ว" หรือ "ยังไม่มีแผนดำเนินงาน"')
    if work_plan and not committee:
        say.warning(
            "plan_without_committee",
            "ข้อ ๓ ตอบว่ามีแผนดำเนินงานแล้ว แต่ข้อ ๒ ยังไม่มีคณะทำงาน — โปรดตรวจสอบ",
            "work_plan",
        )
    forums = yes_no("village_forums", "๔", '"ดำเนินการครบทุกหมู่บ้าน/ชุมชนแล้ว" หรือ "ยังดำเนินการไม่ครบ"')
    remaining = count("villages_remaining", "๔ (จำนวนที่เหลือ)", blank=0)
    if villages and remaining and remaining > villages:
        say.error(
            "bad_count",
            f"ข้อ ๔ เหลือ {th_num(remaining)} หมู่บ้าน/ชุมชน มากกว่าจำนวนทั้งหมดในข้อ ๑ ({th_num(villages)}) — โปรดแก้ไข",
            "villages_remaining",
        )
    tambon_forum = yes_no("tambon_forum", "๕", '"ดำเนินการแล้ว" หรือ "ยังไม่ดำเนินการ"')
    held = cmap.get(r.row.cells, "tambon_forum_on")
    if tambon_forum and not thai.is_blank(held) and thai.parse_date(held) is None:
        say.warning(
            "bad_date", f'ข้อ ๕ อ่านวันที่จัดเวที "{held}" ไม่ได้ — โปรดกรอกวันที่ เช่น ๒๐ พ.ค. ๒๕๕๕', "tambon_forum_on"
        )
    covers = yes_no("covers", "๖", '"ครอบคลุม" หรือ "ไม่ครอบคลุม"')
    projects = count("projects", "๖", blank=0 if not covers else None)
    local_plan = count("local_plan_projects", "๗", blank=0)
    budget = count("budget_projects", "๘", blank=0)
    for done_key, count_key, item, n in (
        ("local_plan_done", "local_plan_projects", "๗", local_plan),
        ("budget_done", "budget_projects", "๘", budget),
    ):
        done = parse_yes_no(cmap.get(r.row.cells, done_key))
        if done and thai.is_blank(cmap.get(r.row.cells, count_key)):
            say.error(
                "missing_answer",
                f"ข้อ {item} ตอบว่าดำเนินการแล้ว แต่ไม่ได้กรอกจำนวนโครงการ/กิจกรรม — โปรดกรอกจำนวนแล้วส่งใหม่",
                count_key,
            )
        elif done is False and n:
            say.warning(
                "not_done_with_count",
                f"ข้อ {item} ตอบว่ายังไม่ดำเนินการ แต่กรอกจำนวน {th_num(n)} โครงการ/กิจกรรม — "
                "ระบบนับตามจำนวนที่กรอก โปรดตรวจสอบ",
                done_key,
            )
    if say.errors or villages is None or local_plan is None or budget is None:
        return None
    if local_plan > 0 and not projects:
        say.error(
            "no_base",
            "ข้อ ๗ มีโครงการที่บรรจุในแผนพัฒนาท้องถิ่น แต่ข้อ ๖ ไม่มีจำนวนโครงการ "
            "— คำนวณร้อยละไม่ได้ โปรดกรอกจำนวนโครงการในข้อ ๖",
            "local_plan_projects",
        )
    if projects is not None and local_plan > projects > 0:
        say.error(
            "more_than_base",
            f"ข้อ ๗ ({th_num(local_plan)} โครงการ) มากกว่าจำนวนโครงการทั้งหมดในข้อ ๖ ({th_num(projects)}) — โปรดแก้ไข",
            "local_plan_projects",
        )
    if budget > local_plan:
        say.error(
            "more_than_base",
            f"ข้อ ๘ ({th_num(budget)} โครงการ) มากกว่าจำนวนโครงการในข้อ ๗ ({th_num(local_plan)}) — โปรดแก้ไข",
            "budget_projects",
        )
    if say.errors:
        return None
    items = Items(villages, committee, work_plan, forums, tambon_forum, covers, projects, local_plan, budget)
    for key, item, part, whole, computed in (
        ("local_plan_percent", "๗", local_plan, projects, items.local_plan_pct),
        ("budget_percent", "๘", budget, local_plan, items.budget_pct),
    ):
        raw = cmap.get(r.row.cells, key)
        if thai.is_blank(raw) or computed is None or whole is None:
            continue
        typed = thai.parse_percent(raw)
        if typed is None:
            say.warning(
                "bad_percent",
                f'ข้อ {item} อ่านร้อยละ "{raw}" ไม่ได้ — ระบบใช้ร้อยละที่คำนวณจากจำนวน ({_pct(computed)})',
                key,
            )
        elif percent_disagrees(typed, computed, crit.percent_tolerance):
            say.warning(
                "percent_mismatch",
                f"ข้อ {item} กรอกร้อยละ {_pct(typed)} แต่คำนวณจากจำนวนได้ {th_num(part)} × ๑๐๐ ÷ {th_num(whole)} "
                f"= ร้อยละ {_pct(computed)} — ระบบใช้ร้อยละ {_pct(computed)} ที่คำนวณจากจำนวน โปรดแก้ไขให้ตรงกัน",
                key,
            )
    return items


def _pct(x: float) -> str:
    return thai.to_thai_digits(f"{x:.1f}".removesuffix(".0"))


def _superseded(r: Report, winner: Report) -> str:
    month = month_label(r.key[1]) if r.key else ""
    return (
        f"มีรายงานเดือน{month}ของ {r.lao.name if r.lao else ''} ซ้ำ — ใช้รายงานที่ส่งล่าสุด "
        f"(แถว {th_num(winner.row.number)}) แทนแถวนี้ ไม่ต้องแก้ไขหากตั้งใจส่งใหม่"
    )
