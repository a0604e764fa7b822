"""`pipeline columns SOURCE`: what each field was matched to, and a map for what was not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from pipeline.cli import main
from pipeline.commands.columns import letter
from tests.conftest import write_settings

# The KPI 3.2 paper form typed into a Google Form by a province that named two
# questions its own way: the LAO ("หน่วยงานที่รายงาน") and item 6's count ("มีกี่โครงการ").
HEADER = [
    "ประทับเวลา",
    "อำเภอ",
    "หน่วยงานที่รายงาน",
    "รายงานครั้งที่",
    "๑. จำนวน () หมู่บ้าน หรือ () ชุมชน ทั้งหมด",
    "๒. มีคณะกรรมการสนับสนุนกระบวนการแผนชุมชนระดับท้องถิ่น",
    "๓. คณะกรรมการตามข้อ ๒ มีการกำหนดแผนการดำเนินงาน",
    "๔. มีการจัดทำเวทีประชาคมทบทวน ปรับปรุงแผนชุมชน",
    "๕. มีจัดเวทีประชาคมระดับเทศบาล หรือ อบต.",
    "๖. แผนชุมชนที่มีการบูรณาการระดับเทศบาล หรือ อบต. ครอบคลุม",
    "มีกี่โครงการ",
    "๗. มีการนำโครงการ/กิจกรรม จากแผนชุมชนตามข้อ ๖.",
    "๗.๑ จำนวนโครงการ/กิจกรรม",
    "๘.๑ จำนวนโครงการ/กิจกรรม",
    "หมายเหตุของจังหวัด",
]


def settings(folder: Path, header: list[str], columns: dict[str, str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "คำตอบ"
    ws.append(header)
    (folder / "data").mkdir(exist_ok=True)
    wb.save(folder / "data" / "kpi-paper.xlsx")
    source = {
        "schema": "kpi32",
        "spreadsheet": "kpi-paper",
        "tab": "คำตอบ",
        **({"columns": columns} if columns else {}),
    }
    raw = yaml.safe_load((write_settings(folder)).read_text(encoding="utf-8"))
    raw["sources"] = {"kpi32": source}
    path = folder / "pipeline.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_letters() -> None:
    assert [letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_it_says_how_each_field_was_matched_and_writes_the_missing_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = settings(tmp_path, HEADER)
    assert main(["columns", "kpi32", "--config", str(cfg)]) == 3  # required fields have no column
    out = capsys.readouterr().out
    assert "  local_plan_projects  [M] ๗.๑ จำนวนโครงการ/กิจกรรม  (title)" in out
    assert "  report_no            [D] รายงานครั้งที่  (title)" in out
    assert "lao                  NOT FOUND (required)" in out
    assert "columns left over: [C] หน่วยงานที่รายงาน, [K] มีกี่โครงการ, [O] หมายเหตุของจังหวัด" in out
    block = out[out.index("sources:") :]
    assert "  kpi32:\n    columns:\n" in block
    # Required fields uncommented with the best candidate; optional ones commented out.
    assert '      lao: "' in block and '      projects: "' in block
    assert "      # month: " in block
    assert "candidates: [" in block


def test_the_pasted_map_makes_the_source_complete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = settings(tmp_path, HEADER, {"lao": "หน่วยงานที่รายงาน", "projects": "มีกี่โครงการ"})
    assert main(["columns", "kpi32", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "  lao                  [C] หน่วยงานที่รายงาน  (explicit)" in out
    assert "columns left over: [O] หมายเหตุของจังหวัด" in out
    assert "budget_done          not found (optional)" in out
    assert "NOT FOUND" not in out


def test_an_unknown_source_names_the_known_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = settings(tmp_path, HEADER)
    assert main(["columns", "kpi", "--config", str(cfg)]) == 2
    assert "use one of: kpi32" in capsys.readouterr().err


def test_the_column_not_found_error_points_to_the_command(tmp_path: Path) -> None:
    cfg = settings(tmp_path, HEADER)
    assert main(["sync", "--config", str(cfg), "--today", "2012-07-01"]) == 3
    wb = load_workbook(tmp_path / "data" / "demo-summary.xlsx", read_only=True)
    try:
        issues = [" ".join(str(c) for c in r) for r in wb["รายการที่ต้องตรวจสอบ"].iter_rows(values_only=True)]
    finally:
        wb.close()
    (missing,) = [i for i in issues if "ไม่พบคอลัมน์" in i]
    assert "lao (ชื่อเทศบาล/อบต.)" in missing and "`pipeline columns kpi32`" in missing
