"""The Google store: response spreadsheets and the output spreadsheet through the Sheets API.

The only module that imports gspread and google-auth. gspread is used through
its documented `http_client=` hook: `SheetsHTTPClient` sends every request to
the configured base URLs with the configured timeout, counts it, and applies the
project's retry policy (pipeline/backends/retry.py) instead of gspread's own.

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

Bodies are sent as compact UTF-8 JSON. Values travel as typed cells
(`stringValue`, `numberValue`, `boolValue`): a string is always literal text,
so "=1+1", "+66", "-" and "@x" typed by a respondent stay text. Dates and
datetimes are written as serial numbers with a date format.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
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

from pipeline.backends.base import FileCheck
from pipeline.backends.oauth import EXPIRY_NOTE, FORMS_BUILD_SCOPES, SCOPES, login
from pipeline.backends.retry import (
    RATE_LIMIT_REASONS,
    RETRY_STATUSES,
    Failure,
    RequestCounter,
    RetryPolicy,
    error_reasons,
    error_text,
    is_json,
    not_json_failure,
)
from pipeline.backends.sheets_plan import (
    CELL_LIMIT,
    SHEET_FIELDS,
    SPREADSHEET_CELL_LIMIT,
    STAGING_PREFIX,
    Batch,
    Publish,
    a1_tab,
    check_tables,
    dumps,
    plan_publish,
    stored_digest,
)
from pipeline.errors import BackendError, ConfigError, PipelineError, SourceError
from pipeline.models import Grid, Row, Table
from pipeline.presentation import Sheet
from pipeline.settings import GoogleSettings

if TYPE_CHECKING:
    from pipeline.backends.gapi import DriveChecker, FormsEditor, FormsSource

__all__ = ["FORMS_BUILD_SCOPES", "SCOPES", "GoogleBackend", "forms_editor", "load_credentials", "login"]

SHEETS_ORIGIN = "https://sheets.googleapis.com"
DRIVE_ORIGIN = "https://www.googleapis.com"
TOKEN_ORIGIN = "https://oauth2.googleapis.com"

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
    return Failure(f"HTTP {status} {error_text(body)}".rstrip(), status, headers.get("Retry-After"))


def _transient(response: requests.Response) -> Failure | None:
    """The failure to retry for this answer, None when it is a final answer (good or bad)."""
    status = response.status_code
    if status in RETRY_STATUSES or status == 408:
        return _http_failure(status, response.text, response.headers)
    if status == 403 and error_reasons(response.text) & RATE_LIMIT_REASONS:
        return replace(_http_failure(status, response.text, response.headers), quota=True)
    if 200 <= status < 300 and not is_json(response.content):
        return not_json_failure(status, response.content)
    return None


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
            failure = _transient(response)
            if failure is not None:
                return failure
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

    def who(self) -> str:
        return self.account or "the Google account you logged in with (`pipeline auth login`)"

    def share_hint(self, role: str) -> str:
        return f"share it with {self.who()} as {role}"

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
        if self.source.startswith("saved login") and "invalid_grant" in reason:
            return BackendError(
                f"Google no longer accepts the saved sign-in (invalid_grant: expired or revoked) ({reason})",
                where=self.source,
                fix=EXPIRY_NOTE,
            )
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
        if json is not None:  # requests would send \uXXXX escapes: twice the bytes for Thai
            data, json = dumps(json), None
            headers = {**(headers or {}), "Content-Type": "application/json; charset=utf-8"}
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
            failure = _transient(response)
            if failure is not None:
                return failure
            if response.ok:
                return response
            raise APIError(response)

        return self.wire.policy.run(attempt, what=f"Google request {kind}", where=urlsplit(endpoint).path)


def _client_class(wire: _Wire) -> type[HTTPClient]:
    """The class gspread's `http_client=` argument wants, bound to one backend's settings."""

    class _Bound(SheetsHTTPClient):
        def __init__(self, auth: Credentials, session: requests.Session | None = None) -> None:
            super().__init__(auth, session, wire=wire)

    return _Bound


# ---------------------------------------------------------------- cells


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


# ---------------------------------------------------------------- the backend


class GoogleBackend:
    """`Backend` over Google Sheets; also hands out the Forms and Drive readers sharing its credentials."""

    name = "google"
    cell_limit: int | None = CELL_LIMIT  # characters in one cell; longer text is cut with a marker

    def __init__(
        self,
        settings: GoogleSettings,
        *,
        credentials: Credentials | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
        token_url: str | None = None,
        timezone: str = "Asia/Bangkok",
    ) -> None:
        """`timezone` is the province's: Forms API timestamps are given in it.
        `token_url` replaces https://oauth2.googleapis.com for a saved user login, whose token
        endpoint google-auth always sets to Google's (a service-account key names its own)."""
        self.settings = settings
        self.timezone = timezone
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
        params: ParamsType = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS",
        }
        try:
            data = self._http.values_batch_get(spreadsheet_id, [a1_tab(t) for t in ranges], params=params)
        except APIError as exc:
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
        except APIError as exc:
            # A 400 after an attempt whose answer was lost (timeout, reset, cut body) may
            # mean the first attempt was applied and the retry tripped over what it did.
            if _status(exc) == 400 and self._applied(spreadsheet_id, batch, publish):
                return
            raise self._api_error(exc, spreadsheet_id, reading=False) from exc

    def tab_titles(self, spreadsheet_id: str) -> list[str]:
        """The spreadsheet's tab titles (one metadata request): the cheap check that an output is whole."""
        meta = self._metadata(spreadsheet_id, role="Viewer", fields="sheets.properties")
        sheets = sorted(
            (s.get("properties", {}) for s in meta.get("sheets", [])), key=lambda p: int(p.get("index", 0))
        )
        return [
            str(p.get("title", "")) for p in sheets if not str(p.get("title", "")).startswith(STAGING_PREFIX)
        ]

    # -- other Google readers sharing these credentials, this counter and this retry policy

    def read_form(self, form_id: str) -> Grid:
        """A Google Form's responses shaped like its response sheet (see gapi.FormsSource)."""
        return self.forms().read(form_id)

    def forms(self, *, timezone: str = "") -> FormsSource:
        from pipeline.backends.gapi import FormsSource

        if self._forms is None:
            self._forms = FormsSource(
                self.settings,
                self.auth,
                counter=self._counter,
                policy=self._policy,
                timezone=timezone or self.timezone,
            )
        return self._forms

    def own_tabs(self, spreadsheet_id: str, titles: Sequence[str]) -> list[str]:
        return []  # a write replaces only the tabs it is given: officers' own tabs stay where they are

    def previous_path(self, spreadsheet_id: str) -> Path | None:
        return None

    def check_files(self, file_ids: Iterable[str]) -> Mapping[str, FileCheck]:
        return self.drive().check(file_ids)

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

    def _metadata(self, spreadsheet_id: str, *, role: str, fields: str) -> dict[str, Any]:
        params: ParamsType = {"includeGridData": "false", "fields": fields}
        try:
            return dict(self._http.fetch_sheet_metadata(spreadsheet_id, params=params))
        except APIError as exc:
            raise self._api_error(exc, spreadsheet_id, reading=role == "Viewer") from exc

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

    def _api_error(self, exc: APIError, spreadsheet_id: str, *, reading: bool) -> PipelineError:
        where = f"spreadsheet {spreadsheet_id}"
        code = _status(exc)
        text = f"HTTP {code} {error_text(exc.response.text)}"
        role = "Viewer" if reading else "Editor"
        reasons = error_reasons(exc.response.text)
        if code == 413:
            return BackendError(
                f"Google refused a request as too large: {text}",
                where=where,
                fix=f"lower google.max_body_bytes in the settings (now {self.settings.max_body_bytes:,}); "
                "the previous tabs are intact",
            )
        if code == 401:
            return BackendError(
                f"Google did not accept the credentials: {text}",
                where=self.auth.source,
                fix=(
                    "run `pipeline auth login` again"
                    if self.auth.source.startswith("saved login")
                    else "check the key file; download a new key if this one was deleted"
                ),
            )
        if code == 403 and ("scope" in text.lower() or "ACCESS_TOKEN_SCOPE_INSUFFICIENT" in reasons):
            return BackendError(
                text,
                where=self.auth.source,
                fix="run `pipeline auth login` again and allow every access asked for"
                if self.auth.source.startswith("saved login")
                else "use a service-account key file (docs/google-setup.md) or `pipeline auth login`",
            )
        if code == 403 and (
            reasons & {"SERVICE_DISABLED", "accessNotConfigured"} or "has not been used" in text
        ):
            return BackendError(
                text,
                where=where,
                fix="enable the Google Sheets API for the Cloud project (docs/google-setup.md, step 2)",
            )
        if code in (403, 404):
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


def _titles(meta: Mapping[str, Any]) -> list[str]:
    """Tab titles in order, a publish's hidden staging sheets left out."""
    sheets = sorted(
        (s.get("properties", {}) for s in meta.get("sheets", [])), key=lambda p: int(p.get("index", 0))
    )
    titles = [str(p.get("title", "")) for p in sheets]
    return [t for t in titles if not t.startswith(STAGING_PREFIX)]


def _status(exc: APIError) -> int:
    """The HTTP status: gspread says -1 when the error body is not JSON (Google's HTML 413 or 502)."""
    return int(exc.response.status_code)


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
