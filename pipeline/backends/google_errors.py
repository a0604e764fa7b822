"""Google's final refusals, explained as the project's errors (what, where, fix). Pure.

The client modules (google_client.py for Sheets, gapi.py for Forms and Drive)
raise `Refused` for an answer no retry changes; the code that knows what it
asked for turns it into an error an officer can act on with these functions.
"""

from __future__ import annotations

import json

from pipeline.backends.credentials import Authorizer
from pipeline.backends.retry import error_reasons, error_text
from pipeline.errors import BackendError, ConfigError, PipelineError, SourceError

DISABLED_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED"})
SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})


class Refused(BackendError):
    """A Google API's final answer that is not a success, before it is explained."""

    def __init__(self, status: int, body: str, *, kind: str, where: str) -> None:
        self.status = status
        self.body = body
        super().__init__(
            f"Google refused {kind}: {self.text}",
            where=where,
            fix="run again; if it persists, report it with this message",
        )

    @property
    def text(self) -> str:
        """ "HTTP 403 PERMISSION_DENIED: <Google's message>", or the title of an HTML page."""
        return f"HTTP {self.status} {error_text(self.body)}".strip()

    @property
    def reasons(self) -> set[str]:
        return error_reasons(self.body)

    @property
    def detail(self) -> str:
        """Google's own message from the error body, which names the field it refused."""
        try:
            body = json.loads(self.body)
        except ValueError:
            return ""
        error = body.get("error") if isinstance(body, dict) else None
        return str(error.get("message", "")) if isinstance(error, dict) else ""


def unusable_api(refused: Refused, api: str, where: str) -> PipelineError | None:
    """The error for a 403 that no sharing fixes: the API not enabled, or credentials without the scope."""
    if refused.status != 403:
        return None
    if refused.reasons & DISABLED_REASONS or "has not been used" in refused.body:
        return BackendError(
            f"the {api} is not enabled for the Cloud project: {refused.text}",
            where=where,
            fix=f"enable the {api} in Cloud console > APIs & Services > Library "
            "(docs/google-setup.md, step 2), wait a few minutes, and run again",
        )
    if refused.reasons & SCOPE_REASONS:
        return BackendError(
            f"the credentials do not carry the access the {api} needs: {refused.text}",
            where=where,
            fix="run `pipeline auth login` again and allow every access asked for, "
            "or use a service-account key (docs/google-setup.md)",
        )
    return None


def form_error(refused: Refused, kind: str, where: str, *, fix: str) -> PipelineError:
    """The error for a Forms API refusal; `fix` says how to reach a form that cannot be read."""
    text, detail = refused.text, refused.detail
    if refused.status == 403 and kind != "forms.get" and "scope" in (text + detail).lower():
        return ConfigError(
            f"{kind} was refused: the credentials lack the scope it needs ({detail or text})",
            where=where,
            fix="`pipeline forms build` asks for forms.body and drive.file; with a saved login run "
            "`pipeline auth login --forms` once, then build again (docs/forms.md)",
        )
    common = unusable_api(refused, "Google Forms API", where)
    if common is not None:
        return common
    if refused.status in (403, 404):
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


def sheets_error(
    refused: Refused, spreadsheet_id: str, *, reading: bool, auth: Authorizer, max_body: int
) -> PipelineError:
    """The error for a Sheets API refusal of a read (`reading`) or a write of one spreadsheet."""
    where = f"spreadsheet {spreadsheet_id}"
    code, text, reasons = refused.status, refused.text, refused.reasons
    saved_login = auth.source.startswith("saved login")
    if code == 413:
        return BackendError(
            f"Google refused a request as too large: {text}",
            where=where,
            fix=f"lower google.max_body_bytes in the settings (now {max_body:,}); the previous tabs are intact",
        )
    if code == 401:
        return BackendError(
            f"Google did not accept the credentials: {text}",
            where=auth.source,
            fix="run `pipeline auth login` again"
            if saved_login
            else "check the key file; download a new key if this one was deleted",
        )
    if code == 403 and ("scope" in text.lower() or "ACCESS_TOKEN_SCOPE_INSUFFICIENT" in reasons):
        return BackendError(
            text,
            where=auth.source,
            fix="run `pipeline auth login` again and allow every access asked for"
            if saved_login
            else "use a service-account key file (docs/google-setup.md) or `pipeline auth login`",
        )
    if code == 403 and (reasons & DISABLED_REASONS or "has not been used" in text):
        return BackendError(
            text,
            where=where,
            fix="enable the Google Sheets API for the Cloud project (docs/google-setup.md, step 2)",
        )
    if code in (403, 404):
        error_class = SourceError if reading else BackendError
        return error_class(
            f"the spreadsheet {'cannot be read' if reading else 'cannot be written'}: {text}",
            where=where,
            fix="check the spreadsheet id or address in the settings, open the spreadsheet and "
            + auth.share_hint("Viewer" if reading else "Editor")
            + ("" if reading else " (the output spreadsheet is created by a person, once)"),
        )
    return BackendError(
        f"Google refused the request: {text}",
        where=where,
        fix="if the message names a tab or range, correct it in the settings; "
        "otherwise report it with this message",
    )
