"""Google Forms and Drive through google-api-python-client: the only module that imports it.

`FormsSource.read(form_id)` turns a form's responses into the grid its response
sheet would hold: header ["ประทับเวลา", "ที่อยู่อีเมล", question titles in form
order...], then one row per response, oldest first. The timestamp is the
response's lastSubmittedTime (an edited response keeps its responseId and gets
a later lastSubmittedTime: that latest version is the one that counts) as a
naive Asia/Bangkok datetime; several answers to one question are joined with
", "; an uploaded file becomes its Drive link https://drive.google.com/open?id=<id>,
exactly as in a response sheet.

`DriveChecker.check(file_ids)` says for each uploaded file whether it exists and
is a PDF.

Requests: one forms.get plus one responses.list per 5,000 responses; one
HTTP batch request per 100 distinct files, each carrying one files.get. Every attempt is counted and retried by the
project's policy (retry.py) with an injectable sleep; the client library's own
retries (`num_retries`) are never used. Credentials come from `google.py`
through the `Authorizer` protocol, so this module never imports google-auth.
"""

from __future__ import annotations

import functools
import http.client
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2  # type: ignore[import-untyped]
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from pipeline.backends.base import FileCheck
from pipeline.backends.retry import (
    RATE_LIMIT_REASONS,
    RETRY_STATUSES,
    Failure,
    RequestCounter,
    RetryPolicy,
    error_reasons,
    error_text,
    not_json_failure,
)
from pipeline.errors import BackendError, ConfigError, PipelineError, SourceError
from pipeline.models import Cell, Grid, Row
from pipeline.settings import GoogleSettings

T = TypeVar("T")

TIMESTAMP_HEADER = "ประทับเวลา"
EMAIL_HEADER = "ที่อยู่อีเมล"
PAGE_SIZE = 5000  # the most responses.list returns per page
BATCH_SIZE = 100  # the most calls Google takes in one batch request
PDF = "application/pdf"


class Authorizer(Protocol):
    """What this module needs from google.py's `GoogleAuth`."""

    @property
    def credentials(self) -> Any: ...

    def ensure_valid(self) -> None:
        """Fetch an access token (counted, retried) unless the current one is still good."""

    def auth_error(self, exc: BaseException) -> PipelineError | None:
        """The project's error for a credentials failure, None for other exceptions."""

    def share_hint(self, role: str) -> str:
        """'share it with <address> as <role>'."""

    def who(self) -> str:
        """The account the credentials act as, or how to find it."""


def file_link(file_id: str) -> str:
    return f"https://drive.google.com/open?id={file_id}"


def _http_text(exc: HttpError) -> str:
    return f"HTTP {exc.resp.status} {error_text(_content(exc))}".strip()


def _content(exc: HttpError) -> str:
    content = exc.content if isinstance(exc.content, bytes) else b""
    return content.decode("utf-8", "replace")


def _reasons(exc: HttpError) -> set[str]:
    return error_reasons(_content(exc))


def _transient(exc: HttpError) -> Failure | None:
    status = int(exc.resp.status)
    if status in RETRY_STATUSES or status == 408:
        return Failure(_http_text(exc), status, exc.resp.get("retry-after"))
    if status == 403 and _reasons(exc) & RATE_LIMIT_REASONS:
        return Failure(_http_text(exc), status, exc.resp.get("retry-after"), quota=True)
    return None


def _not_json(result: Any) -> Failure:
    """googleapiclient hands back a body that is not JSON as text."""
    return not_json_failure(200, str(result).encode())


DISABLED_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED"})
SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})


class _GoogleService:
    """One discovery-based client with the project's timeout, retry policy and request counting."""

    def __init__(
        self,
        api: str,
        version: str,
        endpoint: str,
        settings: GoogleSettings,
        auth: Authorizer,
        counter: RequestCounter,
        policy: RetryPolicy,
    ) -> None:
        self._auth = auth
        self._counter = counter
        self._policy = policy
        self._timeout = settings.timeout
        # http= rather than credentials=: the only way to give the client a timeout.
        self._http = google_auth_httplib2.AuthorizedHttp(
            auth.credentials, http=httplib2.Http(timeout=settings.timeout)
        )
        self.service: Any = build(
            api,
            version,
            http=self._http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": endpoint},
        )

    def execute(self, method: Callable[..., Any], *, kind: str, where: str, **params: Any) -> dict[str, Any]:
        """Send `method(**params)`, retrying transient failures; HttpError for the others."""

        def attempt() -> dict[str, Any] | Failure:
            self._auth.ensure_valid()
            self._counter.add(kind)
            try:
                result = method(**params).execute(num_retries=0)
            except Exception as exc:
                return self._failure(exc, kind, where)
            return result if isinstance(result, dict) else _not_json(result)

        return self._policy.run(attempt, what=f"Google request {kind}", where=where)

    def batch(
        self, calls: Mapping[str, Callable[[], Any]], *, kind: str, where: str, uri: str
    ) -> dict[str, dict[str, Any] | HttpError]:
        """Send every call in one HTTP batch request (at most BATCH_SIZE), each answer keyed like `calls`.

        An answer worth another try (429, 5xx, a rate-limit 403, a body that is not
        JSON) sends the calls still unanswered again, under the same retry policy.
        """
        done: dict[str, dict[str, Any] | HttpError] = {}

        def attempt() -> dict[str, dict[str, Any] | HttpError] | Failure:
            answers: dict[str, Any] = {}
            batch = BatchHttpRequest(
                callback=lambda key, response, exc: answers.__setitem__(
                    key, exc if exc is not None else response
                ),
                batch_uri=uri,
            )
            for key in [k for k in calls if k not in done]:
                batch.add(calls[key](), request_id=key)
            self._auth.ensure_valid()
            self._counter.add(kind)
            try:
                batch.execute(http=self._http)
            except Exception as exc:
                return self._failure(exc, kind, where)
            retry: Failure | None = None
            for key, answer in answers.items():
                failure = (
                    _not_json(answer)
                    if not isinstance(answer, dict | HttpError)
                    else _transient(answer)
                    if isinstance(answer, HttpError)
                    else None
                )
                if failure is None:
                    done[key] = answer
                else:
                    retry = retry or failure
            return retry or dict(done)

        return self._policy.run(attempt, what=f"Google request {kind}", where=where)

    def _failure(self, exc: Exception, kind: str, where: str) -> Failure:
        """The Failure to retry for an exception of one attempt; other exceptions are raised as ours."""
        if isinstance(exc, HttpError):
            failure = _transient(exc)
            if failure is None:
                raise exc
            return failure
        if isinstance(exc, ValueError):  # a 200 whose body is cut short or is not JSON
            return not_json_failure(200, str(exc).encode())
        if isinstance(exc, TimeoutError):
            return Failure(f"no answer within {self._timeout} s")
        if isinstance(exc, ConnectionError | http.client.HTTPException):
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return Failure(f"connection failed ({reason or type(exc).__name__})")
        if isinstance(exc, httplib2.HttpLib2Error):
            raise BackendError(
                f"{kind} could not reach Google ({exc})",
                where=where,
                fix="check this computer's internet connection and the google urls in the settings",
            ) from exc
        translated = self._auth.auth_error(exc)
        if translated is None:
            raise exc
        raise translated from exc

    def close(self) -> None:
        self.service.close()
        self._http.close()


def _api_error(exc: HttpError, api: str, where: str) -> PipelineError | None:
    """The error for a 403 that no sharing fixes: the API not enabled, or credentials without the scope."""
    if int(exc.resp.status) != 403:
        return None
    reasons = _reasons(exc)
    if reasons & DISABLED_REASONS or "has not been used" in _content(exc):
        return BackendError(
            f"the {api} is not enabled for the Cloud project: {_http_text(exc)}",
            where=where,
            fix=f"enable the {api} in Cloud console > APIs & Services > Library "
            "(docs/google-setup.md, step 2), wait a few minutes, and run again",
        )
    if reasons & SCOPE_REASONS:
        return BackendError(
            f"the credentials do not carry the access the {api} needs: {_http_text(exc)}",
            where=where,
            fix="run `pipeline auth login` again and allow every access asked for, "
            "or use a service-account key (docs/google-setup.md)",
        )
    return None


def _forms_api(
    settings: GoogleSettings, auth: Authorizer, counter: RequestCounter, policy: RetryPolicy
) -> _GoogleService:
    return _GoogleService(
        "forms", "v1", settings.forms_url.rstrip("/") + "/", settings, auth, counter, policy
    )


def _drive_api(
    settings: GoogleSettings, auth: Authorizer, counter: RequestCounter, policy: RetryPolicy
) -> _GoogleService:
    url = settings.drive_url.rstrip("/") + "/drive/v3/"
    return _GoogleService("drive", "v3", url, settings, auth, counter, policy)


class FormsSource:
    """A Google Form's responses, read through the Forms API, shaped like its response sheet."""

    def __init__(
        self,
        settings: GoogleSettings,
        auth: Authorizer,
        *,
        timezone: str = "Asia/Bangkok",
        counter: RequestCounter,
        policy: RetryPolicy,
    ) -> None:
        self._auth = auth
        self._zone = ZoneInfo(timezone)
        self._api = _forms_api(settings, auth, counter, policy)

    def read(self, form_id: str) -> Grid:
        forms = self._api.service.forms()
        where = f"form {form_id}"
        try:
            form = self._api.execute(forms.get, kind="forms.get", where=where, formId=form_id)
            latest: dict[str, dict[str, Any]] = {}
            token: str | None = None
            seen_tokens: set[str] = set()
            while True:
                page = self._api.execute(
                    forms.responses().list,
                    kind="forms.responses.list",
                    where=where,
                    formId=form_id,
                    pageSize=PAGE_SIZE,
                    pageToken=token,
                )
                for response in page.get("responses", []):
                    key = str(response.get("responseId", ""))
                    if key not in latest or _stamp(response) >= _stamp(latest[key]):
                        latest[key] = response
                token = page.get("nextPageToken") or None
                if token is None:
                    break
                if token in seen_tokens:
                    raise BackendError(
                        "the Forms API returned the same page twice", where=where, fix="run again later"
                    )
                seen_tokens.add(token)
        except HttpError as exc:
            raise self._error(exc, form_id) from exc
        questions = _questions(form)
        header: Row = [TIMESTAMP_HEADER, EMAIL_HEADER, *(title for _, title in questions)]
        ordered = sorted(latest.values(), key=lambda r: (_stamp(r), str(r.get("responseId", ""))))
        return [header, *(self._row(r, questions) for r in ordered)]

    def _row(self, response: Mapping[str, Any], questions: list[tuple[str, str]]) -> Row:
        answers = response.get("answers") or {}
        row: Row = [
            _stamp(response).astimezone(self._zone).replace(tzinfo=None),
            response.get("respondentEmail") or None,
        ]
        row.extend(_answer(answers.get(qid)) for qid, _ in questions)
        while row and row[-1] is None:
            row.pop()
        return row

    def _error(self, exc: HttpError, form_id: str) -> PipelineError:
        return _form_error(
            exc,
            "forms.get",
            f"form {form_id}",
            fix="check form_id in the settings (the id in the form's editing address) and add "
            f"{self._auth.who()} to the form as a collaborator: open the form in the editor, "
            "⋮ (More) > Add collaborators (Forms has no viewer role; the pipeline only reads it)",
        )

    def close(self) -> None:
        self._api.close()


def _stamp(response: Mapping[str, Any]) -> datetime:
    """lastSubmittedTime (else createTime) as an aware UTC datetime; Google sends up to nanoseconds."""
    text = str(response.get("lastSubmittedTime") or response.get("createTime") or "1970-01-01T00:00:00Z")
    head, dot, tail = text.partition(".")
    if dot:
        digits = "".join(ch for ch in tail if ch.isdigit())
        text = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits) :]}"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _questions(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(questionId, column header) in form order; a grid row is "Title [Row]", as in a response sheet."""
    out: list[tuple[str, str]] = []
    for item in form.get("items", []):
        title = str(item.get("title", ""))
        if "questionItem" in item:
            qid = item["questionItem"].get("question", {}).get("questionId")
            if qid:
                out.append((str(qid), title))
        elif "questionGroupItem" in item:
            for question in item["questionGroupItem"].get("questions", []):
                row_title = question.get("rowQuestion", {}).get("title", "")
                if question.get("questionId"):
                    out.append((str(question["questionId"]), f"{title} [{row_title}]"))
    return out


def _answer(answer: Mapping[str, Any] | None) -> Cell:
    if not answer:
        return None
    values = [str(a.get("value", "")) for a in answer.get("textAnswers", {}).get("answers", [])]
    values += [
        file_link(str(a["fileId"]))
        for a in answer.get("fileUploadAnswers", {}).get("answers", [])
        if a.get("fileId")
    ]
    return ", ".join(values) if values else None


class DriveChecker:
    """Whether uploaded files exist and are PDFs, through Drive API v3 files.get."""

    def __init__(
        self, settings: GoogleSettings, auth: Authorizer, *, counter: RequestCounter, policy: RetryPolicy
    ) -> None:
        self._auth = auth
        self._batch_uri = settings.drive_url.rstrip("/") + "/batch/drive/v3"
        self._api = _drive_api(settings, auth, counter, policy)

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
            except HttpError as exc:
                raise _api_error(exc, "Google Drive API", where) or BackendError(
                    f"Drive refused to describe the files: {_http_text(exc)}",
                    where=where,
                    fix="run again later; if it persists, report it with this message",
                ) from exc
            for n, file_id in enumerate(chunk):
                out[file_id] = self._check(file_id, answers[f"{n}"])
        return out

    def _check(self, file_id: str, answer: dict[str, Any] | HttpError) -> FileCheck:
        if isinstance(answer, HttpError):
            return self._missing(answer, file_id)
        mime = str(answer.get("mimeType", ""))
        name = str(answer.get("name", ""))
        if answer.get("trashed"):
            return FileCheck(file_id, exists=False, name=name, mime_type=mime, problem="in the trash")
        return FileCheck(file_id, exists=True, is_pdf=mime == PDF, name=name, mime_type=mime)

    def _missing(self, exc: HttpError, file_id: str) -> FileCheck:
        """A file Drive would not describe: which of "not there" or "not shared" it is, or stop the run."""
        where = f"Drive file {file_id}"
        common = _api_error(exc, "Google Drive API", where)
        if common is not None:
            raise common from exc
        status = int(exc.resp.status)
        if status == 404:
            problem = (
                "not found: deleted, or the folder the form saves uploads to is not shared "
                f"({self._auth.share_hint('Viewer')})"
            )
        elif status == 403:
            problem = (
                f"not shared ({', '.join(sorted(_reasons(exc))) or 'permission denied'}): in the form owner's "
                "Drive, share the folder the form saves uploads to (named after the form, "
                f"'… (File responses)') with {self._auth.who()} as Viewer"
            )
        else:
            raise BackendError(
                f"Drive refused to describe the file: {_http_text(exc)}",
                where=where,
                fix="run again later; if it persists, report it with this message",
            ) from exc
        return FileCheck(file_id, exists=False, problem=problem)

    def close(self) -> None:
        self._api.close()


class FormsEditor:
    """Creating, changing, publishing, sharing and reading a form (forms.create, batchUpdate,
    setPublishSettings, get; Drive permissions.create), with the readers' retry policy and counting."""

    def __init__(
        self,
        settings: GoogleSettings,
        auth: Authorizer,
        *,
        counter: RequestCounter,
        policy: RetryPolicy,
        owns_auth: bool = False,
    ) -> None:
        self._auth = auth
        self._owns_auth = owns_auth  # close the credentials' token session with this editor
        self._api = _forms_api(settings, auth, counter, policy)
        self._forms = self._api.service.forms()
        self._drive = _drive_api(settings, auth, counter, policy)

    @property
    def service_account(self) -> str:
        """The service account's address when the credentials are one ("" for a user's login)."""
        account = getattr(self._auth, "account", "")
        return account if isinstance(account, str) else ""

    def share(self, form_id: str, email: str) -> dict[str, Any]:
        """Make `email` an editor of the form (a form a service account creates is its alone)."""
        try:
            return self._drive.execute(
                self._drive.service.permissions().create,
                kind="drive.permissions.create",
                where=f"form {form_id}",
                fileId=form_id,
                body={"type": "user", "role": "writer", "emailAddress": email},
                sendNotificationEmail=True,
                supportsAllDrives=True,
            )
        except HttpError as exc:
            raise self._error(exc, "drive.permissions.create", f"form {form_id}") from exc

    def _call(self, method: Callable[..., Any], kind: str, where: str, **params: Any) -> dict[str, Any]:
        try:
            return self._api.execute(method, kind=kind, where=where, **params)
        except HttpError as exc:
            raise self._error(exc, kind, where) from exc

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A new, unpublished form holding only its title (all forms.create copies)."""
        return self._call(self._forms.create, "forms.create", "new form", body=dict(body), unpublished=True)

    def batch_update(self, form_id: str, requests: list[dict[str, Any]]) -> dict[str, Any]:
        if not requests:
            return {"replies": []}
        return self._call(
            self._forms.batchUpdate,
            "forms.batchUpdate",
            f"form {form_id}",
            formId=form_id,
            body={"requests": requests},
        )

    def add_items(
        self, form_id: str, requests: list[dict[str, Any]], *, revision: str
    ) -> list[dict[str, Any]]:
        """Apply a batch that creates items to a form still at `revision`; its replies.

        createItem is not idempotent: a retry after an answer lost in transit would add
        every item twice. Bound to the revision, the retry is refused instead, and the
        form is read to see whether the first attempt went through.
        """
        where = f"form {form_id}"
        body = {"requests": requests, "writeControl": {"requiredRevisionId": revision}}
        try:
            reply = self._api.execute(
                self._forms.batchUpdate, kind="forms.batchUpdate", where=where, formId=form_id, body=body
            )
            return list(reply.get("replies", []))
        except HttpError as exc:
            if int(exc.resp.status) == 400 and "revision" in _error_message(exc).lower():
                applied = self._applied(form_id, requests)
                if applied is not None:
                    return applied
            raise self._error(exc, "forms.batchUpdate", where) from exc

    def _applied(self, form_id: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """The replies the batch would have had, if the form holds exactly the items it creates."""
        items = self.get(form_id).get("items", [])
        wanted = [r["createItem"]["item"].get("title") for r in requests if "createItem" in r]
        if [i.get("title") for i in items] != wanted:
            return None
        created = iter(items)
        return [
            {"createItem": {"itemId": next(created)["itemId"]}} if "createItem" in r else {} for r in requests
        ]

    def set_publish_settings(self, form_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call(
            self._forms.setPublishSettings,
            "forms.setPublishSettings",
            f"form {form_id}",
            formId=form_id,
            body=dict(body),
        )

    def get(self, form_id: str) -> dict[str, Any]:
        return self._call(self._forms.get, "forms.get", f"form {form_id}", formId=form_id)

    def _error(self, exc: HttpError, kind: str, where: str) -> PipelineError:
        return _form_error(
            exc,
            kind,
            where,
            fix="check the form id (the long id in the form's editing address) and "
            f"{self._auth.share_hint('Editor')} (Share > add people, in the form editor)",
        )

    def close(self) -> None:
        self._api.close()
        self._drive.close()
        close = getattr(self._auth, "close", None)
        if self._owns_auth and callable(close):
            close()

    def __enter__(self) -> FormsEditor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _form_error(exc: HttpError, kind: str, where: str, *, fix: str) -> PipelineError:
    """The project's error for a Forms API refusal; `fix` says how to reach a form that cannot be read."""
    status = int(exc.resp.status)
    text = _http_text(exc)
    detail = _error_message(exc)
    if status == 403 and kind != "forms.get" and "scope" in (text + detail).lower():
        return ConfigError(
            f"{kind} was refused: the credentials lack the scope it needs ({detail or text})",
            where=where,
            fix="`pipeline forms build` asks for forms.body and drive.file; with a saved login run "
            "`pipeline auth login --forms` once, then build again (docs/forms.md)",
        )
    common = _api_error(exc, "Google Forms API", where)
    if common is not None:
        return common
    if status in (403, 404):
        return SourceError(f"the form cannot be read: {detail or text}", where=where, fix=fix)
    if kind == "forms.get":
        return BackendError(
            f"the Forms API refused the request: {text}", where=where, fix="check form_id in the settings"
        )
    return BackendError(
        f"the Forms API refused {kind}: {detail or text}",
        where=where,
        fix="run again; if it persists, report it with this message",
    )


def _error_message(exc: HttpError) -> str:
    """Google's own message from the error body, which names the field it refused."""
    try:
        body = json.loads(exc.content.decode("utf-8", "replace"))
    except (ValueError, AttributeError):
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("message", "")) if isinstance(error, dict) else ""
