"""Activity reports 2 and 3: rows of the shared sheet in, statuses, issues and the progress table out."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from pipeline import forms
from pipeline.backends.local import LocalBackend
from pipeline.calendar import load_calendar
from pipeline.cli import main
from pipeline.columns import detect
from pipeline.errors import ConfigError
from pipeline.forms import rollups
from pipeline.forms.activities import process
from pipeline.forms.base import FormContext, FormResult
from pipeline.models import Cell
from pipeline.orgunits import OrgUnits
from pipeline.run import sync
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_province_settings

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2024, 7, 1, 12, tzinfo=TZ)
A2 = load_schema("activity2")
A3 = load_schema("activity3")
STRONG = ["จุน/ห้วยยางขาม", "ปง/งิม", "เชียงคำ/ร่มเย็น"]

# The shared sheet as the Chachoengsao-style province lays it out.
HEADER2: list[Cell] = [
    "อำเภอ",
    "ตำบล",
    "วันที่จัดประชุม",
    "จำนวนผู้เข้าร่วม (คน)",
    "ส่งมอบแผนพัฒนาตำบลให้ ก.บ.ต.",
    "ส่งมอบแผนพัฒนาตำบลให้ อปท.",
    "วันที่บันทึกผลในระบบ BPM",
    "วันที่รายงาน",  # typed by the district: a shared sheet has no form timestamp
]
# Another province's sheet: a form with a timestamp, other words, other order.
HEADER2_B: list[Cell] = [
    "Timestamp",
    "ชื่ออำเภอ",
    "ชื่อตำบล",
    "วันที่บันทึก BPM",
    "ส่งแผนให้ อปท.",
    "ส่งแผนให้ ก.บ.ต.",
    "ผู้เข้าร่วมประชุม",
    "วันที่จัดกิจกรรม",
    "หมายเหตุ",
]
HEADER3: list[Cell] = [
    "อำเภอ",
    "ตำบลเข้มแข็ง",
    "ชื่อโครงการ/กิจกรรม",
    "วันที่ดำเนินโครงการ",
    "งบประมาณ (บาท)",
    "รายละเอียดกิจกรรม",
    "วันที่บันทึกในระบบ BPM",
    "วันที่รายงาน",
]
HEADER3_B: list[Cell] = [
    "ประทับเวลา",
    "ชื่ออำเภอ",
    "ชื่อตำบล",
    "โครงการ",
    "รายการค่าใช้จ่าย",
    "จำนวนเงิน",
    "วันที่จัดโครงการ",
]


def write_config(folder: Path, sources: dict[str, Any], strong: list[str] | None = None) -> Path:
    return write_province_settings(
        folder,
        "demo-phayao-2567.yaml",
        province="พะเยา",
        fiscal_year=2567,
        sources=sources,
        units={"strong_tambons": STRONG if strong is None else strong},
    )


SOURCES = {
    "activity2": {"schema": "activity2", "spreadsheet": "activities", "tab": "กิจกรรมที่ 2"},
    "activity3": {"schema": "activity3", "spreadsheet": "activities", "tab": "กิจกรรมที่ 3"},
}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, SOURCES)


def context(config: Path, form: str, results: dict[str, FormResult] | None = None) -> FormContext:
    s = load_settings(config)
    schema = A2 if form == "activity2" else A3
    return FormContext(
        s, s.sources[form], schema, OrgUnits.for_province("56"), load_calendar(s.calendar), NOW, results or {}
    )


def run2(config: Path, *rows: list[Cell]) -> FormResult:
    return process(context(config, "activity2"), [HEADER2, *rows])


def run3(config: Path, *rows: list[Cell]) -> FormResult:
    return process(context(config, "activity3"), [HEADER3, *rows])


def a2(tambon: str = "ลอ", held: Cell = "15/01/2567", people: Cell = 25, kbt: Cell = "ส่งแล้ว", lao: Cell = "✓",
       bpm: Cell = "18/01/2567", district: str = "จุน", reported: Cell = "20/01/2567") -> list[Cell]:  # fmt: skip
    return [district, tambon, held, people, kbt, lao, bpm, reported]


def a3(tambon: str = "ห้วยยางขาม", project: Cell = "โครงการส่งเสริมบัญชีครัวเรือน", held: Cell = "12 มิ.ย. 2567",
       budget: Cell = "10,000 บาท", details: Cell = "อบรมการจดบัญชีรายรับรายจ่าย", bpm: Cell = "14/06/2567",
       district: str = "จุน", reported: Cell = "20/06/2567") -> list[Cell]:  # fmt: skip
    return [district, tambon, project, held, budget, details, bpm, reported]


def codes(res: FormResult, row: int = 2) -> list[tuple[str, str]]:
    return [(i.code, i.severity) for i in res.issues if i.row == row]


def progress(res: FormResult, activity: str, district: str) -> dict[str, Cell]:
    table = rollups.tables({"activity": res})[0]
    return next(r for r in table.records() if r["activity"] == activity and r["district_code"] == district)


# ---------------------------------------------------------------------------
# Column detection


def test_columns_of_activity2_sheet() -> None:
    cmap = detect(HEADER2, A2)
    assert [cmap.index[k] for k in ("district", "tambon", "held_on", "participants")] == [0, 1, 2, 3]
    assert [cmap.index[k] for k in ("plan_to_kbt", "plan_to_lao", "bpm_on")] == [4, 5, 6]
    assert cmap.index["timestamp"] == 7  # "วันที่รายงาน", never "วันที่บันทึกผลในระบบ BPM"


def test_columns_of_a_differently_titled_activity2_form() -> None:
    cmap = detect(HEADER2_B, A2)
    assert {k: cmap.index[k] for k in ("timestamp", "district", "tambon", "bpm_on", "plan_to_lao")} == {
        "timestamp": 0, "district": 1, "tambon": 2, "bpm_on": 3, "plan_to_lao": 4,
    }  # fmt: skip
    assert [cmap.index[k] for k in ("plan_to_kbt", "participants", "held_on", "note")] == [5, 6, 7, 8]


def test_columns_of_activity3_sheets() -> None:
    cmap = detect(HEADER3, A3)
    assert [cmap.index[k] for k in ("district", "tambon", "project", "held_on", "budget", "details", "bpm_on")] == [
        0, 1, 2, 3, 4, 5, 6,
    ]  # fmt: skip
    other = detect(HEADER3_B, A3)
    assert {k: other.index[k] for k in ("timestamp", "tambon", "project", "details", "budget", "held_on")} == {
        "timestamp": 0, "tambon": 2, "project": 3, "details": 4, "budget": 5, "held_on": 6,
    }  # fmt: skip


# ---------------------------------------------------------------------------
# Activity 2 rules


def test_a_report_by_the_rules_is_valid_and_meets_them(config: Path) -> None:
    res = run2(config, a2())
    assert res.issues == []
    (status,) = res.statuses
    assert (status.unit_code, status.status, status.period) == ("560203", "valid", "")
    row = progress(res, "กิจกรรมที่ ๒", "5602")
    assert (row["targets"], row["reported"], row["meeting"], row["missing"]) == (7, 1, 1, 6)
    assert "ลอ" not in str(row["missing_tambons"]) and "จุน" in str(row["missing_tambons"])


def test_fewer_than_20_participants_is_a_warning_naming_the_figure(config: Path) -> None:
    res = run2(config, a2(people="15 คน"))
    (issue,) = res.issues
    assert (issue.code, issue.severity) == ("few_participants", "warning")
    assert "๑๕ คน" in issue.message and "๒๐" in issue.message
    assert res.statuses[0].status == "valid"
    row = progress(res, "กิจกรรมที่ ๒", "5602")
    assert (row["reported"], row["meeting"], row["not_meeting_tambons"]) == (1, 0, "ลอ")


@pytest.mark.parametrize(("people", "code"), [(None, "missing_participants"), ("ยี่สิบ", "bad_participants"),
                                              (0, "bad_participants"), ("20.5", "bad_participants")])  # fmt: skip
def test_an_unreadable_participant_count_is_an_error(config: Path, people: Cell, code: str) -> None:
    res = run2(config, a2(people=people))
    assert codes(res) == [(code, "error")]
    assert res.statuses[0].status == "rejected"


@pytest.mark.parametrize("answer", ["ส่งแล้ว", "มี", "✓", True, "ใช่"])
def test_plan_handed_over_answers(config: Path, answer: Cell) -> None:
    assert run2(config, a2(kbt=answer, lao=answer)).issues == []


def test_a_plan_not_handed_over_is_a_warning_per_recipient(config: Path) -> None:
    res = run2(config, a2(kbt="ยังไม่ส่ง", lao="ไม่มี"))
    assert codes(res) == [("plan_not_handed", "warning"), ("plan_not_handed", "warning")]
    assert "แผนพัฒนาตำบลให้ ก.บ.ต. —" in res.issues[0].message
    assert "แผนพัฒนาตำบลให้ องค์กรปกครองส่วนท้องถิ่น (อปท.) —" in res.issues[1].message


def test_an_unreadable_plan_answer_is_an_error(config: Path) -> None:
    res = run2(config, a2(lao="รอประชุม"))
    assert codes(res) == [("bad_yes_no", "error")]
    assert "ส่งแล้ว" in res.issues[0].message


def test_bpm_within_7_days_is_fine_and_later_is_a_warning_naming_the_days(config: Path) -> None:
    assert run2(config, a2(held="15/01/2567", bpm="22/01/2567")).issues == []
    res = run2(config, a2(held="15/01/2567", bpm="25 ม.ค. 2567"))
    (issue,) = res.issues
    assert (issue.code, issue.severity) == ("bpm_late", "warning")
    assert "๑๐ วัน" in issue.message and "๒๒ มกราคม ๒๕๖๗" in issue.message


def test_bpm_before_the_workshop_is_an_error(config: Path) -> None:
    res = run2(config, a2(held="15/01/2567", bpm="13/01/2567"))
    assert codes(res) == [("bpm_before_held", "error")]
    assert res.statuses[0].status == "rejected"


def test_bpm_not_recorded_is_a_warning_with_its_deadline(config: Path) -> None:
    res = run2(config, a2(bpm=None))
    (issue,) = res.issues
    assert (issue.code, issue.severity) == ("bpm_missing", "warning")
    assert "เลยกำหนด" in issue.message and "๒๒ มกราคม ๒๕๖๗" in issue.message


@pytest.mark.parametrize(
    ("held", "code"),
    [(None, "missing_held_on"), ("๗๐ มกราคม ๒๕๖๗", "bad_date"), ("15/08/2567", "future_date")],
)
def test_the_date_held_must_be_a_real_past_date(config: Path, held: Cell, code: str) -> None:
    assert (code, "error") in codes(run2(config, a2(held=held, bpm=None)))


@pytest.mark.parametrize(
    ("held", "code", "said"),
    [
        ("๗๐ มกราคม ๒๕๖๗", "bad_date", 'อ่านวันที่จัดกิจกรรม "๗๐ มกราคม ๒๕๖๗" ไม่ได้ — โปรดกรอกวันที่ที่มีอยู่จริง'),
        ("15/08/2567", "future_date", "วันที่จัดกิจกรรม ๑๕ สิงหาคม ๒๕๖๗ ยังมาไม่ถึง — โปรดตรวจสอบวันที่และปี พ.ศ."),
    ],
)
def test_a_wrong_date_is_said_in_the_engines_words_naming_the_question(
    config: Path, held: Cell, code: str, said: str
) -> None:
    (issue,) = [i for i in run2(config, a2(held=held, bpm=None)).issues if i.code == code]
    assert issue.message.startswith(said)


def test_a_date_outside_the_fiscal_year_is_a_warning(config: Path) -> None:
    res = run2(config, a2(held="15/01/2566", bpm="18/01/2566"))
    assert codes(res) == [("outside_fiscal_year", "warning")]


def test_thai_and_cell_dates_are_read(config: Path) -> None:
    res = run2(
        config, a2(held=datetime(2024, 1, 15), bpm="๑๘ ม.ค. ๒๕๖๗"), a2(tambon="ต.จุน", held="15 มกราคม 67")
    )
    assert res.issues == [] and len(res.statuses) == 2


def test_the_lower_row_of_a_tambon_replaces_the_upper_one(config: Path) -> None:
    res = run2(config, a2(people=15), a2(people=30))
    assert [(i.row, i.code) for i in res.issues] == [(2, "superseded")]
    assert "แถว ๓" in res.issues[0].message
    assert res.superseded == 1 and res.accepted == 1
    assert progress(res, "กิจกรรมที่ ๒", "5602")["meeting"] == 1


def test_an_unknown_tambon_is_rejected_and_not_counted(config: Path) -> None:
    res = run2(config, a2(tambon="ต.ไม่มีจริง"))
    assert ("unknown_tambon", "error") in codes(res)
    assert res.statuses == [] and res.rejected == 1
    assert progress(res, "กิจกรรมที่ ๒", "5602")["reported"] == 0


# A shared sheet where the district types its report's date: which column is it?
REPORT_DATE_SHEETS = [
    # (header after the seven report columns, the column taken, said on row 1)
    (["วันที่รายงาน"], "วันที่รายงาน", None),
    (["วันที่รายงานในระบบ BPM (ซ้ำ)", "วันที่ส่ง"], "วันที่ส่ง", None),
    (["วันที่ส่ง", "วันที่ส่งรายงาน"], "วันที่ส่งรายงาน", "report_date_column"),  # the fuller title
    (["วันที่รายงาน (วว/ดด/ปปปป)"], "วันที่รายงาน (วว/ดด/ปปปป)", "report_date_column"),
    (["วันที่จัดกิจกรรม (ซ้ำ)"], None, "no_report_date"),
]


@pytest.mark.parametrize(("extra", "taken", "said"), REPORT_DATE_SHEETS)
def test_the_report_date_column_of_a_shared_sheet(
    config: Path, extra: list[str], taken: str | None, said: str | None
) -> None:
    header = [*HEADER2[:7], *extra]
    cmap = detect(header, A2)
    assert cmap.header("timestamp") == (taken or "")
    assert cmap.header("bpm_on") == "วันที่บันทึกผลในระบบ BPM" and cmap.header("held_on") == "วันที่จัดประชุม"
    row = [*a2()[:7], *["3/04/2567"] * len(extra)]  # every date column says 3 April: after the cut-off
    res = process(context(config, "activity2"), [header, row])
    assert [i.code for i in res.issues if i.row == 1] == ([said] if said else [])
    if taken is not None:
        assert taken in next((i.message for i in res.issues if i.row == 1), taken)
        if extra == ["วันที่ส่ง", "วันที่ส่งรายงาน"]:  # the other candidate is named as not used
            assert 'ตรวจการส่งตามกำหนด (ไม่ใช้ "วันที่ส่ง") —' in res.issues[0].message
        assert codes(res) == [("late", "warning")]
    else:
        assert "ตรวจไม่ได้ว่ารายงานใดส่งหลังกำหนด" in res.issues[0].message and codes(res) == []


def test_a_row_without_its_report_date_is_told_lateness_cannot_be_judged(config: Path) -> None:
    res = run2(config, a2(reported=None))
    assert codes(res) == [("missing_report_date", "warning")]
    assert "วันที่รายงาน" in res.issues[0].message and res.accepted == 1


def test_late_only_when_the_sheet_has_a_timestamp(config: Path) -> None:
    late_row: list[Cell] = [
        datetime(2024, 4, 3, 9),
        "จุน",
        "ลอ",
        "18 ม.ค. 2567",
        "ส่งแล้ว",
        "ส่งแล้ว",
        25,
        "15/01/2567",
    ]
    res = process(context(config, "activity2"), [HEADER2_B[:8], late_row])
    assert codes(res) == [("late", "warning")]
    assert res.statuses[0].status == "late"


# ---------------------------------------------------------------------------
# Activity 3 rules


def test_a_strong_tambon_project_by_the_rules(config: Path) -> None:
    res = run3(config, a3())
    assert res.issues == []
    (status,) = res.statuses
    assert (status.unit_code, status.status) == ("560206", "valid")
    row = progress(res, "กิจกรรมที่ ๓", "5602")
    assert (row["targets"], row["reported"], row["meeting"], row["missing"]) == (1, 1, 1, 0)
    assert progress(res, "กิจกรรมที่ ๓", "5601")["targets"] == 0


def test_activity3_for_a_tambon_that_is_not_strong_is_an_error_naming_the_rule(config: Path) -> None:
    res = run3(config, a3(tambon="ลอ"))
    assert codes(res) == [("not_strong_tambon", "error")]
    msg = res.issues[0].message
    assert "ตำบลเข้มแข็ง" in msg and "ห้วยยางขาม" in msg
    assert res.statuses == [] and res.rejected == 1
    assert progress(res, "กิจกรรมที่ ๓", "5602")["reported"] == 0


def test_a_purchase_of_handouts_or_equipment_is_a_warning(config: Path) -> None:
    res = run3(config, a3(details="จัดซื้อเมล็ดพันธุ์ผักแจกจ่ายครัวเรือน และครุภัณฑ์"))
    (issue,) = res.issues
    assert (issue.code, issue.severity) == ("banned_purchase", "warning")
    assert "จัดซื้อ" in issue.message and "ครุภัณฑ์" in issue.message
    assert res.statuses[0].status == "valid"
    assert progress(res, "กิจกรรมที่ ๓", "5602")["meeting"] == 0


def test_a_budget_over_the_allocation_is_a_warning(config: Path) -> None:
    res = run3(config, a3(budget="12,500 บาท"))
    assert codes(res) == [("over_budget", "warning")]
    assert "๑๒๕๐๐" in res.issues[0].message and "๑๐๐๐๐" in res.issues[0].message


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("budget", None, "missing_budget"), ("budget", "ประมาณหนึ่งหมื่น", "bad_budget"), ("budget", 0, "bad_budget"),
     ("project", None, "missing_project"), ("held", None, "missing_held_on"), ("bpm", "10/06/2567", "bpm_before_held")],
)  # fmt: skip
def test_activity3_errors(config: Path, field: str, value: Cell, code: str) -> None:
    res = run3(config, a3(**{field: value}))
    assert (code, "error") in codes(res)
    assert res.statuses[0].status == "rejected"


def test_activity3_needs_the_strong_tambons_in_the_settings(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, SOURCES, strong=[])
    with pytest.raises(ConfigError, match="strong tambons"):
        run3(cfg, a3())


def test_both_activities_share_one_progress_table(config: Path) -> None:
    first = run2(config, a2())
    ctx3 = context(config, "activity3", {"activity2": first})
    second = process(ctx3, [HEADER3, a3()])
    assert first.tables == second.tables == []  # the roll-up builds the table from both forms' facts
    table, *others = rollups.tables({"activity2": first, "activity3": second})
    assert table.name == "activity_progress" and others == []
    assert [r["activity"] for r in table.records()].count("กิจกรรมที่ ๓") == 9


# ---------------------------------------------------------------------------
# End to end: both tabs of one shared spreadsheet, a sync, then `pipeline export`


def test_sync_publishes_the_progress_table_and_export_prints_it(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "กิจกรรมที่ 2"
    for r in [HEADER2, a2(), a2(tambon="จุน", people=15), a2(tambon="ออย", district="ปง", bpm="30/01/2567")]:
        ws.append(r)
    ws3 = wb.create_sheet("กิจกรรมที่ 3")
    for r in [HEADER3, a3(), a3(tambon="ลอ")]:
        ws3.append(r)
    (tmp_path / "data").mkdir()
    wb.save(tmp_path / "data" / "activities.xlsx")

    s = load_settings(config)
    with State(s.state_db) as st:
        summary = sync(s, LocalBackend(s.data_dir), st, now=NOW)
        statuses = {(x.form, x.unit_code): x.status for x in st.statuses()}
    assert summary["status"] == "ok"
    assert statuses == {("activity2", "560203"): "valid", ("activity2", "560202"): "valid",
                        ("activity2", "560603"): "valid", ("activity3", "560206"): "valid"}  # fmt: skip

    out = load_workbook(tmp_path / "data" / "summary.xlsx", read_only=True)
    try:
        rows = list(out["ความก้าวหน้ากิจกรรม ๒ และ ๓"].iter_rows(values_only=True))
        issues = list(out["รายการที่ต้องตรวจสอบ"].iter_rows(values_only=True))
    finally:
        out.close()
    assert rows[0][:6] == ("กิจกรรม", "กำหนดส่ง", "รหัสอำเภอ", "อำเภอ", "ตำบลเป้าหมาย", "รายงานแล้ว")
    assert len(rows) == 1 + 9 + 9
    codes_published = {r[-1] for r in issues[1:]}  # the code is the last column
    assert {"few_participants", "bpm_late", "not_strong_tambon"} <= codes_published

    assert main(["export", "activity_progress", "--format", "json", "--config", str(config)]) == 0
    records = json.loads(capsys.readouterr().out)
    chun2 = next(r for r in records if r["activity"] == "กิจกรรมที่ ๒" and r["district_code"] == "5602")
    assert (chun2["targets"], chun2["reported"], chun2["meeting"], chun2["due"]) == (7, 2, 1, "2024-03-31")
    assert chun2["not_meeting_tambons"] == "จุน"
    chun3 = next(r for r in records if r["activity"] == "กิจกรรมที่ ๓" and r["district_code"] == "5602")
    assert (chun3["targets"], chun3["reported"], chun3["meeting"]) == (1, 1, 1)


def test_a_template_row_with_nothing_reported_is_not_a_report(config: Path) -> None:
    blank: list[Cell] = ["จุน", "ห้วยข้าวก่ำ", None, None, None, None, None]
    res = run2(config, a2(), blank)
    assert res.issues == [] and res.rows_read == 1
    assert "ห้วยข้าวก่ำ" in str(progress(res, "กิจกรรมที่ ๒", "5602")["missing_tambons"])


@pytest.mark.parametrize("reported", ["31/12/2599", "9999-12-31", "20/01/2540"])
def test_an_impossible_report_date_is_never_taken_as_when_it_was_sent(config: Path, reported: str) -> None:
    res = run2(config, a2(reported=reported))
    assert ("bad_timestamp", "warning") in codes(res)
    assert res.statuses[0].submitted_at is None


@pytest.mark.parametrize(("schema", "code"), [(A2, "bpm_late"), (A3, "banned_purchase")])
def test_each_activity_says_its_messages_from_its_own_schema(schema: Any, code: str) -> None:
    import dataclasses

    from pipeline import forms

    texts = dict((schema.extra or {})["messages"])
    del texts[code]
    with pytest.raises(ConfigError, match=code) as caught:
        forms.check_schema(dataclasses.replace(schema, extra={**(schema.extra or {}), "messages": texts}))
    assert f"{schema.name}.yaml" in str(caught.value.where)


def test_their_rules_and_messages_are_checked_when_the_settings_load() -> None:
    from dataclasses import replace

    from pipeline import forms

    rules = {**(A3.extra or {})["rules"], "banned_purchases": ["ซื้อ(", "แจก"]}
    with pytest.raises(ConfigError, match="banned_purchases") as caught:
        forms.check_schema(replace(A3, extra={**(A3.extra or {}), "rules": rules}))
    assert "activity3.yaml: rules" in str(caught.value.where)
    rules = {**(A2.extra or {})["rules"], "min_participants": 20.5}
    with pytest.raises(ConfigError, match="rule 'min_participants'"):
        forms.check_schema(replace(A2, extra={**(A2.extra or {}), "rules": rules}))
    texts = {k: v for k, v in (A3.extra or {})["messages"].items() if k != "none_here"}
    with pytest.raises(ConfigError, match="none_here"):
        forms.check_schema(replace(A3, extra={**(A3.extra or {}), "messages": texts}))
    forms.check_schema(A2)
    forms.check_schema(A3)


@pytest.mark.parametrize(
    ("form", "code", "needed"),
    [
        ("activity2", "bad_yes_no", "bad_plan_to_kbt"),  # a kind-level message serves every yes/no field
        ("activity2", "missing_participants", "missing_participants"),  # blank: missing
        ("activity3", "bad_budget", "bad_budget"),  # a baht answer can be unreadable
        ("activity3", "date_held_on", "date_held_on"),  # a date is named in its messages
    ],
)
def test_the_messages_a_field_kind_says_are_checked_when_the_settings_load(
    form: str, code: str, needed: str
) -> None:
    schema = load_schema(form)
    texts = {k: v for k, v in (schema.extra or {})["messages"].items() if k != code}
    with pytest.raises(ConfigError, match=needed) as caught:
        forms.check_schema(dataclasses.replace(schema, extra={**(schema.extra or {}), "messages": texts}))
    assert f"sheets_schema/{form}.yaml: messages" == caught.value.where
