"""The in-memory store: the reference twin of the Backend interface.

Spreadsheets are dicts of tabs held in this object: what the interface promises
and nothing more, so the contract suite can hold the local and Google stores to
it, and a test of the layers above can run a sync without files or a server.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from pipeline.backends.base import OfflineStore
from pipeline.errors import SourceError
from pipeline.models import Cell, Grid, Table
from pipeline.presentation import Sheet


class MemoryBackend(OfflineStore):
    name = "memory"

    def __init__(self, spreadsheets: Mapping[str, Mapping[str, Grid]] | None = None) -> None:
        self.spreadsheets: dict[str, dict[str, Grid]] = {
            sid: {tab: _trim(grid) for tab, grid in tabs.items()}
            for sid, tabs in (spreadsheets or {}).items()
        }
        self.timezones: dict[str, str] = {}

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            raise SourceError(
                "spreadsheet not found",
                where=f"memory:{spreadsheet_id}",
                fix="check the spreadsheet of this source in the settings",
            )
        out: dict[str, Grid] = {}
        for tab in tabs:
            title = tab or next(iter(book), "")
            if title not in book:
                raise SourceError(
                    f"tab '{title}' not found (tabs: {', '.join(book)})",
                    where=f"memory:{spreadsheet_id}",
                    fix="correct the 'tab' of this source in the settings",
                )
            out[tab] = [list(row) for row in book[title]]
        return out

    def write(self, spreadsheet_id: str, tables: Sequence[Table | Sheet]) -> None:
        # Built apart, then swapped in: a failure leaves every previous tab as it was.
        book = dict(self.spreadsheets.get(spreadsheet_id, {}))
        for item in tables:
            if isinstance(item, Sheet):  # drawn as presented: the tab's cells as an officer sees them
                book[item.title] = _trim(item.grid())
                continue
            book[item.title] = _trim([[c.header for c in item.columns], *[list(r) for r in item.rows]])
        self.spreadsheets[spreadsheet_id] = book

    def revision(self, spreadsheet_id: str) -> str | None:
        book = self.spreadsheets.get(spreadsheet_id)
        if book is None:
            return None
        return hashlib.sha256(json.dumps(book, default=_plain, ensure_ascii=False).encode()).hexdigest()

    def request_counts(self) -> Mapping[str, int]:
        return {}


def _plain(value: object) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _trim(rows: Grid) -> Grid:
    """Trailing empty cells and rows dropped, as every store reads them back."""
    out: Grid = []
    for row in rows:
        cells: list[Cell] = list(row)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out
