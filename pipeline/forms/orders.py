"""Appointment orders and announcements (ข้อ ๓.๑–๓.๕), uploaded as PDF through a Google Form.

Each district uploads five documents (seed 002, item 3). A response may carry
any of them: each document is a file-upload question whose cell holds one or
more Drive links separated by ", ". A district may spread its documents over
several responses, so documents are counted one by one: for each district and
document the latest upload counts and earlier uploads of that document are
superseded.

On the local backend the links are recorded as given. Whether the files exist
on Drive and really are PDFs is found out elsewhere; `check_links` takes that
knowledge as an optional mapping link -> (exists, is_pdf) and, without it,
judges only what a link itself shows (not a link at all, a file name with
another type, a Google Docs editor link). The wording is the schema's
(sheets_schema/appointment_orders.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    Submission,
    read_timestamp,
    resolve_place,
    rows,
)
from pipeline.forms.declared import message
from pipeline.models import Cell, Column, Grid, Row, Table, UnitStatus
from pipeline.orgunits import Unit

# The codes of its messages (sheets_schema/appointment_orders.yaml: messages), checked when the settings load.
MESSAGES = """bad_file no_documents unchecked unchecked_local unchecked_remote missing_document overdue due
    file_missing file_not_pdf not_a_link editor_link other_type"""
RECEIVED = "ได้รับแล้ว"
MISSING = "ยังไม่ได้รับ"
NEEDS_FIX = "ต้องแก้ไข"

# Drive info for a link, when someone has looked: (the file exists, it is a PDF).
DriveInfo = Mapping[str, tuple[bool, bool]]

_SEPARATORS = re.compile(r"\s*[,\n]\s*|\s+(?=https?://)")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{2,5})$")
_EDITOR = re.compile(r"^https?://docs\.google\.com/(document|spreadsheets|presentation)/", re.IGNORECASE)


@dataclass(frozen=True)
class LinkProblem:
    link: str
    code: str  # not_a_link | not_pdf | file_missing
    reason: str  # the schema's message saying what is wrong with this file
    ext: str = ""  # the type its name shows


@dataclass(frozen=True)
class RequiredDocument:
    """One of the documents each district uploads, as the schema's `documents:` lists it."""

    key: str  # schema field, e.g. "doc31"
    number: str  # "3.1"
    short: str  # for messages and headers
    title: str  # as the circular words it

    @property
    def label(self) -> str:
        return f"{thai.to_thai_digits(self.number)} {self.short}"


def split_links(value: Cell) -> list[str]:
    """The links of a file-upload cell: Google Forms joins several with ", "."""
    if thai.is_blank(value):
        return []
    return [part for part in _SEPARATORS.split(thai.clean_text(str(value))) if part]


def _shape(link: str) -> str:
    """What a link itself shows: "not_a_link", "editor" (an editable Google document), the
    extension of the file name it carries (in its path or at the end of its query), or ""."""
    if not link.lower().startswith(("http://", "https://")):
        return "not_a_link"
    if _EDITOR.match(link):
        return "editor"
    ext = _EXTENSION.search(unquote(urlsplit(link).path)) or _EXTENSION.search(unquote(link))
    return ext[1].lower() if ext else ""


def check_links(
    links: Sequence[str], drive: DriveInfo | None = None, *, file_type: str = "pdf"
) -> list[LinkProblem]:
    """What is wrong with the files of one upload; [] when nothing is. A link `drive` knows
    (link -> (exists, is_pdf)) is judged by it, whatever it looks like; otherwise by its text."""
    out: list[LinkProblem] = []
    for link in links:
        known = drive.get(link) if drive is not None else None
        shape = _shape(link)
        if known is not None and not known[0]:
            out.append(LinkProblem(link, "file_missing", "file_missing"))
        elif known is not None:
            out += [] if known[1] else [LinkProblem(link, "not_pdf", "file_not_pdf")]
        elif shape == "not_a_link":
            out.append(LinkProblem(link, "not_a_link", "not_a_link"))
        elif shape == "editor":
            out.append(LinkProblem(link, "not_pdf", "editor_link"))
        elif shape and shape != file_type.lower():
            out.append(LinkProblem(link, "not_pdf", "other_type", shape))
    return out


@dataclass(frozen=True)
class Rules:
    """The schema's rules: the documents each district uploads, and the type of file they must be."""

    documents: tuple[RequiredDocument, ...] = ()
    file_type: str = "pdf"

    def __post_init__(self) -> None:
        if not self.documents:
            raise ValueError("the schema lists no documents: add documents: [{key, number, short, title}, …]")


@dataclass
class Report(Submission):
    ok: bool
    links: dict[str, list[str]] = field(default_factory=dict)  # document key -> links
    tambon: Unit | None = None  # districts upload the orders
    superseded_by: int = 0  # documents are superseded one by one, never a whole response


@dataclass
class Upload:
    """The upload of one document that counts for a district."""

    response: Report
    links: list[str]
    problems: list[LinkProblem]

    @property
    def status(self) -> str:
        return NEEDS_FIX if self.problems else RECEIVED


def process(ctx: FormContext, grid: Grid, drive: DriveInfo | None = None) -> FormResult:
    drive = drive if drive is not None else ctx.drive
    cutoff = engine.one_cutoff(ctx, "districts")
    rules = declared.rules_of(Rules, ctx.schema)
    docs, kind = list(rules.documents), rules.file_type
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    responses: list[Report] = []
    for row in data:
        district, _, ok = resolve_place(ctx, log, row, cmap, with_tambon=False)
        at = read_timestamp(ctx, log, cmap, row, district=district)
        links = {d.key: found for d in docs if (found := split_links(cmap.get(row.cells, d.key)))}
        responses.append(Report(row=row, at=at, district=district, ok=ok and at is not None, links=links))
        if responses[-1].ok and not links:
            log.add(
                row.number,
                "warning",
                "no_documents",
                message(ctx, "no_documents", kind=kind.upper()),
                district=district,
            )
    uploads = _latest_uploads(log, responses, docs, drive, kind)
    for (_, key), up in sorted(uploads.items(), key=lambda kv: kv[1].response.row.number):
        doc = next(d for d in docs if d.key == key)
        for p in up.problems:
            problem = message(ctx, p.reason, kind=kind.upper(), ext=p.ext)
            said = message(ctx, "bad_file", document=doc.label, problem=problem, kind=kind.upper())
            log.add(
                up.response.row.number,
                "error",
                p.code,
                said,
                key=key,
                value=p.link,
                district=up.response.district,
            )
    unchecked = [
        link for up in uploads.values() if not up.problems for link in up.links if _unchecked(link, drive)
    ]
    if unchecked:  # once per source: files that count as received without anyone knowing their type
        how = message(ctx, "unchecked_local" if ctx.settings.backend == "local" else "unchecked_remote")
        said = message(ctx, "unchecked", n=len(unchecked), kind=kind.upper(), how=how)
        log.add(1, "warning", f"{kind.lower()}_unchecked", said, value=unchecked[0])
    counting = {up.response.row.number: up.response for up in uploads.values()}
    for _, r in sorted(counting.items()):
        engine.warn_late(ctx, log, r, cutoff, cutoff.title, message(ctx, "late_counts"))
    result = FormResult(form=ctx.source.key, rows_read=len(data))
    result.accepted = sum(1 for r in responses if r.row.number in counting)
    result.rejected = sum(1 for r in responses if not r.ok)
    result.superseded = sum(1 for r in responses if r.ok and r.links and r.row.number not in counting)
    _missing(ctx, log, uploads, docs, cutoff, kind)
    result.issues = list(log)
    result.tables = [_matrix(ctx, uploads, docs, cutoff)]
    result.statuses = _statuses(ctx, log, uploads, docs, cutoff)
    return result


def _unchecked(link: str, drive: DriveInfo | None) -> bool:
    """A link whose file type nobody could judge: Drive did not say, and the link shows neither a
    file extension nor an editable Google document (a bare Drive link)."""
    return (drive is None or link not in drive) and _shape(link) == ""


def _latest_uploads(
    log: IssueLog, responses: list[Report], docs: list[RequiredDocument], drive: DriveInfo | None, kind: str
) -> dict[tuple[str, str], Upload]:
    """(district code, document key) -> the upload that counts; earlier ones are marked superseded."""
    latest: dict[tuple[str, str], Report] = {}
    for doc in docs:
        sent = (r for r in responses if r.ok and doc.key in r.links)
        for code, r in engine.latest(sent, lambda r: r.district.code if r.district else None).items():
            latest[(code, doc.key)] = r
    for r in (r for r in responses if r.ok):
        for doc in docs:
            winner = latest.get((r.district.code, doc.key)) if r.district else None
            if doc.key in r.links and winner is not None and winner is not r:
                said = message(log.ctx, "superseded", document=doc.label, row=winner.row.number)
                log.add(r.row.number, "warning", "superseded", said, key=doc.key, district=r.district)
    return {
        k: Upload(r, r.links[k[1]], check_links(r.links[k[1]], drive, file_type=kind))
        for k, r in latest.items()
    }


def _missing(
    ctx: FormContext,
    log: IssueLog,
    uploads: dict[tuple[str, str], Upload],
    docs: list[RequiredDocument],
    cutoff: Cutoff,
    kind: str,
) -> None:
    """One issue per district and document not received; row 0: no sheet row holds it."""
    overdue = ctx.now.date() > cutoff.due
    when = message(ctx, "overdue" if overdue else "due", due=thai.format_thai_date(cutoff.due))
    for d in ctx.org.districts():
        for doc in (doc for doc in docs if (d.code, doc.key) not in uploads):
            number = thai.to_thai_digits(doc.number)
            said = message(
                ctx,
                "missing_document",
                district=d.name,
                number=number,
                title=doc.title,
                kind=kind.upper(),
                when=when,
            )
            log.add(0, "error" if overdue else "warning", "missing_document", said, key=doc.key, district=d)


def _statuses(
    ctx: FormContext,
    log: IssueLog,
    uploads: dict[tuple[str, str], Upload],
    docs: list[RequiredDocument],
    cutoff: Cutoff,
) -> list[UnitStatus]:
    """A status for every district that uploaded anything: valid only when all five documents are in order."""
    out = []
    for d in ctx.org.districts():
        mine = [uploads[(d.code, doc.key)] for doc in docs if (d.code, doc.key) in uploads]
        if not mine:
            continue
        last = max(up.response.at for up in mine if up.response.at is not None)
        problems = [
            i.message
            for i in log
            if i.district_code == d.code and (i.severity == "error" or i.code == "missing_document")
        ]
        complete = len(mine) == len(docs) and all(up.status == RECEIVED for up in mine)
        out.append(engine.unit_status_of(ctx, cutoff, d, d.code, last, problems, rejected=not complete))
    return out


def _matrix(
    ctx: FormContext, uploads: dict[tuple[str, str], Upload], docs: list[RequiredDocument], cutoff: Cutoff
) -> Table:
    """One row per district: each document's status and links, how many are in, the latest upload."""
    per_doc: list[Column] = []
    for doc in docs:
        tag, number = doc.number.replace(".", "_"), thai.to_thai_digits(doc.number)
        per_doc += [
            Column(f"doc{tag}", f"{number} {doc.short}", 14),
            Column(f"doc{tag}_link", f"ลิงก์ {number}", 30, "user"),
        ]
    out: list[Row] = []
    for d in ctx.org.districts():
        mine = {doc.key: uploads.get((d.code, doc.key)) for doc in docs}
        cells: list[Cell] = [d.code, d.name]
        for up in mine.values():
            cells += [up.status if up else MISSING, ", ".join(up.links) if up else ""]
        received = sum(1 for up in mine.values() if up and up.status == RECEIVED)
        lacking = [
            thai.to_thai_digits(doc.number) for doc in docs if not (up := mine[doc.key]) or up.problems
        ]
        times: list[datetime] = [up.response.at for up in mine.values() if up and up.response.at is not None]
        last = max(times) if times else None
        cells += [
            received, "ครบ" if received == len(docs) else "ไม่ครบ", ", ".join(lacking),
            last.replace(tzinfo=None) if last else None, engine.on_time(ctx, last, cutoff),
        ]  # fmt: skip
        out.append(cells)
    return declared.table(ctx.schema, "orders_matrix", out, per_doc)
