"""The summary tabs on Google Sheets: the same look through the Sheets API, checked on the fake server."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipeline.backends.google import GoogleBackend
from pipeline.backends.sheets_cells import rgb
from pipeline.backends.sheets_look import PROTECTION_NOTE
from pipeline.demo.assessment import generate
from pipeline.presentation import LEVEL_COLOURS
from pipeline.run import sync
from pipeline.settings import Settings
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_settings
from tests.fake_google import FakeGoogle

NOW = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
TAB = "การตอบแบบฟอร์ม 1"


Google = tuple[Settings, GoogleBackend, FakeGoogle]


def google_run(tmp_path: Path) -> Iterator[Google]:
    cfg = write_settings(
        tmp_path,
        sources={"tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "resp", "tab": TAB}},
    )
    settings = load_settings(cfg)
    with FakeGoogle() as fake:
        grid = generate(settings, random.Random("2567:tambon_assessment"))
        fake.add_spreadsheet("resp", {TAB: grid})
        fake.add_spreadsheet(settings.output_spreadsheet, {"Sheet1": []})
        gs = fake.settings(credentials=fake.service_account(tmp_path / "key.json"))
        backend = GoogleBackend(gs, sleep=lambda s: None)
        try:
            yield replace(settings, backend="google", google=gs), backend, fake
        finally:
            backend.close()


@pytest.fixture
def google(tmp_path: Path) -> Iterator[Google]:
    yield from google_run(tmp_path)


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Google]:
    """One sync, looked at by several tests."""
    for settings, backend, fake in google_run(tmp_path_factory.mktemp("google")):
        assert run_sync(settings, backend)["status"] == "ok"
        yield settings, backend, fake


def run_sync(settings: Settings, backend: GoogleBackend, now: datetime = NOW) -> dict[str, Any]:
    with State(settings.state_db) as st:
        return sync(settings, backend, st, now=now)


def test_the_overview_and_its_charts_on_google(synced: Google) -> None:
    settings, _, fake = synced
    book = fake.spreadsheet(settings.output_spreadsheet)
    assert fake.tabs(settings.output_spreadsheet)[0] == "ภาพรวม"
    overview = book.by_title("ภาพรวม")
    assert overview.frozen_rows == 0  # several tables one under another: nothing to freeze
    assert len(overview.charts) == 2
    values = overview.grid()
    for chart in overview.charts:
        basic = chart["spec"]["basicChart"]
        assert (basic["chartType"], basic["stackedType"], basic["headerCount"]) == ("BAR", "STACKED", 1)
        domain = basic["domains"][0]["domain"]["sourceRange"]["sources"][0]
        names = [
            values[r][domain["startColumnIndex"]]
            for r in range(domain["startRowIndex"], domain["endRowIndex"])
        ]
        assert names[:2] == ["อำเภอ", "เมืองพะเยา"] and "รวมทั้งจังหวัด" not in names
        anchor = chart["position"]["overlayPosition"]["anchorCell"]
        assert anchor["rowIndex"] >= domain["endRowIndex"]  # under its table, never over it
    levels = next(c for c in overview.charts if "ระดับการพัฒนา" in c["spec"]["title"])
    colours = [s["colorStyle"]["rgbColor"] for s in levels["spec"]["basicChart"]["series"]]
    assert colours == [rgb(LEVEL_COLOURS[lv]) for lv in (3, 2, 1)]


def test_every_generated_tab_warns_before_an_edit(synced: Google) -> None:
    settings, _, fake = synced
    book = fake.spreadsheet(settings.output_spreadsheet)
    generated = [s for s in book.sheets if s.title != "Sheet1"]
    assert len(generated) >= 5
    for sheet in generated:
        assert len(sheet.protected_ranges) == 1, sheet.title
        protected = sheet.protected_ranges[0]
        assert protected["warningOnly"] is True and protected["description"] == PROTECTION_NOTE
    assert not book.by_title("Sheet1").protected_ranges  # the officer's own tab is left alone


def test_wraps_widths_banding_and_thai_on_google(synced: Google) -> None:
    settings, _, fake = synced
    book = fake.spreadsheet(settings.output_spreadsheet)
    issues = book.by_title("รายการที่ต้องตรวจสอบ")
    header = issues.grid()[0]
    message = header.index("รายละเอียดและวิธีแก้ไข")
    assert issues.frozen_rows == 1 and issues.basic_filter is not None and len(issues.banded_ranges) == 1
    assert issues.formats[(1, message)]["wrapStrategy"] == "WRAP"
    assert 40 * 7 <= issues.col_widths[message] <= 60 * 7.2
    assert header[-1] == "รหัสปัญหา (สำหรับกรอง)"
    rows = issues.grid()[1:]
    assert {r[header.index("แบบรายงาน")] for r in rows} == {"การประเมินผลการจัดระดับการพัฒนา ศอช.ต."}
    assert "ส่งล่าช้า" in {r[header.index("ประเภทปัญหา")] for r in rows}
    scores = book.by_title("คะแนนรายตำบล")
    head = scores.grid()[0]
    sent = head.index("วันเวลาที่ส่ง")
    assert all(re.fullmatch(r"\d{1,2} \S+ 25\d\d \d\d:\d\d", str(r[sent])) for r in scores.grid()[1:])
    level = head.index("ระดับ")
    for r in range(1, 6):
        colour = scores.formats[(r, level)]["backgroundColor"]
        assert scores.formats[(r, level + 1)]["backgroundColor"] == colour  # on the label too
    districts = book.by_title("สรุปรายอำเภอ")
    names = [r[districts.grid()[0].index("อำเภอ")] for r in districts.grid()[1:]]
    assert names.count("รวมทั้งจังหวัด") == 2


def test_a_rewrite_replaces_charts_and_protections_instead_of_piling_them_up(
    google: Google,
) -> None:
    settings, backend, fake = google
    run_sync(settings, backend)
    book = fake.spreadsheet("resp")
    grid = book.by_title(TAB).grid()
    fake.add_spreadsheet("resp", {TAB: grid[:-3]})  # three responses fewer: the tabs change
    assert run_sync(settings, backend, NOW.replace(hour=13))["changed"]
    out = fake.spreadsheet(settings.output_spreadsheet)
    assert len(out.by_title("ภาพรวม").charts) == 2
    assert all(len(s.protected_ranges) == 1 for s in out.sheets if s.title != "Sheet1")
    assert all(len(s.banded_ranges) <= 1 for s in out.sheets)
