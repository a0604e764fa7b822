"""What makes a registered committee right: its size, one chair and one secretary, no one twice,
its announcement date, on time, and the centres its members represent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.forms import engine
from pipeline.forms.base import (
    FormContext,
    IssueLog,
    local_date,
    th_num,
)
from pipeline.forms.committees import (
    Committee,
    Member,
    Rules,
    committee_title,
    represented_place,
)
from pipeline.forms.declared import message
from pipeline.forms.facts import Level
from pipeline.models import Cell, Severity


@dataclass
class Flags:
    """The issues of one committee, each also a short flag in its table's row; an error is one the
    district must correct and resend the committee for."""

    log: IssueLog
    c: Committee

    def __call__(
        self,
        code: str,
        short: str,
        msg: str,
        *,
        row: int = 0,
        error: bool = True,
        key: str = "",
        value: Cell = None,
    ) -> None:
        c = self.c
        if short not in c.flags:
            c.flags.append(short)
        c.errors |= error
        where = {"district": c.district, "tambon": c.unit if c.level == "tambon" else None}
        severity: Severity = "error" if error else "warning"
        self.log.add(row or c.rows[0].row.number, severity, code, msg, key=key, value=value, **where)


def check_committee(
    ctx: FormContext, log: IssueLog, rules: Rules, c: Committee, cutoffs: list[Cutoff]
) -> None:
    title = committee_title(c.level, c.unit, rules)
    flag = Flags(log, c)
    seen: dict[str, Member] = {}
    for m in (m for m in c.rows if m.ok):
        if m.name_key in seen:
            msg = message(ctx, "duplicate_member", name=m.name, row=seen[m.name_key].row.number, title=title)
            flag("duplicate_member", f"ชื่อซ้ำ: {m.name}", msg, row=m.row.number)
            m.ok = False  # the row is rejected: it counts once, in the earlier row
            continue
        seen[m.name_key] = m
        c.members.append(m)
    c.advisors = sum(1 for m in c.members if m.position is not None and not m.position.counted)
    size = c.size
    short_by_unread = size < rules.committee_size.min <= size + c.unread
    if not rules.committee_size.min <= size <= rules.committee_size.max and not short_by_unread:
        msg = message(
            ctx,
            "committee_size",
            title=title,
            size=size,
            min=rules.committee_size.min,
            max=rules.committee_size.max,
        )
        flag("committee_size", f"กรรมการ {th_num(size)} คน", msg)
    for role, label, other in (("chair", "ประธาน", "รองประธาน"), ("secretary", "เลขานุการ", "ผู้ช่วยเลขานุการ")):
        holders = [m for m in c.members if m.position is not None and m.position.role == role]
        if role == "chair":
            c.chairs = len(holders)
        else:
            c.secretaries = len(holders)
        if len(holders) == 1:
            continue
        if not holders and any(m.position is not None and m.position.role == role for m in c.unplaced):
            continue  # the row naming them is rejected for its place, and says so
        if not holders:
            flag(f"no_{role}", f"ไม่มี{label}", message(ctx, "no_holder", title=title, label=label))
            continue
        who = ", ".join(f"{m.name} (แถว {th_num(m.row.number)})" for m in holders)
        msg = message(ctx, "many_holders", title=title, label=label, n=len(holders), who=who, other=other)
        code = "many_chairs" if role == "chair" else "many_secretaries"
        flag(code, f"{label} {th_num(len(holders))} คน", msg, row=holders[1].row.number)
    _announcement(ctx, log, c, title, flag)
    cutoff = engine.period_of(ctx, c.at, cutoffs)
    if engine.days_late(ctx, c.at, cutoff):
        msg = engine.late_message(ctx, c.at, cutoff, f"ทะเบียน{title}", message(ctx, "late_counts"))
        flag("late", "ส่งล่าช้า", msg, error=False)


def _announcement(ctx: FormContext, log: IssueLog, c: Committee, title: str, flag: Flags) -> None:
    """One announcement date per committee: every row repeats it, each problem is told once."""
    bad: dict[str, Member] = {}
    for m in c.rows:
        if m.announced is None and not thai.is_blank(m.announced_raw):
            bad.setdefault(str(m.announced_raw), m)
    for raw, m in bad.items():
        msg = message(ctx, "bad_announcement_date", title=title, raw=raw)
        flag("bad_announcement_date", "วันที่ประกาศไม่ถูกต้อง", msg, row=m.row.number, key="announced", value=raw)
    dates = Counter(m.announced for m in c.rows if m.announced is not None)
    if not dates:
        if "announced" in log.cmap.index and not bad:
            msg = message(ctx, "missing_announcement", title=title)
            flag("missing_announcement", "ไม่มีวันที่ประกาศรับรอง", msg, error=False)
        return
    c.announced = max(dates, key=lambda d: (dates[d], d))  # the most common; a tie goes to the latest
    shown = thai.format_thai_date(c.announced, weekday=False)
    if len(dates) > 1:
        listed = ", ".join(thai.format_thai_date(d, weekday=False) for d in sorted(dates))
        msg = message(ctx, "announcement_mismatch", title=title, listed=listed, shown=shown)
        flag("announcement_mismatch", "วันที่ประกาศไม่ตรงกัน", msg, error=False, key="announced")
    if c.announced > local_date(ctx, c.at):
        msg = message(ctx, "announcement_after_submission", title=title, shown=shown)
        flag("announcement_after_submission", "วันที่ประกาศหลังวันส่ง", msg, error=False, key="announced")


def check_representation(
    ctx: FormContext, log: IssueLog, rules: Rules, committees: Mapping[tuple[Level, str], Committee]
) -> None:
    """District committees: a member of every ศอช.ต.; the province committee: one of every ศอช.อ."""
    for c in committees.values():
        if c.level == "tambon":
            continue
        lower: Level = "tambon" if c.level == "district" else "district"
        required = ctx.org.tambons(c.unit.code) if c.level == "district" else ctx.org.districts()
        title = committee_title(c.level, c.unit, rules)
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
            if res.unit is None:
                why = res.message or message(ctx, "unknown_unit")
                msg = message(ctx, "unknown_represented", name=m.name, represents=m.represents, why=why)
                engine.about(log, m).add("warning", "unknown_represented", msg, "represents", m.represents)
                continue
            represented.add(res.unit.code)
            below = committees.get((lower, res.unit.code))
            if below is not None and m.name_key not in below.names:
                lv, below_title = rules.level_labels[lower], committee_title(lower, res.unit, rules)
                msg = message(
                    ctx, "not_on_committee", name=m.name, level=lv, unit=res.unit.name, below=below_title
                )
                engine.about(log, m).add("warning", "not_on_committee", msg, "represents", m.represents)
        c.gaps = [u for u in required if u.code not in represented]
        if c.gaps:
            what = "ตำบล" if lower == "tambon" else "อำเภอ"
            names = ", ".join(f"{what}{u.name}" for u in c.gaps)
            c.flags.append(f"ขาดผู้แทน {rules.level_labels[lower]} {th_num(len(c.gaps))} แห่ง")
            level, example = rules.level_labels[lower], c.gaps[0].name
            msg = message(
                ctx,
                "representation_gap",
                title=title,
                level=level,
                n=len(c.gaps),
                names=names,
                what=what,
                example=example,
            )
            engine.about(log, c.rows[0]).add("warning", "representation_gap", msg)
