"""The registry's published tables: its committees, the completeness matrix, the members."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine
from pipeline.forms.base import FormContext
from pipeline.forms.committees import LEVELS, Committee, Rules
from pipeline.forms.facts import Level
from pipeline.models import Row, Table


def tables(
    ctx: FormContext, rules: Rules, committees: Mapping[tuple[Level, str], Committee], cutoffs: list[Cutoff]
) -> list[Table]:
    ordered = sorted(
        committees.values(),
        key=lambda c: (c.district.code if c.district else "", LEVELS.index(c.level), c.unit.code),
    )
    return [
        committees_table(ctx, rules, ordered, cutoffs),
        matrix_table(ctx, committees),
        members_table(ctx, rules, ordered),
    ]


def committees_table(
    ctx: FormContext, rules: Rules, ordered: list[Committee], cutoffs: list[Cutoff]
) -> Table:
    out: list[Row] = []
    for c in ordered:
        cutoff = engine.period_of(ctx, c.at, cutoffs)
        numbers = [m.row.number for m in c.rows]
        out.append(
            [
                rules.level_labels[c.level],
                c.unit.code,
                c.unit.name,
                c.district.code if c.district else "",
                c.district.name if c.district else "",
                c.size,
                c.advisors,
                c.chairs,
                c.secretaries,
                c.announced,
                c.at.replace(tzinfo=None),
                engine.on_time(ctx, c.at, cutoff),
                "ต้องแก้ไข" if c.errors else "ถูกต้อง",
                "; ".join(c.flags),
                ", ".join(u.name for u in c.gaps),
                f"{min(numbers)}–{max(numbers)}" if len(numbers) > 1 else str(numbers[0]),
            ]
        )
    return declared.table(ctx.schema, "committees", out)


def state(c: Committee | None) -> str:
    return "ยังไม่ส่ง" if c is None else "ต้องแก้ไข" if c.errors else "ส่งแล้ว"


def matrix_table(ctx: FormContext, committees: Mapping[tuple[Level, str], Committee]) -> Table:
    out: list[Row] = []
    totals = [0, 0, 0, 0]
    missing_districts: list[str] = []
    complete_all = True
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
        for i, n in enumerate((len(tambons), len(have), flagged, len(missing))):
            totals[i] += n
        out.append(
            [
                d.code,
                d.name,
                len(tambons),
                len(have),
                flagged,
                len(missing),
                ", ".join(t.name for t in have),
                ", ".join(t.name for t in missing),
                state(own),
                "",
                "ครบ" if complete else "ไม่ครบ",
            ]
        )
    p = ctx.org.province
    own = committees.get(("province", p.code))
    complete_all &= own is not None and not own.errors
    out.append(
        [
            p.code,
            f"จังหวัด{p.name}",
            *totals,
            "",
            "",
            state(own),
            ", ".join(missing_districts),
            "ครบ" if complete_all else "ไม่ครบ",
        ]
    )
    return declared.table(ctx.schema, "registry_matrix", out)


def members_table(ctx: FormContext, rules: Rules, ordered: list[Committee]) -> Table:
    out: list[Row] = []
    for c in ordered:
        for m in c.members:
            out.append(
                [
                    rules.level_labels[c.level],
                    c.unit.code,
                    c.unit.name,
                    c.district.name if c.district else "",
                    m.name,
                    m.position.label if m.position else "",
                    m.position_text,
                    m.represents,
                    m.phone,
                    m.row.number,
                ]
            )
    return declared.table(ctx.schema, "registry_members", out)
