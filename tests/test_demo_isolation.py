"""The demo runs on its own settings and folders: a province's files and state are never touched.

Also: the local store takes a workbook under the name Google gives a download
(the sheet's Thai title), and the bundled template is what a province adopts.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from pipeline.cli import main
from pipeline.orgunits import OrgUnits
from tests.conftest import write_workbook

ROOT = Path(__file__).resolve().parent.parent


def _project(tmp_path: Path) -> Path:
    """A copy of the bundled config folder, so var/ and var/demo/ land under tmp_path."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    return tmp_path / "config"


def _adopt_chiang_rai(config: Path) -> Path:
    """The README's steps, done for Chiang Rai FY2568 on config/pipeline.yaml."""
    path = config / "pipeline.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    org = OrgUnits.for_province("เชียงราย")
    contacts = [{"role": "จังหวัด", "name": "นางสาวสมใจ ใจดี", "email": "somjai@example.org"}]
    contacts += [
        {
            "district": d.code,
            "role": "หัวหน้า",
            "name": f"พัฒนาการอำเภอ{d.name}",
            "email": f"cdd{d.code}@example.org",
        }
        for d in org.districts()
    ]
    (config / "contacts.yaml").write_text(
        yaml.safe_dump({"contacts": contacts}, allow_unicode=True), encoding="utf-8"
    )
    raw.update(
        province="เชียงราย",
        fiscal_year=2568,
        calendar="calendar/chiangrai-2568.yaml",
        holidays=["2567-12-05", "2568-01-01"],
    )
    raw["mail"].update(sender="cdd.chiangrai@example.org", sender_name="สำนักงานพัฒนาชุมชนจังหวัดเชียงราย")
    raw["output"]["spreadsheet"] = "สรุปรายงาน ศอช. จังหวัดเชียงราย"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_demo_leaves_an_adopted_province_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _project(tmp_path)
    province = _adopt_chiang_rai(config)
    assert main(["check-config", "--config", str(province)]) == 0
    data = tmp_path / "var" / "data"
    write_workbook(
        data / "แบบประเมิน ศอช.ต. (การตอบกลับ).xlsx",
        ["ประทับเวลา", "อำเภอ", "ตำบล", "ครั้งที่ประเมิน"],
        [[datetime(2024, 12, 20, 9), "เมืองเชียงราย", "เวียง", 1]],
    )
    assert main(["sync", "--config", str(province), "--today", "2024-12-26"]) == 3  # two forms not yet there
    before = _digest(tmp_path / "var")
    assert "state/pipeline.sqlite" in before

    # The demo refuses a province's settings outright ...
    assert main(["demo", "--config", str(province)]) == 2
    assert "pipeline demo --config config/demo.yaml" in capsys.readouterr().err
    assert _digest(tmp_path / "var") == before

    # ... and on its own settings writes only under var/demo/.
    assert main(["demo", "--config", str(config / "demo.yaml")]) == 0
    out = capsys.readouterr().out
    demo_summary = tmp_path / "var" / "demo" / "data" / "demo-summary.xlsx"
    assert f"summary workbook: {demo_summary}" in out
    assert f"state database: {tmp_path / 'var' / 'demo' / 'state' / 'pipeline.sqlite'}" in out
    after = {k: v for k, v in _digest(tmp_path / "var").items() if not k.startswith("demo/")}
    assert after == before


def test_the_bundled_template_and_demo_settings_pass_check_config(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("pipeline.yaml", "demo.yaml", "examples/phrae-2555.yaml"):
        assert main(["check-config", "--config", str(ROOT / "config" / name)]) == 0, name
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    # What the template still holds of the example is pointed at, without refusing it.
    assert (
        "mail.form_links.tambon_assessment: https://forms.gle/your-assessment-form is still" in captured.out
    )
    assert "addresses are examples (@example.org)" in captured.out


def test_a_workbook_named_after_the_sheet_title_is_read(tmp_path: Path) -> None:
    from pipeline.backends.local import LocalBackend

    header = ["ประทับเวลา", "อำเภอ"]
    write_workbook(tmp_path / "แบบประเมิน ศอช.ต. (การตอบกลับ).xlsx", header, [])
    write_workbook(tmp_path / "ปี 2567" / "resp.xlsx", header, [])
    backend = LocalBackend(tmp_path)
    for name in ("แบบประเมิน ศอช.ต. (การตอบกลับ)", "แบบประเมิน ศอช.ต. (การตอบกลับ).xlsx", "ปี 2567/resp"):
        assert backend.read(name, ["การตอบแบบฟอร์ม 1"])["การตอบแบบฟอร์ม 1"] == [header], name


def test_a_missing_local_workbook_gets_the_local_fix(tmp_path: Path) -> None:
    from pipeline.backends.local import LocalBackend
    from pipeline.errors import SourceError

    write_workbook(tmp_path / "แบบประเมิน ศอช.ต. (การตอบกลับ).xlsx", ["ประทับเวลา"], [])
    with pytest.raises(SourceError) as err:
        LocalBackend(tmp_path).read("แบบประเมิน ศอชต", ["การตอบแบบฟอร์ม 1"])
    text = str(err.value)
    assert str(tmp_path / "แบบประเมิน ศอชต.xlsx") in text
    assert f"into {tmp_path}" in text and "File > Download > Microsoft Excel" in text
    assert "workbooks there: แบบประเมิน ศอช.ต. (การตอบกลับ).xlsx" in text
    assert "docs.google.com" not in text and "spreadsheet id" not in text
