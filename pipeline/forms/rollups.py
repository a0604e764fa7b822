"""The roll-up step: tables several forms feed, built from their facts once every form has run."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.forms.base import FormResult
from pipeline.forms.facts import ActivityProgress
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
    """Every form's tables, in processing order; the table every activity form feeds (the roll-up of
    their progress facts) after the tables of the first that feeds it."""
    progress = [f for r in results.values() for f in r.facts if isinstance(f, ActivityProgress)]
    out: list[Table] = []
    for result in results.values():
        out += result.tables
        if progress and any(f is progress[0] for f in result.facts):
            rows = [list(row) for p in progress for row in p.rows]
            title = "ความก้าวหน้ากิจกรรม ๒ และ ๓"
            out.append(
                Table(name="activity_progress", title=title, columns=list(PROGRESS_COLUMNS), rows=rows)
            )
    return out
