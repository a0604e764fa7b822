"""The end-to-end sync over every backend: identical tables, frugal requests, faults absorbed or clean."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipeline.backends.base import Backend
from pipeline.backends.google import GoogleBackend
from pipeline.backends.local import LocalBackend
from pipeline.demo import write_demo
from pipeline.demo.assessment import generate
from pipeline.errors import BackendError
from pipeline.run import sync
from pipeline.settings import Settings
from pipeline.settings_loader import load_settings
from pipeline.state import State
from tests.conftest import write_settings
from tests.fake_google import FakeGoogle, Fault

NOW = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
TAB = "การตอบแบบฟอร์ม 1"


def demo_settings(folder: Path) -> Settings:
    cfg = write_settings(
        folder,
        sources={"tambon_assessment": {"schema": "tambon_assessment", "spreadsheet": "resp", "tab": TAB}},
    )
    return load_settings(cfg)


@dataclass
class Run:
    settings: Settings
    backend: Backend
    fake: FakeGoogle | None
    sleeps: list[float]


@pytest.fixture(params=["local", "google"])
def run(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Run]:
    settings = demo_settings(tmp_path)
    if request.param == "local":
        write_demo(settings)
        yield Run(settings, LocalBackend(settings.data_dir), None, [])
        return
    with FakeGoogle() as fake:
        grid = generate(settings, random.Random("2567:tambon_assessment"))
        fake.add_spreadsheet("resp", {TAB: grid})
        fake.add_spreadsheet(settings.output_spreadsheet, {"Sheet1": []})
        sleeps: list[float] = []
        gs = fake.settings(credentials=fake.service_account(tmp_path / "key.json"))
        backend = GoogleBackend(gs, sleep=sleeps.append)
        try:
            yield Run(replace(settings, backend="google", google=gs), backend, fake, sleeps)
        finally:
            backend.close()


@pytest.fixture(scope="module")
def local_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("local")
    settings = demo_settings(folder)
    write_demo(settings)
    with State(settings.state_db) as st:
        sync(settings, LocalBackend(settings.data_dir), st, now=NOW)
        return {n: st.published(n).records() for n in st.published_names() if n != "runs"}  # type: ignore[union-attr]


def published(settings: Settings) -> dict[str, Any]:
    with State(settings.state_db) as st:
        return {n: st.published(n).records() for n in st.published_names() if n != "runs"}  # type: ignore[union-attr]


def test_both_backends_publish_identical_tables(run: Run, local_tables: dict[str, Any]) -> None:
    with State(run.settings.state_db) as st:
        summary = sync(run.settings, run.backend, st, now=NOW)
    assert summary["status"] == "ok"
    assert published(run.settings) == local_tables
    back = run.backend.read(run.settings.output_spreadsheet, ["คะแนนรายตำบล"])["คะแนนรายตำบล"]
    assert back[0][:4] == ["รหัสอำเภอ", "อำเภอ", "รหัสตำบล", "ตำบล"]
    assert len(back) == len(local_tables["scores"]) + 1


GOOGLE_ONLY = pytest.mark.parametrize("run", ["google"], indirect=True)


@GOOGLE_ONLY
def test_google_sync_stays_within_the_quota_budget(run: Run) -> None:
    assert run.fake is not None
    with State(run.settings.state_db) as st:
        first = sync(run.settings, run.backend, st, now=NOW)
        # one metadata request (tabs, time zone) and one batchGet per source spreadsheet,
        # then one metadata request and one batchUpdate per output spreadsheet
        assert first["requests"] == {
            "oauth.token": 1,
            "sheets.batchGet": 1,
            "sheets.get": 2,
            "sheets.batchUpdate": 1,
        }
        second = sync(run.settings, run.backend, st, now=NOW)
    assert second["status"] == "unchanged"
    # unchanged inputs: the read only, nothing written
    assert run.fake.kinds()["sheets.batchUpdate"] == 1
    assert run.fake.kinds()["sheets.batchGet"] == 2


SYNC_REQUESTS = 5  # oauth.token, sheets.get, sheets.batchGet, sheets.get, sheets.batchUpdate
SINGLE: dict[str, Callable[[int], Fault]] = {
    "429": lambda at: Fault(at=at, status=429),
    "429+Retry-After": lambda at: Fault(at=at, status=429, retry_after="3"),
    "500": lambda at: Fault(at=at, status=500),
    "503": lambda at: Fault(at=at, status=503),
    "reset": lambda at: Fault(at=at, reset=True),
    "lost answer": lambda at: Fault(at=at, lost=True),
}


@GOOGLE_ONLY
@pytest.mark.parametrize("position", range(1, SYNC_REQUESTS + 1))
@pytest.mark.parametrize("fault", SINGLE)
def test_a_fault_anywhere_in_a_sync_is_absorbed(
    run: Run, local_tables: dict[str, Any], fault: str, position: int
) -> None:
    assert run.fake is not None
    run.fake.inject(SINGLE[fault](position))
    with State(run.settings.state_db) as st:
        assert sync(run.settings, run.backend, st, now=NOW)["status"] == "ok"
    assert published(run.settings) == local_tables
    assert run.sleeps == ([3.0] if fault == "429+Retry-After" else [pytest.approx(run.sleeps[0])])
    assert run.fake.requests[position - 1].fault is not None


@GOOGLE_ONLY
@pytest.mark.parametrize("position", range(1, SYNC_REQUESTS + 1))
def test_a_lasting_fault_fails_the_run_cleanly(run: Run, position: int) -> None:
    assert run.fake is not None
    before = run.fake.snapshot(run.settings.output_spreadsheet)
    run.fake.inject(Fault(at=position, status=503, times=100))
    with State(run.settings.state_db) as st:
        with pytest.raises(BackendError) as err:
            sync(run.settings, run.backend, st, now=NOW)
        assert "fix:" in str(err.value)
        assert st.runs()[0].status == "failed"
        assert st.fingerprints() == {}  # the state did not advance: the next run retries everything
    assert run.fake.snapshot(run.settings.output_spreadsheet) == before
    assert len(run.sleeps) == run.settings.google.max_attempts - 1


def test_uploaded_orders_are_checked_on_drive(tmp_path: Path) -> None:
    settings = load_settings(
        write_settings(
            tmp_path,
            sources={
                "appointment_orders": {"schema": "appointment_orders", "spreadsheet": "orders", "tab": TAB}
            },
        )
    )
    link = "https://drive.google.com/open?id={}".format
    header = ["ประทับเวลา", "อำเภอ", "3.1", "3.2", "3.3", "3.4", "3.5"]
    row = [
        datetime(2023, 12, 20, 9),
        "จุน",
        link("pdf-1"),
        link("doc-1"),
        link("gone-1"),
        link("pdf-2"),
        link("pdf-3"),
    ]
    with FakeGoogle() as fake:
        fake.add_spreadsheet("orders", {TAB: [header, row]})
        fake.add_spreadsheet(settings.output_spreadsheet, {"Sheet1": []})
        for fid in ("pdf-1", "pdf-2", "pdf-3"):
            fake.forms.add_file(fid, f"{fid}.pdf", "application/pdf")
        fake.forms.add_file(
            "doc-1", "คำสั่ง.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        gs = fake.settings(credentials=fake.service_account(tmp_path / "key.json"))
        backend = GoogleBackend(gs, sleep=lambda _: None)
        try:
            with State(settings.state_db) as st:
                summary = sync(replace(settings, backend="google", google=gs), backend, st, now=NOW)
                matrix = next(
                    r for r in st.published("orders_matrix").records() if r["district_code"] == "5602"
                )  # type: ignore[union-attr]
                issues = st.published("issues").records()  # type: ignore[union-attr]
        finally:
            backend.close()
    assert summary["requests"]["drive.batch"] == 1  # each uploaded file once, in one batch request
    (batch,) = [r for r in fake.requests if r.kind == "drive.batch"]
    assert batch.body.count(b"GET /drive/v3/files/") == 5
    assert matrix["received"] == 3
    assert matrix["complete"] != "ครบ"
    flagged = {i["value"] for i in issues if i["district_code"] == "5602" and i["severity"] == "ข้อผิดพลาด"}
    assert link("doc-1") in flagged and link("gone-1") in flagged
