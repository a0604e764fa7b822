"""The interface every spreadsheet store implements.

A spreadsheet is named by its id; a tab by its title. The local store keeps one
.xlsx workbook per spreadsheet; the Google store talks to the Sheets API. The
rest of the pipeline never knows which one it has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from pipeline.models import Grid, Table


class Backend(Protocol):
    name: str

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        """Every requested tab of one spreadsheet, read in one go.

        Each grid is the tab's rows top to bottom (header row first), trailing
        empty cells and rows trimmed. Raises SourceError naming the spreadsheet
        and the tab when a tab is missing, BackendError when the store fails.
        """
        ...

    def write(self, spreadsheet_id: str, tables: Sequence[Table]) -> None:
        """Replace each table's tab (title) with its header row plus rows.

        All-or-nothing per spreadsheet: after a failure a reader still sees
        every previous tab intact. Creates the spreadsheet or tabs if missing.
        Columns of kind "user" (and every str) are written as literal text,
        never as formulas. The header row is frozen and column widths set.
        """
        ...

    def revision(self, spreadsheet_id: str) -> str | None:
        """What identifies this version of the spreadsheet without reading its cells (a digest of a
        local file's bytes, a Drive revision), or None when the store cannot tell: the sync then reads
        and compares the cells. Equal revisions must mean equal content."""
        ...

    def request_counts(self) -> Mapping[str, int]:
        """How many remote requests this store made so far, by kind (empty for local)."""
        ...
