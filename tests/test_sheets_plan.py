"""Publishing at a province's size: body cap, staging sheets, unchanged tabs, Google's limits.

The plan is pure (sheets_plan); each behaviour is checked where it matters, on the
local fake Google through the unmodified gspread, over real HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pipeline.backends.google import GoogleBackend
from pipeline.backends.google_errors import Refused, sheets_error
from pipeline.backends.sheets_cells import CELL_LIMIT, cut, dumps
from pipeline.backends.sheets_plan import STAGING_PREFIX, plan_publish
from pipeline.backends.sheets_tab import DIGEST_KEY
from pipeline.errors import BackendError, ConfigError
from pipeline.models import Column, Table
from pipeline.settings import Settings
from pipeline.settings_loader import load_settings
from tests.fake_google import FakeGoogle, Fault

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "cd-pipeline@fake-project.iam.gserviceaccount.com"
CAP = 262_144  # the smallest cap the settings accept: a few hundred rows make a publish "large"
BIG = 2500  # member rows: about 2.5 times the cap

MEMBER_COLUMNS = [
    Column("district", "อำเภอ", 14),
    Column("tambon", "ตำบล", 14),
    Column("name", "ชื่อ-สกุล", 24, "user"),
    Column("role", "ตำแหน่ง", 20),
    Column("phone", "โทรศัพท์", 12, "user"),
    Column("since", "วันที่แต่งตั้ง", 12, "int"),
]


def members(count: int, tag: str = "") -> Table:
    rows = [
        [
            f"อำเภอเมือง{i % 9}",
            f"ตำบลแม่ต๋ำ{i % 68}",
            f"นางสาวสมศรี ใจดีมาก{tag}{i}",
            "กรรมการ",
            "081-234-5678",
            2566,
        ]
        for i in range(count)
    ]
    return Table("registry_members", "รายชื่อกรรมการ ศอช.", list(MEMBER_COLUMNS), rows)


def small(tag: str = "") -> Table:
    return Table("runs", "บันทึกการทำงาน", [Column("status", "สถานะ")], [[f"สำเร็จ{tag}"]])


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        yield server


@pytest.fixture
def key(fake: FakeGoogle, tmp_path: Path) -> Path:
    return fake.service_account(tmp_path / "key.json", EMAIL)


@contextmanager
def backend_for(
    fake: FakeGoogle, key: Path, sleeps: list[float] | None = None, **overrides: Any
) -> Iterator[GoogleBackend]:
    settings = fake.settings(credentials=key, **({"max_body_bytes": CAP} | overrides))
    backend = GoogleBackend(settings, sleep=(sleeps if sleeps is not None else []).append, rng=lambda: 0.5)
    try:
        yield backend
    finally:
        backend.close()


def batch_bodies(fake: FakeGoogle) -> list[dict[str, Any]]:
    return [r.json() for r in fake.requests if r.kind == "sheets.batchUpdate"]


def visible(fake: FakeGoogle, spreadsheet_id: str) -> dict[str, Any]:
    book = fake.spreadsheet(spreadsheet_id)
    return {s.title: s.grid() for s in sorted(book.sheets, key=lambda s: s.index) if not s.hidden}


def test_a_large_publish_is_staged_in_bodies_under_the_cap(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"คู่มือ": [["อ่านก่อน"]], "รายชื่อกรรมการ ศอช.": [["เก่า"]]})
    tab_id = fake.spreadsheet("out").by_title("รายชื่อกรรมการ ศอช.").sheet_id
    table = members(BIG)
    with backend_for(fake, key) as backend:
        backend.write("out", [table, small()])
        publish = backend.last_publish
        grids = backend.read("out", [table.title])
    assert publish is not None and publish.staged == [table.title]
    sizes = [len(r.body) for r in fake.requests if r.kind == "sheets.batchUpdate"]
    assert len(sizes) >= 3 and max(sizes) <= CAP
    assert grids[table.title] == [[c.header for c in MEMBER_COLUMNS], *table.rows]
    book = fake.spreadsheet("out")
    assert book.by_title(table.title).sheet_id == tab_id  # copied over, not replaced: links keep working
    assert [s.title for s in book.sheets if s.title.startswith(STAGING_PREFIX)] == []
    assert fake.tabs("out") == ["คู่มือ", table.title, "บันทึกการทำงาน"]
    *fills, final = batch_bodies(fake)
    assert all("copyPaste" not in r for body in fills for r in body["requests"])
    assert [r for r in final["requests"] if "copyPaste" in r]  # the swap is the last batch alone
    added = [r["addSheet"]["properties"] for body in fills for r in body["requests"] if "addSheet" in r]
    assert [p["hidden"] for p in added] == [True]


def test_bodies_are_compact_utf8_json(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    with backend_for(fake, key) as backend:
        backend.write("out", [members(10)])
    (request,) = [r for r in fake.requests if r.kind == "sheets.batchUpdate"]
    assert "สมศรี".encode() in request.body and b"\\u0e" not in request.body
    assert b'", "' not in request.body  # no spaces after separators


def test_an_unchanged_tab_is_not_sent_again(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    with backend_for(fake, key) as backend:
        backend.write("out", [members(50), small("1")])
        fake.clear_log()
        backend.write("out", [members(50), small("1")])
        assert fake.kinds().get("sheets.batchUpdate", 0) == 0  # nothing changed: nothing sent
        backend.write("out", [members(50), small("2")])
        publish = backend.last_publish
    assert publish is not None and publish.changed == ["บันทึกการทำงาน"]
    (body,) = batch_bodies(fake)
    run_log = fake.spreadsheet("out").by_title("บันทึกการทำงาน").sheet_id
    sheet_ids = {v for r in body["requests"] for v in _sheet_ids(r)}
    assert sheet_ids == {run_log}
    assert fake.values("out", "บันทึกการทำงาน") == [["สถานะ"], ["สำเร็จ2"]]


def test_a_tab_edited_by_hand_into_another_size_is_rewritten(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    with backend_for(fake, key) as backend:
        backend.write("out", [small()])
        fake.spreadsheet("out").by_title("บันทึกการทำงาน").rows = 500  # someone added rows
        backend.write("out", [small()])
        publish = backend.last_publish
    assert publish is not None and publish.changed == ["บันทึกการทำงาน"]
    assert fake.spreadsheet("out").by_title("บันทึกการทำงาน").rows == 2


def _sheet_ids(value: Any) -> Iterator[int]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "sheetId":
                yield int(v)
            else:
                yield from _sheet_ids(v)
    elif isinstance(value, list):
        for item in value:
            yield from _sheet_ids(item)


def test_a_failure_while_staging_leaves_the_old_tabs_and_the_next_run_cleans_up(
    fake: FakeGoogle, key: Path
) -> None:
    fake.add_spreadsheet("out", {"คู่มือ": [["อ่านก่อน"]], "รายชื่อกรรมการ ศอช.": [["เก่า"]]})
    before = visible(fake, "out")
    fake.inject(Fault(at=2, kind="sheets.batchUpdate", status=503, times=100))
    with backend_for(fake, key, max_attempts=2) as backend, pytest.raises(BackendError):
        backend.write("out", [members(BIG)])
    assert visible(fake, "out") == before  # a reader sees the old tabs, all of them
    left = [s for s in fake.spreadsheet("out").sheets if s.title.startswith(STAGING_PREFIX)]
    assert left and all(s.hidden for s in left)
    fake.faults.clear()
    with backend_for(fake, key) as backend:
        backend.write("out", [members(BIG, "x")])
        publish = backend.last_publish
    assert publish is not None and publish.leftovers == [s.title for s in left]
    assert not [s for s in fake.spreadsheet("out").sheets if s.title.startswith(STAGING_PREFIX)]
    assert fake.values("out", "รายชื่อกรรมการ ศอช.")[1][2] == "นางสาวสมศรี ใจดีมากx0"


@pytest.mark.parametrize("fault", ["lost", "cut"])
@pytest.mark.parametrize("which", [1, "last"])
def test_a_lost_answer_to_a_staged_batch_is_recognised(
    fake: FakeGoogle, key: Path, fault: str, which: int | str
) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    ids = iter(range(1, 10**6))
    planned = plan_publish([members(BIG)], [], new_id=ids.__next__, token="t", max_body=CAP)
    at = len(planned.batches) if which == "last" else 1
    spec = {
        "lost": Fault(at=at, kind="sheets.batchUpdate", lost=True),
        "cut": Fault(at=at, kind="sheets.batchUpdate", cut=True),
    }
    fake.inject(spec[fault])
    with backend_for(fake, key) as backend:
        backend.write("out", [members(BIG)])
    assert fake.values("out", "รายชื่อกรรมการ ศอช.")[BIG][2] == f"นางสาวสมศรี ใจดีมาก{BIG - 1}"
    assert not [s for s in fake.spreadsheet("out").sheets if s.title.startswith(STAGING_PREFIX)]


def test_a_rewritten_tab_loses_its_old_charts_protections_and_bandings_first() -> None:
    old = {
        "properties": {
            "sheetId": 7,
            "title": "บันทึกการทำงาน",
            "index": 0,
            "gridProperties": {"rowCount": 9, "columnCount": 1},
        },
        "charts": [{"chartId": 11}],
        "protectedRanges": [{"protectedRangeId": 12}],
        "bandedRanges": [{"bandedRangeId": 13}],
    }
    publish = plan_publish([small()], [old], new_id=iter(range(100, 200)).__next__, token="t")
    (batch,) = publish.batches
    kinds = [next(iter(r)) for r in batch.requests]
    assert kinds.index("deleteEmbeddedObject") < kinds.index("setBasicFilter")
    assert {"deleteProtectedRange", "deleteBanding"} <= set(kinds)
    assert publish.tabs[0].sheet_id == 7


# ---------------------------------------------------------------- the plan alone (case tables)


def existing(
    title: str, sheet_id: int, rows: int, columns: int, *, digest: str = "", hidden: bool = False
) -> dict[str, Any]:
    """A tab as spreadsheets.get describes it (SHEET_FIELDS)."""
    grid = {"rowCount": rows, "columnCount": columns}
    properties = {"sheetId": sheet_id, "title": title, "index": 0, "hidden": hidden, "gridProperties": grid}
    metadata = [{"metadataId": 90, "metadataKey": DIGEST_KEY, "metadataValue": digest}] if digest else []
    return {"properties": properties, "developerMetadata": metadata}


SMALL = small()  # 2 rows (header and one row) x 1 column
SMALL_DIGEST = plan_publish([SMALL], [], new_id=lambda: 7, token="t").tabs[0].digest
BLANK = existing("Sheet1", 0, 1000, 26)  # a new spreadsheet's only tab: 26,000 cells
LEFTOVER = existing(STAGING_PREFIX + "dead_1", 5, 10, 1)  # from a publish that failed half-way

# the spreadsheet's tabs -> (titles rewritten, staging sheets cleaned, batches, cells after, peak cells)
PLAN_CASES: list[tuple[str, list[dict[str, Any]], tuple[list[str], list[str], int, int, int]]] = [
    ("new tab", [BLANK], ([SMALL.title], [], 1, 26_002, 26_002)),
    (
        "unchanged tab",
        [BLANK, existing(SMALL.title, 7, 2, 1, digest=SMALL_DIGEST)],
        ([], [], 0, 26_002, 26_002),
    ),
    ("other content", [existing(SMALL.title, 7, 2, 1, digest="0" * 40)], ([SMALL.title], [], 1, 2, 2)),
    ("no digest", [existing(SMALL.title, 7, 2, 1)], ([SMALL.title], [], 1, 2, 2)),
    (
        "resized by hand",
        [existing(SMALL.title, 7, 40, 3, digest=SMALL_DIGEST)],
        ([SMALL.title], [], 1, 2, 120),
    ),
    (
        "hidden by hand",
        [existing(SMALL.title, 7, 2, 1, digest=SMALL_DIGEST, hidden=True)],
        ([SMALL.title], [], 1, 2, 2),
    ),
    (
        "title in other case",
        [existing(SMALL.title.upper() + "X", 8, 2, 1), BLANK],
        ([SMALL.title], [], 1, 26_004, 26_004),
    ),
    (
        "leftover staging",
        [BLANK, LEFTOVER],
        ([SMALL.title], [LEFTOVER["properties"]["title"]], 1, 26_002, 26_010),
    ),
    (
        "leftover, tab unchanged",
        [existing(SMALL.title, 7, 2, 1, digest=SMALL_DIGEST), LEFTOVER],
        ([], [LEFTOVER["properties"]["title"]], 1, 2, 12),
    ),
]


@pytest.mark.parametrize(("case", "sheets", "expected"), PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
def test_plan_publish(
    case: str, sheets: list[dict[str, Any]], expected: tuple[list[str], list[str], int, int, int]
) -> None:
    publish = plan_publish([SMALL], sheets, new_id=lambda: 7, token="t")
    assert (
        publish.changed,
        publish.leftovers,
        len(publish.batches),
        publish.cells_after,
        publish.cells_peak,
    ) == expected
    assert publish.staged == []
    if publish.batches:
        final = publish.batches[-1]
        assert final.final
        deleted = [r["deleteSheet"]["sheetId"] for r in final.requests if "deleteSheet" in r]
        assert deleted == [int(s["properties"]["sheetId"]) for s in sheets if s is LEFTOVER]


# body cap -> whether the member list is staged (the small tab never is)
CAP_CASES = [(10_000_000, False), (2_000_000, False), (CAP, True), (100_000, True)]


@pytest.mark.parametrize(("cap", "staged"), CAP_CASES)
def test_every_batch_fits_the_cap(cap: int, staged: bool) -> None:
    table = members(BIG)
    ids = iter(range(100, 10_000))
    publish = plan_publish([table, SMALL], [BLANK], new_id=ids.__next__, token="t", max_body=cap)
    assert publish.changed == [table.title, SMALL.title]
    assert publish.staged == ([table.title] if staged else [])
    assert all(len(dumps({"requests": b.requests})) <= cap for b in publish.batches)
    assert [b.final for b in publish.batches] == [False] * (len(publish.batches) - 1) + [True]
    assert (len(publish.batches) > 2) == staged
    staging = (BIG + 1) * len(MEMBER_COLUMNS) if staged else 0
    assert publish.cells_after == 26_000 + (BIG + 1) * len(MEMBER_COLUMNS) + 2
    assert publish.cells_peak == max(publish.cells_after, 26_000 + staging)


def test_a_last_batch_over_the_cap_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(BackendError) as caught:
        plan_publish([SMALL], [BLANK], new_id=lambda: 7, token="t", max_body=100, where="spreadsheet S")
    assert "over the cap of 100" in caught.value.message and "google.max_body_bytes" in caught.value.fix


# ---------------------------------------------------------------- Google's limits


def test_a_cell_over_50000_characters_is_cut_with_a_visible_marker(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    long = "ก" * 80_000
    table = Table("issues", "รายการ", [Column("value", "ค่าที่กรอก", kind="user")], [[long], ["สั้น"]])
    with backend_for(fake, key, max_body_bytes=2_000_000) as backend:
        backend.write("out", [table])
    stored = fake.values("out", "รายการ")[1][0]
    assert isinstance(stored, str) and len(stored) == CELL_LIMIT
    assert stored == cut(long) and stored.endswith("ตัวอักษร: ข้อความเต็มอยู่ในแบบฟอร์มต้นทาง]")
    assert fake.values("out", "รายการ")[2] == ["สั้น"]


def test_the_fake_refuses_a_cell_over_50000_characters(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [["x" * 50_001]]}]}
    with backend_for(fake, key) as backend, pytest.raises(BackendError, match="50000 characters"):
        try:
            backend._http.values_batch_update("out", body)
        except Refused as exc:
            raise sheets_error(exc, "out", reading=False, auth=backend.auth, max_body=2_000_000) from exc


def test_ten_million_cells_are_checked_before_anything_is_sent(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"ข้อมูลเก่า": [["x"]]})
    fake.spreadsheet("out").by_title("ข้อมูลเก่า").rows = 9_999_000  # 9,999,000 cells already
    with backend_for(fake, key) as backend, pytest.raises(BackendError) as caught:
        backend.write("out", [members(200)])
    assert "10,000,000" in str(caught.value)
    assert "output.members_spreadsheet" in caught.value.fix
    assert fake.kinds().get("sheets.batchUpdate", 0) == 0


def test_the_fake_counts_cells_against_ten_million(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    grow = {
        "requests": [
            {
                "addSheet": {
                    "properties": {"title": "ใหญ่", "gridProperties": {"rowCount": 400_000, "columnCount": 26}}
                }
            }
        ]
    }
    with backend_for(fake, key) as backend, pytest.raises(Exception, match="10000000 cells"):
        backend._http.batch_update("out", grow)


def test_google_s_html_413_is_classified_by_status(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    fake.inject(Fault(at=1, kind="sheets.batchUpdate", status=413, html=True))
    with backend_for(fake, key) as backend, pytest.raises(BackendError) as caught:
        backend.write("out", [small()])
    assert "HTTP 413" in str(caught.value) and "-1" not in str(caught.value)
    assert "<html" not in str(caught.value)
    assert "google.max_body_bytes" in caught.value.fix


def test_the_fake_answers_a_body_over_10_mb_with_an_html_413(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    with backend_for(fake, key) as backend, pytest.raises(Refused) as caught:
        backend._http.batch_update("out", {"requests": [{"x": "ก" * 3_600_000}]})  # 10.8 MB in UTF-8
    assert caught.value.status == 413
    assert caught.value.body.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("status", [502, 200])
def test_an_html_page_is_retried_then_a_clean_error_with_old_tabs(
    fake: FakeGoogle, key: Path, status: int
) -> None:
    fake.add_spreadsheet("out", {"คู่มือ": [["อ่านก่อน"]]})
    before = fake.snapshot("out")
    fake.inject(Fault(at=1, kind="sheets.batchUpdate", status=status, html=True, times=100))
    sleeps: list[float] = []
    with backend_for(fake, key, sleeps, max_attempts=3) as backend, pytest.raises(BackendError) as caught:
        backend.write("out", [small()])
    assert len(sleeps) == 2 and fake.kinds()["sheets.batchUpdate"] == 3
    assert f"HTTP {status}" in str(caught.value) and "Error" in str(caught.value)
    assert fake.snapshot("out") == before


def test_a_cut_answer_to_a_read_is_retried(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("src", {"ชีต1": [["a"], ["b"]]})
    fake.inject(Fault(at=1, kind="sheets.batchGet", cut=True))
    sleeps: list[float] = []
    with backend_for(fake, key, sleeps) as backend:
        assert backend.read("src", ["ชีต1"]) == {"ชีต1": [["a"], ["b"]]}
    assert len(sleeps) == 1


def test_an_html_answer_from_the_token_endpoint_is_a_clean_error(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("src", {"ชีต1": [["a"]]})
    fake.inject(Fault(at=1, kind="oauth.token", status=200, html=True, times=100))
    with backend_for(fake, key, max_attempts=2) as backend, pytest.raises(BackendError) as caught:
        backend.read("src", ["ชีต1"])
    assert "not JSON" in str(caught.value) and "proxy" in caught.value.fix


SETTINGS = """
province: "56"
fiscal_year: 2567
calendar: cal.yaml
sources:
  tambon_assessment: {schema: tambon_assessment, spreadsheet: responses}
"""


def _load(tmp_path: Path, extra: str) -> Settings:
    calendar = ROOT / "config" / "calendar" / "phayao-2567.yaml"
    (tmp_path / "cal.yaml").write_text(calendar.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pipeline.yaml").write_text(SETTINGS + extra, encoding="utf-8")
    return load_settings(tmp_path / "pipeline.yaml")


@pytest.mark.parametrize("bad", ["1000", "20000000", "'2MB'", "true"])
def test_the_body_cap_is_checked_at_load_time(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, f"output: {{spreadsheet: out}}\ngoogle: {{max_body_bytes: {bad}}}\n")
    assert "google.max_body_bytes" in str(caught.value) and "2000000" in str(caught.value)


def test_the_member_list_spreadsheet_setting(tmp_path: Path) -> None:
    settings = _load(
        tmp_path,
        "output: {spreadsheet: out, members_spreadsheet: 'https://docs.google.com/spreadsheets/d/1Mem/edit'}\n",
    )
    assert (settings.output_spreadsheet, settings.members_spreadsheet) == ("out", "1Mem")
    assert settings.google.max_body_bytes == 2_000_000
    with pytest.raises(ConfigError, match="output.members_spreadsheet"):
        _load(tmp_path, "output: {spreadsheet: out, members_spreadsheet: out}\n")


def test_json_size_of_the_plan_matches_what_is_sent(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("out", {"Sheet1": []})
    with backend_for(fake, key) as backend:
        backend.write("out", [members(3000)])
        publish = backend.last_publish
    assert publish is not None
    sent = [len(r.body) for r in fake.requests if r.kind == "sheets.batchUpdate"]
    planned = [
        len(json.dumps({"requests": b.requests}, ensure_ascii=False, separators=(",", ":")).encode())
        for b in publish.batches
    ]
    assert sent == planned


def test_sheets_not_enabled_says_enable_it(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("src", {"ชีต1": [["a"]]})
    fake.disable("sheets")
    with backend_for(fake, key) as backend, pytest.raises(BackendError) as caught:
        backend.read("src", ["ชีต1"])
    assert "enable the Google Sheets API" in caught.value.fix


def test_a_sheets_rate_limit_403_is_retried(fake: FakeGoogle, key: Path) -> None:
    fake.add_spreadsheet("src", {"ชีต1": [["a"]]})
    fake.inject(Fault(at=1, kind="sheets.batchGet", status=403, reason="rateLimitExceeded"))
    sleeps: list[float] = []
    with backend_for(fake, key, sleeps) as backend:
        assert backend.read("src", ["ชีต1"]) == {"ชีต1": [["a"]]}
    assert len(sleeps) == 1
