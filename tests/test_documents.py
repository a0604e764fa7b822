"""The PDF reports: shaped-text widths remembered across documents change no byte of them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pipeline import typeset
from pipeline.documents import breakable, render_assessment_pdf, render_html, render_progress_pdf
from pipeline.forms.assessment import process
from tests.pdf_lines import page_lines
from tests.test_forms_assessment import HEADER, LOW, TOP, ctx, row


def test_remembered_widths_render_the_same_pdf_as_fresh_shaping(settings_file: Path) -> None:
    rows = [
        HEADER,
        row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "เวียง", "1", TOP),
        row(datetime(2023, 11, 20, 9), "เมืองพะเยา", "แม่ต๋ำ", "1", LOW),
        row(datetime(2023, 11, 21, 9), "จุน", "ลอ", "1", TOP[:10] + LOW[10:]),
    ]
    pdf = next(d for d in process(ctx(settings_file), rows).documents if d.filename.endswith("-1.pdf"))
    typeset.WIDTHS.clear()
    fresh = pdf.data()  # every width shaped by HarfBuzz
    remembered = sum(len(m) for m in typeset.WIDTHS.values())
    assert remembered > 100
    again = pdf.data()  # every width from the memo
    assert again == fresh
    assert sum(len(m) for m in typeset.WIDTHS.values()) == remembered


def test_word_ends_are_marked_between_thai_words_only_and_the_same_when_remembered() -> None:
    texts = {
        "อำเภอเมืองพะเยา: บ้านต๋อม, จำป่าหวาย": "อำเภอ|เมือง|พะเยา: บ้าน|ต๋อม, จำ|ป่า|หวาย",
        "คณะกรรมการ ศอช.ต. ประชุมประจำเดือน": "คณะกรรมการ ศอช.ต. ประชุม|ประจำเดือน",
        "ABC งบประมาณไม่เพียงพอ": "ABC งบประมาณ|ไม่|เพียงพอ",
    }
    for _ in range(2):  # worked out, then from the memo
        assert {t: breakable(t).replace("\u200b", "|") for t in texts} == texts


FRAME = {"title": "รายงาน", "place": "จังหวัดพะเยา", "fiscal_year": "๒๕๖๗", "due": "๒๑ มิ.ย.", "as_of": "๑ ก.ค."}
PROGRESS = FRAME | {
    "headings": {"results": "ผลการดำเนินงาน", "problems": "ปัญหาอุปสรรค", "suggestions": "ข้อเสนอแนะ"},
    "items": [{"number": "๑", "text": "มีการจัดทำฐานข้อมูล", "lines": [[("๖", "ตำบล"), ("๙๐", "คน")]]}],
    "problems": [("จุน", "งบประมาณไม่เพียงพอ")],
    "suggestions": [],
    "included": ["จุน"],
    "included_count": "๑",
    "districts": "๙",
    "missing": [],
    "rejected": ["ปง"],
}
ASSESSMENT = FRAME | {
    "round": "๑",
    "level_names": ["เข้มแข็ง"],
    "districts": [{"district": "จุน", "tambons": "๗", "assessed": "๖", "levels": ["๖"], "missing": "๑"}],
    "total": {"district": "รวม", "tambons": "๗", "assessed": "๖", "levels": ["๖"], "missing": "๑"},
    "shares": ["๑๐๐"],
    "by_level": [{"label": "เข้มแข็ง", "count": "๖", "districts": [("จุน", "ลอ, ห้วยยางขาม")]}],
    "not_assessed": [],
    "to_department": "๓๐ พ.ย.",
}
SIGNATURE = """
<div class="signature">
  <p>ผู้รายงาน (ลงชื่อ) ........................................</p>
  <p>(........................................)</p>
  <p>ตำแหน่ง ........................................</p>
</div>

<p class="note">หมายเหตุ: """


def test_both_printed_reports_share_one_page_frame() -> None:
    progress = render_html("progress_report.html", PROGRESS)
    assessment = render_html("assessment_report.html", ASSESSMENT)
    for html, rule in (
        (progress, "  .text { margin: 0 0 0 1.5em; }\n"),
        (assessment, "  .text { margin: 0 0 0 3em; }\n"),
    ):
        assert html.startswith('<!DOCTYPE html>\n<html lang="th">\n<head>\n<meta charset="utf-8">\n')
        assert "<title>รายงาน จังหวัดพะเยา ปีงบประมาณ ๒๕๖๗</title>" in html
        assert rule + "  .signature { margin: 2em 0 0 45%; text-align: center; }\n" in html
        assert '<h1>รายงาน</h1>\n<p class="place">จังหวัดพะเยา ประจำปีงบประมาณ พ.ศ. ๒๕๖๗</p>\n\n<h2>๑. ' in html
        assert html.count(SIGNATURE) == 1 and html.endswith("</p>\n</body>\n</html>")
    assert (
        '<h2>๒. ปัญหาอุปสรรค</h2>\n<p class="text">อำเภอจุน: งบประมาณไม่เพียงพอ</p>\n\n'
        '<h2>๓. ข้อเสนอแนะ</h2>\n<p class="text">- ไม่มี -</p>\n' + SIGNATURE
    ) in progress
    assert progress.endswith(
        "อำเภอ\n(จุน) — ต้องแก้ไข ไม่นำมารวม: ปง (กำหนดส่ง ๒๑ มิ.ย.; ข้อมูล ณ วันที่ ๑ ก.ค.)</p>\n</body>\n</html>"
    )
    # the note's last list and the due date stay apart, whichever lists there are
    alone = render_html("progress_report.html", {**PROGRESS, "missing": [], "rejected": []})
    assert "อำเภอ\n(จุน) (กำหนดส่ง ๒๑ มิ.ย.;" in alone
    assert (
        '<p class="text">อำเภอจุน: ลอ, ห้วยยางขาม</p>\n\n' + SIGNATURE in assessment
    )  # and the blank line of the section ๓ left out


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "documents"
DRAWN = sorted(p.name.removesuffix(".context.json") for p in FIXTURES.glob("*.context.json"))


@pytest.mark.parametrize("name", DRAWN)
def test_every_line_is_drawn_where_and_as_it_was(name: str) -> None:
    """The demo's three reports, the national one and a long one crossing pages mid-table: each
    page's text lines (start, font, size, text), rules and every glyph's place, as the drawing of
    fpdf's multi_cell and table left them when these fixtures were written."""
    stored = json.loads((FIXTURES / f"{name}.context.json").read_text(encoding="utf-8"))
    render = {"assessment": render_assessment_pdf, "progress": render_progress_pdf}[stored["kind"]]
    pages = page_lines(render(stored["context"], datetime.fromisoformat(stored["now"])))
    expected = json.loads((FIXTURES / f"{name}.lines.json").read_text(encoding="utf-8"))
    assert len(pages) == len(expected)
    for page, want in zip(pages, expected, strict=True):
        assert page["lines"] == want["lines"]
        assert page["rules"] == want["rules"]
        assert page["digest"] == want["digest"]
