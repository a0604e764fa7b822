"""GoogleBackend: the unmodified gspread and google-auth against the local fake, over real HTTP.

Time is injected: the backend's sleep only records what it was asked to wait.
A lost answer is a connection dropped on purpose after the request was applied;
only the test of the timeout itself waits, for a request that never gets an answer.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import google.oauth2.credentials
import gspread
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pipeline.backends.google import GoogleBackend
from pipeline.backends.oauth import SCOPES, login
from pipeline.backends.sheets_cells import serial
from pipeline.errors import BackendError, ConfigError, QuotaError, SourceError
from pipeline.models import Column, Grid, Table
from tests.fake_google import FakeGoogle, Fault, Formula

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "cd-pipeline@fake-project.iam.gserviceaccount.com"

SOURCE: dict[str, Grid] = {
    "การตอบแบบฟอร์ม 1": [
        ["ประทับเวลา", "อำเภอ", "ตำบล", "คะแนน", "หมายเหตุ"],
        [datetime(2024, 1, 15, 9, 30), "เมืองพะเยา", "เวียง", 3, None],
        [datetime(2024, 1, 16, 14, 0), "เชียงคำ", "เวียง", 2.5, "=ตรวจแล้ว"],
    ],
    "ชีต2": [["รหัส", "วันที่"], ["5601", date(2024, 2, 1)]],
}

COLUMNS = [
    Column("district", "อำเภอ", width=16),
    Column("tambon", "ตำบล", width=16),
    Column("score", "คะแนน", width=8, kind="float"),
    Column("level", "ระดับ", width=8, kind="level"),
    Column("note", "หมายเหตุ", width=30, kind="user"),
]
TABLES = [
    Table(
        "scores",
        "คะแนนรายตำบล",
        COLUMNS,
        [["เมืองพะเยา", "เวียง", 3.0, 3, None], ["เชียงคำ", "เวียง", 2.5, 2, "+66 81"]],
    ),
    Table(
        "issues",
        "รายการที่ต้องแก้ไข",
        [
            Column("row", "แถว", kind="int"),
            Column("message", "ข้อความ", width=40),
            Column("when", "วันที่", kind="date"),
        ],
        [[2, "=1+1", date(2024, 1, 15)], [3, "@x", datetime(2024, 1, 15, 8, 0)]],
    ),
]
PREVIOUS: dict[str, Grid] = {
    "คู่มือ": [["อ่านก่อน"]],
    "คะแนนรายตำบล": [["เก่า"], ["แถว 1"], ["แถว 2"], ["แถว 3"], ["แถว 4"]],
}


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
    backend = GoogleBackend(
        fake.settings(credentials=key, **overrides),
        sleep=sleeps.append,
        rng=lambda: 0.5,
        clock=lambda: 1_700_000_000.0,
    )
    try:
        yield backend
    finally:
        backend.close()


def prepare(fake: FakeGoogle) -> None:
    fake.add_spreadsheet("src", SOURCE)
    fake.add_spreadsheet("out", PREVIOUS)


def cycle(backend: GoogleBackend) -> Mapping[str, Grid]:
    """One nightly run's traffic: read the responses (first tab named ""), publish the tables."""
    grids = backend.read("src", ["", "ชีต2"])
    backend.write("out", TABLES)
    return grids


CLEAN_SEQUENCE = ["oauth.token", "sheets.get", "sheets.batchGet", "sheets.get", "sheets.batchUpdate"]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a cycle without faults reads and leaves behind."""
    key_dir = tmp_path_factory.mktemp("clean")
    with (
        FakeGoogle() as server,
        backend_for(server, server.service_account(key_dir / "key.json"), []) as backend,
    ):
        prepare(server)
        grids = cycle(backend)
        return {"grids": grids, "out": server.snapshot("out")}


# ---------------------------------------------------------------- authentication


def test_service_account_token_exchange_is_verified(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend:
        backend.read("src", ["ชีต2"])
        backend.read("src", ["ชีต2"])
    (grant,) = fake.authority.grants  # one token for the whole session
    assert grant.grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert grant.subject == EMAIL
    assert grant.scopes == frozenset(SCOPES)


def test_a_key_not_matching_the_registered_one_is_refused(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    prepare(fake)
    info = json.loads(key.read_text())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    info["private_key"] = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key.write_text(json.dumps(info))
    with backend_for(fake, key, sleeps) as backend, pytest.raises(BackendError) as caught:
        backend.read("src", ["ชีต2"])
    assert "refused the credentials" in str(caught.value)
    assert str(key) in str(caught.value)
    assert fake.kinds() == {"oauth.token": 1}  # a refusal is not retried
    assert fake.authority.grants == []


def test_credentials_from_environment_variable(
    fake: FakeGoogle, key: Path, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(fake)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    backend = GoogleBackend(fake.settings(), sleep=sleeps.append)
    try:
        assert backend.read("src", ["ชีต2"])["ชีต2"][0] == ["รหัส", "วันที่"]
    finally:
        backend.close()


def test_no_credentials_says_what_to_set(fake: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(ConfigError) as caught:
        GoogleBackend(fake.settings())
    assert "google.credentials" in caught.value.fix and "pipeline auth login" in caught.value.fix


def test_example_credentials_file_is_a_placeholder(fake: FakeGoogle) -> None:
    example = ROOT / "credentials.example.json"
    info = json.loads(example.read_text(encoding="utf-8"))
    for field in (
        "type",
        "project_id",
        "private_key_id",
        "private_key",
        "client_email",
        "client_id",
        "auth_uri",
        "token_uri",
        "auth_provider_x509_cert_url",
        "client_x509_cert_url",
        "universe_domain",
    ):
        assert field in info
    assert "BEGIN PRIVATE KEY" not in example.read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        GoogleBackend(fake.settings(credentials=example))
    assert "placeholders" in str(caught.value)


def test_oauth_client_file_given_as_key_is_explained(fake: FakeGoogle, tmp_path: Path) -> None:
    client = tmp_path / "client.json"
    client.write_text(json.dumps({"installed": {"client_id": "x", "client_secret": "y"}}))
    with pytest.raises(ConfigError) as caught:
        GoogleBackend(fake.settings(credentials=client))
    assert "OAuth client file" in str(caught.value) and "auth login" in caught.value.fix


class FakeFlow:
    """Stands in for InstalledAppFlow: the browser step returns the user's credentials at once."""

    def __init__(self, info: Mapping[str, Any]) -> None:
        self.info = info
        self.calls: list[dict[str, Any]] = []

    def __call__(self, client_secrets: Path, scopes: Sequence[str]) -> FakeFlow:
        self.calls.append({"client_secrets": client_secrets, "scopes": tuple(scopes)})
        return self

    def run_local_server(self, **kwargs: Any) -> google.oauth2.credentials.Credentials:
        self.calls.append(kwargs)
        return google.oauth2.credentials.Credentials(  # type: ignore[no-untyped-call]
            token=None,
            refresh_token=self.info["refresh_token"],
            token_uri=self.info["token_uri"],
            client_id=self.info["client_id"],
            client_secret=self.info["client_secret"],
            scopes=list(SCOPES),
        )


def test_oauth_login_saves_a_private_token_the_backend_can_use(
    fake: FakeGoogle, tmp_path: Path, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    prepare(fake)
    client = tmp_path / "client.json"
    client.write_text(json.dumps({"installed": {"client_id": "fake-client.apps.googleusercontent.com"}}))
    token = tmp_path / "state" / "google-token.json"
    token.parent.mkdir()
    token.write_text("{}")
    token.chmod(0o644)  # an old, too readable file is replaced
    flow = FakeFlow(fake.user_login(frozenset(SCOPES)))
    settings = fake.settings(oauth_client=client, token_cache=token)

    assert login(settings, flow_factory=flow, open_browser=False) == token

    assert stat.S_IMODE(os.stat(token).st_mode) == 0o600
    assert flow.calls[0] == {"client_secrets": client, "scopes": SCOPES}
    assert flow.calls[1] == {"port": 0, "open_browser": False}
    assert json.loads(token.read_text())["refresh_token"].startswith("fake-refresh-")
    assert [p.name for p in token.parent.iterdir()] == ["google-token.json"]  # no temporary file left
    backend = GoogleBackend(settings, sleep=sleeps.append, token_url=fake.url)
    try:
        assert backend.read("src", ["ชีต2"])["ชีต2"][1] == ["5601", 45323]
    finally:
        backend.close()
    assert [g.grant_type for g in fake.authority.grants] == ["refresh_token"]


def test_login_needs_the_oauth_client(fake: FakeGoogle, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        login(fake.settings(token_cache=tmp_path / "t.json"), flow_factory=FakeFlow({}))
    assert "oauth_client" in str(caught.value)


def test_credentials_are_never_logged(
    fake: FakeGoogle, key: Path, sleeps: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    prepare(fake)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    names = [
        "",
        "google",
        "google.auth",
        "google.oauth2",
        "googleapiclient",
        "gspread",
        "urllib3",
        "google_auth_httplib2",
    ]
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).addHandler(handler)
    try:
        with backend_for(fake, key, sleeps) as backend:
            cycle(backend)
    finally:
        for name, (level, propagate) in saved.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).propagate = propagate
            logging.getLogger(name).removeHandler(handler)
    assertion = next(r for r in fake.requests if r.kind == "oauth.token").body.decode()
    secrets = [g.token for g in fake.authority.grants]
    secrets.append(assertion.split("assertion=")[1][:60])
    secrets.append(json.loads(key.read_text())["private_key"].splitlines()[1])
    text = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in records) + capsys.readouterr().out
    assert records  # logging really was on
    for secret in secrets:
        assert secret not in text


# ---------------------------------------------------------------- reading


def test_read_is_one_metadata_get_and_one_batch_get(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend:
        grids = backend.read("src", ["การตอบแบบฟอร์ม 1", "ชีต2"])
        assert backend.request_counts() == {"oauth.token": 1, "sheets.get": 1, "sheets.batchGet": 1}
        assert backend.timezones == {"src": "Asia/Bangkok"}
    assert fake.kinds() == {"oauth.token": 1, "sheets.get": 1, "sheets.batchGet": 1}
    (meta,) = [r for r in fake.requests if r.kind == "sheets.get"]
    assert "properties.timeZone" in meta.query["fields"][0]
    (batch,) = [r for r in fake.requests if r.kind == "sheets.batchGet"]
    assert batch.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert batch.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    assert batch.query["ranges"] == ["'การตอบแบบฟอร์ม 1'", "'ชีต2'"]
    assert grids["การตอบแบบฟอร์ม 1"][1] == [serial(datetime(2024, 1, 15, 9, 30)), "เมืองพะเยา", "เวียง", 3]
    assert grids["การตอบแบบฟอร์ม 1"][2][-1] == "=ตรวจแล้ว"


def test_dates_come_back_as_serial_numbers(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend:
        grids = backend.read("src", ["ชีต2", "การตอบแบบฟอร์ม 1"])
    assert grids["ชีต2"][1] == ["5601", 45323]  # 2024-02-01
    stamp = grids["การตอบแบบฟอร์ม 1"][1][0]
    assert isinstance(stamp, float) and stamp == pytest.approx(45306 + 9.5 / 24)


def test_first_tab_costs_one_metadata_request(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend:
        grids = backend.read("src", [""])
    assert grids[""][0][0] == "ประทับเวลา"
    assert fake.kinds() == {"oauth.token": 1, "sheets.get": 1, "sheets.batchGet": 1}


def test_trailing_empty_cells_and_rows_are_trimmed(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.add_spreadsheet("src", {"t": [["a", "", "c", "", ""], ["", "", ""], ["x"], ["", ""], [None]]})
    with backend_for(fake, key, sleeps) as backend:
        assert backend.read("src", ["t"]) == {"t": [["a", None, "c"], [], ["x"]]}


def test_missing_tab_names_spreadsheet_tab_and_fix(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend, pytest.raises(SourceError) as caught:
        backend.read("src", ["ชีต2", "แบบสอบถาม"])
    message = str(caught.value)
    assert "src" in message and "'แบบสอบถาม'" in message and "การตอบแบบฟอร์ม 1" in message
    assert "tab" in caught.value.fix
    assert fake.kinds() == {"oauth.token": 1, "sheets.get": 1}


def test_unshared_spreadsheet_says_whom_to_share_with(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    prepare(fake)
    fake.forbid("src")
    fake.forbid("out")
    with backend_for(fake, key, sleeps) as backend:
        with pytest.raises(SourceError) as reading:
            backend.read("src", ["ชีต2"])
        with pytest.raises(BackendError) as writing:
            backend.write("out", TABLES)
    assert EMAIL in reading.value.fix and "Viewer" in reading.value.fix
    assert EMAIL in writing.value.fix and "Editor" in writing.value.fix
    assert sleeps == []


def test_unknown_spreadsheet(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    with backend_for(fake, key, sleeps) as backend, pytest.raises(SourceError) as caught:
        backend.read("nope", ["x"])
    assert "spreadsheet nope" in str(caught.value)


# ---------------------------------------------------------------- writing


def test_write_is_one_metadata_request_and_one_batch_update(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend:
        backend.write("out", TABLES)
        assert backend.request_counts() == {"oauth.token": 1, "sheets.get": 1, "sheets.batchUpdate": 1}
    kinds = fake.kinds()
    assert kinds["sheets.batchUpdate"] == 1 and kinds.get("sheets.values.batchUpdate", 0) <= 1
    assert sum(kinds.values()) - kinds["oauth.token"] <= 3
    assert fake.tabs("out") == ["คู่มือ", "คะแนนรายตำบล", "รายการที่ต้องแก้ไข"]
    assert fake.values("out", "คู่มือ") == [["อ่านก่อน"]]


def test_written_tabs_are_formatted(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend:
        backend.write("out", TABLES)
    book = fake.spreadsheet("out")
    scores = book.by_title("คะแนนรายตำบล")
    assert scores.frozen_rows == 1
    assert (scores.rows, scores.cols) == (3, 5)
    assert scores.formats[(0, 0)]["textFormat"]["bold"] is True
    assert scores.col_widths == {0: 115, 1: 115, 2: 58, 3: 58, 4: 216}
    assert scores.formats[(1, 2)]["numberFormat"]["pattern"] == "0.00"
    assert "backgroundColor" in scores.formats[(1, 3)]  # level 3
    assert scores.basic_filter is not None
    issues = book.by_title("รายการที่ต้องแก้ไข")
    assert issues.values[(1, 2)] == 45306
    assert issues.formats[(1, 2)]["numberFormat"]["type"] == "DATE"
    assert issues.formats[(2, 2)]["numberFormat"]["type"] == "DATE_TIME"


def test_formula_looking_text_stays_text(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    texts = ["=1+1", "+66", "-", "@x", "=SUM(A1:A2)", "'quoted"]
    table = Table("t", "ข้อความ", [Column("text", "ข้อความ", kind="user")], [[t] for t in texts])
    with backend_for(fake, key, sleeps) as backend:
        backend.write("out", [table])
        grids = backend.read("out", ["ข้อความ"])
    assert grids["ข้อความ"] == [["ข้อความ"], *([t] for t in texts)]
    stored = [row[0] for row in fake.values("out", "ข้อความ")[1:]]
    assert stored == texts and all(isinstance(v, str) for v in stored)
    body = next(r for r in fake.requests if r.kind == "sheets.batchUpdate").body.decode()
    assert "formulaValue" not in body


def test_the_fake_does_turn_user_entered_text_into_formulas(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    """The control for the test above: the same text sent USER_ENTERED does not stay text (RAW does)."""
    fake.add_spreadsheet("out", {"Sheet1": []})
    with backend_for(fake, key, sleeps) as backend:
        client = gspread.Client(auth=backend.auth.credentials, http_client=type(backend._http))
        client.open_by_key("out").sheet1.update([["=1+1", "+66", "-"]], "A1", raw=False)
        backend._http.values_batch_update(
            "out",
            {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A2", "values": [["=1+1", "+66", "-"]]}]},
        )
        assert backend.read("out", ["Sheet1"])["Sheet1"] == [[2, 66, "-"], ["=1+1", "+66", "-"]]
    assert fake.values("out", "Sheet1")[0][0] == Formula("=1+1")


def test_rewrite_replaces_rows_in_place(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    before = fake.spreadsheet("out").by_title("คะแนนรายตำบล").sheet_id
    shorter = Table("scores", "คะแนนรายตำบล", COLUMNS, [["พะเยา", "แม่ใส", 1.0, 1, None]])
    with backend_for(fake, key, sleeps) as backend:
        backend.write("out", TABLES)
        backend.write("out", [shorter])
        grids = backend.read("out", ["คะแนนรายตำบล"])
    assert grids["คะแนนรายตำบล"] == [[c.header for c in COLUMNS], ["พะเยา", "แม่ใส", 1, 1]]
    sheet = fake.spreadsheet("out").by_title("คะแนนรายตำบล")
    assert sheet.sheet_id == before  # formulas elsewhere pointing at the tab keep working
    assert max(r for r, _ in sheet.values) == 1


def test_write_rejects_a_row_of_the_wrong_length(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    bad = Table("t", "ท", [Column("a", "ก")], [["x", "y"]])
    with backend_for(fake, key, sleeps) as backend, pytest.raises(BackendError) as caught:
        backend.write("out", [bad])
    assert "row 2" in str(caught.value)
    assert fake.requests == []


def test_a_refused_batch_leaves_every_previous_tab(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    before = fake.snapshot("out")
    fake.inject(Fault(at=1, kind="sheets.batchUpdate", status=400))
    with backend_for(fake, key, sleeps) as backend, pytest.raises(BackendError) as caught:
        backend.write("out", TABLES)
    assert "refused" in str(caught.value)
    assert fake.snapshot("out") == before
    assert fake.kinds()["sheets.get"] == 2  # the plan's new tabs were checked for, and are absent


def test_the_fake_applies_a_batch_update_all_or_nothing(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    prepare(fake)
    before = fake.snapshot("out")
    requests = [
        {"addSheet": {"properties": {"title": "ใหม่"}}},
        {"updateCells": {"start": {"sheetId": 999}, "rows": [], "fields": "*"}},
    ]
    with backend_for(fake, key, sleeps) as backend, pytest.raises(Exception, match="No grid with id"):
        backend._http.batch_update("out", {"requests": requests})
    assert fake.snapshot("out") == before


def test_a_lost_answer_to_an_applied_batch_is_recognised(
    fake: FakeGoogle, key: Path, sleeps: list[float], clean: dict[str, Any]
) -> None:
    prepare(fake)
    fake.inject(Fault(at=1, kind="sheets.batchUpdate", lost=True))
    with backend_for(fake, key, sleeps) as backend:
        grids = cycle(backend)
    assert grids == clean["grids"]
    assert fake.snapshot("out") == clean["out"]
    assert fake.kinds()["sheets.batchUpdate"] == 2  # the retry hit "already exists"...
    assert fake.kinds()["sheets.get"] == 3  # ...and a metadata check found the first attempt applied


# ---------------------------------------------------------------- faults


def test_clean_cycle_request_sequence(
    fake: FakeGoogle, key: Path, sleeps: list[float], clean: dict[str, Any]
) -> None:
    prepare(fake)
    with backend_for(fake, key, sleeps) as backend:
        cycle(backend)
        counts = backend.request_counts()
    assert [r.kind for r in fake.requests] == CLEAN_SEQUENCE
    assert counts == fake.kinds()
    assert fake.snapshot("out") == clean["out"]
    assert sleeps == []


SINGLE_FAULTS: dict[str, Callable[[int], Fault]] = {
    "429": lambda at: Fault(at=at, status=429),
    "429+Retry-After": lambda at: Fault(at=at, status=429, retry_after="2"),
    "500": lambda at: Fault(at=at, status=500),
    "503": lambda at: Fault(at=at, status=503),
    "reset": lambda at: Fault(at=at, reset=True),
    "lost answer": lambda at: Fault(at=at, lost=True),
}


@pytest.mark.parametrize("position", range(1, len(CLEAN_SEQUENCE) + 1))
@pytest.mark.parametrize("fault", SINGLE_FAULTS)
def test_one_fault_anywhere_in_a_cycle_is_absorbed(
    fake: FakeGoogle, key: Path, sleeps: list[float], clean: dict[str, Any], fault: str, position: int
) -> None:
    prepare(fake)
    fake.inject(SINGLE_FAULTS[fault](position))
    with backend_for(fake, key, sleeps) as backend:
        grids = cycle(backend)
    assert grids == clean["grids"]
    assert fake.snapshot("out") == clean["out"]
    # a quota refusal waits at least half the backoff step ("equal jitter"), others "full jitter"
    assert sleeps == {"429+Retry-After": [2.0], "429": [0.75]}.get(fault, [0.5])
    assert fake.requests[position - 1].fault is not None


PERSISTENT: dict[str, Callable[[int], Fault]] = {
    "429": lambda at: Fault(at=at, status=429, times=100),
    "500": lambda at: Fault(at=at, status=500, times=100),
    "503": lambda at: Fault(at=at, status=503, retry_after="1", times=100),
    "reset": lambda at: Fault(at=at, reset=True, times=100),
    "lost answer": lambda at: Fault(at=at, lost=True, times=100),
}


@pytest.mark.parametrize("position", range(1, len(CLEAN_SEQUENCE) + 1))
@pytest.mark.parametrize("fault", PERSISTENT)
def test_a_lasting_fault_ends_in_a_clean_error_with_tabs_intact(
    fake: FakeGoogle, key: Path, sleeps: list[float], clean: dict[str, Any], fault: str, position: int
) -> None:
    prepare(fake)
    before = fake.snapshot("out")
    fake.inject(PERSISTENT[fault](position))
    attempts = 3
    with (
        backend_for(fake, key, sleeps, max_attempts=attempts) as backend,
        pytest.raises(BackendError) as caught,
    ):
        cycle(backend)
    assert isinstance(caught.value, QuotaError) == (fault == "429")
    assert caught.value.fix and "attempts" in str(caught.value)
    if fault == "429":  # waited out past the minute Google takes to refill the quota
        assert sum(sleeps) >= 60 and len(sleeps) > attempts - 1
    else:
        assert len(sleeps) == attempts - 1
    assert len(fake.requests) == position + len(sleeps)
    after = fake.snapshot("out")
    if fault == "lost answer" and position == len(CLEAN_SEQUENCE):
        assert after in (before, clean["out"])  # applied, but the answer never came: never half of it
    else:
        assert after == before


def test_an_answer_that_never_comes_times_out_and_is_retried(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    # Every request stalls, from the very first (the token): each attempt ends by the
    # client's timeout whatever the machine's speed, and none ends otherwise.
    prepare(fake)
    fake.inject(Fault(at=1, delay=30.0, times=100))
    with (
        backend_for(fake, key, sleeps, timeout=5.0, max_attempts=2) as backend,
        pytest.raises(BackendError) as caught,
    ):
        backend.read("src", ["ชีต2"])
    assert "within 5.0 s" in str(caught.value) and caught.value.fix
    assert len(sleeps) == 1 and [r.kind for r in fake.requests] == ["oauth.token"] * 2


def test_sleep_receives_an_http_date_retry_after(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    when = format_datetime(datetime.fromtimestamp(1_700_000_000 + 42, tz=UTC), usegmt=True)
    fake.inject(Fault(at=1, kind="sheets.batchGet", status=429, retry_after=when))
    with backend_for(fake, key, sleeps) as backend:
        backend.read("src", ["ชีต2"])
    assert sleeps == [42.0]


def test_attempts_are_bounded(fake: FakeGoogle, key: Path, sleeps: list[float]) -> None:
    prepare(fake)
    fake.inject(Fault(at=1, kind="sheets.batchGet", status=503, times=100))
    with backend_for(fake, key, sleeps, max_attempts=4) as backend, pytest.raises(BackendError) as caught:
        backend.read("src", ["ชีต2"])
    assert fake.kinds()["sheets.batchGet"] == 4
    assert len(sleeps) == 3
    assert "4 attempts" in str(caught.value) and "503" in str(caught.value)


def test_a_tab_differing_only_in_case_is_updated_and_renamed(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    fake.add_spreadsheet("out", {"Scores": [["old"]], "Sheet1": []})
    before = fake.spreadsheet("out").by_title("Scores").sheet_id
    table = Table("scores", "scores", [Column("a", "ก")], [["x"]])
    with backend_for(fake, key, sleeps) as backend:
        backend.write("out", [table])
    assert fake.tabs("out") == ["scores", "Sheet1"]
    assert fake.spreadsheet("out").by_title("scores").sheet_id == before


def test_writing_to_a_spreadsheet_that_does_not_exist(
    fake: FakeGoogle, key: Path, sleeps: list[float]
) -> None:
    with backend_for(fake, key, sleeps) as backend, pytest.raises(BackendError) as caught:
        backend.write("no-such-output", TABLES)
    assert "spreadsheet no-such-output" in str(caught.value)
    assert "Editor" in caught.value.fix and "created by a person" in caught.value.fix
