"""KPI 3.2 monthly report of the model municipalities/TAOs (seed 003; rubric.md part B).

Each model LAO (one per district, settings `units.model_laos`) reports every
month on the circular's 8 items. Per LAO and month this module checks the
answers, computes the two percentages from the counts (a typed percentage
that disagrees by more than the schema's tolerance is a warning naming both
figures; the computed one is used), and decides whether the LAO meets all
five criteria. Per month kpi32_score computes the province's result, LAOs
meeting × 100 / all model LAOs, and its 1–5 score.

The LAO is matched by name within its district, whatever prefix it is typed
with (เทศบาลตำบล / ทต. / องค์การบริหารส่วนตำบล / อบต.). The month comes from
the form's month column (Thai month names, BE year) or its report number, or,
without either, from the submission date against the calendar. The latest
response per LAO and month counts. The wording is the schema's
(sheets_schema/kpi32.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pipeline import thai
from pipeline.answers import parse_yes_no
from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine, kpi32_score
from pipeline.forms.base import FormContext, FormResult, IssueLog
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.forms.kpi32_score import Items, Rules, percent_disagrees, percent_of
from pipeline.laos import lao_name_key, lao_slips
from pipeline.models import Cell, Grid, Table
from pipeline.months import month_label, parse_month, parse_report_no
from pipeline.settings import ModelLao

__all__ = ["MESSAGES", "Rules", "process"]  # Rules: check-config types the schema's rules with it

_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# The codes of its messages (sheets_schema/kpi32.yaml: messages), checked when the settings load.
MESSAGES = """due period_from_date lao_slips lao_near lao_other_district none not_model_lao
    lao_kind_mismatch bad_report_no report_no_is bad_month report_no_mismatch missing_count bad_count
    no_answer bad_answer choices_committee choices_work_plan choices_village_forums choices_tambon_forum
    choices_covers no_villages plan_without_committee remaining_over bad_forum_date done_without_count
    not_done_with_count no_base more_than_projects more_than_local_plan bad_percent percent_mismatch"""


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Kpi32(declared.rules_of(Rules, ctx.schema)))


@dataclass(frozen=True)
class Kpi32(declared.Form):
    rules: Rules

    def begin(self, ctx: FormContext, log: IssueLog) -> None:
        if "month" not in log.cmap.index and "report_no" not in log.cmap.index:
            log.add(1, "warning", "period_from_date", message(ctx, "period_from_date"))

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        e.who = _lao(ctx, e, say) if e.district is not None else None
        _month(ctx, e, say)
        e.values["items"] = _items(ctx, e, engine.about(say.log, e), self.rules)
        e.ok = e.ok and e.who is not None and e.values["items"] is not None

    def settle(self, ctx: FormContext, entries: list[Entry], cutoffs: list[Cutoff]) -> None:
        kpi32_score.early_for_next(ctx, entries, cutoffs)

    def about(self, ctx: FormContext, e: Entry) -> dict[str, object]:
        return {"month": month_label(e.cutoff.period) if e.cutoff else "", "lao": e.who.name if e.who else ""}

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        province = kpi32_score.province_rows(ctx, counted, cutoffs, self.rules)
        return [
            kpi32_score.lao_table(ctx, counted, self.rules),
            declared.table(ctx.schema, "kpi32_province", province),
        ]


def _lao(ctx: FormContext, e: Entry, say: RowLog) -> ModelLao | None:
    """The model LAO a row names, within its district; a slip or a near spelling is a warning."""
    assert e.district is not None
    district, laos = e.district, ctx.settings.model_laos
    raw = say.cell("lao")
    if not engine.read(ctx, e, say, "lao"):
        return None
    fixed, slips = lao_slips(str(raw))
    kind, key = lao_name_key(fixed)
    mine = [lao for lao in laos if lao.district_code == district.code]
    found = next((lao for lao in mine if lao_name_key(lao.name)[1] == key), None)
    if found is not None and slips:
        said = message(ctx, "lao_slips", raw=str(raw), slips="; ".join(slips), name=found.name)
        say.warning("near_match", said, "lao", raw)
    near = [lao for lao in mine if _MARKS.sub("", lao_name_key(lao.name)[1]) == _MARKS.sub("", key)]
    if found is None and len(near) == 1:
        found = near[0]
        say.warning("near_match", message(ctx, "lao_near", raw=str(raw), name=found.name), "lao", raw)
    if found is None:
        elsewhere = [lao for lao in laos if lao_name_key(lao.name)[1] == key]
        if elsewhere:
            other = ctx.org.district(elsewhere[0].district_code).name
            said = message(
                ctx, "lao_other_district", name=elsewhere[0].name, other=other, district=district.name
            )
            say.error("lao_other_district", said, "lao", raw)
        else:
            listed = ", ".join(lao.name for lao in mine) or message(ctx, "none")
            whole = ", ".join(lao.name for lao in laos)
            said = message(
                ctx, "not_model_lao", raw=str(raw), district=district.name, listed=listed, all=whole
            )
            say.error("not_model_lao", said, "lao", raw)
        return None
    want = lao_name_key(found.name)[0]
    if kind and want and kind != want:
        say.warning("lao_kind_mismatch", key="lao", kind=kind, district=district.name, name=found.name)
    return found


def _month(ctx: FormContext, e: Entry, say: RowLog) -> None:
    """The month a row names, by name or by report number; without either, the one its date
    answers (e.values["inferred"]: a report sent early may then be the next month's)."""
    cutoffs = ctx.calendar.for_form(ctx.source.key)
    raw, raw_no = say.cell("month"), say.cell("report_no")
    e.values["inferred"] = thai.is_blank(raw) and thai.is_blank(raw_no)
    n = None if thai.is_blank(raw_no) else parse_report_no(raw_no)
    numbered = cutoffs[n - 1] if n is not None and n <= len(cutoffs) else None  # the N-th cut-off
    if not thai.is_blank(raw):
        period = parse_month(raw, [c.period for c in cutoffs])
        found = e.cutoff = next((c for c in cutoffs if c.period == period), None)
        if found is None:
            months = ", ".join(month_label(c.period) for c in cutoffs)
            say.error("bad_month", key="month", raw=str(raw), months=months)
        elif n is not None and numbered is not found:
            say.warning("report_no_mismatch", key="report_no", no=n, month=month_label(found.period))
    elif not thai.is_blank(raw_no):
        e.cutoff = numbered
        if numbered is None:
            numbers = (
                message(ctx, "report_no_is", no=i, month=month_label(c.period))
                for i, c in enumerate(cutoffs, 1)
            )
            say.error("bad_report_no", key="report_no", raw=str(raw_no), listed=", ".join(numbers))


def _items(ctx: FormContext, e: Entry, say: RowLog, rules: Rules) -> Items | None:
    """Read the 8 items; None when an answer the criteria need cannot be read (each said as an error)."""

    def count(key: str, item: str, *, blank: int | None) -> int | None:
        raw: Cell = say.cell(key)
        n = thai.parse_count(raw)
        # "ยังไม่ดำเนินการ" in a count box: nothing done yet, as a blank.
        if thai.is_blank(raw) or (n is None and parse_yes_no(raw) is False):
            if blank is None:
                say.error("missing_answer", message(ctx, "missing_count", item=item), key)
            return blank
        if n is None or n < 0 or not n.is_integer():
            say.error("bad_count", key=key, item=item, raw=str(raw))
            return None
        return int(n)

    def yes_no(key: str, item: str) -> bool:
        raw, choices = say.cell(key), message(ctx, f"choices_{key}")
        answer = parse_yes_no(raw)
        if answer is None and thai.is_blank(raw):
            say.error("bad_yes_no", message(ctx, "no_answer", item=item, choices=choices), key)
        elif answer is None:
            say.error("bad_yes_no", message(ctx, "bad_answer", item=item, raw=str(raw), choices=choices), key)
        return bool(answer)

    got: dict[str, Any] = {}  # the schema's answers, in the form's order
    for a in rules.answers:
        if a.shown:
            got[a.key] = yes_no(a.key, a.item)
            continue
        needed = a.blank is None or bool(a.needed_if and got[a.needed_if])
        n = got[a.key] = count(a.key, a.item, blank=None if needed else a.blank)
        if n == 0 and a.zero:
            say.error("bad_count", message(ctx, a.zero), a.key)
        if a.at_most and got[a.at_most] and n and n > got[a.at_most]:
            say.error("bad_count", message(ctx, a.over, n=n, base=got[a.at_most]), a.key)
    if got["work_plan"] and not got["committee"]:
        say.warning("plan_without_committee", key="work_plan")
    held = say.cell("tambon_forum_on")
    if got["tambon_forum"] and not thai.is_blank(held) and thai.parse_date(held) is None:
        say.warning("bad_date", message(ctx, "bad_forum_date", raw=str(held)), "tambon_forum_on")
    for a in (a for a in rules.answers if a.done):
        done, n = parse_yes_no(say.cell(a.done)), got[a.key]
        if done and thai.is_blank(say.cell(a.key)):
            say.error("missing_answer", message(ctx, "done_without_count", item=a.item), a.key)
        elif done is False and n:
            say.warning("not_done_with_count", key=a.done, item=a.item, n=n)
    if say.errors or None in got.values():
        return None
    for p in rules.percents:  # each count against the one its percentage is of
        part, whole = got[p.part], got[p.whole]
        if p.none and part > 0 and not whole:
            say.error("no_base", message(ctx, p.none), p.part)
        elif part > whole:
            say.error("more_than_base", message(ctx, p.over, n=part, base=whole), p.part)
    if say.errors:
        return None
    for p in rules.percents:  # a typed percentage is only checked against the one computed
        raw, computed = say.cell(p.key), percent_of(got[p.part], got[p.whole])
        if thai.is_blank(raw) or computed is None:
            continue
        typed = thai.parse_percent(raw)
        figures = {"item": p.item, "raw": str(raw), "computed": _pct(computed)}
        if typed is None:
            say.warning("bad_percent", key=p.key, **figures)
        elif percent_disagrees(typed, computed, rules.percent_tolerance):
            said = message(
                ctx, "percent_mismatch", typed=_pct(typed), part=got[p.part], whole=got[p.whole], **figures
            )
            say.warning("percent_mismatch", said, p.key)
    return Items(**{k: got[k] for k in Items.__dataclass_fields__})


def _pct(x: float) -> str:
    return thai.to_thai_digits(f"{x:.1f}".removesuffix(".0"))
