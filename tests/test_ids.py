"""Google document ids out of whatever an officer pastes: case tables."""

from __future__ import annotations

from collections.abc import Callable

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


FORM_ID_CASES = [
    ("https://docs.google.com/forms/d/1FaB_c-9/edit", "1FaB_c-9"),
    ("https://docs.google.com/forms/u/0/d/1FaB_c-9/edit#responses", "1FaB_c-9"),
    ("1FaB_c-9", "1FaB_c-9"),
]


@pytest.mark.parametrize(("text", "expected_id"), FORM_ID_CASES)
def test_form_id_from(text: str, expected_id: str) -> None:
    assert form_id_from(text) == expected_id


REFUSALS: list[tuple[Callable[[str], str], str, str]] = [
    (spreadsheet_id_from, "", "the spreadsheet is empty"),
    (
        spreadsheet_id_from,
        "https://docs.google.com/document/d/1AbC/edit",
        "not the address of a Google spreadsheet",
    ),
    (spreadsheet_id_from, "https://example.org/x", "not the address of a Google spreadsheet"),
    (spreadsheet_id_from, "มีช่องว่าง ในรหัส", "a spreadsheet id holds only letters"),
    (form_id_from, "", "a form id holds only letters"),
    (form_id_from, "รหัส แบบฟอร์ม", "a form id holds only letters"),
    (form_id_from, "https://docs.google.com/spreadsheets/d/1AbC/edit", "not the address of a Google Form"),
    (
        form_id_from,
        "https://docs.google.com/forms/d/e/1FAIpQLSe-published/viewform",
        "the address respondents fill in",
    ),
]


@pytest.mark.parametrize(("read_id", "text", "message"), REFUSALS)
def test_what_is_not_an_id_is_refused_with_where_to_copy_it_from(
    read_id: Callable[[str], str], text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        read_id(text)
    assert message in caught.value.message
    assert "address" in caught.value.fix


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
