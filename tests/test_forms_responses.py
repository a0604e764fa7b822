"""Forms API answers shaped like a response sheet: case tables (the API side runs in test_gapi)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipeline.backends.forms_responses import (
    EMAIL_HEADER,
    TIMESTAMP_HEADER,
    answer_cell,
    latest_versions,
    question_columns,
    response_grid,
    submitted_at,
)
from pipeline.models import Cell, Grid

BANGKOK = ZoneInfo("Asia/Bangkok")

STAMP_CASES = [
    ({"lastSubmittedTime": "2024-01-15T02:00:00Z"}, datetime(2024, 1, 15, 2, 0, tzinfo=UTC)),
    ({"lastSubmittedTime": "2024-01-15T03:30:00.5Z"}, datetime(2024, 1, 15, 3, 30, 0, 500000, tzinfo=UTC)),
    (  # Google sends nanoseconds: cut to microseconds
        {"lastSubmittedTime": "2024-01-16T17:15:00.123456789Z"},
        datetime(2024, 1, 16, 17, 15, 0, 123456, tzinfo=UTC),
    ),
    (
        {"createTime": "2024-01-15T02:00:00Z", "lastSubmittedTime": "2024-01-20T02:00:00Z"},
        datetime(2024, 1, 20, 2, 0, tzinfo=UTC),
    ),
    ({"createTime": "2024-01-15T02:00:00Z"}, datetime(2024, 1, 15, 2, 0, tzinfo=UTC)),
    ({}, datetime(1970, 1, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize(("response", "expected"), STAMP_CASES)
def test_submitted_at(response: dict[str, Any], expected: datetime) -> None:
    assert submitted_at(response) == expected


def question(qid: str, title: str) -> dict[str, Any]:
    return {"title": title, "questionItem": {"question": {"questionId": qid}}}


QUESTION_CASES: list[tuple[list[dict[str, Any]], list[tuple[str, str]]]] = [
    ([], []),
    ([question("q1", "อำเภอ"), question("q2", "ตำบล")], [("q1", "อำเภอ"), ("q2", "ตำบล")]),
    ([{"title": "ส่วนที่ 2", "pageBreakItem": {}}, question("q1", "อำเภอ")], [("q1", "อำเภอ")]),  # sections
    ([{"title": "ภาพ", "imageItem": {}}, {"title": "ไม่มีรหัส", "questionItem": {"question": {}}}], []),
    (
        [
            {
                "title": "ตัวชี้วัด",
                "questionGroupItem": {
                    "questions": [
                        {"questionId": "i1", "rowQuestion": {"title": "ด้านที่ 1"}},
                        {"questionId": "i2", "rowQuestion": {"title": "ด้านที่ 2"}},
                    ]
                },
            }
        ],
        [("i1", "ตัวชี้วัด [ด้านที่ 1]"), ("i2", "ตัวชี้วัด [ด้านที่ 2]")],
    ),
]


@pytest.mark.parametrize(("items", "expected"), QUESTION_CASES)
def test_question_columns(items: list[dict[str, Any]], expected: list[tuple[str, str]]) -> None:
    assert question_columns({"items": items}) == expected


def texts(*values: str) -> dict[str, Any]:
    return {"textAnswers": {"answers": [{"value": v} for v in values]}}


ANSWER_CASES: list[tuple[dict[str, Any] | None, Cell]] = [
    (None, None),
    ({}, None),
    (texts("เวียง"), "เวียง"),
    (texts("ประชุม", "อบรม"), "ประชุม, อบรม"),
    (texts(""), ""),
    (
        {"fileUploadAnswers": {"answers": [{"fileId": "f1"}, {"fileId": "f2"}, {"fileName": "no id"}]}},
        "https://drive.google.com/open?id=f1, https://drive.google.com/open?id=f2",
    ),
    ({"fileUploadAnswers": {"answers": []}}, None),
]


@pytest.mark.parametrize(("answer", "expected"), ANSWER_CASES)
def test_answer_cell(answer: dict[str, Any] | None, expected: Cell) -> None:
    assert answer_cell(answer) == expected


def response(rid: str, when: str, **answers: str) -> dict[str, Any]:
    return {
        "responseId": rid,
        "lastSubmittedTime": when,
        "answers": {q: texts(v) for q, v in answers.items()},
    }


# responses in the order the pages gave them -> (responseId, q1's answer) of the rows, oldest first
LATEST_CASES: list[tuple[list[dict[str, Any]], list[tuple[str, str]]]] = [
    ([], []),
    (
        [response("b", "2024-01-16T00:00:00Z", q1="2"), response("a", "2024-01-15T00:00:00Z", q1="1")],
        [("a", "1"), ("b", "2")],
    ),
    (  # an edited response: the later submission counts, in its own place in time
        [
            response("a", "2024-01-15T00:00:00Z", q1="old"),
            response("b", "2024-01-16T00:00:00Z", q1="b"),
            response("a", "2024-01-17T00:00:00Z", q1="new"),
        ],
        [("b", "b"), ("a", "new")],
    ),
    (  # an older version coming after the newer one does not replace it
        [response("a", "2024-01-17T00:00:00Z", q1="new"), response("a", "2024-01-15T00:00:00Z", q1="old")],
        [("a", "new")],
    ),
    (  # equal times: the later page wins, and ties sort by responseId
        [
            response("b", "2024-01-15T00:00:00Z", q1="b"),
            response("a", "2024-01-15T00:00:00Z", q1="first"),
            response("a", "2024-01-15T00:00:00Z", q1="second"),
        ],
        [("a", "second"), ("b", "b")],
    ),
]


@pytest.mark.parametrize(("responses", "expected"), LATEST_CASES)
def test_latest_versions(responses: list[dict[str, Any]], expected: list[tuple[str, str]]) -> None:
    rows = latest_versions(responses)
    assert [(r["responseId"], answer_cell(r["answers"]["q1"])) for r in rows] == expected


FORM = {"items": [question("q1", "อำเภอ"), question("q2", "ตำบล"), question("q3", "หมายเหตุ")]}
HEADER = [TIMESTAMP_HEADER, EMAIL_HEADER, "อำเภอ", "ตำบล", "หมายเหตุ"]

GRID_CASES: list[tuple[list[dict[str, Any]], Grid]] = [
    ([], [HEADER]),
    (  # UTC 02:00 is 09:00 in Bangkok, written without a zone as a response sheet does
        [response("a", "2024-01-15T02:00:00Z", q1="เมืองพะเยา", q2="เวียง")],
        [HEADER, [datetime(2024, 1, 15, 9, 0), None, "เมืองพะเยา", "เวียง"]],
    ),
    (  # a missing answer in the middle stays an empty cell; trailing empties are trimmed
        [{**response("a", "2024-01-15T17:30:00Z", q1="ปง", q3="ส่งช้า"), "respondentEmail": "a@example.org"}],
        [HEADER, [datetime(2024, 1, 16, 0, 30), "a@example.org", "ปง", None, "ส่งช้า"]],
    ),
]


@pytest.mark.parametrize(("responses", "expected"), GRID_CASES)
def test_response_grid(responses: list[dict[str, Any]], expected: Grid) -> None:
    assert response_grid(FORM, responses, BANGKOK) == expected
