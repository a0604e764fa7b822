"""KPI 3.2: the monthly report of the model LAOs, on Phrae's 2555 list and calendar (seed 003)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from pipeline.backends.local import LocalBackend
from pipeline.calendar import load_calendar
from pipeline.cli import main
from pipeline.columns import detect
from pipeline.errors import ConfigError
from pipeline.forms.base import FormContext, FormResult
from pipeline.forms.declared import rules_of
from pipeline.forms.kpi32 import process
from pipeline.forms.kpi32_score import Items, Rules, kpi_score, percent_disagrees, percent_of
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.run import sync
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_province_settings

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2012, 7, 1, 9, tzinfo=TZ)  # after the May and June 2555 cut-offs
SCHEMA = load_schema("kpi32")

# The eight model LAOs of seed 003, as printed.
PHRAE_LAOS = [
    {"name": "เทศบาลตำบลช่อแฮ", "district": "เมืองแพร่"},
    {"name": "เทศบาลตำบลร้องกวาง", "district": "ร้องกวาง"},
    {"name": "องค์การบริหารส่วนตำบลต้าผามอก", "district": "ลอง"},
    {"name": "องค์การบริหารส่วนตำบลสบสาย", "district": "สูงเม่น"},
    {"name": "องค์การบริหารส่วนตำบลแม่จั่วะ", "district": "เด่นชัย"},
    {"name": "องค์การบริหารส่วนตำบลบ้านกลาง", "district": "สอง"},
    {"name": "องค์การบริหารส่วนตำบลนาพูน", "district": "วังชิ้น"},
    {"name": "องค์การบริหารส่วนตำบลน้ำรัด", "district": "หนองม่วงไข่"},
]

# A Google Form transcribing the circular's paper form (Thai digits, "N." and "N.1").
HEADER_A: list[Cell] = [
    "ประทับเวลา",
    "อำเภอ",
    "ชื่อเทศบาล/อบต. ต้นแบบ",
    "รายงานประจำเดือน",
    "๑. จำนวนหมู่บ้าน/ชุมชนทั้งหมด",
    "๒. มีคณะทำงานสนับสนุนกระบวนการแผนชุมชนระดับท้องถิ่น",
    "๓. คณะทำงานตามข้อ ๒ มีแผนการดำเนินงานร่วมกัน",
    "๔. มีการจัดทำเวทีประชาคมทบทวนแผนชุมชนครบทุกหมู่บ้าน/ชุมชน",
    "๔.๑ จำนวนหมู่บ้าน/ชุมชนที่ยังไม่ได้ดำเนินการ",
    "๕. มีการจัดเวทีประชาคมระดับเทศบาล/อบต. บูรณาการแผนชุมชน",
    "๕.๑ วันที่จัดเวที",
    "๖. แผนชุมชนที่บูรณาการครอบคลุม ๓ ด้าน",
    "๖.๑ จำนวนโครงการ/กิจกรรมในแผนชุมชนที่บูรณาการ",
    "๗. จำนวนโครงการ/กิจกรรมที่บรรจุในแผนพัฒนาท้องถิ่นปีถัดไป",
    "๗.๑ คิดเป็นร้อยละ",
    "๘. จำนวนโครงการ/กิจกรรมที่บรรจุในร่างข้อบัญญัติงบประมาณ",
    "๘.๑ คิดเป็นร้อยละ",
    "ผู้รายงาน",
]
# Another province's form: "ข้อ N" titles, percentages before counts, no month question.
HEADER_B: list[Cell] = [
    "Timestamp",
    "Email address",
    "ชื่ออำเภอ",
    "ชื่อ อปท.",
    "ข้อ 1 จำนวนหมู่บ้านหรือชุมชน",
    "ข้อ 2 คณะกรรมการสนับสนุนกระบวนการแผนชุมชน",
    "ข้อ 3 แผนการดำเนินงานร่วมกัน",
    "ข้อ 4 เวทีประชาคมหมู่บ้าน/ชุมชน",
    "ข้อ 5 เวทีประชาคมระดับตำบล",
    "ข้อ 6 ครอบคลุม 3 ด้านหรือไม่",
    "ข้อ 6 จำนวนโครงการ/กิจกรรม",
    "ข้อ 7 ร้อยละ",
    "ข้อ 7 จำนวนโครงการ",
    "ข้อ 8 ร้อยละ",
    "ข้อ 8 จำนวนโครงการ",
    "ตำแหน่ง",
]

# The worked example of seed 003 ("ตัวอย่าง"): 12 communities, 120 projects,
# 36 = 30% into the local plan, 5 "= 25%" into the draft budget (5 × 100 / 36 = 13.9).
EXAMPLE: list[Cell] = [
    "๑๒", "มีคณะทำงาน", "มีแผนดำเนินงานแล้ว", "ดำเนินการครบทุกหมู่บ้าน/ชุมชนแล้ว", None,
    "ดำเนินการแล้ว", "๒๐ พฤษภาคม ๒๕๕๕", "ครอบคลุม", "๑๒๐", "๓๖", "๓๐", "๕", "๒๕",
]  # fmt: skip
MEETS: list[Cell] = [
    10, "มี", "มี", "ครบ", None, "ดำเนินการแล้ว", "20/05/2555", "ครอบคลุม", 100, 40, "40%", 10, "ร้อยละ 25",
]  # fmt: skip


def write_config(folder: Path, laos: list[dict[str, str]] | None = None) -> Path:
    return write_province_settings(
        folder,
        "phrae-2555.yaml",
        province="แพร่",
        fiscal_year=2555,
        sources={"kpi32": {"schema": "kpi32", "spreadsheet": "kpi32", "tab": "การตอบแบบฟอร์ม 1"}},
        units={"model_laos": PHRAE_LAOS if laos is None else laos},
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


def run(config: Path, *rows: list[Cell], header: list[Cell] = HEADER_A) -> FormResult:
    s = load_settings(config)
    ctx = FormContext(
        s, s.sources["kpi32"], SCHEMA, OrgUnits.for_province("54"), load_calendar(s.calendar), NOW
    )
    return process(ctx, [header, *rows])


def report(
    items: list[Cell],
    *,
    lao: str = "อบต.ต้าผามอก",
    district: str = "ลอง",
    month: Cell = "พฤษภาคม 2555",
    at: datetime = datetime(2012, 5, 24, 10),
) -> list[Cell]:
    return [at, district, lao, month, *items, "นายสมศักดิ์ ใจซื่อ"]


def codes(res: FormResult, row: int = 2) -> list[tuple[str, str]]:
    return [(i.code, i.severity) for i in res.issues if i.row == row]


def lao_rows(res: FormResult) -> list[dict[str, Cell]]:
    return res.tables[0].records()


def province(res: FormResult, period: str) -> dict[str, Cell]:
    return next(r for r in res.tables[1].records() if r["period"] == period)


# ---------------------------------------------------------------------------
# Pure parts


PERCENT_CASES = [
    (36, 120, 30.0),
    (5, 36, 500 / 36),
    (0, 10, 0.0),
    (3, 0, None),
    (3, None, None),
]


@pytest.mark.parametrize(("part", "whole", "pct"), PERCENT_CASES)
def test_percent_of(part: int, whole: int | None, pct: float | None) -> None:
    assert percent_of(part, whole) == pct


DISAGREE_CASES = [
    (25.0, 500 / 36, True),  # the worked example's item 8
    (13.9, 500 / 36, False),
    (14.0, 500 / 36, False),
    (30.0, 30.0, False),
    (12.0, 12.5, False),  # exactly the tolerance: rounding, not a mistake
    (13.0, 12.5, False),
    (13.01, 12.5, True),
    (33.0, 100 / 3, False),
]


@pytest.mark.parametrize(("typed", "computed", "disagrees"), DISAGREE_CASES)
def test_percent_disagrees_beyond_half_a_point(typed: float, computed: float, disagrees: bool) -> None:
    assert percent_disagrees(typed, computed, 0.5) is disagrees


SCORE_CASES = [
    (0.0, 1.0),
    (59.99, 1.0),
    (60.0, 1.0),
    (61.0, 1.2),
    (62.5, 1.5),
    (65.0, 2.0),
    (200 / 3, 2.3333),
    (70.0, 3.0),
    (72.5, 3.5),
    (75.0, 4.0),
    (700 / 9, 4.5556),
    (79.99, 4.998),
    (80.0, 5.0),
    (87.5, 5.0),
    (100.0, 5.0),
]


@pytest.mark.parametrize(("result", "score"), SCORE_CASES)
def test_kpi_score(result: float, score: float) -> None:
    assert kpi_score(result) == pytest.approx(score, abs=1e-4)


def test_kpi_score_with_other_levels() -> None:
    assert kpi_score(85, (70, 80, 90)) == 2.5


def items(**change: Any) -> Items:
    base: dict[str, Any] = dict(
        villages=12, committee=True, work_plan=True, village_forums=True, tambon_forum=True, covers=True,
        projects=120, local_plan_projects=36, budget_projects=8,
    )  # fmt: skip
    return Items(**{**base, **change})


CRITERIA_CASES = [
    ({}, (True, True, True, True, True)),
    ({"committee": False}, (False, True, True, True, True)),
    ({"work_plan": False}, (False, True, True, True, True)),
    ({"village_forums": False}, (True, False, True, True, True)),
    ({"tambon_forum": False}, (True, True, False, True, True)),
    ({"covers": False}, (True, True, False, True, True)),
    ({"local_plan_projects": 35, "budget_projects": 7}, (True, True, True, False, True)),  # 29.2%
    ({"budget_projects": 7}, (True, True, True, True, False)),  # 19.4%
    ({"budget_projects": 5}, (True, True, True, True, False)),  # the worked example: 13.9%
    ({"projects": None, "local_plan_projects": 0, "budget_projects": 0}, (True, True, True, False, False)),
]


@pytest.mark.parametrize(("change", "criteria"), CRITERIA_CASES)
def test_the_five_criteria(change: dict[str, Any], criteria: tuple[bool, ...]) -> None:
    assert items(**change).criteria() == criteria


# ---------------------------------------------------------------------------
# Column detection


def test_columns_of_the_form_after_the_circular() -> None:
    cmap = detect(HEADER_A, SCHEMA)
    keys = ["timestamp", "district", "lao", "month", "villages", "committee", "work_plan", "village_forums",
            "villages_remaining", "tambon_forum", "tambon_forum_on", "covers", "projects", "local_plan_projects",
            "local_plan_percent", "budget_projects", "budget_percent", "reporter"]  # fmt: skip
    assert [cmap.index[k] for k in keys] == list(range(len(keys)))


def test_columns_of_a_differently_titled_form() -> None:
    cmap = detect(HEADER_B, SCHEMA)
    expected = {
        "timestamp": 0, "email": 1, "district": 2, "lao": 3, "villages": 4, "committee": 5, "work_plan": 6,
        "village_forums": 7, "tambon_forum": 8, "covers": 9, "projects": 10, "local_plan_percent": 11,
        "local_plan_projects": 12, "budget_percent": 13, "budget_projects": 14, "position": 15,
    }  # fmt: skip
    assert {k: cmap.index[k] for k in expected} == expected
    assert "month" not in cmap.index


# ---------------------------------------------------------------------------
# Rules


def test_the_circulars_worked_example(config: Path) -> None:
    res = run(config, report(EXAMPLE))
    (issue,) = res.issues
    assert (issue.code, issue.severity, issue.field) == ("percent_mismatch", "warning", "๘.๑ คิดเป็นร้อยละ")
    assert "๒๕" in issue.message and "๑๓.๙" in issue.message and "๕ × ๑๐๐ ÷ ๓๖" in issue.message
    (row,) = lao_rows(res)
    assert (row["local_plan_pct"], row["budget_pct"]) == (30.0, 13.89)  # the computed figures are used
    assert (row["c1"], row["c2"], row["c3"], row["c4"], row["c5"]) == ("ผ่าน", "ผ่าน", "ผ่าน", "ผ่าน", "ไม่ผ่าน")
    assert row["meets"] == "ไม่ผ่าน"
    assert res.statuses[0].status == "valid"


def test_a_report_meeting_all_five_criteria(config: Path) -> None:
    res = run(config, report(MEETS))
    assert res.issues == []
    (row,) = lao_rows(res)
    assert (row["lao"], row["lao_code"], row["district_code"]) == (
        "องค์การบริหารส่วนตำบลต้าผามอก", "5403:องค์การบริหารส่วนตำบลต้าผามอก", "5403",
    )  # fmt: skip
    assert (row["period"], row["month"], row["meets"], row["on_time"]) == (
        "2555-05",
        "พฤษภาคม ๒๕๕๕",
        "ผ่าน",
        "ตรงเวลา",
    )
    (status,) = res.statuses
    assert (status.form, status.period, status.unit_code, status.status) == (
        "kpi32", "2555-05", "5403:องค์การบริหารส่วนตำบลต้าผามอก", "valid",
    )  # fmt: skip


def test_the_province_result_and_score_per_month(config: Path) -> None:
    rows = [report(MEETS, lao=lao["name"], district=lao["district"]) for lao in PHRAE_LAOS[:5]] + [
        report(EXAMPLE, lao=PHRAE_LAOS[5]["name"], district=PHRAE_LAOS[5]["district"])
    ]
    res = run(config, *rows)
    may = province(res, "2555-05")
    assert (may["model_laos"], may["reported"], may["meeting"]) == (8, 6, 5)
    assert (may["result_pct"], may["score"]) == (62.5, 1.5)
    assert may["missing_laos"] == "องค์การบริหารส่วนตำบลนาพูน, องค์การบริหารส่วนตำบลน้ำรัด"
    june = province(res, "2555-06")  # due, nobody reported: 0%
    assert (june["reported"], june["result_pct"], june["score"]) == (0, 0.0, 1.0)
    july = province(res, "2555-07")  # not due yet
    assert (july["result_pct"], july["score"]) == (None, None)


@pytest.mark.parametrize(
    "typed",
    [
        "อบต.ต้าผามอก",
        "องค์การบริหารส่วนตำบลต้าผามอก",
        "ต้าผามอก",
        "อบต. ต้าผามอก",
        "อ.บ.ต.ต้าผามอก",
        "องค์การบริหารส่วนต.ต้าผามอก",
    ],
)
def test_the_lao_is_matched_whatever_its_prefix(config: Path, typed: str) -> None:
    res = run(config, report(MEETS, lao=typed))
    assert res.issues == [] and res.accepted == 1


def test_a_misspelt_tone_mark_is_a_near_match(config: Path) -> None:
    # The circular prints แม่จั่วะ; the tambon is officially แม่จั๊วะ.
    res = run(config, report(MEETS, lao="อบต.แม่จั๊วะ", district="เด่นชัย"))
    assert codes(res) == [("near_match", "warning")]
    assert lao_rows(res)[0]["lao"] == "องค์การบริหารส่วนตำบลแม่จั่วะ"


@pytest.mark.parametrize(
    ("typed", "slip"),
    [
        ("อบต.ต้\u0e49าผามอก", "วรรณยุกต์หรือสระซ้ำ"),
        ("อบต.ต้า ผามอก", "ช่องว่างกลางชื่อ"),
        ("องค์การบริหารส่วนตำบลต้าผา มอก", "ช่องว่างกลางชื่อ"),
    ],
)
def test_a_typing_slip_in_the_lao_name_is_a_near_match_naming_it(config: Path, typed: str, slip: str) -> None:
    res = run(config, report(MEETS, lao=typed))
    assert codes(res) == [("near_match", "warning")]
    assert slip in res.issues[0].message and '"องค์การบริหารส่วนตำบลต้าผามอก"' in res.issues[0].message
    assert res.accepted == 1


def test_an_lao_that_is_not_a_model_lao_is_an_error_naming_the_configured_ones(config: Path) -> None:
    res = run(config, report(MEETS, lao="อบต.ห้วยอ้อ"))
    assert codes(res) == [("not_model_lao", "error")]
    msg = res.issues[0].message
    assert "อบต.ห้วยอ้อ" in msg and "องค์การบริหารส่วนตำบลต้าผามอก" in msg and "เทศบาลตำบลช่อแฮ" in msg
    assert res.statuses == [] and res.rejected == 1 and lao_rows(res) == []


@pytest.mark.parametrize("blank", ["", "-"])
def test_a_report_without_its_lao_is_an_error(config: Path, blank: str) -> None:
    res = run(config, report(MEETS, lao=blank))
    assert codes(res) == [("missing_lao", "error")]
    assert res.issues[0].message.startswith("ไม่ได้ระบุชื่อ อปท. ต้นแบบ — โปรดกรอกชื่อเทศบาล/อบต.")
    assert res.rejected == 1 and lao_rows(res) == []


def test_a_model_lao_under_the_wrong_district(config: Path) -> None:
    res = run(config, report(MEETS, lao="ทต.ช่อแฮ", district="ลอง"))
    assert codes(res) == [("lao_other_district", "error")]
    assert "เมืองแพร่" in res.issues[0].message


def test_the_other_kind_of_lao_is_counted_with_a_warning(config: Path) -> None:
    res = run(config, report(MEETS, lao="อบต.ร้องกวาง", district="ร้องกวาง"))
    assert codes(res) == [("lao_kind_mismatch", "warning")]
    assert res.accepted == 1


def test_the_month_from_the_submission_date_when_not_asked(config: Path) -> None:
    res = run(config, report(MEETS, month=None, at=datetime(2012, 6, 20, 9)))
    assert lao_rows(res)[0]["period"] == "2555-06"


def test_a_month_without_a_cut_off_is_an_error(config: Path) -> None:
    res = run(config, report(MEETS, month="มกราคม 2555"))
    assert codes(res) == [("bad_month", "error")]
    assert "พฤษภาคม ๒๕๕๕" in res.issues[0].message and "กันยายน ๒๕๕๕" in res.issues[0].message
    assert res.statuses == []


def test_a_late_report_counts_with_a_warning(config: Path) -> None:
    res = run(config, report(MEETS, at=datetime(2012, 5, 28, 15)))
    assert codes(res) == [("late", "warning")]
    assert "๓ วัน" in res.issues[0].message
    assert res.statuses[0].status == "late" and lao_rows(res)[0]["on_time"] == "ล่าช้า"


def test_the_latest_report_of_a_month_counts(config: Path) -> None:
    res = run(config, report(EXAMPLE), report(MEETS, at=datetime(2012, 5, 25, 8)))
    assert [(i.row, i.code) for i in res.issues] == [(2, "superseded")]
    assert res.superseded == 1 and [r["source_row"] for r in lao_rows(res)] == [3]


def test_not_yet_answers_in_the_count_boxes(config: Path) -> None:
    early: list[Cell] = [
        10, "มีคณะทำงาน", "ยังไม่มีแผนดำเนินงาน", "ยังดำเนินการไม่ครบทุกหมู่บ้าน/ชุมชน", 4,
        "ยังไม่ดำเนินการ", None, "ไม่ครอบคลุม", None, "ยังไม่ดำเนินการ", None, "ยังไม่ดำเนินการ", None,
    ]  # fmt: skip
    res = run(config, report(early))
    assert res.issues == []
    (row,) = lao_rows(res)
    assert (row["projects"], row["local_plan_projects"], row["local_plan_pct"], row["budget_pct"]) == (
        0,
        0,
        None,
        None,
    )
    assert [row[f"c{n}"] for n in range(1, 6)] == ["ไม่ผ่าน"] * 5


@pytest.mark.parametrize(
    ("position", "value", "code"),
    [
        (0, None, "missing_answer"),
        (0, "สิบสอง", "bad_count"),
        (0, 0, "bad_count"),
        (1, "อาจจะ", "bad_yes_no"),
        (4, 30, "bad_count"),  # more villages left than there are
        (8, None, "missing_answer"),  # covers 3 dimensions but no project count
        (9, 130, "more_than_base"),  # item 7 above item 6
        (11, 41, "more_than_base"),  # item 8 above item 7
    ],
)
def test_answers_that_reject_the_report(config: Path, position: int, value: Cell, code: str) -> None:
    answers = list(MEETS)
    answers[position] = value
    res = run(config, report(answers))
    assert (code, "error") in codes(res)
    assert res.statuses[0].status == "rejected" and lao_rows(res) == []


def test_the_errors_of_a_report_are_said_in_the_forms_order_with_their_figures(config: Path) -> None:
    answers = list(MEETS)
    answers[0], answers[1], answers[4] = 0, "อาจจะ", 30  # no villages, an unreadable answer, 30 left
    res = run(config, report(answers))
    assert res.statuses[0].errors == (
        "ข้อ ๑ จำนวนหมู่บ้าน/ชุมชนต้องมากกว่า ๐",
        'ข้อ ๒ อ่านคำตอบ "อาจจะ" ไม่ได้ — โปรดเลือก "มีคณะทำงาน" หรือ "ยังไม่มีคณะทำงาน"',
    )
    answers[0] = 12
    said = [i.message for i in run(config, report(answers)).issues if i.code == "bad_count"]
    assert said == ["ข้อ ๔ เหลือ ๓๐ หมู่บ้าน/ชุมชน มากกว่าจำนวนทั้งหมดในข้อ ๑ (๑๒) — โปรดแก้ไข"]


def test_a_schema_that_leaves_out_an_answer_is_a_config_error() -> None:
    schema = load_schema("kpi32")
    rules = dict(schema.extra["rules"])
    rules["answers"] = [a for a in rules["answers"] if a["key"] != "covers"]
    with pytest.raises(ConfigError, match="answers"):
        rules_of(Rules, dataclasses.replace(schema, extra={**schema.extra, "rules": rules}))


@pytest.mark.parametrize(
    "percents",
    [[], [{"key": "budget_percent", "item": "๘", "part": "budget", "whole": "projects", "over": "x"}] * 2],
)
def test_a_schema_without_its_two_percentages_of_listed_counts_is_a_config_error(
    percents: list[dict[str, str]],
) -> None:
    schema = load_schema("kpi32")
    rules = {**schema.extra["rules"], "percents": percents}
    with pytest.raises(ConfigError, match="percents") as caught:
        rules_of(Rules, dataclasses.replace(schema, extra={**schema.extra, "rules": rules}))
    assert "kpi32.yaml: rules" in str(caught.value.where)


def test_item7_without_item6_projects_cannot_be_computed(config: Path) -> None:
    answers = list(MEETS)
    answers[7], answers[8] = "ไม่ครอบคลุม", None
    assert ("no_base", "error") in codes(run(config, report(answers)))


def test_an_unreadable_typed_percentage_is_a_warning_only(config: Path) -> None:
    answers = list(MEETS)
    answers[10] = "ประมาณสี่สิบ"
    res = run(config, report(answers))
    assert codes(res) == [("bad_percent", "warning")]
    assert lao_rows(res)[0]["local_plan_pct"] == 40.0


def test_a_plan_without_a_committee_is_a_warning(config: Path) -> None:
    answers = list(MEETS)
    answers[1] = "ยังไม่มีคณะทำงาน"
    assert codes(run(config, report(answers))) == [("plan_without_committee", "warning")]


def test_no_model_laos_in_the_settings_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="model LAOs"):
        run(write_config(tmp_path, laos=[]), report(MEETS))


def test_the_other_form_reads_the_same(config: Path) -> None:
    answers = ["10", "มีคณะกรรมการ", "มี", "ครบ", "ดำเนินการแล้ว", "ครอบคลุม", 100, "40", 40, "๒๕", 10]
    row: list[Cell] = [datetime(2012, 6, 20, 9), "lao@example.org", "ลอง", "ต้าผามอก", *answers, "ปลัด อบต."]
    res = run(config, row, header=HEADER_B)
    # No month and no report number on this form: said once, on the header row.
    assert [(i.row, i.code, i.severity) for i in res.issues] == [(1, "period_from_date", "warning")]
    assert (lao_rows(res)[0]["period"], lao_rows(res)[0]["meets"]) == ("2555-06", "ผ่าน")


# ---------------------------------------------------------------------------
# End to end: Phrae's settings, a sync on the local store, then `pipeline export`


def test_sync_publishes_both_tables_and_export_prints_them(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid: Grid = [
        HEADER_A,
        report(EXAMPLE, lao="อบต.ต้าผามอก", district="ลอง"),
        report(MEETS, lao="ทต.ช่อแฮ", district="เมืองแพร่"),
        report(MEETS, lao="เทศบาลตำบลร้องกวาง", district="อ.ร้องกวาง", month="มิถุนายน 2555",
               at=datetime(2012, 6, 21, 9)),
        report(MEETS, lao="อบต.ห้วยอ้อ", district="ลอง"),
    ]  # fmt: skip
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "การตอบแบบฟอร์ม 1"
    for r in grid:
        ws.append(r)
    (tmp_path / "data").mkdir()
    wb.save(tmp_path / "data" / "kpi32.xlsx")

    s = load_settings(config)
    assert len(s.model_laos) == 8
    with State(s.state_db) as st:
        summary = sync(s, LocalBackend(s.data_dir), st, now=NOW)
    assert (summary["status"], summary["accepted"], summary["rejected"]) == ("ok", 3, 1)

    out = load_workbook(tmp_path / "data" / "summary.xlsx", read_only=True)
    try:
        per_lao = list(out["ตัวชี้วัด ๓.๒ ราย อปท."].iter_rows(values_only=True))
        per_month = list(out["ตัวชี้วัด ๓.๒ ระดับจังหวัด"].iter_rows(values_only=True))
        issues = list(out["รายการที่ต้องตรวจสอบ"].iter_rows(values_only=True))
    finally:
        out.close()
    assert per_lao[0][:3] == ("เดือน (รหัส)", "เดือนที่รายงาน", "รหัสอำเภอ") and len(per_lao) == 4
    assert per_month[0][-3:-1] == ("ผลงาน (ร้อยละ)", "คะแนน (๑-๕)") and len(per_month) == 6
    assert {r[-1] for r in issues[1:]} == {"percent_mismatch", "not_model_lao"}

    assert main(["export", "kpi32_province", "--format", "json", "--config", str(config)]) == 0
    months = {r["period"]: r for r in json.loads(capsys.readouterr().out)}
    assert (months["2555-05"]["reported"], months["2555-05"]["meeting"], months["2555-05"]["result_pct"]) == (
        2,
        1,
        12.5,
    )
    assert (months["2555-06"]["meeting"], months["2555-06"]["score"], months["2555-06"]["due"]) == (
        1,
        1.0,
        "2012-06-25",
    )

    assert main(["export", "kpi32", "--format", "json", "--config", str(config)]) == 0
    laos = json.loads(capsys.readouterr().out)
    example = next(r for r in laos if r["lao"] == "องค์การบริหารส่วนตำบลต้าผามอก")
    assert (example["budget_projects"], example["budget_pct"], example["meets"]) == (5, 13.89, "ไม่ผ่าน")


def test_the_phrae_example_settings_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "config" / "examples" / "phrae-2555.yaml"
    s = load_settings(path)
    assert [lao.name for lao in s.model_laos] == [lao["name"] for lao in PHRAE_LAOS]
    assert [lao.district_code for lao in s.model_laos] == [f"54{n:02d}" for n in range(1, 9)]
    assert main(["check-config", "--config", str(path)]) == 0
    assert "kpi32" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# The paper form of seed 003 as a province types it into a Google Form:
# "รายงานครั้งที่", items 7 and 8 ticked "ดำเนินการแล้ว", then N.1 the count, N.2 the percentage.

HEADER_PAPER: list[Cell] = [
    "ประทับเวลา",
    "อำเภอ",
    "() เทศบาล () อบต.",
    "รายงานครั้งที่",
    "๑. จำนวน () หมู่บ้าน หรือ () ชุมชน ทั้งหมด",
    "๒. มีคณะกรรมการสนับสนุนกระบวนการแผนชุมชนระดับท้องถิ่น หรือคณะกรรมการอื่นๆ ที่เกี่ยวข้อง",
    "๓. คณะกรรมการตามข้อ ๒ มีการกำหนดแผนการดำเนินงานสนับสนุนกระบวนการแผนชุมชนร่วมกัน",
    "๔. มีการจัดทำเวทีประชาคมทบทวน ปรับปรุงแผนชุมชน ครอบคลุมมิติการพัฒนาด้านเศรษฐกิจ",
    "๔.๑ เหลือจำนวนหมู่บ้าน/ชุมชน",
    "๕. มีจัดเวทีประชาคมระดับเทศบาล หรือ อบต. บูรณาการแผนชุมชนระดับเทศบาลหรือ อบต.",
    "๕.๑ เมื่อวันที่",
    "๖. แผนชุมชนที่มีการบูรณาการระดับเทศบาล หรือ อบต. ตามข้อ ๕ ครอบคลุมมิติการพัฒนา",
    "๖.๑ รวมจำนวนโครงการ/กิจกรรม",
    "๗. มีการนำโครงการ/กิจกรรม จากแผนชุมชนตามข้อ ๖. บรรจุไว้ในแผนพัฒนาท้องถิ่นของปีถัดไปไม่น้อยกว่าร้อยละ ๓๐",
    "๗.๑ จำนวนโครงการ/กิจกรรม",
    "๗.๒ คิดเป็นร้อยละ",
    "๘. มีการนำโครงการ/กิจกรรมจากแผนชุมชน ในแผนพัฒนาท้องถิ่นตามข้อ ๗. บรรจุไว้ในร่างข้อบัญญัติงบประมาณ",
    "๘.๑ จำนวนโครงการ/กิจกรรม",
    "๘.๒ คิดเป็นร้อยละ",
    "ลงชื่อผู้รายงาน",
]
# The worked example as ticked on paper.
EXAMPLE_PAPER: list[Cell] = [
    "๑๒", "มีคณะทำงาน", "มีแผนดำเนินงานแล้ว", "ดำเนินการครบทุกหมู่บ้าน/ชุมชนแล้ว", None,
    "ดำเนินการแล้ว", "๒๐ พฤษภาคม ๒๕๕๕", "ครอบคลุม", "๑๒๐",
    "ดำเนินการแล้ว", "๓๖", "๓๐", "ดำเนินการแล้ว", "๕", "๒๕",
]  # fmt: skip


def paper(
    items: list[Cell], no: Cell = "๑", at: datetime = datetime(2012, 5, 25, 10), **kw: str
) -> list[Cell]:
    return [at, kw.get("district", "ลอง"), kw.get("lao", "อบต.ต้าผามอก"), no, *items, "นายสมศักดิ์ ใจซื่อ"]


def test_the_paper_layout_reads_the_count_from_n_1() -> None:
    cmap = detect(HEADER_PAPER, SCHEMA)
    assert cmap.header("local_plan_done").startswith("๗. มีการนำ")
    assert cmap.header("local_plan_projects") == "๗.๑ จำนวนโครงการ/กิจกรรม"
    assert cmap.header("local_plan_percent") == "๗.๒ คิดเป็นร้อยละ"
    assert cmap.header("budget_projects") == "๘.๑ จำนวนโครงการ/กิจกรรม"
    assert cmap.header("budget_percent") == "๘.๒ คิดเป็นร้อยละ"
    assert cmap.header("report_no") == "รายงานครั้งที่"


def test_the_paper_layouts_worked_example(config: Path) -> None:
    res = run(config, paper(EXAMPLE_PAPER), header=HEADER_PAPER)
    assert codes(res) == [("percent_mismatch", "warning")]  # 5 × 100 / 36 is 13.9, not the typed 25
    (row,) = lao_rows(res)
    assert (row["period"], row["local_plan_projects"], row["budget_projects"]) == ("2555-05", 36, 5)
    assert res.accepted == 1


def test_done_without_a_count_and_a_count_without_done(config: Path) -> None:
    missing = list(EXAMPLE_PAPER)
    missing[10] = None  # ๗.๑ left blank although ๗ says done
    res = run(config, paper(missing), header=HEADER_PAPER)
    assert ("missing_answer", "error") in codes(res) and res.rejected == 1
    contradicts = list(EXAMPLE_PAPER)
    contradicts[12] = "ยังไม่ดำเนินการ"  # ๘ not done, yet ๘.๑ says 5
    res = run(config, paper(contradicts), header=HEADER_PAPER)
    assert ("not_done_with_count", "warning") in codes(res) and res.accepted == 1


@pytest.mark.parametrize(("no", "period"), [("๑", "2555-05"), ("ครั้งที่ 2", "2555-06"), (3, "2555-07")])
def test_the_report_number_is_the_nth_monthly_cut_off(config: Path, no: Cell, period: str) -> None:
    res = run(config, paper(EXAMPLE_PAPER, no=no, at=datetime(2012, 5, 20, 9)), header=HEADER_PAPER)
    assert lao_rows(res)[0]["period"] == period


def test_a_report_number_past_the_calendar_is_an_error_listing_the_months(config: Path) -> None:
    res = run(config, paper(MEETS_PAPER, no="๖"), header=HEADER_PAPER)
    assert codes(res) == [("bad_report_no", "error")] and res.rejected == 1
    assert "ครั้งที่ ๕ = เดือนกันยายน ๒๕๕๕" in res.issues[0].message


def test_an_early_report_for_the_next_number_never_replaces_the_last(config: Path) -> None:
    may = paper(EXAMPLE_PAPER, no="1", at=datetime(2012, 5, 24, 9))
    june_early = paper(MEETS_PAPER, no="2", at=datetime(2012, 5, 26, 9))
    res = run(config, may, june_early, header=HEADER_PAPER)
    assert res.superseded == 0
    assert sorted(r["period"] for r in lao_rows(res)) == ["2555-05", "2555-06"]


MEETS_PAPER: list[Cell] = [
    10, "มี", "มี", "ครบ", None, "ดำเนินการแล้ว", "20/05/2555", "ครอบคลุม", 100,
    "ดำเนินการแล้ว", 40, "40%", "ดำเนินการแล้ว", 10, "ร้อยละ 25",
]  # fmt: skip


def test_without_month_or_number_an_early_report_is_the_next_months(config: Path) -> None:
    # May's report on time, then a report two days after May's cut-off: June's, sent early.
    may = report(MEETS, month=None, at=datetime(2012, 5, 24, 9))
    early = report(EXAMPLE, month=None, at=datetime(2012, 5, 27, 9))
    res = run(config, may, early)
    assert res.superseded == 0
    assert sorted(r["period"] for r in lao_rows(res)) == ["2555-05", "2555-06"]
    assert [
        (i.row, i.code) for i in res.issues if i.code == "period_from_date"
    ] == []  # the form asks the month
    # The same report, with nothing for May yet, is May's report sent late.
    late = run(config, early)
    assert lao_rows(late)[0]["period"] == "2555-05" and ("late", "warning") in codes(late)


def test_scores_the_circular_does_not_give_are_marked_as_the_rulings() -> None:
    from pipeline.forms.declared import rules_of
    from pipeline.forms.kpi32_score import Rules, score_ruling

    crit = rules_of(Rules, SCHEMA)
    assert "๖๐" in crit.ruling_below and "ไตรยางศ์" in crit.ruling_between
    assert [score_ruling(x) for x in (50, 60, 62.5, 75, 80, 95)] == [
        "below",
        None,
        "between",
        None,
        None,
        None,
    ]


def test_the_province_table_says_which_scores_are_rulings(config: Path) -> None:
    rows = [report(MEETS, lao=lao["name"], district=lao["district"]) for lao in PHRAE_LAOS[:5]]
    res = run(config, *rows)
    may = province(res, "2555-05")  # 5 of 8 = 62.5%: between 60 and 65
    assert may["score"] == 1.5 and "ไตรยางศ์" in str(may["score_ruling"])
    june = province(res, "2555-06")  # nobody: 0%, below the first level
    assert june["score"] == 1.0 and "ต่ำกว่าร้อยละ ๖๐" in str(june["score_ruling"])


def test_a_month_and_a_number_that_disagree_take_the_month_with_a_warning(config: Path) -> None:
    header = [*HEADER_A[:4], "รายงานครั้งที่", *HEADER_A[4:]]
    row = report(MEETS, month="มิถุนายน 2555", at=datetime(2012, 6, 20, 9))
    res = run(config, [*row[:4], "๑", *row[4:]], header=header)
    assert codes(res) == [("report_no_mismatch", "warning")]
    assert lao_rows(res)[0]["period"] == "2555-06"
    agree = run(config, [*row[:4], "๒", *row[4:]], header=header)
    assert codes(agree) == []


def test_a_sheet_dated_by_the_papers_report_date(config: Path) -> None:
    header = ["วันที่รายงาน", *HEADER_PAPER[1:]]
    res = run(config, paper(EXAMPLE_PAPER, no="๑", at=datetime(2012, 5, 25)), header=header)
    assert res.accepted == 1 and lao_rows(res)[0]["on_time"] == "ตรงเวลา"


def test_its_rules_and_messages_are_checked_when_the_settings_load() -> None:
    from dataclasses import replace

    from pipeline import forms

    def with_rules(**changed: Any) -> Any:
        rules = {**(SCHEMA.extra or {})["rules"], **changed}
        return replace(SCHEMA, extra={**(SCHEMA.extra or {}), "rules": rules})

    with pytest.raises(ConfigError, match="rising") as caught:
        forms.check_schema(with_rules(score_levels=[60, 80, 70]))
    assert "kpi32.yaml: rules" in str(caught.value.where)
    with pytest.raises(ConfigError, match="ruling_below"):
        forms.check_schema(with_rules(ruling_below=""))
    with pytest.raises(ConfigError, match="rule 'budget_min'"):
        forms.check_schema(with_rules(budget_min="ยี่สิบ"))
    texts = {k: v for k, v in (SCHEMA.extra or {})["messages"].items() if k != "percent_mismatch"}
    with pytest.raises(ConfigError, match="percent_mismatch"):
        forms.check_schema(replace(SCHEMA, extra={**(SCHEMA.extra or {}), "messages": texts}))
