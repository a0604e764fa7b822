"""KPI 3.2's own arithmetic, pure: the two percentages, the five criteria, the province's 1–5 score,
the rules read from the schema, and the published tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine
from pipeline.forms.base import FormContext, local_date
from pipeline.forms.declared import Entry
from pipeline.models import Row, Table
from pipeline.months import month_label


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
class Answer:
    """One answer of the 8 items, as the schema's `answers:` describes it."""

    key: str  # the schema field
    item: str  # the item as the messages name it, e.g. "๑"
    blank: int | None = None  # a count left blank counts as this; None: it must be answered
    needed_if: str = ""  # a yes/no answer that, answered yes, makes this count one to answer
    zero: str = ""  # the message said when the count is 0
    at_most: str = ""  # the count this one cannot exceed, and the message said when it does
    over: str = ""
    done: str = ""  # the question ticked "ดำเนินการแล้ว" for this count, checked against it
    shown: tuple[str, ...] = ()  # a yes/no answer as the table shows it, (yes, no); else a count


@dataclass(frozen=True)
class Percent:
    """A percentage of the criteria, as the schema's `percents:` describes it: the count `part` × 100
    / the count `whole`, and the typed one in the field `key` checked against it."""

    key: str
    item: str  # as the messages name it, e.g. "๗"
    part: str
    whole: str
    over: str  # the message said when part is more than whole
    none: str = ""  # the message said when part is more than 0 and whole is 0; else `over`


@dataclass(frozen=True)
class Rules:
    """The schema's rules: the answers read, the criteria's minimum percentages, the score levels
    and the rulings."""

    answers: tuple[Answer, ...] = ()
    percents: tuple[Percent, ...] = ()
    local_plan_min: float = 30
    budget_min: float = 20
    percent_tolerance: float = 0.5
    score_levels: tuple[float, ...] = (60, 65, 70, 75, 80)
    # The project's ruling where the circular gives no score: between levels, below the first.
    ruling_between: str = ""
    ruling_below: str = ""
    met: tuple[str, ...] = ()  # a criterion not met and met, as the table shows it

    def __post_init__(self) -> None:
        if not self.ruling_between or not self.ruling_below:
            raise ValueError(
                "the schema does not say how scores between the levels and below the first are given: "
                "add ruling_between and ruling_below, each the ruling and its reason in Thai"
            )
        if not set(Items.__dataclass_fields__) <= {a.key for a in self.answers} or len(self.met) != 2:
            raise ValueError(
                "the schema must list every answer of the 8 items under answers: "
                f"({', '.join(Items.__dataclass_fields__)}) and met: [not met, met]"
            )
        counts = {a.key for a in self.answers if not a.shown}
        if len(self.percents) != 2 or not {n for p in self.percents for n in (p.part, p.whole)} <= counts:
            raise ValueError(
                "percents: must list the two percentages, each of two counts listed under answers:"
            )
        if len(self.score_levels) < 2 or list(self.score_levels) != sorted(set(self.score_levels)):
            raise ValueError("score_levels must list at least two rising percentages")

    def meets(self, e: Entry) -> bool:
        items: Items | None = e.values.get("items")
        return e.ok and items is not None and all(items.criteria(self.local_plan_min, self.budget_min))


def early_for_next(ctx: FormContext, reports: list[Entry], cutoffs: list[Cutoff]) -> None:
    """A report dated after a month's cut-off, when that month is already reported, is the
    next month's report sent early: it never replaces the month before."""
    taken = {r.key for r in reports if r.ok and not r.values.get("inferred") and r.key}
    dated = sorted(
        (r for r in reports if r.values.get("inferred") and r.at), key=lambda r: (r.at, r.row.number)
    )
    for r in dated:
        if r.cutoff is None or r.who is None or r.at is None:
            continue
        i = cutoffs.index(r.cutoff)
        if r.key in taken and local_date(ctx, r.at) > r.cutoff.due and i + 1 < len(cutoffs):
            r.cutoff = cutoffs[i + 1]
        if r.ok and r.key:
            taken.add(r.key)


def lao_table(ctx: FormContext, counted: list[Entry], rules: Rules) -> Table:
    """One row per model LAO and month that counts: its answers, percentages and criteria."""
    out: list[Row] = []
    good = [
        e for e in counted if e.ok and e.values.get("items") and e.who and e.district and e.cutoff and e.at
    ]
    for e in sorted(
        good, key=lambda e: (e.cutoff.period if e.cutoff else "", e.district.code if e.district else "")
    ):
        assert e.who and e.district and e.cutoff and e.at
        it: Items = e.values["items"]
        criteria = it.criteria(rules.local_plan_min, rules.budget_min)
        lp, bp = it.local_plan_pct, it.budget_pct
        out.append([
            e.cutoff.period, month_label(e.cutoff.period), e.district.code, e.district.name, e.who.code, e.who.name,
            *engine.sent(ctx, e.at, e.cutoff), it.villages,
            *[a.shown[0 if getattr(it, a.key) else 1] for a in rules.answers if a.shown], it.projects,
            it.local_plan_projects, round(lp, 2) if lp is not None else None,
            it.budget_projects, round(bp, 2) if bp is not None else None,
            *[rules.met[c] for c in criteria], rules.met[all(criteria)], e.row.number,
        ])  # fmt: skip
    return declared.table(ctx.schema, "kpi32", out)


def province_rows(ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff], rules: Rules) -> list[Row]:
    """Per month: the model LAOs meeting all five criteria × 100 / all of them, and its score."""
    total = len(ctx.settings.model_laos)
    out: list[Row] = []
    for c in cutoffs:
        mine = [e for e in counted if e.cutoff is c and e.ok and e.values.get("items")]
        meeting = sum(1 for e in mine if rules.meets(e))
        sent = {e.who.code for e in mine if e.who}
        missing = [lao.name for lao in ctx.settings.model_laos if lao.code not in sent]
        result = meeting * 100 / total if c.due <= ctx.today or mine else None
        ruling = score_ruling(result, rules.score_levels) if result is not None else None
        out.append([
            c.period, month_label(c.period), c.due, total, len(mine), meeting, ", ".join(missing),
            round(result, 2) if result is not None else None,
            kpi_score(result, rules.score_levels) if result is not None else None,
            {"between": rules.ruling_between, "below": rules.ruling_below}.get(ruling or "", ""),
        ])  # fmt: skip
    return out
