"""Documents the province sends on to the department: HTML from templates, PDF on A4.

The forms build each document's context (everything it prints, already in Thai
digits); this module only lays it out. HTML comes from pipeline/templates; the
PDF is drawn with fpdf2 in Sarabun, the government's document font, with
HarfBuzz shaping (uharfbuzz), without which Thai vowels and tone marks do not
stack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache, lru_cache
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import drawing, thai, typeset

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def render_html(template: str, context: Mapping[str, Any]) -> str:
    return str(_templates().get_template(template).render(context))


@cache
def _templates() -> Environment:
    """The templates' environment, once per process: each template is compiled on first use only."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def pdf_support() -> str:
    """The packages the PDF needs that are not installed ("" when all are)."""
    wanted = {typeset.SARABUN: "fontpkg-sarabun", "uharfbuzz": "uharfbuzz"}
    return ", ".join(pkg for module, pkg in wanted.items() if find_spec(module) is None)


def file_slug(name_en: str) -> str:
    """ "Phayao" -> "phayao": the province's part of a document's file name."""
    return re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-")


_THAI_END = re.compile("[\u0e01-\u0e4e]")  # a letter, vowel or tone mark ends a Thai word
_THAI_START = re.compile("[\u0e01-\u0e2e\u0e40-\u0e44]")  # a consonant or a leading vowel starts one


def breakable(text: str) -> str:
    """Thai has no spaces between words: mark word ends (U+200B) so lines break between words.

    Only between two Thai words: never inside an abbreviation (ศอช.ต., ก.บ.ต.) or next to punctuation.
    """
    return "".join(_breakable_part(part) for part in re.split(r"(\s+)", text))


@lru_cache(maxsize=20_000)  # names and headings recur across a run's reports
def _breakable_part(part: str) -> str:
    if "." in part or not _THAI_START.search(part):
        return part
    words = thai.words(part)
    out = [words[0]]
    for prev, word in pairwise(words):
        joint = _THAI_END.fullmatch(prev[-1]) and _THAI_START.fullmatch(word[0])
        out.append(("\u200b" if joint else "") + word)
    return "".join(out)


class ThaiPdf:
    """An A4 page in Sarabun with the paragraph and signature helpers every report uses."""

    def __init__(self, title: str, now: datetime) -> None:
        pdf = typeset.new_pdf(title, now)
        pdf.set_margins(25, 20, 20)
        pdf.set_auto_page_break(True, margin=20)
        pdf.add_page()
        self.pdf = pdf

    def para(
        self,
        text: str,
        *,
        lead: str = "",
        indent: float = 0,
        size: float = 14,
        style: str = "",
        align: str = "L",
    ) -> None:
        """A paragraph; `lead` (a district's name) is never broken."""
        pdf = self.pdf
        pdf.set_font("Sarabun", style, size)
        pdf.set_x(pdf.l_margin + indent)
        drawing.text_block(pdf, pdf.epw - indent, size * 0.5, lead + breakable(text), align=align)

    def heading(self, title: str, place: str, fiscal_year: str) -> None:
        self.para(title, size=16, style="B", align="C")
        self.para(f"{place}  ประจำปีงบประมาณ พ.ศ. {fiscal_year}", align="C")
        self.pdf.ln(4)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        bold_last: bool = False,
    ) -> None:
        """A ruled table; numbers centred, the first column left; the heading row in bold, again on
        each page the table crosses."""
        from fpdf.fonts import FontFace
        from fpdf.table import DEFAULT_HEADINGS_STYLE

        pdf = self.pdf
        faces = {}
        for style, size in (("", 13), ("B", 12), ("B", 13)):
            pdf.set_font("Sarabun", style, size)
            faces[style, size] = pdf.font_face()
        body = faces["", 13]
        heading = FontFace.combine(FontFace.combine(body, DEFAULT_HEADINGS_STYLE), faces["B", 12])
        bold = FontFace.combine(body, faces["B", 13])
        styled = [(heading, [breakable(h) for h in header])]
        styled += [(bold if bold_last and i == len(rows) - 1 else body, list(r)) for i, r in enumerate(rows)]
        if not bold_last:
            pdf.set_font("Sarabun", "", 13)  # the font fpdf's table() drew in: the rows' last
        aligns = ("LEFT", *["CENTER"] * (len(widths) - 1))
        drawing.RuledTable(pdf, widths, aligns, line_height=7).draw(styled)
        pdf.set_font("Sarabun", "", 14)

    def signature(self, who: str = "ผู้รายงาน") -> None:
        pdf = self.pdf
        pdf.ln(10)
        pdf.set_font("Sarabun", "", 14)
        for text in (
            f"{who} (ลงชื่อ) ........................................",
            "(........................................)",
            "ตำแหน่ง ........................................",
        ):
            pdf.set_x(pdf.l_margin + pdf.epw / 2 - 10)
            pdf.cell(pdf.epw / 2 + 10, 9, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)

    def output(self) -> bytes:
        return typeset.output(self.pdf)


def render_progress_pdf(context: Mapping[str, Any], now: datetime) -> bytes:
    """The progress assessment's filled-in form on A4, laid out as the circular prints it."""
    doc = ThaiPdf(str(context["title"]), now)
    headings = context["headings"]
    doc.heading(str(context["title"]), str(context["place"]), str(context["fiscal_year"]))
    doc.para(f"๑. {headings['results']}", style="B")
    for item in context["items"]:
        doc.para(f"({item['number']}) {item['text']}", indent=8)
        for line in item["lines"]:
            doc.para("-  " + "    ".join(f"จำนวน {value} {word}" for value, word in line), indent=16)
    for number, key in (("๒", "problems"), ("๓", "suggestions")):
        doc.pdf.ln(2)
        doc.para(f"{number}. {headings[key]}", style="B")
        for district, text in context[key] or [("", "ไม่มี")]:
            doc.para(text, lead=f"อำเภอ{district}: ", indent=8) if district else doc.para(
                f"- {text} -", indent=8
            )
    doc.signature()
    doc.para(_progress_note(context), size=11)
    return doc.output()


def _progress_note(context: Mapping[str, Any]) -> str:
    note = (
        f"หมายเหตุ: รวมจากแบบรายงานของ {context['included_count']} อำเภอ จากทั้งหมด {context['districts']} อำเภอ"
    )
    if context["missing"]:
        note += f" — ยังไม่ส่ง: {', '.join(context['missing'])}"
    if context["rejected"]:
        note += f" — ต้องแก้ไข ไม่นำมารวม: {', '.join(context['rejected'])}"
    return note + f" (กำหนดส่ง {context['due']}; ข้อมูล ณ วันที่ {context['as_of']})"


def render_assessment_pdf(context: Mapping[str, Any], now: datetime) -> bytes:
    """A round's assessment results as the province sends them to the department."""
    doc = ThaiPdf(str(context["title"]), now)
    doc.heading(str(context["title"]), str(context["place"]), str(context["fiscal_year"]))
    doc.para(f"๑. ผลการประเมินรายอำเภอ (ครั้งที่ {context['round']})", style="B")
    header = ["อำเภอ", "จำนวนตำบล", "ประเมินแล้ว", *context["level_names"], "ยังไม่ได้ประเมิน"]
    rows = [
        [r["district"], r["tambons"], r["assessed"], *r["levels"], r["missing"]] for r in context["districts"]
    ]
    total = context["total"]
    rows.append([total["district"], total["tambons"], total["assessed"], *total["levels"], total["missing"]])
    rows.append(["ร้อยละของตำบลที่ประเมิน", "", "", *context["shares"], ""])
    doc.table(header, rows, (30, 17, 19, *[23] * len(context["level_names"]), 24))
    doc.pdf.ln(4)
    doc.para("๒. รายชื่อ ศอช.ต. จำแนกตามระดับการพัฒนา", style="B")
    for group in context["by_level"]:
        doc.para(f"ระดับ{group['label']} ({group['count']} ตำบล)", indent=8, style="B")
        for district, names in group["districts"] or [("", "- ไม่มี -")]:
            if district:
                doc.para(names, lead=f"อำเภอ{district}: ", indent=16)
            else:
                doc.para(names, indent=16)
    if context["not_assessed"]:
        doc.pdf.ln(2)
        doc.para("๓. ตำบลที่ยังไม่ได้ประเมินหรือแบบประเมินต้องแก้ไข", style="B")
        for district, names in context["not_assessed"]:
            doc.para(names, lead=f"อำเภอ{district}: ", indent=8)
    doc.signature()
    doc.para(
        f"หมายเหตุ: กำหนดส่งจังหวัด {context['due']}; กำหนดส่งกรมการพัฒนาชุมชน {context['to_department']}; "
        f"ข้อมูล ณ วันที่ {context['as_of']}",
        size=11,
    )
    return doc.output()
