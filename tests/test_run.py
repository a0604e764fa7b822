"""A sync composed with a real local store and state: change detection, failures, the lock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from pipeline.backends.local import LocalBackend
from pipeline.models import Grid
from pipeline.run import lock_path, sync
from pipeline.schema import load_schema
from pipeline.settings_loader import load_settings
from pipeline.state import State, run_lock
from tests.conftest import write_settings

NOW = datetime(2023, 11, 25, 1, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
SCHEMA = load_schema("tambon_assessment")
HEADER = ["ประทับเวลา", "อำเภอ", "ตำบล", "ครั้งที่"] + [f"{i.no}. {i.title}" for i in SCHEMA.indicators]
TOP = [i.bands[2].label for i in SCHEMA.indicators]


def only_assessment(tmp_path: Path) -> Path:
    return write_settings(
        tmp_path,
        sources={
            "tambon_assessment": {
                "schema": "tambon_assessment",
                "spreadsheet": "resp",
                "tab": "การตอบแบบฟอร์ม 1",
            }
        },
    )


def write_responses(folder: Path, rows: list[list[object]]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "การตอบแบบฟอร์ม 1"
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    (folder / "data").mkdir(exist_ok=True)
    wb.save(folder / "data" / "resp.xlsx")


def test_changed_input_republishes_and_the_run_log_grows(tmp_path: Path) -> None:
    cfg = only_assessment(tmp_path)
    s = load_settings(cfg)
    write_responses(tmp_path, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
    with State(s.state_db) as st:
        first = sync(s, LocalBackend(s.data_dir), st, now=NOW)
        assert (first["status"], first["changed"], first["accepted"]) == ("ok", True, 1)
        assert sync(s, LocalBackend(s.data_dir), st, now=NOW)["status"] == "unchanged"
        write_responses(
            tmp_path,
            [
                [datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP],
                [datetime(2023, 11, 21, 9), "จุน", "หงส์หิน", 1, *TOP],
            ],
        )
        third = sync(s, LocalBackend(s.data_dir), st, now=NOW)
        assert (third["status"], third["accepted"]) == ("ok", 2)
        assert [r.status for r in st.runs()] == ["ok", "unchanged", "ok"]
    wb = load_workbook(s.data_dir / f"{s.output_spreadsheet}.xlsx")
    log = list(wb["บันทึกการทำงาน"].values)
    assert log[0][0] == "ครั้งที่รัน"
    # every run, newest first; the unchanged one rewrote nothing, so it shows from the next publish on
    assert [(r[0], r[2]) for r in log[1:]] == [(3, "สำเร็จ"), (2, "ไม่มีข้อมูลใหม่"), (1, "สำเร็จ")]
    assert wb["คะแนนรายตำบล"].max_row == 3


class CountingBackend(LocalBackend):
    """The local store, counting the workbooks it parses."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.parsed: list[str] = []

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        self.parsed.append(spreadsheet_id)
        return super().read(spreadsheet_id, tabs)


def test_unchanged_is_decided_from_the_files_bytes_before_parsing_anything(tmp_path: Path) -> None:
    cfg = only_assessment(tmp_path)
    s = load_settings(cfg)
    rows: list[list[object]] = [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]]
    write_responses(tmp_path, rows)
    with State(s.state_db) as st:
        assert sync(s, CountingBackend(s.data_dir), st, now=NOW)["status"] == "ok"
        same = CountingBackend(s.data_dir)
        assert sync(s, same, st, now=NOW)["status"] == "unchanged"
        assert same.parsed == []  # the file's digest said it all
        # Saved again with the same cells (a new file, other bytes): parsed once, still unchanged ...
        resp = s.data_dir / "resp.xlsx"
        resp.write_bytes(resp.read_bytes() + b"\0")  # a zip tolerates trailing bytes
        resaved = CountingBackend(s.data_dir)
        assert sync(s, resaved, st, now=NOW)["status"] == "unchanged"
        assert resaved.parsed == ["resp"]
        # ... and remembered: the next run parses nothing.
        again = CountingBackend(s.data_dir)
        assert sync(s, again, st, now=NOW)["status"] == "unchanged" and again.parsed == []
        # A dry run always reads; a changed setting always reads.
        dry = CountingBackend(s.data_dir)
        assert sync(s, dry, st, now=NOW, dry_run=True)["status"] == "ok" and dry.parsed == ["resp"]
        write_responses(tmp_path, [*rows, [datetime(2023, 11, 21, 9), "จุน", "หงส์หิน", 1, *TOP]])
        changed = CountingBackend(s.data_dir)
        assert sync(s, changed, st, now=NOW)["accepted"] == 2 and changed.parsed == ["resp"]


def test_dry_run_records_nothing_but_the_run(tmp_path: Path) -> None:
    cfg = only_assessment(tmp_path)
    s = load_settings(cfg)
    write_responses(tmp_path, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
    with State(s.state_db) as st:
        out = sync(s, LocalBackend(s.data_dir), st, now=NOW, dry_run=True)
        assert out["accepted"] == 1
        assert st.published_names() == [] and st.fingerprints() == {}
    assert not (s.data_dir / f"{s.output_spreadsheet}.xlsx").exists()


def test_an_unreadable_source_fails_alone_and_is_listed(tmp_path: Path) -> None:
    cfg = write_settings(
        tmp_path,
        sources={
            "tambon_assessment": {
                "schema": "tambon_assessment",
                "spreadsheet": "resp",
                "tab": "การตอบแบบฟอร์ม 1",
            },
            "committee_registry": {"schema": "committee_registry", "spreadsheet": "resp", "tab": "ไม่มีแท็บนี้"},
        },
    )
    s = load_settings(cfg)
    write_responses(tmp_path, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "sync", "--config", str(cfg)], capture_output=True, text=True
    )
    assert out.returncode == 3, out.stderr
    assert "could not read: committee_registry" in out.stdout
    issues = list(load_workbook(s.data_dir / f"{s.output_spreadsheet}.xlsx")["รายการที่ต้องตรวจสอบ"].values)
    assert any(r[-1] == "source_unreadable" and "ไม่มีแท็บนี้" in r[6] for r in issues[1:])


def test_a_failed_run_is_recorded_and_the_outputs_stay(tmp_path: Path) -> None:
    cfg = only_assessment(tmp_path)
    s = load_settings(cfg)
    with State(s.state_db) as st:
        write_responses(tmp_path, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
        sync(s, LocalBackend(s.data_dir), st, now=NOW)

        class Broken(LocalBackend):
            def write(self, spreadsheet_id: str, tables: object) -> None:  # type: ignore[override]
                raise OSError("disk gone")

        write_responses(tmp_path, [[datetime(2023, 11, 20, 10), "จุน", "ลอ", 1, *TOP]])
        with pytest.raises(OSError):
            sync(s, Broken(s.data_dir), st, now=NOW)
        assert st.runs()[0].status == "failed"
        assert "disk gone" in st.runs()[0].message
        # the state did not advance: the next good run publishes the change
        assert sync(s, LocalBackend(s.data_dir), st, now=NOW)["changed"] is True


def test_overlapping_runs_the_second_exits_with_a_message(tmp_path: Path) -> None:
    cfg = only_assessment(tmp_path)
    s = load_settings(cfg)
    with run_lock(lock_path(s)):
        out = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "sync", "--config", str(cfg)],
            capture_output=True,
            text=True,
        )
    assert out.returncode == 75
    assert "another run is still going" in out.stderr
    assert "Traceback" not in out.stderr


def test_documents_are_rendered_again_only_when_what_they_show_changed(tmp_path: Path) -> None:
    from pipeline.demo import write_demo

    s = load_settings(write_settings(tmp_path))
    write_demo(s)
    day = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
    with State(s.state_db) as st:
        first = sync(s, LocalBackend(s.data_dir), st, now=day)
        docs = [Path(p) for p in first["documents"] if Path(p).name.startswith("progress")]
        assert {p.suffix for p in docs} == {".html", ".pdf"}
        before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in docs}
        # Another form changes the next night: the progress report's inputs did not.
        resp = s.data_dir / "demo-assessment-responses.xlsx"
        wb = load_workbook(resp)
        wb.active.append([datetime(2024, 6, 20, 9), "x", "จุน", "ลอ", 2])  # type: ignore[union-attr]
        wb.save(resp)
        second = sync(s, LocalBackend(s.data_dir), st, now=day.replace(day=2))
        assert second["changed"] and set(map(str, docs)) <= set(second["documents"])
        assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in docs} == before
        # The settings change (they could change what the report shows): rendered again.
        s.path.write_text(s.path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        sync(s, LocalBackend(s.data_dir), st, now=day.replace(day=3))
        assert all(p.read_bytes() != before[p][1] for p in docs if p.suffix == ".pdf")


@pytest.mark.parametrize("damage", ["deleted", "truncated", "a tab removed by hand"])
def test_a_missing_or_damaged_output_is_rebuilt_though_no_table_changed(tmp_path: Path, damage: str) -> None:
    s = load_settings(only_assessment(tmp_path))
    write_responses(tmp_path, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
    out = s.data_dir / f"{s.output_spreadsheet}.xlsx"
    with State(s.state_db) as st:
        sync(s, LocalBackend(s.data_dir), st, now=NOW)
        assert sync(s, LocalBackend(s.data_dir), st, now=NOW)["status"] == "unchanged"
        if damage == "deleted":
            out.unlink()
        elif damage == "truncated":
            out.write_bytes(out.read_bytes()[:100])
        else:
            wb = load_workbook(out)
            wb.remove(wb["คะแนนรายตำบล"])
            wb.save(out)
        again = sync(s, LocalBackend(s.data_dir), st, now=NOW)
        assert (again["status"], again["changed"]) == ("ok", True)
        assert sync(s, LocalBackend(s.data_dir), st, now=NOW)["status"] == "unchanged"  # and stays cheap
    assert load_workbook(out)["คะแนนรายตำบล"].max_row == 2
    assert (s.data_dir / f"{s.output_spreadsheet}.damaged.xlsx").exists() == (damage == "truncated")


def test_a_killed_run_is_marked_interrupted_and_its_temp_files_removed(tmp_path: Path) -> None:
    from pipeline.run import sync_from_config

    cfg = only_assessment(tmp_path)
    s = load_settings(cfg)
    write_responses(tmp_path, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
    # What `kill -9` in the middle of a sync leaves: its run "running", half-written temp files.
    with State(s.state_db) as st:
        killed = st.start_run("sync", NOW)
    (s.data_dir / f".{s.output_spreadsheet}.xlsx.a1b2.tmp").write_bytes(b"PK half")
    (s.data_dir / "reports").mkdir()
    (s.data_dir / "reports" / ".report.pdf.c3.tmp").write_bytes(b"%PDF half")
    summary = sync_from_config(cfg, now=NOW)
    assert summary["status"] == "ok"
    assert sorted(p.name for p in s.data_dir.rglob(".*.tmp")) == []
    with State(s.state_db) as st:
        assert {r.id: r.status for r in st.runs()}[killed] == "interrupted"
    log = list(load_workbook(s.data_dir / f"{s.output_spreadsheet}.xlsx")["บันทึกการทำงาน"].values)
    assert (log[2][0], log[2][2]) == (killed, "ถูกขัดจังหวะ") and "ถูกหยุดกลางคัน" in log[2][10]


def test_a_copied_office_folder_rebuilds_its_own_missing_output(tmp_path: Path) -> None:
    import shutil

    s = load_settings(only_assessment(tmp_path / "office"))
    write_responses(tmp_path / "office", [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
    with State(s.state_db) as st:
        sync(s, LocalBackend(s.data_dir), st, now=NOW)
    shutil.copytree(tmp_path / "office", tmp_path / "copy")
    c = load_settings(tmp_path / "copy" / "pipeline.yaml")
    (c.data_dir / f"{c.output_spreadsheet}.xlsx").unlink()  # the original's still exists
    with State(c.state_db) as st:
        assert sync(c, LocalBackend(c.data_dir), st, now=NOW)["changed"] is True
    assert (c.data_dir / f"{c.output_spreadsheet}.xlsx").exists()


def test_a_run_collects_cycles_rarely_and_gives_the_process_its_collector_back(tmp_path: Path) -> None:
    import gc

    from pipeline.errors import PipelineError
    from pipeline.run import sync_from_config

    cfg = only_assessment(tmp_path)
    write_responses(tmp_path, [[datetime(2023, 11, 20, 9), "จุน", "ลอ", 1, *TOP]])
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    frozen: list[int] = []
    real = LocalBackend.write

    def spy(self: LocalBackend, *args: object) -> None:
        seen.append(gc.get_threshold())
        frozen.append(gc.get_freeze_count())
        real(self, *args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LocalBackend, "write", spy)
        assert sync_from_config(cfg, now=NOW)["status"] == "ok"
        assert seen and seen[0][0] > before[0]  # a full collection walks every cell the run holds
        assert gc.get_threshold() == before
        assert frozen[0] > 0 and gc.get_freeze_count() == 0  # what it loaded set aside, then given back
        mp.setattr(LocalBackend, "write", lambda *a: (_ for _ in ()).throw(PipelineError("disk")))
        (tmp_path / "data" / "out.xlsx").unlink(missing_ok=True)
        write_responses(tmp_path, [[datetime(2023, 11, 21, 9), "จุน", "ลอ", 1, *TOP]])
        with pytest.raises(PipelineError):
            sync_from_config(cfg, now=NOW)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
