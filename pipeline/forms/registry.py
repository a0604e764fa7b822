"""The committee registry (ทะเบียนข้อมูลคณะกรรมการ ศอช.): one response row per member, every level.

A committee is (level, unit): a tambon's ศอช.ต., a district's ศอช.อ., the province's ศอช.จ.
District offices send their tambon and district committees before the registry cut-off; the
province office adds its own. The rows of a committee sent together are its report (`group`).
Decisions where the circulars are silent:

- A row is a member only with a readable timestamp, a level, a resolved place and a name.
  Without a level (no column, or a blank cell) a row with a tambon is ศอช.ต. and one with only a
  district ศอช.อ. (warned when the cell was blank); a province committee must say so.
- Rows of one committee more than ``submission_gap_minutes`` (schema) apart start a new
  submission; the latest replaces every earlier row of that committee.
- registry_checks says what the district must correct and resend (errors) and what is only
  warned; representation is inferred from free text, so a gap is never a rejection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine, facts, registry_checks
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    day,
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
from pipeline.models import Grid, Row, Table, UnitStatus
from pipeline.orgunits import Unit

GIVES = (facts.Committees,)
# Its message codes (sheets_schema/committee_registry.yaml: messages), checked when the settings load.
MESSAGES = """title tambon_ignored bad_level missing_level level_inferred level_from_tambon
    level_from_district missing_position unknown_position bad_phone someone duplicate_member committee_size
    no_chair no_secretary many_chairs many_secretaries holder bad_announcement_date missing_announcement
    announcement_mismatch announcement_after_submission due unknown_represented unknown_unit
    not_on_committee representation_gap unit_tambon unit_district flag_duplicate_member flag_committee_size
    flag_no_chair flag_no_secretary flag_many_chairs flag_many_secretaries flag_bad_announcement_date
    flag_missing_announcement flag_announcement_mismatch flag_announcement_after_submission flag_late
    flag_representation_gap checked_ok needs_fix not_sent sent complete incomplete province"""


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Registry(declared.rules_of(Rules, ctx.schema)))


@dataclass
class Registry(declared.Form):
    """One per run: `group` keeps the members and their committees for the hooks after it."""

    rules: Rules
    members: list[Member] = field(default_factory=list)
    committees: dict[tuple[Level, str], Committee] = field(default_factory=dict)

    def read(self, ctx: FormContext, log: IssueLog, row: SheetRow) -> Member:
        """The level first: it says which place the row names."""
        tier, ok = _level(ctx, RowLog(log, row), self.rules)
        district = tambon = unit = None
        if tier in ("tambon", "district"):
            district, tambon, placed = resolve_place(ctx, log, row, with_tambon=tier == "tambon")
            unit = (tambon if tier == "tambon" else district) if placed else None
        elif tier == "province":
            unit = ctx.org.province
        m = Member(row, None, district, tambon, None, level=ctx.schema.unit, who=unit, tier=tier)
        m.ok = ok and unit is not None
        return m

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        m, labels = cast(Member, e), self.rules.level_labels
        keys = ("tambon", "name", "position", "phone", "represents", "announced")
        raw = {k: say.cell(k) for k in keys}
        text = {k: say.text(k) for k in keys}  # "": blank
        if m.tier and m.tier != "tambon" and text["tambon"]:
            level, tambon_level = labels[m.tier], labels["tambon"]
            said = message(
                ctx, "tambon_ignored", level=level, raw=str(raw["tambon"]), tambon_level=tambon_level
            )
            say.warning("tambon_ignored", said, "tambon")
        m.name = engine.read(ctx, e, say, "name")
        m.name_key = person_key(m.name)
        m.position, m.position_text = parse_position(raw["position"], self.rules), text["position"]
        if m.position is None and m.ok:
            known = ", ".join(dict.fromkeys(p.label for _, p in self.rules.spellings))
            code = "unknown_position" if text["position"] else "missing_position"
            said = message(ctx, code, name=m.name, raw=str(raw["position"]), known=known)
            say.warning("unknown_position", said, "position")
            m.position = self.rules.default_position
        if text["phone"]:
            digits = thai.parse_phone(raw["phone"])
            m.phone = text["phone"] if digits is None else thai.format_phone(digits)
            if digits is None:
                name = m.name or message(ctx, "someone")
                say.warning("bad_phone", key="phone", raw=str(raw["phone"]), name=name)
        m.represents, m.announced_raw = text["represents"], raw["announced"]
        m.announced = thai.parse_date(m.announced_raw) if text["announced"] else None

    def group(self, ctx: FormContext, log: IssueLog, entries: list[Entry]) -> bool:
        """A committee's rows in time order: a gap of more than the rules' starts a new submission,
        and the latest submission replaces every earlier row of that committee."""
        self.members = cast(list[Member], entries)
        by_key: dict[tuple[Level, str], list[Member]] = {}
        for m in self.members:
            if m.committee is not None and m.at is not None:
                by_key.setdefault(m.committee, []).append(m)
        for key, rows in by_key.items():
            *earlier, latest = group_submissions(rows, lambda m: m.at or datetime.min, self.rules.gap)
            first = latest[0]
            assert first.who is not None and first.at is not None
            title = committee_title(ctx, self.rules, key[0], first.who)
            sent_on = day(local_date(ctx, first.at))
            for batch in earlier:
                for m in batch:
                    m.superseded_by = first.row.number
                    log.keep_only(m.row.number, "superseded")
                span = f"{th_num(batch[0].row.number)}–{th_num(batch[-1].row.number)}"
                said = message(ctx, "superseded", title=title, day=sent_on, row=first.row.number, span=span)
                about(log, batch[0]).warning("superseded", said)
            self.committees[key] = Committee(key[0], first.who, first.district, latest)
        for m in self.members:  # a row whose tambon could not be read: to the one committee it came with
            if m.who is None and m.tier == "tambon" and m.district is not None and m.at is not None:
                near = [c for c in self.committees.values() if _sent_with(c, m.district, m.at, self.rules)]
                if len(near) == 1:
                    near[0].unplaced.append(m)
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
        """Each district that sent a row: rejected while any issue of its rows is an error."""
        sent: dict[str, datetime] = {}
        for m in self.members:
            if m.district and m.at and not m.superseded_by:
                sent[m.district.code] = max(m.at, sent.get(m.district.code, m.at))
        out: list[UnitStatus] = []
        for d in (d for d in ctx.org.districts() if d.code in sent):
            said = dict.fromkeys(
                i.message for i in log if i.severity == "error" and i.district_code == d.code
            )
            at = sent[d.code]
            out.append(status(ctx, period_of(ctx, at, cutoffs), d, d.code, at, said, rejected=bool(said)))
        return out

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        labels = self.rules.level_labels
        ordered = sorted(
            self.committees.values(),
            key=lambda c: (c.district.code if c.district else "", LEVELS.index(c.level), c.unit.code),
        )
        committees: list[Row] = []
        for c in ordered:
            numbers = [m.row.number for m in c.rows]
            committees.append([
                labels[c.level], c.unit.code, c.unit.name, c.district.code if c.district else "",
                c.district.name if c.district else "", c.size, c.advisors, c.chairs, c.secretaries, c.announced,
                *engine.sent(ctx, c.at, period_of(ctx, c.at, cutoffs)),
                message(ctx, "needs_fix" if c.errors else "checked_ok"), "; ".join(c.flags),
                ", ".join(u.name for u in c.gaps),
                f"{min(numbers)}–{max(numbers)}" if len(numbers) > 1 else str(numbers[0]),
            ])  # fmt: skip
        members: list[Row] = [
            [labels[c.level], c.unit.code, c.unit.name, c.district.name if c.district else "", m.name,
             m.position.label if m.position else "", m.position_text, m.represents, m.phone, m.row.number]
            for c in ordered
            for m in c.members
        ]  # fmt: skip
        return [
            declared.table(ctx.schema, "committees", committees),
            self._matrix(ctx),
            declared.table(ctx.schema, "registry_members", members),
        ]

    def _matrix(self, ctx: FormContext) -> Table:
        """Per district: its tambons' committees sent, to correct and missing, and its own; then the province."""
        committees = self.committees

        def state(c: Committee | None) -> str:
            return message(ctx, "not_sent" if c is None else "needs_fix" if c.errors else "sent")

        out: list[Row] = []
        totals, missing_districts, complete_all = [0, 0, 0, 0], list[str](), True
        for d in ctx.org.districts():
            tambons = ctx.org.tambons(d.code)
            have = [t for t in tambons if ("tambon", t.code) in committees]
            flagged = sum(1 for t in have if committees[("tambon", t.code)].errors)
            missing = [t for t in tambons if ("tambon", t.code) not in committees]
            own = committees.get(("district", d.code))
            complete = not missing and not flagged and own is not None and not own.errors
            complete_all &= complete
            if own is None:
                missing_districts.append(d.name)
            counts = [len(tambons), len(have), flagged, len(missing)]
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            out.append([
                d.code, d.name, *counts, ", ".join(t.name for t in have), ", ".join(t.name for t in missing),
                state(own), "", message(ctx, "complete" if complete else "incomplete"),
            ])  # fmt: skip
        p = ctx.org.province
        own = committees.get(("province", p.code))
        complete_all &= own is not None and not own.errors
        out.append([
            p.code, message(ctx, "province", name=p.name), *totals, "", "", state(own), ", ".join(missing_districts),
            message(ctx, "complete" if complete_all else "incomplete"),
        ])  # fmt: skip
        return declared.table(ctx.schema, "registry_matrix", out)

    def facts(self, ctx: FormContext, entries: list[Entry], counted: list[Entry]) -> list[facts.Committees]:
        by_unit = {
            k: facts.CommitteeInfo(
                c.level, c.unit.code, c.district.code if c.district else "", c.size, not c.errors, c.unread
            )
            for k, c in self.committees.items()
        }
        return [facts.Committees(ctx.source.key, by_unit)]


def _sent_with(c: Committee, district: Unit, at: datetime, rules: Rules) -> bool:
    """Whether a row of `district` sent `at` came with this tambon committee (within the submission
    gap): a row whose tambon could not be read is then known to the committee's checks."""
    return (
        c.level == "tambon"
        and c.district is not None
        and c.district.code == district.code
        and any(r.at is not None and abs(r.at - at) <= rules.gap for r in c.rows)
    )


def _level(ctx: FormContext, say: RowLog, rules: Rules) -> tuple[Level | None, bool]:
    """The committee's level, as written or from the place given; None and False when unknown."""
    raw = say.cell("level")
    level = parse_level(raw, rules)
    if level is not None:
        return level, True
    labels = ", ".join(rules.level_labels[lv] for lv in LEVELS[::-1])
    if not thai.is_blank(raw):
        say.error("bad_level", key="level", raw=str(raw), labels=labels)
        return None, False
    if not thai.is_blank(say.cell("tambon")):
        level = "tambon"
    elif not thai.is_blank(say.cell("district")):
        level = "district"
    else:
        say.error("missing_level", key="level", labels=labels)
        return None, False
    if "level" in say.log.cmap.index:
        why = message(ctx, f"level_from_{level}")
        say.warning("level_inferred", key="level", level=rules.level_labels[level], why=why)
    return level, True
