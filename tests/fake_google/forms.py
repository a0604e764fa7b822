"""Google Forms v1 (forms.get, forms.responses.list) and Drive v3 (files.get) data for the fake.

Forms and responses are kept in the API's own JSON shape; the helpers below
build that shape so tests read like the data they describe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .sheets import ApiError


def text_question(question_id: str, title: str) -> dict[str, Any]:
    return {
        "itemId": f"item-{question_id}",
        "title": title,
        "questionItem": {"question": {"questionId": question_id, "required": False, "textQuestion": {}}},
    }


def file_question(question_id: str, title: str) -> dict[str, Any]:
    return {
        "itemId": f"item-{question_id}",
        "title": title,
        "questionItem": {
            "question": {"questionId": question_id, "fileUploadQuestion": {"folderId": "uploads"}}
        },
    }


def grid_question(title: str, rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {
        "itemId": f"grid-{rows[0][0]}",
        "title": title,
        "questionGroupItem": {
            "questions": [{"questionId": qid, "rowQuestion": {"title": row}} for qid, row in rows],
            "grid": {
                "columns": {"type": "RADIO", "options": [{"value": "1"}, {"value": "2"}, {"value": "3"}]}
            },
        },
    }


def section(title: str) -> dict[str, Any]:
    return {"itemId": f"section-{title}", "title": title, "pageBreakItem": {}}


def form_response(
    response_id: str,
    submitted: str,
    answers: Mapping[str, str | Sequence[str]] | None = None,
    *,
    files: Mapping[str, Sequence[str]] | None = None,
    email: str | None = None,
    created: str | None = None,
) -> dict[str, Any]:
    """A FormResponse; `submitted` is lastSubmittedTime (RFC 3339, UTC)."""
    out: dict[str, Any] = {
        "formId": "",
        "responseId": response_id,
        "createTime": created or submitted,
        "lastSubmittedTime": submitted,
        "answers": {},
    }
    if email:
        out["respondentEmail"] = email
    for qid, value in (answers or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        out["answers"][qid] = {"questionId": qid, "textAnswers": {"answers": [{"value": v} for v in values]}}
    for qid, ids in (files or {}).items():
        out["answers"][qid] = {
            "questionId": qid,
            "fileUploadAnswers": {
                "answers": [{"fileId": i, "fileName": f"{i}.pdf", "mimeType": "application/pdf"} for i in ids]
            },
        }
    return out


@dataclass
class FormsData:
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    permissions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # form id -> who may edit
    page_cap: int = 5000  # the server may return fewer than pageSize, as Google's may

    def add_form(
        self, form_id: str, title: str, items: Sequence[dict[str, Any]], responses: Sequence[dict[str, Any]]
    ) -> None:
        self.forms[form_id] = {
            "formId": form_id,
            "info": {"title": title, "documentTitle": title},
            "items": list(items),
            "responderUri": f"https://docs.google.com/forms/d/e/published-{form_id}/viewform",
        }
        self.responses[form_id] = [{**r, "formId": form_id} for r in responses]

    def get_form(self, form_id: str) -> dict[str, Any]:
        if form_id not in self.forms:
            raise ApiError(404, "Requested entity was not found.")
        return self.forms[form_id]

    def list_responses(self, form_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        self.get_form(form_id)
        size = int(query.get("pageSize") or 5000)
        if not 0 < size <= 5000:
            raise ApiError(400, "page_size must be between 1 and 5000")
        size = min(size, self.page_cap)
        token = query.get("pageToken") or "page-0"
        if not token.startswith("page-"):
            raise ApiError(400, "Invalid page token")
        start = int(token.removeprefix("page-"))
        items = self.responses[form_id][start : start + size]
        out: dict[str, Any] = {"responses": items} if items else {}
        if start + size < len(self.responses[form_id]):
            out["nextPageToken"] = f"page-{start + size}"
        return out

    def add_file(self, file_id: str, name: str, mime_type: str, *, trashed: bool = False) -> None:
        self.files[file_id] = {
            "kind": "drive#file",
            "id": file_id,
            "name": name,
            "mimeType": mime_type,
            "trashed": trashed,
        }

    def get_file(self, file_id: str) -> dict[str, Any]:
        if file_id not in self.files:
            raise ApiError(404, f"File not found: {file_id}.", reason="notFound")
        return self.files[file_id]
