"""The appointment-orders form (ข้อ ๓.๑–๓.๕): links in, a district × document matrix out."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from pipeline.answers import split_links
from pipeline.backends.local import LocalBackend
from pipeline.calendar import load_calendar
from pipeline.cli import main
from pipeline.columns import detect
from pipeline.forms.base import FormContext, FormResult
from pipeline.forms.orders import DriveInfo, check_links, process
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.run import sync
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_province_settings

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Bangkok")
SCHEMA = load_schema("appointment_orders")
RECEIVED, MISSING, NEEDS_FIX = "ได้รับแล้ว", "ยังไม่ได้รับ", "ต้องแก้ไข"  # the schema's words for a document
AFTER_DUE = datetime(2024, 1, 10, 9, tzinfo=TZ)  # the demo calendar's cut-off is 25 Dec 2566
BEFORE_DUE = datetime(2023, 12, 20, 9, tzinfo=TZ)
ON_TIME = datetime(2023, 12, 15, 10)

# The province's Google Form, as its response sheet names the questions.
HEADER_A: list[Cell] = [
    "ประทับเวลา",
    "ที่อยู่อีเมล",
    "อำเภอ",
    "๓.๑ คำสั่งแต่งตั้งคณะกรรมการบริหารงานตำบลแบบบูรณาการ (ก.บ.ต.)",
    "๓.๒ คำสั่งแต่งตั้งคณะทำงานส่งเสริมศูนย์ประสานงานองค์การชุมชนระดับอำเภอ",
    "๓.๓ คำสั่งแต่งตั้งคณะทำงานส่งเสริมศูนย์ประสานงานองค์การชุมชนระดับตำบล",
    "๓.๔ ประกาศรับรองการคัดเลือกคณะกรรมการบริหาร ศอช.อ.",
    "๓.๕ ประกาศรับรองการคัดเลือกคณะกรรมการบริหาร ศอช.ต.",
    "ชื่อผู้รายงาน",
]
# Another province's form: no numbers, its own wording and order, "คอช." spelling.
HEADER_B: list[Cell] = [
    "Timestamp",
    "ชื่ออำเภอ",
    "ประกาศรับรองคณะกรรมการบริหาร คอช.ต. (ไฟล์ PDF)",
    "ประกาศรับรองคณะกรรมการบริหาร คอช.อ. (ไฟล์ PDF)",
    "คำสั่งแต่งตั้ง ก.บ.ต. (ไฟล์ PDF)",
    "คำสั่งแต่งตั้งคณะทำงานส่งเสริม ศอช. ระดับตำบล",
    "คำสั่งแต่งตั้งคณะทำงานส่งเสริม ศอช. ระดับอำเภอ",
    "เบอร์โทรศัพท์",
]


def pdf(n: int) -> str:
    return f"https://drive.google.com/open?id=1Pdf{n:04d}xYz"


ALL_FIVE = [pdf(1), pdf(2), pdf(3), pdf(4), pdf(5)]


def write_config(folder: Path, sources: dict[str, Any]) -> Path:
    return write_province_settings(
        folder, "demo-phayao-2567.yaml", province="พะเยา", fiscal_year=2567, sources=sources
    )


SOURCE = {"appointment_orders": {"schema": "appointment_orders", "spreadsheet": "orders", "tab": "คำตอบ"}}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, SOURCE)


def run(config: Path, grid: Grid, *, now: datetime = AFTER_DUE, drive: DriveInfo | None = None) -> FormResult:
    s = load_settings(config)
    ctx = FormContext(
        s,
        s.sources["appointment_orders"],
        SCHEMA,
        OrgUnits.for_province("56"),
        load_calendar(s.calendar),
        now,
        drive=drive,
    )
    return process(ctx, grid)


def resp(at: datetime, district: str, docs: list[str | None]) -> list[Cell]:
    return [at, "cdd@example.org", district, *docs, "นางสาวกนกพร ใจดี"]


def matrix_row(res: FormResult, code: str) -> dict[str, Cell]:
    return next(r for r in res.tables[0].records() if r["district_code"] == code)


# ---------------------------------------------------------------------------
# Pure parts

SPLIT_CASES = [
    (None, []),
    ("", []),
    ("-", []),
    (pdf(1), [pdf(1)]),
    (f"{pdf(1)}, {pdf(2)}", [pdf(1), pdf(2)]),
    (f"{pdf(1)},{pdf(2)}", [pdf(1), pdf(2)]),
    (f"{pdf(1)}\n{pdf(2)}", [pdf(1), pdf(2)]),
    (f"{pdf(1)} {pdf(2)}", [pdf(1), pdf(2)]),
    (f" {pdf(1)}\u200b ", [pdf(1)]),
]


@pytest.mark.parametrize(("cell", "links"), SPLIT_CASES)
def test_split_links(cell: Cell, links: list[str]) -> None:
    assert split_links(cell) == links


LINK_CASES = [
    (pdf(1), None),  # a Forms upload: the link shows no type, accepted
    ("https://drive.google.com/file/d/1abc/view?usp=drivesdk", None),
    ("https://example.go.th/files/order-kbt.pdf", None),
    ("https://example.go.th/files/order-kbt.PDF", None),
    ("https://example.go.th/files/order-kbt.jpg", "not_pdf"),
    ("https://example.go.th/files/%E0%B8%84%E0%B8%B3%E0%B8%AA%E0%B8%B1%E0%B9%88%E0%B8%87.docx", "not_pdf"),
    ("https://drive.google.com/uc?id=1Qe4/คำสั่ง%20กบต.png", "not_pdf"),
    ("https://docs.google.com/document/d/1x7Kd9/edit?usp=sharing", "not_pdf"),
    ("https://docs.google.com/spreadsheets/d/1x7Kd9/edit", "not_pdf"),
    ("คำสั่ง กบต.pdf", "not_a_link"),
    ("ส่งทางอีเมลแล้ว", "not_a_link"),
]


@pytest.mark.parametrize(("link", "code"), LINK_CASES)
def test_check_links_from_the_link_alone(link: str, code: str | None) -> None:
    problems = check_links([link])
    assert [p.code for p in problems] == ([code] if code else [])


DRIVE_CASES: list[tuple[tuple[bool, bool] | None, str | None]] = [
    ((True, True), None),
    ((True, False), "not_pdf"),
    ((False, True), "file_missing"),
    ((False, False), "file_missing"),
    (None, None),  # not looked at: judged by the link, which shows nothing wrong
]


@pytest.mark.parametrize(("known", "code"), DRIVE_CASES)
def test_check_links_with_drive_knowledge(known: tuple[bool, bool] | None, code: str | None) -> None:
    drive = {pdf(1): known} if known is not None else {}
    assert [p.code for p in check_links([pdf(1)], drive)] == ([code] if code else [])


def test_drive_knowledge_overrides_what_the_link_looks_like() -> None:
    link = "https://example.go.th/order.jpg"
    assert check_links([link], {link: (True, True)}) == []


# ---------------------------------------------------------------------------
# Column detection


def test_columns_of_the_numbered_form() -> None:
    cmap = detect(HEADER_A, SCHEMA)
    assert {k: cmap.index[k] for k in ("timestamp", "district", "doc31", "doc32", "doc33", "doc34", "doc35")} == {
        "timestamp": 0, "district": 2, "doc31": 3, "doc32": 4, "doc33": 5, "doc34": 6, "doc35": 7,
    }  # fmt: skip


def test_columns_of_a_differently_worded_form() -> None:
    cmap = detect(HEADER_B, SCHEMA)
    assert {k: cmap.index[k] for k in ("timestamp", "district", "doc31", "doc32", "doc33", "doc34", "doc35")} == {
        "timestamp": 0, "district": 1, "doc31": 4, "doc32": 6, "doc33": 5, "doc34": 3, "doc35": 2,
    }  # fmt: skip
    assert cmap.index["phone"] == 7


# ---------------------------------------------------------------------------
# Rules


def test_all_five_documents_make_the_district_valid(config: Path) -> None:
    res = run(config, [HEADER_A, resp(ON_TIME, "อ.จุน", ALL_FIVE)])
    row = matrix_row(res, "5602")
    assert [row[f"doc3_{n}"] for n in range(1, 6)] == [RECEIVED] * 5
    assert row["doc3_1_link"] == pdf(1)
    headers = [c.header for c in res.tables[0].columns]
    assert headers[2:4] == ["๓.๑ คำสั่งแต่งตั้ง ก.บ.ต.", "ลิงก์ ๓.๑"] and headers[-5] == "ได้รับแล้ว (ฉบับ)"
    assert (row["received"], row["complete"], row["missing"], row["on_time"]) == (5, "ครบ", "", "ตรงเวลา")
    (status,) = res.statuses
    assert (status.unit_code, status.status, status.errors) == ("5602", "valid", ())
    assert res.accepted == 1 and res.rejected == 0
    # Bare Drive links on the local store: received, and said once that nobody checked they are PDFs.
    (unchecked,) = [i for i in res.issues if i.row == 1]
    assert (unchecked.code, unchecked.severity) == ("pdf_unchecked", "warning")
    assert "๕ ไฟล์" in unchecked.message and "backend: local" in unchecked.message
    assert all(i.code == "missing_document" and i.district_code != "5602" for i in res.issues if i.row != 1)


def test_files_drive_has_judged_are_not_said_to_be_unchecked(config: Path) -> None:
    known = {pdf(n): (True, True) for n in range(1, 6)}
    res = run(config, [HEADER_A, resp(ON_TIME, "จุน", ALL_FIVE)], drive=known)
    assert [i for i in res.issues if i.row == 1] == []
    two = run(config, [HEADER_A, resp(ON_TIME, "จุน", ALL_FIVE), resp(ON_TIME, "ปง", ALL_FIVE)])
    assert [i.code for i in two.issues if i.row == 1] == ["pdf_unchecked"]  # once per source


def test_documents_spread_over_several_responses_are_combined(config: Path) -> None:
    first = [*ALL_FIVE[:3], None, None]
    second = [None, None, None, *ALL_FIVE[3:]]
    res = run(
        config,
        [HEADER_A, resp(ON_TIME, "จุน", first), resp(datetime(2023, 12, 18, 14), "อำเภอจุน", second)],
    )
    assert matrix_row(res, "5602")["received"] == 5
    assert res.statuses[0].status == "valid"
    assert res.accepted == 2 and res.superseded == 0


def test_a_second_upload_of_a_document_supersedes_only_that_document(config: Path) -> None:
    again = [pdf(9), None, None, None, None]
    res = run(config, [HEADER_A, resp(ON_TIME, "จุน", ALL_FIVE), resp(datetime(2023, 12, 16, 8), "จุน", again)])
    row = matrix_row(res, "5602")
    assert (row["doc3_1_link"], row["doc3_2_link"]) == (pdf(9), pdf(2))
    (sup,) = [i for i in res.issues if i.code == "superseded"]
    assert (sup.row, sup.severity, sup.field) == (2, "warning", HEADER_A[3])
    assert (sup.value, sup.district_code, sup.tambon_code) == (
        "",
        "5602",
        "",
    )  # the link kept is the one to see
    assert "๓.๑" in sup.message and "แถว ๓" in sup.message
    assert res.superseded == 0  # row 2 still counts for 3.2–3.5


def test_a_missing_document_is_listed_per_district_and_document(config: Path) -> None:
    res = run(config, [HEADER_A, resp(ON_TIME, "จุน", [*ALL_FIVE[:3], None, pdf(5)])])
    mine = [i for i in res.issues if i.district_code == "5602"]
    assert [(i.code, i.severity, i.row, i.field) for i in mine] == [
        ("missing_document", "error", 0, HEADER_A[6])
    ]
    assert "๓.๔" in mine[0].message and "อัปโหลด" in mine[0].message and "เลยกำหนดส่ง" in mine[0].message
    row = matrix_row(res, "5602")
    assert (row["doc3_4"], row["complete"], row["missing"]) == (MISSING, "ไม่ครบ", "๓.๔")
    (status,) = res.statuses
    assert status.status == "rejected" and "๓.๔" in status.errors[0]
    # Districts that sent nothing: all five listed, and no status (the reminders say "not sent").
    assert sum(1 for i in res.issues if i.district_code == "5601") == 5


def test_a_missing_document_is_a_warning_before_the_cut_off(config: Path) -> None:
    res = run(config, [HEADER_A, resp(ON_TIME, "จุน", [*ALL_FIVE[:4], None])], now=BEFORE_DUE)
    (issue,) = [i for i in res.issues if i.district_code == "5602"]
    assert (issue.code, issue.severity) == ("missing_document", "warning")
    assert "กำหนดส่ง" in issue.message and "เลยกำหนด" not in issue.message


def test_a_file_that_is_not_a_pdf_needs_fixing(config: Path) -> None:
    docs = ["https://docs.google.com/document/d/1x7K/edit", *ALL_FIVE[1:]]
    res = run(config, [HEADER_A, resp(ON_TIME, "จุน", docs)])
    (issue,) = [i for i in res.issues if i.district_code == "5602"]
    assert (issue.code, issue.severity, issue.row, issue.value) == ("not_pdf", "error", 2, docs[0])
    assert issue.district_code and issue.field == HEADER_A[3]
    assert "PDF" in issue.message and "อัปโหลดใหม่" in issue.message
    row = matrix_row(res, "5602")
    assert (row["doc3_1"], row["received"], row["missing"]) == (NEEDS_FIX, 4, "๓.๑")
    assert res.statuses[0].status == "rejected"
    assert (res.accepted, res.rejected) == (1, 0)  # the response counts; its one file is to be sent again


def test_drive_knowledge_flags_a_deleted_file(config: Path) -> None:
    res = run(config, [HEADER_A, resp(ON_TIME, "จุน", ALL_FIVE)], drive={pdf(3): (False, False)})
    (issue,) = [i for i in res.issues if i.district_code == "5602"]
    assert (issue.code, issue.field) == ("file_missing", HEADER_A[5])
    assert matrix_row(res, "5602")["doc3_3"] == NEEDS_FIX


def test_a_late_upload_counts_with_a_warning(config: Path) -> None:
    res = run(config, [HEADER_A, resp(datetime(2023, 12, 28, 9), "จุน", ALL_FIVE)])
    (late,) = [i for i in res.issues if i.code == "late"]
    assert late.severity == "warning" and "๓ วัน" in late.message
    assert matrix_row(res, "5602")["on_time"] == "ล่าช้า"
    assert res.statuses[0].status == "late"


def test_an_unknown_district_is_rejected(config: Path) -> None:
    res = run(config, [HEADER_A, resp(ON_TIME, "อ.เมืองน่าน", ALL_FIVE)])
    assert res.rejected == 1 and res.accepted == 0 and res.statuses == []
    assert any(i.row == 2 and i.severity == "error" for i in res.issues)


def test_a_response_without_files_is_a_warning(config: Path) -> None:
    res = run(config, [HEADER_A, resp(ON_TIME, "จุน", [None] * 5)])
    (said,) = [i for i in res.issues if i.row == 2]
    assert (said.code, said.severity, said.district_code, said.field, said.value) == (
        "no_documents", "warning", "5602", "", ""
    )  # fmt: skip


def test_an_unreadable_timestamp_rejects_the_response(config: Path) -> None:
    res = run(config, [HEADER_A, ["เมื่อวาน", "", "จุน", *ALL_FIVE, ""]])
    assert [i.code for i in res.issues if i.row == 2] == ["bad_timestamp"]
    assert res.rejected == 1


def test_a_partly_superseded_response_keeps_its_other_issues(config: Path) -> None:
    again = [pdf(9), None, None, None, None]
    late, later = datetime(2023, 12, 27, 9), datetime(2023, 12, 28, 9)
    res = run(config, [HEADER_A, resp(late, "อ.จุ่น", ALL_FIVE), resp(later, "จุน", again)])
    mine = [(i.row, i.code) for i in res.issues if i.row == 2]
    # Only document 3.1 is superseded: the row still counts, its spelling and its lateness are still said.
    assert sorted(mine) == [(2, "late"), (2, "near_match"), (2, "superseded")]
    assert [i.row for i in res.issues if i.code == "late"] == [2, 3]
    assert (res.accepted, res.superseded, res.rejected) == (2, 0, 0)
    (status,) = res.statuses
    assert (status.status, status.submitted_at) == ("late", later)


def test_a_wholly_superseded_response_is_not_said_to_be_late(config: Path) -> None:
    late, later = datetime(2023, 12, 27, 9), datetime(2023, 12, 28, 9)
    first = [pdf(7), pdf(8), None, None, None]
    res = run(config, [HEADER_A, resp(late, "อ.จุ่น", first), resp(later, "จุน", ALL_FIVE)])
    # Both its documents were sent again: the row no longer counts, but what else it said stays.
    assert sorted((i.row, i.code) for i in res.issues if i.row == 2) == [
        (2, "near_match"), (2, "superseded"), (2, "superseded")
    ]  # fmt: skip
    assert [i.row for i in res.issues if i.code == "late"] == [3]
    assert (res.accepted, res.superseded, res.rejected) == (1, 1, 0)
    assert matrix_row(res, "5602")["doc3_1_link"] == pdf(1)


def test_a_rejected_response_supersedes_nothing(config: Path) -> None:
    res = run(
        config, [HEADER_A, resp(ON_TIME, "จุน", ALL_FIVE), resp(datetime(2023, 12, 16), "น่าน", ALL_FIVE)]
    )
    assert [i.code for i in res.issues if i.code == "superseded"] == []
    assert (res.accepted, res.superseded, res.rejected) == (1, 0, 1)
    assert matrix_row(res, "5602")["received"] == 5


# ---------------------------------------------------------------------------
# End to end: a sync on the local store, then `pipeline export`


def write_sheet(folder: Path, name: str, tab: str, grid: Grid) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = tab
    for r in grid:
        ws.append(r)
    (folder / "data").mkdir(exist_ok=True)
    wb.save(folder / "data" / f"{name}.xlsx")


def test_sync_publishes_the_matrix_and_export_prints_it(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid: Grid = [
        HEADER_A,
        resp(ON_TIME, "จุน", ALL_FIVE),
        resp(ON_TIME, "ปง", [*ALL_FIVE[:4], None]),
    ]
    write_sheet(tmp_path, "orders", "คำตอบ", grid)
    s = load_settings(config)
    with State(s.state_db) as st:
        summary = sync(s, LocalBackend(s.data_dir), st, now=AFTER_DUE)
    assert summary["status"] == "ok" and summary["accepted"] == 2

    wb = load_workbook(tmp_path / "data" / "summary.xlsx", read_only=True)
    try:
        assert "คำสั่งและประกาศ ๓.๑-๓.๕" in wb.sheetnames
        rows = list(wb["คำสั่งและประกาศ ๓.๑-๓.๕"].iter_rows(values_only=True))
        issues = list(wb["รายการที่ต้องตรวจสอบ"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert rows[0][:3] == ("รหัสอำเภอ", "อำเภอ", "๓.๑ คำสั่งแต่งตั้ง ก.บ.ต.")
    by_code = {r[0]: r for r in rows[1:]}
    assert len(by_code) == 9
    assert by_code["5602"][13] == "ครบ" and by_code["5606"][13] == "ไม่ครบ"
    assert any(r[2] == "5606" and r[-1] == "missing_document" and "๓.๕" in str(r[6]) for r in issues)

    assert main(["export", "orders_matrix", "--format", "json", "--config", str(config)]) == 0
    records = json.loads(capsys.readouterr().out)
    chun = next(r for r in records if r["district_code"] == "5602")
    assert (chun["doc3_1"], chun["doc3_5_link"], chun["received"]) == (RECEIVED, pdf(5), 5)
    assert chun["submitted_at"] == "2023-12-15T10:00:00"
    pong = next(r for r in records if r["district_code"] == "5606")
    assert (pong["doc3_5"], pong["missing"]) == (MISSING, "๓.๕")


def test_its_thai_messages_live_in_its_schema_and_are_checked_at_load() -> None:
    import dataclasses

    from pipeline import forms
    from pipeline.errors import ConfigError

    schema = load_schema("appointment_orders")
    texts = dict((schema.extra or {})["messages"])
    assert "{kind}" in texts["missing_document"]  # the file type is the schema's, not written into Python
    del texts["missing_document"]
    with pytest.raises(ConfigError, match="missing_document") as caught:
        forms.check_schema(dataclasses.replace(schema, extra={**(schema.extra or {}), "messages": texts}))
    assert "appointment_orders.yaml" in str(caught.value.where)


def test_its_documents_are_checked_when_the_settings_load() -> None:
    from dataclasses import replace

    from pipeline import forms
    from pipeline.errors import ConfigError

    def with_rules(**changed: object) -> Any:
        return replace(
            SCHEMA, extra={**(SCHEMA.extra or {}), "rules": {**(SCHEMA.extra or {})["rules"], **changed}}
        )

    with pytest.raises(ConfigError, match="no documents") as caught:
        forms.check_schema(with_rules(documents=[]))
    assert "appointment_orders.yaml: rules" in str(caught.value.where)
    with pytest.raises(ConfigError, match="rule 'documents'"):
        forms.check_schema(with_rules(documents=[{"key": "doc31", "number": "3.1"}]))
    forms.check_schema(SCHEMA)
