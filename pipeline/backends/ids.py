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


def _bare_id(text: str, what: str, fix: str) -> str:
    if not _ID.fullmatch(text):
        raise ConfigError(f"a {what} id holds only letters, digits, '-' and '_'", where=text, fix=fix)
    return text


def _matched(text: str, path: re.Pattern[str], what: str, fix: str) -> re.Match[str]:
    match = path.search(text)
    if match is None:
        raise ConfigError(f"this is not the address of a {what}", where=text, fix=fix)
    return match


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
    if not _looks_like_url(text):
        return _bare_id(text, "spreadsheet", "paste the full address of the spreadsheet instead of the id")
    fix = (
        "open the spreadsheet in the browser and copy the address, which looks like "
        "https://docs.google.com/spreadsheets/d/<id>/edit"
    )
    return _matched(text, _SHEET_PATH, "Google spreadsheet", fix).group(1)


def form_id_from(url_or_id: str) -> str:
    """The form id (the one the Forms API accepts) in an edit URL of a Google Form, or the id itself."""
    text = url_or_id.strip()
    if not _looks_like_url(text):
        fix = "paste the form's editing address (https://docs.google.com/forms/d/<id>/edit)"
        return _bare_id(text, "form", fix)
    fix = (
        "open the form for editing and copy the address, which looks like "
        "https://docs.google.com/forms/d/<id>/edit"
    )
    match = _matched(text, _FORM_PATH, "Google Form", fix)
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
