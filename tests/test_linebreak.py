"""The lines linebreak finds are those fpdf's own multi_cell breaks the same text into."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline import linebreak, typeset
from pipeline.documents import breakable
from pipeline.orgunits import OrgUnits

EDGES = [
    "",
    " ",
    "\u200b\u200b",
    "  สอง  ช่อง  ว่าง  ",
    "เฉลิมพระเกียรติ",  # one word wider than a narrow cell: broken where it no longer fits
    "ก" * 300,
    "(๑) " + "น้ำท่วม ทั้งตำบล " * 12,  # sara am and tone marks, shaped apart from their base
    "หมายเหตุ: กำหนดส่งจังหวัด ๒๑ มิ.ย. ๒๕๖๗; ข้อมูล ณ วันที่ ๑ ก.ค. ๒๕๖๗ — ยังไม่ส่ง: ปง, จุน",
    "AVAVAVA WaWaWa To. " * 9,  # kerning pairs across every break
    "1,234.50 (12.5%) " * 14,
]
FALLBACK = ["ABC งบประมาณ", "บรรทัด\nใหม่", "soft\u00adhyphen", "ไม่\u00a0แบ่ง", "หน้า {nb}", "ข้อความ עברית"]


def paragraphs() -> list[str]:
    """Every district's tambons of three provinces, as the assessment report lists them."""
    out = []
    for code in ("56", "30", "10"):
        org = OrgUnits.for_province(code)
        for d in org.districts():
            out.append(f"อำเภอ{d.name}: " + breakable(", ".join(t.name for t in org.tambons(d.code))))
            out.append(breakable(d.name))
    return out + EDGES


@pytest.mark.parametrize(
    ("style", "size", "width"), [("", 14, 149), ("B", 16, 165), ("", 13, 30), ("B", 12, 17.5)]
)
def test_the_lines_are_those_of_fpdf(style: str, size: float, width: float) -> None:
    pdf = typeset.new_pdf("รายงาน", datetime(2024, 7, 1, 12))
    pdf.set_margins(25, 20, 20)
    pdf.add_page()
    pdf.set_font("Sarabun", style, size)
    for text in paragraphs():
        ours = linebreak.break_lines(pdf, text, width)
        assert ours is not None, text
        theirs = pdf.multi_cell(width, 7, text, dry_run=True, output="LINES")
        assert (ours or [""]) == theirs, text


def test_what_fpdf_splits_or_breaks_otherwise_is_left_to_it() -> None:
    pdf = typeset.new_pdf("รายงาน", datetime(2024, 7, 1, 12))
    pdf.add_page()
    pdf.set_font("Sarabun", "", 14)
    assert [linebreak.break_lines(pdf, t, 100) for t in FALLBACK] == [None] * len(FALLBACK)
    assert linebreak.break_lines(pdf, "ก", 1) is None  # not one character fits: fpdf's own error


def test_a_text_broken_again_gives_fpdf_lines_in_every_font_size_and_width() -> None:
    """The lines remembered for a text are found again only under the same font, size and width."""
    pdf = typeset.new_pdf("รายงาน", datetime(2024, 7, 1, 12))
    pdf.add_page()
    text = EDGES[6]
    for _ in range(2):  # the second pass finds each breaking remembered
        for style, size, width in [("", 14, 149), ("B", 14, 149), ("", 16, 149), ("", 14, 60), ("B", 12, 60)]:
            pdf.set_font("Sarabun", style, size)
            ours = linebreak.break_lines(pdf, text, width)
            assert ours == pdf.multi_cell(width, 7, text, dry_run=True, output="LINES")
            assert ours is not None
            ours.append("")  # the caller's own list: the remembered lines stay as they were
    pdf.set_font("Sarabun", "", 14)
    assert linebreak.break_lines(pdf, "ก", 1) is None
    assert linebreak.break_lines(pdf, "ก", 1) is None  # fpdf's own error, every time
