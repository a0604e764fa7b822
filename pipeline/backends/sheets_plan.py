"""Pure planning of a publish to Google Sheets: tables in, spreadsheets:batchUpdate bodies out.

No I/O and no Google client here, so every decision is testable on its own:

- each table becomes a `TabPlan`: its cells as RowData (typed values, never
  formulas) and its `finish` requests (column widths, filter, the content
  digest; officer-facing decorations such as banding, protections or charts are
  appended to `finish` too), all addressed to the tab's own sheet id;
- a tab whose content digest and size match what the spreadsheet holds is left
  alone;
- `plan_publish` packs the changed tabs into batches no larger than the body
  cap. When everything fits in one batch the tabs are written in place. When it
  does not, the largest tabs are first filled into hidden staging sheets, in as
  many batches as their size needs, and one last batch copies each staging
  sheet over its tab (`copyPaste` keeps the tab's sheet id, so charts and
  formulas pointing at it keep working), deletes the staging sheets and applies
  every `finish` request. Google applies each batchUpdate atomically, so a
  reader sees every old tab or every new one; a failure before the last batch
  leaves the old tabs untouched and some hidden staging sheets, which the next
  publish deletes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pipeline.backends.sheets_look import sheet_requests, sheet_rows
from pipeline.errors import BackendError
from pipeline.models import Cell, Column, Table
from pipeline.presentation import Sheet

CELL_LIMIT = 50_000  # characters Google accepts in one cell
SPREADSHEET_CELL_LIMIT = 10_000_000  # cells Google allows in one spreadsheet, every tab counted
DEFAULT_MAX_BODY = 2_000_000  # bytes per request; Google's hard limit is 10 MB
STAGING_PREFIX = "_pipeline_staging_"
DIGEST_KEY = "pipeline.content"
# Bumped when the way tables are rendered changes, so every tab is rewritten once.
RENDER_VERSION = "2"
TRUNCATED_MARK = " …[ตัดเหลือ {limit:,} ตัวอักษร: ข้อความเต็มอยู่ในแบบฟอร์มต้นทาง]"

_EPOCH = datetime(1899, 12, 30)  # day 0 of Google Sheets serial dates
_PX_PER_CHAR = 7.2  # Column.width is in characters; Sheets wants pixels (100 px ≈ 14 characters)
_HEADER_BG = {"red": 0xDD / 255, "green": 0xEB / 255, "blue": 0xF7 / 255}
_LEVEL_BG = {1: (0xF8, 0xCB, 0xAD), 2: (0xFF, 0xE6, 0x99), 3: (0xC6, 0xEF, 0xCE)}
_SEVERITY_BG = {"ข้อผิดพลาด": (0xF8, 0xCB, 0xAD), "คำเตือน": (0xFF, 0xE6, 0x99)}
_BODY_OVERHEAD = len('{"requests":[]}')
_CELL_FIELDS = "userEnteredValue,userEnteredFormat"


def dumps(body: Any) -> bytes:
    """A request body as sent: compact UTF-8 JSON (Thai is 3 bytes a letter, not a 6-byte escape)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def size(obj: Any) -> int:
    return len(dumps(obj))


# ---------------------------------------------------------------- cells


def a1_tab(title: str) -> str:
    """A whole tab as an A1 range: the title quoted, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def serial(value: date | datetime) -> float:
    """A date or datetime as a Sheets serial number (days since 1899-12-30, time as a fraction)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float((value - _EPOCH.date()).days)


def _rgb(color: tuple[int, int, int]) -> dict[str, float]:
    return {"red": color[0] / 255, "green": color[1] / 255, "blue": color[2] / 255}


def cut(text: str, limit: int = CELL_LIMIT) -> str:
    """`text` fitted in one cell: longer text is cut and ends with a visible marker."""
    if len(text) <= limit:
        return text
    mark = TRUNCATED_MARK.format(limit=limit)
    return text[: limit - len(mark)] + mark


def cell_data(value: Cell, column: Column) -> dict[str, Any]:
    """One CellData: a typed value (never parsed as a formula) and its format; {} is an empty cell."""
    fmt: dict[str, Any] = {}
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        entered: dict[str, Any] = {"boolValue": value}
    elif isinstance(value, int | float):
        if not math.isfinite(value):
            return {}
        entered = {"numberValue": value}
        if column.kind == "float":
            fmt["numberFormat"] = {"type": "NUMBER", "pattern": "0.00"}
    elif isinstance(value, datetime):
        entered = {"numberValue": serial(value)}
        fmt["numberFormat"] = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}
    elif isinstance(value, date):
        entered = {"numberValue": serial(value)}
        fmt["numberFormat"] = {"type": "DATE", "pattern": "yyyy-mm-dd"}
    else:
        entered = {"stringValue": cut(str(value))}
    if column.kind == "level" and isinstance(value, int) and value in _LEVEL_BG:
        fmt["backgroundColor"] = _rgb(_LEVEL_BG[value])
    elif column.key == "severity" and isinstance(value, str) and value in _SEVERITY_BG:
        fmt["backgroundColor"] = _rgb(_SEVERITY_BG[value])
    return {"userEnteredValue": entered, "userEnteredFormat": fmt} if fmt else {"userEnteredValue": entered}


def header_cell(text: str) -> dict[str, Any]:
    return {
        "userEnteredValue": {"stringValue": cut(text)},
        "userEnteredFormat": {
            "textFormat": {"bold": True},
            "backgroundColor": _HEADER_BG,
            "wrapStrategy": "WRAP",
            "verticalAlignment": "MIDDLE",
        },
    }


def check_tables(spreadsheet_id: str, tables: Sequence[Table]) -> None:
    seen: set[str] = set()
    for table in tables:
        where = f"spreadsheet {spreadsheet_id}, table {table.name!r}"
        fix = "this is a fault in the report code, not in the data: report it with this message"
        if (
            not table.title.strip()
            or table.title.casefold() in seen
            or table.title.startswith(STAGING_PREFIX)
        ):
            raise BackendError(f"tab title {table.title!r} is empty or used twice", where=where, fix=fix)
        if not table.columns:
            raise BackendError("the table has no columns", where=where, fix=fix)
        seen.add(table.title.casefold())
        for number, row in enumerate(table.rows, start=2):
            if len(row) != len(table.columns):
                raise BackendError(
                    f"row {number} has {len(row)} cells for {len(table.columns)} columns",
                    where=where,
                    fix=fix,
                )


# ---------------------------------------------------------------- one tab


@dataclass
class TabPlan:
    """Everything one table needs on its tab, addressed to the tab's sheet id."""

    table: Table
    sheet_id: int
    old: Mapping[str, Any] | None  # the tab's current properties (+ developerMetadata), None if new
    rows: list[dict[str, Any]]  # RowData for every grid row: header, rows, a spare under a lone header
    finish: list[dict[str, Any]] = field(default_factory=list)  # requests run once the cells are in
    digest: str = ""
    staging_id: int = 0  # the hidden sheet its cells are filled into, when staged
    frozen: int = 1  # header rows kept in view (0 for a tab of several tables, e.g. the overview)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(self.table.columns)

    def grid(self) -> dict[str, Any]:
        return {"rowCount": self.height, "columnCount": self.width, "frozenRowCount": self.frozen}

    def prepare(self) -> dict[str, Any]:
        """addSheet for a new tab, else updateSheetProperties resizing (and renaming) it."""
        grid = self.grid()
        props: dict[str, Any] = {"sheetId": self.sheet_id, "title": self.table.title, "gridProperties": grid}
        if self.old is None:
            return {"addSheet": {"properties": props}}
        fields = ["rowCount", "columnCount", "frozenRowCount"]
        if int(self.old.get("gridProperties", {}).get("frozenColumnCount", 0)) >= self.width:
            grid["frozenColumnCount"] = 0
            fields.append("frozenColumnCount")
        mask = f"title,gridProperties({','.join(fields)})"
        if self.old.get("hidden"):
            props["hidden"] = False
            mask += ",hidden"
        return {"updateSheetProperties": {"properties": props, "fields": mask}}


def tab_rows(table: Table) -> list[dict[str, Any]]:
    rows = [{"values": [header_cell(c.header) for c in table.columns]}]
    rows += [
        {"values": [cell_data(v, c) for v, c in zip(row, table.columns, strict=True)]} for row in table.rows
    ]
    if len(rows) < 2:  # a frozen header needs a row below it
        rows.append({"values": [{}] * len(table.columns)})
    return rows


# Metadata fields a publish reads: the tabs, their digests, and the decorations to remove.
SHEET_FIELDS = (
    "sheets(properties,developerMetadata,charts(chartId),protectedRanges(protectedRangeId),"
    "bandedRanges(bandedRangeId))"
)


def undress(sheet: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Requests removing the charts, protections and bandings a publish put on a tab before.

    Run just before `decorations`, so a rewritten tab never piles up old ones
    (addBanding over an existing banding is refused outright).
    """
    if sheet is None:
        return []
    out: list[dict[str, Any]] = [
        {"deleteEmbeddedObject": {"objectId": c["chartId"]}}
        for c in sheet.get("charts", [])
        if "chartId" in c
    ]
    out += [
        {"deleteProtectedRange": {"protectedRangeId": p["protectedRangeId"]}}
        for p in sheet.get("protectedRanges", [])
        if "protectedRangeId" in p
    ]
    out += [
        {"deleteBanding": {"bandedRangeId": b["bandedRangeId"]}}
        for b in sheet.get("bandedRanges", [])
        if "bandedRangeId" in b
    ]
    return out


def decorations(table: Table, sheet_id: int) -> list[dict[str, Any]]:
    """Requests that dress a filled tab: column widths and a filter over the data.

    New kinds (banding, protections, charts) belong here, addressed to `sheet_id`;
    they travel in the last batch of a publish, after the cells.
    """
    out = width_requests(sheet_id, table.columns)
    area = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": len(table.rows) + 1}
    area |= {"startColumnIndex": 0, "endColumnIndex": len(table.columns)}
    out.append({"setBasicFilter": {"filter": {"range": area}}})
    return out


def width_requests(sheet_id: int, columns: Sequence[Column]) -> list[dict[str, Any]]:
    """One updateDimensionProperties per run of columns of the same width."""
    out: list[dict[str, Any]] = []
    start = 0
    for end in range(1, len(columns) + 1):
        if end == len(columns) or columns[end].width != columns[start].width:
            span = {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": start, "endIndex": end}
            px = {"pixelSize": max(30, round(columns[start].width * _PX_PER_CHAR))}
            out.append(
                {"updateDimensionProperties": {"range": span, "properties": px, "fields": "pixelSize"}}
            )
            start = end
    return out


def digest_of(plan: TabPlan) -> str:
    """What the tab will hold: its cells and every finishing request."""
    h = hashlib.sha256(RENDER_VERSION.encode())
    h.update(dumps([plan.table.title, plan.rows, plan.finish]))
    return h.hexdigest()[:40]


def _digest_requests(plan: TabPlan) -> list[dict[str, Any]]:
    meta = [m for m in (plan.old or {}).get("developerMetadata", []) if m.get("metadataKey") == DIGEST_KEY]
    out: list[dict[str, Any]] = [
        {
            "deleteDeveloperMetadata": {
                "dataFilter": {"developerMetadataLookup": {"metadataId": m["metadataId"]}}
            }
        }
        for m in meta
        if "metadataId" in m
    ]
    out.append(
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": DIGEST_KEY,
                    "metadataValue": plan.digest,
                    "location": {"sheetId": plan.sheet_id},
                    "visibility": "DOCUMENT",
                }
            }
        }
    )
    return out


def stored_digest(sheet: Mapping[str, Any]) -> str:
    for meta in sheet.get("developerMetadata", []):
        if meta.get("metadataKey") == DIGEST_KEY:
            return str(meta.get("metadataValue", ""))
    return ""


# ---------------------------------------------------------------- the publish


@dataclass
class Batch:
    requests: list[dict[str, Any]]
    adds: dict[int, str] = field(default_factory=dict)  # sheet ids this batch adds -> title (proof it ran)
    final: bool = False


@dataclass
class Publish:
    batches: list[Batch]
    tabs: list[TabPlan]  # every table's plan, changed or not
    changed: list[str]  # titles rewritten
    staged: list[str]  # titles filled through a staging sheet
    leftovers: list[str]  # staging sheets of an earlier, failed publish, deleted here
    cells_after: int  # cells in the spreadsheet once published
    cells_peak: int  # the most cells at any point of the publish


def sheet_cells(sheet: Mapping[str, Any]) -> int:
    grid = sheet.get("gridProperties", {})
    return int(grid.get("rowCount", 0)) * int(grid.get("columnCount", 0))


def plan_publish(
    items: Sequence[Table | Sheet],
    sheets: Sequence[Mapping[str, Any]],
    *,
    new_id: Callable[[], int],
    token: str,
    max_body: int = DEFAULT_MAX_BODY,
    where: str = "",
) -> Publish:
    """The batches that put every changed table in place; `sheets` as spreadsheets.get returns them.

    `sheets` items are {"properties": ..., "developerMetadata": [...]}. Titles match
    as Sheets matches them, ignoring case. `token` names this publish's staging sheets.
    """
    by_title = {str(s["properties"]["title"]).casefold(): s for s in sheets}
    taken = {int(s["properties"]["sheetId"]) for s in sheets}

    def fresh_id() -> int:
        sheet_id = new_id()
        while sheet_id in taken:
            sheet_id = new_id()
        taken.add(sheet_id)
        return sheet_id

    leftovers = [s for s in sheets if str(s["properties"]["title"]).startswith(STAGING_PREFIX)]
    plans: list[TabPlan] = []
    changed: list[TabPlan] = []
    for item in items:
        table = item.as_table() if isinstance(item, Sheet) else item
        old_sheet = by_title.get(table.title.casefold())
        old = old_sheet["properties"] if old_sheet else None
        sheet_id = int(old["sheetId"]) if old else fresh_id()
        if isinstance(item, Sheet):  # drawn as presented (pipeline.backends.sheets_look)
            plan = TabPlan(
                table, sheet_id, _with_meta(old, old_sheet), sheet_rows(item, cut), frozen=item.frozen_rows
            )
            plan.finish = sheet_requests(item, sheet_id, plan.height, plan.width)
            if item is items[0]:  # the first tab published (the overview) is the first tab an officer sees
                first = {"properties": {"sheetId": sheet_id, "index": 0}, "fields": "index"}
                plan.finish.append({"updateSheetProperties": first})
        else:
            plan = TabPlan(table, sheet_id, _with_meta(old, old_sheet), tab_rows(table))
            plan.finish = decorations(table, sheet_id)
        plan.digest = digest_of(plan)
        plan.finish = undress(old_sheet) + plan.finish
        plans.append(plan)
        if not (
            old is not None
            and old_sheet is not None
            and sheet_cells(old) == plan.height * plan.width
            and stored_digest(old_sheet) == plan.digest
            and old.get("title") == table.title
            and not old.get("hidden")
        ):
            changed.append(plan)
    cleanup = [{"deleteSheet": {"sheetId": int(s["properties"]["sheetId"])}} for s in leftovers]
    budget = max_body - _BODY_OVERHEAD
    direct = {id(p): _direct_requests(p) for p in changed}
    staged_final = {id(p): _swap_requests(p, 0) for p in changed}  # sizes only: staging id is any int
    staged: set[int] = set()

    def final_size() -> int:
        reqs = list(cleanup)
        for p in changed:
            reqs += staged_final[id(p)] if id(p) in staged else direct[id(p)]
        return sum(size(r) + 1 for r in reqs)

    for p in sorted(changed, key=lambda p: -sum(size(r) for r in direct[id(p)])):
        if final_size() <= budget:
            break
        staged.add(id(p))
    if final_size() > budget:
        raise BackendError(
            f"the last request of this publish would be {final_size():,} bytes, over the cap of {max_body:,}",
            where=where,
            fix="raise google.max_body_bytes in the settings (at most 10000000)",
        )
    batches = _fill_batches([p for p in changed if id(p) in staged], fresh_id, token, budget)
    final: list[dict[str, Any]] = list(cleanup)
    for p in changed:
        if id(p) in staged:
            final += _swap_requests(p, p.staging_id)
        else:
            final += direct[id(p)]
    if final:
        adds = {p.sheet_id: p.table.title for p in changed if p.old is None}
        batches.append(Batch(final, adds, final=True))
    old_cells = sum(sheet_cells(s["properties"]) for s in sheets)
    leftover_cells = sum(sheet_cells(s["properties"]) for s in leftovers)
    replaced = sum(sheet_cells(p.old) for p in changed if p.old is not None)
    new_cells = sum(p.height * p.width for p in changed)
    staging_cells = sum(p.height * p.width for p in changed if id(p) in staged)
    after = old_cells - leftover_cells - replaced + new_cells
    return Publish(
        batches=batches,
        tabs=plans,
        changed=[p.table.title for p in changed],
        staged=[p.table.title for p in changed if id(p) in staged],
        leftovers=[str(s["properties"]["title"]) for s in leftovers],
        cells_after=after,
        cells_peak=max(after, old_cells + staging_cells),
    )


def _with_meta(old: Mapping[str, Any] | None, sheet: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if old is None or sheet is None:
        return old
    return {**old, "developerMetadata": list(sheet.get("developerMetadata", []))}


def _update_cells(sheet_id: int, row: int, rows: list[dict[str, Any]], column: int = 0) -> dict[str, Any]:
    start = {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column}
    return {"updateCells": {"start": start, "rows": rows, "fields": _CELL_FIELDS}}


def _direct_requests(plan: TabPlan) -> list[dict[str, Any]]:
    """The tab written in place: resize or add, every cell, then its finish requests."""
    return [plan.prepare(), _update_cells(plan.sheet_id, 0, plan.rows), *plan.finish, *_digest_requests(plan)]


def _swap_requests(plan: TabPlan, staging_id: int) -> list[dict[str, Any]]:
    """The staged tab copied over its tab, the staging sheet deleted, then its finish requests."""
    source = {"sheetId": staging_id, "startRowIndex": 0, "endRowIndex": plan.height}
    source |= {"startColumnIndex": 0, "endColumnIndex": plan.width}
    copy = {
        "copyPaste": {
            "source": source,
            "destination": {**source, "sheetId": plan.sheet_id},
            "pasteType": "PASTE_NORMAL",
            "pasteOrientation": "NORMAL",
        }
    }
    return [
        plan.prepare(),
        copy,
        {"deleteSheet": {"sheetId": staging_id}},
        *plan.finish,
        *_digest_requests(plan),
    ]


def _fill_batches(
    plans: Sequence[TabPlan], fresh_id: Callable[[], int], token: str, budget: int
) -> list[Batch]:
    """Staging sheets added hidden and filled row by row, packed into batches within `budget` bytes."""
    batches: list[Batch] = []
    current: list[dict[str, Any]] = []
    adds: dict[int, str] = {}
    used = 0

    def push(request: dict[str, Any], request_size: int) -> None:
        nonlocal current, adds, used
        if current and used + request_size + 1 > budget:
            batches.append(Batch(current, adds))
            current, adds, used = [], {}, 0
        current.append(request)
        used += request_size + 1

    for number, plan in enumerate(plans, start=1):
        staging_id = fresh_id()
        plan.staging_id = staging_id
        title = f"{STAGING_PREFIX}{token}_{number}"
        grid = {"rowCount": plan.height, "columnCount": plan.width}
        add = {
            "addSheet": {
                "properties": {"sheetId": staging_id, "title": title, "hidden": True, "gridProperties": grid}
            }
        }
        push(add, size(add))
        adds[staging_id] = title
        empty = size(_update_cells(staging_id, 0, []))
        chunk: list[dict[str, Any]] = []
        chunk_start = 0
        chunk_size = empty
        for index, row in enumerate(plan.rows):
            row_size = size(row) + 1
            if empty + row_size + 1 > budget:  # one row too big for any batch: sent column by column
                if chunk:
                    push(_update_cells(staging_id, chunk_start, chunk), chunk_size)
                for piece in _row_pieces(staging_id, index, row, budget):
                    push(piece, size(piece))
                chunk, chunk_start, chunk_size = [], index + 1, empty
                continue
            if chunk and used + chunk_size + row_size + 1 > budget:
                push(_update_cells(staging_id, chunk_start, chunk), chunk_size)
                chunk, chunk_start, chunk_size = [], index, empty
            if not chunk and current and used + empty + row_size + 1 > budget:
                batches.append(Batch(current, adds))
                current, adds, used = [], {}, 0
            if not chunk:
                chunk_start = index
            chunk.append(row)
            chunk_size += row_size
        if chunk:
            push(_update_cells(staging_id, chunk_start, chunk), chunk_size)
    if current:
        batches.append(Batch(current, adds))
    return batches


def _row_pieces(sheet_id: int, row: int, data: dict[str, Any], budget: int) -> list[dict[str, Any]]:
    pieces: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    start = 0
    empty = size(_update_cells(sheet_id, row, [{"values": []}], 0)) + 20
    for column, value in enumerate(data.get("values", [])):
        if values and empty + size(values) + size(value) + 1 > budget:
            pieces.append(_update_cells(sheet_id, row, [{"values": values}], start))
            values, start = [], column
        values.append(value)
    if values or not pieces:
        pieces.append(_update_cells(sheet_id, row, [{"values": values}], start))
    return pieces
