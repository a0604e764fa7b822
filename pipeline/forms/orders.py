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
another type, a Google Docs editor link).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.columns import ColumnMap
from pipeline.errors import ConfigError
from pipeline.forms import engine
from pipeline.forms.base import (
    FormContext,
    FormResult,
    IssueLog,
    SheetRow,
    Submission,
    read_timestamp,
    resolve_place,
    rows,
)
from pipeline.forms.declared import message
from pipeline.models import Cell, Column, Grid, Row, Table, UnitStatus
from pipeline.orgunits import Unit
from pipeline.schema import FormSchema

# The codes of its messages (sheets_schema/appointment_orders.yaml: messages), checked when the settings load.
MESSAGES = [
    "bad_file",
    "no_documents",
    "unchecked",
    "unchecked_local",
    "unchecked_remote",
    "missing_document",
    "overdue",
    "due",
]
RECEIVED = "ได้รับแล้ว"
MISSING = "ยังไม่ได้รับ"
NEEDS_FIX = "ต้องแก้ไข"

# Drive info for a link, when someone has looked: (the file exists, it is a PDF).
DriveInfo = Mapping[str, tuple[bool, bool]]

_SEPARATORS = re.compile(r"\s*[,\n]\s*|\s+(?=https?://)")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{2,5})$")
_EDITOR = re.compile(r"^https?://docs\.google\.com/(document|spreadsheets|presentation)/", re.IGNORECASE)


@dataclass(frozen=True)
class RequiredDocument:
    key: str  # schema field, e.g. "doc31"
    number: str  # "3.1"
    short: str  # for messages and headers
    title: str  # as the circular words it

    @property
    def label(self) -> str:
        return f"{thai.to_thai_digits(self.number)} {self.short}"


@dataclass(frozen=True)
class LinkProblem:
    link: str
    code: str  # not_a_link | not_pdf | file_missing
    message: str  # Thai: what is wrong with this file


def split_links(value: Cell) -> list[str]:
    """The links of a file-upload cell: Google Forms joins several with ", "."""
    if thai.is_blank(value):
        return []
    return [part for part in _SEPARATORS.split(thai.clean_text(str(value))) if part]


def check_links(
    links: Sequence[str], drive: DriveInfo | None = None, *, file_type: str = "pdf"
) -> list[LinkProblem]:
    """What is wrong with the files of one upload; [] when nothing is.

    With `drive` (link -> (exists, is_pdf)), a link it knows is judged by it: a
    file that does not exist or is not a PDF is a problem whatever the link
    looks like. Otherwise only the link's text is judged.
    """
    out: list[LinkProblem] = []
    kind = file_type.upper()
    for link in links:
        known = drive.get(link) if drive is not None else None
        if known is not None:
            exists, is_pdf = known
            if not exists:
                out.append(LinkProblem(link, "file_missing", "ไม่พบไฟล์นี้ใน Google Drive (ถูกลบหรือไม่ได้แชร์)"))
            elif not is_pdf:
                out.append(LinkProblem(link, "not_pdf", f"ไฟล์นี้ไม่ใช่ไฟล์ {kind}"))
            continue
        if not link.lower().startswith(("http://", "https://")):
            out.append(LinkProblem(link, "not_a_link", "ไม่ใช่ลิงก์ไฟล์ที่อัปโหลดผ่านแบบฟอร์ม"))
            continue
        if _EDITOR.match(link):
            out.append(LinkProblem(link, "not_pdf", f"เป็นลิงก์เอกสาร Google ที่แก้ไขได้ ไม่ใช่ไฟล์ {kind} ที่สแกน"))
            continue
        # A file name shows in the path, or at the end of a link that carries it in the query.
        ext = _EXTENSION.search(unquote(urlsplit(link).path)) or _EXTENSION.search(unquote(link))
        if ext and ext[1].lower() != file_type.lower():
            out.append(LinkProblem(link, "not_pdf", f"เป็นไฟล์ .{ext[1].lower()} ไม่ใช่ไฟล์ {kind}"))
    return out


def unchecked_links(links: Sequence[str], drive: DriveInfo | None = None) -> list[str]:
    """The links whose file type nobody could judge: Drive did not say, and the link shows
    neither a file extension nor an editable Google document (a bare Drive link)."""
    out = []
    for link in links:
        if drive is not None and link in drive:
            continue
        if not link.lower().startswith(("http://", "https://")) or _EDITOR.match(link):
            continue
        if not (_EXTENSION.search(unquote(urlsplit(link).path)) or _EXTENSION.search(unquote(link))):
            out.append(link)
    return out


def documents_of(schema: FormSchema) -> list[RequiredDocument]:
    raw = (schema.extra or {}).get("documents")
    fix = "add documents: [{key, number, short, title}, …] naming the file-upload fields"
    where = f"sheets_schema/{schema.name}.yaml: documents"
    if not isinstance(raw, list) or not raw:
        raise ConfigError("the schema lists no documents", where=where, fix=fix)
    try:
        return [
            RequiredDocument(str(d["key"]), str(d["number"]), str(d["short"]), str(d["title"])) for d in raw
        ]
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"a document is incomplete: {exc!r}", where=where, fix=fix) from exc


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
    docs = documents_of(ctx.schema)
    file_type = str((ctx.schema.extra or {}).get("file_type", "pdf"))
    cmap, data = rows(ctx, grid)
    log = IssueLog(ctx, cmap)
    responses = [_read(ctx, log, cmap, r, docs) for r in data]
    uploads = _latest_uploads(log, responses, docs, drive, file_type)
    for (_, key), up in sorted(uploads.items(), key=lambda kv: kv[1].response.row.number):
        for p in up.problems:
            doc = next(d for d in docs if d.key == key)
            log.add(
                up.response.row.number,
                "error",
                p.code,
                message(ctx, "bad_file", document=doc.label, problem=p.message, kind=file_type.upper()),
                key=key,
                value=p.link,
                district=up.response.district,
            )
    _say_unchecked(ctx, log, uploads, drive, file_type)
    _late(ctx, log, uploads, cutoff)
    counted = {id(up.response) for up in uploads.values()}
    result = FormResult(form=ctx.source.key, rows_read=len(data))
    result.accepted = sum(1 for r in responses if id(r) in counted)
    result.rejected = sum(1 for r in responses if not r.ok)
    result.superseded = sum(1 for r in responses if r.ok and r.links and id(r) not in counted)
    _missing(ctx, log, uploads, docs, cutoff)
    result.issues = list(log)
    result.tables = [_matrix(ctx, uploads, docs, cutoff)]
    result.statuses = _statuses(ctx, log, uploads, docs, cutoff)
    return result


def _read(
    ctx: FormContext, log: IssueLog, cmap: ColumnMap, row: SheetRow, docs: list[RequiredDocument]
) -> Report:
    district, _, ok = resolve_place(ctx, log, row, cmap, with_tambon=False)
    at = read_timestamp(ctx, log, cmap, row, district=district)
    ok = ok and at is not None
    links = {d.key: found for d in docs if (found := split_links(cmap.get(row.cells, d.key)))}
    if ok and not links:
        log.add(
            row.number,
            "warning",
            "no_documents",
            message(ctx, "no_documents", kind=str((ctx.schema.extra or {}).get("file_type", "pdf")).upper()),
            district=district,
        )
    return Report(row=row, at=at, district=district, ok=ok, links=links)


def _latest_uploads(
    log: IssueLog,
    responses: list[Report],
    docs: list[RequiredDocument],
    drive: DriveInfo | None,
    file_type: str,
) -> dict[tuple[str, str], Upload]:
    """(district code, document key) -> the upload that counts; earlier ones are marked superseded."""
    latest: dict[tuple[str, str], Report] = {}
    for doc in docs:
        sent = (r for r in responses if r.ok and doc.key in r.links)
        for code, r in engine.latest(sent, lambda r: r.district.code if r.district else None).items():
            latest[(code, doc.key)] = r
    for r in responses:
        if not r.ok or r.district is None:
            continue
        for doc in docs:
            winner = latest.get((r.district.code, doc.key))
            if doc.key in r.links and winner is not None and winner is not r:
                log.add(
                    r.row.number,
                    "warning",
                    "superseded",
                    message(log.ctx, "superseded", document=doc.label, row=winner.row.number),
                    key=doc.key,
                    district=r.district,
                )
    return {
        k: Upload(r, r.links[k[1]], check_links(r.links[k[1]], drive, file_type=file_type))
        for k, r in latest.items()
    }


def _say_unchecked(
    ctx: FormContext,
    log: IssueLog,
    uploads: dict[tuple[str, str], Upload],
    drive: DriveInfo | None,
    file_type: str,
) -> None:
    """Once per source: how many uploaded files count as received without anyone knowing
    they are PDFs (a bare Drive link read where Drive cannot be asked)."""
    unchecked = [
        link for up in uploads.values() if not up.problems for link in unchecked_links(up.links, drive)
    ]
    if not unchecked:
        return
    kind = file_type.upper()
    how = message(ctx, "unchecked_local" if ctx.settings.backend == "local" else "unchecked_remote")
    log.add(
        1,
        "warning",
        f"{file_type.lower()}_unchecked",
        message(ctx, "unchecked", n=len(unchecked), kind=kind, how=how),
        value=unchecked[0],
    )


def _late(ctx: FormContext, log: IssueLog, uploads: dict[tuple[str, str], Upload], cutoff: Cutoff) -> None:
    late_rows = {up.response.row.number: up.response for up in uploads.values()}
    for _, r in sorted(late_rows.items()):
        engine.warn_late(ctx, log, r, cutoff, cutoff.title, message(ctx, "late_counts"))


def _missing(
    ctx: FormContext,
    log: IssueLog,
    uploads: dict[tuple[str, str], Upload],
    docs: list[RequiredDocument],
    cutoff: Cutoff,
) -> None:
    """One issue per district and document not received; row 0: no sheet row holds it."""
    overdue = ctx.now.date() > cutoff.due
    when = message(ctx, "overdue" if overdue else "due", due=thai.format_thai_date(cutoff.due))
    kind = str((ctx.schema.extra or {}).get("file_type", "pdf")).upper()
    for d in ctx.org.districts():
        for doc in docs:
            if (d.code, doc.key) in uploads:
                continue
            log.add(
                0,
                "error" if overdue else "warning",
                "missing_document",
                message(
                    ctx,
                    "missing_document",
                    district=d.name,
                    number=thai.to_thai_digits(doc.number),
                    title=doc.title,
                    kind=kind,
                    when=when,
                ),
                key=doc.key,
                district=d,
            )


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
    cols = [Column("district_code", "รหัสอำเภอ", 10), Column("district", "อำเภอ", 16)]
    for doc in docs:
        tag = doc.number.replace(".", "_")
        cols.append(Column(f"doc{tag}", f"{thai.to_thai_digits(doc.number)} {doc.short}", 14))
        cols.append(Column(f"doc{tag}_link", f"ลิงก์ {thai.to_thai_digits(doc.number)}", 30, "user"))
    cols += [
        Column("received", "ได้รับแล้ว (ฉบับ)", 10, "int"),
        Column("complete", "ครบ ๕ ฉบับ", 10),
        Column("missing", "ข้อที่ยังขาด/ต้องแก้ไข", 22),
        Column("submitted_at", "ส่งล่าสุด", 18, "datetime"),
        Column("on_time", "ส่งตามกำหนด", 12),
    ]
    out: list[Row] = []
    for d in ctx.org.districts():
        cells: list[Cell] = [d.code, d.name]
        lacking: list[str] = []
        times: list[datetime] = []
        received = 0
        for doc in docs:
            up = uploads.get((d.code, doc.key))
            status = up.status if up else MISSING
            cells += [status, ", ".join(up.links) if up else ""]
            if status == RECEIVED:
                received += 1
            else:
                lacking.append(thai.to_thai_digits(doc.number))
            if up and up.response.at is not None:
                times.append(up.response.at)
        last = max(times) if times else None
        cells += [
            received,
            "ครบ" if received == len(docs) else "ไม่ครบ",
            ", ".join(lacking),
            last.replace(tzinfo=None) if last else None,
            engine.on_time(ctx, last, cutoff),
        ]
        out.append(cells)
    return Table(name="orders_matrix", title="คำสั่งและประกาศ ๓.๑-๓.๕", columns=cols, rows=out)
