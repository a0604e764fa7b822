"""The summary workbook as an officer reads and prints it: the demo province synced, read with openpyxl."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from pipeline.backends.local import LocalBackend
from pipeline.demo import write_demo
from pipeline.run import sync
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_settings

NOW = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
BE_DATE = re.compile(r"^\d{1,2} [ก-๙]+\.[ก-๙]+\. 25\d\d$")
BE_DATETIME = re.compile(r"^\d{1,2} [ก-๙]+\.[ก-๙]+\. 25\d\d \d\d:\d\d$")
# The assessment alone: a sync of one form is enough where the other forms add nothing to check.
ONE_FORM = {
    "tambon_assessment": {
        "schema": "tambon_assessment",
        "spreadsheet": "demo-assessment-responses",
        "tab": "การตอบแบบฟอร์ม 1",
    }
}
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{3,} [a-z]{3,}")


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("summary")
    settings = load_settings(write_settings(folder))
    write_demo(settings)
    with State(settings.state_db) as st:
        summary = sync(settings, LocalBackend(settings.data_dir), st, now=NOW)
    return settings.data_dir / f"{settings.output_spreadsheet}.xlsx", summary


@pytest.fixture(scope="module")
def wb(synced: tuple[Path, dict[str, Any]]) -> Workbook:
    return load_workbook(synced[0])


def header(ws: Any) -> list[str]:
    return [c.value for c in ws[1]]


def column(ws: Any, title: str) -> list[Any]:
    i = header(ws).index(title) + 1
    return [ws.cell(r, i).value for r in range(2, ws.max_row + 1)]


def test_the_overview_comes_first_with_two_native_charts(
    synced: tuple[Path, dict[str, Any]], wb: Workbook
) -> None:
    assert wb.sheetnames[0] == "ภาพรวม"
    cells = [str(c.value) for row in wb["ภาพรวม"].iter_rows() for c in row if c.value is not None]
    assert "การซิงก์ล่าสุด" in cells
    assert "1 ก.ค. 2567 12:00" in cells  # the sync's time, in BE
    assert any(c.startswith("ความครบถ้วนรายอำเภอ") for c in cells)
    assert any(c.startswith("ผลการประเมินระดับการพัฒนา ศอช.ต. ครั้งที่ 2") for c in cells)
    assert any(c.startswith("ตำบลที่ระดับเปลี่ยนจากครั้งที่ 1 เป็นครั้งที่ 2") for c in cells)
    assert {"▲ สูงขึ้น", "▼ ลดลง"} <= set(cells)
    # every cut-off due by 1 July 2567 and the next one
    assert any("กำหนดส่งครั้งถัดไป" in c for c in cells)
    with zipfile.ZipFile(synced[0]) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        xml = [z.read(n).decode() for n in charts]
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert "drawing" in rels  # the charts sit on the overview tab
    assert all("<c:barChart>" in x and '<c:grouping val="stacked"/>' in x for x in xml)
    assert any("ระดับการพัฒนา ศอช.ต. รายอำเภอ" in x for x in xml)
    assert any("ความครบถ้วนรายอำเภอ" in x for x in xml)


def test_every_tab_prints_a4_landscape_one_page_wide_with_title_and_sync_date(wb: Workbook) -> None:
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth="1" is the file format's default, which writers leave out
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.title in ws.oddHeader.left.text
        assert ws.oddHeader.right.text == "ข้อมูล ณ 1 ก.ค. 2567 12:00"
        assert ws.protection.sheet and not ws.protection.password, ws.title  # a warning, no password
        if ws.title != "ภาพรวม":
            assert ws.print_title_rows == "$1:$1", ws.title  # the header row on every page
            assert ws.freeze_panes == "A2"


def test_long_text_wraps_with_row_heights_that_show_it(wb: Workbook) -> None:
    ws = wb["รายการที่ต้องตรวจสอบ"]
    i = header(ws).index("รายละเอียดและวิธีแก้ไข") + 1
    width = ws.column_dimensions[ws.cell(1, i).column_letter].width
    assert 40 <= width <= 60
    long_rows = [r for r in range(2, ws.max_row + 1) if len(str(ws.cell(r, i).value)) > width * 1.3]
    assert len(long_rows) > 40  # the demo's messages are mostly longer than a line
    for r in long_rows:
        assert ws.cell(r, i).alignment.wrap_text
        assert (ws.row_dimensions[r].height or 0) >= 30
    progress = wb["ความก้าวหน้ารายอำเภอ"]
    j = header(progress).index("ปัญหาและอุปสรรค") + 1
    assert progress.cell(2, j).alignment.wrap_text


def test_officers_read_dates_in_buddhist_era(wb: Workbook) -> None:
    sent = [v for v in column(wb["คะแนนรายตำบล"], "วันเวลาที่ส่ง") if v]
    assert sent and all(isinstance(v, str) and BE_DATETIME.match(v) for v in sent)
    due = column(wb["สรุปรายอำเภอ"], "กำหนดส่ง")
    assert "24 พ.ย. 2566" in due and all(BE_DATE.match(v) for v in due if v)
    started = column(wb["บันทึกการทำงาน"], "เริ่ม")
    assert started[0] == "1 ก.ค. 2567 12:00"
    for ws in wb.worksheets:  # no Christian-Era date anywhere an officer reads
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and re.search(r"\b20\d\d-\d\d-\d\d\b", v)), (ws.title, v)
                assert not isinstance(v, datetime), (ws.title, v)


def test_issues_are_wholly_thai_and_keep_the_code_last_for_filtering(wb: Workbook) -> None:
    ws = wb["รายการที่ต้องตรวจสอบ"]
    assert header(ws)[:2] == ["ระดับ", "ประเภทปัญหา"]
    assert header(ws)[-1] == "รหัสปัญหา (สำหรับกรอง)"
    forms = set(column(ws, "แบบรายงาน"))
    assert "การประเมินผลการจัดระดับการพัฒนา ศอช.ต." in forms
    assert not any(re.fullmatch(r"[a-z_0-9]+", str(f)) for f in forms)  # no tambon_assessment, kpi32
    kinds = column(ws, "ประเภทปัญหา")
    assert "ส่งล่าช้า" in kinds and "คำตอบตรงช่วงที่เกณฑ์กำกวม" in kinds
    assert "ปัญหาอื่น" not in kinds  # every code the demo raises has its Thai name
    assert {"late", "ambiguous_band"} <= set(column(ws, "รหัสปัญหา (สำหรับกรอง)"))
    for message in column(ws, "รายละเอียดและวิธีแก้ไข"):
        assert not ENGLISH_PHRASE.search(message), message


def test_district_summary_has_a_province_total_and_level_colours_on_labels(wb: Workbook) -> None:
    ws = wb["สรุปรายอำเภอ"]
    names = column(ws, "อำเภอ")
    assert names.count("รวมทั้งจังหวัด") == 2  # one per round
    first_total = names.index("รวมทั้งจังหวัด")
    tambons = column(ws, "จำนวนตำบล")
    assert tambons[first_total] == sum(tambons[:first_total]) == 68
    assert ws.cell(first_total + 2, 1).font.b
    scores = wb["คะแนนรายตำบล"]
    level = header(scores).index("ระดับ") + 1
    for r in range(2, scores.max_row + 1):
        colour = scores.cell(r, level).fill.fgColor.rgb
        assert scores.cell(r, level + 1).fill.fgColor.rgb == colour  # the label beside it too
        assert colour.endswith({1: "F8CBAD", 2: "FFE699", 3: "C6EFCE"}[scores.cell(r, level).value])


def test_export_keeps_iso_dates(
    synced: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli import main

    config = synced[0].parent.parent / "pipeline.yaml"
    assert main(["export", "scores", "--format", "csv", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert re.search(r",20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d,", out)
    assert main(["export", "issues", "--format", "csv", "--config", str(config)]) == 0
    assert ",tambon_assessment," in capsys.readouterr().out  # the English codes stay in export


def test_thai_digits_in_dates_when_the_settings_say_so(tmp_path: Path) -> None:
    cfg = write_settings(tmp_path, output={"spreadsheet": "summary", "thai_digits": True}, sources=ONE_FORM)
    settings = load_settings(cfg)
    write_demo(settings)
    with State(settings.state_db) as st:
        sync(settings, LocalBackend(settings.data_dir), st, now=NOW)
    ws = load_workbook(settings.data_dir / "summary.xlsx")["สรุปรายอำเภอ"]
    assert "๒๔ พ.ย. ๒๕๖๖" in column(ws, "กำหนดส่ง")
    assert ws.oddHeader.right.text == "ข้อมูล ณ ๑ ก.ค. ๒๕๖๗ ๑๒:๐๐"


def test_a_thai_digits_setting_that_is_not_a_yes_or_no_is_a_settings_error(tmp_path: Path) -> None:
    from pipeline.errors import ConfigError

    cfg = write_settings(tmp_path, output={"spreadsheet": "summary", "thai_digits": "บางที"})
    with pytest.raises(ConfigError, match=r"output\.thai_digits"):
        load_settings(cfg)


def test_a_sync_keeps_an_officers_tab_and_says_so(tmp_path: Path) -> None:
    settings = load_settings(write_settings(tmp_path, sources=ONE_FORM))
    write_demo(settings)
    backend = LocalBackend(settings.data_dir)
    with State(settings.state_db) as st:
        sync(settings, backend, st, now=NOW)
    out = settings.data_dir / f"{settings.output_spreadsheet}.xlsx"
    wb = load_workbook(out)
    wb.create_sheet("ติดตามงาน").append(["อำเภอ", "โทรแล้ว"])
    wb.save(out)
    responses = settings.data_dir / "demo-assessment-responses.xlsx"
    src = load_workbook(responses)
    src.worksheets[0].delete_rows(src.worksheets[0].max_row)  # a response changed: the tabs are rewritten
    src.save(responses)
    with State(settings.state_db) as st:
        summary = sync(settings, backend, st, now=NOW)
        assert summary["kept_tabs"] == ["ติดตามงาน"]
        assert "ติดตามงาน" in st.runs()[0].message
    wb = load_workbook(out)
    assert wb.sheetnames[-1] == "ติดตามงาน"
    assert [c.value for c in wb["ติดตามงาน"][1]] == ["อำเภอ", "โทรแล้ว"]
    log = column(wb["บันทึกการทำงาน"], "หมายเหตุ")
    assert "ติดตามงาน" in log[0] and "demo-summary.ก่อนซิงก์.xlsx" in log[0]
