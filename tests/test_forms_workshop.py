"""Activity 1 (seed 002), a form declared in its schema plus pipeline/forms/workshop.py."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from pipeline import forms, schema
from pipeline.calendar import load_calendar
from pipeline.cli import main
from pipeline.errors import ConfigError
from pipeline.forms.base import FormContext, FormResult
from pipeline.forms.workshop import process
from pipeline.models import Cell
from pipeline.orgunits import OrgUnits
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings
from tests.conftest import write_province_settings

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2025, 1, 10, 12, tzinfo=TZ)
SCHEMA = load_schema("activity1")
HEADER: list[Cell] = [
    "ประทับเวลา",
    "อำเภอ",
    "วันที่ประชุม",
    "จำนวนผู้เข้าร่วม (คน)",
    "บทเรียนความสำเร็จ",
    "วันที่เบิกจ่ายงบประมาณ",
    "วันที่บันทึกในระบบ BPM",
]


def write_config(folder: Path) -> Path:
    return write_province_settings(
        folder,
        "chachoengsao-2568.yaml",
        province="ฉะเชิงเทรา",
        fiscal_year=2568,
        sources={"activity1": {"schema": "activity1", "spreadsheet": "activity1", "tab": "กิจกรรมที่ 1"}},
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


def run(config: Path, *rows: list[Cell]) -> FormResult:
    s = load_settings(config)
    org, calendar = OrgUnits.for_province("24"), load_calendar(s.calendar)
    return process(FormContext(s, s.sources["activity1"], SCHEMA, org, calendar, NOW), [HEADER, *rows])


def row(at: str = "20/12/2024 10:00:00", district: str = "บางคล้า", held: Cell = "5 ธ.ค. 2567", people: Cell = 5,
        lessons: Cell = "กลุ่มออมทรัพย์ตำบลปากน้ำ", paid: Cell = "10/12/2567", bpm: Cell = "12/12/2567") -> list[Cell]:  # fmt: skip
    return [at, district, held, people, lessons, paid, bpm]


def codes(res: FormResult, number: int = 2) -> list[tuple[str, str]]:
    return [(i.code, i.severity) for i in res.issues if i.row == number]


def line(res: FormResult, district: str = "2402") -> dict[str, Cell]:
    return next(r for r in res.tables[0].records() if r["district_code"] == district)


def test_a_report_on_target_and_on_time(config: Path) -> None:
    res = run(config, row())
    assert res.issues == []
    assert (res.accepted, res.rejected, [s.status for s in res.statuses]) == (1, 0, ["valid"])
    got = line(res)
    assert (got["participants"], got["target"], got["on_time"], got["status"]) == (5, 5, "ตรงเวลา", "ถูกต้อง")
    assert line(res, "2401")["status"] == "ยังไม่ส่ง"  # every district has its row
    assert len(res.tables[0].rows) == 11


@pytest.mark.parametrize(
    ("people", "code", "figure", "flag"),
    [
        (3, "few_participants", "๓ คน", "ผู้เข้าร่วมน้อยกว่าเป้าหมาย"),
        (8, "many_participants", "๘ คน", "ผู้เข้าร่วมเกินเป้าหมาย"),
    ],
)
def test_participants_against_five_per_district(
    config: Path, people: int, code: str, figure: str, flag: str
) -> None:
    res = run(config, row(people=people))
    assert codes(res) == [(code, "warning")]
    assert figure in res.issues[0].message and "อำเภอละ ๕ คน" in res.issues[0].message
    assert res.statuses[0].status == "valid" and line(res)["flags"] == flag


@pytest.mark.parametrize(
    ("people", "code"),
    [(None, "missing_participants"), ("ห้าคน", "bad_participants"), (2.5, "bad_participants")],
)
def test_participants_unreadable_is_an_error(config: Path, people: Cell, code: str) -> None:
    res = run(config, row(people=people))
    assert (code, "error") in codes(res)
    assert (res.accepted, res.rejected, res.statuses[0].status) == (0, 1, "rejected")


def test_bpm_record_after_disbursement(config: Path) -> None:
    before = run(config, row(paid="12/12/2567", bpm="10/12/2567"))
    assert codes(before) == [("bpm_before_disbursed", "error")]
    late = run(config, row(paid="1/12/2567", bpm="15/12/2567"))
    assert codes(late) == [("bpm_late", "warning")] and "๑๔ วัน" in late.issues[0].message
    assert (line(before)["status"], line(late)["flags"]) == ("ต้องแก้ไข", "บันทึก BPM ล่าช้า")
    missing = run(config, row(bpm=None))
    assert codes(missing) == [("bpm_missing", "warning")] and "เลยกำหนด" in missing.issues[0].message
    assert (line(missing)["status"], line(missing)["flags"]) == ("ถูกต้อง", "ยังไม่บันทึก BPM")
    assert codes(run(config, row(paid=None, bpm=None))) == []  # nothing disbursed yet: nothing to record


def test_lessons_are_asked_for_the_department(config: Path) -> None:
    res = run(config, row(lessons=None))
    assert codes(res) == [("missing_lessons", "warning")]
    assert "๒๗ ธันวาคม ๒๕๖๗" in res.issues[0].message


def test_late_report_counts_and_is_marked(config: Path) -> None:
    res = run(config, row(at="30/12/2024 09:00:00"))
    assert codes(res) == [("late", "warning")] and "๓ วัน" in res.issues[0].message
    assert (line(res)["on_time"], res.statuses[0].status) == ("ล่าช้า", "late")


def test_the_latest_report_of_a_district_counts(config: Path) -> None:
    res = run(config, row(people=3), row(at="21/12/2024 08:00:00"))
    assert codes(res, 2) == [("superseded", "warning")]
    assert "แถว ๓" in res.issues[0].message
    assert (res.accepted, res.superseded, line(res)["participants"]) == (1, 1, 5)


def test_its_rules_and_messages_are_checked_when_the_settings_load() -> None:
    bad_rule = dataclasses.replace(SCHEMA, extra={**(SCHEMA.extra or {}), "rules": {"participants": "ห้า"}})
    with pytest.raises(ConfigError, match="participants") as caught:
        forms.check_schema(bad_rule)
    assert "activity1.yaml" in str(caught.value.where)
    unknown = dataclasses.replace(SCHEMA, extra={**(SCHEMA.extra or {}), "rules": {"participant": 5}})
    with pytest.raises(ConfigError, match="unknown rules: participant"):
        forms.check_schema(unknown)
    texts = dict((SCHEMA.extra or {})["messages"])
    del texts["bpm_late"]
    with pytest.raises(ConfigError, match="bpm_late"):
        forms.check_schema(dataclasses.replace(SCHEMA, extra={**(SCHEMA.extra or {}), "messages": texts}))
    tables = {"activity1": {"title": "x", "columns": [["district", "อำเภอ", "กว้าง"]]}}
    with pytest.raises(ConfigError, match="column 1") as caught:
        forms.check_schema(dataclasses.replace(SCHEMA, extra={**(SCHEMA.extra or {}), "tables": tables}))
    assert "tables.activity1" in str(caught.value.where)


def test_sync_publishes_the_table(tmp_path: Path, config: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "กิจกรรมที่ 1"
    for r in [HEADER, row(), row(district="บางปะกง", people=4)]:
        ws.append(r)
    (tmp_path / "data").mkdir()
    wb.save(tmp_path / "data" / "activity1.xlsx")
    assert main(["sync", "--config", str(config), "--today", "2025-01-10"]) == 0
    out = load_workbook(tmp_path / "data" / "summary.xlsx", read_only=True)
    grid = [list(r) for r in out["กิจกรรมที่ ๑ ประชุม ศอช.อ."].iter_rows(values_only=True)]
    assert [r[1] for r in grid[1:4]] == ["เมืองฉะเชิงเทรา", "บางคล้า", "บางน้ำเปรี้ยว"]
    assert grid[4][5] == 4


@pytest.mark.parametrize(
    ("new", "key", "said", "fix"),
    [
        ("kind: number", "participants.kind", "kind 'number' is not known", "use one of: text, date, count"),
        ("kind: count, ge: หนึ่ง", "participants.ge", "the limit 'ge' is 'หนึ่ง', not a number", "e.g. ge: 1"),
    ],
)
def test_check_config_refuses_a_field_of_unknown_kind_or_a_bad_limit(
    config: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    new: str,
    key: str,
    said: str,
    fix: str,
) -> None:
    """Through check-config, a schema of its own folder: the file, the field's key and the fix are named."""
    schemas = tmp_path / "sheets_schema"
    shutil.copytree(ROOT / "sheets_schema", schemas)
    path = schemas / "activity1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: count", new), encoding="utf-8")
    real = schema.load_schema
    monkeypatch.setattr(schema, "load_schema", lambda name, directory=schemas: real(name, directory))
    assert main(["check-config", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = next(ln for ln in err.splitlines() if f"fields.{key}" in ln)
    assert str(path) in line and said in line and fix in line
