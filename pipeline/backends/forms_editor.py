"""Creating, changing, publishing, sharing and reading a form, for `pipeline forms build | check`.

forms.create, forms.batchUpdate, forms.setPublishSettings and forms.get, and
Drive permissions.create, through gapi.GoogleService: counted and retried like
the readers. `forms_editor` signs in with the scopes the command needs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pipeline.backends.credentials import Authorizer
from pipeline.backends.gapi import drive_service, forms_service
from pipeline.backends.google_client import sign_in
from pipeline.backends.google_errors import Refused, form_error
from pipeline.backends.oauth import SCOPES
from pipeline.backends.retry import RequestCounter, RetryPolicy
from pipeline.backends.transport import Transport
from pipeline.errors import PipelineError
from pipeline.settings import GoogleSettings


class FormsEditor:
    """Creating, changing, publishing, sharing and reading a form, with the readers' retry policy and counting."""

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
        self._api = forms_service(settings, auth, counter, policy)
        self._forms = self._api.service.forms()
        self._drive = drive_service(settings, auth, counter, policy)

    @property
    def service_account(self) -> str:
        """The service account's address when the credentials are one ("" for a user's login)."""
        return self._auth.account

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
        except Refused as exc:
            raise self._error(exc, "drive.permissions.create", f"form {form_id}") from exc

    def _call(self, method: Callable[..., Any], kind: str, where: str, **params: Any) -> dict[str, Any]:
        try:
            return self._api.execute(method, kind=kind, where=where, **params)
        except Refused as exc:
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
        except Refused as exc:
            if exc.status == 400 and "revision" in exc.detail.lower():
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

    def _error(self, exc: Refused, kind: str, where: str) -> PipelineError:
        return form_error(
            exc,
            kind,
            where,
            fix="check the form id (the long id in the form's editing address) and "
            f"{self._auth.share_hint('Editor')} (Share > add people, in the form editor)",
        )

    def close(self) -> None:
        self._api.close()
        self._drive.close()
        if self._owns_auth:
            self._auth.close()

    def __enter__(self) -> FormsEditor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def forms_editor(
    settings: GoogleSettings,
    *,
    scopes: Sequence[str] = SCOPES,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> FormsEditor:
    """A `FormsEditor` on credentials asking for `scopes` (oauth.FORMS_BUILD_SCOPES to create forms)."""
    counter = RequestCounter()
    policy = RetryPolicy(max_attempts=settings.max_attempts, sleep=sleep, rng=rng)
    auth = sign_in(
        settings,
        Transport(policy, counter, settings.timeout),
        token_url=settings.token_url or None,
        scopes=scopes,
    )
    return FormsEditor(settings, auth, counter=counter, policy=policy, owns_auth=True)
