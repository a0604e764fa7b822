"""Google API requests of one nightly read + publish, GoogleBackend against plain gspread.

Run: .venv/bin/python bench/google_requests.py

Both sides talk to the same local fake Google (tests/fake_google) over HTTP and
are counted by the fake itself. The plain gspread way is what a first version
usually does: open each spreadsheet, get_all_records() on the response tab,
then per output tab clear() + update() + a header format() + freeze() + one
width request per column. The figures are for a second night (the tabs exist
already); a first night adds one addSheet per new tab to the plain way.
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gspread  # noqa: E402
from google.oauth2 import service_account  # noqa: E402

from pipeline.backends.google import DRIVE_ORIGIN, SCOPES, SHEETS_ORIGIN, GoogleBackend  # noqa: E402
from pipeline.models import Column, Grid, Row, Table  # noqa: E402
from tests.fake_google import FakeGoogle  # noqa: E402

RESPONSE_TAB = "การตอบแบบฟอร์ม 1"
INDICATORS = 25  # + timestamp, email, district, tambon, round = 30 columns


def responses(districts: int, tambons: int, rounds: int = 2, seed: int = 1) -> Grid:
    rng = random.Random(seed)
    header = ["ประทับเวลา", "ที่อยู่อีเมล", "อำเภอ", "ตำบล", "รอบ"]
    header += [f"ตัวชี้วัดที่ {i}" for i in range(1, INDICATORS + 1)]
    grid: Grid = [list(header)]
    start = datetime(2024, 1, 8, 8, 0)
    for r in range(1, rounds + 1):
        for t in range(tambons):
            stamp = start + timedelta(days=90 * (r - 1), minutes=rng.randrange(0, 20_000))
            row: Row = [stamp, f"tambon{t}@example.org", f"อำเภอ {t % districts + 1}", f"ตำบล {t + 1}", r]
            grid.append(row + [rng.randint(1, 3) for _ in range(INDICATORS)])
    return grid


def tables(districts: int, tambons: int) -> list[Table]:
    text = [Column(f"c{i}", f"คอลัมน์ {i}") for i in range(1, 5)]
    numbers = [Column(f"n{i}", f"คะแนน {i}", kind="float") for i in range(1, 9)]
    scores = Table(
        "scores",
        "คะแนนรายตำบล",
        text + numbers,
        [["พะเยา", f"อ{t}", f"ต{t}", "ดี"] + [2.5] * 8 for t in range(tambons)],
    )
    summary = Table(
        "districts",
        "สรุปรายอำเภอ",
        text + numbers[:4],
        [["พะเยา", f"อ{d}", "", ""] + [2.0] * 4 for d in range(districts)],
    )
    issues = Table(
        "issues",
        "รายการที่ต้องแก้ไข",
        [*text, Column("row", "แถว", kind="int"), Column("message", "ข้อความ", width=40)],
        [["พะเยา", f"อ{i}", f"ต{i}", "คำเตือน", i + 2, "=ตรวจสอบ"] for i in range(tambons // 10)],
    )
    runs = Table("runs", "บันทึกการทำงาน", text[:3], [["2024-07-01", "ok", "136"]])
    return [scores, summary, issues, runs]


def prepare(fake: FakeGoogle, districts: int, tambons: int) -> None:
    fake.add_spreadsheet("responses", {RESPONSE_TAB: responses(districts, tambons)})
    fake.add_spreadsheet("output", {"Sheet1": []})


def backend_cycle(fake: FakeGoogle, key: Path, districts: int, tambons: int) -> None:
    with GoogleBackend(fake.settings(credentials=key)) as backend:
        backend.read("responses", [RESPONSE_TAB])
        backend.write("output", tables(districts, tambons))


class _PlainHTTPClient(gspread.HTTPClient):
    """Only what reaching the fake needs: gspread's own client with the URLs moved."""

    base = ""

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        for origin in (SHEETS_ORIGIN, DRIVE_ORIGIN):
            if endpoint.startswith(origin):
                endpoint = self.base + endpoint[len(origin) :]
        return super().request(method, endpoint, *args, **kwargs)


def gspread_cycle(fake: FakeGoogle, key: Path, districts: int, tambons: int) -> None:
    _PlainHTTPClient.base = fake.url
    creds = service_account.Credentials.from_service_account_file(str(key), scopes=list(SCOPES))  # type: ignore[no-untyped-call]
    client = gspread.authorize(creds, http_client=_PlainHTTPClient)
    try:
        client.open_by_key("responses").worksheet(RESPONSE_TAB).get_all_records()
        book = client.open_by_key("output")
        for table in tables(districts, tambons):
            values = [[c.header for c in table.columns], *[[_plain(v) for v in row] for row in table.rows]]
            try:
                ws = book.worksheet(table.title)
            except gspread.WorksheetNotFound:
                ws = book.add_worksheet(table.title, rows=len(values) + 1, cols=len(table.columns))
            ws.clear()
            ws.update(values, "A1")
            ws.format("1:1", {"textFormat": {"bold": True}})
            ws.freeze(rows=1)
            for index, column in enumerate(table.columns):
                book.batch_update(
                    {
                        "requests": [
                            {
                                "updateDimensionProperties": {
                                    "range": {
                                        "sheetId": ws.id,
                                        "dimension": "COLUMNS",
                                        "startIndex": index,
                                        "endIndex": index + 1,
                                    },
                                    "properties": {"pixelSize": column.width * 7},
                                    "fields": "pixelSize",
                                }
                            }
                        ]
                    }
                )
    finally:
        client.http_client.session.close()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def measure(cycle: Any, districts: int, tambons: int) -> Mapping[str, Any]:
    with tempfile.TemporaryDirectory() as folder, FakeGoogle() as fake:
        key = fake.service_account(Path(folder) / "key.json")
        prepare(fake, districts, tambons)
        cycle(fake, key, districts, tambons)
        first = fake.kinds()
        fake.clear_log()
        cycle(fake, key, districts, tambons)
        largest = max(len(r.body) for r in fake.requests)
        return {"first": first, "second": fake.kinds(), "largest": largest}


def api(counts: Counter[str]) -> int:
    return sum(n for kind, n in counts.items() if kind != "oauth.token")


def main() -> None:
    provinces = [("demo province: 9 districts, 68 tambons", 9, 68), ("20 districts, 400 tambons", 20, 400)]
    print(
        "Google API requests for one read + publish (1 response tab of ~30 columns, 2 rounds; 4 output tabs)"
    )
    print("token requests (oauth.token) are not counted in 'API'; both sides fetch one per run\n")
    header = f"{'province':42} {'rows':>5}  {'GoogleBackend':>13}  {'plain gspread':>13}  {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for label, districts, tambons in provinces:
        ours = measure(backend_cycle, districts, tambons)
        plain = measure(gspread_cycle, districts, tambons)
        ratio = api(plain["second"]) / api(ours["second"])
        rows = tambons * 2
        print(f"{label:42} {rows:>5}  {api(ours['second']):>13}  {api(plain['second']):>13}  {ratio:>5.1f}x")
        print(
            f"{'  first night (tabs created)':42} {'':>5}  {api(ours['first']):>13}  {api(plain['first']):>13}"
        )
        print(f"{'  GoogleBackend by kind':42} {dict(sorted(ours['second'].items()))}")
        print(f"{'  largest request body (Google advises < 2 MB)':42} {ours['largest'] / 1024:.0f} KB")
        print(f"{'  plain gspread by kind':42} {dict(sorted(plain['second'].items()))}")
    print(
        "\nSheets allows 60 requests a minute per account: the plain way needs a minute's quota or more per"
    )
    print("night for a province; GoogleBackend stays at 3 requests whatever the number of tambons.")


if __name__ == "__main__":
    main()
