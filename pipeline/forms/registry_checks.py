"""What makes a registered committee right.

Errors (the district corrects and resends the committee): fewer or more members than the rules'
committee_size (advisors not counted), not exactly one chair and one secretary, the same person
twice (names compared without spaces and titles such as นาย/นาง/นางสาว/น.ส./ด.ต.), an
announcement date that is no real date. Warnings (counted as sent): no announcement date, dates
that disagree within the committee or lie after the submission, late, and representation: the
district committee should include a member of every ศอช.ต. of the district, the province
committee one of every ศอช.อ. A member represents a centre when the "ผู้แทน" column names it
(ศอช.ต.บ้านต๋อม, ตำบลบ้านต๋อม, ต.บ้านต๋อม …) or sits on that centre's registered committee.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.forms.base import FormContext, IssueLog, day, local_date
from pipeline.forms.committees import Committee, Member, Rules, committee_title, represented_place
from pipeline.forms.declared import message
from pipeline.forms.engine import about, days_late, late_message, period_of
from pipeline.forms.facts import Level
from pipeline.models import Cell


@dataclass
class Flags:
    """The issues of one committee: the schema's message `code`, and its `flag_<code>` a short flag
    in the committee's table row; an error is one the district must correct and resend it for."""

    ctx: FormContext
    log: IssueLog
    c: Committee
    title: str

    def __call__(
        self,
        code: str,
        said: str = "",
        *,
        at: Member | None = None,
        error: bool = True,
        key: str = "",
        value: Cell = None,
        **values: object,
    ) -> None:
        c, short = self.c, message(self.ctx, f"flag_{code}", **values)
        if short not in c.flags:
            c.flags.append(short)
        c.errors |= error
        said = said or message(self.ctx, code, title=self.title, **values)
        about(self.log, at or c.rows[0]).add("error" if error else "warning", code, said, key, value)


def check_committee(
    ctx: FormContext, log: IssueLog, rules: Rules, c: Committee, cutoffs: list[Cutoff]
) -> None:
    flag = Flags(ctx, log, c, committee_title(ctx, rules, c.level, c.unit))
    seen: dict[str, Member] = {}
    for m in (m for m in c.rows if m.ok):
        if m.name_key in seen:
            flag("duplicate_member", at=m, name=m.name, row=seen[m.name_key].row.number)
            m.ok = False  # the row is rejected: it counts once, in the earlier row
            continue
        seen[m.name_key] = m
        c.members.append(m)
    c.advisors = sum(1 for m in c.members if m.position is not None and not m.position.counted)
    size, limits = c.size, rules.committee_size
    if not limits.min <= size <= limits.max and not size < limits.min <= size + c.unread:
        flag("committee_size", size=size, min=limits.min, max=limits.max)
    holders = {
        r: [m for m in c.members if m.position and m.position.role == r] for r in ("chair", "secretary")
    }
    c.chairs, c.secretaries = len(holders["chair"]), len(holders["secretary"])
    for role, many in (("chair", "many_chairs"), ("secretary", "many_secretaries")):
        found = holders[role]
        if len(found) == 1 or (not found and any(m.position and m.position.role == role for m in c.unplaced)):
            continue  # an unplaced row names them: it is rejected for its place, and says so
        if not found:
            flag(f"no_{role}")
        else:
            who = ", ".join(message(ctx, "holder", name=m.name, row=m.row.number) for m in found)
            flag(many, at=found[1], n=len(found), who=who)
    _announcement(ctx, log, c, flag)
    cutoff = period_of(ctx, c.at, cutoffs)
    if days_late(ctx, c.at, cutoff):
        due = message(ctx, "due", title=flag.title)
        flag("late", late_message(ctx, c.at, cutoff, due), error=False)


def _announcement(ctx: FormContext, log: IssueLog, c: Committee, flag: Flags) -> None:
    """One announcement date per committee: every row repeats it, each problem is told once."""
    bad: dict[str, Member] = {}
    for m in c.rows:
        if m.announced is None and not thai.is_blank(m.announced_raw):
            bad.setdefault(str(m.announced_raw), m)
    for raw, m in bad.items():
        flag("bad_announcement_date", at=m, key="announced", value=raw, raw=raw)
    dates = Counter(m.announced for m in c.rows if m.announced is not None)
    if not dates:
        if "announced" in log.cmap.index and not bad:
            flag("missing_announcement", error=False)
        return
    c.announced = max(dates, key=lambda d: (dates[d], d))  # the most common; a tie goes to the latest
    shown = day(c.announced)
    if len(dates) > 1:
        listed = ", ".join(day(d) for d in sorted(dates))
        flag("announcement_mismatch", error=False, key="announced", listed=listed, shown=shown)
    if c.announced > local_date(ctx, c.at):
        flag("announcement_after_submission", error=False, key="announced", shown=shown)


def check_representation(
    ctx: FormContext, log: IssueLog, rules: Rules, committees: Mapping[tuple[Level, str], Committee]
) -> None:
    """District committees: a member of every ศอช.ต.; the province committee: one of every ศอช.อ."""
    for c in (c for c in committees.values() if c.level != "tambon"):
        lower: Level = "tambon" if c.level == "district" else "district"
        required = ctx.org.tambons(c.unit.code) if c.level == "district" else ctx.org.districts()
        represented: set[str] = set()
        for m in c.members:
            for u in required:
                below = committees.get((lower, u.code))
                if below is not None and m.name_key in below.names:
                    represented.add(u.code)
            place = represented_place(m.represents)
            if place is None or place[0] != lower:
                continue
            if lower == "tambon":
                res = ctx.org.resolve_tambon(place[1], c.unit.code)
            else:
                res = ctx.org.resolve_district(place[1])
            say = about(log, m)
            if res.unit is None:
                why = res.message or message(ctx, "unknown_unit")
                said = message(ctx, "unknown_represented", name=m.name, represents=m.represents, why=why)
                say.warning("unknown_represented", said, "represents", m.represents)
                continue
            represented.add(res.unit.code)
            below = committees.get((lower, res.unit.code))
            if below is not None and m.name_key not in below.names:
                title = committee_title(ctx, rules, lower, res.unit)
                level = rules.level_labels[lower]
                said = message(
                    ctx, "not_on_committee", name=m.name, level=level, unit=res.unit.name, below=title
                )
                say.warning("not_on_committee", said, "represents", m.represents)
        c.gaps = [u for u in required if u.code not in represented]
        if c.gaps:
            what = message(ctx, f"unit_{lower}")
            names = ", ".join(f"{what}{u.name}" for u in c.gaps)
            flag = Flags(ctx, log, c, committee_title(ctx, rules, c.level, c.unit))
            level, n, example = rules.level_labels[lower], len(c.gaps), c.gaps[0].name
            flag("representation_gap", error=False, level=level, n=n, names=names, what=what, example=example)
