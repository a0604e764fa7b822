"""The Google store: response spreadsheets and the output spreadsheet through the Sheets API.

The only module that imports gspread and google-auth. gspread is used through
its documented `http_client=` hook: `SheetsHTTPClient` sends every request to
the configured base URLs with the configured timeout, counts it, and applies the
project's retry policy (pipeline/backends/retry.py) instead of gspread's own.

Requests per operation (Sheets allows 60 a minute per account):

- read:  one `values:batchGet` for every tab, as unformatted values with dates
  as serial numbers; plus one metadata `GET` only when a tab is "" (the first
  tab) or a tab turns out to be missing.
- write: one metadata `GET` (which tabs exist, their ids) and ONE
  `spreadsheets:batchUpdate` that resizes or adds each tab, writes every cell,
  bolds and freezes the header, sets column widths and number formats. Google
  applies a batchUpdate atomically, so a reader sees every previous tab or every
  new one, never half of a tab; a failure leaves the previous tabs untouched.
  Tabs are updated in place (same sheet id), so formulas and charts elsewhere
  that point at them keep working.
- one `oauth.token` request per hour of work.

Values travel as typed cells (`stringValue`, `numberValue`, `boolValue`): a
string is always literal text, so "=1+1", "+66", "-" and "@x" typed by a
respondent stay text, as valueInputOption=RAW would keep them. Dates and
datetimes are written as serial numbers with a date format, so officers see
dates, sorting works, and reading them back returns the serial the normaliser
expects.
"""

from __future__ import annotations

import json
import math
import os
import random
import tempfile
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urlsplit

import google.auth.transport
import google.oauth2.credentials
import google.oauth2.service_account
import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import AuthorizedSession
from gspread import Client, HTTPClient
from gspread.exceptions import APIError
from gspread.http_client import FileType, ParamsType

from pipeline.backends.retry import RETRY_STATUSES, Failure, RequestCounter, RetryPolicy
from pipeline.errors import BackendError, ConfigError, PipelineError, SourceError
from pipeline.models import Cell, Column, Grid, Row, Table
from pipeline.settings import GoogleSettings

if TYPE_CHECKING:
    from pipeline.backends.gapi import DriveChecker, FormsEditor, FormsSource

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.readonly",
    "https://www.googleapis.com/auth/forms.responses.readonly",
)
# `pipeline forms build` alone asks for these, on top of SCOPES: forms.body to create and change
# a form, drive.file to publish it (and to reach nothing in Drive but the files this tool made).
FORMS_BUILD_SCOPES = (
    "https://www.googleapis.com/auth/forms.body",
    "https://www.googleapis.com/auth/drive.file",
)
SHEETS_ORIGIN = "https://sheets.googleapis.com"
DRIVE_ORIGIN = "https://www.googleapis.com"
TOKEN_ORIGIN = "https://oauth2.googleapis.com"

_EPOCH = datetime(1899, 12, 30)  # day 0 of Google Sheets serial dates
_PX_PER_CHAR = 7.2  # Column.width is in characters; Sheets wants pixels (100 px ≈ 14 characters)
_HEADER_BG = {"red": 0xDD / 255, "green": 0xEB / 255, "blue": 0xF7 / 255}
_LEVEL_BG = {1: (0xF8, 0xCB, 0xAD), 2: (0xFF, 0xE6, 0x99), 3: (0xC6, 0xEF, 0xCE)}
_SEVERITY_BG = {"ข้อผิดพลาด": (0xF8, 0xCB, 0xAD), "คำเตือน": (0xFF, 0xE6, 0x99)}
_TOKEN_RETRY_ERRORS = frozenset({"internal_failure", "server_error", "temporarily_unavailable"})


# ---------------------------------------------------------------- request kinds


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


def _root_cause(exc: BaseException) -> str:
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


def _transport_failure(exc: requests.RequestException, host: str, timeout: float | None) -> Failure:
    if isinstance(exc, requests.Timeout):
        return Failure(f"no answer from {host} within {timeout} s")
    return Failure(f"connection to {host} failed ({_root_cause(exc)})")


def _http_failure(status: int, body: str, headers: Mapping[str, str]) -> Failure:
    return Failure(f"HTTP {status} {_error_text(body)}".rstrip(), status, headers.get("Retry-After"))


def _error_text(body: str) -> str:
    """Google's error JSON as "STATUS: message"; raw text when it is not JSON."""
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        return body[:200].strip()
    if isinstance(error, dict):
        return f"{error.get('status', '')}: {error.get('message', '')}".strip(": ")
    return str(error)[:200]


# ---------------------------------------------------------------- credentials


class _TokenResponse(google.auth.transport.Response):
    def __init__(self, response: requests.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class TokenRequest(google.auth.transport.Request):
    """The transport google-auth uses to fetch access tokens: retried by our policy, counted, never logged.

    google-auth would otherwise retry a failing token endpoint with real sleeps
    of its own; here every retryable answer is handled before google-auth sees it.
    """

    def __init__(
        self, policy: RetryPolicy, counter: RequestCounter, timeout: float, token_url: str | None = None
    ) -> None:
        self._token_url = token_url
        self._policy = policy
        self._counter = counter
        self._timeout = timeout
        self._session = requests.Session()

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> google.auth.transport.Response:
        wait = timeout if timeout is not None else self._timeout
        if self._token_url and url.startswith(TOKEN_ORIGIN):
            url = self._token_url.rstrip("/") + url[len(TOKEN_ORIGIN) :]
        host = urlsplit(url).netloc

        def attempt() -> google.auth.transport.Response | Failure:
            self._counter.add("oauth.token")
            try:
                response = self._session.request(
                    method, url, data=body, headers=dict(headers or {}), timeout=wait, **kwargs
                )
            except requests.RequestException as exc:
                return _transport_failure(exc, host, wait)
            if response.status_code in RETRY_STATUSES or response.status_code == 408:
                return _http_failure(response.status_code, response.text, response.headers)
            if response.status_code != 200 and _token_error(response.text) in _TOKEN_RETRY_ERRORS:
                return Failure(
                    f"HTTP {response.status_code} {_token_error(response.text)}", response.status_code
                )
            return _TokenResponse(response)

        return self._policy.run(attempt, what="Getting an access token from Google", where=url)

    def close(self) -> None:
        self._session.close()


def _token_error(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def load_credentials(
    settings: GoogleSettings,
    *,
    environ: Mapping[str, str] | None = None,
    scopes: Sequence[str] = SCOPES,
) -> tuple[Credentials, str]:
    """The credentials the settings point at, with a short description of where they came from.

    A service-account key (google.credentials, else GOOGLE_APPLICATION_CREDENTIALS),
    else the token `pipeline auth login` saved (google.token_cache). Always with SCOPES.
    """
    env = os.environ if environ is None else environ
    key = settings.credentials or (
        Path(env["GOOGLE_APPLICATION_CREDENTIALS"]) if env.get("GOOGLE_APPLICATION_CREDENTIALS") else None
    )
    if key is not None:
        return _key_file_credentials(key, scopes), f"key file {key}"
    if settings.token_cache is not None and settings.token_cache.exists():
        return _token_cache_credentials(settings.token_cache, scopes), f"saved login {settings.token_cache}"
    raise ConfigError(
        "no Google credentials are configured",
        where="google: in the settings",
        fix="set google.credentials to a service-account key file (see docs/google-setup.md), "
        "or set GOOGLE_APPLICATION_CREDENTIALS, or set google.oauth_client and google.token_cache "
        "and run `pipeline auth login`",
    )


def _read_json(path: Path, what: str, fix: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"the {what} file does not exist", where=str(path), fix=fix) from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"the {what} file cannot be read as JSON ({exc})", where=str(path), fix=fix
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"the {what} file is not a JSON object", where=str(path), fix=fix)
    return data


def _key_file_credentials(path: Path, scopes: Sequence[str] = SCOPES) -> Credentials:
    fix = (
        "download a JSON key for the service account (docs/google-setup.md, step 4) "
        "and point google.credentials at it"
    )
    info = _read_json(path, "service-account key", fix)
    kind = info.get("type")
    if kind in ("installed", "web") or "installed" in info or "web" in info:
        raise ConfigError(
            "this is an OAuth client file, not a service-account key",
            where=str(path),
            fix="set google.oauth_client to this file and run `pipeline auth login`, "
            "or download a service-account key instead",
        )
    if kind == "authorized_user":
        return _user_credentials(info, path, scopes)
    if kind != "service_account":
        raise ConfigError(
            f"the key file has type {kind!r}, expected 'service_account'", where=str(path), fix=fix
        )
    if "REPLACE" in str(info.get("private_key", "")):
        raise ConfigError(
            "this is the example key file with placeholders, not a real key", where=str(path), fix=fix
        )
    try:
        sa = google.oauth2.service_account.Credentials
        return cast(Credentials, sa.from_service_account_info(info, scopes=list(scopes)))  # type: ignore[no-untyped-call]
    except (ValueError, KeyError, GoogleAuthError) as exc:
        raise ConfigError(f"the service-account key is not usable ({exc})", where=str(path), fix=fix) from exc


def _token_cache_credentials(path: Path, scopes: Sequence[str] = SCOPES) -> Credentials:
    fix = "run `pipeline auth login` again"
    return _user_credentials(_read_json(path, "saved login", fix), path, scopes)


def _user_credentials(info: Mapping[str, Any], path: Path, scopes: Sequence[str] = SCOPES) -> Credentials:
    try:
        user = google.oauth2.credentials.Credentials
        return cast(Credentials, user.from_authorized_user_info(dict(info), scopes=list(scopes)))  # type: ignore[no-untyped-call]
    except (ValueError, KeyError, GoogleAuthError) as exc:
        raise ConfigError(
            f"the saved login is incomplete ({exc})", where=str(path), fix="run `pipeline auth login` again"
        ) from exc


class GoogleAuth:
    """Credentials plus the one counted, retried way their tokens are fetched."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        source: str,
        policy: RetryPolicy,
        counter: RequestCounter,
        timeout: float,
        token_url: str | None = None,
    ) -> None:
        self.credentials = credentials
        self.source = source
        self.token_request = TokenRequest(policy, counter, timeout, token_url)

    @property
    def account(self) -> str:
        """The address to share spreadsheets with, when the credentials know it."""
        email = getattr(self.credentials, "service_account_email", None)
        return email if isinstance(email, str) and email else ""

    def share_hint(self, role: str) -> str:
        who = self.account or "the Google account you logged in with (`pipeline auth login`)"
        return f"share it with {who} as {role}"

    def ensure_valid(self) -> None:
        """Fetch an access token now if there is none or it is about to expire."""
        if self.credentials.valid:
            return
        try:
            self.credentials.refresh(self.token_request)  # type: ignore[no-untyped-call]
        except GoogleAuthError as exc:
            raise self._translate(exc) from exc

    def auth_error(self, exc: BaseException) -> PipelineError | None:
        """The project's error for a google-auth failure, None for anything else."""
        if isinstance(exc, PipelineError):
            return exc
        return self._translate(exc) if isinstance(exc, GoogleAuthError) else None

    def _translate(self, exc: GoogleAuthError) -> PipelineError:
        reason = str(exc.args[0]) if exc.args else type(exc).__name__
        if self.source.startswith("saved login"):
            fix = "the saved login expired or was revoked: run `pipeline auth login` again"
        else:
            fix = (
                "check that the key was not deleted in Cloud console > IAM > Service accounts > Keys "
                "(download a new one if so) and that this computer's clock is right"
            )
        return BackendError(f"Google refused the credentials ({reason})", where=self.source, fix=fix)

    def close(self) -> None:
        self.token_request.close()


# ---------------------------------------------------------------- gspread's HTTP client


@dataclass(frozen=True)
class _Wire:
    settings: GoogleSettings
    auth: GoogleAuth
    policy: RetryPolicy
    counter: RequestCounter

    def rewrite(self, url: str) -> str:
        for origin, base in (
            (SHEETS_ORIGIN, self.settings.sheets_url),
            (DRIVE_ORIGIN, self.settings.drive_url),
        ):
            if url.startswith(origin):
                return base.rstrip("/") + url[len(origin) :]
        return url


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client with the project's base URLs, timeout, request counting and retry policy."""

    def __init__(self, auth: Credentials, session: requests.Session | None = None, *, wire: _Wire) -> None:
        self.wire = wire
        if session is None:
            session = AuthorizedSession(auth, auth_request=wire.auth.token_request)  # type: ignore[no-untyped-call]
        super().__init__(auth, session)
        self.auth = auth
        self.set_timeout(wire.settings.timeout)

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        url = self.wire.rewrite(endpoint)
        kind = request_kind(method, endpoint)
        host = urlsplit(endpoint).netloc
        timeout = self.timeout if isinstance(self.timeout, float | int) else None

        def attempt() -> requests.Response | Failure:
            self.wire.counter.add(kind)
            try:
                response = self.session.request(
                    method=method,
                    url=url,
                    json=json,
                    params=params,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                return _transport_failure(exc, host, timeout)
            except GoogleAuthError as exc:
                raise self.wire.auth._translate(exc) from exc
            if response.ok:
                return response
            if response.status_code in RETRY_STATUSES:
                return _http_failure(response.status_code, response.text, response.headers)
            raise APIError(response)

        return self.wire.policy.run(attempt, what=f"Google request {kind}", where=urlsplit(endpoint).path)


def _client_class(wire: _Wire) -> type[HTTPClient]:
    """The class gspread's `http_client=` argument wants, bound to one backend's settings."""

    class _Bound(SheetsHTTPClient):
        def __init__(self, auth: Credentials, session: requests.Session | None = None) -> None:
            super().__init__(auth, session, wire=wire)

    return _Bound


# ---------------------------------------------------------------- cells


def a1_tab(title: str) -> str:
    """A whole tab as an A1 range: the title quoted, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def serial(value: date | datetime) -> float:
    """A date or datetime as a Sheets serial number (days since 1899-12-30, time as a fraction)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float((value - _EPOCH.date()).days)


def _grid(values: Any) -> Grid:
    rows: Grid = []
    for raw in values or []:
        row: Row = [None if v == "" else v for v in raw] if isinstance(raw, list) else []
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _rgb(color: tuple[int, int, int]) -> dict[str, float]:
    return {"red": color[0] / 255, "green": color[1] / 255, "blue": color[2] / 255}


def _cell(value: Cell, column: Column) -> dict[str, Any]:
    """One CellData: a typed value (never parsed as a formula) and its format; {} is an empty cell."""
    fmt: dict[str, Any] = {}
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        entered: dict[str, Any] = {"boolValue": value}
    elif isinstance(value, int | float):
        if not math.isfinite(value):
            return {}
        entered = {"numberValue": value}
        if column.kind == "float":
            fmt["numberFormat"] = {"type": "NUMBER", "pattern": "0.00"}
    elif isinstance(value, datetime):
        entered = {"numberValue": serial(value)}
        fmt["numberFormat"] = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}
    elif isinstance(value, date):
        entered = {"numberValue": serial(value)}
        fmt["numberFormat"] = {"type": "DATE", "pattern": "yyyy-mm-dd"}
    else:
        entered = {"stringValue": str(value)}
    if column.kind == "level" and isinstance(value, int) and value in _LEVEL_BG:
        fmt["backgroundColor"] = _rgb(_LEVEL_BG[value])
    elif column.key == "severity" and isinstance(value, str) and value in _SEVERITY_BG:
        fmt["backgroundColor"] = _rgb(_SEVERITY_BG[value])
    return {"userEnteredValue": entered, "userEnteredFormat": fmt} if fmt else {"userEnteredValue": entered}


def _header_cell(text: str) -> dict[str, Any]:
    return {
        "userEnteredValue": {"stringValue": text},
        "userEnteredFormat": {
            "textFormat": {"bold": True},
            "backgroundColor": _HEADER_BG,
            "wrapStrategy": "WRAP",
            "verticalAlignment": "MIDDLE",
        },
    }


def _check_tables(spreadsheet_id: str, tables: Sequence[Table]) -> None:
    seen: set[str] = set()
    for table in tables:
        where = f"spreadsheet {spreadsheet_id}, table {table.name!r}"
        fix = "this is a fault in the report code, not in the data: report it with this message"
        if not table.title.strip() or table.title in seen:
            raise BackendError(f"tab title {table.title!r} is empty or used twice", where=where, fix=fix)
        if not table.columns:
            raise BackendError("the table has no columns", where=where, fix=fix)
        seen.add(table.title)
        for number, row in enumerate(table.rows, start=2):
            if len(row) != len(table.columns):
                raise BackendError(
                    f"row {number} has {len(row)} cells for {len(table.columns)} columns",
                    where=where,
                    fix=fix,
                )


@dataclass(frozen=True)
class _Plan:
    requests: list[dict[str, Any]]
    new_sheets: dict[int, str]  # sheet id chosen here -> title, for tabs this plan adds


def _plan(tables: Sequence[Table], sheets: Sequence[Mapping[str, Any]], new_id: Callable[[], int]) -> _Plan:
    """The single batchUpdate that puts every table in place, given the spreadsheet's current tabs.

    An existing tab (titles match as Sheets matches them, ignoring case) is resized
    and overwritten in place; a missing one is added with an id chosen here.
    """
    existing = {str(s["title"]).casefold(): s for s in sheets}
    taken = {int(s["sheetId"]) for s in sheets}
    out: list[dict[str, Any]] = []
    new_sheets: dict[int, str] = {}
    for table in tables:
        rows = max(len(table.rows) + 1, 2)  # a frozen header needs a row below it
        cols = len(table.columns)
        grid: dict[str, Any] = {"rowCount": rows, "columnCount": cols, "frozenRowCount": 1}
        old = existing.get(table.title.casefold())
        if old is None:
            sheet_id = new_id()
            while sheet_id in taken:
                sheet_id = new_id()
            taken.add(sheet_id)
            new_sheets[sheet_id] = table.title
            props = {"sheetId": sheet_id, "title": table.title, "gridProperties": grid}
            out.append({"addSheet": {"properties": props}})
        else:
            sheet_id = int(old["sheetId"])
            fields = ["rowCount", "columnCount", "frozenRowCount"]
            if int(old.get("gridProperties", {}).get("frozenColumnCount", 0)) >= cols:
                grid["frozenColumnCount"] = 0
                fields.append("frozenColumnCount")
            props = {"sheetId": sheet_id, "title": table.title, "gridProperties": grid}
            mask = f"title,gridProperties({','.join(fields)})"
            out.append({"updateSheetProperties": {"properties": props, "fields": mask}})
        data = [{"values": [_header_cell(c.header) for c in table.columns]}]
        data += [
            {"values": [_cell(v, c) for v, c in zip(row, table.columns, strict=True)]} for row in table.rows
        ]
        data += [{"values": [{}] * cols}] * (rows - len(data))  # the spare row under a lone header
        start = {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}
        out.append(
            {"updateCells": {"start": start, "rows": data, "fields": "userEnteredValue,userEnteredFormat"}}
        )
        out.extend(_width_requests(sheet_id, table.columns))
        area = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": len(table.rows) + 1}
        out.append(
            {"setBasicFilter": {"filter": {"range": {**area, "startColumnIndex": 0, "endColumnIndex": cols}}}}
        )
    return _Plan(out, new_sheets)


def _width_requests(sheet_id: int, columns: Sequence[Column]) -> list[dict[str, Any]]:
    """One updateDimensionProperties per run of columns of the same width."""
    out: list[dict[str, Any]] = []
    start = 0
    for end in range(1, len(columns) + 1):
        if end == len(columns) or columns[end].width != columns[start].width:
            span = {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": start, "endIndex": end}
            size = {"pixelSize": max(30, round(columns[start].width * _PX_PER_CHAR))}
            out.append(
                {"updateDimensionProperties": {"range": span, "properties": size, "fields": "pixelSize"}}
            )
            start = end
    return out


# ---------------------------------------------------------------- the backend


class GoogleBackend:
    """`Backend` over Google Sheets; also hands out the Forms and Drive readers sharing its credentials."""

    name = "google"

    def __init__(
        self,
        settings: GoogleSettings,
        *,
        credentials: Credentials | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
        token_url: str | None = None,
    ) -> None:
        """`token_url` replaces https://oauth2.googleapis.com for a saved user login, whose token
        endpoint google-auth always sets to Google's (a service-account key names its own)."""
        self.settings = settings
        self._counter = RequestCounter()
        self._policy = RetryPolicy(max_attempts=settings.max_attempts, sleep=sleep, rng=rng, clock=clock)
        if credentials is None:
            credentials, source = load_credentials(settings)
        else:
            source = "the credentials given to the Google backend"
        self.auth = GoogleAuth(
            credentials,
            source=source,
            policy=self._policy,
            counter=self._counter,
            timeout=settings.timeout,
            token_url=token_url,
        )
        wire = _Wire(settings, self.auth, self._policy, self._counter)
        self._client = Client(auth=credentials, http_client=_client_class(wire))
        self._http = cast(SheetsHTTPClient, self._client.http_client)
        self._ids = random.SystemRandom()
        self._forms: FormsSource | None = None
        self._drive: DriveChecker | None = None

    # -- the Backend protocol

    def request_counts(self) -> Mapping[str, int]:
        return self._counter.snapshot()

    def read(self, spreadsheet_id: str, tabs: Sequence[str]) -> Mapping[str, Grid]:
        wanted = list(dict.fromkeys(tabs))
        if not wanted:
            return {}
        titles: list[str] | None = None
        if "" in wanted:
            titles = self._titles(spreadsheet_id, role="Viewer")
            self._check_tabs(spreadsheet_id, wanted, titles)
        resolved = {tab: tab or cast(list[str], titles)[0] for tab in wanted}
        ranges = list(dict.fromkeys(resolved.values()))
        params: ParamsType = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS",
        }
        try:
            data = self._http.values_batch_get(spreadsheet_id, [a1_tab(t) for t in ranges], params=params)
        except APIError as exc:
            if exc.code == 400 and titles is None:
                self._check_tabs(spreadsheet_id, wanted, self._titles(spreadsheet_id, role="Viewer"))
            raise self._api_error(exc, spreadsheet_id, reading=True) from exc
        value_ranges = data.get("valueRanges", [])
        if len(value_ranges) != len(ranges):
            raise BackendError(
                f"asked for {len(ranges)} tabs, Google returned {len(value_ranges)}",
                where=f"spreadsheet {spreadsheet_id}",
                fix="run again; if it persists, report it with this message",
            )
        grids = {title: _grid(vr.get("values")) for title, vr in zip(ranges, value_ranges, strict=True)}
        return {tab: grids[resolved[tab]] for tab in wanted}

    def write(self, spreadsheet_id: str, tables: Sequence[Table]) -> None:
        if not tables:
            return
        _check_tables(spreadsheet_id, tables)
        plan = _plan(
            tables, self._sheets(spreadsheet_id, role="Editor"), lambda: self._ids.randrange(1, 2**31 - 1)
        )
        try:
            self._http.batch_update(spreadsheet_id, {"requests": plan.requests})
        except APIError as exc:
            # A 400 after an attempt whose answer was lost (timeout, reset) may mean the
            # first attempt was applied and the retry tripped over the tabs it added:
            # the sheet ids chosen in this plan, present under their titles, prove it.
            if exc.code == 400 and plan.new_sheets and self._applied(spreadsheet_id, plan.new_sheets):
                return
            raise self._api_error(exc, spreadsheet_id, reading=False) from exc

    # -- other Google readers sharing these credentials, this counter and this retry policy

    def read_form(self, form_id: str) -> Grid:
        """A Google Form's responses shaped like its response sheet (see gapi.FormsSource)."""
        return self.forms().read(form_id)

    def forms(self, *, timezone: str = "Asia/Bangkok") -> FormsSource:
        from pipeline.backends.gapi import FormsSource

        if self._forms is None:
            self._forms = FormsSource(
                self.settings, self.auth, counter=self._counter, policy=self._policy, timezone=timezone
            )
        return self._forms

    def drive(self) -> DriveChecker:
        from pipeline.backends.gapi import DriveChecker

        if self._drive is None:
            self._drive = DriveChecker(self.settings, self.auth, counter=self._counter, policy=self._policy)
        return self._drive

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

    def _sheets(self, spreadsheet_id: str, *, role: str) -> list[Mapping[str, Any]]:
        params: ParamsType = {"includeGridData": "false", "fields": "sheets.properties"}
        try:
            meta = self._http.fetch_sheet_metadata(spreadsheet_id, params=params)
        except APIError as exc:
            raise self._api_error(exc, spreadsheet_id, reading=role == "Viewer") from exc
        return [s.get("properties", {}) for s in meta.get("sheets", [])]

    def _titles(self, spreadsheet_id: str, *, role: str) -> list[str]:
        sheets = sorted(self._sheets(spreadsheet_id, role=role), key=lambda s: int(s.get("index", 0)))
        return [str(s.get("title", "")) for s in sheets]

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

    def _applied(self, spreadsheet_id: str, new_sheets: Mapping[int, str]) -> bool:
        present = {
            int(s.get("sheetId", -1)): s.get("title") for s in self._sheets(spreadsheet_id, role="Editor")
        }
        return all(present.get(sheet_id) == title for sheet_id, title in new_sheets.items())

    def _api_error(self, exc: APIError, spreadsheet_id: str, *, reading: bool) -> PipelineError:
        where = f"spreadsheet {spreadsheet_id}"
        text = f"HTTP {exc.code} {_error_text(exc.response.text)}"
        role = "Viewer" if reading else "Editor"
        status = str(exc.error.get("status", ""))
        if exc.code == 401:
            return BackendError(
                f"Google did not accept the credentials: {text}",
                where=self.auth.source,
                fix=(
                    "run `pipeline auth login` again"
                    if self.auth.source.startswith("saved login")
                    else "check the key file; download a new key if this one was deleted"
                ),
            )
        if exc.code == 403 and "scope" in text.lower():
            return BackendError(
                text,
                where=self.auth.source,
                fix="run `pipeline auth login` again and allow every access asked for"
                if self.auth.source.startswith("saved login")
                else "use a service-account key file (docs/google-setup.md) or `pipeline auth login`",
            )
        if exc.code == 403 and (
            status == "SERVICE_DISABLED" or "has not been used" in text or "disabled" in text
        ):
            return BackendError(
                text,
                where=where,
                fix="enable the Google Sheets API for the Cloud project (docs/google-setup.md, step 2)",
            )
        if exc.code in (403, 404):
            error_class = SourceError if reading else BackendError
            what = "cannot be read" if reading else "cannot be written"
            return error_class(
                f"the spreadsheet {what}: {text}",
                where=where,
                fix="check the spreadsheet id or address in the settings, open the spreadsheet and "
                + self.auth.share_hint(role)
                + ("" if reading else " (the output spreadsheet is created by a person, once)"),
            )
        return BackendError(
            f"Google refused the request: {text}",
            where=where,
            fix="if the message names a tab or range, correct it in the settings; "
            "otherwise report it with this message",
        )


# ---------------------------------------------------------------- OAuth login


class InstalledFlow(Protocol):
    def run_local_server(self, **kwargs: Any) -> Any: ...


def _installed_app_flow(client_secrets: Path, scopes: Sequence[str]) -> InstalledFlow:
    from google_auth_oauthlib.flow import InstalledAppFlow

    return cast(
        InstalledFlow, InstalledAppFlow.from_client_secrets_file(str(client_secrets), scopes=list(scopes))
    )


def login(
    settings: GoogleSettings,
    *,
    flow_factory: Callable[[Path, Sequence[str]], InstalledFlow] = _installed_app_flow,
    open_browser: bool = True,
    scopes: Sequence[str] = SCOPES,
) -> Path:
    """Sign in as a Google user in the browser and keep the token in google.token_cache (mode 0600).

    The alternative to a service-account key for an office that cannot create one.
    """
    if settings.oauth_client is None:
        raise ConfigError(
            "google.oauth_client is not set",
            where="google: in the settings",
            fix="create an OAuth client of type 'Desktop app' (docs/google-setup.md), download its JSON "
            "and set google.oauth_client to that file",
        )
    if settings.token_cache is None:
        raise ConfigError(
            "google.token_cache is not set",
            where="google: in the settings",
            fix="set google.token_cache to where the login should be kept, e.g. state/google-token.json",
        )
    if not settings.oauth_client.is_file():
        raise ConfigError(
            "the OAuth client file does not exist",
            where=str(settings.oauth_client),
            fix="download the OAuth client JSON from Cloud console > APIs & Services > Credentials",
        )
    try:
        flow = flow_factory(settings.oauth_client, scopes)
        credentials = flow.run_local_server(port=0, open_browser=open_browser)
    except PipelineError:
        raise
    except Exception as exc:
        raise BackendError(
            f"the Google sign-in did not finish ({type(exc).__name__}: {exc})",
            where=str(settings.oauth_client),
            fix="run `pipeline auth login` again and allow the access asked for in the browser",
        ) from exc
    _write_private(settings.token_cache, str(credentials.to_json()))
    return settings.token_cache


def _write_private(path: Path, text: str) -> None:
    """Write a secret file readable by its owner only; the old file is replaced whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(
            f"cannot save the login ({exc})",
            where=str(path),
            fix="check that the folder exists and is writable",
        ) from exc


def forms_editor(
    settings: GoogleSettings,
    *,
    scopes: Sequence[str] = SCOPES,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> FormsEditor:
    """A `gapi.FormsEditor` on credentials asking for `scopes` (FORMS_BUILD_SCOPES to create forms)."""
    from pipeline.backends.gapi import FormsEditor

    credentials, source = load_credentials(settings, scopes=scopes)
    counter = RequestCounter()
    policy = RetryPolicy(max_attempts=settings.max_attempts, sleep=sleep, rng=rng)
    auth = GoogleAuth(
        credentials,
        source=source,
        policy=policy,
        counter=counter,
        timeout=settings.timeout,
        token_url=settings.token_url or None,
    )
    return FormsEditor(settings, auth, counter=counter, policy=policy, owns_auth=True)
