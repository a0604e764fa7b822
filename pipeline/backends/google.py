"""The Google store: response spreadsheets and the output spreadsheet through the Sheets API.

`GoogleBackend` is the `Backend` over Google Sheets, and hands out the Forms and
Drive readers sharing its credentials, request counter and retry policy. It
imports no Google library: credentials and gspread live in google_client.py,
the Forms and Drive clients in gapi.py.

Requests per operation (Sheets allows 60 a minute per account):

- read:  one metadata `GET` (the tabs, and the spreadsheet's time zone, which
  serial timestamps are in) and one `values:batchGet` for every tab, as
  unformatted values with dates as serial numbers.
- write: one metadata `GET` (tabs, their ids and content digests) and the
  batches `sheets_plan.plan_publish` makes: ONE `spreadsheets:batchUpdate` when
  the changed tabs fit in the body cap (google.max_body_bytes, 2 MB), else
  staging batches and one final swap. Tabs whose content did not change are not
  sent. Google applies each batchUpdate atomically, so a reader sees every
  previous tab or every new one, and a failure leaves the previous tabs intact.
- one `oauth.token` request per hour of work.

Values travel as typed cells (sheets_cells.py): a string is always literal text.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.backends.base import FileCheck
from pipeline.backends.google_client import sheets_client, sign_in
from pipeline.backends.google_errors import Refused, sheets_error
from pipeline.backends.retry import RequestCounter, RetryPolicy
from pipeline.backends.sheets_cells import CELL_LIMIT, a1_tab, values_grid
from pipeline.backends.sheets_plan import (
    SPREADSHEET_CELL_LIMIT,
    STAGING_PREFIX,
    Batch,
    Publish,
    check_tables,
    plan_publish,
)
from pipeline.backends.sheets_tab import SHEET_FIELDS, stored_digest
from pipeline.backends.transport import Transport
from pipeline.errors import BackendError, PipelineError, SourceError
from pipeline.models import Grid, Table
from pipeline.presentation import Sheet
from pipeline.settings import GoogleSettings

if TYPE_CHECKING:
    from pipeline.backends.drive import DriveChecker
    from pipeline.backends.forms_source import FormsSource


# ---------------------------------------------------------------- the backend


class GoogleBackend:
    """`Backend` over Google Sheets; also hands out the Forms and Drive readers sharing its credentials."""

    name = "google"
    cell_limit: int | None = CELL_LIMIT  # characters in one cell; longer text is cut with a marker

    def __init__(
        self,
        settings: GoogleSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
        token_url: str | None = None,
        timezone: str = "Asia/Bangkok",
    ) -> None:
        """`timezone` is the province's: Forms API timestamps are given in it.
        `token_url` replaces https://oauth2.googleapis.com for a saved user login (google_client.sign_in)."""
        self.settings = settings
        self.timezone = timezone
        self._counter = RequestCounter()
        self._policy = RetryPolicy(max_attempts=settings.max_attempts, sleep=sleep, rng=rng, clock=clock)
        transport = Transport(self._policy, self._counter, settings.timeout)
        self.auth = sign_in(settings, transport, token_url=token_url)
        self._http = sheets_client(self.auth, settings, transport)
        self._ids = random.SystemRandom()
        self._forms: FormsSource | None = None
        self._drive: DriveChecker | None = None
        self.timezones: dict[str, str] = {}  # spreadsheet id -> its time zone, for each spreadsheet read
        self.last_publish: Publish | None = None  # what the last write sent, for the bench and tests

    # -- the Backend protocol

    def request_counts(self) -> Mapping[str, int]:
        return self._counter.snapshot()

    def revision(self, spreadsheet_id: str) -> str | None:
        # Unknown for now: the sync reads the cells and compares them. A Drive file's
        # version/modifiedTime (files.get, one request) can fill this in.
        return None

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        wanted = list(dict.fromkeys(tabs))
        if not wanted:
            return {}
        meta = self._metadata(spreadsheet_id, role="Viewer", fields="properties.timeZone,sheets.properties")
        self.timezones[spreadsheet_id] = str(meta.get("properties", {}).get("timeZone") or "")
        titles = _titles(meta)
        self._check_tabs(spreadsheet_id, wanted, titles)
        resolved = {tab: tab or titles[0] for tab in wanted}
        ranges = list(dict.fromkeys(resolved.values()))
        params: dict[str, Any] = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS",
        }
        try:
            data = self._http.values_batch_get(spreadsheet_id, [a1_tab(t) for t in ranges], params=params)
        except Refused as exc:
            raise self._refusal(exc, spreadsheet_id, reading=True) from exc
        value_ranges = data.get("valueRanges", [])
        if len(value_ranges) != len(ranges):
            raise BackendError(
                f"asked for {len(ranges)} tabs, Google returned {len(value_ranges)}",
                where=f"spreadsheet {spreadsheet_id}",
                fix="run again; if it persists, report it with this message",
            )
        grids = {title: values_grid(vr.get("values")) for title, vr in zip(ranges, value_ranges, strict=True)}
        return {tab: grids[resolved[tab]] for tab in wanted}

    def write(self, spreadsheet_id: str, items: Sequence[Table | Sheet]) -> None:
        if not items:
            return
        check_tables(spreadsheet_id, [t.as_table() if isinstance(t, Sheet) else t for t in items])
        where = f"spreadsheet {spreadsheet_id}"
        meta = self._metadata(spreadsheet_id, role="Editor", fields=SHEET_FIELDS)
        publish = plan_publish(
            items,
            meta.get("sheets", []),
            new_id=lambda: self._ids.randrange(1, 2**31 - 1),
            token=f"{self._ids.randrange(16**8):08x}",
            max_body=self.settings.max_body_bytes,
            where=where,
        )
        self.last_publish = publish
        if publish.cells_peak > SPREADSHEET_CELL_LIMIT:
            raise BackendError(
                f"publishing would bring the spreadsheet to {publish.cells_peak:,} cells; Google allows "
                f"{SPREADSHEET_CELL_LIMIT:,} in one spreadsheet (every tab counted); nothing was changed",
                where=where,
                fix="publish the committee member list to a spreadsheet of its own: create an empty "
                "spreadsheet, share it like this one and set output.members_spreadsheet in the settings; "
                "or delete tabs the office no longer needs from this spreadsheet",
            )
        for batch in publish.batches:
            self._send(spreadsheet_id, batch, publish)

    def _send(self, spreadsheet_id: str, batch: Batch, publish: Publish) -> None:
        try:
            self._http.batch_update(spreadsheet_id, {"requests": batch.requests})
        except Refused as exc:
            # A 400 after an attempt whose answer was lost (timeout, reset, cut body) may
            # mean the first attempt was applied and the retry tripped over what it did.
            if exc.status == 400 and self._applied(spreadsheet_id, batch, publish):
                return
            raise self._refusal(exc, spreadsheet_id, reading=False) from exc

    def tab_titles(self, spreadsheet_id: str) -> list[str]:
        """The spreadsheet's tab titles (one metadata request): the cheap check that an output is whole."""
        return _titles(self._metadata(spreadsheet_id, role="Viewer", fields="sheets.properties"))

    # -- other Google readers sharing these credentials, this counter and this retry policy

    def read_form(self, form_id: str) -> Grid:
        """A Google Form's responses shaped like its response sheet (forms_responses.py)."""
        if self._forms is None:
            from pipeline.backends.forms_source import FormsSource

            self._forms = FormsSource(
                self.settings, self.auth, counter=self._counter, policy=self._policy, timezone=self.timezone
            )
        return self._forms.read(form_id)

    def check_files(self, file_ids: Iterable[str]) -> Mapping[str, FileCheck]:
        """Whether each uploaded file exists and is a PDF (drive.py)."""
        if self._drive is None:
            from pipeline.backends.drive import DriveChecker

            self._drive = DriveChecker(self.settings, self.auth, counter=self._counter, policy=self._policy)
        return self._drive.check(file_ids)

    def own_tabs(self, spreadsheet_id: str, titles: Sequence[str]) -> list[str]:
        return []  # a write replaces only the tabs it is given: officers' own tabs stay where they are

    def previous_path(self, spreadsheet_id: str) -> Path | None:
        return None

    def close(self) -> None:
        for reader in (self._forms, self._drive):
            if reader is not None:
                reader.close()
        self._http.session.close()
        self.auth.close()

    def __enter__(self) -> GoogleBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers

    def _metadata(self, spreadsheet_id: str, *, role: str, fields: str) -> dict[str, Any]:
        params: dict[str, Any] = {"includeGridData": "false", "fields": fields}
        try:
            return dict(self._http.fetch_sheet_metadata(spreadsheet_id, params=params))
        except Refused as exc:
            raise self._refusal(exc, spreadsheet_id, reading=role == "Viewer") from exc

    def _check_tabs(self, spreadsheet_id: str, wanted: Sequence[str], titles: Sequence[str]) -> None:
        known = {t.casefold() for t in titles}  # Sheets matches tab titles ignoring case
        for tab in wanted:
            if tab and tab.casefold() not in known:
                raise SourceError(
                    f"tab {tab!r} not found (tabs: {', '.join(titles)})",
                    where=f"spreadsheet {spreadsheet_id}",
                    fix="correct the 'tab' of this source in the settings to one of the tabs listed, "
                    "or leave it empty to read the first tab",
                )

    def _applied(self, spreadsheet_id: str, batch: Batch, publish: Publish) -> bool:
        """Whether `batch` is already in the spreadsheet: its new sheets there, its tabs' digests stored."""
        meta = self._metadata(spreadsheet_id, role="Editor", fields="sheets(properties,developerMetadata)")
        sheets = meta.get("sheets", [])
        ids = {int(s["properties"].get("sheetId", -1)): s["properties"].get("title") for s in sheets}
        if any(ids.get(sheet_id) != title for sheet_id, title in batch.adds.items()):
            return False
        if not batch.final:
            return bool(batch.adds)
        digests = {str(s["properties"].get("title")): stored_digest(s) for s in sheets}
        return all(
            digests.get(t.table.title) == t.digest for t in publish.tabs if t.table.title in publish.changed
        )

    def _refusal(self, exc: Refused, spreadsheet_id: str, *, reading: bool) -> PipelineError:
        return sheets_error(
            exc, spreadsheet_id, reading=reading, auth=self.auth, max_body=self.settings.max_body_bytes
        )


def _titles(meta: Mapping[str, Any]) -> list[str]:
    """Tab titles in order, a publish's hidden staging sheets left out."""
    sheets = sorted(
        (s.get("properties", {}) for s in meta.get("sheets", [])), key=lambda p: int(p.get("index", 0))
    )
    titles = [str(p.get("title", "")) for p in sheets]
    return [t for t in titles if not t.startswith(STAGING_PREFIX)]
