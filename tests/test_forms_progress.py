"""The progress assessment: one report per district, checked, cross-checked, rolled up and rendered."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
import yaml
from openpyxl import Workbook, load_workbook

from pipeline import documents, forms
from pipeline.backends.local import LocalBackend
from pipeline.calendar import load_calendar
from pipeline.cli import main
from pipeline.columns import detect
from pipeline.documents import pdf_support
from pipeline.errors import ConfigError
from pipeline.forms.base import FormContext, FormResult
from pipeline.forms.facts import Assessed, CommitteeInfo, Committees
from pipeline.forms.progress import process
from pipeline.forms.progress_rules import Rules, parse_whole
from pipeline.models import Cell, Grid
from pipeline.orgunits import OrgUnits
from pipeline.run import sync
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings
from pipeline.state import State

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Bangkok")
SCHEMA = load_schema("progress_assessment")
RULES = Rules.from_schema(SCHEMA)
KEYS = [f.key for f in SCHEMA.fields]
NOW = datetime(2024, 7, 1, 12, tzinfo=TZ)  # after the demo calendar's cut-off, Friday 21 June 2567
ON_TIME = datetime(2024, 6, 10, 10, 0)
HEADER_A: list[Cell] = [f.titles[0] for f in SCHEMA.fields]  # the province's own Google Form
# Another province's form: short numbered titles, its own order, no e-mail column.
ORDER_B = [*[k for k in KEYS if k not in ("email", "timestamp", "district")][::-1], "district", "timestamp"]
HEADER_B: list[Cell] = [
    {"timestamp": "Timestamp", "district": "ชื่ออำเภอ", "reporter": "ชื่อผู้รายงาน"}.get(
        k, SCHEMA.field(k).titles[1]
    )
    for k in ORDER_B
]


def write_config(folder: Path, sources: dict[str, Any] | None = None) -> Path:
    shutil.copy(ROOT / "config" / "calendar" / "demo-phayao-2567.yaml", folder / "calendar.yaml")
    raw = {
        "province": "พะเยา",
        "fiscal_year": 2567,
        "backend": "local",
        "data_dir": "data",
        "state_db": "state/pipeline.sqlite",
        "calendar": "calendar.yaml",
        "sources": sources
        or {
            "progress_assessment": {
                "schema": "progress_assessment",
                "spreadsheet": "progress",
                "tab": "คำตอบ",
            }
        },
        "output": {"spreadsheet": "summary"},
    }
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("progress"))


def run(config: Path, grid: Grid, *, results: dict[str, FormResult] | None = None) -> FormResult:
    s = load_settings(config)
    src = s.sources["progress_assessment"]
    ctx = FormContext(
        s, src, SCHEMA, OrgUnits.for_province("56"), load_calendar(s.calendar), NOW, results or {}
    )
    return process(ctx, grid)


# A consistent report of อำเภอเชียงม่วน (3 tambons): 3 committees of 15 people, 1 district committee of 12.
GOOD: dict[str, Cell] = {
    **{f"p{i}_tambon_units": 3 for i in (1, 2)},
    **{f"p{i}_tambon_committees": 3 for i in (1, 2)},
    **{f"p{i}_tambon_people": 45 for i in (1, 2)},
    **{f"p{i}_district_{m}": 1 for i in (1, 2) for m in ("units", "committees")},
    **{f"p{i}_district_people": 12 for i in (1, 2)},
    **{f"p{i}_province_{m}": None for i in (1, 2) for m in ("units", "committees", "people")},
    "p3_tambon": 2,
    "p3_district": 1,
    "p3_province": None,
    "p4_tambons": 3,
    "p5_tambons": 3,
    "p6_tambons": 1,
    "p6_activities": 3,
    "problems": "งบประมาณไม่เพียงพอ",
    "suggestions": "ควรจัดอบรมกรรมการ",
    "reporter": "นางสาวอรุณี ปัญญาวงค์",
    "reporter_position": "พัฒนาการอำเภอเชียงม่วน",
}


def report(district: str = "เชียงม่วน", at: datetime = ON_TIME, **changes: Cell) -> list[Cell]:
    values: dict[str, Cell] = {**GOOD, "timestamp": at, "email": "cdd@example.org", "district": district}
    values.update(changes)
    return [values.get(k) for k in KEYS]


def grid(*rows: list[Cell]) -> Grid:
    return [list(HEADER_A), *rows]


def codes(res: FormResult, severity: str | None = None) -> list[str]:
    return [i.code for i in res.issues if severity is None or i.severity == severity]


def table(res: FormResult, name: str) -> list[dict[str, Cell]]:
    return next(t for t in res.tables if t.name == name).records()


# ---------------------------------------------------------------------------
# Pure parts

WHOLE = [
    (12, 12),
    (7.0, 7),
    ("12", 12),
    ("๑๒", 12),
    ("12 ตำบล", 12),
    ("๓ คณะ", 3),
    ("๑ อำเภอ", 1),
    ("45 คน", 45),
    ("1,234", 1234),
    ("ไม่มี", 0),
    (0, 0),
    ("2.5", None),
    ("-3", None),
    ("ครบทุกตำบล", None),
    ("3-4", None),
]


@pytest.mark.parametrize(("raw", "value"), WHOLE)
def test_parse_whole(raw: Cell, value: int | None) -> None:
    got, why = parse_whole(raw)
    assert got == value and bool(why) == (value is None)


def test_the_layout_follows_the_circulars_form() -> None:
    assert [i.number for i in RULES.items] == [1, 2, 3, 4, 5, 6]
    assert [[c.key for c in line] for line in RULES.items[0].counts] == [
        ["p1_tambon_units", "p1_tambon_committees", "p1_tambon_people"],
        ["p1_district_units", "p1_district_committees", "p1_district_people"],
        ["p1_province_units", "p1_province_committees", "p1_province_people"],
    ]
    assert [c.word for c in RULES.items[2].counts[0] + RULES.items[2].counts[1] + RULES.items[2].counts[2]] == [
        "ตำบล", "อำเภอ", "จังหวัด",
    ]  # fmt: skip
    assert [c.word for c in RULES.items[5].counts[0]] == ["ตำบล", "กิจกรรม"]
    assert RULES.items[5].text == (  # the circular's words, with its "คอช." spelt ศอช.
        "มีการส่งเสริมให้ศูนย์ประสานงานองค์การชุมชนระดับตำบล (ศอช.ต.) เป็นกลไกในการขับเคลื่อนโครงการตำบลเข้มแข็ง"
        "ตามหลักปรัชญาของเศรษฐกิจพอเพียง และผลักดันให้อยู่ในแผนพัฒนาตำบล"
    )
    assert len(RULES.counts) == 25  # 9 + 9 + 3 + 1 + 1 + 2 blanks on the printed form
    headers = [c.header for c in RULES.counts]
    assert len(set(headers)) == 25 and headers[:3] == ["(๑) ตำบล", "(๑) คณะ (ตำบล)", "(๑) คน (ตำบล)"]


# ---------------------------------------------------------------------------
# Column detection


def test_columns_of_the_form_built_from_the_circular() -> None:
    cmap = detect(HEADER_A, SCHEMA)
    assert cmap.index == {k: i for i, k in enumerate(KEYS)}


def test_columns_of_a_differently_titled_form() -> None:
    cmap = detect(HEADER_B, SCHEMA)
    assert cmap.index == {k: i for i, k in enumerate(ORDER_B)}


def test_a_differently_titled_form_is_read_the_same(config: Path) -> None:
    row = report()
    b_row = [row[KEYS.index(k)] for k in ORDER_B]
    a, b = run(config, grid(row)), run(config, [list(HEADER_B), b_row])
    strip = {"source_row"}
    assert [{k: v for k, v in r.items() if k not in strip} for r in table(a, "progress")] == [
        {k: v for k, v in r.items() if k not in strip} for r in table(b, "progress")
    ]


# ---------------------------------------------------------------------------
# Rules, one at a time


def test_a_consistent_report(config: Path) -> None:
    res = run(config, grid(report()))
    assert codes(res) == []
    r = table(res, "progress")[0]
    assert (r["district_code"], r["status"], r["on_time"], r["p1_tambon_people"], r["p1_province_units"]) == (
        "5604", "ถูกต้อง", "ตรงเวลา", 45, 0,
    )  # fmt: skip
    assert (r["reporter"], r["problems"], r["flags"]) == ("นางสาวอรุณี ปัญญาวงค์", "งบประมาณไม่เพียงพอ", "")
    assert [(s.unit_code, s.status, s.period) for s in res.statuses] == [("5604", "valid", "")]


@pytest.mark.parametrize(
    ("value", "stored"), [("๓", 3), ("3 ตำบล", 3), (3.0, 3), ("-", 0), ("ไม่มี", 0), ("\u200b๐", 0)]
)
def test_counts_in_the_ways_districts_write_them(config: Path, value: Cell, stored: int) -> None:
    res = run(config, grid(report(p4_tambons=value)))
    assert [c for c in codes(res) if c != "committees_units"] == []
    assert table(res, "progress")[0]["p4_tambons"] == stored


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "missing_count"),
        ("", "missing_count"),
        ("ครบทุกตำบล", "bad_count"),
        ("-1", "bad_count"),
        ("2.5", "bad_count"),
    ],
)
def test_counts_are_whole_numbers_and_never_missing(config: Path, value: Cell, code: str) -> None:
    res = run(config, grid(report(p4_tambons=value)))
    assert codes(res) == [code]
    issue = res.issues[0]
    assert (
        issue.severity == "error"
        and "ข้อ (๔)" in issue.message
        and issue.field == HEADER_A[KEYS.index("p4_tambons")]
    )
    assert table(res, "progress")[0]["status"] == "ต้องแก้ไข"
    assert [s.status for s in res.statuses] == ["rejected"]


def test_a_blank_province_figure_is_zero(config: Path) -> None:
    res = run(config, grid(report(p3_province=None, p1_province_people="")))
    assert codes(res) == []
    r = table(res, "progress")[0]
    assert (r["p3_province"], r["p1_province_people"]) == (0, 0)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"p4_tambons": 4}, "อำเภอเชียงม่วนมี ๓ ตำบล"),
        ({"p5_tambons": "๕"}, "อำเภอเชียงม่วนมี ๓ ตำบล"),
        ({"p1_tambon_units": 4, "p1_tambon_committees": 4, "p1_tambon_people": 60}, "มี ๓ ตำบล"),
        ({"p3_district": 2}, "อำเภอหนึ่งรายงานอำเภอได้ไม่เกิน ๑ แห่ง"),
        ({"p2_province_units": 2, "p2_province_committees": 2, "p2_province_people": 30}, "จังหวัดได้ไม่เกิน ๑"),
    ],
)
def test_counts_never_exceed_the_district(config: Path, changes: dict[str, Cell], fragment: str) -> None:
    res = run(config, grid(report("เชียงม่วน", ON_TIME, **changes)))
    assert codes(res, "error") == ["count_above_units"]
    assert fragment in res.issues[0].message


def test_committees_should_equal_units(config: Path) -> None:
    res = run(config, grid(report(p2_tambon_committees=2, p2_tambon_people=30)))
    assert codes(res) == ["committees_units"]
    assert res.issues[0].severity == "warning" and "๓ ตำบล" in res.issues[0].message


@pytest.mark.parametrize(
    ("people", "warned"), [(26, True), (27, False), (45, False), (75, False), (76, True)]
)
def test_people_fit_nine_to_twenty_five_per_committee(config: Path, people: int, warned: bool) -> None:
    res = run(config, grid(report(p1_tambon_people=people)))
    assert codes(res) == (["people_range"] if warned else [])
    if warned:
        assert "ระหว่าง ๒๗ ถึง ๗๕ คน" in res.issues[0].message
        assert table(res, "progress")[0]["status"] == "ถูกต้อง"  # a warning: the report still counts


def test_promoted_tambons_and_activities_go_together(config: Path) -> None:
    assert codes(run(config, grid(report(p6_tambons=0, p6_activities=4)))) == ["activities_units"]
    assert codes(run(config, grid(report(p6_tambons=0, p6_activities=0)))) == []


def test_a_missing_reporter_is_a_warning(config: Path) -> None:
    assert codes(run(config, grid(report(reporter=None)))) == ["missing_reporter"]


def test_the_latest_report_per_district_counts(config: Path) -> None:
    first = report(p4_tambons="ครบทุกตำบล")
    again = report(at=ON_TIME + timedelta(days=1), p6_activities=5)
    res = run(config, grid(first, again))
    assert codes(res) == ["superseded"]  # the first report's error no longer matters
    assert res.issues[0].row == 2 and "แถว ๓" in res.issues[0].message
    rows = table(res, "progress")
    assert len(rows) == 1 and rows[0]["p6_activities"] == 5 and rows[0]["source_row"] == 3
    assert (res.accepted, res.rejected, res.superseded) == (1, 0, 1)


def test_a_late_report_counts_and_is_marked(config: Path) -> None:
    res = run(config, grid(report(at=datetime(2024, 6, 25, 9))))
    assert codes(res) == ["late"] and "๔ วัน" in res.issues[0].message
    assert table(res, "progress")[0]["on_time"] == "ล่าช้า"
    assert [s.status for s in res.statuses] == ["late"]
    assert table(res, "progress")[0]["flags"] == "ส่งล่าช้า"


def test_a_late_reports_warning_shows_the_stamp_as_typed_and_its_flag_comes_before_the_cross_checks(
    config: Path,
) -> None:
    res = run(
        config,
        grid(report(at="25/6/2567 9:00:00", p5_tambons=3)),  # type: ignore[arg-type]
        results={"tambon_assessment": assessments(3, 2)},
    )
    late = next(i for i in res.issues if i.code == "late")
    assert late.value == "25/6/2567 9:00:00"
    assert table(res, "progress")[0]["flags"] == "ส่งล่าช้า; ข้อ (๕) ไม่ตรงกับแบบประเมินที่ได้รับ"


def assessments(round1: int, round2: int, district: str = "5604") -> FormResult:
    tambons = [t.code for t in OrgUnits.for_province("56").tambons(district)]
    done = {(t, "1"): True for t in tambons[:round1]} | {
        (t, "2"): i > 0 for i, t in enumerate(tambons[:round2])
    }
    return FormResult(form="tambon_assessment", facts=[Assessed("tambon_assessment", done)])


def test_item_5_against_the_assessments_received(config: Path) -> None:
    # The latest round due by the progress cut-off (21 June 2567) is round 2, due the same day.
    same = run(config, grid(report(p5_tambons=2)), results={"tambon_assessment": assessments(3, 2)})
    assert codes(same) == []
    res = run(config, grid(report(p5_tambons=3)), results={"tambon_assessment": assessments(3, 2)})
    assert codes(res) == ["assessed_mismatch"]
    message = res.issues[0].message
    assert "๓ ตำบล" in message and "ครั้งที่ ๒" in message and "๒ ตำบล (ถูกต้อง ๑ ตำบล)" in message
    assert res.issues[0].severity == "warning"


def test_item_5_without_assessments_is_not_checked(config: Path) -> None:
    assert codes(run(config, grid(report(p5_tambons=3)))) == []


def test_item_1_against_the_committee_registry(config: Path) -> None:
    org = OrgUnits.for_province("56")
    infos = {
        ("tambon", t.code): CommitteeInfo("tambon", t.code, "5604", 15, True) for t in org.tambons("5604")
    }
    infos[("district", "5604")] = CommitteeInfo("district", "5604", "5604", 12, True)
    registry = FormResult(form="committee_registry", facts=[Committees("committee_registry", infos)])
    assert codes(run(config, grid(report()), results={"committee_registry": registry})) == []
    res = run(config, grid(report(p1_tambon_people=44)), results={"committee_registry": registry})
    assert codes(res) == ["registry_mismatch"]
    assert "๔๔" in res.issues[0].message and "๔๕ คน" in res.issues[0].message


def test_statuses_per_district(config: Path) -> None:
    res = run(
        config,
        grid(
            report(),
            report("ภูกามยาว", p4_tambons=5, p1_tambon_units=3),
            report("ปง", at=datetime(2024, 6, 24)),
        ),
    )
    assert {s.unit_code: s.status for s in res.statuses} == {
        "5604": "valid",
        "5609": "rejected",
        "5606": "late",
    }


# ---------------------------------------------------------------------------
# The province roll-up and its documents


def province_rows(res: FormResult) -> dict[tuple[int, str], dict[str, Cell]]:
    return {(int(str(r["item"])), str(r["level"])): r for r in table(res, "progress_province")}


def test_the_province_sums_the_districts(config: Path) -> None:
    rows = [
        report("เชียงม่วน"),
        report(
            "ภูกามยาว", p1_province_units=1, p1_province_committees=1, p1_province_people=20, p6_activities=5
        ),
        report("ปง", p1_province_units=1, p1_province_committees=1, p1_province_people=20, p4_tambons=7),
        report("จุน", p4_tambons=99),  # rejected: not summed
    ]
    res = run(config, grid(*rows))
    got = province_rows(res)
    line = got[(1, "ตำบล")]
    assert (line["units"], line["unit_word"], line["committees"], line["people"], line["districts"]) == (
        9, "ตำบล", 9, 135, 3,
    )  # fmt: skip
    province = got[(1, "จังหวัด")]
    assert (province["units"], province["committees"], province["people"]) == (
        1,
        1,
        20,
    )  # the same one, not 2
    assert got[(4, "ตำบล")]["units"] == 13
    assert (got[(6, "ตำบล")]["units"], got[(6, "ตำบล")]["activities"]) == (3, 11)
    assert len(got) == 12


def test_the_province_document_in_html(config: Path) -> None:
    rows = [report("เชียงม่วน"), report("ภูกามยาว", p6_activities=5), report("จุน", p4_tambons=99)]
    res = run(config, grid(*rows))
    docs = {d.filename: d.data() for d in res.documents}
    assert set(docs) >= {"progress-phayao-2567.html"}
    html = docs["progress-phayao-2567.html"].decode("utf-8")
    assert "แบบประเมินผลความก้าวหน้าในการดำเนินงานศูนย์ประสานงานองค์การชุมชน (ศอช.)" in html
    assert "จังหวัดพะเยา ประจำปีงบประมาณ พ.ศ. ๒๕๖๗" in html
    for item in RULES.items:
        assert f"({'๐๑๒๓๔๕๖๗๘๙'[item.number]}) {item.text}" in html
    filled = re.findall(r'จำนวน <span class="fill">([๐-๙]+)</span> ([^<\s]+)', html)
    assert filled[:3] == [("๖", "ตำบล"), ("๖", "คณะ"), ("๙๐", "คน")]  # item (1), two districts summed
    assert ("๘", "กิจกรรม") in filled and len(filled) == 25
    assert "อำเภอเชียงม่วน: งบประมาณไม่เพียงพอ" in html
    assert "ยังไม่ส่ง" in html and "ต้องแก้ไข ไม่นำมารวม: จุน" in html


def pdf_text(content: bytes) -> str:
    """The text of a PDF without layout: HarfBuzz's glyphs for ำ come out with a control character."""
    reader = pypdf.PdfReader(BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zs") and ch != " ")


@pytest.mark.skipif(bool(pdf_support()), reason="the PDF needs fontpkg-sarabun and uharfbuzz")
def test_the_province_document_in_pdf(config: Path) -> None:
    res = run(config, grid(report("เชียงม่วน"), report("ภูกามยาว", p6_activities=5)))
    pdf = next(d for d in res.documents if d.filename == "progress-phayao-2567.pdf").data()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "แบบประเมินผลความก้าวหน้าในการดำเนินงานศูนย์ประสานงานองค์การชุมชน(ศอช.)" in text
    assert "จังหวัดพะเยาประจำปีงบประมาณพ.ศ.๒๕๖๗" in text
    assert "จำนวน๖ตำบลจำนวน๖คณะจำนวน๙๐คน" in text
    assert "จำนวน๒อำเภอจำนวน๒คณะจำนวน๒๔คน" in text
    assert "จำนวน๒ตำบลจำนวน๘กิจกรรม" in text
    assert "(๕)มีการประเมินผลการจัดระดับการพัฒนาศูนย์ประสานงานองค์การชุมชนระดับตำบล(ศอช.ต.)" in text
    assert "อำเภอเชียงม่วน:งบประมาณไม่เพียงพอ" in text
    assert "ผู้รายงาน(ลงชื่อ)" in text


def test_without_the_pdf_packages_the_html_still_comes(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "pdf_support", lambda: "fontpkg-sarabun")
    res = run(config, grid(report()))
    assert [d.filename for d in res.documents] == ["progress-phayao-2567.html"]
    assert codes(res) == ["pdf_unavailable"] and "fontpkg-sarabun" in res.issues[0].message


def test_no_report_no_document(config: Path) -> None:
    res = run(config, grid())
    assert res.documents == [] and table(res, "progress_province") == []


# ---------------------------------------------------------------------------
# End to end: a sync on local workbooks, with the assessments it is checked against


def write_sheet(path: Path, tab: str, rows: Grid) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = tab
    for r in rows:
        ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def test_sync_publishes_the_progress_tabs_documents_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = {
        "tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "assessment", "tab": "คำตอบ"},
        "progress_assessment": {"schema": "progress_assessment", "spreadsheet": "progress", "tab": "คำตอบ"},
    }
    config = write_config(tmp_path, sources)
    assessment = load_schema("tambon_assessment")
    answers = [i.bands[1].label for i in assessment.indicators]
    header: list[Cell] = [
        "ประทับเวลา",
        "อำเภอ",
        "ตำบล",
        "ครั้งที่",
        *[f"{i.no}. {i.title}" for i in assessment.indicators],
    ]
    sent: Grid = [
        [datetime(2024, 6, 5, 9, m), "เชียงม่วน", t, 2, *answers] for m, t in enumerate(["เชียงม่วน", "บ้านมาง"])
    ]
    write_sheet(tmp_path / "data" / "assessment.xlsx", "คำตอบ", [header, *sent])
    write_sheet(
        tmp_path / "data" / "progress.xlsx", "คำตอบ", grid(report(p5_tambons=3), report("ปง", p4_tambons=9))
    )
    settings = load_settings(config)
    with State(settings.state_db) as state:
        summary = sync(settings, LocalBackend(settings.data_dir), state, now=NOW)
        statuses = state.statuses(form="progress_assessment")
    assert summary["status"] == "ok"
    assert {s.unit_code: s.status for s in statuses} == {"5604": "valid", "5606": "rejected"}
    reports = tmp_path / "data" / "reports"
    assert (reports / "progress-phayao-2567.html").exists()
    expected = ["progress-phayao-2567.html"] + ([] if pdf_support() else ["progress-phayao-2567.pdf"])
    assert sorted(p.name for p in reports.iterdir() if p.name.startswith("progress")) == expected
    assert (
        sorted(Path(p).name for p in summary["documents"] if Path(p).name.startswith("progress")) == expected
    )

    wb = load_workbook(tmp_path / "data" / "summary.xlsx", read_only=True)
    try:
        districts = list(wb["ความก้าวหน้ารายอำเภอ"].iter_rows(values_only=True))
        province = list(wb["ความก้าวหน้าระดับจังหวัด"].iter_rows(values_only=True))
        issues = list(wb["รายการที่ต้องตรวจสอบ"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert districts[0][:5] == ("รหัสอำเภอ", "อำเภอ", "วันเวลาที่ส่ง", "ส่งตามกำหนด", "ผลการตรวจ")
    assert [(r[0], r[4]) for r in districts[1:]] == [("5604", "ถูกต้อง"), ("5606", "ต้องแก้ไข")]
    assert province[0][:5] == ("รอบ", "ข้อ", "ระดับ", "รายการ", "จำนวน")
    assert province[1][1:6] == (1, "ตำบล", "ฐานข้อมูลคณะกรรมการ", 3, "ตำบล")  # only the report without errors
    mismatch = next(r for r in issues if r[-1] == "assessed_mismatch")
    assert "๓ ตำบล" in mismatch[6] and "จากอำเภอนี้ ๒ ตำบล" in mismatch[6]

    capsys.readouterr()
    assert main(["export", "progress_province", "--format", "json", "--config", str(config)]) == 0
    records: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    assert [(r["item"], r["level"], r["units"]) for r in records][:3] == [
        (1, "ตำบล", 3),
        (1, "อำเภอ", 1),
        (1, "จังหวัด", 0),
    ]
    assert main(["export", "progress", "--format", "json", "--config", str(config)]) == 0
    by_district = {r["district_code"]: r for r in json.loads(capsys.readouterr().out)}
    assert by_district["5604"]["p5_tambons"] == 3 and by_district["5606"]["status"] == "ต้องแก้ไข"


# The circular's own page (seed 000, last pages), typed into a Google Form item by item:
# each item a grid "(๑) …ทุกระดับ [ระดับตำบล จำนวนคน]", the circular's spelling คอช.
PAPER_ITEMS = {
    1: "(๑) มีการจัดทำ/ปรับปรุงฐานข้อมูลคณะกรรมการศูนย์ประสานงานองค์การชุมชน (คอช.) ทุกระดับ",
    2: "(๒) มีการทบทวนคำสั่งแต่งตั้งคณะกรรมการศูนย์ประสานงานองค์การชุมชน (คอช.) ทุกระดับ",
    3: "(๓) มีการจัดประชุมคณะกรรมการศูนย์ประสานงานองค์การชุมชน (คอช.) แต่ละระดับ อย่างน้อย ๒ ครั้ง/ปี",
    4: "(๔) มีการจัดทำ/ทบทวนคำสั่งแต่งตั้งคณะกรรมการบริหารงานตำบลแบบบูรณาการ (ก.บ.ต.)",
    5: "(๕) มีการประเมินผลการจัดระดับการพัฒนาศูนย์ประสานงานองค์การชุมชนระดับตำบล (คอช.ต.)",
    6: "(๖) มีการส่งเสริมให้ศูนย์ประสานงานองค์การชุมชนระดับตำบล (คอช.ต.) เป็นกลไกในการขับเคลื่อน"
    "โครงการตำบลเข้มแข็งตามหลักปรัชญาของเศรษฐกิจพอเพียง และผลักดันให้อยู่ในแผนพัฒนาตำบล",
}
LEVEL_TH = {"tambon": "ตำบล", "district": "อำเภอ", "province": "จังหวัด"}


def paper_title(key: str) -> str:
    count = next(c for c in RULES.counts if c.key == key)
    row = f"จำนวน{count.word}"
    if count.measure in ("committees", "people"):
        row = f"ระดับ{LEVEL_TH[count.level]} {row}"
    return f"{PAPER_ITEMS[count.item]} [{row}]"


def paper_header() -> list[Cell]:
    identity = {
        "timestamp": "ประทับเวลา",
        "email": "ที่อยู่อีเมล",
        "district": "อำเภอ",
        "problems": "๒. ปัญหาและอุปสรรคในการดำเนินงาน",
        "suggestions": "๓. ข้อเสนอแนะเพื่อพัฒนาและปรับปรุงงานศูนย์ประสานงานองค์การชุมชน (คอช.)",
        "reporter": "ผู้รายงาน (ลงชื่อ)",
        "reporter_position": "ตำแหน่ง",
    }
    return [identity.get(k) or paper_title(k) for k in KEYS]


def test_paper_layout_grids_are_read_without_a_column_map(config: Path) -> None:
    header = paper_header()
    cmap = detect(header, SCHEMA)
    assert all(cmap.index[k] == i for i, k in enumerate(KEYS)), {k: cmap.header(k) for k in KEYS}
    assert cmap.how("p1_tambon_people") is not None and cmap.how("p1_tambon_people").how == "parts"  # type: ignore[union-attr]
    result = run(config, [header, report()])
    assert result.accepted == 1 and not [i for i in result.issues if i.severity == "error"]


def test_paper_layout_columns_in_another_order(config: Path) -> None:
    header = paper_header()
    order = list(range(len(header)))[::-1]
    cmap = detect([header[i] for i in order], SCHEMA)
    for new, old in enumerate(order):
        assert cmap.index[KEYS[old]] == new, KEYS[old]


def test_a_grid_whose_units_column_says_tambon_on_every_row(config: Path) -> None:
    # Rows ระดับตำบล / ระดับอำเภอ / ระดับจังหวัด, columns จำนวนตำบล / จำนวนคณะ / จำนวนคน, as the
    # province drew one grid for all levels: the district row's first column is still "จำนวนตำบล".
    def title(key: str) -> str:
        count = next(c for c in RULES.counts if c.key == key)
        word = {"units": "จำนวนตำบล", "committees": "จำนวนคณะ", "people": "จำนวนคน"}.get(count.measure)
        if count.item in (1, 2):
            return f"{PAPER_ITEMS[count.item]} [ระดับ{LEVEL_TH[count.level]} {word}]"
        return paper_title(key)

    header = [paper_header()[i] if not k.startswith(("p1_", "p2_")) else title(k) for i, k in enumerate(KEYS)]
    cmap = detect(header, SCHEMA)
    assert all(cmap.index[k] == i for i, k in enumerate(KEYS)), {k: cmap.header(k) for k in KEYS}
    assert cmap.header("p1_district_units").endswith("[ระดับอำเภอ จำนวนตำบล]")


def test_rows_rejected_for_their_tambon_elsewhere_are_not_a_second_mismatch(config: Path) -> None:
    # The registry rejected one member of a tambon committee for an unreadable tambon (14 + 1),
    # and one assessment of round 2 for the same reason: the district's own figures still agree.
    org = OrgUnits.for_province("56")
    tambons = org.tambons("5604")
    infos = {("tambon", t.code): CommitteeInfo("tambon", t.code, "5604", 15, True) for t in tambons[1:]}
    infos[("tambon", tambons[0].code)] = CommitteeInfo("tambon", tambons[0].code, "5604", 14, False, unread=1)
    infos[("district", "5604")] = CommitteeInfo("district", "5604", "5604", 12, True)
    registry = FormResult(form="committee_registry", facts=[Committees("committee_registry", infos)])
    assessed = assessments(3, 2)
    assessed.facts = [dataclasses.replace(assessed.facts[0], unplaced={("5604", "2"): 1})]
    results = {"committee_registry": registry, "tambon_assessment": assessed}
    assert codes(run(config, grid(report(p5_tambons=3)), results=results)) == []
    res = run(config, grid(report(p5_tambons=3, p1_tambon_people=46)), results=results)
    assert codes(res) == ["registry_mismatch"]  # one more than even the rejected row explains


def test_its_messages_and_tables_are_checked_when_the_settings_load() -> None:
    extra = dict(SCHEMA.extra or {})
    texts = dict(extra["messages"])
    del texts["people_range"]
    with pytest.raises(ConfigError, match="people_range") as caught:
        forms.check_schema(dataclasses.replace(SCHEMA, extra={**extra, "messages": texts}))
    assert "progress_assessment.yaml" in str(caught.value.where)
    tables = {**extra["tables"], "progress_province": {"title": "x", "columns": [["item", "ข้อ", "กว้าง"]]}}
    with pytest.raises(ConfigError, match="column 1"):
        forms.check_schema(dataclasses.replace(SCHEMA, extra={**extra, "tables": tables}))
    rules = extra["rules"]
    with pytest.raises(ConfigError, match="committee_size"):
        forms.check_schema(
            dataclasses.replace(
                SCHEMA, extra={**extra, "rules": {k: v for k, v in rules.items() if k != "committee_size"}}
            )
        )


BAD_RULES: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str, str]] = {
    "sizes that do not rise": (
        lambda r: {**r, "committee_size": {"min": 25, "max": 9}},
        "rules.committee_size",
        "min 25 and max 9",
    ),
    "a line of no known level": (
        lambda r: {
            **r,
            "items": [{**r["items"][0], "lines": [{"level": "village", "units": "p1_tambon_units"}]}],
        },
        "rules.items",
        "level 'village'",
    ),
    "an item naming no field": (
        lambda r: {**r, "items": [{**r["items"][0], "lines": [{"level": "tambon", "units": "p1_nowhere"}]}]},
        "rules.items",
        "p1_nowhere",
    ),
    "a document heading missing": (
        lambda r: {**r, "document": {k: v for k, v in r["document"].items() if k != "problems"}},
        "rules.document",
        "not a Headings",
    ),
    "a cross-check of no known level": (
        lambda r: {
            **r,
            "cross_checks": {**r["cross_checks"], "registry": {"village": {"units": "x", "people": "y"}}},
        },
        "rules.cross_checks",
        "not a CrossChecks",
    ),
}


@pytest.mark.parametrize("case", list(BAD_RULES))
def test_bad_rules_name_the_file_the_key_and_what_is_wrong(case: str) -> None:
    change, key, said = BAD_RULES[case]
    extra = dict(SCHEMA.extra or {})
    with pytest.raises(ConfigError, match=said) as caught:
        forms.check_schema(
            dataclasses.replace(SCHEMA, extra={**extra, "rules": change(dict(extra["rules"]))})
        )
    assert f"progress_assessment.yaml: {key}" in str(caught.value.where)
