"""A Google Form's responses read through the Forms API, shaped like its response sheet.

Requests: one forms.get plus one responses.list per 5,000 responses, each
counted and retried (gapi.GoogleService); the shaping is forms_responses.py's.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pipeline.backends.credentials import Authorizer
from pipeline.backends.forms_responses import response_grid
from pipeline.backends.gapi import forms_service
from pipeline.backends.google_errors import Refused, form_error
from pipeline.backends.retry import RequestCounter, RetryPolicy
from pipeline.errors import BackendError
from pipeline.models import Grid
from pipeline.settings import GoogleSettings

PAGE_SIZE = 5000  # the most responses.list returns per page


class FormsSource:
    """A Google Form's responses, read through the Forms API, shaped like its response sheet."""

    def __init__(
        self,
        settings: GoogleSettings,
        auth: Authorizer,
        *,
        timezone: str,
        counter: RequestCounter,
        policy: RetryPolicy,
    ) -> None:
        self._auth = auth
        self._zone = ZoneInfo(timezone)
        self._api = forms_service(settings, auth, counter, policy)

    def read(self, form_id: str) -> Grid:
        forms = self._api.service.forms()
        where = f"form {form_id}"
        responses: list[dict[str, Any]] = []
        try:
            form = self._api.execute(forms.get, kind="forms.get", where=where, formId=form_id)
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
                responses += page.get("responses", [])
                token = page.get("nextPageToken") or None
                if token is None:
                    break
                if token in seen_tokens:
                    raise BackendError(
                        "the Forms API returned the same page twice", where=where, fix="run again later"
                    )
                seen_tokens.add(token)
        except Refused as exc:
            raise form_error(
                exc,
                "forms.get",
                where,
                fix="check form_id in the settings (the id in the form's editing address) and add "
                f"{self._auth.who()} to the form as a collaborator: open the form in the editor, "
                "⋮ (More) > Add collaborators (Forms has no viewer role; the pipeline only reads it)",
            ) from exc
        return response_grid(form, responses, self._zone)

    def close(self) -> None:
        self._api.close()
