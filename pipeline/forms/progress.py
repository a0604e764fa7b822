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

from dataclasses import dataclass

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine, facts
from pipeline.forms.base import FormContext, FormResult, IssueLog
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.forms.progress_province import Rollup, province_table, render_documents, rollup
from pipeline.forms.progress_rules import LEVEL_WORD, Count, Rules, parse_whole
from pipeline.models import Cell, Column, Document, Grid, Row, Severity, Table

NEEDS = (facts.Assessed, facts.Committees)
TEXTS = ("problems", "suggestions", "reporter", "reporter_position")
# Its message codes (sheets_schema/progress_assessment.yaml: messages), checked when the settings load.
MESSAGES = """missing_reporter missing_count bad_count not_number negative not_whole count_above_units
    units_tambons units_one committees_units people_range activities_units assessed_mismatch
    assessed_round assessed_valid registry_mismatch registry_committees"""
read_rules = Rules.from_schema


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Progress(read_rules(ctx.schema)))


@dataclass
class _Note:
    """The issues of one report, said in the schema's words, each also a short flag in its table row."""

    ctx: FormContext
    e: Entry
    say: RowLog

    def __call__(
        self, severity: Severity, code: str, short: str, key: str, value: Cell, **values: object
    ) -> None:
        text = message(self.ctx, code, **values)
        (self.say.error if severity == "error" else self.say.warning)(code, text, key, value)
        if short not in self.e.flags:
            self.e.flags.append(short)


@dataclass(frozen=True)
class Progress(declared.Form):
    rules: Rules

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        e.shown = say.log.cmap.get(e.row.cells, "timestamp")  # a late report's warning shows the cell
        note = _Note(ctx, e, say)
        for c in self.rules.counts:
            self._count(note, c)
        for key in TEXTS:
            raw = say.log.cmap.get(e.row.cells, key)
            e.values[key] = "" if thai.is_blank(raw) else thai.clean_text(str(raw))
        if not e.values["reporter"]:
            note("warning", "missing_reporter", "ไม่มีชื่อผู้รายงาน", "reporter", None)
        if e.district is not None:
            self._consistency(note, len(ctx.org.tambons(e.district.code)), e.district.name)

    def _count(self, note: _Note, c: Count) -> None:
        e = note.e
        raw = note.say.log.cmap.get(e.row.cells, c.key)
        value, why = (None, "") if thai.is_blank(raw) else parse_whole(raw)
        # A dash is "none"; an empty province figure is too (a district has no province committee of its own).
        if thai.is_blank(raw) and (c.level == "province" or (isinstance(raw, str) and thai.clean_text(raw))):
            e.values[c.key] = 0
        elif thai.is_blank(raw):
            note("error", "missing_count", f"{c.header} ว่าง", c.key, raw, label=c.label)
        elif value is None:
            why = message(note.ctx, why)
            note(
                "error", "bad_count", f"{c.header} ไม่ถูกต้อง", c.key, raw, label=c.label, raw=str(raw), why=why
            )
        else:
            e.values[c.key] = value

    def _consistency(self, note: _Note, tambons: int, district: str) -> None:
        """The figures of each line against the district and against each other."""
        ctx, lo_size, hi_size = note.ctx, self.rules.min_size, self.rules.max_size
        for item in self.rules.items:
            for line in item.lines:
                got = {c.measure: (c, note.e.values[c.key]) for c in line if c.key in note.e.values}
                units, committees = got.get("units"), got.get("committees")
                people, activities = got.get("people"), got.get("activities")
                if units is not None and units[1] > (tambons if units[0].level == "tambon" else 1):
                    (c, n), level = units, LEVEL_WORD[units[0].level]
                    whole = (
                        message(ctx, "units_tambons", district=district, tambons=tambons)
                        if c.level == "tambon"
                        else message(ctx, "units_one", level=level)
                    )
                    note(
                        "error",
                        "count_above_units",
                        f"{c.header} เกิน",
                        c.key,
                        n,
                        label=c.label,
                        n=n,
                        whole=whole,
                    )
                if units is not None and committees is not None and units[1] != committees[1]:
                    (cu, n), (cc, k) = units, committees
                    said = {
                        "item": item.number,
                        "level": LEVEL_WORD[cu.level],
                        "n": n,
                        "word": cu.word,
                        "k": k,
                    }
                    note("warning", "committees_units", f"{cc.header} ≠ {cu.header}", cc.key, k, **said)
                if committees is not None and people is not None:
                    k, (cp, n) = committees[1], people
                    lo, hi = lo_size * k, hi_size * k
                    said = {
                        "label": cp.label,
                        "n": n,
                        "k": k,
                        "min": lo_size,
                        "max": hi_size,
                        "lo": lo,
                        "hi": hi,
                    }
                    if not lo <= n <= hi:
                        note("warning", "people_range", f"{cp.header} ไม่สอดคล้อง", cp.key, n, **said)
                if units is not None and activities is not None and (units[1] == 0) != (activities[1] == 0):
                    (cu, n), (ca, k) = units, activities
                    said = {"item": item.number, "n": n, "units_word": cu.word, "k": k, "word": ca.word}
                    note("warning", "activities_units", f"{ca.header} ไม่สอดคล้อง", ca.key, k, **said)

    def recheck(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """A report that counts, against what the forms before it found: the assessments and the registry."""
        if e.late:
            e.flags.append("ส่งล่าช้า")
        note = _Note(ctx, e, say)
        self._assessed(note)
        self._registry(note)

    def _assessed(self, note: _Note) -> None:
        """Item (5) against the tambon assessments received from the district in the latest round due
        by this report's cut-off; those rejected for an unreadable tambon may be counted too."""
        ctx, e = note.ctx, note.e
        assert e.district is not None and e.cutoff is not None
        assessed, key, due = facts.find(ctx, facts.Assessed), self.rules.assessed, e.cutoff.due
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
            said = {"n": n, "which": which, "received": received, "also": also}
            note("warning", "assessed_mismatch", "ข้อ (๕) ไม่ตรงกับแบบประเมินที่ได้รับ", key, n, **said)

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
        for level, measures in self.rules.registry.items():
            for measure, key in measures.items():
                want = registered.get(level, {}).get(measure)
                if want is None or key not in e.values:
                    continue
                n = e.values[key]
                if want <= n <= want + unread_people.get(level, {}).get(measure, 0):
                    continue
                word = (
                    "คน"
                    if measure == "people"
                    else message(ctx, "registry_committees", level=LEVEL_WORD[level])
                )
                said = {"level": LEVEL_WORD[level], "n": n, "want": want, "word": word}
                note("warning", "registry_mismatch", "ข้อ (๑) ไม่ตรงกับทะเบียน", key, n, **said)

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        rollups = self._rollups(ctx, counted, cutoffs)
        counts = [Column(c.key, c.header, 9, "int") for c in self.rules.counts]
        out: list[Row] = []
        for e in sorted(counted, key=lambda e: e.key or ("", "")):
            assert e.district is not None and e.at is not None and e.cutoff is not None
            on_time = engine.on_time(ctx, e.at, e.cutoff)
            head: Row = [e.district.code, e.district.name, e.at.replace(tzinfo=None), on_time]
            head.append("ถูกต้อง" if e.ok else "ต้องแก้ไข")
            figures = [e.values.get(c.key) for c in self.rules.counts]
            out.append([*head, *figures, *[e.values[k] for k in TEXTS], "; ".join(e.flags), e.row.number])
        return [
            declared.table(ctx.schema, "progress", out, counts),
            province_table(ctx, self.rules, rollups),
        ]

    def documents(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[Document]:
        return [
            d
            for ru in self._rollups(ctx, counted, cutoffs)
            for d in render_documents(ctx, log, self.rules, ru)
        ]

    def _rollups(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Rollup]:
        periods = [c for c in cutoffs if any(e.cutoff is c for e in counted)]
        return [rollup(ctx, self.rules, c, [e for e in counted if e.cutoff is c]) for c in periods]
