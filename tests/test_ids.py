"""Google document ids out of whatever an officer pastes: case tables."""

from __future__ import annotations

import pytest

from pipeline.backends.ids import drive_file_id_from, form_id_from, spreadsheet_id_from
from pipeline.errors import ConfigError

SHEET_ID_CASES = [
    ("https://docs.google.com/spreadsheets/d/1AbC-d_9xyz/edit#gid=0", "1AbC-d_9xyz"),
    ("https://docs.google.com/spreadsheets/u/1/d/1AbC-d_9xyz/edit?usp=sharing", "1AbC-d_9xyz"),
    ("docs.google.com/spreadsheets/d/1AbC/", "1AbC"),
    ("  1AbC-d_9xyz ", "1AbC-d_9xyz"),
    ("demo-summary", "demo-summary"),
]


@pytest.mark.parametrize(("text", "expected_id"), SHEET_ID_CASES)
def test_spreadsheet_id_from(text: str, expected_id: str) -> None:
    assert spreadsheet_id_from(text) == expected_id


SHEET_ID_REFUSALS = [
    ("", "the spreadsheet is empty"),
    ("https://docs.google.com/document/d/1AbC/edit", "not the address of a Google spreadsheet"),
    ("https://example.org/x", "not the address of a Google spreadsheet"),
    ("มีช่องว่าง ในรหัส", "a spreadsheet id holds only letters"),
]


@pytest.mark.parametrize(("text", "message"), SHEET_ID_REFUSALS)
def test_spreadsheet_id_from_refuses(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        spreadsheet_id_from(text)
    assert message in caught.value.message
    assert caught.value.fix


FORM_ID_CASES = [
    ("https://docs.google.com/forms/d/1FaB_c-9/edit", "1FaB_c-9"),
    ("https://docs.google.com/forms/u/0/d/1FaB_c-9/edit#responses", "1FaB_c-9"),
    ("1FaB_c-9", "1FaB_c-9"),
]


@pytest.mark.parametrize(("text", "expected_id"), FORM_ID_CASES)
def test_form_id_from(text: str, expected_id: str) -> None:
    assert form_id_from(text) == expected_id


FORM_ID_REFUSALS = [
    ("", "a form id holds only letters"),
    ("รหัส แบบฟอร์ม", "a form id holds only letters"),
    ("https://docs.google.com/spreadsheets/d/1AbC/edit", "not the address of a Google Form"),
    ("https://docs.google.com/forms/d/e/1FAIpQLSe-published/viewform", "the address respondents fill in"),
]


@pytest.mark.parametrize(("text", "message"), FORM_ID_REFUSALS)
def test_form_id_from_refuses(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        form_id_from(text)
    assert message in caught.value.message
    assert "/edit" in caught.value.fix


DRIVE_LINK_CASES = [
    ("https://drive.google.com/open?id=1PdF-x_y", "1PdF-x_y"),
    ("https://drive.google.com/file/d/1PdF-x_y/view?usp=drivesdk", "1PdF-x_y"),
    ("https://drive.google.com/open?id=a, https://drive.google.com/open?id=b", None),
    ("https://example.org/open?id=1PdF", None),
    ("", None),
]


@pytest.mark.parametrize(("link", "expected_id"), DRIVE_LINK_CASES)
def test_drive_file_id_from(link: str, expected_id: str | None) -> None:
    assert drive_file_id_from(link) == expected_id
