"""Paragraphs and tables drawn line by line are the pages fpdf's multi_cell and table() draw."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipeline import drawing, typeset
from pipeline.documents import breakable
from tests.pdf_lines import page_lines

NOW = datetime(2024, 7, 1, 12)
ROWS = [
    ["เมืองพะเยา", "๑๕", "๑๒"],
    ["เฉลิมพระเกียรติ", "๓", "๓"],  # wider than its column: broken inside the word
    ["Mueang ABC เมือง", "๑", ""],  # two scripts: left to fpdf's multi_cell
    ["บรรทัด\nใหม่", "๒", "๒"],  # a line feed: left to fpdf too
    ["", "", ""],
] * 9  # long enough to cross a page: the heading row again on the next
TEXTS = [
    "ผลการประเมิน ๑๒ ตำบล",
    "อำเภอเมืองพะเยา: " + breakable("บ้านต๋อม, จำป่าหวาย, ท่าจำปี, สันป่าม่วง, แม่ปืม, แม่กา, บ้านใหม่, ") * 4,
    "งบประมาณ ABC ไม่เพียงพอ",  # two scripts
    "บรรทัดแรก\nบรรทัดสอง",
    "",
]


def document() -> Any:
    pdf = typeset.new_pdf("รายงาน", NOW)
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    return pdf


def draw(pdf: Any, ours: bool) -> bytes:
    from fpdf.fonts import FontFace
    from fpdf.table import DEFAULT_HEADINGS_STYLE

    for i, text in enumerate(TEXTS * 3):
        pdf.set_font("Sarabun", "B" if i % 2 else "", 14)
        pdf.set_x(pdf.l_margin + 8 * (i % 3))
        align = "C" if i % 4 == 1 else "L"
        if ours:
            drawing.text_block(pdf, pdf.epw - 8 * (i % 3), 7, text, align=align)
        else:
            pdf.multi_cell(pdf.epw - 8 * (i % 3), 7, text, align=align, new_x="LMARGIN", new_y="NEXT")
    header = ["อำเภอ", "จำนวนตำบล", "ประเมินแล้ว"]
    widths, aligns = (30, 17, 19), ("LEFT", "CENTER", "CENTER")
    pdf.set_font("Sarabun", "", 13)
    if ours:
        body = pdf.font_face()
        pdf.set_font("Sarabun", "B", 12)
        heading = FontFace.combine(FontFace.combine(body, DEFAULT_HEADINGS_STYLE), pdf.font_face())
        pdf.set_font("Sarabun", "", 13)
        drawing.RuledTable(pdf, widths, aligns, line_height=7).draw(
            [(heading, header), *[(body, r) for r in ROWS]]
        )
    else:
        with pdf.table(col_widths=widths, text_align=aligns, line_height=7) as table:
            head = table.row()
            pdf.set_font("Sarabun", "B", 12)
            for h in header:
                head.cell(h)
            pdf.set_font("Sarabun", "", 13)
            for r in ROWS:
                table.row(r)
    pdf.set_font("Sarabun", "", 14)
    pdf.cell(0, 7, "ท้ายตาราง", new_x="LMARGIN", new_y="NEXT")
    return typeset.output(pdf)


def test_the_pages_are_those_of_multi_cell_and_table() -> None:
    ours, theirs = draw(document(), True), draw(document(), False)
    headed = [
        p for p in page_lines(theirs) if any(line[2:] == ["SarabunBold", 12, "อำเภอ"] for line in p["lines"])
    ]
    assert len(headed) == 3  # the table crosses two pages, its heading row drawn again on each
    assert ours == theirs


def lines(pdf: Any, ours: bool) -> bytes:
    """Lines of every kind a cell can hold, written by drawing's line or by fpdf's cell()."""
    cell = (lambda *a, **k: drawing._cell(pdf, *a, **k)) if ours else pdf.cell
    for i in range(60):  # past a page's foot: the font set again on the new page
        pdf.set_font("Sarabun", "B" if i % 3 == 0 else "", 13 + i % 2)  # the font changes between lines
        pdf.set_text_color(200, 0, 0) if i % 7 == 3 else pdf.set_text_color(0)  # a colour of its own
        pdf.set_font(style="U") if i % 11 == 5 else None  # underlined
        pdf.set_char_spacing(1 if i % 13 == 6 else 0)
        text = ["ผลการประเมิน ๑๒ ตำบล", "", "ABC ไทย", "(ลงชื่อ) ....", "ศอช.ต.", "หน้า {nb}", "{nb}"][i % 7]
        align = ["L", "C", "LEFT", "CENTER", "R"][i % 5 if i % 2 else 0]
        width = 0 if i % 17 == 8 else 80 + i % 3
        cell(width, 7 + i % 2, text, align=align, new_x=["LEFT", "RIGHT", "LMARGIN"][i % 3], new_y="NEXT")
    return typeset.output(pdf)


def test_a_line_is_written_as_cell_writes_it() -> None:
    assert lines(document(), ours=True) == lines(document(), ours=False)
