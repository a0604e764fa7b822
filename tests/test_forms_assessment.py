"""The assessment form, pure: rows in, scores, statuses and issues out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.calendar import load_calendar
from pipeline.forms.assessment import process
from pipeline.forms.base import FormContext
from pipeline.models import Cell
from pipeline.orgunits import OrgUnits
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings

SCHEMA = load_schema("tambon_assessment")
HEADER: list[Cell] = ["ประทับเวลา", "อำเภอ", "ตำบล", "ครั้งที่"] + [
    f"{i.no}. {i.title}" for i in SCHEMA.indicators
]
TOP = [i.bands[2].label for i in SCHEMA.indicators]  # every indicator at 3: total 69
LOW = [i.bands[0].label for i in SCHEMA.indicators]  # every indicator at 1: total 23


def ctx(settings_file: Path) -> FormContext:
    s = load_settings(settings_file)
    return FormContext(
        s,
        s.sources["tambon_assessment"],
        SCHEMA,
        OrgUnits.for_province("56"),
        load_calendar(s.calendar),
        datetime(2024, 7, 1, tzinfo=ZoneInfo("Asia/Bangkok")),
    )


def row(at: datetime, district: str, tambon: str, rnd: Cell, answers: list[str]) -> list[Cell]:
    return [at, district, tambon, rnd, *answers]


def test_scores_subtotals_and_level(settings_file: Path) -> None:
    mixed = TOP[:10] + LOW[10:]  # 10×3 + 13×1 = 43: moderate
    res = process(
        ctx(settings_file), [HEADER, row(datetime(2023, 11, 20, 9), "อ.เมืองพะเยา", "ต.เวียง", "1", mixed)]
    )
    scores = res.tables[0].records()
    assert len(scores) == 1
    s = scores[0]
    assert (s["tambon_code"], s["district_code"], s["round"]) == ("560101", "5601", 1)
    assert (s["c1"], s["c2"], s["c3"], s["c4"], s["c5"]) == (18, 12, 5, 4, 4)
    assert (s["total_score"], s["level"], s["level_label"]) == (43, 2, "ปานกลาง")
    assert res.statuses[0].status == "valid"
    assert res.issues == []


def test_same_name_tambon_is_resolved_within_its_district(settings_file: Path) -> None:
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 20), "เชียงคำ", "เวียง", 1, TOP),
            row(datetime(2023, 11, 20), "เมืองพะเยา", "เวียง", 1, TOP),
        ],
    )
    assert sorted(r["tambon_code"] for r in res.tables[0].records()) == ["560101", "560307"]


def test_latest_submission_counts_and_earlier_is_superseded(settings_file: Path) -> None:
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 21, 9), "จุน", "ต.ห้วยข้าวก่ำ", "1", LOW),
            row(datetime(2023, 11, 22, 9), "จุน", "ต.ห้วยข้าวก่ำ", "ครั้งที่ ๑", TOP),
        ],
    )
    scores = res.tables[0].records()
    assert [(s["total_score"], s["source_row"]) for s in scores] == [(69, 3)]
    assert [(i.row, i.code, i.severity) for i in res.issues] == [(2, "superseded", "warning")]
    assert res.superseded == 1 and res.accepted == 1


def test_a_rejected_latest_submission_makes_the_tambon_rejected(settings_file: Path) -> None:
    broken = [*TOP[:-1], "ดีมาก"]
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 21), "จุน", "ห้วยข้าวก่ำ", 1, TOP),
            row(datetime(2023, 11, 22), "จุน", "ห้วยข้าวก่ำ", 1, broken),
        ],
    )
    assert res.tables[0].rows == []
    (status,) = res.statuses
    assert status.status == "rejected"
    assert "ตัวชี้วัดที่ ๒๓" in status.errors[0]


def test_late_and_round_from_the_date(settings_file: Path) -> None:
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 27, 10), "ปง", "ออย", None, TOP),  # no round column value: round 1, late
            row(datetime(2024, 6, 21, 23, 59), "ปง", "ออย", None, TOP),  # the last minute of round 2
        ],
    )
    by_round = {r["round"]: r for r in res.tables[0].records()}
    assert by_round[1]["on_time"] == "ล่าช้า"
    assert by_round[2]["on_time"] == "ตรงเวลา"
    assert [(i.row, i.code) for i in res.issues] == [(2, "late")]
    assert "๓ วัน" in res.issues[0].message
    assert {s.period: s.status for s in res.statuses} == {"1": "late", "2": "valid"}


def test_unknown_places_are_listed_not_scored(settings_file: Path) -> None:
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 20), "อ.จุน", "ต.ไม่มีจริง", 1, TOP),
            row(datetime(2023, 11, 20), "อ.จุน", "ต.บ้านต๋อม", 1, TOP),  # a tambon of เมืองพะเยา
            row(datetime(2023, 11, 20), "อ.เมืองน่าน", "ต.ในเวียง", 1, TOP),  # another province
            row(datetime(2023, 11, 20), "", "ต.ลอ", 1, TOP),
        ],
    )
    assert res.tables[0].rows == []
    codes = {(i.row, i.code) for i in res.issues}
    assert {
        (2, "unknown_tambon"),
        (3, "outside_district"),
        (4, "outside_province"),
        (5, "missing_district"),
    } <= codes
    assert res.rejected == 4
    assert all(i.message and "โปรด" in i.message for i in res.issues)


def test_near_miss_is_scored_with_a_warning(settings_file: Path) -> None:
    res = process(ctx(settings_file), [HEADER, row(datetime(2023, 11, 20), "เชียงมวน", "ต.เชียงมวน", 1, TOP)])
    assert res.tables[0].records()[0]["tambon_code"] == "560401"
    assert {i.code for i in res.issues} == {"near_match"}


def test_district_summary_counts(settings_file: Path) -> None:
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 20), "ภูกามยาว", "ห้วยแก้ว", 1, TOP),
            row(datetime(2023, 11, 28), "ภูกามยาว", "ดงเจน", 1, LOW),
        ],
    )
    d = next(r for r in res.tables[1].records() if r["district_code"] == "5609" and r["round"] == 1)
    assert (d["tambons"], d["submitted"], d["on_time"], d["late"], d["missing"]) == (3, 2, 1, 1, 1)
    assert (d["level3"], d["level1"], d["mean_total"]) == (1, 1, 46.0)
    assert d["missing_tambons"] == "แม่อิง"


def test_blank_rows_are_skipped_and_an_empty_sheet_is_fine(settings_file: Path) -> None:
    res = process(ctx(settings_file), [HEADER, [None, "", None], []])
    assert res.rows_read == 0
    assert len(res.tables[1].rows) == 18  # 9 districts × 2 rounds, all missing


def test_the_department_report_comes_once_the_rounds_cutoff_has_passed(settings_file: Path) -> None:
    rows = [
        HEADER,
        row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "เวียง", "1", TOP),
        row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "แม่ต๋ำ", "1", LOW),
        row(datetime(2023, 11, 21, 9), "จุน", "ลอ", "1", TOP[:10] + LOW[10:]),
    ]
    during = ctx(settings_file)
    during.now = datetime(2023, 11, 24, 20, tzinfo=ZoneInfo("Asia/Bangkok"))  # the cut-off day itself
    assert process(during, rows).documents == []

    res = process(ctx(settings_file), rows)  # 1 July 2567: both rounds' cut-offs have passed
    names = [d.filename for d in res.documents]
    assert names == [
        "assessment-phayao-2567-1.html",
        "assessment-phayao-2567-1.pdf",
        "assessment-phayao-2567-2.html",
        "assessment-phayao-2567-2.pdf",
    ]
    html = res.documents[0].data().decode()
    assert "รายงานผลการประเมินการจัดระดับการพัฒนา ศอช.ต. ครั้งที่ ๑" in html
    assert "<td>เมืองพะเยา</td><td>๑๕</td><td>๒</td><td>๑</td><td>๐</td><td>๑</td><td>๑๓</td>" in html
    assert "<td>รวมทั้งจังหวัด</td><td>๖๘</td><td>๓</td><td>๑</td><td>๑</td><td>๑</td><td>๖๕</td>" in html
    assert "<h3>ระดับเข้มแข็ง (๑ ตำบล)</h3>" in html and "อำเภอเมืองพะเยา: เวียง" in html
    assert "อำเภอจุน: ลอ" in html and "อำเภอเมืองพะเยา: แม่ต๋ำ" in html
    assert "กำหนดส่งกรมการพัฒนาชุมชน ๓๐ พฤศจิกายน ๒๕๖๖" in html

    from tests.test_forms_progress import pdf_text

    text = pdf_text(res.documents[1].data())
    assert "รายงานผลการประเมินการจัดระดับการพัฒนาศอช.ต.ครั้งที่๑" in text
    assert "ระดับเข้มแข็ง(๑" in text and "อำเภอเมืองพะเยา:เวียงระดับปานกลาง" in text
    assert "รวมทั้งจังหวัด๖๘" in text


def test_a_row_of_another_province_never_supersedes_a_tambon_here(settings_file: Path) -> None:
    # บ้านใหม่ is one tambon of Phayao (in เมืองพะเยา), and fifteen more elsewhere.
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "บ้านใหม่", 1, TOP),
            row(datetime(2023, 11, 21, 9), "อ.สารภี", "บ้านใหม่", 1, LOW),  # Chiang Mai's, sent later
            row(datetime(2023, 11, 21, 9), "อ.ไม่มีจริง", "บ้านใหม่", 1, LOW),  # no such district
        ],
    )
    assert [(r["tambon_code"], r["total_score"]) for r in res.tables[0].records()] == [("560111", 69)]
    assert {(i.row, i.code) for i in res.issues} == {(3, "outside_province"), (4, "unknown_district")}
    assert all(i.tambon_code == "" for i in res.issues)  # the tambon is not guessed from its name
    assert (res.accepted, res.rejected, res.superseded) == (1, 2, 0)


def test_a_national_sheet_under_one_provinces_settings_scores_exactly_its_tambons(
    settings_file: Path,
) -> None:
    import random

    from pipeline.demo.assessment import generate_country

    grid = generate_country(random.Random(13))
    res = process(ctx(settings_file), grid)
    phayao = {t.code for t in OrgUnits.for_province("56").tambons()}
    scored = res.tables[0].records()
    for rnd in (1, 2):
        assert sorted(s["tambon_code"] for s in scored if s["round"] == rnd) == sorted(phayao)
    assert res.accepted == 2 * len(phayao) and res.superseded == 0
    outside = [i for i in res.issues if i.severity == "error"]
    assert len(outside) == len(grid) - 1 - 2 * len(phayao)  # every other row is one error of its own
    assert {i.code for i in outside} <= {"outside_province", "unknown_district"}
    assert len({i.row for i in outside}) == len(outside)


def test_rows_rejected_for_their_tambon_are_counted_per_district_for_the_progress_check(
    settings_file: Path,
) -> None:
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 20, 9), "จุน", "ต.ห้วยข้าวก่ำ", "1", TOP),
            row(datetime(2023, 11, 20, 10), "จุน", "ต.ไม่มีตำบลนี้", "1", TOP),
            row(datetime(2023, 11, 20, 11), "จุน", "ศอช.ต.ลอ", "1", TOP),  # a slip: read, with a warning
        ],
    )
    assert res.facts[0].unplaced == {("5602", "1"): 1}
    assert len(res.facts[0].by_tambon) == 2


def test_its_thai_messages_come_from_its_schema(settings_file: Path) -> None:
    res = process(
        ctx(settings_file),
        [
            HEADER,
            row(datetime(2023, 11, 21, 9), "จุน", "ห้วยข้าวก่ำ", "1", LOW),
            row(datetime(2023, 11, 22, 9), "จุน", "ห้วยข้าวก่ำ", "1", TOP),
            row(datetime(2023, 11, 27, 10), "ปง", "ออย", 7, TOP),
            row(datetime(2023, 11, 27, 10), "ปง", "ออย", None, TOP),
        ],
    )
    said = {i.code: i.message for i in res.issues}
    assert said["superseded"] == (
        "มีการส่งแบบประเมินของตำบลนี้ครั้งที่ ๑ ซ้ำ — ใช้คำตอบที่ส่งล่าสุด (แถว ๓) แทนแถวนี้ ไม่ต้องแก้ไขหากตั้งใจส่งใหม่"
    )
    assert said["bad_round"] == 'ระบุครั้งที่ประเมิน "7" ไม่ถูกต้อง — ปีงบประมาณนี้มีครั้งที่ ๑ และ ๒ โปรดแก้ไขแล้วส่งใหม่'
    assert "— คะแนนนับตามปกติ แต่ถูกบันทึกว่าส่งล่าช้า" in said["late"]


def test_without_the_pdf_packages_the_html_comes_and_the_issues_tab_says_so(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline import documents

    monkeypatch.setattr(documents, "pdf_support", lambda: "fontpkg-sarabun")
    res = process(ctx(settings_file), [HEADER, row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "เวียง", "1", TOP)])
    assert [d.filename for d in res.documents] == [
        "assessment-phayao-2567-1.html",
        "assessment-phayao-2567-2.html",
    ]
    (said,) = [i for i in res.issues if i.code == "pdf_unavailable"]  # once, for both rounds' reports
    assert "fontpkg-sarabun" in said.message
