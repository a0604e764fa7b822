"""Google document ids out of whatever an officer pastes: a full URL or the bare id.

Pure string work, no Google libraries, so the config loader can use it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from pipeline.errors import ConfigError

_ID = re.compile(r"[A-Za-z0-9_-]+")
_SHEET_PATH = re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_FORM_PATH = re.compile(r"/forms/(?:u/\d+/)?d/(e/)?([A-Za-z0-9_-]+)")
_FILE_PATH = re.compile(r"/(?:file/)?d/([A-Za-z0-9_-]+)")


def _looks_like_url(text: str) -> bool:
    return "/" in text or text.lower().startswith(("http:", "https:", "docs.google", "drive.google"))


def spreadsheet_id_from(url_or_id: str) -> str:
    """The spreadsheet id in a Google Sheets URL, or the id itself.

    >>> spreadsheet_id_from("https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0")
    '1AbC-d_9'
    """
    text = url_or_id.strip()
    if not text:
        raise ConfigError(
            "the spreadsheet is empty",
            fix="paste the spreadsheet's address from the browser (https://docs.google.com/spreadsheets/d/...)",
        )
    if _looks_like_url(text):
        match = _SHEET_PATH.search(text)
        if match is None:
            raise ConfigError(
                "this is not the address of a Google spreadsheet",
                where=text,
                fix="open the spreadsheet in the browser and copy the address, which looks like "
                "https://docs.google.com/spreadsheets/d/<id>/edit",
            )
        return match.group(1)
    if not _ID.fullmatch(text):
        raise ConfigError(
            "a spreadsheet id holds only letters, digits, '-' and '_'",
            where=text,
            fix="paste the full address of the spreadsheet instead of the id",
        )
    return text


def form_id_from(url_or_id: str) -> str:
    """The form id (the one the Forms API accepts) in an edit URL of a Google Form, or the id itself."""
    text = url_or_id.strip()
    if not _looks_like_url(text):
        if not text or not _ID.fullmatch(text):
            raise ConfigError(
                "a form id holds only letters, digits, '-' and '_'",
                where=text,
                fix="paste the form's editing address (https://docs.google.com/forms/d/<id>/edit)",
            )
        return text
    match = _FORM_PATH.search(text)
    if match is None:
        raise ConfigError(
            "this is not the address of a Google Form",
            where=text,
            fix="open the form for editing and copy the address, which looks like "
            "https://docs.google.com/forms/d/<id>/edit",
        )
    if match.group(1):
        raise ConfigError(
            "this is the address respondents fill in (/forms/d/e/...), which the Forms API cannot read",
            where=text,
            fix="open the form for editing and copy that address instead (https://docs.google.com/forms/d/<id>/edit)",
        )
    return match.group(2)


def drive_file_id_from(link: str) -> str | None:
    """The Drive file id in a file-upload answer or a sharing link; None when there is none.

    Handles https://drive.google.com/open?id=<id> (what response sheets hold) and
    https://drive.google.com/file/d/<id>/view.
    """
    text = link.strip()
    if not text:
        return None
    parts = urlsplit(text)
    if "google.com" not in parts.netloc:
        return None
    ids = parse_qs(parts.query).get("id")
    if ids and _ID.fullmatch(ids[0]):
        return ids[0]
    match = _FILE_PATH.search(parts.path)
    return match.group(1) if match else None
