"""KPI 3.2's own arithmetic, pure: the two percentages, the five criteria, the province's 1–5 score,
the rules read from the schema, and the published tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.calendar import Cutoff
from pipeline.errors import ConfigError
from pipeline.forms import declared, engine
from pipeline.forms.base import FormContext, local_date
from pipeline.models import Row, Table
from pipeline.months import month_label
from pipeline.schema import FormSchema

if TYPE_CHECKING:
    from pipeline.forms.kpi32 import Report


def percent_of(part: float, whole: float | None) -> float | None:
    """part × 100 / whole, or None when whole is missing or 0."""
    if not whole:
        return None
    return part * 100 / whole


def percent_disagrees(typed: float, computed: float, tolerance: float = 0.5) -> bool:
    """True when a typed percentage is further than `tolerance` points from the computed one."""
    return abs(typed - computed) > tolerance + 1e-9


def kpi_score(result: float, levels: Sequence[float] = (60, 65, 70, 75, 80)) -> float:
    """The 1–5 score of a province result: linear between levels, 1 below the first, 5 from the last."""
    if result < levels[0]:
        return 1.0
    if result >= levels[-1]:
        return float(len(levels))
    for i in range(len(levels) - 1):
        lo, hi = levels[i], levels[i + 1]
        if lo <= result < hi:
            return round(i + 1 + (result - lo) / (hi - lo), 4)
    raise ValueError(f"score levels must rise: {levels}")


def score_ruling(result: float, levels: Sequence[float] = (60, 65, 70, 75, 80)) -> str | None:
    """ "below" or "between" when the score of this result is the project's ruling, not the
    circular's (which gives scores only at the levels themselves); None on a level or above the last."""
    if result < levels[0]:
        return "below"
    if result >= levels[-1] or any(abs(result - lv) < 1e-9 for lv in levels):
        return None
    return "between"


@dataclass(frozen=True)
class Items:
    """What one report says, once read."""

    villages: int
    committee: bool
    work_plan: bool
    village_forums: bool
    tambon_forum: bool
    covers: bool
    projects: int | None  # item 6
    local_plan_projects: int  # item 7
    budget_projects: int  # item 8

    @property
    def local_plan_pct(self) -> float | None:
        return percent_of(self.local_plan_projects, self.projects)

    @property
    def budget_pct(self) -> float | None:
        return percent_of(self.budget_projects, self.local_plan_projects)

    def criteria(
        self, local_plan_min: float = 30, budget_min: float = 20
    ) -> tuple[bool, bool, bool, bool, bool]:
        """The definition's criteria (1)–(5)."""
        lp, bp = self.local_plan_pct, self.budget_pct
        return (
            self.committee and self.work_plan,
            self.village_forums,
            self.tambon_forum and self.covers,
            lp is not None and lp >= local_plan_min,
            bp is not None and bp >= budget_min,
        )


@dataclass(frozen=True)
class Rules:
    local_plan_min: float = 30
    budget_min: float = 20
    percent_tolerance: float = 0.5
    score_levels: tuple[float, ...] = (60, 65, 70, 75, 80)
    # The project's ruling where the circular gives no score: between levels, below the first.
    ruling_between: str = ""
    ruling_below: str = ""

    @classmethod
    def of(cls, extra: Mapping[str, Any] | None, where: str) -> Rules:
        raw = extra or {}
        crit = raw.get("criteria") or {}
        rulings = raw.get("score_rulings") or {}
        if not isinstance(rulings, Mapping) or not rulings.get("between") or not rulings.get("below"):
            raise ConfigError(
                "the schema does not say how scores between the levels and below the first are given",
                where=f"{where}: score_rulings",
                fix="add score_rulings: with 'between' and 'below', each the ruling and its reason in Thai",
            )
        try:
            levels = tuple(float(x) for x in raw.get("score_levels", cls.score_levels))
            if len(levels) < 2 or list(levels) != sorted(set(levels)):
                raise ValueError("score_levels must list at least two rising percentages")
            return cls(
                local_plan_min=float(crit.get("local_plan_min", 30)),
                budget_min=float(crit.get("budget_min", 20)),
                percent_tolerance=float(crit.get("percent_tolerance", 0.5)),
                score_levels=levels,
                ruling_between=str(rulings["between"]),
                ruling_below=str(rulings["below"]),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"the criteria of the schema cannot be read: {exc}", where=where) from exc


def early_for_next(ctx: FormContext, reports: list[Report], cutoffs: list[Cutoff]) -> None:
    """A report dated after a month's cut-off, when that month is already reported, is the
    next month's report sent early: it never replaces the month before."""
    taken = {r.key for r in reports if r.ok and not r.inferred and r.key}
    dated = sorted((r for r in reports if r.inferred and r.at), key=lambda r: (r.at, r.row.number))
    for r in dated:
        if r.cutoff is None or r.lao is None or r.at is None:
            continue
        i = cutoffs.index(r.cutoff)
        if r.key in taken and local_date(ctx, r.at) > r.cutoff.due and i + 1 < len(cutoffs):
            r.cutoff = cutoffs[i + 1]
        if r.ok and r.key:
            taken.add(r.key)


_PASS = {True: "ผ่าน", False: "ไม่ผ่าน"}


def lao_table(ctx: FormContext, counted: list[Report], crit: Rules) -> Table:
    out: list[Row] = []
    for r in sorted(
        (r for r in counted if r.ok and r.items),
        key=lambda r: (r.cutoff.period if r.cutoff else "", r.lao.district_code if r.lao else ""),
    ):
        assert r.lao and r.cutoff and r.at and r.items
        it = r.items
        criteria = it.criteria(crit.local_plan_min, crit.budget_min)
        lp, bp = it.local_plan_pct, it.budget_pct
        out.append(
            [
                r.cutoff.period,
                month_label(r.cutoff.period),
                r.lao.district_code,
                ctx.org.district(r.lao.district_code).name,
                r.lao.code,
                r.lao.name,
                r.at.replace(tzinfo=None),
                engine.on_time(ctx, r.at, r.cutoff),
                it.villages,
                "มี" if it.committee else "ยังไม่มี",
                "มี" if it.work_plan else "ยังไม่มี",
                "ครบ" if it.village_forums else "ยังไม่ครบ",
                "จัดแล้ว" if it.tambon_forum else "ยังไม่จัด",
                "ครอบคลุม" if it.covers else "ไม่ครอบคลุม",
                it.projects,
                it.local_plan_projects,
                round(lp, 2) if lp is not None else None,
                it.budget_projects,
                round(bp, 2) if bp is not None else None,
                *[_PASS[c] for c in criteria],
                _PASS[all(criteria)],
                r.row.number,
            ]
        )
    return declared.table(ctx.schema, "kpi32", out)


def province_rows(ctx: FormContext, counted: list[Report], cutoffs: list[Cutoff], crit: Rules) -> list[Row]:
    total = len(ctx.settings.model_laos)
    today = local_date(ctx, ctx.now)
    out: list[Row] = []
    for c in cutoffs:
        mine = [r for r in counted if r.cutoff is c and r.ok and r.items]
        meeting = sum(1 for r in mine if r.meets(crit))
        sent = {r.lao.code for r in mine if r.lao}
        missing = [lao.name for lao in ctx.settings.model_laos if lao.code not in sent]
        due = c.due <= today or bool(mine)
        result = meeting * 100 / total if due else None
        ruling = score_ruling(result, crit.score_levels) if result is not None else None
        out.append(
            [
                c.period,
                month_label(c.period),
                c.due,
                total,
                len(mine),
                meeting,
                ", ".join(missing),
                round(result, 2) if result is not None else None,
                kpi_score(result, crit.score_levels) if result is not None else None,
                {"between": crit.ruling_between, "below": crit.ruling_below}.get(ruling or "", ""),
            ]
        )
    return out


def province_table(schema: FormSchema, province: list[Row]) -> Table:
    return declared.table(schema, "kpi32_province", province)
