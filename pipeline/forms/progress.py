"""The progress assessment (แบบประเมินผลความก้าวหน้าในการดำเนินงาน ศอช.): one report per district.

The district office reports, for items (1)-(6) of the circular's form, how many
tambons/districts/provinces, committees and people, then problems, suggestions
and its reporter. The items and counts are the schema's `items:`
(sheets_schema/progress_assessment.yaml, read by progress_rules.py), its Thai
messages the schema's `messages:`; the engine (declared.evaluate) does the rest.
This module holds the form's own rules:

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

The province roll-up (reports without errors only, progress_province.py) is published as a table and
rendered as the circular's form, filled in, in HTML (pipeline/templates/progress_report.html)
and PDF.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.documents import render_progress_pdf
from pipeline.forms import declared, engine, facts
from pipeline.forms.base import FormContext, FormResult, IssueLog
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.forms.progress_province import Rollup, document_context, province_table, rollup
from pipeline.forms.progress_rules import LEVEL_WORD, MEASURE_WORD, Count, Rules, parse_whole
from pipeline.forms.report_files import report_documents
from pipeline.models import Cell, Column, Document, Grid, Row, Severity, Table

NEEDS = (facts.Assessed, facts.Committees)
TEXTS = ("problems", "suggestions", "reporter", "reporter_position")
# Its message codes (sheets_schema/progress_assessment.yaml: messages), checked when the settings load.
MESSAGES = """missing_reporter missing_count bad_count not_number negative not_whole count_above_units
    units_tambons units_one committees_units people_range activities_units assessed_mismatch
    assessed_round assessed_valid registry_mismatch registry_committees status_ok status_fix flag_late
    flag_missing_reporter flag_missing_count flag_bad_count flag_count_above_units flag_committees_units
    flag_people_range flag_activities_units flag_assessed_mismatch flag_registry_mismatch"""
read_rules = Rules.from_schema


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Progress(read_rules(ctx.schema)))


@dataclass
class _Note:
    """The issues of one report, said in the schema's words, each also a short flag in its table
    row (the schema's `flag_<code>`). An issue about a count names its label and column header."""

    ctx: FormContext
    e: Entry
    say: RowLog

    def __call__(self, severity: Severity, code: str, at: Count | str, value: Cell, **values: object) -> None:
        if isinstance(at, Count):
            values = {"label": at.label, "header": at.header, **values}
        key = at.key if isinstance(at, Count) else at
        (self.say.error if severity == "error" else self.say.warning)(
            code, message(self.ctx, code, **values), key, value
        )
        if (short := message(self.ctx, f"flag_{code}", **values)) not in self.e.flags:
            self.e.flags.append(short)


@dataclass(frozen=True)
class Progress(declared.Form):
    rules: Rules

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        e.shown = say.cell("timestamp")  # a late report's warning shows the cell
        note = _Note(ctx, e, say)
        for c in self.rules.counts:
            self._count(note, c)
        e.values |= {key: say.text(key) for key in TEXTS}
        if not e.values["reporter"]:
            note("warning", "missing_reporter", "reporter", None)
        if e.district is not None:
            tambons = len(ctx.org.tambons(e.district.code))
            for item in self.rules.items:
                for line in item.counts:
                    self._consistency(note, item.number, line, tambons, e.district.name)

    def _count(self, note: _Note, c: Count) -> None:
        e = note.e
        raw = note.say.cell(c.key)
        value, why = (None, "") if thai.is_blank(raw) else parse_whole(raw)
        # A dash is "none"; an empty province figure is too (a district has no province committee of its own).
        if thai.is_blank(raw) and (c.level == "province" or (isinstance(raw, str) and thai.clean_text(raw))):
            e.values[c.key] = 0
        elif thai.is_blank(raw):
            note("error", "missing_count", c, raw)
        elif value is None:
            note("error", "bad_count", c, raw, raw=str(raw), why=message(note.ctx, why))
        else:
            e.values[c.key] = value

    def _consistency(
        self, note: _Note, item: int, line: tuple[Count, ...], tambons: int, district: str
    ) -> None:
        """The figures of one line of an item against the district and against each other."""
        ctx, size = note.ctx, self.rules.committee_size
        got = {c.measure: (c, note.e.values[c.key]) for c in line if c.key in note.e.values}
        (cu, n), (cc, k) = got.get("units", (None, 0)), got.get("committees", (None, 0))
        (cp, people), (ca, acts) = got.get("people", (None, 0)), got.get("activities", (None, 0))
        if cu is not None and n > (tambons if cu.level == "tambon" else 1):
            whole = (
                message(ctx, "units_tambons", district=district, tambons=tambons)
                if cu.level == "tambon"
                else message(ctx, "units_one", level=LEVEL_WORD[cu.level])
            )
            note("error", "count_above_units", cu, n, n=n, whole=whole)
        if cu is not None and cc is not None and n != k:
            said = {"item": item, "level": LEVEL_WORD[cu.level], "n": n, "word": cu.word, "k": k}
            note("warning", "committees_units", cc, k, units=cu.header, **said)
        lo, hi = size.min * k, size.max * k
        if cc is not None and cp is not None and not lo <= people <= hi:
            said = {"n": people, "k": k, "min": size.min, "max": size.max, "lo": lo, "hi": hi}
            note("warning", "people_range", cp, people, **said)
        if cu is not None and ca is not None and (n == 0) != (acts == 0):
            said = {"item": item, "n": n, "units_word": cu.word, "k": acts, "word": ca.word}
            note("warning", "activities_units", ca, acts, **said)

    def recheck(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """A report that counts, against what the forms before it found: the assessments and the registry."""
        if e.late:
            e.flags.append(message(ctx, "flag_late"))
        note = _Note(ctx, e, say)
        self._assessed(note)
        self._registry(note)

    def _assessed(self, note: _Note) -> None:
        """Item (5) against the tambon assessments received from the district in the latest round due
        by this report's cut-off; those rejected for an unreadable tambon may be counted too."""
        ctx, e = note.ctx, note.e
        assert e.district is not None and e.cutoff is not None
        assessed, key, due = facts.find(ctx, facts.Assessed), self.rules.cross_checks.assessed, e.cutoff.due
        rounds = [c for c in ctx.calendar.for_form(assessed.source) if c.due <= due] if assessed else []
        if assessed is None or not rounds or key not in e.values:
            return
        rnd, code = max(rounds, key=lambda c: c.due), e.district.code
        mine = [ok for (t, p), ok in assessed.by_tambon.items() if p == rnd.period and t[:4] == code]
        received, valid = len(mine), sum(map(bool, mine))
        n = e.values[key]
        if not received <= n <= received + assessed.unplaced.get((code, rnd.period), 0):
            also = message(ctx, "assessed_valid", valid=valid) if valid != received else ""
            which = message(ctx, "assessed_round", round=rnd.round) if rnd.round else ""
            note("warning", "assessed_mismatch", key, n, n=n, which=which, received=received, also=also)

    def _registry(self, note: _Note) -> None:
        """Item (1) against the committee registry: tambon committees and people, the district's own."""
        ctx, e = note.ctx, note.e
        registry = facts.find(ctx, facts.Committees)
        if registry is None or e.district is None:
            return
        by_unit, code = registry.by_unit, e.district.code
        mine = [c for (lv, _), c in by_unit.items() if lv == "tambon" and c.district_code == code]
        own = by_unit.get(("district", code))
        registered = {
            "tambon": {"units": len(mine), "people": sum(c.members for c in mine)},
            "district": {"units": int(own is not None), "people": own.members if own is not None else 0},
        }
        # Members rejected for an unreadable tambon are listed on the registry: not a mismatch here.
        unread_people = {"tambon": {"people": sum(c.unread for c in mine)}}
        for level, measures in dataclasses.asdict(self.rules.cross_checks.registry).items():
            for measure, key in measures.items():
                want = registered[level][measure]
                n = e.values.get(key)
                if n is None or want <= n <= want + unread_people.get(level, {}).get(measure, 0):
                    continue
                word = (
                    MEASURE_WORD["people"]
                    if measure == "people"
                    else message(ctx, "registry_committees", level=LEVEL_WORD[level])
                )
                note(
                    "warning", "registry_mismatch", key, n, level=LEVEL_WORD[level], n=n, want=want, word=word
                )

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        rollups = self._rollups(ctx, counted, cutoffs)
        counts = [Column(c.key, c.header, 9, "int") for c in self.rules.counts]
        out: list[Row] = []
        for e in sorted(counted, key=lambda e: e.key or ("", "")):
            assert e.district is not None and e.at is not None and e.cutoff is not None
            head: Row = [e.district.code, e.district.name, *engine.sent(ctx, e.at, e.cutoff)]
            head.append(message(ctx, "status_ok" if e.ok else "status_fix"))
            figures = [e.values.get(c.key) for c in self.rules.counts]
            out.append([*head, *figures, *[e.values[k] for k in TEXTS], "; ".join(e.flags), e.row.number])
        return [
            declared.table(ctx.schema, "progress", out, counts),
            province_table(ctx, self.rules, rollups),
        ]

    def documents(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[Document]:
        """The circular's form filled in, per cut-off, in HTML and PDF."""
        out: list[Document] = []
        for ru in self._rollups(ctx, counted, cutoffs):
            context = document_context(ctx, self.rules, ru)
            out += report_documents(
                ctx, log, "progress", ru.cutoff.period, render_progress_pdf, context,
                what="แบบรายงานระดับจังหวัด",
            )  # fmt: skip
        return out

    def _rollups(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Rollup]:
        periods = [c for c in cutoffs if any(e.cutoff is c for e in counted)]
        return [rollup(ctx, self.rules, c, [e for e in counted if e.cutoff is c]) for c in periods]
