"""Pure planning of one tab of a publish to Google Sheets: a table in, its cells and requests out.

A `TabPlan` holds a table's cells as RowData and its `finish` requests (column
widths, filter, banding, protection, charts), all addressed to the tab's own
sheet id, and the digest of that content. The digest is stored on the tab as
developer metadata, so a tab whose content and size did not change is left
alone by the next publish (`TabPlan.unchanged`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.backends.sheets_cells import cut, decorations, dumps, tab_rows
from pipeline.backends.sheets_look import sheet_requests, sheet_rows
from pipeline.models import Table
from pipeline.presentation import Sheet

DIGEST_KEY = "pipeline.content"
# Bumped when the way tables are rendered changes, so every tab is rewritten once.
RENDER_VERSION = "2"


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

    def unchanged(self, sheet: Mapping[str, Any] | None) -> bool:
        """Whether `sheet` (as spreadsheets.get returns it) already holds this tab, visible and named alike."""
        old = None if sheet is None else sheet["properties"]
        return (
            old is not None
            and sheet is not None
            and sheet_cells(old) == self.height * self.width
            and stored_digest(sheet) == self.digest
            and old.get("title") == self.table.title
            and not old.get("hidden")
        )


def plan_tab(
    item: Table | Sheet, table: Table, sheet_id: int, old_sheet: Mapping[str, Any] | None, *, first: bool
) -> TabPlan:
    """The plan of one table, or one presented sheet (`table` is its `as_table()`), over `old_sheet`
    (None for a new tab). `first`: the first tab published (the overview) is moved to be the first
    tab an officer sees.
    """
    old = old_sheet["properties"] if old_sheet else None
    if isinstance(item, Sheet):  # drawn as presented (pipeline.backends.sheets_look)
        plan = TabPlan(
            table,
            sheet_id,
            _with_meta(old, old_sheet),
            sheet_rows(item, cut),
            frozen=item.frozen_rows,
        )
        plan.finish = sheet_requests(item, sheet_id, plan.height, plan.width)
        if first:
            to_front = {"properties": {"sheetId": sheet_id, "index": 0}, "fields": "index"}
            plan.finish.append({"updateSheetProperties": to_front})
    else:
        plan = TabPlan(table, sheet_id, _with_meta(old, old_sheet), tab_rows(table))
        plan.finish = decorations(table, sheet_id)
    plan.digest = digest_of(plan)
    plan.finish = undress(old_sheet) + plan.finish
    return plan


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


def digest_of(plan: TabPlan) -> str:
    """What the tab will hold: its cells and every finishing request."""
    h = hashlib.sha256(RENDER_VERSION.encode())
    h.update(dumps([plan.table.title, plan.rows, plan.finish]))
    return h.hexdigest()[:40]


def digest_requests(plan: TabPlan) -> list[dict[str, Any]]:
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


def _with_meta(old: Mapping[str, Any] | None, sheet: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if old is None or sheet is None:
        return old
    return {**old, "developerMetadata": list(sheet.get("developerMetadata", []))}


def sheet_cells(sheet: Mapping[str, Any]) -> int:
    grid = sheet.get("gridProperties", {})
    return int(grid.get("rowCount", 0)) * int(grid.get("columnCount", 0))
