"""The roll-up step: tables several forms feed, built from their facts once every form has run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pipeline.forms.base import FormResult
from pipeline.forms.facts import ActivityProgress, Fact
from pipeline.models import Column, Table

# key, header, width, kind
PROGRESS_COLUMNS = [
    Column(*spec)
    for spec in (
        ("activity", "กิจกรรม", 12),
        ("due", "กำหนดส่ง", 12, "date"),
        ("district_code", "รหัสอำเภอ", 10),
        ("district", "อำเภอ", 16),
        ("targets", "ตำบลเป้าหมาย", 10, "int"),
        ("reported", "รายงานแล้ว", 10, "int"),
        ("meeting", "ผ่านเกณฑ์", 10, "int"),
        ("late", "ส่งล่าช้า", 9, "int"),
        ("rejected", "ต้องแก้ไข", 9, "int"),
        ("missing", "ยังไม่รายงาน", 10, "int"),
        ("missing_tambons", "ตำบลที่ยังไม่รายงาน", 36),
        ("not_meeting_tambons", "ตำบลที่ยังไม่ผ่านเกณฑ์", 36),
    )
]


def tables(results: Mapping[str, FormResult]) -> list[Table]:
    """Every form's tables, in processing order; a table several forms feed (the roll-up of their
    facts) comes after the tables of the first form that feeds it."""
    out: list[Table] = []
    done: set[type[Fact]] = set()
    for result in results.values():
        out += result.tables
        for kind, build in _roll_ups().items():
            if kind not in done and any(isinstance(f, kind) for f in result.facts):
                done.add(kind)
                out.append(build([f for r in results.values() for f in r.facts if isinstance(f, kind)]))
    return out


def _roll_ups() -> dict[type[Fact], Callable[[list[Any]], Table]]:
    return {ActivityProgress: progress_table}


def progress_table(progress: list[ActivityProgress]) -> Table:
    """The table every activity form feeds: one row per activity and district."""
    rows = [list(row) for p in progress for row in p.rows]
    return Table(
        name="activity_progress", title="ความก้าวหน้ากิจกรรม ๒ และ ๓", columns=list(PROGRESS_COLUMNS), rows=rows
    )
