"""Forms and Drive through the unmodified google-api-python-client against the local fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.backends.base import FileCheck
from pipeline.backends.forms_responses import EMAIL_HEADER, TIMESTAMP_HEADER
from pipeline.backends.google import GoogleBackend
from pipeline.errors import BackendError, QuotaError, SourceError
from tests.fake_google import (
    FakeGoogle,
    Fault,
    file_question,
    form_response,
    grid_question,
    section,
    text_question,
)

EMAIL = "cd-pipeline@fake-project.iam.gserviceaccount.com"
ITEMS = [
    text_question("q-district", "อำเภอ"),
    section("ส่วนที่ 2"),
    text_question("q-tambon", "ตำบล"),
    grid_question("ตัวชี้วัด", [("q-i1", "ด้านที่ 1"), ("q-i2", "ด้านที่ 2")]),
    text_question("q-activities", "กิจกรรม"),
    file_question("q-report", "แนบรายงาน (PDF)"),
]
HEADER = [
    TIMESTAMP_HEADER,
    EMAIL_HEADER,
    "อำเภอ",
    "ตำบล",
    "ตัวชี้วัด [ด้านที่ 1]",
    "ตัวชี้วัด [ด้านที่ 2]",
    "กิจกรรม",
    "แนบรายงาน (PDF)",
]


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        yield server


@pytest.fixture
def key(fake: FakeGoogle, tmp_path: Path) -> Path:
    return fake.service_account(tmp_path / "key.json", EMAIL)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@contextmanager
def backend_for(
    fake: FakeGoogle, key: Path, sleeps: list[float], **overrides: Any
) -> Iterator[GoogleBackend]:
    backend = GoogleBackend(fake.settings(credentials=key, **overrides), sleep=sleeps.append, rng=lambda: 0.5)
    try:
        yield backend
    finally:
        backend.close()


def five_responses() -> list[dict[str, Any]]:
    return [
        form_response(
            "r1",
            "2024-01-15T02:00:00Z",
            {"q-district": "เมืองพะเยา", "q-tambon": "เวียง", "q-i1": "3", "q-i2": "2"},
            email="a@example.org",
        ),
        form_response("r2", "2024-01-15T03:30:00.5Z", {"q-district": "เชียงคำ", "q-tambon": "เวียง"}),
        form_response(
            "r3",
            "2024-01-16T17:15:00.123456789Z",
            {"q-district": "ดอกคำใต้", "q-activities": ["ประชุม", "อบรม", "ศึกษาดูงาน"]},
            files={"q-report": ["file-a", "file-b"]},
        ),
        form_response("r4", "2024-01-17T01:00:00Z", {"q-district": "ปง"}),
        form_response("r5", "2024-01-18T01:00:00Z", {"q-district": "จุน"}),
    ]


def test_responses_over_three_pages(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_form("form-1", "แบบประเมินตำบล", ITEMS, five_responses())
    fake.forms.page_cap = 2  # Google may return fewer than asked: 2 + 2 + 1
    with backend_for(fake, key, sleeps) as backend:
        grid = backend.read_form("form-1")
        counts = backend.request_counts()
    assert grid[0] == HEADER
    assert [row[2] for row in grid[1:]] == ["เมืองพะเยา", "เชียงคำ", "ดอกคำใต้", "ปง", "จุน"]
    assert counts == {"oauth.token": 1, "forms.get": 1, "forms.responses.list": 3}
    assert counts == fake.kinds()
    lists = [r for r in fake.requests if r.kind == "forms.responses.list"]
    assert [r.query.get("pageToken") for r in lists] == [None, ["page-2"], ["page-4"]]
    assert all(r.query["pageSize"] == ["5000"] for r in lists)


def test_rows_look_like_a_response_sheet(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_form("form-1", "แบบประเมินตำบล", ITEMS, five_responses())
    with backend_for(fake, key, sleeps) as backend:
        grid = backend.read_form("form-1")
    assert grid[1] == [datetime(2024, 1, 15, 9, 0), "a@example.org", "เมืองพะเยา", "เวียง", "3", "2"]
    assert grid[2] == [datetime(2024, 1, 15, 10, 30, 0, 500000), None, "เชียงคำ", "เวียง"]
    assert grid[3] == [
        datetime(2024, 1, 17, 0, 15, 0, 123456),  # nanoseconds cut to microseconds; UTC+7, next day
        None,
        "ดอกคำใต้",
        None,
        None,
        None,
        "ประชุม, อบรม, ศึกษาดูงาน",
        "https://drive.google.com/open?id=file-a, https://drive.google.com/open?id=file-b",
    ]


def test_an_edited_response_counts_once_at_its_last_submission(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    """An edit between two page requests shows the same responseId twice; the later submission wins."""
    responses = [
        form_response("r1", "2024-01-15T02:00:00Z", {"q-district": "เมืองพะเยา", "q-i1": "1"}),
        form_response("r2", "2024-01-15T03:00:00Z", {"q-district": "เชียงคำ"}),
        form_response(
            "r1",
            "2024-01-20T05:00:00Z",
            {"q-district": "เมืองพะเยา", "q-i1": "3"},
            created="2024-01-15T02:00:00Z",
        ),
    ]
    fake.forms.add_form("form-1", "แบบประเมินตำบล", ITEMS, responses)
    fake.forms.page_cap = 1
    with backend_for(fake, key, sleeps) as backend:
        grid = backend.read_form("form-1")
    assert len(grid) == 3
    assert grid[1][2] == "เชียงคำ"
    assert grid[2][0] == datetime(2024, 1, 20, 12, 0)  # lastSubmittedTime, not createTime
    assert grid[2][4] == "3"


def test_a_form_without_responses_is_its_header(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_form("form-1", "แบบประเมินตำบล", ITEMS, [])
    with backend_for(fake, key, sleeps) as backend:
        assert backend.read_form("form-1") == [HEADER]


def test_unknown_or_unshared_form(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_form("form-1", "แบบ", ITEMS, [])
    fake.forbid("form-1")
    with backend_for(fake, key, sleeps) as backend:
        with pytest.raises(SourceError) as missing:
            backend.read_form("form-9")
        with pytest.raises(SourceError) as unshared:
            backend.read_form("form-1")
    assert "form form-9" in str(missing.value) and "form_id" in missing.value.fix
    assert EMAIL in unshared.value.fix
    assert sleeps == []


FAULTS = {
    "429": Fault(at=2, kind="forms.responses.list", status=429),
    "429+Retry-After": Fault(at=2, kind="forms.responses.list", status=429, retry_after="5"),
    "500": Fault(at=1, kind="forms.get", status=500),
    "503": Fault(at=3, kind="forms.responses.list", status=503),
    "reset": Fault(at=2, kind="forms.responses.list", reset=True),
    "lost answer": Fault(at=1, kind="forms.responses.list", lost=True),
    "token 503": Fault(at=1, kind="oauth.token", status=503),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_faults_are_retried_with_the_injected_sleep(
    fake: FakeGoogle, key: Path, sleeps: list[float], fault: str
) -> None:
    fake.forms.add_form("form-1", "แบบประเมินตำบล", ITEMS, five_responses())
    fake.forms.page_cap = 2
    with backend_for(fake, key, sleeps) as backend:
        clean = backend.read_form("form-1")
    sleeps.clear()
    fake.clear_log()
    fake.inject(FAULTS[fault])
    with backend_for(fake, key, sleeps) as backend:
        assert backend.read_form("form-1") == clean
        counts = backend.request_counts()
    assert sleeps == {"429+Retry-After": [5.0], "429": [0.75]}.get(fault, [0.5])
    assert sum(counts.values()) >= 6  # token, forms.get, 3 pages, and at least one retry


def test_an_answer_that_never_comes_times_out(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    # forms.get never answers: each attempt ends by the client's timeout, whatever the
    # machine's speed; only the outcome is asserted, not how the token request fared.
    fake.forms.add_form("form-1", "แบบ", ITEMS, five_responses())
    fake.inject(Fault(at=1, kind="forms.get", delay=30.0, times=100))
    with (
        backend_for(fake, key, sleeps, timeout=8.0, max_attempts=2) as backend,
        pytest.raises(BackendError) as caught,
    ):
        backend.read_form("form-1")
    assert "no answer within 8.0 s" in str(caught.value) and caught.value.fix


def test_lasting_quota_refusal_ends_in_quota_error(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_form("form-1", "แบบ", ITEMS, five_responses())
    fake.inject(Fault(at=1, kind="forms.responses.list", status=429, times=100))
    with backend_for(fake, key, sleeps, max_attempts=3) as backend, pytest.raises(QuotaError) as caught:
        backend.read_form("form-1")
    assert sum(sleeps) >= 60  # Google refills the per-minute quota: the run waits that out first
    assert fake.kinds()["forms.responses.list"] == len(sleeps) + 1 > 3
    assert "forms.responses.list" in str(caught.value) and "form form-1" in str(caught.value)


def test_drive_pdf_other_type_missing_and_trashed(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_file("pdf-1", "รายงานตำบลเวียง.pdf", "application/pdf")
    fake.forms.add_file(
        "doc-1", "รายงาน.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    fake.forms.add_file("old-1", "เก่า.pdf", "application/pdf", trashed=True)
    with backend_for(fake, key, sleeps) as backend:
        checks = backend.check_files(["pdf-1", "doc-1", "gone-1", "old-1", "pdf-1"])
        counts = backend.request_counts()
    assert checks["pdf-1"] == FileCheck(
        "pdf-1", exists=True, is_pdf=True, name="รายงานตำบลเวียง.pdf", mime_type="application/pdf"
    )
    assert checks["doc-1"].exists and not checks["doc-1"].is_pdf
    assert not checks["gone-1"].exists and EMAIL in checks["gone-1"].problem
    assert not checks["old-1"].exists and checks["old-1"].problem == "in the trash"
    assert counts == {"oauth.token": 1, "drive.batch": 1}  # each distinct file once, in one batch
    (batch,) = [r for r in fake.requests if r.kind == "drive.batch"]
    assert batch.body.count(b"GET /drive/v3/files/") == 4
    assert batch.body.count(b"supportsAllDrives=true") == 4


def test_drive_errors_other_than_missing_are_backend_errors(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    fake.inject(Fault(at=1, kind="drive.batch", status=400))
    with backend_for(fake, key, sleeps) as backend, pytest.raises(BackendError) as caught:
        backend.check_files(["x"])
    assert "Drive files x" in str(caught.value)


def test_forms_and_sheets_share_one_token_and_one_count(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    fake.forms.add_form("form-1", "แบบ", ITEMS, five_responses())
    fake.add_spreadsheet("src", {"ชีต1": [["a"]]})
    with backend_for(fake, key, sleeps) as backend:
        backend.read("src", ["ชีต1"])
        backend.read_form("form-1")
        backend.check_files(["nothing"])
        assert backend.request_counts() == fake.kinds()
    assert fake.kinds()["oauth.token"] == 1


# ---------------------------------------------------------------- Google's error classes


def test_a_drive_rate_limit_403_is_retried(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_file("pdf-1", "รายงาน.pdf", "application/pdf")
    fake.file_error("pdf-1", "userRateLimitExceeded", "rateLimitExceeded", "")  # twice, then fine
    with backend_for(fake, key, sleeps) as backend:
        checks = backend.check_files(["pdf-1"])
    assert checks["pdf-1"].exists and checks["pdf-1"].is_pdf
    assert len(sleeps) == 2


def test_drive_not_enabled_stops_the_run_with_the_fix(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    fake.forms.add_file("pdf-1", "รายงาน.pdf", "application/pdf")
    fake.disable("drive")
    with backend_for(fake, key, sleeps) as backend, pytest.raises(BackendError) as caught:
        backend.check_files(["pdf-1"])
    assert "Google Drive API is not enabled" in str(caught.value)
    assert "enable the Google Drive API" in caught.value.fix and "step 2" in caught.value.fix
    assert sleeps == []


def test_a_drive_permission_403_says_which_folder_to_share_with_whom(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    fake.forms.add_file("pdf-1", "รายงาน.pdf", "application/pdf")
    fake.file_error("pdf-1", "insufficientFilePermissions")
    with backend_for(fake, key, sleeps) as backend:
        check = backend.check_files(["pdf-1"])["pdf-1"]
    assert not check.exists
    assert "insufficientFilePermissions" in check.problem and "(File responses)" in check.problem
    assert EMAIL in check.problem and "Viewer" in check.problem


def test_forms_not_shared_says_add_the_account_as_collaborator(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    fake.forms.add_form("form-1", "แบบ", ITEMS, [])
    fake.forbid("form-1")
    with backend_for(fake, key, sleeps) as backend, pytest.raises(SourceError) as caught:
        backend.read_form("form-1")
    assert "collaborator" in caught.value.fix and EMAIL in caught.value.fix
    assert "no viewer role" in caught.value.fix


def test_forms_not_enabled(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_form("form-1", "แบบ", ITEMS, [])
    fake.disable("forms")
    with backend_for(fake, key, sleeps) as backend, pytest.raises(BackendError) as caught:
        backend.read_form("form-1")
    assert "enable the Google Forms API" in caught.value.fix


@pytest.mark.parametrize(
    "fault", [Fault(at=1, kind="forms.get", cut=True), Fault(at=1, kind="forms.get", status=200, html=True)]
)
def test_a_200_that_is_not_json_is_retried(
    fake: FakeGoogle, key: Path, sleeps: list[float], fault: Fault
) -> None:
    fake.forms.add_form("form-1", "แบบประเมินตำบล", ITEMS, five_responses())
    fake.inject(fault)
    with backend_for(fake, key, sleeps) as backend:
        assert backend.read_form("form-1")[0] == HEADER
    assert len(sleeps) == 1


def test_a_lasting_html_answer_is_a_clean_error(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.forms.add_form("form-1", "แบบ", ITEMS, [])
    fake.inject(Fault(at=1, kind="forms.get", status=502, html=True, times=100))
    with backend_for(fake, key, sleeps, max_attempts=2) as backend, pytest.raises(BackendError) as caught:
        backend.read_form("form-1")
    assert "HTTP 502" in str(caught.value) and "<" not in str(caught.value)


def test_a_rate_limited_file_alone_is_asked_again(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    for n in range(3):
        fake.forms.add_file(f"pdf-{n}", f"{n}.pdf", "application/pdf")
    fake.file_error("pdf-1", "userRateLimitExceeded", "")
    with backend_for(fake, key, sleeps) as backend:
        checks = backend.check_files(["pdf-0", "pdf-1", "pdf-2"])
    assert all(c.exists for c in checks.values())
    first, second = [r.body.count(b"GET /drive/v3/files/") for r in fake.requests if r.kind == "drive.batch"]
    assert (first, second) == (3, 1)


def test_files_travel_a_hundred_to_a_batch_and_a_failed_batch_is_retried(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    ids = [f"f{n}" for n in range(150)]
    for file_id in ids:
        fake.forms.add_file(file_id, f"{file_id}.pdf", "application/pdf")
    fake.inject(Fault(at=1, kind="drive.batch", status=503), Fault(at=3, kind="drive.batch", lost=True))
    with backend_for(fake, key, sleeps) as backend:
        checks = backend.check_files(ids)
    assert len(checks) == 150 and all(c.is_pdf for c in checks.values())
    sizes = [r.body.count(b"GET /drive/v3/files/") for r in fake.requests if r.kind == "drive.batch"]
    assert sizes == [100, 100, 50, 50] and len(sleeps) == 2
