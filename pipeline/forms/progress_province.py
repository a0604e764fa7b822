"""The progress assessment's province roll-up: the districts' reports summed for one cut-off, its
table, and what the circular's form filled in with it prints. Pure."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.calendar import Cutoff
from pipeline.forms import declared
from pipeline.forms.base import FormContext, day, th_num
from pipeline.forms.declared import Entry
from pipeline.forms.progress_rules import LEVEL_WORD, Rules
from pipeline.models import Cell, Row, Table
from pipeline.orgunits import Unit


@dataclass
class Rollup:
    """The province's figures for one cut-off: the form summed over the districts."""

    cutoff: Cutoff
    totals: dict[str, int]
    included: list[Entry]
    rejected: list[Unit]
    missing: list[Unit]
    problems: list[tuple[str, str]]  # (district, text)
    suggestions: list[tuple[str, str]]


def rollup(ctx: FormContext, rules: Rules, cutoff: Cutoff, reports: Sequence[Entry]) -> Rollup:
    """Tambon and district figures are summed; the province figure is the largest reported."""
    good = sorted(
        (r for r in reports if r.ok and r.district), key=lambda r: r.district.code if r.district else ""
    )
    totals: dict[str, int] = {}
    for c in rules.counts:
        values = [r.values.get(c.key, 0) for r in good]
        totals[c.key] = (max(values) if values else 0) if c.level == "province" else sum(values)
    sent = {r.district.code for r in reports if r.district}
    return Rollup(
        cutoff=cutoff,
        totals=totals,
        included=good,
        rejected=[r.district for r in reports if not r.ok and r.district],
        missing=[d for d in ctx.org.districts() if d.code not in sent],
        problems=[
            (r.district.name, r.values["problems"]) for r in good if r.district and r.values["problems"]
        ],
        suggestions=[
            (r.district.name, r.values["suggestions"]) for r in good if r.district and r.values["suggestions"]
        ],
    )


def province_table(ctx: FormContext, rules: Rules, rollups: list[Rollup]) -> Table:
    keys = [c.key for c in declared.columns(ctx.schema, "progress_province")[1]]
    out: list[Row] = []
    for ru in rollups:
        for item in rules.items:
            for line in item.counts:
                got: dict[str, Cell] = {c.measure: ru.totals[c.key] for c in line}
                got["unit_word"] = next((c.word for c in line if c.measure == "units"), "")
                got |= {"period": ru.cutoff.period, "item": item.number, "text": item.short}
                got |= {"level": LEVEL_WORD[line[0].level], "districts": len(ru.included)}
                out.append([got.get(k) for k in keys])
    return declared.table(ctx.schema, "progress_province", out)


# ---------------------------------------------------------------------------
# The filled-in form


def document_context(ctx: FormContext, rules: Rules, ru: Rollup) -> dict[str, Any]:
    """Everything the template and the PDF print, already in Thai digits."""
    items = []
    for item in rules.items:
        lines = [[(th_num(ru.totals[c.key]), c.word) for c in line] for line in item.counts]
        if item.one_line:
            lines = [[part for line in lines for part in line]]
        items.append({"number": th_num(item.number), "text": item.text, "lines": lines})
    province = ctx.org.province.name
    return {
        "title": rules.document.title,
        "place": f"จังหวัด{province}",
        "fiscal_year": th_num(ctx.calendar.fiscal_year),
        "headings": dataclasses.asdict(rules.document),
        "items": items,
        "problems": ru.problems,
        "suggestions": ru.suggestions,
        "included": [r.district.name for r in ru.included if r.district],
        "included_count": th_num(len(ru.included)),
        "rejected": [d.name for d in ru.rejected],
        "missing": [d.name for d in ru.missing],
        "districts": th_num(len(ctx.org.districts())),
        "as_of": day(ctx.today),
        "due": day(ru.cutoff.due),
    }
