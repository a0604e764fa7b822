"""A form's report files (HTML and, where the PDF packages are installed, PDF), named and keyed
so the sync renders them again only when what they show changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import geothai

from pipeline.forms.base import FormContext, IssueLog
from pipeline.models import Document
from pipeline.state import dumps


def report_documents(
    ctx: FormContext,
    log: IssueLog,
    kind: str,
    period: str,
    pdf: Callable[[Mapping[str, Any], datetime], bytes],
    context: Mapping[str, Any],
    *,
    what: str,
) -> list[Document]:
    """A report as HTML (the template "<kind>_report.html") and, where the PDF packages are installed,
    PDF: "<kind>-<province>-<fy>[-<period>]"."""
    from pipeline.documents import file_slug, pdf_support, render_html

    province = geothai.province(ctx.org.province.code)
    slug = file_slug(province.name_en if province else ctx.org.province.code)
    stem = f"{kind}-{slug}-{ctx.calendar.fiscal_year}" + (f"-{period}" if period else "")
    template = f"{kind}_report.html"
    # Rendered again only when what they show changed: "as of" is the day their data last changed,
    # so a night that changes nothing here keeps the files (the PDF costs half a second).
    shown = dumps([template, {k: v for k, v in context.items() if k != "as_of"}])
    key = hashlib.sha256(shown.encode()).hexdigest()
    docs = [Document(f"{stem}.html", render=lambda: render_html(template, context).encode("utf-8"), key=key)]
    missing = pdf_support()
    if missing:
        msg = (
            f"สร้างไฟล์ PDF ของ{what}ไม่ได้ เพราะไม่ได้ติดตั้งแพ็กเกจ {missing} "
            "— ไฟล์ HTML สร้างแล้ว เปิดในเบราว์เซอร์แล้วพิมพ์แทนได้"
        )
        if not any(i.code == "pdf_unavailable" for i in log):  # once per form, however many reports
            log.add(1, "warning", "pdf_unavailable", msg)
    else:
        docs.append(Document(f"{stem}.pdf", render=lambda: pdf(context, ctx.now), key=key))
    return docs
