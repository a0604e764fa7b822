"""The tables every sync publishes besides the forms' own: the issues list and the run log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pipeline.labels import SEVERITY_TH, issue_kind
from pipeline.models import Column, Issue, Row, Table
from pipeline.state import RunRecord


def column_table(text: str) -> list[Column]:
    """Columns written as a table, one a line: key | Thai header | width | kind (width and kind optional)."""
    out = []
    for line in text.strip().splitlines():
        key, header, *rest = (part.strip() for part in line.split("|"))
        kind: Any = rest[1] if len(rest) > 1 else "text"
        out.append(Column(key, header, int(rest[0]) if rest else Column(key, header).width, kind))
    return out


ISSUE_COLUMNS = column_table(
    """
    severity      | ระดับ                  | 11
    kind          | ประเภทปัญหา            | 18
    district_code | รหัสอำเภอ              | 10
    district      | อำเภอ                  | 14
    tambon_code   | รหัสตำบล               | 10
    tambon        | ตำบล                   | 14
    message       | รายละเอียดและวิธีแก้ไข | 56 | user
    field         | คอลัมน์                | 22 | user
    value         | ค่าที่กรอก               | 18 | user
    source        | แบบรายงาน              | 20 | form
    tab           | แท็บ                   | 12 | user
    row           | แถว                    | 6  | int
    code          | รหัสปัญหา (สำหรับกรอง)  | 16
    """
)

RUN_COLUMNS = column_table(
    """
    run_id     | ครั้งที่รัน   | 9  | int
    started_at | เริ่ม        | 18 | datetime
    status     | สถานะ       | 10
    rows_read  | แถวที่อ่าน    | 10 | int
    scored     | นับผล       | 9  | int
    rejected   | ต้องแก้ไข    | 9  | int
    superseded | ถูกแทนที่    | 9  | int
    errors     | ข้อผิดพลาด   | 10 | int
    warnings   | คำเตือน     | 9  | int
    requests   | คำขอ API    | 9  | int
    message    | หมายเหตุ     | 50 | user
    """
)

STATUS_TH = {
    "ok": "สำเร็จ",
    "unchanged": "ไม่มีข้อมูลใหม่",
    "failed": "ล้มเหลว",
    "partial": "สำเร็จบางส่วน",
    "running": "กำลังทำงาน",
    "interrupted": "ถูกขัดจังหวะ",
}


def issues_table(issues: Sequence[Issue]) -> Table:
    ordered = sorted(
        issues,
        key=lambda i: (i.severity != "error", i.district_code, i.tambon_code, i.source, i.row, i.field),
    )
    rows: list[Row] = [
        [
            SEVERITY_TH[i.severity],
            issue_kind(i.code),
            i.district_code,
            i.district,
            i.tambon_code,
            i.tambon,
            i.message,
            i.field,
            i.value,
            i.source,
            i.tab,
            i.row,
            i.code,
        ]
        for i in ordered
    ]
    return Table(name="issues", title="รายการที่ต้องตรวจสอบ", columns=list(ISSUE_COLUMNS), rows=rows)


def run_log_table(runs: Sequence[RunRecord], current: dict[str, Any]) -> Table:
    def row(run_id: int, started: str, status: str, s: dict[str, Any], message: str) -> Row:
        return [
            run_id,
            datetime.fromisoformat(started[:19]),
            STATUS_TH.get(status, status),
            s.get("rows_read", 0),
            s.get("accepted", 0),
            s.get("rejected", 0),
            s.get("superseded", 0),
            s.get("errors", 0),
            s.get("warnings", 0),
            sum(s.get("requests", {}).values()),
            message,
        ]

    rows = [
        row(current["run_id"], current["started_at"], current["status"], current, current.get("message", ""))
    ]
    rows += [
        row(r.id, r.started_at, r.status, r.summary, r.message) for r in runs if r.id != current["run_id"]
    ]
    return Table(name="runs", title="บันทึกการทำงาน", columns=list(RUN_COLUMNS), rows=rows[:60])
