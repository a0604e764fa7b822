"""The progress assessment (แบบประเมินผลความก้าวหน้าในการดำเนินงาน ศอช.): one report per district.

The district office reports, for items (1)-(6) of the circular's form, how many
tambons/districts/provinces, committees and people, then problems, suggestions
and its reporter. The form's items and counts and the rules' parameters (`Rules`) live in the
schema (sheets_schema/progress_assessment.yaml); this module applies them:

- Counts are whole numbers >= 0 (Thai digits and unit words such as "๑๒ ตำบล"
  accepted; "ไม่มี" and "-" are 0). A blank tambon/district count is an error,
  a blank province count is 0.
- Tambon counts never exceed the district's tambons (geothai); a district
  reports at most one district and one province: errors.
- Committees should equal units, and people lie between 9 and 25 times the
  committees (seed 004): warnings, since the registry itself is where a
  committee's size is enforced.
- Item (5) is compared with the tambon assessments the province received from
  that district for the latest round due on or before this form's cut-off;
  item (1) with the committee registry. A mismatch is a warning naming both
  figures.
- The latest report per district counts; earlier ones are superseded. A report
  after the cut-off counts and is marked late.

The province roll-up (reports without errors only, progress_province.py) is published as a table and
rendered as the circular's form, filled in, in HTML (pipeline/templates/progress_report.html)
and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.forms import engine, facts
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    Submission,
    checked_timestamp,
    form_cutoffs,
    local_date,
    resolve_place,
    rows,
    th_num,
)
from pipeline.forms.progress_province import province_table, render_documents, rollup
from pipeline.forms.progress_rules import LEVEL_WORD, Count, Rules, parse_whole
from pipeline.models import Cell, Column, Grid, Row, Severity, Table
from pipeline.orgunits import Unit

NEEDS = (facts.Assessed, facts.Committees)


# ---------------------------------------------------------------------------
# Reading one report


@dataclass
class Report(Submission):
    cutoff: Cutoff | None
    counts: dict[str, int] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    ok: bool = True
    superseded_by: int = 0
    tambon: Unit | None = None  # a district reports for itself

    @property
    def key(self) -> tuple[str, str] | None:
        if self.district is None or self.cutoff is None:
            return None
        return (self.district.code, self.cutoff.period)


class _Log:
    """The issue log of one report, also keeping the report's short flags for the table."""

    def __init__(self, log: IssueLog, r: Report) -> None:
        self.log, self.r = log, r

    def add(
        self, severity: Severity, code: str, short: str, msg: str, key: str = "", value: Cell = None
    ) -> None:
        self.log.add(self.r.row.number, severity, code, msg, key=key, value=value, district=self.r.district)
        if short and short not in self.r.flags:
            self.r.flags.append(short)
        if severity == "error":
            self.r.ok = False


def process(ctx: FormContext, grid: Grid) -> FormResult:
    rules = Rules.from_schema(ctx.schema)
    cutoffs = form_cutoffs(ctx, "the progress assessment's due date")
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    reports = [_read(ctx, log, cmap, rules, r, cutoffs) for r in data]
    engine.supersede(log, reports, lambda r: r.key, _superseded)
    counted = [r for r in reports if r.key is not None and not r.superseded_by]
    for r in counted:
        _cross_checks(ctx, _Log(log, r), rules, r)
    for r in reports:
        if r.superseded_by:
            r.flags = []
    result = engine.tally(ctx, len(data), reports, counted)
    periods = [c for c in cutoffs if any(r.cutoff is c for r in counted)]
    rollups = [rollup(ctx, rules, c, [r for r in counted if r.cutoff is c]) for c in periods]
    result.tables = [_district_table(ctx, rules, counted), province_table(rules, rollups)]
    result.statuses = [
        engine.status(ctx, log, r, r.cutoff, r.district, r.district.code)
        for r in counted
        if r.district and r.cutoff
    ]
    for rollup_ in rollups:
        result.documents += render_documents(ctx, log, rules, rollup_)
    result.issues = list(log)
    return result


def _read(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, rules: Rules, row: SheetRow, cutoffs: list[Cutoff]
) -> Report:
    district, _, placed = resolve_place(ctx, log, row, cmap, with_tambon=False)
    ts_raw = cmap.get(row.cells, "timestamp")
    at, ts_problem = checked_timestamp(ctx, ts_raw)
    cutoff = ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, at)) if at else None
    r = Report(row=row, at=at, district=district if placed else None, cutoff=cutoff, ok=placed)
    note = _Log(log, r)
    if at is None:
        note.add("error", "bad_timestamp", "วันเวลาที่ส่ง", ts_problem, "timestamp", ts_raw)
    for c in rules.counts:
        _count(cmap, note, r, c)
    for key in ("problems", "suggestions", "reporter", "reporter_position"):
        raw = cmap.get(row.cells, key)
        r.text[key] = "" if thai.is_blank(raw) else thai.clean_text(str(raw))
    if not r.text["reporter"]:
        msg = "ไม่ได้ระบุชื่อผู้รายงาน — โปรดกรอกชื่อและตำแหน่งของผู้รายงานตามแบบฟอร์ม"
        note.add("warning", "missing_reporter", "ไม่มีชื่อผู้รายงาน", msg, "reporter")
    if r.district is not None:
        _consistency(ctx, note, rules, r)
    if cutoff is not None and engine.warn_late(
        ctx, log, r, cutoff, cutoff.title, "ตัวเลขนับรวมตามปกติ", value=ts_raw
    ):
        r.flags.append("ส่งล่าช้า")
    return r


def _count(cmap: ColumnMap, note: _Log, r: Report, c: Count) -> None:
    raw = cmap.get(r.row.cells, c.key)
    if thai.is_blank(raw):
        # A dash is "none"; an empty province figure is too (a district has no province committee of its own).
        if c.level == "province" or (isinstance(raw, str) and thai.clean_text(raw)):
            r.counts[c.key] = 0
            return
        msg = f'{c.label} ไม่ได้กรอก — กรอกจำนวน (ถ้าไม่มีให้กรอก ๐ หรือ "-") แล้วส่งแบบรายงานใหม่'
        note.add("error", "missing_count", f"{c.header} ว่าง", msg, c.key, raw)
        return
    value, why = parse_whole(raw)
    if value is None:
        msg = f'{c.label} "{raw}" {why} — กรอกเป็นจำนวนเต็มตั้งแต่ ๐ ขึ้นไป เช่น ๑๒ แล้วส่งแบบรายงานใหม่'
        note.add("error", "bad_count", f"{c.header} ไม่ถูกต้อง", msg, c.key, raw)
        return
    r.counts[c.key] = value


def _consistency(ctx: FormContext, note: _Log, rules: Rules, r: Report) -> None:
    """The figures of each line against the district and against each other."""
    assert r.district is not None
    tambons = len(ctx.org.tambons(r.district.code))
    for item in rules.items:
        for line in item.lines:
            got = {c.measure: (c, r.counts[c.key]) for c in line if c.key in r.counts}
            units = got.get("units")
            if units is not None:
                c, n = units
                cap = tambons if c.level == "tambon" else 1
                if n > cap:
                    whole = (
                        f"อำเภอ{r.district.name}มี {th_num(tambons)} ตำบล"
                        if c.level == "tambon"
                        else f"อำเภอหนึ่งรายงาน{LEVEL_WORD[c.level]}ได้ไม่เกิน ๑ แห่ง"
                    )
                    msg = f"{c.label} {th_num(n)} มากกว่าที่เป็นไปได้ ({whole}) — โปรดตรวจสอบตัวเลขแล้วส่งใหม่"
                    note.add("error", "count_above_units", f"{c.header} เกิน", msg, c.key, n)
            committees, people, activities = got.get("committees"), got.get("people"), got.get("activities")
            if units is not None and committees is not None and units[1] != committees[1]:
                (cu, n), (cc, k) = units, committees
                msg = (
                    f"ข้อ ({th_num(item.number)}) ระดับ{LEVEL_WORD[cu.level]} รายงาน {th_num(n)} {cu.word} "
                    f"แต่ {th_num(k)} คณะ — ศอช. แต่ละแห่งมีคณะกรรมการบริหารคณะเดียว โปรดตรวจสอบ"
                )
                note.add("warning", "committees_units", f"{cc.header} ≠ {cu.header}", msg, cc.key, k)
            if committees is not None and people is not None:
                k, (cp, n) = committees[1], people
                lo, hi = rules.min_size * k, rules.max_size * k
                if not lo <= n <= hi:
                    msg = (
                        f"{cp.label} {th_num(n)} คน ไม่สอดคล้องกับ {th_num(k)} คณะ — คณะกรรมการคณะหนึ่งมี "
                        f"{th_num(rules.min_size)}–{th_num(rules.max_size)} คน จำนวนคนจึงควรอยู่ระหว่าง "
                        f"{th_num(lo)} ถึง {th_num(hi)} คน โปรดตรวจสอบ"
                    )
                    note.add("warning", "people_range", f"{cp.header} ไม่สอดคล้อง", msg, cp.key, n)
            if units is not None and activities is not None and (units[1] == 0) != (activities[1] == 0):
                (cu, n), (ca, k) = units, activities
                msg = (
                    f"ข้อ ({th_num(item.number)}) รายงาน {th_num(n)} {cu.word} และ {th_num(k)} {ca.word} "
                    "— ตำบลที่ได้รับการส่งเสริมควรมีกิจกรรม และกิจกรรมต้องเกิดในตำบล โปรดตรวจสอบ"
                )
                note.add("warning", "activities_units", f"{ca.header} ไม่สอดคล้อง", msg, ca.key, k)


_superseded = engine.superseded_message("อำเภอนี้ส่งแบบประเมินผลความก้าวหน้า", "คำตอบ")


# ---------------------------------------------------------------------------
# Cross-form checks


def assessed_by_district(
    ctx: FormContext, cutoff: Cutoff
) -> tuple[Cutoff, dict[str, tuple[int, int]]] | None:
    """The latest assessment round due by `cutoff` and, per district, (tambons received, valid)."""
    assessed = facts.find(ctx, facts.Assessed)
    if assessed is None:
        return None
    rounds = [c for c in ctx.calendar.for_form(assessed.source) if c.due <= cutoff.due]
    if not rounds:
        return None
    chosen = max(rounds, key=lambda c: c.due)
    out: dict[str, tuple[int, int]] = {}
    for (tambon, period), ok in assessed.by_tambon.items():
        if period == chosen.period:
            received, valid = out.get(tambon[:4], (0, 0))
            out[tambon[:4]] = (received + 1, valid + bool(ok))
    return chosen, out


def unplaced_assessments(ctx: FormContext, district_code: str, period: str) -> int:
    """Assessments from the district in that round whose tambon could not be read."""
    assessed = facts.find(ctx, facts.Assessed)
    return assessed.unplaced.get((district_code, period), 0) if assessed is not None else 0


def _cross_checks(ctx: FormContext, note: _Log, rules: Rules, r: Report) -> None:
    assert r.district is not None and r.cutoff is not None
    found = assessed_by_district(ctx, r.cutoff)
    key = rules.assessed
    if found is not None and key in r.counts:
        rnd, by_district = found
        received, valid = by_district.get(r.district.code, (0, 0))
        unread = unplaced_assessments(ctx, r.district.code, rnd.period)
        # Assessments rejected for an unreadable tambon are already listed; counting them is no mistake.
        if not received <= r.counts[key] <= received + unread:
            also = f" (ถูกต้อง {th_num(valid)} ตำบล)" if valid != received else ""
            which = f" ครั้งที่ {th_num(rnd.round)}" if rnd.round else ""
            msg = (
                f"ข้อ (๕) รายงานว่าประเมินแล้ว {th_num(r.counts[key])} ตำบล แต่จังหวัดได้รับแบบประเมิน ศอช.ต.{which} "
                f"จากอำเภอนี้ {th_num(received)} ตำบล{also} — โปรดตรวจสอบตัวเลข หรือส่งแบบประเมินของตำบลที่ยังไม่ได้ส่ง"
            )
            note.add("warning", "assessed_mismatch", "ข้อ (๕) ไม่ตรงกับแบบประเมินที่ได้รับ", msg, key, r.counts[key])
    registry = facts.find(ctx, facts.Committees)
    if registry is None:
        return
    committees = registry.by_unit
    mine = [
        c for (level, _), c in committees.items() if level == "tambon" and c.district_code == r.district.code
    ]
    own = committees.get(("district", r.district.code))
    registered = {
        "tambon": {"units": len(mine), "people": sum(c.members for c in mine)},
        "district": {"units": int(own is not None), "people": own.members if own is not None else 0},
    }
    # Members rejected for an unreadable tambon are listed on the registry: not a mismatch here.
    unread_people = {"tambon": {"people": sum(c.unread for c in mine)}}
    for level, measures in rules.registry.items():
        for measure, key in measures.items():
            want = registered.get(level, {}).get(measure)
            if want is None or key not in r.counts:
                continue
            if want <= r.counts[key] <= want + unread_people.get(level, {}).get(measure, 0):
                continue
            word = "คน" if measure == "people" else f"คณะ ({LEVEL_WORD[level]})"
            msg = (
                f"ข้อ (๑) ระดับ{LEVEL_WORD[level]} รายงาน {th_num(r.counts[key])} แต่ทะเบียนคณะกรรมการ ศอช. "
                f"ที่อำเภอส่งจังหวัดมี {th_num(want)} {word} — โปรดตรวจสอบตัวเลข หรือส่งทะเบียนให้ครบ"
            )
            note.add("warning", "registry_mismatch", "ข้อ (๑) ไม่ตรงกับทะเบียน", msg, key, r.counts[key])


# ---------------------------------------------------------------------------
# Statuses and tables


def _district_table(ctx: FormContext, rules: Rules, counted: list[Report]) -> Table:
    cols = [
        Column("district_code", "รหัสอำเภอ", 10),
        Column("district", "อำเภอ", 14),
        Column("submitted_at", "วันเวลาที่ส่ง", 18, "datetime"),
        Column("on_time", "ส่งตามกำหนด", 11),
        Column("status", "ผลการตรวจ", 10),
        *[Column(c.key, c.header, 9, "int") for c in rules.counts],
        Column("problems", "ปัญหาและอุปสรรค", 40, "user"),
        Column("suggestions", "ข้อเสนอแนะ", 40, "user"),
        Column("reporter", "ผู้รายงาน", 20, "user"),
        Column("reporter_position", "ตำแหน่ง", 20, "user"),
        Column("flags", "ข้อที่ต้องแก้ไขหรือตรวจสอบ", 45),
        Column("source_row", "แถวในชีตคำตอบ", 10, "int"),
    ]
    out: list[Row] = []
    for r in sorted(counted, key=lambda r: r.key or ("", "")):
        assert r.district is not None and r.cutoff is not None and r.at is not None
        head: Row = [
            r.district.code,
            r.district.name,
            r.at.replace(tzinfo=None),
            engine.on_time(ctx, r.at, r.cutoff),
        ]
        head.append("ถูกต้อง" if r.ok else "ต้องแก้ไข")
        text: Row = [r.text[k] for k in ("problems", "suggestions", "reporter", "reporter_position")]
        out.append(
            [*head, *[r.counts.get(c.key) for c in rules.counts], *text, "; ".join(r.flags), r.row.number]
        )
    return Table(name="progress", title="ความก้าวหน้ารายอำเภอ", columns=cols, rows=out)
