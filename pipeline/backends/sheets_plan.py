"""Pure planning of a publish to Google Sheets: tables in, spreadsheets:batchUpdate bodies out.

No I/O and no Google client here, so every decision is testable on its own:

- each table becomes a `sheets_tab.TabPlan` (its cells, its finishing requests
  and their digest); a tab whose digest and size match what the spreadsheet
  holds is left alone;
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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.backends.sheets_cells import size
from pipeline.backends.sheets_tab import TabPlan, digest_requests, plan_tab, sheet_cells
from pipeline.errors import BackendError
from pipeline.models import Table
from pipeline.presentation import Sheet

SPREADSHEET_CELL_LIMIT = 10_000_000  # cells Google allows in one spreadsheet, every tab counted
DEFAULT_MAX_BODY = 2_000_000  # bytes per request; Google's hard limit is 10 MB
STAGING_PREFIX = "_pipeline_staging_"
_BODY_OVERHEAD = len('{"requests":[]}')
_CELL_FIELDS = "userEnteredValue,userEnteredFormat"


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
        sheet_id = int(old_sheet["properties"]["sheetId"]) if old_sheet else fresh_id()
        plan = plan_tab(item, table, sheet_id, old_sheet, first=item is items[0])
        plans.append(plan)
        if not plan.unchanged(old_sheet):
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


def _update_cells(sheet_id: int, row: int, rows: list[dict[str, Any]], column: int = 0) -> dict[str, Any]:
    start = {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column}
    return {"updateCells": {"start": start, "rows": rows, "fields": _CELL_FIELDS}}


def _direct_requests(plan: TabPlan) -> list[dict[str, Any]]:
    """The tab written in place: resize or add, every cell, then its finish requests."""
    return [plan.prepare(), _update_cells(plan.sheet_id, 0, plan.rows), *plan.finish, *digest_requests(plan)]


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
        *digest_requests(plan),
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
