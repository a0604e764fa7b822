"""A report's text fragments are built and drawn as fpdf builds and draws them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from pipeline import shaped_text, typeset

NOW = datetime(2024, 7, 1, 12)
TEXTS = [
    "ผลการประเมิน ๑๒ ตำบล",
    "น้ำ ทั้ง ศอช.ต. (ครั้งที่ ๑) ป่า ฎีกา ปฐม ญาติ",  # sara am, tone marks over upper vowels, descenders
    "AVAVA WaTo. 1,234.50 (12.5%)",  # kerning pairs
    "อำเภอเมืองพะเยา: บ้าน\u200bต๋อม, จำ\u200bป่า\u200bหวาย",
    "a (b) \\ c",  # characters the PDF string escapes
]


def page() -> Any:
    pdf = typeset.new_pdf("รายงาน", NOW)
    pdf.add_page()
    pdf.set_font("Sarabun", "B", 14)
    return pdf


@pytest.mark.parametrize("text", TEXTS)
def test_a_fragment_is_the_one_fpdf_builds_and_draws_the_same(text: str) -> None:
    from fpdf import FPDF

    ours_pdf, theirs_pdf = page(), page()
    (ours,) = ours_pdf._preload_bidirectional_text(text, False)
    assert isinstance(ours, shaped_text.fragment_class())
    assert (ours,) == FPDF._preload_bidirectional_text(ours_pdf, text, False)  # characters, state, unit
    theirs = FPDF._preload_bidirectional_text(theirs_pdf, text, False)
    for spacing in (0, 1.5):  # justified lines space their words
        for pdf, frag in ((ours_pdf, ours), (theirs_pdf, theirs[0])):
            frag.drawn = frag.render_pdf_text(spacing, 0, spacing, 30.5, 40.25, pdf.h)
        assert ours.drawn == theirs[0].drawn
    assert list(ours_pdf.current_font.subset.items()) == list(theirs_pdf.current_font.subset.items())


def test_text_fpdf_splits_is_left_to_it() -> None:
    pdf = page()
    for text in ("ABC งบประมาณ", "หน้า {nb}", "ข้อความ עברית"):
        assert not any(
            isinstance(f, shaped_text.fragment_class()) for f in pdf._preload_bidirectional_text(text, False)
        )


def test_remembered_shapings_start_over_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shaped_text, "SHAPED_KEPT", 3)
    shaped_text.SHAPED.clear()
    pdf = page()
    for text in TEXTS:
        (frag,) = pdf._preload_bidirectional_text(text, False)
        frag.render_pdf_text(0, 0, 0, 0, 0, pdf.h)
    assert all(0 < len(m) <= 3 for m in shaped_text.SHAPED.values())
