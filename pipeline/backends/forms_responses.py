"""A Google Form's Forms API answers shaped like its response sheet. Pure.

`response_grid(form, responses, zone)` gives the grid a response sheet would
hold: header ["ประทับเวลา", "ที่อยู่อีเมล", question titles in form order...],
then one row per response, oldest first. The timestamp is the response's
lastSubmittedTime (an edited response keeps its responseId and gets a later
lastSubmittedTime: that latest version is the one that counts) as a naive
datetime in the province's time zone; several answers to one question are
joined with ", "; an uploaded file becomes its Drive link
https://drive.google.com/open?id=<id>, exactly as in a response sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from pipeline.models import Cell, Grid, Row

TIMESTAMP_HEADER = "ประทับเวลา"
EMAIL_HEADER = "ที่อยู่อีเมล"


def file_link(file_id: str) -> str:
    return f"https://drive.google.com/open?id={file_id}"


def submitted_at(response: Mapping[str, Any]) -> datetime:
    """lastSubmittedTime (else createTime) as an aware UTC datetime; Google sends up to nanoseconds."""
    text = str(response.get("lastSubmittedTime") or response.get("createTime") or "1970-01-01T00:00:00Z")
    head, dot, tail = text.partition(".")
    if dot:
        digits = "".join(ch for ch in tail if ch.isdigit())
        text = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits) :]}"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def question_columns(form: Mapping[str, Any]) -> list[tuple[str, str]]:
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


def answer_cell(answer: Mapping[str, Any] | None) -> Cell:
    """One question's answer as its response-sheet cell: texts and file links joined with ", "."""
    if not answer:
        return None
    values = [str(a.get("value", "")) for a in answer.get("textAnswers", {}).get("answers", [])]
    values += [
        file_link(str(a["fileId"]))
        for a in answer.get("fileUploadAnswers", {}).get("answers", [])
        if a.get("fileId")
    ]
    return ", ".join(values) if values else None


def latest_versions(responses: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The last submitted version of each response (by responseId), oldest first."""
    latest: dict[str, Mapping[str, Any]] = {}
    for response in responses:
        key = str(response.get("responseId", ""))
        if key not in latest or submitted_at(response) >= submitted_at(latest[key]):
            latest[key] = response
    return sorted(latest.values(), key=lambda r: (submitted_at(r), str(r.get("responseId", ""))))


def response_grid(form: Mapping[str, Any], responses: Iterable[Mapping[str, Any]], zone: tzinfo) -> Grid:
    """The response sheet of `form` (as forms.get returns it) holding `responses` (every page's)."""
    questions = question_columns(form)
    header: Row = [TIMESTAMP_HEADER, EMAIL_HEADER, *(title for _, title in questions)]
    return [header, *(_row(r, questions, zone) for r in latest_versions(responses))]


def _row(response: Mapping[str, Any], questions: list[tuple[str, str]], zone: tzinfo) -> Row:
    answers = response.get("answers") or {}
    row: Row = [
        submitted_at(response).astimezone(zone).replace(tzinfo=None),
        response.get("respondentEmail") or None,
    ]
    row.extend(answer_cell(answers.get(qid)) for qid, _ in questions)
    while row and row[-1] is None:
        row.pop()
    return row
