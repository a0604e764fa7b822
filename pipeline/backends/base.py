"""The interface every spreadsheet store implements.

A spreadsheet is named by its id; a tab by its title. The local store keeps one
.xlsx workbook per spreadsheet; the Google store talks to the Sheets API. The
rest of the pipeline never knows which one it has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.errors import FormsUnavailable
from pipeline.models import Grid, Table
from pipeline.presentation import Sheet


@dataclass(frozen=True)
class FileCheck:
    """What Drive says of one uploaded file."""

    file_id: str
    exists: bool
    is_pdf: bool = False
    name: str = ""
    mime_type: str = ""
    problem: str = ""  # why it does not count as there: "not found ...", "in the trash"


class Backend(Protocol):
    name: str

    @property
    def cell_limit(self) -> int | None:
        """Characters one cell holds (longer text is cut with a marker); None when there is no limit."""
        ...

    @property
    def timezones(self) -> Mapping[str, str]:
        """Spreadsheet id -> its time zone, for each spreadsheet read that names one."""
        ...

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        """Every requested tab of one spreadsheet, read in one go.

        Each grid is the tab's rows top to bottom (header row first), trailing
        empty cells and rows trimmed. Raises SourceError naming the spreadsheet
        and the tab when a tab is missing, BackendError when the store fails.
        """
        ...

    def write(self, spreadsheet_id: str, tables: Sequence[Table | Sheet]) -> None:
        """Replace each table's tab (title) with its header row plus rows.

        A Sheet (pipeline.presentation) is drawn as presented: its tables one under
        another, widths, wraps, colours, charts, protection and print setup where
        the store has them; a plain Table is presented with the defaults first.

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

    def read_form(self, form_id: str) -> Grid:
        """A Google Form's responses shaped like its response sheet (header row first).

        Raises FormsUnavailable when the store has no Google Forms, SourceError
        when the form cannot be read.
        """
        ...

    def check_files(self, file_ids: Iterable[str]) -> Mapping[str, FileCheck] | None:
        """Whether each uploaded file exists and is a PDF, by file id; None when the store
        cannot see Drive (the answers are then taken as they are)."""
        ...

    def tab_titles(self, spreadsheet_id: str) -> Sequence[str] | None:
        """The tab titles of an output spreadsheet, the cheap check that it is whole; None when
        the store checks its outputs otherwise (a local workbook's file marker)."""
        ...

    def own_tabs(self, spreadsheet_id: str, titles: Sequence[str]) -> list[str]:
        """Tabs officers added to an output themselves, which a rewrite of `titles` must keep
        (empty when the store rewrites only the tabs it is given)."""
        ...

    def previous_path(self, spreadsheet_id: str) -> Path | None:
        """Where the output is copied before a rewrite that carries officers' own tabs over, if anywhere."""
        ...

    def close(self) -> None:
        """Release what the store holds open (HTTP sessions); nothing for a local store."""
        ...


class OfflineStore:
    """What a store without Google has of the interface: no Forms, no Drive, no cell limit, nothing to close."""

    name: str
    cell_limit: int | None = None

    def read_form(self, form_id: str) -> Grid:
        raise FormsUnavailable(
            f"the {self.name} backend cannot read a Google Form (form_id)",
            where=f"form {form_id}",
            fix="use backend: google, or point the source at the response sheet (spreadsheet, tab)",
        )

    def check_files(self, file_ids: Iterable[str]) -> Mapping[str, FileCheck] | None:
        return None

    def tab_titles(self, spreadsheet_id: str) -> Sequence[str] | None:
        return None  # a local output is checked by its file marker

    def own_tabs(self, spreadsheet_id: str, titles: Sequence[str]) -> list[str]:
        return []

    def previous_path(self, spreadsheet_id: str) -> Path | None:
        return None

    def close(self) -> None:
        pass
