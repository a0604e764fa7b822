"""Credentials and the Sheets client: the only module that imports google-auth and gspread.

google-auth fetches access tokens through `TokenRequest`, and gspread sends its
requests through `SheetsHTTPClient`, given by gspread's documented
`http_client=` hook. Both hand every request to `transport.Transport`: the
configured base URLs and timeout, request counting, and the project's retry
policy instead of the libraries' own (google-auth would retry a failing token
endpoint with real sleeps; gspread's back-off never gives up). A final refusal
leaves as `google_errors.Refused`, a credentials failure as a `BackendError`,
so no caller needs either library.

Bodies are sent as compact UTF-8 JSON (`sheets_cells.dumps`): requests would
send Thai as \\uXXXX escapes, twice the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, cast
from urllib.parse import urlsplit

import google.auth.transport
import google.oauth2.credentials
import google.oauth2.service_account
import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import AuthorizedSession
from gspread import Client, HTTPClient

from pipeline.backends.credentials import (
    CredentialsFile,
    find_credentials,
    refused_credentials,
    unusable_credentials,
)
from pipeline.backends.google_errors import Refused
from pipeline.backends.oauth import SCOPES
from pipeline.backends.sheets_cells import dumps
from pipeline.backends.transport import (
    DRIVE_ORIGIN,
    SHEETS_ORIGIN,
    TOKEN_ORIGIN,
    Transport,
    request_kind,
    token_refusal_to_retry,
)
from pipeline.errors import PipelineError
from pipeline.settings import GoogleSettings


def _credentials(found: CredentialsFile, scopes: Sequence[str]) -> Credentials:
    """google-auth credentials from a checked credentials file, always with `scopes` (else google-auth
    may sign its own tokens and never call the token endpoint)."""
    try:
        if found.kind == "service_account":
            sa = google.oauth2.service_account.Credentials
            return cast(Credentials, sa.from_service_account_info(dict(found.info), scopes=list(scopes)))  # type: ignore[no-untyped-call]
        user = google.oauth2.credentials.Credentials
        return cast(Credentials, user.from_authorized_user_info(dict(found.info), scopes=list(scopes)))  # type: ignore[no-untyped-call]
    except (ValueError, KeyError, GoogleAuthError) as exc:
        raise unusable_credentials(found, str(exc)) from exc


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
    """The transport google-auth fetches access tokens with: retried by our policy, counted, never logged."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
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
        response = self._transport.send(
            self._session,
            method,
            url,
            kind="oauth.token",
            what="Getting an access token from Google",
            where=self._transport.url(url),
            timeout=timeout,
            retry_also=token_refusal_to_retry,
            data=body,
            headers=dict(headers or {}),
            **kwargs,
        )
        return _TokenResponse(response)

    def close(self) -> None:
        self._session.close()


class GoogleAuth:
    """Credentials plus the one counted, retried way their tokens are fetched (a `credentials.Authorizer`)."""

    def __init__(self, credentials: Credentials, *, source: str, transport: Transport) -> None:
        self.credentials = credentials
        self.source = source
        self.token_request = TokenRequest(transport)

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
            raise self.refused(exc) from exc

    def auth_error(self, exc: BaseException) -> PipelineError | None:
        """The project's error for a google-auth failure, None for anything else."""
        if isinstance(exc, PipelineError):
            return exc
        return self.refused(exc) if isinstance(exc, GoogleAuthError) else None

    def refused(self, exc: GoogleAuthError) -> PipelineError:
        return refused_credentials(str(exc.args[0]) if exc.args else type(exc).__name__, self.source)

    def close(self) -> None:
        self.token_request.close()


# gspread's HTTPClient.request(method, endpoint, params, data, json, files, headers), after the first two
_REQUEST_OPTIONS = ("params", "data", "json", "files", "headers")


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client over a `Transport`; a final refusal is raised as `Refused`."""

    def __init__(
        self,
        auth: Credentials,
        session: requests.Session | None = None,
        *,
        google: GoogleAuth,
        transport: Transport,
    ) -> None:
        if session is None:
            session = AuthorizedSession(auth, auth_request=google.token_request)  # type: ignore[no-untyped-call]
        super().__init__(auth, session)
        self.google = google
        self.transport = transport  # its timeout, not gspread's, applies

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        """Send through the transport; the arguments are those of gspread's `HTTPClient.request`."""
        options = dict(zip(_REQUEST_OPTIONS, args, strict=False), **kwargs)
        kind = request_kind(method, endpoint)
        body = options.pop("json", None)
        if body is not None:
            options["data"] = dumps(body)
            options["headers"] = {
                **(options.get("headers") or {}),
                "Content-Type": "application/json; charset=utf-8",
            }
        try:
            response = self.transport.send(self.session, method, endpoint, kind=kind, **options)
        except GoogleAuthError as exc:
            raise self.google.refused(exc) from exc
        if not response.ok:
            raise Refused(response.status_code, response.text, kind=kind, where=urlsplit(endpoint).path)
        return response


def sign_in(
    settings: GoogleSettings,
    transport: Transport,
    *,
    token_url: str | None = None,
    scopes: Sequence[str] = SCOPES,
) -> GoogleAuth:
    """The credentials the settings point at, fetching tokens through `transport`.

    `token_url` replaces https://oauth2.googleapis.com for a saved user login, whose token
    endpoint google-auth always sets to Google's (a service-account key names its own).
    """
    found = find_credentials(settings)
    return GoogleAuth(
        _credentials(found, scopes),
        source=found.source,
        transport=replace(transport, bases={TOKEN_ORIGIN: token_url or ""}),
    )


def sheets_client(auth: GoogleAuth, settings: GoogleSettings, transport: Transport) -> SheetsHTTPClient:
    """gspread's HTTP client for these credentials, sending to the Sheets and Drive URLs in the settings."""
    sheets = replace(transport, bases={SHEETS_ORIGIN: settings.sheets_url, DRIVE_ORIGIN: settings.drive_url})

    class Bound(SheetsHTTPClient):  # gspread's `http_client=` takes a class, built with (auth, session)
        def __init__(self, credentials: Credentials, session: requests.Session | None = None) -> None:
            super().__init__(credentials, session, google=auth, transport=sheets)

    return cast(SheetsHTTPClient, Client(auth=auth.credentials, http_client=Bound).http_client)
