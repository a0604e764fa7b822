"""Whether files uploaded through a form exist and are PDFs, through Drive API v3 files.get.

Requests: one HTTP batch request per 100 distinct files, each carrying one
files.get, counted and retried (gapi.GoogleService): a rate-limited file alone
is asked again.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from pipeline.backends.base import FileCheck
from pipeline.backends.credentials import Authorizer
from pipeline.backends.gapi import BATCH_SIZE, drive_service
from pipeline.backends.google_errors import Refused, unusable_api
from pipeline.backends.retry import RequestCounter, RetryPolicy
from pipeline.errors import BackendError
from pipeline.settings import GoogleSettings

PDF = "application/pdf"
DRIVE_API = "Google Drive API"


class DriveChecker:
    """Whether uploaded files exist and are PDFs, through Drive API v3 files.get."""

    def __init__(
        self, settings: GoogleSettings, auth: Authorizer, *, counter: RequestCounter, policy: RetryPolicy
    ) -> None:
        self._auth = auth
        self._batch_uri = settings.drive_url.rstrip("/") + "/batch/drive/v3"
        self._api = drive_service(settings, auth, counter, policy)

    def check(self, file_ids: Iterable[str]) -> dict[str, FileCheck]:
        """Each file's check; up to BATCH_SIZE files.get calls travel in one HTTP batch request."""
        files = self._api.service.files()
        wanted = list(dict.fromkeys(file_ids))
        out: dict[str, FileCheck] = {}
        for start in range(0, len(wanted), BATCH_SIZE):
            chunk = wanted[start : start + BATCH_SIZE]
            calls = {
                f"{n}": functools.partial(
                    files.get, fileId=file_id, fields="id,name,mimeType,trashed", supportsAllDrives=True
                )
                for n, file_id in enumerate(chunk)
            }
            where = f"Drive files {chunk[0]}" + (f" … {chunk[-1]}" if len(chunk) > 1 else "")
            try:
                answers = self._api.batch(calls, kind="drive.batch", where=where, uri=self._batch_uri)
            except Refused as exc:
                raise unusable_api(exc, DRIVE_API, where) or BackendError(
                    f"Drive refused to describe the files: {exc.text}",
                    where=where,
                    fix="run again later; if it persists, report it with this message",
                ) from exc
            for n, file_id in enumerate(chunk):
                out[file_id] = self._check(file_id, answers[f"{n}"])
        return out

    def _check(self, file_id: str, answer: dict[str, Any] | Refused) -> FileCheck:
        if isinstance(answer, Refused):
            return self._missing(answer, file_id)
        mime = str(answer.get("mimeType", ""))
        name = str(answer.get("name", ""))
        if answer.get("trashed"):
            return FileCheck(file_id, exists=False, name=name, mime_type=mime, problem="in the trash")
        return FileCheck(file_id, exists=True, is_pdf=mime == PDF, name=name, mime_type=mime)

    def _missing(self, refused: Refused, file_id: str) -> FileCheck:
        """A file Drive would not describe: which of "not there" or "not shared" it is, or stop the run."""
        where = f"Drive file {file_id}"
        common = unusable_api(refused, DRIVE_API, where)
        if common is not None:
            raise common from refused
        if refused.status == 404:
            problem = (
                "not found: deleted, or the folder the form saves uploads to is not shared "
                f"({self._auth.share_hint('Viewer')})"
            )
        elif refused.status == 403:
            problem = (
                f"not shared ({', '.join(sorted(refused.reasons)) or 'permission denied'}): in the form "
                "owner's Drive, share the folder the form saves uploads to (named after the form, "
                f"'… (File responses)') with {self._auth.who()} as Viewer"
            )
        else:
            raise BackendError(
                f"Drive refused to describe the file: {refused.text}",
                where=where,
                fix="run again later; if it persists, report it with this message",
            ) from refused
        return FileCheck(file_id, exists=False, problem=problem)

    def close(self) -> None:
        self._api.close()
