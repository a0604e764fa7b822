"""The ศอช.ต. development-level assessment: 23 indicators, two rounds a year.

Each response is one tambon's self-assessment for one round, sent by its
district office. The latest response per tambon and round counts. Its own:
the round a response names, the rubric's scores, the tables and the report to
the department; the wording is the schema's (sheets_schema/tambon_assessment.yaml).
"""

from __future__ import annotations

import re
from statistics import mean
from typing import Any

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.documents import render_assessment_pdf
from pipeline.forms import declared, engine, facts
from pipeline.forms.base import FormContext, FormResult, IssueLog, day, th_num
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.forms.report_files import report_documents
from pipeline.models import Cell, Column, Document, Grid, Row, Table
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
MESSAGES = "bad_round due item_head part_head report report_title report_place report_total"


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Assessment())


def _total(e: Entry) -> int:
    return sum(e.values["scores"].values())


class Assessment(declared.Form):
    other_provinces = True  # a national sheet: another province's answers are not ours

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        raw: Cell = say.cell("round")
        if not thai.is_blank(raw):  # the round it names, else the one its date answers
            cutoffs = ctx.calendar.for_form(ctx.source.key)
            e.cutoff = next((c for c in cutoffs if c.period == parse_round(raw)), None)
            if e.cutoff is None:
                rounds = " และ ".join(th_num(int(c.period)) for c in cutoffs if c.period.isdigit())
                say.error("bad_round", key="round", value=raw, raw=str(raw), rounds=rounds)
        scores = e.values["scores"] = {}
        for ind in ctx.schema.indicators:
            raw = say.cell(ind.key)
            scored = score_answer(ind, raw, as_score=ctx.source.score_columns)
            if scored.error:
                say.error(scored.error_code, scored.error, ind.key, raw)
            elif scored.score is not None:
                scores[ind.no] = scored.score
            if scored.warning:
                say.warning(scored.warning_code, scored.warning, ind.key, raw)

    def about(self, ctx: FormContext, e: Entry) -> dict[str, object]:
        return {"round": int(e.cutoff.period or 0) if e.cutoff else 0}

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        return [_scores_table(ctx, counted), _district_table(ctx, counted, cutoffs)]

    def facts(self, ctx: FormContext, entries: list[Entry], counted: list[Entry]) -> list[Any]:
        assessed = {(e.tambon.code, e.cutoff.period): e.ok for e in counted if e.tambon and e.cutoff}
        # Rows whose tambon could not be read, per (district, round): the progress report's
        # count may include them, and that is not a second mistake.
        unplaced: dict[tuple[str, str], int] = {}
        for e in entries:
            if e.tambon is None and e.district is not None and e.cutoff is not None:
                key = (e.district.code, e.cutoff.period)
                unplaced[key] = unplaced.get(key, 0) + 1
        return [facts.Assessed(ctx.source.key, assessed, unplaced)]

    def documents(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[Document]:
        out: list[Document] = []
        for c in cutoffs:
            if ctx.today > c.due:  # once the round's cut-off has passed, on every sync
                context = department_context(ctx, [e for e in counted if e.cutoff is c], c)
                out += report_documents(
                    ctx, log, "assessment", c.period, render_assessment_pdf, context,
                    what=message(ctx, "report"),
                )  # fmt: skip
        return out


def _scores_table(ctx: FormContext, counted: list[Entry]) -> Table:
    cols = [Column(f"i{i.no}", message(ctx, "item_head", no=i.no), 6, "int") for i in ctx.schema.indicators]
    cols += [Column(f"c{c.no}", message(ctx, "part_head", no=c.no), 8, "int") for c in ctx.schema.categories]
    out: list[Row] = []
    for e in sorted((e for e in counted if e.ok), key=lambda e: (e.key or ("", ""))[::-1]):
        assert e.tambon and e.district and e.cutoff and e.at
        scores: dict[int, int] = e.values["scores"]
        level = ctx.schema.level_for(_total(e))
        subtotals = [
            sum(s for no, s in scores.items() if ctx.schema.indicators[no - 1].category == c.no)
            for c in ctx.schema.categories
        ]
        out.append([
            e.district.code, e.district.name, e.tambon.code, e.tambon.name, e.cutoff.round,
            *engine.sent(ctx, e.at, e.cutoff),
            *[scores[i.no] for i in ctx.schema.indicators], *subtotals, _total(e),
            level.level if level else None, level.label if level else "", e.row.number,
        ])  # fmt: skip
    return declared.table(ctx.schema, "scores", out, cols)


def _district_table(ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> Table:
    out: list[Row] = []
    for c in cutoffs:
        for d in ctx.org.districts():
            tambons = ctx.org.tambons(d.code)
            mine = [e for e in counted if e.cutoff is c and e.tambon and e.tambon.parent_code == d.code]
            sent = {e.tambon.code for e in mine if e.tambon}
            valid = [e for e in mine if e.ok and e.at]
            late = [e for e in valid if engine.days_late(ctx, e.at, c)]
            totals = [_total(e) for e in valid]
            levels = [lv.level for t in totals if (lv := ctx.schema.level_for(t))]
            missing = [t.name for t in tambons if t.code not in sent]
            out.append([
                c.round, c.due, d.code, d.name, len(tambons), len(sent), len(valid) - len(late), len(late),
                len(mine) - len(valid), len(missing), ", ".join(missing),
                levels.count(3), levels.count(2), levels.count(1), round(mean(totals), 2) if totals else None,
            ])  # fmt: skip
    return declared.table(ctx.schema, "districts", out)


def department_context(ctx: FormContext, counted: list[Entry], cutoff: Cutoff) -> dict[str, Any]:
    """A round's results as the province reports them to the department, in Thai digits."""
    levels = sorted(ctx.schema.levels, key=lambda lv: -lv.level)
    level_of = {
        e.tambon.code: found.level
        for e in counted
        if e.ok and e.tambon and e.district and (found := ctx.schema.level_for(_total(e)))
    }
    lines: list[tuple[str, int, list[int]]] = []  # district, tambons, tambons per level
    by_level: dict[int, list[tuple[str, str]]] = {lv.level: [] for lv in levels}
    not_assessed: list[tuple[str, str]] = []
    for d in ctx.org.districts():
        tambons = ctx.org.tambons(d.code)
        named = {lv.level: [t.name for t in tambons if level_of.get(t.code) == lv.level] for lv in levels}
        lines.append((d.name, len(tambons), [len(named[lv.level]) for lv in levels]))
        for lv, names in named.items():
            if names:
                by_level[lv].append((d.name, ", ".join(names)))
        if missing := [t.name for t in tambons if t.code not in level_of]:
            not_assessed.append((d.name, ", ".join(missing)))
    counts = [sum(line[2][i] for line in lines) for i in range(len(levels))]
    assessed = sum(counts)

    def line(name: str, tambons: int, per_level: list[int]) -> dict[str, Any]:
        done = sum(per_level)
        return {
            "district": name, "tambons": th_num(tambons), "assessed": th_num(done),
            "levels": [th_num(n) for n in per_level], "missing": th_num(tambons - done),
        }  # fmt: skip

    return {
        "title": message(ctx, "report_title", round=cutoff.round or 0),
        "place": message(ctx, "report_place", province=ctx.org.province.name),
        "fiscal_year": th_num(ctx.calendar.fiscal_year),
        "round": th_num(cutoff.round or 0),
        "level_names": [lv.label for lv in levels],
        "districts": [line(*x) for x in lines],
        "total": line(message(ctx, "report_total"), sum(x[1] for x in lines), counts),
        "shares": [thai.to_thai_digits(f"{100 * n / assessed:.1f}") if assessed else "-" for n in counts],
        "by_level": [
            {"label": lv.label, "count": th_num(n), "districts": by_level[lv.level]}
            for lv, n in zip(levels, counts, strict=True)
        ],
        "not_assessed": not_assessed,
        "due": day(cutoff.due),
        "to_department": day(cutoff.to_department),
        "as_of": day(ctx.today),
    }
