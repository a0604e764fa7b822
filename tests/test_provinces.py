"""Several provinces in one run: settings, one output each, the roll-up, failures kept apart."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from pipeline.demo.assessment import generate_country
from pipeline.errors import ConfigError
from pipeline.orgunits import OrgUnits
from pipeline.provinces import expand, fill_in
from pipeline.settings_loader import load_provinces, load_settings
from tests.conftest import ROOT

TAB = "การตอบแบบฟอร์ม 1"


def shared_calendar(folder: Path) -> str:
    """The department's one calendar for every province."""
    cal = yaml.safe_load((ROOT / "config/calendar/phayao-2567.yaml").read_text(encoding="utf-8"))
    cal["province"] = "ทุกจังหวัด"
    (folder / "department-2567.yaml").write_text(yaml.safe_dump(cal, allow_unicode=True), encoding="utf-8")
    return "department-2567.yaml"


def several(folder: Path, provinces: Any, **extra: Any) -> Path:
    raw: dict[str, Any] = {
        "provinces": provinces,
        "fiscal_year": 2567,
        "calendar": shared_calendar(folder),
        "data_dir": "data",
        "state_db": "state/pipeline.sqlite",
        "sources": {
            "tambon_assessment": {
                "schema": "tambon_assessment",
                "spreadsheet": "assessment-{code}",
                "tab": TAB,
            }
        },
        "output": {"spreadsheet": "summary-{code}", "rollup": "summary-region"},
    }
    raw.update(extra)
    path = folder / "region.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def responses(folder: Path, code: str) -> int:
    """Every tambon of the province answering both rounds; returns the number of its tambons."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TAB
    for row in generate_country(random.Random(code), [code]):
        ws.append(row)
    (folder / "data").mkdir(exist_ok=True)
    wb.save(folder / "data" / f"assessment-{code}.xlsx")
    return len(OrgUnits.for_province(code).tambons())


def test_each_province_gets_its_names_and_its_own_state() -> None:
    raw = {
        "provinces": ["พะเยา", {"province": "น่าน", "output": {"spreadsheet": "nan-summary"}}],
        "state_db": "state/pipeline.sqlite",
        "sources": {"a": {"spreadsheet": "resp-{code}", "tab": "{name}"}},
        "output": {"spreadsheet": "summary-{code}", "rollup": "region"},
    }
    (w1, phayao), (w2, nan) = expand(raw)
    assert (w1, w2) == ("provinces[0]", "provinces[1]")
    phayao, nan = fill_in(phayao, "56", "พะเยา"), fill_in(nan, "55", "น่าน")
    assert phayao["sources"]["a"] == {"spreadsheet": "resp-56", "tab": "พะเยา"}
    assert (phayao["output"], nan["output"]) == (
        {"spreadsheet": "summary-56"},
        {"spreadsheet": "nan-summary"},
    )
    assert (phayao["state_db"], nan["state_db"]) == ("state/pipeline-56.sqlite", "state/pipeline-55.sqlite")
    assert raw["sources"]["a"]["spreadsheet"] == "resp-{code}"  # the settings themselves are untouched
    assert len(expand({"provinces": "all"})) == 77


def test_settings_naming_several_provinces_load_and_check(tmp_path: Path) -> None:
    group = load_provinces(several(tmp_path, ["พะเยา", 55, "Phrae"]))
    assert [s.province_name for s in group.settings] == ["พะเยา", "น่าน", "แพร่"]
    assert [s.output_spreadsheet for s in group.settings] == ["summary-56", "summary-55", "summary-54"]
    assert group.settings[1].sources["tambon_assessment"].spreadsheet == "assessment-55"
    assert group.rollup == "summary-region" and group.state_db == tmp_path / "state" / "pipeline.sqlite"
    with pytest.raises(ConfigError, match="several provinces") as caught:
        load_settings(tmp_path / "region.yaml")  # commands of one province say what to do instead
    assert caught.value.exit_code == 2


def test_a_single_province_file_is_unchanged(settings_file: Path) -> None:
    group = load_provinces(settings_file)
    assert (group.rollup, group.state_db) == ("", None)
    assert group.settings == (load_settings(settings_file),)


def test_provinces_that_would_share_a_spreadsheet_or_are_unknown_are_named(tmp_path: Path) -> None:
    cfg = several(
        tmp_path,
        ["พะเยา", "น่าน", "ไม่มีจังหวัดนี้"],
        sources={"tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "national"}},
    )
    with pytest.raises(ConfigError) as caught:
        load_provinces(cfg)
    text = caught.value.message
    assert "provinces[2]" in text and "ไม่มีจังหวัดนี้" in text
    assert "พะเยา, น่าน all use the spreadsheet 'national'" in text and "{code}" in text


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_one_run_publishes_each_province_and_a_rollup_and_a_failure_stays_its_own(tmp_path: Path) -> None:
    cfg = several(tmp_path, ["พะเยา", "น่าน", "แพร่"])
    tambons = {code: responses(tmp_path, code) for code in ("56", "55")}  # แพร่ has not sent its sheet
    out = run_cli("sync", "--config", str(cfg), "--today", "2024-07-01")
    assert out.returncode == 3, out.stderr  # partial: one province could not be read
    assert "3 provinces" in out.stdout and "roll-up published" in out.stdout
    for code, count in tambons.items():
        scores = list(load_workbook(tmp_path / "data" / f"summary-{code}.xlsx")["คะแนนรายตำบล"].values)
        assert len(scores) - 1 == 2 * count  # every tambon of this province, both rounds, nobody else's
        assert {str(r[2])[:2] for r in scores[1:]} == {code}
    phrae_issues = list(load_workbook(tmp_path / "data" / "summary-54.xlsx")["รายการที่ต้องตรวจสอบ"].values)
    assert any("อ่านแบบรายงานนี้ไม่ได้" in str(cell) for row in phrae_issues for cell in row)

    rollup = list(load_workbook(tmp_path / "data" / "summary-region.xlsx")["สรุปรายจังหวัด"].values)
    header, rows = rollup[0], rollup[1:]
    assert header[:3] == ("รหัสจังหวัด", "จังหวัด", "แบบรายงาน")
    records = [dict(zip(header, r, strict=True)) for r in rows if r[3] == "1"]  # round 1
    by_code = {r["รหัสจังหวัด"]: r for r in records}
    assert set(by_code) == {"54", "55", "56"}
    for code, count in tambons.items():
        r = by_code[code]
        assert r["ต้องส่ง"] == r["ส่งแล้ว"] == count and r["ยังไม่ส่ง"] == 0
        assert r["ตรงเวลา"] + r["ล่าช้า"] == count and r["ล่าช้า"] > 0
        assert r["เข้มแข็ง"] + r["ปานกลาง"] + r["อ่อนแอ"] == count
    assert by_code["54"]["ส่งแล้ว"] == 0 and by_code["54"]["ยังไม่ส่ง"] == len(
        OrgUnits.for_province("54").tambons()
    )
    assert by_code["54"]["ผลการซิงก์"].startswith("อ่านบางแบบไม่ได้")

    again = run_cli("sync", "--config", str(cfg), "--today", "2024-07-01")
    assert again.returncode == 3 and "roll-up unchanged" in again.stdout
    checked = run_cli("check-config", "--config", str(cfg))
    assert checked.returncode == 0, checked.stderr
    assert (
        "3 provinces" in checked.stdout
        and "56 พะเยา: reads assessment-56; writes summary-56" in checked.stdout
    )
