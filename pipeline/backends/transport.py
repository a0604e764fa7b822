"""One HTTP request to Google at a time: to the configured base URL, counted, retried by the policy.

No Google client library here, only `requests`: gspread's HTTP client and the
token endpoint transport google-auth uses (both in google_client.py) hand their
requests to `Transport.send`, which

- sends them to the base URLs in the settings instead of Google's origins,
- counts every attempt under its kind ("sheets.batchGet", "oauth.token"),
- retries what is worth another try (429, 5xx, 408, a rate-limit 403, a 200 that
  is not whole JSON, a reset connection, a timeout) under `retry.RetryPolicy`,
- and returns the final answer, good or bad, for the caller to judge.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from pipeline.backends.retry import (
    Failure,
    RequestCounter,
    RetryPolicy,
    is_json,
    not_json_failure,
    retryable_answer,
)

SHEETS_ORIGIN = "https://sheets.googleapis.com"
DRIVE_ORIGIN = "https://www.googleapis.com"
TOKEN_ORIGIN = "https://oauth2.googleapis.com"

# OAuth error codes (RFC 6749 5.2 and Google's own) that say "try again", not "refused".
TOKEN_RETRY_ERRORS = frozenset({"internal_failure", "server_error", "temporarily_unavailable"})


def request_kind(method: str, url: str) -> str:
    """The name a request is counted under, e.g. "sheets.batchGet" or "drive.files.get"."""
    path = urlsplit(url).path
    method = method.upper()
    if path.startswith("/v4/spreadsheets"):
        rest = path[len("/v4/spreadsheets") :]
        if not rest.strip("/"):
            return "sheets.create"
        if rest.endswith("/values:batchUpdate"):
            return "sheets.values.batchUpdate"
        if rest.endswith("/values:batchGet"):
            return "sheets.batchGet"
        if rest.endswith("/values:batchClear"):
            return "sheets.values.batchClear"
        if rest.endswith(":batchUpdate"):
            return "sheets.batchUpdate"
        if "/values/" in rest:
            if rest.endswith(":append"):
                return "sheets.values.append"
            if rest.endswith(":clear"):
                return "sheets.values.clear"
            return "sheets.values.update" if method == "PUT" else "sheets.values.get"
        if ":copyTo" in rest:
            return "sheets.copyTo"
        return "sheets.get"
    if path.startswith("/drive/"):
        return "drive.files.get" if method == "GET" and "/files/" in path else f"drive.{method.lower()}"
    if path.startswith("/upload/drive/"):
        return "drive.upload"
    return f"other.{method.lower()}"


def root_cause(exc: BaseException) -> str:
    """The innermost reason in a requests error chain, e.g. "Connection reset by peer"."""
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        inner = next((a for a in current.args if isinstance(a, BaseException)), None)
        inner = inner or current.__cause__ or current.__context__
        if inner is None:
            break
        current = inner
    if isinstance(current, OSError) and current.strerror:
        return current.strerror
    return str(current) or type(current).__name__


def connection_failure(exc: requests.RequestException, host: str, timeout: float | None) -> Failure:
    if isinstance(exc, requests.Timeout):
        return Failure(f"no answer from {host} within {timeout} s")
    return Failure(f"connection to {host} failed ({root_cause(exc)})")


def transient(response: requests.Response) -> Failure | None:
    """The failure to retry for this answer, None when it is a final answer (good or bad)."""
    status = response.status_code
    if 200 <= status < 300:
        return None if is_json(response.content) else not_json_failure(status, response.content)
    return retryable_answer(status, response.text, response.headers.get("Retry-After"))


def token_error(body: str) -> str:
    """The OAuth error code in a token endpoint's answer ("invalid_grant"), "" when there is none."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def token_refusal_to_retry(response: requests.Response) -> Failure | None:
    """A token endpoint's refusal that says to try again later (a 400 `server_error`, say)."""
    error = token_error(response.text)
    if response.status_code != 200 and error in TOKEN_RETRY_ERRORS:
        return Failure(f"HTTP {response.status_code} {error}", response.status_code)
    return None


@dataclass(frozen=True)
class Transport:
    """Sends a request to the base URL configured for its origin, counted and retried by `policy`."""

    policy: RetryPolicy
    counter: RequestCounter
    timeout: float
    bases: Mapping[str, str] = field(default_factory=dict)  # Google's origin -> the base URL to use

    def url(self, url: str) -> str:
        for origin, base in self.bases.items():
            if base and url.startswith(origin):
                return base.rstrip("/") + url[len(origin) :]
        return url

    def send(
        self,
        session: requests.Session,
        method: str,
        url: str,
        *,
        kind: str,
        what: str = "",
        where: str = "",
        timeout: float | None = None,
        retry_also: Callable[[requests.Response], Failure | None] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """The final answer to `method url`, good or bad, once transient failures are retried.

        `retry_also` names further answers worth another try. An exception other than
        a requests error (a credentials failure, say) ends the call as it is.
        """
        target = self.url(url)
        host = urlsplit(url).netloc
        wait = self.timeout if timeout is None else timeout

        def attempt() -> requests.Response | Failure:
            self.counter.add(kind)
            try:
                response = session.request(method, target, timeout=wait, **kwargs)
            except requests.RequestException as exc:
                return connection_failure(exc, host, wait)
            failure = transient(response)
            if failure is None and retry_also is not None:
                failure = retry_also(response)
            return response if failure is None else failure

        return self.policy.run(
            attempt, what=what or f"Google request {kind}", where=where or urlsplit(url).path
        )
