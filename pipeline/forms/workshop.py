"""Activity 1 (seed 002): the district committees' workshop, its lessons learned and its BPM record.

Only what is this form's own: participants against the target per district, the lesson each district
offers for the province's report to the department, the BPM record after disbursement. The rest is the
engine's; the wording is the schema's (sheets_schema/activity1.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine
from pipeline.forms.activities import bpm_record, held_on, participants
from pipeline.forms.base import FormContext, FormResult, day
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.models import Grid, Row, Table


@dataclass(frozen=True)
class Rules:
    participants: int = 5  # per district
    bpm_within_days: int = 7  # from disbursement to the BPM record


# The codes of its messages (sheets_schema/activity1.yaml: messages), checked when the settings load.
MESSAGES = """few_participants many_participants outside_fiscal_year missing_lessons bpm_missing bpm_overdue
    bpm_due_by bpm_before_disbursed bpm_late flag_few_participants flag_many_participants flag_bpm_missing
    flag_bpm_late not_sent sent_ok needs_fix"""


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Workshop(declared.rules_of(Rules, ctx.schema)))


@dataclass(frozen=True)
class Workshop(declared.Form):
    rules: Rules

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        if missed := participants(ctx, e, say, self.rules.participants, exact=True):
            e.flags.append(message(ctx, f"flag_{missed}"))
        held_on(ctx, e, say)
        if not engine.read(ctx, e, say, "lessons") and e.cutoff is not None:
            sent = day(e.cutoff.to_department or e.cutoff.due)
            say.warning("missing_lessons", key="lessons", to_department=sent)
        paid = engine.read(ctx, e, say, "disbursed_on")
        if missed := bpm_record(ctx, e, say, paid, self.rules.bpm_within_days, "bpm_before_disbursed"):
            e.flags.append(message(ctx, f"flag_{missed}"))

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        """One row per district, those that have not reported too."""
        cutoff = cutoffs[-1]
        by_district = {e.district.code: e for e in counted if e.district}
        out: list[Row] = []
        unsent = message(ctx, "not_sent")
        for d in ctx.org.districts():
            e = by_district.get(d.code)
            target = self.rules.participants
            if e is None:
                out.append([d.code, d.name, None, "", None, None, target, "", None, None, unsent, "", None])
                continue
            v = e.values
            out.append([
                d.code, d.name, *engine.sent(ctx, e.at, cutoff),
                v.get("held_on"), v.get("participants"), target, v.get("lessons", ""),
                v.get("disbursed_on"), v.get("bpm_on"), message(ctx, "sent_ok" if e.ok else "needs_fix"),
                "; ".join([*e.flags, engine.LATE] if e.late else e.flags), e.row.number,
            ])  # fmt: skip
        return [declared.table(ctx.schema, "activity1", out)]
