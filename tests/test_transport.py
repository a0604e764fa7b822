"""What the transport counts, retries and rewrites: case tables (the HTTP side runs in test_backend_google)."""

from __future__ import annotations

import json

import pytest
import requests

from pipeline.backends.retry import NOT_JSON_FIX, RequestCounter, RetryPolicy
from pipeline.backends.transport import (
    DRIVE_ORIGIN,
    SHEETS_ORIGIN,
    TOKEN_ORIGIN,
    Transport,
    request_kind,
    token_error,
    token_refusal_to_retry,
    transient,
)

KIND_CASES = [
    ("GET", "https://sheets.googleapis.com/v4/spreadsheets/X/values:batchGet?ranges=a", "sheets.batchGet"),
    ("GET", "https://sheets.googleapis.com/v4/spreadsheets/X", "sheets.get"),
    ("POST", "https://sheets.googleapis.com/v4/spreadsheets/X:batchUpdate", "sheets.batchUpdate"),
    (
        "POST",
        "https://sheets.googleapis.com/v4/spreadsheets/X/values:batchUpdate",
        "sheets.values.batchUpdate",
    ),
    ("PUT", "https://sheets.googleapis.com/v4/spreadsheets/X/values/%27a%27%21A1", "sheets.values.update"),
    ("GET", "https://sheets.googleapis.com/v4/spreadsheets/X/values/a", "sheets.values.get"),
    ("POST", "https://sheets.googleapis.com/v4/spreadsheets/X/values/a:clear", "sheets.values.clear"),
    ("GET", "https://www.googleapis.com/drive/v3/files/F", "drive.files.get"),
]


@pytest.mark.parametrize(("method", "url", "kind"), KIND_CASES)
def test_request_kind(method: str, url: str, kind: str) -> None:
    assert request_kind(method, url) == kind


def answer(status: int, body: str | bytes = "{}", headers: dict[str, str] | None = None) -> requests.Response:
    """A requests.Response as the wire would hand it over."""
    response = requests.Response()
    response.status_code = status
    response._content = body.encode() if isinstance(body, str) else body
    response.headers.update(headers or {})
    return response


def google_error(code: int, status: str, message: str, reason: str = "") -> str:
    error: dict[str, object] = {"code": code, "status": status, "message": message}
    if reason:
        error["errors"] = [{"reason": reason}]
    return json.dumps({"error": error})


# status, body, headers -> (reason, retry_after, quota, fix) of the failure, or None for a final answer
TRANSIENT_CASES = [
    (200, "{}", {}, None),
    (201, '{"spreadsheetId": "x"}', {}, None),
    (400, google_error(400, "INVALID_ARGUMENT", "bad range"), {}, None),
    (404, google_error(404, "NOT_FOUND", "no such spreadsheet"), {}, None),
    (403, google_error(403, "PERMISSION_DENIED", "no access", "forbidden"), {}, None),
    (
        429,
        google_error(429, "RESOURCE_EXHAUSTED", "quota"),
        {"Retry-After": "7"},
        ("HTTP 429 RESOURCE_EXHAUSTED: quota", "7", False, ""),
    ),
    (
        503,
        google_error(503, "UNAVAILABLE", "try later"),
        {},
        ("HTTP 503 UNAVAILABLE: try later", None, False, ""),
    ),
    (408, "", {}, ("HTTP 408", None, False, "")),
    (
        502,
        "<!DOCTYPE html><html><title>Error 502 (Server Error)!!1</title></html>",
        {},
        ("HTTP 502 Error 502 (Server Error)!!1", None, False, ""),
    ),
    (
        403,
        google_error(403, "PERMISSION_DENIED", "slow down", "userRateLimitExceeded"),
        {},
        ("HTTP 403 PERMISSION_DENIED: slow down", None, True, ""),
    ),
    (
        200,
        '{"valueRanges": [',
        {},
        ("HTTP 200 with an answer that is not JSON (17 bytes", None, False, NOT_JSON_FIX),
    ),
    (200, "<html><title>Sign in to the Wi-Fi</title></html>", {}, ("not JSON", None, False, NOT_JSON_FIX)),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), TRANSIENT_CASES)
def test_transient(
    status: int, body: str, headers: dict[str, str], expected: tuple[str, str | None, bool, str] | None
) -> None:
    failure = transient(answer(status, body, headers))
    if expected is None:
        assert failure is None
        return
    reason, retry_after, quota, fix = expected
    assert failure is not None
    assert reason in failure.reason
    assert (failure.status, failure.retry_after, failure.quota, failure.fix) == (
        status,
        retry_after,
        quota,
        fix,
    )


# status, body -> the OAuth error code, and whether it is worth another try
TOKEN_CASES = [
    (200, '{"access_token": "t", "expires_in": 3599}', "", False),
    (
        400,
        '{"error": "invalid_grant", "error_description": "Token has been expired or revoked."}',
        "invalid_grant",
        False,
    ),
    (400, '{"error": "server_error"}', "server_error", True),
    (400, '{"error": "temporarily_unavailable"}', "temporarily_unavailable", True),
    (401, '{"error": "internal_failure"}', "internal_failure", True),
    (400, "<html>not json</html>", "", False),
    (400, '["a list"]', "", False),
]


@pytest.mark.parametrize(("status", "body", "error", "retried"), TOKEN_CASES)
def test_token_refusals(status: int, body: str, error: str, retried: bool) -> None:
    assert token_error(body) == error
    failure = token_refusal_to_retry(answer(status, body))
    assert (failure is not None) == retried
    if failure is not None:
        assert failure.reason == f"HTTP {status} {error}" and failure.status == status


BASES = {SHEETS_ORIGIN: "http://127.0.0.1:8080/", DRIVE_ORIGIN: "http://127.0.0.1:8081", TOKEN_ORIGIN: ""}
URL_CASES = [
    (
        "https://sheets.googleapis.com/v4/spreadsheets/X?fields=a",
        "http://127.0.0.1:8080/v4/spreadsheets/X?fields=a",
    ),
    ("https://www.googleapis.com/drive/v3/files/F", "http://127.0.0.1:8081/drive/v3/files/F"),
    (
        "https://oauth2.googleapis.com/token",
        "https://oauth2.googleapis.com/token",
    ),  # no base given: unchanged
    ("http://127.0.0.1:9/token", "http://127.0.0.1:9/token"),  # a key file's own token_uri
]


@pytest.mark.parametrize(("url", "sent_to"), URL_CASES)
def test_transport_url(url: str, sent_to: str) -> None:
    transport = Transport(RetryPolicy(), RequestCounter(), timeout=5.0, bases=BASES)
    assert transport.url(url) == sent_to
