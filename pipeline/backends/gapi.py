"""Google Forms and Drive through google-api-python-client: the only module that imports it.

`GoogleService` is one discovery-based client (forms v1 or drive v3) with the
project's timeout, request counting and retry policy (retry.py, with an
injectable sleep); the client library's own retries (`num_retries`) are never
used. A final refusal leaves as `google_errors.Refused`, so the modules that use
these services (forms_source.py, drive.py, forms_editor.py) never see the
library's errors. Credentials come from google_client.py through the
`credentials.Authorizer` protocol, so this module never imports google-auth.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable, Mapping
from typing import Any

import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2  # type: ignore[import-untyped]
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from pipeline.backends.credentials import Authorizer
from pipeline.backends.google_errors import Refused
from pipeline.backends.retry import Failure, RequestCounter, RetryPolicy, not_json_failure, retryable_answer
from pipeline.errors import BackendError
from pipeline.settings import GoogleSettings

BATCH_SIZE = 100  # the most calls Google takes in one batch request


def _content(exc: HttpError) -> str:
    content = exc.content if isinstance(exc.content, bytes) else b""
    return content.decode("utf-8", "replace")


def _refused(exc: HttpError, kind: str, where: str) -> Refused:
    return Refused(int(exc.resp.status), _content(exc), kind=kind, where=where)


def _transient(exc: HttpError) -> Failure | None:
    return retryable_answer(int(exc.resp.status), _content(exc), exc.resp.get("retry-after"))


def _not_json(result: Any) -> Failure:
    """googleapiclient hands back a body that is not JSON as text."""
    return not_json_failure(200, str(result).encode())


class GoogleService:
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
        """Send `method(**params)`, retrying transient failures; `Refused` for the others."""

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
    ) -> dict[str, dict[str, Any] | Refused]:
        """Send every call in one HTTP batch request (at most BATCH_SIZE), each answer keyed like `calls`.

        An answer worth another try (429, 5xx, a rate-limit 403, a body that is not
        JSON) sends the calls still unanswered again, under the same retry policy.
        """
        done: dict[str, dict[str, Any] | Refused] = {}

        def attempt() -> dict[str, dict[str, Any] | Refused] | Failure:
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
                if isinstance(answer, HttpError):
                    failure = _transient(answer)
                    if failure is None:
                        done[key] = _refused(answer, kind, where)
                elif isinstance(answer, dict):
                    failure = None
                    done[key] = answer
                else:
                    failure = _not_json(answer)
                retry = retry or failure
            return retry or dict(done)

        return self._policy.run(attempt, what=f"Google request {kind}", where=where)

    def _failure(self, exc: Exception, kind: str, where: str) -> Failure:
        """The Failure to retry for an exception of one attempt; other exceptions are raised as ours."""
        if isinstance(exc, HttpError):
            failure = _transient(exc)
            if failure is None:
                raise _refused(exc, kind, where) from exc
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


def forms_service(
    settings: GoogleSettings, auth: Authorizer, counter: RequestCounter, policy: RetryPolicy
) -> GoogleService:
    return GoogleService("forms", "v1", settings.forms_url.rstrip("/") + "/", settings, auth, counter, policy)


def drive_service(
    settings: GoogleSettings, auth: Authorizer, counter: RequestCounter, policy: RetryPolicy
) -> GoogleService:
    url = settings.drive_url.rstrip("/") + "/drive/v3/"
    return GoogleService("drive", "v3", url, settings, auth, counter, policy)
