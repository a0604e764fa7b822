"""A local fake of the Google endpoints the pipeline uses, over real HTTP on 127.0.0.1.

    with FakeGoogle() as fake:
        key = fake.service_account(tmp_path / "key.json")
        settings = fake.settings(credentials=key)
        fake.add_spreadsheet("src", {"ชีต1": [["a", "b"], [1, 2]]})
        fake.inject(Fault(at=2, status=429, retry_after="3"))
        ... the unmodified gspread / google-auth / googleapiclient talk to fake.url ...
        fake.kinds()  # Counter of requests by kind

Endpoints: POST /token (JWT-bearer and refresh-token grants); Sheets v4
spreadsheets.get, :batchUpdate, values get/update/clear, values:batchGet,
values:batchUpdate; Forms v1 forms.get, forms.responses.list, forms.create,
forms.batchUpdate and forms.setPublishSettings (forms_admin.py); Drive v3
files.get. Every API call needs a bearer token this server issued, with a scope
that allows it. Every request is recorded, and `Fault` rules turn chosen
requests into 429/5xx answers, dropped connections or late answers.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import random
import socket
import struct
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.models import Grid
from pipeline.settings import GoogleSettings

from . import discovery, forms_admin
from .auth import TokenAuthority
from .forms import FormsData
from .sheets import (
    STATUS_NAMES,
    ApiError,
    Area,
    BatchUpdate,
    Sheet,
    Spreadsheet,
    Value,
    check_cells,
    clear_area,
    parse_range,
    read_area,
    typed,
    write_area,
)

SCOPE = "https://www.googleapis.com/auth/"
MAX_BODY = 10 * 1024 * 1024  # Google's front end refuses larger requests with an HTML 413


def classify(method: str, path: str) -> str:
    """The kind of a request, decided independently of the client's own counting."""
    if path == "/token":
        return "oauth.token"
    if path.startswith("/v4/spreadsheets/"):
        rest = path.removeprefix("/v4/spreadsheets/")
        if rest.endswith("/values:batchGet"):
            return "sheets.batchGet"
        if rest.endswith("/values:batchUpdate"):
            return "sheets.values.batchUpdate"
        if rest.endswith(":batchUpdate"):
            return "sheets.batchUpdate"
        if "/values/" in rest:
            if rest.endswith(":clear"):
                return "sheets.values.clear"
            if rest.endswith(":append"):
                return "sheets.values.append"
            return {"GET": "sheets.values.get", "PUT": "sheets.values.update"}.get(
                method, "sheets.values.other"
            )
        return "sheets.get" if method == "GET" else "sheets.other"
    if path == "/v1/forms" and method == "POST":
        return "forms.create"
    if path.startswith("/v1/forms/"):
        for verb in ("batchUpdate", "setPublishSettings"):
            if path.endswith(f":{verb}"):
                return f"forms.{verb}"
        return "forms.responses.list" if path.endswith("/responses") else "forms.get"
    if path.startswith("/drive/v3/files/") and path.endswith("/permissions") and method == "POST":
        return "drive.permissions.create"
    if path.startswith("/drive/v3/files/"):
        return "drive.files.get"
    if path == "/batch/drive/v3":
        return "drive.batch"
    return "unknown"


@dataclass(frozen=True)
class Fault:
    """Misbehave on the `at`-th request (1-based), counting every request or only those of `kind`.

    Exactly one of: `status` (answer with that error, nothing applied; with
    `html`, as Google's front end does, an HTML page instead of the JSON error,
    and status 200 is then a proxy's page), `reset` (drop the connection with a
    TCP reset, nothing applied), `lost` (apply the request, then drop the
    connection unanswered: what a client sees when its timeout expires, raised
    on purpose so no test depends on how fast the machine is), `delay` (apply
    the request, answer only after `delay` seconds: a real client timeout, for
    the few tests of the timeout itself), `cut` (apply the request, answer 200
    with its JSON cut in half). `times` repeats it on the following matching
    requests.
    """

    at: int
    kind: str | None = None
    status: int = 0
    retry_after: str | None = None
    reset: bool = False
    lost: bool = False
    delay: float = 0.0
    html: bool = False
    cut: bool = False
    reason: str = ""  # with `status`: Google's errors[].reason, e.g. "userRateLimitExceeded"
    times: int = 1

    def matches(self, number: int) -> bool:
        return self.at <= number < self.at + self.times

    def label(self) -> str:
        if self.reset:
            return "reset"
        if self.lost:
            return "lost answer"
        if self.delay:
            return f"slow {self.delay}s"
        if self.cut:
            return "cut"
        if self.html:
            return f"{self.status} html"
        return f"{self.status}" + (f" Retry-After {self.retry_after}" if self.retry_after else "")


@dataclass(frozen=True)
class Recorded:
    number: int
    method: str
    path: str
    kind: str
    query: dict[str, list[str]]
    body: bytes
    fault: str | None
    content_type: str = ""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class RawAnswer:
    """An answer that is not JSON (a batch's multipart/mixed)."""

    data: bytes
    content_type: str


@dataclass
class _State:
    spreadsheets: dict[str, Spreadsheet] = field(default_factory=dict)
    forbidden: set[str] = field(default_factory=set)
    disabled: set[str] = field(default_factory=set)  # APIs not enabled for the Cloud project
    file_errors: dict[str, list[str]] = field(default_factory=dict)  # Drive file id -> 403 reasons, in turn
    data: FormsData = field(default_factory=FormsData)


class FakeGoogle:
    def __init__(self) -> None:
        self.authority = TokenAuthority()
        self.state = _State()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self._lock = threading.RLock()
        self._ids = random.Random(7)
        self._numbers = itertools.count(1)
        self._per_kind: Counter[str] = Counter()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle

    def start(self) -> FakeGoogle:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stopping.set()
        self._server.shutdown()
        self._server.drop_connections()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def settings(self, **overrides: Any) -> GoogleSettings:
        values: dict[str, Any] = {
            "sheets_url": self.url,
            "drive_url": self.url,
            "forms_url": self.url,
            "timeout": 60.0,  # wide: a busy machine never turns a normal answer into a retry
            "max_attempts": 6,
        }
        values.update(overrides)
        return GoogleSettings(**values)

    # -- credentials

    def service_account(
        self, path: Path, email: str = "cd-pipeline@fake-project.iam.gserviceaccount.com"
    ) -> Path:
        """Write a freshly registered service-account key file whose token_uri points here."""
        return self.authority.write_service_account(path, f"{self.url}/token", email)

    def user_login(
        self, scopes: frozenset[str], client_id: str = "fake-client.apps.googleusercontent.com"
    ) -> dict[str, Any]:
        """The authorized_user JSON an OAuth login would save, accepted by this server's token endpoint."""
        secret = "fake-client-secret"
        refresh = self.authority.user(client_id, secret, scopes)
        return {
            "type": "authorized_user",
            "client_id": client_id,
            "client_secret": secret,
            "refresh_token": refresh,
            "token_uri": f"{self.url}/token",
            "scopes": sorted(scopes),
        }

    # -- data

    def add_spreadsheet(
        self, spreadsheet_id: str, tabs: Mapping[str, Grid], title: str = "", time_zone: str = "Asia/Bangkok"
    ) -> Spreadsheet:
        sheets = []
        for index, (name, grid) in enumerate(tabs.items() or {"Sheet1": []}.items()):
            sheet = Sheet(0 if index == 0 else self._ids.randrange(1, 2**31 - 1), name, index=index)
            sheet.rows = max(sheet.rows, len(grid))
            sheet.cols = max(sheet.cols, max((len(r) for r in grid), default=0))
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    stored, fmt = typed(value)
                    if stored is not None:
                        sheet.values[(r, c)] = stored
                    if fmt:
                        sheet.formats[(r, c)] = fmt
            sheets.append(sheet)
        book = Spreadsheet(spreadsheet_id, title or spreadsheet_id, sheets, time_zone)
        with self._lock:
            self.state.spreadsheets[spreadsheet_id] = book
        return book

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        with self._lock:
            return self.state.spreadsheets[spreadsheet_id]

    def tabs(self, spreadsheet_id: str) -> list[str]:
        book = self.spreadsheet(spreadsheet_id)
        return [s.title for s in sorted(book.sheets, key=lambda s: s.index)]

    def values(self, spreadsheet_id: str, title: str) -> list[list[Value | None]]:
        return self.spreadsheet(spreadsheet_id).by_title(title).grid()

    def snapshot(self, spreadsheet_id: str) -> dict[str, list[list[Value | None]]]:
        """Every tab's stored values: compare before and after a failed publish."""
        book = self.spreadsheet(spreadsheet_id)
        return {s.title: s.grid() for s in sorted(book.sheets, key=lambda s: s.index)}

    def forbid(self, resource_id: str) -> None:
        """Answer 403 for this spreadsheet, form or file, as when it is not shared with the caller."""
        self.state.forbidden.add(resource_id)

    def disable(self, api: str) -> None:
        """Answer every call to `api` ("sheets", "forms", "drive") as Google does for an API not enabled."""
        self.state.disabled.add(api)

    def file_error(self, file_id: str, *reasons: str) -> None:
        """Answer files.get for this file with 403s of those reasons in turn, the last one for good.

        `fake.file_error("f", "userRateLimitExceeded", "")` refuses once, then answers ("" = no error).
        """
        self.state.file_errors[file_id] = list(reasons)

    @property
    def forms(self) -> FormsData:
        return self.state.data

    # -- requests and faults

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def kinds(self) -> Counter[str]:
        with self._lock:
            return Counter(r.kind for r in self.requests)

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self._per_kind.clear()
            self._numbers = itertools.count(1)

    def _admit(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes, content_type: str = ""
    ) -> tuple[Recorded, Fault | None]:
        kind = classify(method, path)
        with self._lock:
            number = next(self._numbers)
            self._per_kind[kind] += 1
            fault = next(
                (
                    f
                    for f in self.faults
                    if (f.kind is None and f.matches(number))
                    or (f.kind == kind and f.matches(self._per_kind[kind]))
                ),
                None,
            )
            label = fault.label() if fault else None
            record = Recorded(number, method, path, kind, query, body, label, content_type)
            self.requests.append(record)
        return record, fault

    # -- the API

    def handle(self, record: Recorded, headers: Mapping[str, str]) -> tuple[int, Any]:
        """(HTTP status, JSON body) for one request; `headers` with lower-case names."""
        try:
            if record.kind == "oauth.token":
                return self.authority.exchange(record.body, headers.get("authorization", ""))
            scopes = self._bearer_scopes(headers)
            api = record.kind.split(".", 1)[0]
            if api in self.state.disabled:
                name = {
                    "sheets": "Google Sheets API",
                    "forms": "Google Forms API",
                    "drive": "Google Drive API",
                }[api]
                raise ApiError(
                    403,
                    f"{name} has not been used in project 123456789 before or it is disabled. Enable it by "
                    f"visiting https://console.developers.google.com/apis/api/{api}.googleapis.com/overview"
                    "?project=123456789 then retry.",
                    reason="accessNotConfigured",
                    domain="usageLimits",
                    info="SERVICE_DISABLED",
                )
            if record.method in ("POST", "PUT") and record.kind in discovery.METHODS:
                try:
                    body = json.loads(record.body) if record.body else None
                except ValueError as exc:
                    raise ApiError(400, f"Invalid JSON payload received. {exc}") from exc
                discovery.validate_request(record.kind, body)
            if record.kind.startswith("sheets."):
                return 200, self._sheets(record, scopes)
            if record.kind.startswith("forms."):
                return 200, self._forms(record, scopes)
            if record.kind == "drive.batch":
                return 200, self._batch(record)
            if record.kind == "drive.permissions.create":
                file_id = urllib.parse.unquote(record.path.split("/")[4])
                self._allow(scopes, record.kind, file_id)
                with self._lock:
                    return 200, forms_admin.share(self.forms, file_id, record.json())
            if record.kind == "drive.files.get":
                file_id = urllib.parse.unquote(record.path.removeprefix("/drive/v3/files/"))
                self._allow(scopes, record.kind, file_id)
                reasons = self.state.file_errors.get(file_id) or [""]
                reason = reasons.pop(0) if len(reasons) > 1 else reasons[0]
                if reason:
                    raise ApiError(
                        403, "The user does not have sufficient permissions for this file.", reason=reason
                    )
                return 200, self.forms.get_file(file_id)
            raise ApiError(404, f"The requested URL {record.path} was not found on this server.")
        except ApiError as exc:
            return exc.code, exc.body()

    def _batch(self, record: Recorded) -> RawAnswer:
        """An HTTP batch request: each part an HTTP request handled as if sent alone, answered in order."""
        boundary = record.content_type.partition("boundary=")[2].strip('"')
        if not boundary:
            raise ApiError(400, "Missing boundary in multipart/mixed")
        answers = []
        for part in record.body.split(f"--{boundary}".encode())[1:]:
            if part.startswith(b"--"):
                break
            head, _, inner = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
            if not inner:
                head, _, inner = part.lstrip(b"\n").partition(b"\n\n")
            content_id = next(
                (
                    line.split(b":", 1)[1].strip().decode()
                    for line in head.splitlines()
                    if line.lower().startswith(b"content-id")
                ),
                "",
            )
            lines = inner.replace(b"\r\n", b"\n").split(b"\n")
            method, target, _ = lines[0].decode().split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if not line.strip():
                    break
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            url = urllib.parse.urlsplit(target)
            query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            sub = Recorded(record.number, method, url.path, classify(method, url.path), query, b"", None)
            code, answer = self.handle(sub, headers)
            body = json.dumps(answer, ensure_ascii=False)
            reply = content_id.replace("<", "<response-", 1)
            answers.append(
                f"Content-Type: application/http\r\nContent-ID: {reply}\r\n\r\n"
                f"HTTP/1.1 {code} {'OK' if code == 200 else 'Error'}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{body}\r\n"
            )
        out = "".join(f"--batch_fake\r\n{a}" for a in answers) + "--batch_fake--\r\n"
        return RawAnswer(out.encode(), "multipart/mixed; boundary=batch_fake")

    def _bearer_scopes(self, headers: Mapping[str, str]) -> frozenset[str]:
        value = headers.get("authorization", "")
        scopes = (
            self.authority.scopes_of(value.removeprefix("Bearer ")) if value.startswith("Bearer ") else None
        )
        if scopes is None:
            raise ApiError(401, "Request is missing required authentication credential.")
        return scopes

    def _allow(self, scopes: frozenset[str], kind: str, resource_id: str) -> None:
        """The token's scopes against those Google's discovery document lists for the method."""
        if kind in discovery.METHODS and not scopes & discovery.scopes(kind):
            raise ApiError(
                403,
                "Request had insufficient authentication scopes.",
                reason="insufficientPermissions",
                info="ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            )
        if resource_id in self.state.forbidden:
            raise ApiError(403, "The caller does not have permission")

    def _sheets(self, record: Recorded, scopes: frozenset[str]) -> Any:
        rest = record.path.removeprefix("/v4/spreadsheets/")
        spreadsheet_id = urllib.parse.unquote(rest.split("/", 1)[0].split(":", 1)[0])
        self._allow(scopes, record.kind, spreadsheet_id)
        with self._lock:
            book = self.state.spreadsheets.get(spreadsheet_id)
            if book is None:
                raise ApiError(404, "Requested entity was not found.")
            query = {k: v[-1] for k, v in record.query.items()}
            if record.kind == "sheets.get":
                return book.metadata()
            if record.kind == "sheets.batchGet":
                how = query.get("valueRenderOption", "FORMATTED_VALUE")
                dates = query.get("dateTimeRenderOption", "SERIAL_NUMBER")
                areas = [parse_range(book, r) for r in record.query.get("ranges", [])]
                return {
                    "spreadsheetId": spreadsheet_id,
                    "valueRanges": [_value_range(a, read_area(a, how, dates)) for a in areas],
                }
            if record.kind == "sheets.values.get":
                area = parse_range(book, _range_in(rest))
                how = query.get("valueRenderOption", "FORMATTED_VALUE")
                return _value_range(
                    area, read_area(area, how, query.get("dateTimeRenderOption", "SERIAL_NUMBER"))
                )
            # every change is made on a copy that replaces the spreadsheet only when all of it worked
            draft = book if record.kind == "sheets.batchUpdate" else copy.deepcopy(book)
            if record.kind == "sheets.batchUpdate":
                draft, replies = BatchUpdate(book, lambda: self._ids.randrange(1, 2**31 - 1)).apply(
                    (record.json() or {}).get("requests", [])
                )
                answer: Any = {"spreadsheetId": spreadsheet_id, "replies": replies}
            elif record.kind == "sheets.values.update":
                area = parse_range(draft, _range_in(rest))
                rows, cols = write_area(
                    area, (record.json() or {}).get("values", []), query.get("valueInputOption", "")
                )
                answer = {
                    "spreadsheetId": spreadsheet_id,
                    "updatedRange": area.a1(),
                    "updatedRows": rows,
                    "updatedColumns": cols,
                }
            elif record.kind == "sheets.values.batchUpdate":
                body = record.json() or {}
                for item in body.get("data", []):
                    write_area(
                        parse_range(draft, item["range"]),
                        item.get("values", []),
                        body.get("valueInputOption", ""),
                    )
                answer = {"spreadsheetId": spreadsheet_id, "totalUpdatedSheets": len(body.get("data", []))}
            elif record.kind == "sheets.values.clear":
                area = parse_range(draft, _range_in(rest))
                clear_area(area)
                answer = {"spreadsheetId": spreadsheet_id, "clearedRange": area.a1()}
            else:
                raise ApiError(404, f"Method not found: {record.method} {record.path}")
            check_cells(draft)
            self.state.spreadsheets[spreadsheet_id] = draft
            return answer

    def _forms(self, record: Recorded, scopes: frozenset[str]) -> Any:
        parts = record.path.removeprefix("/v1/forms/").split("/")
        form_id = urllib.parse.unquote(parts[0].split(":", 1)[0])
        query = {k: v[-1] for k, v in record.query.items()}
        if record.kind in ("forms.create", "forms.batchUpdate", "forms.setPublishSettings"):
            self._allow(scopes, record.kind, form_id)
            with self._lock:
                if record.kind == "forms.create":
                    return forms_admin.create(self.forms, record.json(), query)
                if record.kind == "forms.batchUpdate":
                    return forms_admin.batch_update(self.forms, form_id, record.json())
                return forms_admin.set_publish_settings(self.forms, form_id, record.json())
        if record.kind == "forms.get":
            self._allow(scopes, record.kind, form_id)
            return self.forms.get_form(form_id)
        self._allow(scopes, record.kind, form_id)
        return self.forms.list_responses(form_id, query)


def _range_in(rest: str) -> str:
    """The A1 range in .../values/<range>[:clear], percent-decoded."""
    encoded = rest.split("/values/", 1)[1]
    for suffix in (":clear", ":append"):
        encoded = encoded.removesuffix(suffix)
    return urllib.parse.unquote(encoded)


def _value_range(area: Area, values: list[list[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"range": area.a1(), "majorDimension": "ROWS"}
    if values:
        out["values"] = values
    return out


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread
    block_on_close = True
    fake: FakeGoogle

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Unblock handler threads waiting on idle keep-alive connections."""
        with self.connections_lock:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs: 40 ms a request
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        record, fault = fake._admit(
            self.command, parts.path, query, body, self.headers.get("Content-Type", "")
        )
        if fault is not None and fault.reset:
            self._drop()
            return
        if len(body) > MAX_BODY:
            self._send_html(413, "413. That’s an error. Your client issued a request that was too large.")
            return
        if fault is not None and fault.status:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            if fault.html:
                self._send_html(fault.status, f"{fault.status}. That’s an error.", headers)
            elif record.kind == "oauth.token":
                self._send(fault.status, {"error": "temporarily_unavailable"}, headers)
            else:
                status = STATUS_NAMES.get(fault.status, "UNKNOWN")
                message = (
                    "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user'"
                )
                text = (
                    message
                    if fault.status == 429 or fault.reason
                    else "The service is currently unavailable."
                )
                error = ApiError(fault.status, text, status, reason=fault.reason, domain="usageLimits")
                self._send(fault.status, error.body(), headers)
            return
        code, answer = fake.handle(record, {k.lower(): v for k, v in self.headers.items()})
        if fault is not None and fault.lost:
            self._drop()
            return
        if fault is not None and fault.delay:
            self.server.stopping.wait(fault.delay)
        try:
            if isinstance(answer, RawAnswer):
                self._send_bytes(code, answer.data, answer.content_type, {})
            else:
                self._send(code, answer, {}, cut=fault is not None and fault.cut)
        except OSError:  # the client gave up waiting
            self.close_connection = True

    def _send_html(self, status: int, text: str, headers: Mapping[str, str] | None = None) -> None:
        page = f"<!DOCTYPE html><html lang=en><title>Error {status} (Server Error)!!1</title><p><b>{text}</b></html>"
        self._send_bytes(status, page.encode(), "text/html; charset=UTF-8", headers or {})

    def _drop(self) -> None:
        """Close with a TCP reset: the client gets no answer, at once."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _send(self, status: int, answer: Any, headers: Mapping[str, str], *, cut: bool = False) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode()
        if cut:
            data = data[: len(data) // 2]
        self._send_bytes(status, data, "application/json; charset=UTF-8", headers)

    def _send_bytes(self, status: int, data: bytes, content_type: str, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()


def serve() -> Iterator[FakeGoogle]:
    """For pytest fixtures: `yield from serve()`."""
    with FakeGoogle() as fake:
        yield fake
