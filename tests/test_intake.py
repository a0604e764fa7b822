"""Every row accounted for, and only this year's: what reaches a form and what became of each row.

Real workbooks in a data folder, a real state database, `pipeline sync` as cron runs it.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.forms.assessment import parse_round
from tests.conftest import write_settings, write_workbook
from tests.test_run import HEADER, TOP

REG_HEADER = ["ประทับเวลา", "ระดับ", "อำเภอ", "ตำบล", "ชื่อ-สกุล", "ตำแหน่ง"]
POSITIONS = ["ประธาน", "รองประธาน", "เลขานุการ"] + ["กรรมการ"] * 7
NAMES = ["สมชาย ใจดี", "สมศรี มีสุข", "วิชัย คำแสน", "มาลี ทองคำ", "บุญมา แก้วมูล"]
NAMES += ["ประเสริฐ วงศ์ไชย", "อรุณี ศรีวงศ์", "ธนากร อินทร์แก้ว", "ศิริพร มณีวรรณ", "อนุชา สุริยะ"]
TODAY = "2023-11-25"


def _settings(tmp_path: Path) -> Path:
    return write_settings(
        tmp_path,
        sources={
            "tambon_assessment": {
                "schema": "tambon_assessment",
                "spreadsheet": "resp",
                "tab": "การตอบแบบฟอร์ม 1",
            },
            "committee_registry": {
                "schema": "committee_registry",
                "spreadsheet": "ทะเบียน ศอช. (การตอบกลับ)",
                "tab": "การตอบแบบฟอร์ม 1",
            },
        },
    )


def _committee(*, duplicate: bool = False) -> list[list[Any]]:
    rows = [
        [datetime(2023, 11, 20, 9, i), "ศอช.ต.", "จุน", "ลอ", name, pos]
        for i, (name, pos) in enumerate(zip(NAMES, POSITIONS, strict=True))
    ]
    if duplicate:
        rows.append([datetime(2023, 11, 20, 9, 30), "ศอช.ต.", "จุน", "ลอ", NAMES[4], "กรรมการ"])
    return rows


def _sync(cfg: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["sync", "--config", str(cfg), "--today", TODAY, "--json", *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, json.loads(captured.out) if captured.out.strip() else {}


def _issues(cfg: Path) -> list[tuple[Any, ...]]:
    wb = load_workbook(cfg.parent / "data" / "demo-summary.xlsx")
    return list(wb["รายการที่ต้องตรวจสอบ"].values)[1:]


def _accounted(form: dict[str, int]) -> int:
    return form["accepted"] + form["rejected"] + form["superseded"] + form["outside_fiscal_year"]


def test_a_duplicate_member_is_rejected_and_every_row_is_in_a_category(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _settings(tmp_path)
    write_workbook(
        tmp_path / "data" / "resp.xlsx", HEADER, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]]
    )
    write_workbook(tmp_path / "data" / "ทะเบียน ศอช. (การตอบกลับ).xlsx", REG_HEADER, _committee(duplicate=True))
    code, summary = _sync(cfg, capsys)
    assert code == 0
    reg = summary["forms"]["committee_registry"]
    assert (reg["rows"], reg["accepted"], reg["rejected"], reg["unaccounted"]) == (11, 10, 1, 0)
    for form in summary["forms"].values():
        assert form["rows"] == _accounted(form)
    assert summary["unaccounted"] == 0
    assert any(i[-1] == "duplicate_member" for i in _issues(cfg))
    # The plain summary shows the accounting per form.
    assert main(["sync", "--config", str(cfg), "--today", TODAY, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "committee_registry: 11 read = 10 counted + 1 rejected + 0 superseded" in out


def test_responses_of_earlier_years_are_set_aside_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _settings(tmp_path)
    write_workbook(
        tmp_path / "data" / "resp.xlsx",
        HEADER,
        [
            [datetime(2022, 12, 10, 9), "จุน", "ห้วยข้าวก่ำ", 1, *TOP],  # FY2566: last year's sheet rows
            [datetime(2023, 9, 30, 23, 59), "จุน", "ห้วยยางขาม", 1, *TOP],  # the last minute of FY2566
            [datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP],
        ],
    )
    write_workbook(tmp_path / "data" / "ทะเบียน ศอช. (การตอบกลับ).xlsx", REG_HEADER, _committee())
    code, summary = _sync(cfg, capsys)
    assert code == 0
    form = summary["forms"]["tambon_assessment"]
    assert (form["rows"], form["accepted"], form["outside_fiscal_year"], form["unaccounted"]) == (3, 1, 2, 0)
    assert summary["outside_fiscal_year"] == 2
    notes = [i for i in _issues(cfg) if i[-1] == "outside_fiscal_year"]
    assert len(notes) == 1 and "ไม่นับ ๒ แถว" in notes[0][6] and "แถว ๒–๓" in notes[0][6]
    scores = list(load_workbook(cfg.parent / "data" / "demo-summary.xlsx")["คะแนนรายตำบล"].values)
    tambons = {row[3] for row in scores[1:]}
    assert "ลอ" in tambons and "ห้วยข้าวก่ำ" not in tambons and "ห้วยยางขาม" not in tambons
    assert main(["sync", "--config", str(cfg), "--today", TODAY, "--dry-run"]) == 0
    assert (
        "tambon_assessment: 3 read = 1 counted + 0 rejected + 0 superseded + 2 outside the fiscal year"
        in (capsys.readouterr().out)
    )


@pytest.mark.parametrize(
    ("round_", "timestamp"),
    [
        ("1e+20", datetime(2023, 11, 20, 9)),
        ("-2", datetime(2023, 11, 20, 9)),
        ("2.5", datetime(2023, 11, 20, 9)),
        (2.5, datetime(2023, 11, 20, 9)),
        (1, "9999-12-31"),
        (1, "-1"),
        (1, datetime(2023, 11, 26, 8)),  # the day after the run
        (1, datetime(1999, 11, 20, 9)),  # not an earlier year's answer: a bad cell
    ],
)
def test_structural_fields_are_parsed_strictly(
    round_: object, timestamp: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _settings(tmp_path)
    write_workbook(tmp_path / "data" / "resp.xlsx", HEADER, [[timestamp, "จุน", "ลอ", round_, *TOP]])
    write_workbook(tmp_path / "data" / "ทะเบียน ศอช. (การตอบกลับ).xlsx", REG_HEADER, _committee())
    code, summary = _sync(cfg, capsys)
    assert code == 0
    form = summary["forms"]["tambon_assessment"]
    assert (form["rows"], form["accepted"], form["rejected"], form["outside_fiscal_year"]) == (1, 0, 1, 0)
    codes = {i[-1] for i in _issues(cfg) if i[9] == "การประเมินผลการจัดระดับการพัฒนา ศอช.ต."}
    assert codes & {"bad_round", "bad_timestamp"}


def test_parse_round() -> None:
    for raw, want in [("1", "1"), ("๒", "2"), ("ครั้งที่ 1", "1"), ("รอบที่ ๒", "2"), (2.0, "2"), (1, "1")]:
        assert parse_round(raw) == want, raw
    for raw in ["1e+20", 1e20, "-2", -2, "2.5", 2.5, "0", True, "ครั้งที่ 1 และ 2"]:
        assert parse_round(raw) == "", raw


def test_two_columns_of_one_title_are_an_error_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _settings(tmp_path)
    write_workbook(
        tmp_path / "data" / "resp.xlsx", HEADER, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]]
    )
    header = [*REG_HEADER, "ชื่อ-สกุล"]
    rows = [[*r, "ผู้กรอก"] for r in _committee()]
    write_workbook(tmp_path / "data" / "ทะเบียน ศอช. (การตอบกลับ).xlsx", header, rows)
    code, summary = _sync(cfg, capsys)
    assert code == 3
    assert summary["failed_sources"] == ["committee_registry"]
    assert summary["forms"]["tambon_assessment"]["accepted"] == 1  # the other form is published
    unreadable = [i for i in _issues(cfg) if i[-1] == "source_unreadable"]
    said = "คอลัมน์ E และคอลัมน์ G มีหัวคอลัมน์ชื่อเดียวกัน ('ชื่อ-สกุล') และแถว 2 ตอบทั้งสองคอลัมน์ไม่ตรงกัน"
    assert said in unreadable[0][6]  # in Thai, where the district officer reads it


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _broken_xml(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


CORRUPTIONS = {
    "truncated": (_truncated, "เสียหายหรือไม่ครบ"),
    "zero bytes": (lambda p: p.write_bytes(b""), "ว่างเปล่า (0 ไบต์)"),
    "not a zip": (lambda p: p.write_text("ประทับเวลา,อำเภอ\n", encoding="utf-8"), "ไม่ใช่ไฟล์ .xlsx"),
    "broken XML": (_broken_xml, "เสียหายหรือไม่ครบ"),
    "password-protected": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)),
        "ตั้งรหัสผ่านไว้",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_an_unreadable_workbook_fails_alone(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt, said = CORRUPTIONS[case]
    cfg = _settings(tmp_path)
    write_workbook(
        tmp_path / "data" / "resp.xlsx", HEADER, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]]
    )
    registry = tmp_path / "data" / "ทะเบียน ศอช. (การตอบกลับ).xlsx"
    write_workbook(registry, REG_HEADER, _committee())
    corrupt(registry)
    code, summary = _sync(cfg, capsys)
    assert code == 3
    assert summary["failed_sources"] == ["committee_registry"]
    assert summary["forms"]["tambon_assessment"]["accepted"] == 1
    unreadable = [i for i in _issues(cfg) if i[-1] == "source_unreadable"]
    assert len(unreadable) == 1 and said in unreadable[0][6] and "ดาวน์โหลด" in unreadable[0][6]


def test_a_branching_form_may_repeat_a_title_answered_once_per_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _settings(tmp_path)
    write_workbook(
        tmp_path / "data" / "resp.xlsx", HEADER, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]]
    )
    header = [*REG_HEADER[:4], "ตำบล", *REG_HEADER[4:]]  # one tambon question per section of the form
    rows = [
        [*r[:3], None, r[3], *r[4:]] if i % 2 else [*r[:4], None, *r[4:]] for i, r in enumerate(_committee())
    ]
    write_workbook(tmp_path / "data" / "ทะเบียน ศอช. (การตอบกลับ).xlsx", header, rows)
    code, summary = _sync(cfg, capsys)
    assert code == 0
    assert summary["forms"]["committee_registry"]["accepted"] == 10
