"""Google API requests and bytes of one nightly sync, GoogleBackend against the straightforward gspread way.

Run: .venv/bin/python bench/google_requests.py [--json]

For the demo province (Phayao, 68 tambons) and a generated Nakhon Ratchasima
(32 districts, 289 tambons, every committee's members in the registry; without
activity 3 and KPI 3.2, which need the province's own unit lists), every
demo form is generated and put in a local fake Google (tests/fake_google); a real
`pipeline.run.sync` then reads it and publishes every output, member list
included, through GoogleBackend over HTTP. The fake counts the requests and
their bodies.

Phayao uses config/demo.yaml. The straightforward way is what a first version does with gspread: per source
spreadsheet open it and get_all_values() each tab; one Drive files.get per
uploaded file (counted, the same calls GoogleBackend sends in batches); per
output tab open the worksheet, clear(), update() all values, format() the
header, freeze() it and one width request per column. It is played for real
against the same fake with the same tables.

--json prints, as its last line, one JSON object:
{province: {"requests": {kind: n}, "max_body_bytes": N, "total_bytes": N, "naive_requests": N}}.
Targets: the largest body at most 2 MB for both provinces, and at least 5 times
fewer requests than the straightforward way.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gspread  # noqa: E402
import yaml  # noqa: E402
from google.oauth2 import service_account  # noqa: E402

from pipeline.backends.google import GoogleBackend  # noqa: E402
from pipeline.backends.oauth import SCOPES  # noqa: E402
from pipeline.backends.transport import DRIVE_ORIGIN, SHEETS_ORIGIN  # noqa: E402
from pipeline.demo import GENERATORS, SEED, generator  # noqa: E402
from pipeline.models import Grid, Table  # noqa: E402
from pipeline.orgunits import OrgUnits  # noqa: E402
from pipeline.run import sync  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.settings_loader import load_settings  # noqa: E402
from pipeline.state import State  # noqa: E402
from tests.fake_google import FakeGoogle  # noqa: E402

NOW = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Asia/Bangkok"))
PROVINCES = {"phayao": "พะเยา", "nakhon_ratchasima": "นครราชสีมา"}
CAP = 2_000_000


def province_settings(folder: Path, province: str) -> Settings:
    """The demo settings moved to `province`: its calendar relabelled, Phayao's contacts and units left out."""
    raw = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text(encoding="utf-8"))
    calendar = yaml.safe_load(
        (ROOT / "config" / "calendar" / "demo-phayao-2567.yaml").read_text(encoding="utf-8")
    )
    org = OrgUnits.for_province(province)
    calendar["province"] = org.province.name
    (folder / "calendar.yaml").write_text(yaml.safe_dump(calendar, allow_unicode=True), encoding="utf-8")
    raw.update(province=org.province.name, calendar="calendar.yaml", data_dir="data", state_db="state.sqlite")
    raw.setdefault("mail", {})["outbox"] = "outbox"
    if org.province.code != "56":
        for key in ("contacts", "units", "forms"):
            raw.pop(key, None)
        raw["mail"] = {"outbox": "outbox"}  # the demo's sender names Phayao's office
        for key in ("activity3", "kpi32"):  # they need the province's strong tambons and model LAOs
            raw["sources"].pop(key, None)
    elif raw.get("contacts"):
        (folder / "contacts.yaml").write_text(
            (ROOT / "config" / raw["contacts"]).read_text(encoding="utf-8"), encoding="utf-8"
        )
        raw["contacts"] = "contacts.yaml"
    (folder / "pipeline.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return load_settings(folder / "pipeline.yaml")


def source_grids(settings: Settings) -> dict[str, dict[str, Grid]]:
    """Spreadsheet id -> tab -> the demo responses, for every source with a generator."""
    out: dict[str, dict[str, Grid]] = {}
    for key, src in settings.sources.items():
        if key in GENERATORS and src.spreadsheet:
            grid = generator(key)(settings, random.Random(f"{SEED}:{key}"))
            out.setdefault(src.spreadsheet, {})[src.tab or "Form Responses 1"] = grid
    return out


def google_sync(fake: FakeGoogle, folder: Path, settings: Settings) -> tuple[dict[str, Any], list[Table]]:
    key = fake.service_account(folder / "key.json")
    gs = fake.settings(credentials=key, max_body_bytes=CAP)
    settings = replace(settings, backend="google", google=gs)
    with GoogleBackend(gs, sleep=lambda s: None) as backend, State(settings.state_db) as state:
        summary = sync(settings, backend, state, now=NOW)
        tables = [t for n in state.published_names() if (t := state.published(n)) is not None]
    return summary, tables


class _PlainHTTPClient(gspread.HTTPClient):
    """gspread's own client, only moved to the fake."""

    base = ""

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        for origin in (SHEETS_ORIGIN, DRIVE_ORIGIN):
            if endpoint.startswith(origin):
                endpoint = self.base + endpoint[len(origin) :]
        return super().request(method, endpoint, *args, **kwargs)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def naive_sync(
    fake: FakeGoogle, key: Path, sources: dict[str, dict[str, Grid]], tables: list[Table], output: str
) -> str:
    """The straightforward gspread sync, played against the fake; returns "" or why it failed."""
    _PlainHTTPClient.base = fake.url
    creds = service_account.Credentials.from_service_account_file(str(key), scopes=list(SCOPES))  # type: ignore[no-untyped-call]
    client = gspread.authorize(creds, http_client=_PlainHTTPClient)
    try:
        for spreadsheet, tabs in sources.items():
            book = client.open_by_key(spreadsheet)
            for tab in tabs:
                book.worksheet(tab).get_all_values()
        book = client.open_by_key(output)
        for table in tables:
            values = [[c.header for c in table.columns], *[[_plain(v) for v in row] for row in table.rows]]
            try:
                ws = book.worksheet(table.title)
            except gspread.WorksheetNotFound:
                ws = book.add_worksheet(table.title, rows=len(values) + 1, cols=len(table.columns))
            ws.clear()
            try:
                ws.update(values, "A1")
            except gspread.exceptions.APIError as exc:
                return f"{table.title}: HTTP {exc.response.status_code}"
            ws.format("1:1", {"textFormat": {"bold": True}})
            ws.freeze(rows=1)
            for index, column in enumerate(table.columns):
                span = {"sheetId": ws.id, "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1}
                width = {"range": span, "properties": {"pixelSize": column.width * 7}, "fields": "pixelSize"}
                book.batch_update({"requests": [{"updateDimensionProperties": width}]})
    finally:
        client.http_client.session.close()
    return ""


def measure(name: str, province: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, FakeGoogle() as fake:
        folder = Path(tmp)
        settings = province_settings(folder, province)
        started = time.perf_counter()
        sources = source_grids(settings)
        generated = time.perf_counter() - started
        for spreadsheet, tabs in sources.items():
            fake.add_spreadsheet(spreadsheet, tabs)
        fake.add_spreadsheet(settings.output_spreadsheet, {"Sheet1": []})
        started = time.perf_counter()
        summary, tables = google_sync(fake, folder, settings)
        seconds = time.perf_counter() - started
        ours = list(fake.requests)
        kinds = Counter(r.kind for r in ours)
        second = next_night(fake, folder, settings, sources)
        # The plain way makes the same Drive checks; its reads and publish are played for real.
        fake.clear_log()
        fake.add_spreadsheet(settings.output_spreadsheet, {"Sheet1": []})
        failed = naive_sync(fake, folder / "key.json", sources, tables, settings.output_spreadsheet)
        naive = fake.kinds()
        naive["drive.files.get"] += sum(
            r.body.count(b"GET /drive/v3/files/") for r in ours if r.kind == "drive.batch"
        )
        rows = sum(len(g) - 1 for tabs in sources.values() for g in tabs.values())
        members = next((len(t.rows) for t in tables if t.name == "registry_members"), 0)
        return {
            "name": name,
            "province": province,
            "rows": rows,
            "members": members,
            "tabs": len(tables),
            "generated_s": generated,
            "sync_s": seconds,
            "status": summary["status"],
            "requests": dict(sorted((k, v) for k, v in kinds.items() if k != "oauth.token")),
            "max_body_bytes": max((len(r.body) for r in ours), default=0),
            "total_bytes": sum(len(r.body) for r in ours),
            "naive_requests": sum(n for k, n in naive.items() if k != "oauth.token"),
            "naive_by_kind": dict(sorted((k, v) for k, v in naive.items() if k != "oauth.token")),
            "naive_max_body_bytes": max((len(r.body) for r in fake.requests), default=0),
            "naive_failed": failed,
            "second": second,
        }


def next_night(
    fake: FakeGoogle, folder: Path, settings: Settings, sources: dict[str, dict[str, Grid]]
) -> dict[str, Any]:
    """The next night, one tambon having sent its assessment again: only the tabs that change are sent."""
    src = settings.sources["tambon_assessment"]
    tabs = {tab: [list(row) for row in grid] for tab, grid in sources[src.spreadsheet].items()}
    grid = tabs[src.tab or "Form Responses 1"]
    again = list(grid[-1])
    if isinstance(again[0], datetime):
        again[0] = again[0] + timedelta(hours=1)
    grid.append(again)
    fake.add_spreadsheet(src.spreadsheet, tabs)
    fake.clear_log()
    google_sync(fake, folder, settings)
    batches = [r for r in fake.requests if r.kind == "sheets.batchUpdate"]
    return {
        "requests": sum(1 for r in fake.requests if r.kind != "oauth.token"),
        "bytes": sum(len(r.body) for r in batches),
        "tabs": sorted({t for r in batches for t in _titles_in(r.json())}),
    }


def _titles_in(body: Any) -> set[str]:
    """Titles of the tabs a batchUpdate body touches (their updateSheetProperties or addSheet)."""
    out = set()
    for request in body.get("requests", []):
        for kind in ("updateSheetProperties", "addSheet"):
            title = request.get(kind, {}).get("properties", {}).get("title", "")
            if title:
                out.add(title)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON object of the figures")
    args = parser.parse_args()
    results = {name: measure(name, province) for name, province in PROVINCES.items()}
    print("Google API requests of one nightly sync (read every form, check uploads, publish every tab)")
    print("oauth.token is not counted; both ways fetch one per run\n")
    for r in results.values():
        total = sum(r["requests"].values())
        print(
            f"{r['province']} ({r['name']}): {r['rows']:,} response rows, {r['members']:,} members, {r['tabs']} tabs"
        )
        print(
            f"  demo data generated in {r['generated_s']:.1f} s; sync {r['sync_s']:.1f} s, status {r['status']}"
        )
        print(f"  GoogleBackend  {total:>5} requests  {dict(r['requests'])}")
        print(
            f"                 largest body {r['max_body_bytes']:,} bytes (cap {CAP:,}), sent {r['total_bytes']:,} bytes"
        )
        failed = f", failed at {r['naive_failed']}" if r["naive_failed"] else ""
        print(f"  plain gspread  {r['naive_requests']:>5} requests  {dict(r['naive_by_kind'])}{failed}")
        print(f"                 largest body {r['naive_max_body_bytes']:,} bytes")
        second = r["second"]
        print(
            f"  next night, one tambon resubmits: {second['requests']} requests, {second['bytes']:,} bytes "
            f"published, tabs rewritten: {', '.join(second['tabs'])}"
        )
        ratio = r["naive_requests"] / max(total, 1)
        ok = r["max_body_bytes"] <= CAP and ratio >= 5
        print(
            f"  {ratio:.1f}x fewer requests; targets (body <= 2 MB, >= 5x fewer): {'met' if ok else 'NOT met'}\n"
        )
    if args.json:
        keys = ("requests", "max_body_bytes", "total_bytes", "naive_requests")
        print(json.dumps({name: {k: r[k] for k in keys} for name, r in results.items()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
