"""fpdf2 set up once per process: the font parsed once, widths remembered, no bidi pass over
left-to-right text, fpdf loaded without what no report uses; the PDFs are those of plain fpdf."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from importlib import resources
from typing import Any

import pytest

from pipeline import typeset
from pipeline.documents import ThaiPdf

NOW = datetime(2024, 7, 1, 12)
# Paragraphs of every kind a report prints, and some it should not meet but must draw the same.
TEXTS = [
    "ผลการประเมิน ๑๒ ตำบล",
    "อำเภอเมืองพะเยา: บ้านต๋อม, จำป่าหวาย, ท่าจำปี\u200bสันป่าม่วง (ศอช.ต.) — ๕๕.๗%",
    'Latin "quoted" (text) ABC-123, 12.5% & ฿1,000',
    "ผู้รายงาน (ลงชื่อ) ........................................",
    "หน้า {nb}",
    "ข้อความ עברית ปน العربية และตัวเลข ١٢٣",
    "\u202bฝัง\u202c \u2067แยก\u2069 \u200fทิศ",
    " ",
]


def plain_pdf(title: str, now: datetime) -> Any:
    """What typeset.new_pdf stands for: fpdf as documented, every font parsed, every width shaped."""
    typeset.load_fpdf()
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(now)
    pdf.set_title(title)
    pdf.set_lang("th")
    for style, file in typeset.STYLES.items():
        pdf.add_font("Sarabun", style, str(resources.files(typeset.SARABUN) / "files" / file))
    pdf.set_text_shaping(True)
    return pdf


def plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typeset, "new_pdf", plain_pdf)
    monkeypatch.setattr(typeset, "output", lambda pdf: bytes(pdf.output()))


def draw(texts: list[str]) -> bytes:
    page = ThaiPdf("รายงาน", NOW)
    page.heading("รายงานผลการประเมิน", "จังหวัดพะเยา", "๒๕๖๗")
    for i, text in enumerate(texts):
        page.para(text, lead="อำเภอจุน: " if i % 2 else "", indent=8 * (i % 3), style="B" if i == 1 else "")
    page.table(["อำเภอ", "จำนวนตำบล"], [["เมืองพะเยา", "๑๕"], ["รวม", "๖๘"]], (60, 40), bold_last=True)
    page.signature()
    return page.output()


def test_the_pdf_is_that_of_plain_fpdf(monkeypatch: pytest.MonkeyPatch) -> None:
    typeset.WIDTHS.clear()
    first, again = draw(TEXTS), draw(TEXTS[::-1])  # shaped, then partly from the memo
    with monkeypatch.context() as m:
        plain(m)
        assert draw(TEXTS) == first
        assert draw(TEXTS[::-1]) == again


def test_the_bidi_pass_is_skipped_only_where_its_answer_is_one_left_to_right_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typeset.load_fpdf()
    import fpdf.fpdf
    from fpdf import FPDF

    passes: list[str] = []

    class Counted(fpdf.fpdf.BidiParagraph):  # type: ignore[misc]
        __slots__ = ()

        def __init__(self, text: str, *args: Any, **kwargs: Any) -> None:
            passes.append(text)
            super().__init__(text, *args, **kwargs)

    monkeypatch.setattr(fpdf.fpdf, "BidiParagraph", Counted)
    pdf = typeset.new_pdf("รายงาน", NOW)
    pdf.add_page()
    for style in ("", "B"):
        pdf.set_font("Sarabun", style, 14)
        for text in TEXTS:
            passes.clear()
            ours = pdf._preload_bidirectional_text(text, False)
            ours_state, skipped = dict(pdf.text_shaping), not passes
            theirs = FPDF._preload_bidirectional_text(pdf, text, False)
            assert passes, "fpdf's own method runs the bidi pass"
            assert ours == theirs and pdf.text_shaping == ours_state, text
            assert skipped == typeset.left_to_right(text), text
    assert [typeset.left_to_right(t) for t in TEXTS] == [True] * 5 + [False, False, True]


def test_sarabun_is_parsed_once_per_process() -> None:
    code = """
from datetime import datetime
import fpdf.fonts
from pipeline import typeset
from pipeline.documents import ThaiPdf
parsed = []
init = fpdf.fonts.TTFFont.__init__
def counting(self, *args, **kwargs):
    parsed.append(args[1])
    init(self, *args, **kwargs)
fpdf.fonts.TTFFont.__init__ = counting
for n in range(3):
    page = ThaiPdf("รายงาน", datetime(2024, 7, 1, 12))
    page.para("ผลการประเมิน ๑๒ ตำบล", style="B" if n else "")
    assert page.output().startswith(b"%PDF")
print(len(parsed))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(len(typeset.STYLES))]


def test_the_width_memo_starts_over_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typeset, "WIDTHS_KEPT", 50)
    typeset.WIDTHS.clear()
    first = draw(TEXTS[:3])
    assert all(0 < len(m) <= 50 for m in typeset.WIDTHS.values())
    assert draw(TEXTS[:3]) == first


def test_a_report_loads_fpdf_without_its_image_and_signing_dependencies() -> None:
    code = """
import sys
import warnings
warnings.simplefilter("error")
from datetime import datetime
from pipeline.documents import ThaiPdf
page = ThaiPdf("รายงาน", datetime(2024, 7, 1, 12))
page.para("ผลการประเมิน ๑๒ ตำบล")
assert page.output().startswith(b"%PDF")
print(sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "cryptography", "PIL"}))
import numpy, cryptography.hazmat, PIL.Image  # held off only while fpdf loads, importable after
print("later", numpy.__name__, cryptography.__name__, PIL.__name__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "later numpy cryptography PIL"]
