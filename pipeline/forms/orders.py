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
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pipeline import thai
from pipeline.calendar import Cutoff
from pipeline.forms import declared, engine
from pipeline.forms.base import FormContext, FormResult, IssueLog
from pipeline.forms.declared import Entry, message
from pipeline.forms.engine import RowLog
from pipeline.models import Cell, Column, Grid, Row, Table, UnitStatus

# The codes of its messages (sheets_schema/appointment_orders.yaml: messages), checked when the settings load.
MESSAGES = """bad_file no_documents unchecked unchecked_local unchecked_remote missing_document overdue before_due
    file_missing file_not_pdf not_a_link editor_link other_type received not_received needs_fix all_in not_all_in
    link_of"""

# Drive info for a link, when someone has looked: (the file exists, it is a PDF).
DriveInfo = Mapping[str, tuple[bool, bool]]

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
    def th_number(self) -> str:
        return thai.to_thai_digits(self.number)

    @property
    def label(self) -> str:
        return f"{self.th_number} {self.short}"


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
class Upload:
    """The upload of one document that counts for a district."""

    response: Entry
    links: list[str]
    problems: list[LinkProblem]


def process(ctx: FormContext, grid: Grid) -> FormResult:
    return declared.evaluate(ctx, grid, Orders(declared.rules_of(Rules, ctx.schema)))


@dataclass(frozen=True)
class Orders(declared.Form):
    """A district's documents come one by one, over as many responses as it likes: each is a part
    of its report, superseded alone (declared.Form.parts); the files are judged by what Drive says
    of them (ctx.drive) where anyone could ask it."""

    rules: Rules

    @property
    def kind(self) -> str:
        return self.rules.file_type

    def check(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        links = {d.key: found for d in self.rules.documents if (found := engine.read(ctx, e, say, d.key))}
        e.values["links"] = links
        if e.ok and not links:
            say.warning("no_documents", kind=self.kind.upper())

    def parts(self, ctx: FormContext, e: Entry) -> dict[str, str]:
        labels = {d.key: d.label for d in self.rules.documents}
        return {key: labels[key] for key in e.values["links"]} if e.ok else {}

    def recheck(self, ctx: FormContext, e: Entry, say: RowLog) -> None:
        """The files of the documents it brings that count: the others no longer matter."""
        kind = self.kind
        e.values["problems"] = problems = {}
        for doc in (d for d in self.rules.documents if d.key in e.kept):
            problems[doc.key] = found = check_links(e.values["links"][doc.key], ctx.drive, file_type=kind)
            for p in found:
                problem = message(ctx, p.reason, kind=kind.upper(), ext=p.ext)
                said = message(ctx, "bad_file", document=doc.label, problem=problem, kind=kind.upper())
                # add, not error: the response still counts, only this document is to be sent again
                say.add("error", p.code, said, doc.key, p.link)

    def finish(self, ctx: FormContext, log: IssueLog, entries: list[Entry], cutoffs: list[Cutoff]) -> None:
        """Files nobody could check, said once per source; one issue per district and document not
        received, at row 0: no sheet row holds it."""
        uploads, kind, cutoff = _uploads(entries, self.rules.documents), self.kind.upper(), cutoffs[0]
        unchecked = [
            u for up in uploads.values() if not up.problems for u in up.links if _unchecked(u, ctx.drive)
        ]
        if unchecked:  # files that count as received without anyone knowing their type
            how = message(ctx, "unchecked_local" if ctx.settings.backend == "local" else "unchecked_remote")
            said = message(ctx, "unchecked", n=len(unchecked), kind=kind, how=how)
            log.add(1, "warning", f"{kind.lower()}_unchecked", said, value=unchecked[0])
        overdue = ctx.now.date() > cutoff.due
        when = message(ctx, "overdue" if overdue else "before_due", due=thai.format_thai_date(cutoff.due))
        for d in ctx.org.districts():
            for doc in (doc for doc in self.rules.documents if (d.code, doc.key) not in uploads):
                said = message(
                    ctx,
                    "missing_document",
                    district=d.name,
                    number=doc.th_number,
                    title=doc.title,
                    kind=kind,
                    when=when,
                )
                log.add(
                    0, "error" if overdue else "warning", "missing_document", said, key=doc.key, district=d
                )

    def statuses(
        self, ctx: FormContext, log: IssueLog, counted: list[Entry], cutoffs: list[Cutoff]
    ) -> list[UnitStatus]:
        """A status for every district that uploaded anything: valid only when all five documents are in order."""
        uploads, docs, out = _uploads(counted, self.rules.documents), self.rules.documents, []
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
            complete = len(mine) == len(docs) and not any(up.problems for up in mine)
            out.append(
                engine.status(
                    ctx, cutoffs[0], d, d.code, last, () if complete else problems, rejected=not complete
                )
            )
        return out

    def tables(self, ctx: FormContext, counted: list[Entry], cutoffs: list[Cutoff]) -> list[Table]:
        """One row per district: each document's status and links, how many are in, the latest upload."""
        uploads, docs = _uploads(counted, self.rules.documents), self.rules.documents
        per_doc: list[Column] = []
        for doc in docs:
            tag = doc.number.replace(".", "_")
            per_doc += [
                Column(f"doc{tag}", doc.label, 14),
                Column(f"doc{tag}_link", message(ctx, "link_of", number=doc.th_number), 30, "user"),
            ]
        out: list[Row] = []
        for d in ctx.org.districts():
            mine = {doc.key: uploads.get((d.code, doc.key)) for doc in docs}
            cells: list[Cell] = [d.code, d.name]
            for up in mine.values():
                shown = message(ctx, "not_received" if not up else "needs_fix" if up.problems else "received")
                cells += [shown, ", ".join(up.links) if up else ""]
            received = sum(1 for up in mine.values() if up and not up.problems)
            lacking = [doc.th_number for doc in docs if not (up := mine[doc.key]) or up.problems]
            times = [up.response.at for up in mine.values() if up and up.response.at is not None]
            last = max(times) if times else None
            cells += [
                received, message(ctx, "all_in" if received == len(docs) else "not_all_in"), ", ".join(lacking),
                *engine.sent(ctx, last, cutoffs[0]),
            ]  # fmt: skip
            out.append(cells)
        return [declared.table(ctx.schema, "orders_matrix", out, per_doc)]


def _uploads(entries: list[Entry], docs: Sequence[RequiredDocument]) -> dict[tuple[str, str], Upload]:
    """(district code, document key) -> the upload that counts, in the order each was first sent."""
    out: dict[tuple[str, str], Upload | None] = {}
    for doc in docs:
        for e in entries:
            if e.ok and e.district and doc.key in e.values["links"]:
                out.setdefault((e.district.code, doc.key), None)
                if doc.key in e.kept:
                    out[(e.district.code, doc.key)] = Upload(
                        e, e.values["links"][doc.key], e.values["problems"][doc.key]
                    )
    return {k: up for k, up in out.items() if up}


def _unchecked(link: str, drive: DriveInfo | None) -> bool:
    """A link whose file type nobody could judge: Drive did not say, and the link shows neither a
    file extension nor an editable Google document (a bare Drive link)."""
    return (drive is None or link not in drive) and _shape(link) == ""
