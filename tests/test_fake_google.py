"""The fake is as strict as Google: bodies checked against the discovery documents, scopes per method."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fake_google import FakeGoogle
from tests.fake_google.discovery import scopes

AUTH = "https://www.googleapis.com/auth/"


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with FakeGoogle() as server:
        server.add_spreadsheet("out", {"Sheet1": []})
        yield server


def token(fake: FakeGoogle, *granted: str) -> str:
    status, answer = fake.authority._issue("someone", frozenset(AUTH + g for g in granted), "test")
    assert status == 200
    return str(answer["access_token"])


def batch(fake: FakeGoogle, body: Any, bearer: str) -> requests.Response:
    return requests.post(
        f"{fake.url}/v4/spreadsheets/out:batchUpdate",
        json=body,
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=30,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {
                "requests": [
                    {"updateCells": {"start": {"sheetId": 0}, "rows": [], "fields": "*", "range2": {}}}
                ]
            },
            "Invalid JSON payload received. Unknown name \"range2\" at 'requests[0].update_cells': Cannot find field.",
        ),
        ({"requestz": []}, 'Unknown name "requestz"'),
        ({"requests": [{"copyPaste": {"pasteType": "PASTE_ALL"}}]}, "requests[0].copy_paste.paste_type"),
        (
            {"requests": [{"addSheet": {"properties": {"hidden": "yes"}}}]},
            "requests[0].add_sheet.properties.hidden",
        ),
        ({"requests": [{"addSheet": {"properties": {"gridProperties": {"rowCount": "many"}}}}]}, "row_count"),
    ],
)
def test_a_body_google_would_refuse_is_refused(fake: FakeGoogle, body: Any, message: str) -> None:
    answer = batch(fake, body, token(fake, "spreadsheets"))
    assert answer.status_code == 400
    assert message in answer.json()["error"]["message"]
    assert answer.json()["error"]["message"].startswith("Invalid JSON payload received.")


def test_a_well_formed_body_passes(fake: FakeGoogle) -> None:
    body = {
        "requests": [
            {"addSheet": {"properties": {"title": "ใหม่", "hidden": True, "gridProperties": {"rowCount": 2}}}}
        ]
    }
    assert batch(fake, body, token(fake, "spreadsheets")).status_code == 200


@pytest.mark.parametrize(
    "granted", ["drive.metadata.readonly", "spreadsheets.readonly", "forms.body.readonly"]
)
def test_a_scope_the_method_does_not_accept_is_refused(fake: FakeGoogle, granted: str) -> None:
    answer = batch(fake, {"requests": []}, token(fake, granted))
    assert answer.status_code == 403
    assert answer.json()["error"]["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_the_scopes_come_from_the_discovery_documents() -> None:
    assert AUTH + "drive.metadata.readonly" in scopes("drive.files.get")
    assert AUTH + "drive.metadata.readonly" not in scopes("sheets.batchUpdate")
    assert AUTH + "forms.responses.readonly" not in scopes("forms.get")
    assert AUTH + "forms.body.readonly" in scopes("forms.get")


def test_a_drive_metadata_scope_cannot_read_a_spreadsheet(fake: FakeGoogle) -> None:
    answer = requests.get(
        f"{fake.url}/v4/spreadsheets/out",
        headers={"Authorization": f"Bearer {token(fake, 'drive.metadata.readonly')}"},
        timeout=30,
    )
    assert answer.status_code == 403
