"""What reaches a form, and what became of every row it read.

Google response sheets keep every earlier year's answers: rows sent before
this fiscal year began are set aside before a form sees them (blanked, so
row numbers stay those of the sheet), counted under "outside the fiscal year"
and named in one note on the issues tab. After the form, every row read must
be counted, rejected, superseded or in such a named category; a row in none
is listed as an error, never dropped in silence. Pure.
"""

from __future__ import annotations

from pipeline import thai
from pipeline.columns import detect, merge_repeated
from pipeline.errors import SourceError
from pipeline.forms.base import FormContext, FormResult, earliest_plausible, fiscal_year_start, submitted_at
from pipeline.models import Grid, Issue

OUTSIDE_FY = "outside_fiscal_year"

# Named categories of rows that are neither counted, rejected nor superseded, as the summary shows them.
CATEGORIES = {OUTSIDE_FY: "outside the fiscal year"}


def set_aside_earlier_years(ctx: FormContext, grid: Grid) -> tuple[Grid, list[int]]:
    """The grid with the rows of earlier fiscal years blanked, and their sheet row numbers."""
    if len(grid) < 2:
        return grid, []
    merged = merge_repeated(grid)  # as the form will read it: a branching form repeats the timestamp's title
    try:
        cmap = detect(merged[0], ctx.schema, ctx.source.columns, where=ctx.where())
    except SourceError:
        return grid, []  # the form reports the missing columns itself
    if "timestamp" not in cmap.index:
        return grid, []
    start, oldest = fiscal_year_start(ctx), earliest_plausible(ctx)
    out: Grid = [grid[0]]
    aside: list[int] = []
    for number, (row, read) in enumerate(zip(grid[1:], merged[1:], strict=True), start=2):
        at = submitted_at(ctx, cmap.get(read, "timestamp"))
        if at is not None and oldest <= at < start:
            aside.append(number)
            out.append([])
        else:
            out.append(row)
    return (out, aside) if aside else (grid, [])


def earlier_years_note(ctx: FormContext, rows: list[int]) -> Issue:
    start = fiscal_year_start(ctx).date()
    return Issue(
        source=ctx.source.key,
        tab=ctx.tab,
        row=rows[0],
        severity="warning",
        code=OUTSIDE_FY,
        message=(
            f"ไม่นับ {thai.to_thai_digits(str(len(rows)))} แถวที่ส่งก่อนปีงบประมาณ "
            f"{thai.to_thai_digits(str(ctx.settings.fiscal_year))} (ก่อน "
            f"{thai.format_thai_date(start, weekday=False)}) — เป็นคำตอบของปีก่อนที่ยังอยู่ในชีต "
            f"ไม่ใช่รายงานของปีนี้ (แถว {_ranges(rows)}) ไม่ต้องแก้ไข"
        ),
        field="",
        value="",
    )


def unaccounted(result: FormResult) -> int:
    """Rows read that are in no category: 0 unless a form lost track of some."""
    return result.rows_read - (
        result.accepted + result.rejected + result.superseded + sum(result.ignored.values())
    )


def unaccounted_issue(ctx: FormContext, result: FormResult, missing: int) -> Issue:
    return Issue(
        source=ctx.source.key,
        tab=ctx.tab,
        row=1,
        severity="error",
        code="rows_unaccounted",
        message=(
            f"อ่าน {result.rows_read} แถว แต่นับได้ {result.accepted} ไม่ผ่าน {result.rejected} "
            f"ถูกแทนที่ {result.superseded} และไม่นับ {sum(result.ignored.values())} — ขาดไป {missing} แถว "
            "ซึ่งเป็นข้อบกพร่องของระบบ โปรดแจ้งผู้ดูแลระบบพร้อมไฟล์คำตอบ"
        ),
        field="",
        value="",
    )


def accounting(result: FormResult) -> dict[str, int]:
    """The row accounting of one form, as the run summary shows it."""
    out = {
        "rows": result.rows_read,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "superseded": result.superseded,
    }
    out.update({k: result.ignored.get(k, 0) for k in CATEGORIES})
    out["unaccounted"] = unaccounted(result)
    return out


def _ranges(rows: list[int]) -> str:
    parts: list[str] = []
    first = prev = rows[0]
    for n in [*rows[1:], 0]:
        if n == prev + 1:
            prev = n
            continue
        parts.append(str(first) if first == prev else f"{first}–{prev}")
        first = prev = n
    return thai.to_thai_digits(", ".join(parts))


__all__ = [
    "CATEGORIES",
    "OUTSIDE_FY",
    "accounting",
    "earlier_years_note",
    "set_aside_earlier_years",
    "unaccounted",
    "unaccounted_issue",
]
