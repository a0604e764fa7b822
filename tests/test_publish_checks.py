"""A sync on the Google backend: source time zones, over-long cells, the member list's own spreadsheet."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipeline.backends.google import GoogleBackend
from pipeline.demo.assessment import generate
from pipeline.models import Column, Table
from pipeline.publish_checks import by_spreadsheet, long_cell_warnings
from pipeline.run import sync
from pipeline.settings import Settings
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_settings
from tests.fake_google import FakeGoogle

NOW = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
TAB = "การตอบแบบฟอร์ม 1"


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        yield server


def google_sync(
    fake: FakeGoogle, folder: Path, *, time_zone: str, **settings_extra: Any
) -> tuple[Settings, dict[str, Any]]:
    cfg = write_settings(
        folder,
        sources={"tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "resp", "tab": TAB}},
    )
    base = load_settings(cfg)
    grid = generate(base, random.Random("2567:tambon_assessment"))
    fake.add_spreadsheet("resp", {TAB: grid}, time_zone=time_zone)
    fake.add_spreadsheet(base.output_spreadsheet, {"Sheet1": []})
    gs = fake.settings(credentials=fake.service_account(folder / "key.json"))
    settings = replace(base, backend="google", google=gs, **settings_extra)
    with GoogleBackend(gs, sleep=lambda s: None) as backend, State(settings.state_db) as state:
        summary = sync(settings, backend, state, now=NOW)
        tables = {n: state.published(n) for n in state.published_names()}
    return settings, {"summary": summary, "tables": tables}


def test_timestamps_are_read_in_the_source_spreadsheet_s_zone(fake: FakeGoogle, tmp_path: Path) -> None:
    _, bangkok = google_sync(fake, tmp_path / "bkk", time_zone="Asia/Bangkok")
    with FakeGoogle() as other:
        _, utc = google_sync(other, tmp_path / "utc", time_zone="Etc/UTC")
    before = [datetime.fromisoformat(str(r["submitted_at"])) for r in bangkok["tables"]["scores"].records()]
    after = [datetime.fromisoformat(str(r["submitted_at"])) for r in utc["tables"]["scores"].records()]
    assert len(before) > 10
    assert after == [b + timedelta(hours=7) for b in before]  # 09:00 UTC is 16:00 in Bangkok
    warnings = [r for r in utc["tables"]["issues"].records() if r["code"] == "sheet_timezone"]
    assert len(warnings) == 1 and warnings[0]["value"] == "Etc/UTC"
    assert "Bangkok" in str(warnings[0]["message"])
    assert not [r for r in bangkok["tables"]["issues"].records() if r["code"] == "sheet_timezone"]


def test_the_member_list_goes_to_its_own_spreadsheet(fake: FakeGoogle, tmp_path: Path) -> None:
    fake.add_spreadsheet("members-book", {"Sheet1": []})
    table = Table("registry_members", "รายชื่อกรรมการ ศอช.", [Column("name", "ชื่อ")], [["ก"]])
    other = Table("scores", "คะแนน", [Column("x", "x")], [[1]])
    settings, _ = google_sync(fake, tmp_path, time_zone="Asia/Bangkok", members_spreadsheet="members-book")
    assert by_spreadsheet(settings, [other, table]) == {
        "members-book": [table],
        settings.output_spreadsheet: [other],
    }
    assert by_spreadsheet(replace(settings, members_spreadsheet=""), [other, table]) == {
        settings.output_spreadsheet: [other, table]
    }


def test_a_cut_cell_is_listed_as_a_warning() -> None:
    table = Table(
        "activities", "กิจกรรม", [Column("detail", "รายละเอียด", kind="user")], [["สั้น"], ["ก" * 50_001]]
    )
    (issue,) = long_cell_warnings([table], 50_000)
    assert (issue.tab, issue.row, issue.field, issue.severity) == ("กิจกรรม", 3, "รายละเอียด", "warning")
    assert "50,001" in issue.message and "50,000" in issue.message
    assert long_cell_warnings([table], None) == []


@pytest.mark.parametrize("kind", ["oauth.token", "sheets.batchGet"])
def test_a_200_html_answer_ends_sync_with_exit_4_and_no_traceback(
    fake: FakeGoogle, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    from pipeline.cli import main
    from tests.fake_google import Fault

    key = fake.service_account(tmp_path / "key.json")
    google = {"credentials": str(key), "sheets_url": fake.url, "drive_url": fake.url, "forms_url": fake.url}
    cfg = write_settings(
        tmp_path,
        backend="google",
        google=google | {"max_attempts": 1},  # no retry: the CLI would really sleep
        sources={"tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "resp", "tab": TAB}},
    )
    fake.add_spreadsheet("resp", {TAB: [["ประทับเวลา"]]})
    fake.inject(Fault(at=1, kind=kind, status=200, html=True, times=100))
    code = main(["sync", "--config", str(cfg), "--today", "2024-07-01"])
    err = capsys.readouterr().err
    assert code == 4
    assert "Traceback" not in err and "not JSON" in err and "proxy" in err
