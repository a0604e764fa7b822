"""The committee registry (ทะเบียนข้อมูลคณะกรรมการ ศอช.): one response row per member, every level.

A committee is (level, unit): the ศอช.ต. of a tambon, the ศอช.อ. of a district,
the ศอช.จ. of the province. District offices send their tambon and district
committees before the registry cut-off; the province office adds its own.

Rules, and the decisions taken where the circulars are silent:

- A row is a member only with a readable timestamp, a level, a resolved place
  and a name; otherwise it is an error and the row is not counted.
- Level: from the level column (ต./อ./จ., ตำบล/อำเภอ/จังหวัด, ศอช.ต. …); when
  the column is missing or the cell blank, a row with a tambon is ศอช.ต. and a
  row with only a district is ศอช.อ. (with a warning when the cell was blank).
  A province committee must say so.
- Resubmission: the rows of one committee are taken in time order, and a gap of
  more than ``submission_gap_minutes`` (schema) starts a new submission. The
  latest submission replaces every earlier row of that committee.
- Committee errors (the district must correct and resend): fewer than 9 or more
  than 25 members (advisors not counted), not exactly one chair, not exactly one
  secretary, the same person twice (names compared without spaces and titles
  such as นาย/นาง/นางสาว/น.ส./ด.ต.), an announcement date that is not a real date.
- Warnings (counted as sent): a phone number that is not a Thai number (Thai
  digits accepted), a blank or unknown position (counted as กรรมการ), no
  announcement date, dates that disagree within one committee or lie after the
  submission, a tambon given for a district/province committee, late
  submission, and representation: the district committee should include a
  representative of every ศอช.ต. of the district, the province committee one of
  every ศอช.อ. A member represents a centre when the "ผู้แทน" column names it
  (ศอช.ต.บ้านต๋อม, ตำบลบ้านต๋อม, ต.บ้านต๋อม …) or when the same person sits on
  that centre's registered committee. Representation is inferred from free
  text, so a gap is a warning naming the centres, never a rejection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.forms import declared, facts, registry_checks, registry_tables
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    form_cutoffs,
    local_date,
    resolve_place,
    th_num,
)
from pipeline.forms.committees import (
    LEVELS,
    Committee,
    Member,
    Rules,
    committee_title,
    group_submissions,
    parse_level,
    parse_position,
    person_key,
)
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog, about, period_of, status
from pipeline.forms.facts import Level
from pipeline.models import Grid, Table, UnitStatus

GIVES = (facts.Committees,)
# Its message codes (sheets_schema/committee_registry.yaml: messages), checked when the settings load.
MESSAGES = """tambon_ignored missing_name bad_level missing_level level_inferred level_from_tambon
    level_from_district missing_position unknown_position bad_phone duplicate_member committee_size
    no_holder many_holders bad_announcement_date missing_announcement announcement_mismatch
    announcement_after_submission unknown_represented unknown_unit not_on_committee
    representation_gap"""


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Registry(Rules.from_schema(ctx.schema)))


@dataclass
class Registry(declared.Form):
    """A row is a member; the rows of a committee sent together are its report (`group`)."""

    rules: Rules
    members: list[Member] = field(default_factory=list)
    committees: dict[tuple[Level, str], Committee] = field(default_factory=dict)

    def cutoffs(self, ctx: FormContext) -> list[Cutoff]:
        return form_cutoffs(ctx, "the registry's due date")

    def read(self, ctx: FormContext, log: IssueLog, row: SheetRow) -> Member:
        """The level first: it says which place the row names."""
        tier, ok = _level(ctx, RowLog(log, row), self.rules)
        district = tambon = unit = None
        if tier in ("tambon", "district"):
            district, tambon, placed = resolve_place(ctx, log, row, log.cmap, with_tambon=tier == "tambon")
            unit = (tambon if tier == "tambon" else district) if placed else None
        elif tier == "province":
            unit = ctx.org.province
        return Member(
            row,
            None,
            district,
            tambon,
            None,
            ok and unit is not None,
            level=ctx.schema.unit,
            who=unit,
            tier=tier,
        )

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        m, cmap, labels = cast(Member, e), say.log.cmap, self.rules.level_labels
        t_raw = cmap.get(m.row.cells, "tambon")
        if m.tier in ("district", "province") and not thai.is_blank(t_raw):
            assert m.tier is not None
            said = message(
                ctx, "tambon_ignored", level=labels[m.tier], raw=str(t_raw), tambon_level=labels["tambon"]
            )
            say.warning("tambon_ignored", said, "tambon")
        name_raw = cmap.get(m.row.cells, "name")
        if thai.is_blank(name_raw):
            say.error("missing_name", message(ctx, "missing_name"), "name")
        else:
            m.name = thai.clean_text(str(name_raw))
            m.name_key = person_key(m.name)
        _position(ctx, say, self.rules, m)
        _phone(ctx, say, m)
        m.announced_raw = cmap.get(m.row.cells, "announced")
        m.announced = None if thai.is_blank(m.announced_raw) else thai.parse_date(m.announced_raw)
        rep = cmap.get(m.row.cells, "represents")
        m.represents = "" if thai.is_blank(rep) else thai.clean_text(str(rep))

    def group(self, ctx: FormContext, log: IssueLog, entries: list[Entry]) -> bool:
        self.members = cast(list[Member], entries)
        self.committees = _committees(ctx, log, self.rules, self.members)
        return True

    def finish(self, ctx: FormContext, log: IssueLog, entries: list[Entry], cutoffs: list[Cutoff]) -> None:
        for c in self.committees.values():
            registry_checks.check_committee(ctx, log, self.rules, c, cutoffs)
        registry_checks.check_representation(ctx, log, self.rules, self.committees)
        for c in self.committees.values():
            c.errors = c.errors or any(log.errors_for(m.row.number) for m in c.rows)

    def statuses(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[UnitStatus]:
        """Every district that sent a row: rejected while any issue of its committees is an error."""
        out: list[UnitStatus] = []
        for d in ctx.org.districts():
            sent = [
                m.at
                for m in self.members
                if m.district and m.district.code == d.code and not m.superseded_by and m.at
            ]
            if not sent:
                continue
            errors = [i.message for i in log if i.severity == "error" and i.district_code == d.code]
            out.append(
                status(
                    ctx,
                    period_of(ctx, max(sent), cutoffs),
                    d,
                    d.code,
                    max(sent),
                    dict.fromkeys(errors),
                    rejected=bool(errors),
                )
            )
        return out

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        return registry_tables.tables(ctx, self.rules, self.committees, cutoffs)

    def facts(self, ctx: FormContext, entries: list[Entry], counted: list[Entry]) -> list[facts.Committees]:
        by_unit = {
            k: facts.CommitteeInfo(
                c.level, c.unit.code, c.district.code if c.district else "", c.size, not c.errors, c.unread
            )
            for k, c in self.committees.items()
        }
        return [facts.Committees(ctx.source.key, by_unit)]


def _level(ctx: FormContext, say: RowLog, rules: Rules) -> tuple[Level | None, bool]:
    cells, cmap = say.row.cells, say.log.cmap
    raw = cmap.get(cells, "level")
    level = parse_level(raw, rules)
    if level is not None:
        return level, True
    labels = ", ".join(rules.level_labels[lv] for lv in LEVELS[::-1])
    if not thai.is_blank(raw):
        say.error("bad_level", message(ctx, "bad_level", raw=str(raw), labels=labels), "level")
        return None, False
    if not thai.is_blank(cmap.get(cells, "tambon")):
        level = "tambon"
    elif not thai.is_blank(cmap.get(cells, "district")):
        level = "district"
    else:
        say.error("missing_level", message(ctx, "missing_level", labels=labels), "level")
        return None, False
    if "level" in cmap.index:
        why = message(ctx, f"level_from_{level}")
        say.warning(
            "level_inferred",
            message(ctx, "level_inferred", level=rules.level_labels[level], why=why),
            "level",
        )
    return level, True


def _position(ctx: FormContext, say: RowLog, rules: Rules, m: Member) -> None:
    raw = say.log.cmap.get(m.row.cells, "position")
    m.position = parse_position(raw, rules)
    m.position_text = "" if thai.is_blank(raw) else thai.clean_text(str(raw))
    if m.position is not None or not m.ok:
        return
    known = ", ".join(dict.fromkeys(p.label for _, p in rules.spellings))
    code = "missing_position" if thai.is_blank(raw) else "unknown_position"
    say.warning("unknown_position", message(ctx, code, name=m.name, raw=str(raw), known=known), "position")
    m.position = rules.default_position


def _phone(ctx: FormContext, say: RowLog, m: Member) -> None:
    raw = say.log.cmap.get(m.row.cells, "phone")
    if thai.is_blank(raw):
        return
    digits = thai.parse_phone(raw)
    if digits is not None:
        m.phone = thai.format_phone(digits)
        return
    m.phone = thai.clean_text(str(raw))
    say.warning("bad_phone", message(ctx, "bad_phone", raw=str(raw), name=m.name or "กรรมการ"), "phone")


def _committees(
    ctx: FormContext, log: IssueLog, rules: Rules, members: list[Member]
) -> dict[tuple[Level, str], Committee]:
    by_key: dict[tuple[Level, str], list[Member]] = {}
    for m in members:
        if m.committee is not None and m.at is not None:
            by_key.setdefault(m.committee, []).append(m)
    out: dict[tuple[Level, str], Committee] = {}
    for key, rows_ in by_key.items():
        batches = group_submissions(rows_, lambda m: m.at or datetime.min, rules.gap)
        latest = batches[-1]
        first = latest[0]
        assert first.who is not None and first.at is not None
        for batch in batches[:-1]:
            for m in batch:
                m.superseded_by = first.row.number
                log.keep_only(m.row.number, "superseded")
            span = f"{th_num(batch[0].row.number)}–{th_num(batch[-1].row.number)}"
            day = thai.format_thai_date(local_date(ctx, first.at), weekday=False)
            title = committee_title(key[0], first.who, rules)
            msg = message(ctx, "superseded", title=title, day=day, row=first.row.number, span=span)
            about(log, batch[0]).add("warning", "superseded", msg)
        out[key] = Committee(level=key[0], unit=first.who, district=first.district, rows=latest)
    _claim_unplaced(out, members, rules)
    return out


def _claim_unplaced(
    committees: Mapping[tuple[Level, str], Committee], members: list[Member], rules: Rules
) -> None:
    """Give a row whose tambon could not be read to the one committee of its district sent
    with it (within the submission gap), so that committee's checks know it exists."""
    for m in members:
        if m.who is not None or m.tier != "tambon" or m.district is None or m.at is None:
            continue
        at = m.at
        near = [
            c
            for c in committees.values()
            if c.level == "tambon"
            and c.district is not None
            and c.district.code == m.district.code
            and any(r.at is not None and abs(r.at - at) <= rules.gap for r in c.rows)
        ]
        if len(near) == 1:
            near[0].unplaced.append(m)
