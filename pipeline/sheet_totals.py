"""Province total rows: a row after each group of a table's rows, summing its counts.

Which tables get them, grouped by what, and which shares are worked out again
from the summed parts: data the tables do not carry, kept here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.models import Cell, Table

PROVINCE_TOTAL = "รวมทั้งจังหวัด"


@dataclass(frozen=True)
class Totals:
    """A province total row after each group of rows (a group: the same values in `group`)."""

    group: tuple[str, ...]
    label: str  # the column that reads รวมทั้งจังหวัด
    ratios: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # pct column -> (part, whole)


_LEVEL_RATIOS = {f"level{lv}_pct": (f"level{lv}", "assessed") for lv in (1, 2, 3)}
TOTALS: dict[str, Totals] = {
    "districts": Totals(("round", "due"), "district"),
    "overview_completeness": Totals((), "district", {"submitted_pct": ("submitted", "expected")}),
    "overview_levels": Totals((), "district", _LEVEL_RATIOS),
    "overview_cutoff": Totals((), "district"),
}
# Columns never summed in a total row.
_NOT_SUMMED = {"round", "source_row", "row", "district_code", "tambon_code"}


def totals_of(name: str) -> Totals | None:
    """The total-row rule of a table; overview_levels_2 follows overview_levels."""
    return TOTALS.get(name) or next((t for k, t in TOTALS.items() if name.startswith(f"{k}_")), None)


def with_totals(rows: Sequence[list[Cell]], t: Table, rule: Totals) -> tuple[list[list[Cell]], set[int]]:
    """The rows with a total row after each group, and the indexes of the total rows."""
    keys = [c.key for c in t.columns]
    group = [keys.index(k) for k in rule.group]
    at = keys.index(rule.label)
    out: list[list[Cell]] = []
    totals: set[int] = set()

    def close(rows: list[list[Cell]]) -> None:
        if not rows:
            return
        total: list[Cell] = [None] * len(keys)
        for i, c in enumerate(t.columns):
            if c.kind == "int" and c.key not in _NOT_SUMMED:
                total[i] = sum(v for r in rows if isinstance(v := r[i], int | float))
        for i in group:
            total[i] = rows[0][i]
        total[at] = PROVINCE_TOTAL
        for pct, (part, whole) in rule.ratios.items():
            if not {pct, part, whole} <= set(keys):
                continue
            num, den = total[keys.index(part)], total[keys.index(whole)]
            if isinstance(num, int | float) and isinstance(den, int | float) and den:
                total[keys.index(pct)] = round(100 * num / den, 1)
        if "mean_total" in keys:  # the province's mean, weighted by the tambons each mean covers
            m = keys.index("mean_total")
            weights = [(float(v), _valid(keys, r)) for r in rows if isinstance(v := r[m], int | float)]
            n = sum(w for _, w in weights)
            total[m] = round(sum(v * w for v, w in weights) / n, 2) if n else None
        out.extend(rows)
        totals.add(len(out))
        out.append(total)

    current: list[list[Cell]] = []
    for r in rows:
        if current and any(r[i] != current[0][i] for i in group):
            close(current)
            current = []
        current.append(r)
    close(current)
    return out, totals


def _valid(keys: list[str], row: list[Cell]) -> int:
    on_time = row[keys.index("on_time")] if "on_time" in keys else 0
    late = row[keys.index("late")] if "late" in keys else 0
    return (on_time if isinstance(on_time, int) else 0) + (late if isinstance(late, int) else 0)
