"""The ศอช.ต. development-level assessment: 23 indicators, two rounds a year.

Each response is one tambon's self-assessment for one round, sent by its
district office. The latest response per tambon and round counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean
from typing import Any

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.documents import render_assessment_pdf
from pipeline.forms import declared, engine, facts
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
from pipeline.forms.report_files import report_documents
from pipeline.models import Cell, Column, Grid, Row, Table
from pipeline.orgunits import Unit
from pipeline.scoring import score_answer

# A round as respondents write it: "1", "๑", "ครั้งที่ 1", "รอบที่ 2", "ครั้งที่ 1/2567", "รอบ 2 (มิ.ย.)".
# Nothing else: "1e+20", "-2" or "2.5" is no round, and is not read as 1 or 2.
_ROUND = re.compile(
    r"^(?:ครั้งที่|รอบที่|รอบการประเมินที่|รอบการประเมิน|ครั้ง|รอบ|round)?\s*(\d{1,2})"
    r"(?:\s*/\s*\d{2,4})?(?:\s*\([^()]*\))?$",
    re.IGNORECASE,
)


def parse_round(raw: Cell) -> str:
    """The round number a cell holds, as text ("1"), or "" when it holds no whole round number."""
    if isinstance(raw, bool):
        return ""
    if isinstance(raw, float):
        raw = int(raw) if raw.is_integer() and 1 <= raw < 100 else str(raw)
    if isinstance(raw, int):
        return str(raw) if 1 <= raw < 100 else ""
    m = _ROUND.match(thai.clean_text(thai.to_arabic_digits(str(raw))).strip())
    return str(int(m[1])) if m and int(m[1]) >= 1 else ""


GIVES = (facts.Assessed,)
# The codes of its messages (sheets_schema/tambon_assessment.yaml: messages), checked when the settings load.
MESSAGES = ["bad_round"]


@dataclass
class Report(Submission):
    tambon: Unit | None
    cutoff: Cutoff | None
    scores: dict[int, int] = field(default_factory=dict)
    ok: bool = True
    superseded_by: int = 0

    @property
    def key(self) -> tuple[str, str] | None:
        if self.tambon is None or self.cutoff is None:
            return None
        return (self.tambon.code, self.cutoff.period)


def process(ctx: FormContext, grid: Grid) -> FormResult:
    cutoffs = form_cutoffs(ctx, "its rounds")
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    responses = [_read(ctx, log, cmap, r, cutoffs) for r in data]
    engine.supersede(log, responses, lambda r: r.key, lambda r, kept: _superseded(ctx, r, kept))
    counted = [r for r in responses if r.key is not None and not r.superseded_by]
    result = engine.tally(ctx, len(data), responses, counted)
    result.issues = list(log)
    result.tables = [_scores_table(ctx, counted), _district_table(ctx, counted, cutoffs)]
    for c in cutoffs:
        if local_date(ctx, ctx.now) > c.due:  # once the round's cut-off has passed, on every sync
            context = department_context(ctx, [r for r in counted if r.cutoff is c], c)
            result.documents += report_documents(
                ctx, log, "assessment", c.period, "assessment_report.html", render_assessment_pdf, context,
                what="รายงานผลการประเมินส่งกรม",
            )  # fmt: skip
    result.statuses = [
        engine.status(ctx, log, r, r.cutoff, r.tambon, r.tambon.parent_code)
        for r in counted
        if r.tambon and r.cutoff
    ]
    assessed = {(r.tambon.code, r.cutoff.period): r.ok for r in counted if r.tambon and r.cutoff}
    # Rows whose tambon could not be read, per (district, round): the progress report's
    # count may include them, and that is not a second mistake.
    unplaced: dict[tuple[str, str], int] = {}
    for r in responses:
        if r.tambon is None and r.district is not None and r.cutoff is not None:
            key = (r.district.code, r.cutoff.period)
            unplaced[key] = unplaced.get(key, 0) + 1
    result.facts = [facts.Assessed(ctx.source.key, assessed, unplaced)]
    return result


def _read(ctx: FormContext, log: IssueLog, cmap: ColumnMap, row: SheetRow, cutoffs: list[Cutoff]) -> Report:
    district, tambon, ok = resolve_place(ctx, log, row, cmap, with_tambon=True)
    last = log.items[-1] if log.items else None
    if not ok and last is not None and last.row == row.number and last.code == "outside_province":
        # Another province's row (a national sheet): its one issue says so; its answers are not ours.
        return Report(row=row, at=None, district=None, tambon=None, cutoff=None, ok=False)
    at = read_timestamp(ctx, log, cmap, row, district=district, tambon=tambon)
    ok = ok and at is not None
    cutoff = _round(ctx, log, cmap, row, at, cutoffs, district, tambon)
    resp = Report(
        row=row, at=at, district=district, tambon=tambon, cutoff=cutoff, ok=ok and cutoff is not None
    )
    say = engine.about(log, resp)
    for ind in ctx.schema.indicators:
        raw = cmap.get(row.cells, ind.key)
        scored = score_answer(ind, raw, as_score=ctx.source.score_columns)
        if scored.error:
            say.error(scored.error_code, scored.error, ind.key, raw)
        elif scored.score is not None:
            resp.scores[ind.no] = scored.score
        if scored.warning:
            say.warning(scored.warning_code, scored.warning, ind.key, raw)
    if cutoff is not None:
        due = f"{cutoff.title} ครั้งที่ {th_num(int(cutoff.period or 0))}"
        engine.warn_late(ctx, log, resp, cutoff, due, declared.message(ctx, "late_counts"))
    return resp


def _round(
    ctx: FormContext,
    log: IssueLog,
    cmap: ColumnMap,
    row: SheetRow,
    at: datetime | None,
    cutoffs: list[Cutoff],
    district: Unit | None,
    tambon: Unit | None,
) -> Cutoff | None:
    raw: Cell = cmap.get(row.cells, "round")
    periods = [c.period for c in cutoffs]
    if not thai.is_blank(raw):
        period = parse_round(raw)
        found = next((c for c in cutoffs if c.period == period), None)
        if found is None:
            log.add(
                row.number,
                "error",
                "bad_round",
                declared.message(
                    ctx,
                    "bad_round",
                    raw=str(raw),
                    rounds=" และ ".join(th_num(int(p)) for p in periods if p.isdigit()),
                ),
                key="round",
                value=raw,
                district=district,
                tambon=tambon,
            )
        return found
    if at is None:
        return None
    return ctx.calendar.period_for_date(ctx.source.key, local_date(ctx, at))


def _superseded(ctx: FormContext, r: Report, winner: Report) -> str:
    number = int(r.cutoff.period or 0) if r.cutoff else 0
    return declared.message(ctx, "superseded", round=number, row=winner.row.number)


SCORE_COLUMNS_HEAD = [
    Column("district_code", "รหัสอำเภอ", 10),
    Column("district", "อำเภอ", 16),
    Column("tambon_code", "รหัสตำบล", 10),
    Column("tambon", "ตำบล", 16),
    Column("round", "ครั้งที่", 8, "int"),
    Column("submitted_at", "วันเวลาที่ส่ง", 18, "datetime"),
    Column("on_time", "ส่งตามกำหนด", 12),
]


def _scores_table(ctx: FormContext, counted: list[Report]) -> Table:
    cols = list(SCORE_COLUMNS_HEAD)
    cols += [Column(f"i{i.no}", f"ข้อ {th_num(i.no)}", 6, "int") for i in ctx.schema.indicators]
    cols += [Column(f"c{c.no}", f"หมวด {th_num(c.no)}", 8, "int") for c in ctx.schema.categories]
    cols += [
        Column("total_score", "คะแนนรวม", 10, "int"),
        Column("level", "ระดับ", 7, "level"),
        Column("level_label", "ผลการประเมิน", 12),
        Column("source_row", "แถวในชีตคำตอบ", 10, "int"),
    ]
    out: list[Row] = []
    for r in sorted(
        (r for r in counted if r.ok),
        key=lambda r: (r.cutoff.period if r.cutoff else "", r.tambon.code if r.tambon else ""),
    ):
        assert r.tambon and r.district and r.cutoff and r.at
        total = sum(r.scores.values())
        level = ctx.schema.level_for(total)
        subtotals = [
            sum(s for no, s in r.scores.items() if ctx.schema.indicators[no - 1].category == c.no)
            for c in ctx.schema.categories
        ]
        out.append(
            [
                r.district.code,
                r.district.name,
                r.tambon.code,
                r.tambon.name,
                r.cutoff.round,
                r.at.replace(tzinfo=None),
                engine.on_time(ctx, r.at, r.cutoff),
                *[r.scores[i.no] for i in ctx.schema.indicators],
                *subtotals,
                total,
                level.level if level else None,
                level.label if level else "",
                r.row.number,
            ]
        )
    return Table(name="scores", title="คะแนนรายตำบล", columns=cols, rows=out)


def _district_table(ctx: FormContext, counted: list[Report], cutoffs: list[Cutoff]) -> Table:
    out: list[Row] = []
    for c in cutoffs:
        for d in ctx.org.districts():
            tambons = ctx.org.tambons(d.code)
            mine = [r for r in counted if r.cutoff is c and r.tambon and r.tambon.parent_code == d.code]
            sent = {r.tambon.code for r in mine if r.tambon}
            valid = [r for r in mine if r.ok and r.at]
            late = [r for r in valid if engine.days_late(ctx, r.at, c)]
            totals = [sum(r.scores.values()) for r in valid]
            levels = [lv.level for t in totals if (lv := ctx.schema.level_for(t))]
            missing = [t.name for t in tambons if t.code not in sent]
            out.append(
                [
                    c.round,
                    c.due,
                    d.code,
                    d.name,
                    len(tambons),
                    len(sent),
                    len(valid) - len(late),
                    len(late),
                    len(mine) - len(valid),
                    len(missing),
                    ", ".join(missing),
                    levels.count(3),
                    levels.count(2),
                    levels.count(1),
                    round(mean(totals), 2) if totals else None,
                ]
            )
    return declared.table(ctx.schema, "districts", out)


def department_context(ctx: FormContext, counted: list[Report], cutoff: Cutoff) -> dict[str, Any]:
    """A round's results as the province reports them to the department, in Thai digits."""
    levels = sorted(ctx.schema.levels, key=lambda lv: -lv.level)
    good = [r for r in counted if r.ok and r.tambon and r.district]
    level_of: dict[str, int] = {}
    for r in good:
        found = ctx.schema.level_for(sum(r.scores.values()))
        assert r.tambon is not None
        if found is not None:
            level_of[r.tambon.code] = found.level
    districts: list[dict[str, Any]] = []
    by_level: dict[int, list[tuple[str, str]]] = {lv.level: [] for lv in levels}
    not_assessed: list[tuple[str, str]] = []
    totals: dict[str | int, int] = {
        "tambons": 0,
        "assessed": 0,
        "missing": 0,
        **{lv.level: 0 for lv in levels},
    }
    for d in ctx.org.districts():
        tambons = ctx.org.tambons(d.code)
        mine = {t.code: level_of[t.code] for t in tambons if t.code in level_of}
        counts = {lv.level: sum(1 for v in mine.values() if v == lv.level) for lv in levels}
        missing = [t.name for t in tambons if t.code not in mine]
        districts.append(
            {
                "district": d.name,
                "tambons": th_num(len(tambons)),
                "assessed": th_num(len(mine)),
                "levels": [th_num(counts[lv.level]) for lv in levels],
                "missing": th_num(len(missing)),
            }
        )
        for lv in levels:
            names = [t.name for t in tambons if mine.get(t.code) == lv.level]
            if names:
                by_level[lv.level].append((d.name, ", ".join(names)))
            totals[lv.level] += counts[lv.level]
        if missing:
            not_assessed.append((d.name, ", ".join(missing)))
        totals["tambons"] += len(tambons)
        totals["assessed"] += len(mine)
        totals["missing"] += len(missing)
    assessed = totals["assessed"]
    return {
        "title": f"รายงานผลการประเมินการจัดระดับการพัฒนา ศอช.ต. ครั้งที่ {th_num(cutoff.round or 0)}",
        "place": f"จังหวัด{ctx.org.province.name}",
        "fiscal_year": th_num(ctx.calendar.fiscal_year),
        "round": th_num(cutoff.round or 0),
        "level_names": [lv.label for lv in levels],
        "districts": districts,
        "total": {
            "district": "รวมทั้งจังหวัด",
            "tambons": th_num(totals["tambons"]),
            "assessed": th_num(assessed),
            "levels": [th_num(totals[lv.level]) for lv in levels],
            "missing": th_num(totals["missing"]),
        },
        "shares": [
            thai.to_thai_digits(f"{100 * totals[lv.level] / assessed:.1f}") if assessed else "-"
            for lv in levels
        ],
        "by_level": [
            {"label": lv.label, "count": th_num(totals[lv.level]), "districts": by_level[lv.level]}
            for lv in levels
        ],
        "not_assessed": not_assessed,
        "due": thai.format_thai_date(cutoff.due, weekday=False),
        "to_department": thai.format_thai_date(cutoff.to_department, weekday=False)
        if cutoff.to_department
        else "-",
        "as_of": thai.format_thai_date(local_date(ctx, ctx.now), weekday=False),
    }
