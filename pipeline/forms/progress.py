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
from pipeline.forms.base import Document, FormContext, FormResult, IssueLog
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.forms.progress_province import Rollup, province_table, render_documents, rollup
from pipeline.forms.progress_rules import LEVEL_WORD, Count, Rules, parse_whole
from pipeline.models import Cell, Column, Grid, Row, Severity, Table

NEEDS = (facts.Assessed, facts.Committees)
TEXTS = ("problems", "suggestions", "reporter", "reporter_position")
# The codes of its messages (sheets_schema/progress_assessment.yaml: messages), checked when the settings load.
MESSAGES = [
    "missing_reporter", "missing_count", "bad_count", "not_number", "negative", "not_whole",
    "count_above_units", "units_tambons", "units_one", "committees_units", "people_range", "activities_units",
    "assessed_mismatch", "assessed_round", "assessed_valid", "registry_mismatch", "registry_committees",
]  # fmt: skip
read_rules = Rules.from_schema


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Progress(read_rules(ctx.schema)))


def _say(ctx: FormContext, e: Entry, say: RowLog, severity: Severity, code: str, short: str, key: str = "",
         value: Cell = None, **values: object) -> None:  # fmt: skip
    """An issue of the report (an error keeps it from counting), and its short words in the table's flags."""
    (say.error if severity == "error" else say.warning)(code, message(ctx, code, **values), key, value)
    if short not in e.flags:
        e.flags.append(short)


@dataclass(frozen=True)
class Progress:
    rules: Rules

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        e.shown = say.log.cmap.get(e.row.cells, "timestamp")  # a late report's warning shows the cell
        for c in self.rules.counts:
            self._count(ctx, e, say, c)
        for key in TEXTS:
            raw = say.log.cmap.get(e.row.cells, key)
            e.values[key] = "" if thai.is_blank(raw) else thai.clean_text(str(raw))
        if not e.values["reporter"]:
            _say(ctx, e, say, "warning", "missing_reporter", "ไม่มีชื่อผู้รายงาน", "reporter")
        if e.district is not None:
            self._consistency(ctx, e, say)

    def _count(self, ctx: FormContext, e: Entry, say: RowLog, c: Count) -> None:
        raw = say.log.cmap.get(e.row.cells, c.key)
        if thai.is_blank(raw):
            # A dash is "none"; an empty province figure is too (a district has no province committee of its own).
            if c.level == "province" or (isinstance(raw, str) and thai.clean_text(raw)):
                e.values[c.key] = 0
            else:
                _say(ctx, e, say, "error", "missing_count", f"{c.header} ว่าง", c.key, raw, label=c.label)
            return
        value, why = parse_whole(raw)
        if value is None:
            why = message(ctx, why)
            _say(ctx, e, say, "error", "bad_count", f"{c.header} ไม่ถูกต้อง", c.key, raw, label=c.label, raw=str(raw), why=why)  # fmt: skip
        else:
            e.values[c.key] = value

    def _consistency(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """The figures of each line against the district and against each other."""
        assert e.district is not None
        tambons = len(ctx.org.tambons(e.district.code))
        for item in self.rules.items:
            for line in item.lines:
                got = {c.measure: (c, e.values[c.key]) for c in line if c.key in e.values}
                units, committees = got.get("units"), got.get("committees")
                people, activities = got.get("people"), got.get("activities")
                if units is not None and units[1] > (tambons if units[0].level == "tambon" else 1):
                    c, n = units
                    whole = (
                        message(ctx, "units_tambons", district=e.district.name, tambons=tambons)
                        if c.level == "tambon"
                        else message(ctx, "units_one", level=LEVEL_WORD[c.level])
                    )
                    _say(ctx, e, say, "error", "count_above_units", f"{c.header} เกิน", c.key, n, label=c.label, n=n, whole=whole)  # fmt: skip
                if units is not None and committees is not None and units[1] != committees[1]:
                    (cu, n), (cc, k) = units, committees
                    _say(ctx, e, say, "warning", "committees_units", f"{cc.header} ≠ {cu.header}", cc.key, k,
                         item=item.number, level=LEVEL_WORD[cu.level], n=n, word=cu.word, k=k)  # fmt: skip
                if committees is not None and people is not None:
                    k, (cp, n) = committees[1], people
                    lo, hi = self.rules.min_size * k, self.rules.max_size * k
                    if not lo <= n <= hi:
                        _say(ctx, e, say, "warning", "people_range", f"{cp.header} ไม่สอดคล้อง", cp.key, n, label=cp.label,
                             n=n, k=k, min=self.rules.min_size, max=self.rules.max_size, lo=lo, hi=hi)  # fmt: skip
                if units is not None and activities is not None and (units[1] == 0) != (activities[1] == 0):
                    (cu, n), (ca, k) = units, activities
                    _say(ctx, e, say, "warning", "activities_units", f"{ca.header} ไม่สอดคล้อง", ca.key, k,
                         item=item.number, n=n, units_word=cu.word, k=k, word=ca.word)  # fmt: skip

    def recheck(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """A report that counts, against what the forms before it found: the assessments and the registry."""
        if e.late:
            e.flags.append("ส่งล่าช้า")
        self._assessed(ctx, e, say)
        self._registry(ctx, e, say)

    def _assessed(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        assert e.district is not None and e.cutoff is not None
        found = assessed_by_district(ctx, e.cutoff)
        key = self.rules.assessed
        if found is None or key not in e.values:
            return
        rnd, by_district = found
        received, valid = by_district.get(e.district.code, (0, 0))
        unread = unplaced_assessments(ctx, e.district.code, rnd.period)
        # Assessments rejected for an unreadable tambon are already listed; counting them is no mistake.
        if not received <= e.values[key] <= received + unread:
            also = message(ctx, "assessed_valid", valid=valid) if valid != received else ""
            which = message(ctx, "assessed_round", round=rnd.round) if rnd.round else ""
            n = e.values[key]
            _say(ctx, e, say, "warning", "assessed_mismatch", "ข้อ (๕) ไม่ตรงกับแบบประเมินที่ได้รับ", key, n,
                 n=n, which=which, received=received, also=also)  # fmt: skip

    def _registry(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        assert e.district is not None
        registry = facts.find(ctx, facts.Committees)
        if registry is None:
            return
        committees = registry.by_unit
        mine = [
            c for (lv, _), c in committees.items() if lv == "tambon" and c.district_code == e.district.code
        ]
        own = committees.get(("district", e.district.code))
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
                _say(ctx, e, say, "warning", "registry_mismatch", "ข้อ (๑) ไม่ตรงกับทะเบียน", key, n,
                     level=LEVEL_WORD[level], n=n, want=want, word=word)  # fmt: skip

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
            declared.table(ctx.schema, "progress", out, counts, at=5),
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
