"""Google's refusals explained as the project's errors: case tables."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from pipeline.backends.google_errors import Refused, form_error, sheets_error, unusable_api
from pipeline.errors import BackendError, ConfigError, PipelineError, SourceError


def body(code: int, status: str, message: str, *reasons: str) -> str:
    error: dict[str, object] = {"code": code, "status": status, "message": message}
    if reasons:
        error["errors"] = [{"reason": r} for r in reasons]
    return json.dumps({"error": error})


NOT_FOUND = body(404, "NOT_FOUND", "Requested entity was not found.")
DENIED = body(403, "PERMISSION_DENIED", "The caller does not have permission", "forbidden")
DISABLED = body(403, "PERMISSION_DENIED", "Sheets API has not been used in project 1", "SERVICE_DISABLED")
UNSCOPED = body(
    403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.", "insufficientPermissions"
)
HTML_413 = "<!DOCTYPE html><html><title>413. That’s an error.</title></html>"


def refused(status: int, text: str, kind: str = "forms.get") -> Refused:
    return Refused(status, text, kind=kind, where="form F")


def test_a_refusal_reads_google_s_error() -> None:
    error = refused(403, UNSCOPED)
    assert error.text == "HTTP 403 PERMISSION_DENIED: Request had insufficient authentication scopes."
    assert error.reasons == {"insufficientPermissions", "PERMISSION_DENIED"}
    assert error.detail == "Request had insufficient authentication scopes."
    assert isinstance(error, BackendError) and "forms.get" in error.message and error.fix
    html = refused(413, HTML_413)
    assert (html.text, html.detail) == ("HTTP 413 413. That’s an error.", "")


# status, body -> the error class and words of its fix, None when sharing may fix it
UNUSABLE_CASES: list[tuple[int, str, tuple[type[PipelineError], str] | None]] = [
    (403, DISABLED, (BackendError, "enable the Google Drive API")),
    (
        403,
        body(403, "PERMISSION_DENIED", "x", "accessNotConfigured"),
        (BackendError, "enable the Google Drive API"),
    ),
    (403, UNSCOPED, (BackendError, "allow every access")),
    (403, DENIED, None),
    (404, NOT_FOUND, None),
    (400, DISABLED, None),  # only a 403 means that
]


@pytest.mark.parametrize(("status", "text", "expected"), UNUSABLE_CASES)
def test_unusable_api(status: int, text: str, expected: tuple[type[PipelineError], str] | None) -> None:
    error = unusable_api(refused(status, text), "Google Drive API", "Drive file F")
    if expected is None:
        assert error is None
        return
    error_class, fix = expected
    assert type(error) is error_class and error is not None
    assert fix in error.fix and error.where == "Drive file F"


# status, body, kind -> the error class, words of its message and of its fix
FORM_CASES: list[tuple[int, str, str, type[PipelineError], str, str]] = [
    (404, NOT_FOUND, "forms.get", SourceError, "the form cannot be read: Requested entity", "share it"),
    (403, DENIED, "forms.get", SourceError, "the form cannot be read", "share it"),
    (403, UNSCOPED, "forms.get", BackendError, "do not carry the access", "allow every access"),
    (
        403,
        UNSCOPED,
        "forms.create",
        ConfigError,
        "forms.create was refused: the credentials lack the scope",
        "--forms",
    ),
    (403, DISABLED, "forms.batchUpdate", BackendError, "not enabled", "enable the Google Forms API"),
    (400, body(400, "INVALID_ARGUMENT", "bad"), "forms.get", BackendError, "refused the request", "form_id"),
    (
        400,
        body(400, "INVALID_ARGUMENT", "Invalid value at 'item'"),
        "forms.batchUpdate",
        BackendError,
        "item'",
        "again",
    ),
]


@pytest.mark.parametrize(("status", "text", "kind", "error_class", "message", "fix"), FORM_CASES)
def test_form_error(
    status: int, text: str, kind: str, error_class: type[PipelineError], message: str, fix: str
) -> None:
    error = form_error(refused(status, text, kind), kind, "form F", fix="share it")
    assert type(error) is error_class
    assert message in error.message and fix in error.fix


@dataclass
class Auth:
    source: str

    def share_hint(self, role: str) -> str:
        return f"share it with a@p.iam.gserviceaccount.com as {role}"


KEY = "key file k.json"
LOGIN = "saved login t.json"
# status, body, reading, source -> the error class, where, words of the fix
SHEETS_CASES: list[tuple[int, str, bool, str, type[PipelineError], str, str]] = [
    (
        413,
        HTML_413,
        False,
        KEY,
        BackendError,
        "spreadsheet S",
        "lower google.max_body_bytes in the settings (now 2,000,000)",
    ),
    (401, body(401, "UNAUTHENTICATED", "x"), True, LOGIN, BackendError, LOGIN, "pipeline auth login"),
    (401, body(401, "UNAUTHENTICATED", "x"), True, KEY, BackendError, KEY, "download a new key"),
    (403, UNSCOPED, True, LOGIN, BackendError, LOGIN, "allow every access"),
    (403, UNSCOPED, True, KEY, BackendError, KEY, "service-account key file"),
    (403, DISABLED, True, KEY, BackendError, "spreadsheet S", "enable the Google Sheets API"),
    (403, DENIED, True, KEY, SourceError, "spreadsheet S", "as Viewer"),
    (404, NOT_FOUND, True, KEY, SourceError, "spreadsheet S", "as Viewer"),
    (403, DENIED, False, KEY, BackendError, "spreadsheet S", "as Editor (the output spreadsheet is created"),
    (
        400,
        body(400, "INVALID_ARGUMENT", "Unable to parse range"),
        True,
        KEY,
        BackendError,
        "spreadsheet S",
        "tab",
    ),
]


@pytest.mark.parametrize(("status", "text", "reading", "source", "error_class", "where", "fix"), SHEETS_CASES)
def test_sheets_error(
    status: int, text: str, reading: bool, source: str, error_class: type[PipelineError], where: str, fix: str
) -> None:
    error = sheets_error(
        refused(status, text, "sheets.get"), "S", reading=reading, auth=Auth(source), max_body=2_000_000
    )
    assert type(error) is error_class
    assert error.where == where and fix in error.fix
    assert f"HTTP {status}" in error.message and "<html" not in error.message
